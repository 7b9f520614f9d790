"""Risk index pages: the configurations, a run's results, configure, compute, method, download.

Every configuration is loaded through `cohesion.riskindex.access`, so another
council's configuration is the same 404 as a missing one. Configuring and
computing need RISK_INDEX_CONFIGURE over the council; as with early-warning
settings, a person without that right gets a 404 for the configure page,
while computing (a button on a page they can see) is refused with a 403.
Every chart is drawn on the server as SVG with a table of the same figures,
and the rank interval is written out in words, so nothing needs JavaScript.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.choropleth import Choropleth, build_choropleth
from cohesion.areas.models import Area
from cohesion.insight.risk_index import method_sections, parse_config
from cohesion.insight.risk_index.compute import RESULT_COLUMNS
from cohesion.insight.risk_index.config import ConfigError
from cohesion.riskindex import actions
from cohesion.riskindex.access import (
    can_configure,
    councils_for,
    get_configuration_for,
    latest_run,
    visible_configurations,
)
from cohesion.riskindex.forms import POLARITY_LABELS, ROLE_LABELS, IndexConfigForm
from cohesion.riskindex.indicators import indicator_choices, indicator_table
from cohesion.riskindex.models import IndexConfiguration, IndexRun

# Shown where there is no figure (an en dash, as the other pages do).
NONE = "\u2013"
# The rank-interval bar: an SVG this wide, with this much margin each side.
BAR_WIDTH = 120
BAR_MARGIN = 4
# Influence chart geometry.
INFLUENCE_BAR = 240


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(user: User) -> None:
    # Without the right the risk index does not exist for this person.
    if not has_permission(user, Permission.RISK_INDEX_VIEW):
        raise Http404


def _number(value: Any, decimals: int = 1) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and decimals == 0
    ):
        return f"{int(value):,}"
    try:
        return f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return str(value)


def _rank(value: Any) -> str:
    """Ranks are whole numbers, except a median between two (e.g. 3.5)."""
    if value is None:
        return NONE
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


# --- List ----------------------------------------------------------------------------------


@require_GET
@login_required
def index_list(request: HttpRequest) -> HttpResponse:
    """The configurations of the councils the person covers, with their latest run."""
    user = _user(request)
    _require_view(user)
    configurations = list(visible_configurations(user).select_related("updated_by"))
    runs = {
        c.pk: latest_run(c) for c in configurations
    }  # a handful per council: one query each is fine
    with_config = {c.council_id for c in configurations}
    councils_without = [
        council
        for council in councils_for(user)
        if council.pk not in with_config
        and has_permission(user, Permission.RISK_INDEX_CONFIGURE, area=council)
    ]
    return render(
        request,
        "riskindex/index_list.html",
        {
            "rows": [
                {
                    "configuration": c,
                    "run": runs[c.pk],
                    "indicators": len(c.config.get("indicators", [])),
                    "can_configure": can_configure(user, c),
                }
                for c in configurations
            ],
            "councils_without": councils_without,
        },
    )


@require_POST
@login_required
def create_default(request: HttpRequest, code: str) -> HttpResponse:
    """Set up a council's default index (index-core's default for the data it has)."""
    user = _user(request)
    _require_view(user)
    council = councils_for(user).filter(code=code.upper()).first()
    if council is None:
        raise Http404
    if not has_permission(user, Permission.RISK_INDEX_CONFIGURE, area=council):
        raise PermissionDenied
    configuration = actions.create_default_configuration(council, by=user)
    messages.success(
        request, _("The default index for %(council)s is set up.") % {"council": council.name}
    )
    return redirect("risk-index-configure", configuration.pk)


# --- Results -------------------------------------------------------------------------------


def _indicators(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in config.get("indicators", []) if isinstance(i, dict)]


def _bar(p05: Any, median: Any, p95: Any, n: int) -> dict[str, float] | None:
    """Geometry of the rank-interval bar: rank 1 (highest risk) on the left."""
    if p05 is None or p95 is None or median is None or n < 1:
        return None
    span = BAR_WIDTH - 2 * BAR_MARGIN

    def x(rank: float) -> float:
        return BAR_MARGIN + (0.0 if n == 1 else (float(rank) - 1) / (n - 1) * span)

    start, end = x(p05), x(p95)
    return {
        "x": round(start, 1),
        "width": round(max(end - start, 2.0), 1),
        "median": round(x(median), 1),
        "full": BAR_WIDTH,
    }


def tension_overlay(run: IndexRun, council: Area) -> dict[str, float] | None:
    """Each ward's current tension level, shown beside the ranks when it is not scored.

    The reference keeps tension out of the composite (it changes week to week and
    is restricted) but reads it as an overlay: a higher-risk ward in high tension
    is the one to look at first. None when the configuration scores it already.
    """
    if any(i["key"] == "tension_level" for i in _indicators(run.config)):
        return None
    table, _vintage = indicator_table(council, ["tension_level"])
    return {str(code): float(v) for code, v in table["tension_level"].items()}


def results_context(run: IndexRun, overlay: dict[str, float] | None = None) -> dict[str, Any]:
    """The results page's rows, influence and robustness figures, from the stored run."""
    indicators = _indicators(run.config)
    records = list(run.results or [])
    ranked = [r for r in records if r.get("rank") is not None]
    n = len(ranked)
    records.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r.get("area_name", "")))
    rows = []
    for r in records:
        interval = (
            _("%(low)s to %(high)s")
            % {"low": _rank(r.get("p05_rank")), "high": _rank(r.get("p95_rank"))}
            if r.get("p05_rank") is not None
            else NONE
        )
        rows.append(
            {
                "code": r.get("area_code"),
                "name": r.get("area_name") or r.get("area_code"),
                "rank": _rank(r.get("rank")),
                "score": _number(r.get("score"), 2),
                "median_rank": _rank(r.get("median_rank")),
                "interval": interval,
                "bar": _bar(r.get("p05_rank"), r.get("median_rank"), r.get("p95_rank"), n),
                "higher_risk": bool(r.get("higher_risk")),
                "values": [_number(r.get(f"{i['key']}_raw"), 2) for i in indicators],
                "tension": None
                if overlay is None
                else _number(overlay.get(str(r.get("area_code"))), 0),
            }
        )
    summary = dict(run.summary or {})
    influence = []
    biggest = max(
        [
            max(float(row.get("declared_weight") or 0), float(row.get("actual_influence") or 0))
            for row in summary.get("influence", [])
        ]
        or [0.0]
    )
    scale = INFLUENCE_BAR / biggest if biggest > 0 else 0.0
    for i, row in enumerate(summary.get("influence", [])):
        declared = float(row.get("declared_weight") or 0)
        actual = row.get("actual_influence")
        influence.append(
            {
                "label": row.get("label") or row.get("indicator"),
                "declared": f"{declared:.0%}",
                "actual": f"{float(actual):.0%}" if actual is not None else NONE,
                "correlation": _number(row.get("correlation"), 2),
                "y": 30 + i * 44,
                "declared_width": round(declared * scale, 1),
                "actual_width": round(float(actual or 0) * scale, 1),
            }
        )
    return {
        "indicators": indicators,
        "tension_overlay": overlay is not None,
        "rows": rows,
        "ranked": n,
        "summary": summary,
        "robustness": [
            (_("Simulations"), _number(summary.get("simulations"), 0)),
            (_("Higher-risk rule"), summary.get("rule", NONE)),
            (_("Wards called higher risk"), _number(summary.get("higher_risk_count"), 0)),
            (
                _("Mean absolute rank shift"),
                _("%(n)s places") % {"n": _number(summary.get("mean_abs_rank_shift"), 2)},
            ),
            (
                _("Top-group retention"),
                f"{float(summary['top_decile_retention']):.0%}"
                if summary.get("top_decile_retention") is not None
                else NONE,
            ),
            (
                _("Median Spearman correlation with the nominal ranks"),
                _number(summary.get("median_spearman"), 2),
            ),
        ],
        "influence": influence,
        "influence_height": 30 + 44 * len(influence),
        "influence_width": INFLUENCE_BAR + 200,
        "treatments": summary.get("treatments", []),
        "vintage": run.data_vintage or {},
    }


