"""Forms for the early-warning pages: filtering alerts, responding to one, and choosing settings.

The settings form and the backtest form share `MethodOptionsForm`: the same
fields for the same method, so that an analyst can try a setting in the
backtest and then save exactly what they tried. The form only turns text into
numbers, yes/no and choices; whether the combination makes sense (enough
history for `b` and `w`, an alpha between 0 and 1, ...) is decided by
`actions.validate_setting`, which asks the detection methods themselves, and
its errors are put back on the matching fields.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm
from cohesion.earlywarning.defaults import METHOD_LABELS
from cohesion.earlywarning.models import AlertStatus, DateAxis, SeriesLevel
from cohesion.tensions.models import TensionAssessment
from cohesion.vocabularies.models import Term

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise
else:
    StrOrPromise = str

ALL_STRANDS = "all"


# --- Alerts ------------------------------------------------------------------------------


class AlertFilterForm(GovUKForm):
    """The alert list's filters: every one optional, every choice from what the person can see."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    method = forms.ChoiceField(label=_("Method"), required=False)
    area = forms.ChoiceField(label=_("Ward or council"), required=False)
    strand = forms.ChoiceField(label=_("Strand"), required=False)

    def __init__(self, *args: Any, areas: list[Area], strands: list[Term], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *AlertStatus.choices]  # type: ignore[attr-defined]
        self.fields["method"].choices = [("", _("Any method")), *METHOD_LABELS.items()]  # type: ignore[attr-defined]
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            ("", _("Anywhere you cover")),
            *((a.code, area_label(a)) for a in areas),
        ]
        self.fields["strand"].choices = [  # type: ignore[attr-defined]
            ("", _("Any strand")),
            (ALL_STRANDS, _("All strands together")),
            *((t.code, t.display_label) for t in strands),
        ]


def area_label(area: Area) -> str:
    """A ward is named with its council, because two councils can have wards of the same name."""
    if area.council_id and area.council is not None and area.council_id != area.pk:
        return f"{area.name} ({area.council.name})"
    return str(_("%(name)s (whole council)") % {"name": area.name})


