"""Early-warning pages for the methods: the backtest and each council's settings.

The backtest runs a method over the last two years without saving anything; the
settings pages change which method watches each council's series, through
`actions`, which check the right again and write the audit row. Charts are drawn
on the server with a table of the same figures beside them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.earlywarning import actions, runner
from cohesion.earlywarning.access import (
    can_configure,
    councils_for,
    require_view,
    settings_for,
)
from cohesion.earlywarning.chart import series_chart
from cohesion.earlywarning.defaults import (
    METHOD_LABELS,
    default_options,
)
from cohesion.earlywarning.describe import method_label, reference_window
from cohesion.earlywarning.forms import (
    MethodChoiceForm,
    MethodOptionsForm,
)
from cohesion.earlywarning.models import (
    DateAxis,
    DetectionSetting,
    SeriesLevel,
)
from cohesion.earlywarning.views import SERIES_WEEKS


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _current_setting(council: Area, level: str, method: str) -> DetectionSetting | None:
    return DetectionSetting.objects.filter(council=council, level=level, method=method).first()


@require_GET
@login_required
def backtest(request: HttpRequest) -> HttpResponse:
    """How many alarms a setting would have raised over the last two years. Nothing is saved."""
    user = _user(request)
    require_view(user)
    councils = list(councils_for(user))
    choice = MethodChoiceForm(request.GET or None, councils=councils)
    options_form: MethodOptionsForm | None = None
    result: runner.BacktestResult | None = None
    context: dict[str, Any] = {"choice": choice, "councils": councils}
    if choice.is_bound and choice.is_valid():
        council = choice.councils[choice.cleaned_data["council"]]
        level, method = choice.cleaned_data["level"], choice.cleaned_data["method"]
        current = _current_setting(council, level, method)
        options_form = MethodOptionsForm(
            request.GET if "run" in request.GET else None,
            method=method,
            options=current.options if current else default_options(method, level),
            initial={"axis": current.axis if current else DateAxis.OCCURRED},
        )
        if options_form.is_bound and options_form.is_valid():
            try:
                result = runner.backtest(
                    council,
                    method,
                    options_form.cleaned_data["options"],
                    options_form.cleaned_data["axis"],
                    weeks=SERIES_WEEKS,
                    level=level,
                )
            except ValidationError as error:
                options_form.add_setting_errors(error)
        context.update(
            council=council,
            level_label=SeriesLevel(level).label,
            method_label=method_label(
                method, current.options if current else default_options(method, level)
            ),
            current=current,
        )
    if result is not None:
        context.update(_backtest_context(result))
    context.update(options_form=options_form, result=result)
    status = 400 if options_form is not None and options_form.errors else 200
    return render(request, "earlywarning/backtest.html", context, status=status)


def _backtest_context(result: runner.BacktestResult) -> dict[str, Any]:
    chart = series_chart(
        weeks=result.weeks,
        observed=result.alarms_per_week,
        title=_("Alarms each week over the last two years"),
        description=_(
            "Bars are the number of series with an alarm each week. The same figures are in "
            "the table of weeks below the chart."
        ),
        chart_id="backtest-chart",
        value_label=_("Alarms"),
    )
    per_series = sorted(result.per_series, key=lambda s: (-s.alarms, s.label))
    return {
        "chart": chart,
        "week_rows": list(zip(result.weeks, result.alarms_per_week, strict=True)),
        "weeks_with_alarms": sum(1 for n in result.alarms_per_week if n),
        "per_series": per_series,
        "series_with_alarms": sum(1 for s in per_series if s.alarms),
    }


# --- Settings ------------------------------------------------------------------------------


def _require_configure(user: User) -> None:
    if not has_permission(user, Permission.EARLY_WARNING_CONFIGURE):
        raise Http404


def _options_summary(setting: DetectionSetting) -> list[tuple[str, str]]:
    return [
        (name, ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value))
        for name, value in sorted((setting.options or {}).items())
    ]


@require_GET
@login_required
def settings_list(request: HttpRequest) -> HttpResponse:
    """Each council's methods, for the people who may change them."""
    user = _user(request)
    _require_configure(user)
    sections = []
    for council in councils_for(user):
        if not can_configure(user, council):
            continue
        rows = [
            {
                "setting": s,
                "method_label": method_label(s.method, s.options),
                "reference_window": reference_window(s.method, s.options),
                "options": _options_summary(s),
            }
            for s in settings_for(user, council).select_related("updated_by")
        ]
        sections.append({"council": council, "rows": rows})
    return render(request, "earlywarning/settings_list.html", {"sections": sections})