def _choropleth(configuration: IndexConfiguration, run: IndexRun) -> Choropleth:
    """The ward map of median rank (its table repeats the figures)."""
    wards = list(Area.objects.current_wards(configuration.council).order_by("name"))
    values = {r["area_code"]: r.get("median_rank") for r in run.results or []}
    return build_choropleth(
        wards,
        values,
        title=_("Median rank in the risk index, %(council)s (1 = highest risk)")
        % {"council": configuration.council.name},
        unit="",
        decimals=1,
        scheme="quantiles",
        k=min(5, max(2, len(values) // 3)),
        higher_is_worse=False,
        source=_("Cohesion risk index, computed %(when)s")
        % {"when": f"{run.computed_at:%-d %B %Y}"},
        map_id="risk-index-map",
    )


@require_GET
@login_required
def configuration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest run's results: ranks with intervals, map, influence and robustness."""
    user = _user(request)
    configuration = get_configuration_for(user, pk)
    run = latest_run(configuration)
    context: dict[str, Any] = {
        "configuration": configuration,
        "run": run,
        "can_configure": can_configure(user, configuration),
    }
    if run is not None:
        # Tension levels follow their own permission (the tension dashboard's).
        shows_tension = has_permission(
            user, Permission.TENSION_DASHBOARD, area=configuration.council
        )
        overlay = tension_overlay(run, configuration.council) if shows_tension else None
        context.update(results_context(run, overlay))
        context["map"] = _choropleth(configuration, run)
        context["stale"] = run.summary.get("configuration_version") != configuration.version
    return render(request, "riskindex/results.html", context)


@require_POST
@login_required
def configuration_compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute now (a council's wards times 1,000 simulations take well under a second)."""
    user = _user(request)
    configuration = get_configuration_for(user, pk)
    if not can_configure(user, configuration):
        raise PermissionDenied
    try:
        actions.compute(by=user, configuration=configuration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("risk-index-detail", configuration.pk)
    messages.success(request, _("The index has been computed."))
    return redirect("risk-index-detail", configuration.pk)


# --- Configure -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def configuration_configure(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose indicators, weights, treatment, normalisation, aggregation and robustness."""
    user = _user(request)
    configuration = get_configuration_for(user, pk)
    if not can_configure(user, configuration):
        # As for early-warning settings: the configure page does not exist for this person.
        raise Http404
    choosable, context_only = indicator_choices(configuration.council)
    form = IndexConfigForm(
        request.POST if request.method == "POST" else None,
        choices=choosable,
        config=configuration.config,
        version=configuration.version,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.save_configuration(
                    by=user,
                    configuration=configuration,
                    config=form.to_config(),
                    expected_version=form.cleaned_data["version"],
                )
            except actions.StaleConfiguration as error:
                form.add_config_errors(error)
                status = 409
            except ValidationError as error:
                form.add_config_errors(error)
            else:
                messages.success(
                    request, _("Configuration saved. Compute the index to see its results.")
                )
                return redirect("risk-index-detail", configuration.pk)
    return render(
        request,
        "riskindex/configure.html",
        {
            "configuration": configuration,
            "form": form,
            "context_only": context_only,
            "role_labels": ROLE_LABELS,
        },
        status=status,
    )


# --- Method --------------------------------------------------------------------------------


@require_GET
@login_required
def configuration_method(request: HttpRequest, pk: int) -> HttpResponse:
    """The published method, generated from the configuration of the latest run (or the saved one)."""
    user = _user(request)
    configuration = get_configuration_for(user, pk)
    run = latest_run(configuration)
    raw = run.config if run is not None else configuration.config
    try:
        parsed = parse_config(raw)
    except ConfigError as error:
        raise Http404 from error  # a saved configuration always parses; never show a half page
    # The sections come from the configuration alone; the data vintage is shown after them.
    sections = method_sections(parsed)
    return render(
        request,
        "riskindex/method.html",
        {
            "configuration": configuration,
            "run": run,
            "config": parsed,
            "sections": sections,
            "vintage": (run.data_vintage if run else {}) or {},
            "polarity_labels": POLARITY_LABELS,
        },
    )


# --- Downloads -----------------------------------------------------------------------------


def _filename(configuration: IndexConfiguration, run: IndexRun, ext: str) -> str:
    stamp = f"{run.computed_at:%Y%m%d-%H%M}"
    return f"risk-index-{slugify(configuration.council.name)}-{stamp}.{ext}"


@require_GET
@login_required
def configuration_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The latest run as CSV (one row per ward) or JSON (config, vintage, summary, rows)."""
    user = _user(request)
    configuration = get_configuration_for(user, pk)
    run = latest_run(configuration)
    if run is None or fmt not in ("csv", "json"):
        raise Http404
    if fmt == "json":
        body = json.dumps(run_document(configuration, run), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(run_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(configuration, run, fmt)}"'
    return response


def run_document(configuration: IndexConfiguration, run: IndexRun) -> dict[str, Any]:
    """The JSON download and the API's results: the same shape as `cohesion index compute`."""
    return {
        "council": configuration.council.code,
        "council_name": configuration.council.name,
        "configuration": configuration.pk,
        "computed_at": run.computed_at.isoformat(),
        "computed_by": run.computed_by.username if run.computed_by else None,
        "config": run.config,
        "data_vintage": run.data_vintage,
        "summary": run.summary,
        "rows": run.results,
    }


def run_csv(run: IndexRun) -> str:
    records = list(run.results or [])
    # The columns in `cohesion index compute`'s order, from the run's own configuration:
    # PostgreSQL's jsonb does not keep the keys of the stored rows in order.
    keys = [i["key"] for i in _indicators(run.config)]
    columns = [*RESULT_COLUMNS, *(f"{k}_{what}" for k in keys for what in ("raw", "normalised"))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return out.getvalue()