class AcknowledgeForm(GovUKForm):
    reason = forms.CharField(
        label=_("Why are you acknowledging this alert?"),
        help_text=_(
            "For example, what you know about these incidents, who you told, or why no "
            "action is needed. Do not enter names of people."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Say why you are acknowledging this alert")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Two forms share the page: prefixes keep their ids and error anchors apart.
        kwargs.setdefault("prefix", "acknowledge")
        super().__init__(*args, **kwargs)


class AssessmentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: TensionAssessment) -> str:
        return str(
            _("%(ref)s: %(area)s, %(start)s to %(end)s, level %(level)s")
            % {
                "ref": obj.reference,
                "area": obj.area.name,
                "start": f"{obj.period_start:%-d %b %Y}",
                "end": f"{obj.period_end:%-d %b %Y}",
                "level": obj.level,
            }
        )


class LinkForm(GovUKForm):
    assessment = AssessmentChoice(
        label=_("Which tension assessment covers this alert?"),
        queryset=TensionAssessment.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a tension assessment"),
            "invalid_choice": _("Choose one of the tension assessments listed"),
        },
    )

    def __init__(self, *args: Any, assessments: QuerySet[TensionAssessment], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments  # type: ignore[attr-defined]


# --- Method options ----------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One option of a method, as a form field: its `cohesion detect` name, kind and words."""

    name: str
    kind: str  # "int" | "float" | "bool" | "choice" | "pair" | "text"
    label: StrOrPromise
    hint: StrOrPromise = ""
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    default: Any = None  # the method's own default, shown as a hint (and ticked for yes/no)


_FARRINGTON: tuple[Option, ...] = (
    Option(
        "b", "int", _("Years of history (b)"), _("How many past years to compare with."), default=5
    ),
    Option(
        "w",
        "int",
        _("Half-window in weeks (w)"),
        _("Weeks either side of the same week in each past year."),
        default=3,
    ),
    Option(
        "no_periods",
        "int",
        _("Seasonal periods (noPeriods)"),
        _("1 for the original method; 10 for the improved one."),
        default=10,
    ),
    Option(
        "past_weeks_not_included",
        "int",
        _("Recent weeks left out (pastWeeksNotIncluded)"),
        _("Keeps a recent rise out of the baseline."),
        default=26,
    ),
    Option(
        "alpha",
        "float",
        _("Alpha"),
        _("How unusual a week must be, for example 0.01."),
        default=0.05,
    ),
    Option(
        "threshold_method",
        "choice",
        _("Threshold method"),
        "",
        (
            ("nbPlugin", _("Negative binomial quantile (nbPlugin)")),
            ("delta", _("Delta method (delta)")),
            ("muan", _("Muan (muan)")),
        ),
        default="nbPlugin",
    ),
    Option(
        "powertrans",
        "choice",
        _("Power transformation"),
        "",
        (("2/3", "2/3"), ("1/2", "1/2"), ("none", _("None"))),
        default="2/3",
    ),
    Option(
        "weights_threshold",
        "float",
        _("Reweighting threshold"),
        _("Anscombe residual above which a past week counts less."),
        default=2.58,
    ),
    Option(
        "p_threshold_trend",
        "float",
        _("Trend p-value threshold"),
        _("A trend is kept only if its p-value is below this."),
        default=1.0,
    ),
    Option(
        "limit54",
        "pair",
        _("Minimum incidents (limit54)"),
        _(
            "Incidents and weeks: no alarm unless there were at least that many incidents in that many recent weeks."
        ),
        default="5,4",
    ),
    Option("reweight", "bool", _("Give unusual past weeks less weight"), default=True),
    Option("trend", "bool", _("Allow for a long-term trend"), default=True),
    Option(
        "fdr",
        "float",
        _("False discovery rate across series (Benjamini-Hochberg)"),
        _(
            "For example 0.05. Ward series always use it (0.05 unless set here), because "
            "so many are tested each week; council series use it only if set."
        ),
    ),
)

_EARS: tuple[Option, ...] = (
    Option(
        "baseline",
        "int",
        _("Baseline weeks"),
        _("How many recent weeks to compare with."),
        default=7,
    ),
    Option(
        "alpha",
        "float",
        _("Alpha"),
        _("Leave empty for the method's own: 0.001 for C1 and C2, 0.025 for C3."),
    ),
    Option(
        "min_sigma",
        "float",
        _("Minimum standard deviation"),
        _("Stops a flat baseline from flagging a single incident."),
        default=0.0,
    ),
)

# Methods whose controls are designed by their own modules: their options are read
# from the control dataclass, so a new control appears here without a change.
_CONTROL_CLASSES = {
    "cusum": ("cohesion.insight.early_warning.cusum", "CusumControl"),
    "space-time-scan": ("cohesion.insight.early_warning.scan", "ScanControl"),
}
# Words for the controls read from those dataclasses; a control without words here
# is still offered, under its own name.
_CONTROL_LABELS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "study_weeks": (_("Weeks of history"), _("How far back the scan compares where and when.")),
    "max_weeks": (_("Longest cluster, in weeks"), ""),
    "max_areas": (_("Most wards in a cluster"), ""),
    "max_fraction": (_("Largest share of all wards in a cluster"), _("For example 0.5.")),
    "max_radius_km": (_("Largest cluster radius in kilometres"), _("Leave empty for no limit.")),
    "min_cases": (_("Fewest incidents in a cluster"), ""),
    "replications": (
        _("Monte Carlo replications"),
        _("More gives steadier p-values but takes longer."),
    ),
    "alpha": (_("Alpha"), _("How unusual a week must be, for example 0.01.")),
    "max_clusters": (_("Clusters reported each week"), ""),
    "report_pvalue": (_("Report clusters with a p-value up to"), ""),
    "distance": (_("Distance"), _("great-circle or euclidean.")),
    "c_arl": (_("Alarm threshold (c.ARL)"), _("Higher means fewer false alarms and later ones.")),
    "max_window": (
        _("Longest rise considered, in weeks"),
        "",
    ),
    "lead_in_weeks": (
        _("Lead-in weeks"),
        _("Weeks run before the first tested week, so an earlier rise still counts."),
    ),
    "x_max": (_("Largest count searched for the threshold"), ""),
    "harmonics": (_("Seasonal harmonics"), _("Sine and cosine pairs per year.")),
    "trend": (_("Allow for a long-term trend"), ""),
    "period": (_("Weeks per seasonal cycle"), ""),
    "training_weeks": (
        _("Weeks used to learn the usual level"),
        "",
    ),
    "min_training_weeks": (_("Fewest weeks of history"), ""),
    "min_mu0": (
        _("Lowest usual weekly count"),
        _("Stops a series with no history from alarming on one incident."),
    ),
}
# Controls that are not the analyst's to change (reproducibility and compatibility flags).
_HIDDEN_CONTROLS = {"seed", "compat", "dispersion", "epoch_mode", "method"}

OPTIONS: dict[str, tuple[Option, ...]] = {
    "farrington-flexible": _FARRINGTON,
    "ears-c1": _EARS,
    "ears-c2": _EARS,
    "ears-c3": _EARS,
}


def _options_from_control(method: str) -> tuple[Option, ...]:
    module_name, class_name = _CONTROL_CLASSES[method]
    try:
        control = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return ()
    options = []
    for field in dataclasses.fields(control):
        if field.name in _HIDDEN_CONTROLS or field.name.startswith("_"):
            continue
        default = field.default
        kind = _kind(default, str(field.type))
        label, hint = _CONTROL_LABELS.get(
            field.name, (field.name.replace("_", " ").capitalize(), "")
        )
        default_shown = default if isinstance(default, bool | int | float | str) else None
        options.append(Option(field.name, kind, label, hint, default=default_shown))
    return tuple(options)


def _kind(default: Any, annotation: str) -> str:
    """The form kind of a control from its default, or its annotation when the default is None."""
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if default is None:
        # e.g. "int | None": a whole number or nothing ("float | None" stays a number).
        return "int" if "int" in annotation and "float" not in annotation else "float"
    return "text"