def _setting_page(
    request: HttpRequest,
    form: MethodOptionsForm,
    *,
    council: Area,
    level: str,
    method: str,
    setting: DetectionSetting | None,
    choice: MethodChoiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "earlywarning/setting_form.html",
        {
            "form": form,
            "choice": choice,
            "council": council,
            "level_label": SeriesLevel(level).label,
            "method_label": method_label(method, setting.options if setting else None),
            "setting": setting,
        },
        status=status,
    )


def _save_setting(
    request: HttpRequest,
    form: MethodOptionsForm,
    *,
    setting: DetectionSetting | None,
    council: Area,
    level: str,
) -> DetectionSetting | None:
    """Save through `actions.update_setting`; its errors go back on the form."""
    try:
        return actions.update_setting(
            setting,
            by=_user(request),
            council=council,
            level=level,
            method=form.method,
            options=form.cleaned_data["options"],
            axis=form.cleaned_data["axis"],
            enabled=form.cleaned_data.get("enabled", True),
        )
    except ValidationError as error:
        form.add_setting_errors(error)
        return None


@require_http_methods(["GET", "POST"])
@login_required
def setting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one method's options, date axis and whether it runs."""
    user = _user(request)
    _require_configure(user)
    setting = DetectionSetting.objects.select_related("council").filter(pk=pk).first()
    if setting is None or not can_configure(user, setting.council):
        raise Http404
    form = MethodOptionsForm(
        request.POST or None,
        method=setting.method,
        with_enabled=True,
        options=setting.options,
        initial={"axis": setting.axis, "enabled": setting.enabled},
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_setting(
            request, form, setting=setting, council=setting.council, level=setting.level
        )
        if saved is not None:
            messages.success(
                request,
                _("%(method)s on %(council)s's %(level)s series saved.")
                % {
                    "method": METHOD_LABELS.get(saved.method, saved.method),
                    "council": saved.council.name,
                    "level": SeriesLevel(saved.level).label.lower(),
                },
            )
            return redirect("early-warning-settings")
    return _setting_page(
        request,
        form,
        council=setting.council,
        level=setting.level,
        method=setting.method,
        setting=setting,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def setting_new(request: HttpRequest) -> HttpResponse:
    """Add a method to a council: choose council, series and method, then its options."""
    user = _user(request)
    _require_configure(user)
    councils = [c for c in councils_for(user) if can_configure(user, c)]
    choice = MethodChoiceForm(request.GET or None, councils=councils)
    if not (choice.is_bound and choice.is_valid()):
        return render(
            request,
            "earlywarning/setting_choose.html",
            {"choice": choice},
            status=400 if choice.is_bound else 200,
        )
    council = choice.councils[choice.cleaned_data["council"]]
    level, method = choice.cleaned_data["level"], choice.cleaned_data["method"]
    existing = _current_setting(council, level, method)
    if existing is not None:
        # One setting per method and level: change the one there is.
        return redirect("early-warning-setting-edit", existing.pk)
    form = MethodOptionsForm(
        request.POST or None,
        method=method,
        with_enabled=True,
        options=default_options(method, level),
        initial={"axis": DateAxis.OCCURRED, "enabled": True},
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_setting(request, form, setting=None, council=council, level=level)
        if saved is not None:
            messages.success(
                request,
                _("%(method)s added to %(council)s.")
                % {"method": METHOD_LABELS.get(method, method), "council": council.name},
            )
            return redirect("early-warning-settings")
    return _setting_page(
        request,
        form,
        council=council,
        level=level,
        method=method,
        setting=None,
        choice=choice,
        status=400 if form.errors else 200,
    )
