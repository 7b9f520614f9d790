"""The Strategic Intelligence Assessment pages.

`/assessment/` is for people with the right to view incidents: exact figures
from the incidents they may see (`incidents_visible_to`), each count linking
to the incident list with the same filters where that list can express them.
`/assessment/public/` needs no sign-in: only incidents a second person has
released for publication and verified, only disclosure-controlled figures.
Both are thin layers over `cohesion.insight` (`assess_from_marginals` over
counts from `cohesion.incidents.sia_counts`, `to_json`, `apply_to_assessment`);
the layout is in `page.py`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.assessments import page
from cohesion.assessments.forms import (
    AssessmentFilterForm,
    PublicCouncilForm,
    last_complete_months,
    strand_labels,
)
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.core.release import Audience
from cohesion.incidents.access import incidents_visible_to
from cohesion.incidents.models import Incident, IncidentQuerySet
from cohesion.incidents.sia_counts import incident_marginals
from cohesion.insight.cli import render_html
from cohesion.insight.disclosure import DisclosureRule, apply_to_assessment
from cohesion.insight.inputs import validate_population
from cohesion.insight.population import bundled_population
from cohesion.insight.sia import assess_from_marginals, to_json

OPENDATA = Path(__file__).resolve().parent.parent / "opendata"
TEXT_FORMATS = ("json", "html")
# Added by cohesion.insight.render when it exists: format -> (function name, MIME type).
BINARY_FORMATS = {
    "xlsx": ("to_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (
        "to_docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": ("to_pdf", "application/pdf"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def download_formats() -> list[str]:
    """JSON and HTML always; XLSX, DOCX and PDF once cohesion.insight.render has them."""
    if importlib.util.find_spec("cohesion.insight.render") is None:
        return list(TEXT_FORMATS)
    render_module = importlib.import_module("cohesion.insight.render")
    return [
        *TEXT_FORMATS,
        *(f for f, (function, _) in BINARY_FORMATS.items() if hasattr(render_module, function)),
    ]


def _download(data: dict[str, Any], fmt: str, name: str) -> HttpResponse:
    if fmt not in download_formats():
        raise Http404
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n",
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "html":
        response = HttpResponse(render_html(data), content_type="text/html; charset=utf-8")
    else:
        function, mime = BINARY_FORMATS[fmt]
        render_module = importlib.import_module("cohesion.insight.render")
        response = HttpResponse(getattr(render_module, function)(data), content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def _population(council_code: str, ward_codes: set[str]) -> pd.DataFrame:
    population = bundled_population(OPENDATA, councils=[council_code])
    # The chosen wards, and the council-wide rows (sex has no ward breakdown).
    keep = population["area_code"].isin(ward_codes | {council_code})
    return population.loc[keep].reset_index(drop=True)


def _ward_info(codes_: set[str]) -> dict[str, page.WardInfo]:
    info: dict[str, page.WardInfo] = {}
    wards = Area.objects.filter(level=AreaLevel.WARD, code__in=codes_).order_by("-generation")
    for ward in wards.only("code", "name", "geometry"):
        info.setdefault(ward.code, page.WardInfo(ward.name, ward.geometry))
    return info


def _compute(
    incidents: IncidentQuerySet,
    population: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    strands: list[str] | None = None,
) -> tuple[dict[str, Any], int]:
    """The exact assessment JSON, and how many records (both periods) it was built from.

    Counted in the database (`incident_marginals`): no row per incident is fetched.
    """
    marginals = incident_marginals(incidents, start=start, end=end, strands=strands or ())
    population = validate_population(population.fillna("").astype(str))
    records = marginals.current.total + marginals.previous.total
    return to_json(assess_from_marginals(marginals, population)), records


# --- The exact page ----------------------------------------------------------------------


def _linker(*, council: str, wards: list[str], strands: list[str]) -> page.Linker:
    """Links to the incident list that select exactly the records behind a count.

    The list takes the page's own selection (council, wards, any of the ticked
    strands) and the figure's narrowing: a ward, a strand (kept as "also
    carrying" when the page is filtered on other strands, which is what the
    count means), a profile group, repeat victims or a missing field.
    """
    base = reverse("incident-list")

    def link(start: dt.date, end: dt.date, **narrow: Any) -> str:
        query: list[tuple[str, str]] = [
            ("date_from", start.isoformat()),
            ("date_to", end.isoformat()),
            ("council", council),
        ]
        ward = narrow.pop("ward", "")
        query += [("ward", w) for w in ([ward] if ward else wards)]
        strand = narrow.pop("strand", "")
        if strand and (not strands or strand in strands):
            query.append(("strand", strand))
        else:
            query += [("strand", s) for s in strands]
            if strand:
                query.append(("and_strand", strand))
        if narrow.pop("repeat", False):
            query.append(("repeat", "on"))
        query += [(name, str(value)) for name, value in narrow.items()]
        return f"{base}?{urlencode(query)}"

    return link


@require_GET
@login_required
def sia(request: HttpRequest) -> HttpResponse:
    """The exact assessment of the incidents the person may see, with filters."""
    user = _user(request)
    if not has_permission(user, Permission.INCIDENT_VIEW):
        raise Http404
    query = request.GET.copy()
    fmt = query.pop("format", [""])[-1]
    form = AssessmentFilterForm(query or None, user=user, today=timezone.localdate())
    context: dict[str, Any] = {"form": form, "formats": download_formats(), "report": None}
    if query and not form.is_valid():
        if fmt:
            raise Http404
        return render(request, "assessments/sia.html", context, status=400)
    if not form.councils:
        return render(request, "assessments/sia.html", context)

    if form.is_bound:
        cleaned = form.cleaned_data
        start, end = cleaned["date_from"], cleaned["date_to"]
        council = form.councils[cleaned["council"]]
        wards, strands = list(cleaned["wards"]), list(cleaned["strands"])
    else:
        start, end = form.default_period
        council = next(iter(form.councils.values()))
        wards, strands = [], []

    scope_wards = {
        w.code for w in form.scope_wards if w.council is not None and w.council.code == council.code
    }
    ward_codes = set(wards) or scope_wards
    incidents = incidents_visible_to(user).filter(council__code=council.code)
    if wards:
        incidents = incidents.filter(ward__code__in=wards)
    data, rows = _compute(incidents, _population(council.code, ward_codes), start, end, strands)
    record(
        action=AuditAction.INCIDENTS_EXPORTED,
        by=user,
        detail={
            "purpose": "strategic intelligence assessment page",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "council": council.code,
            "wards": sorted(wards),
            "strands": sorted(strands),
            "rows": rows,
            "format": fmt or "page",
        },
    )
    if fmt:
        return _download(data, fmt, f"sia-{council.code}-{start.isoformat()}-{end.isoformat()}")

    link = _linker(council=council.code, wards=wards, strands=strands)
    context["council"] = council
    context["report"] = page.layout(
        data,
        link=link,
        strand_labels=strand_labels(),
        wards=_ward_info({w["code"] for w in data["wards"]}),
    )
    context["download_query"] = [
        (f, urlencode([*query.lists(), ("format", f)], doseq=True)) for f in context["formats"]
    ]
    context["filtered_by_strand"] = bool(strands)
    return render(request, "assessments/sia.html", context)


# --- The public page ---------------------------------------------------------------------


def published_incidents() -> IncidentQuerySet:
    """Incidents released for publication by a second person, and verified."""
    return Incident.objects.filter(audience=Audience.PUBLIC, counted_in_statistics=True)


def public_councils() -> list[Area]:
    """Councils with an organisation in Cohesion (so somebody publishes for them)."""
    return list(
        Area.objects.filter(level=AreaLevel.LAD, organisations__isnull=False)
        .distinct()
        .order_by("name", "-generation")
    )


@require_GET
def sia_public(request: HttpRequest) -> HttpResponse:
    """The published assessment: disclosure-controlled figures, the last 12 complete months."""
    councils = public_councils()
    form = PublicCouncilForm(request.GET or None, councils=councils)
    fmt = request.GET.get("format", "")
    chosen = request.GET.get("council") or (councils[0].code if councils else "")
    council = next((c for c in councils if c.code == chosen), None)
    context: dict[str, Any] = {"form": form, "report": None, "councils": councils}
    if council is None:
        if councils:
            raise Http404
        return render(request, "assessments/sia_public.html", context)
    start, end = last_complete_months(timezone.localdate())
    ward_codes = set(
        Area.objects.filter(level=AreaLevel.WARD, council__code=council.code).values_list(
            "code", flat=True
        )
    )
    exact, _rows = _compute(
        published_incidents().filter(council__code=council.code),
        _population(council.code, ward_codes),
        start,
        end,
    )
    data = apply_to_assessment(exact, DisclosureRule())
    if fmt:
        return _download(
            data, fmt, f"sia-public-{council.code}-{start.isoformat()}-{end.isoformat()}"
        )
    context |= {
        "council": council,
        "rule": data["disclosure"],
        "formats": download_formats(),
        "report": page.layout(
            data,
            link=None,
            strand_labels=strand_labels(),
            wards=_ward_info({w["code"] for w in data["wards"]}),
        ),
    }
    return render(request, "assessments/sia_public.html", context)