def options_for(method: str) -> tuple[Option, ...]:
    """The options an analyst may set for `method`, in the order the form shows them."""
    if method in _CONTROL_CLASSES:
        return _options_from_control(method)
    return OPTIONS.get(method, ())


def _hint(option: Option) -> str:
    if option.default is None or option.kind == "bool":
        return str(option.hint)
    shown = f"{option.default:g}" if isinstance(option.default, float) else option.default
    default = _("Leave empty for the default: %(value)s.") % {"value": shown}
    return f"{option.hint} {default}".strip()


def _field_for(option: Option) -> forms.Field:
    if option.kind == "bool":
        return forms.BooleanField(label=option.label, help_text=option.hint, required=False)
    if option.kind == "choice":
        return forms.ChoiceField(
            label=option.label,
            help_text=_hint(option),
            choices=[("", _("The method's default")), *option.choices],
            required=False,
        )
    # Numbers are typed as text: the method's own validation says what is wrong with
    # them, and what was typed is shown back exactly, decimal point and all.
    width = "govuk-input--width-5" if option.kind in ("int", "float", "pair") else ""
    return forms.CharField(
        label=option.label,
        help_text=_hint(option),
        required=False,
        widget=forms.TextInput(
            attrs={"class": width, "inputmode": "decimal" if option.kind != "text" else "text"}
        ),
    )


def _parse(option: Option, value: Any) -> Any:
    """Text from the form as the option's type; ValidationError with a message for people."""
    if option.kind in ("bool", "choice"):
        return value
    text = str(value).strip()
    if option.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValidationError(_("Enter a whole number, like 5")) from None
    if option.kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValidationError(_("Enter a number, like 0.01")) from None
    if option.kind == "pair":
        parts = [p.strip() for p in text.split(",")]
        try:
            first, second = (int(p) for p in parts)
        except ValueError:
            raise ValidationError(
                _("Enter two whole numbers separated by a comma, like 5,4")
            ) from None
        return (first, second)
    return text


def _show(option: Option, value: Any) -> Any:
    """A stored option value as the form shows it."""
    if option.kind == "pair" and isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


class MethodOptionsForm(GovUKForm):
    """A method's options, plus the date axis; `enabled` only when saving a setting.

    Empty text means "the method's default" and is left out of the options, so
    a setting stores only what the analyst changed.
    """

    axis = forms.ChoiceField(
        label=_("Which date counts an incident in a week"),
        choices=DateAxis.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The date it happened leaves the latest weeks incomplete while reports come in; "
            "the date it was reported moves with reporting campaigns and the news."
        ),
        error_messages={"required": _("Choose which date counts an incident in a week")},
    )

    def __init__(
        self,
        *args: Any,
        method: str,
        with_enabled: bool = False,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        self.method = method
        self.options = options_for(method)
        for option in self.options:
            if options and option.name in options and options[option.name] is not None:
                initial.setdefault(option.name, _show(option, options[option.name]))
            elif option.kind == "bool":
                # A box shows what the method will do, so an unset option shows its default.
                initial.setdefault(option.name, bool(option.default))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for option in self.options:
            self.fields[option.name] = _field_for(option)
        if with_enabled:
            self.fields["enabled"] = forms.BooleanField(
                label=_("Run this method every week"), required=False
            )

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[o.name] for o in self.options]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed: dict[str, Any] = {}
        for option in self.options:
            value = cleaned.get(option.name)
            if option.kind == "bool":
                # A ticked box is stored only when it differs from the method's default,
                # so a setting records what the analyst changed.
                if bool(value) != bool(option.default):
                    typed[option.name] = bool(value)
                continue
            if value in (None, ""):
                continue
            try:
                typed[option.name] = _parse(option, value)
            except ValidationError as error:
                self.add_error(option.name, error)
        cleaned["options"] = typed
        return cleaned

    def add_setting_errors(self, error: ValidationError) -> None:
        """Put the errors of `actions.validate_setting` on the fields they name."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = name if name in self.fields else None
            for message in messages:
                if field is None and name not in ("__all__", "options", "method"):
                    message = f"{name.replace('_', ' ')}: {message}"
                self.add_error(field, message)


class MethodChoiceForm(GovUKForm):
    """First step of the backtest and of adding a setting: which council, series and method."""

    council = forms.ChoiceField(label=_("Council"))
    level = forms.ChoiceField(
        label=_("Which series"),
        choices=[
            (SeriesLevel.COUNCIL, _("The whole council (all strands and each strand)")),
            (SeriesLevel.WARD, _("Each ward (all strands and each strand)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which series to test")},
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=list(METHOD_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a method")},
    )

    def __init__(self, *args: Any, councils: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.councils = {c.code: c for c in councils}
        field = self.fields["council"]
        field.choices = [(c.code, c.name) for c in councils]  # type: ignore[attr-defined]
        field.error_messages["required"] = _("Choose a council")
        field.error_messages["invalid_choice"] = _("Choose one of the councils you cover")
        if len(councils) == 1:
            field.initial = councils[0].code
