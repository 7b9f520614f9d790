"""The configure form: which indicators and how much each weighs, and how the index is built.

The form turns what was typed into the `cohesion index compute --config` JSON
(`to_config`); whether that configuration is sound is decided by
`actions.save_configuration`, which asks `parse_config` itself, and its
problems are shown on the form. Context-only measures (composition and
diversity) have no checkbox at all: they are listed with the reason they are
never scored. Anything the form does not show (labels, notes, seed, the
robustness analysis's lists of alternatives) is kept from the saved
configuration, so saving the form never loses a choice made in the JSON.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cohesion.core.forms import GovUKForm
from cohesion.insight.risk_index.config import AGGREGATIONS, NORMALISATION_LABELS, NORMALISATIONS
from cohesion.riskindex.indicators import Choice

POLARITY_LABELS = {
    "higher_is_risk": _("A higher value means more risk"),
    "lower_is_risk": _("A lower value means more risk (rank 1 is the most deprived)"),
}
ROLE_LABELS = {"driver": _("Driver"), "outcome": _("Outcome"), "context": _("Context")}
OUTLIER_CHOICES = [
    (
        "qtreat",
        _(
            "Treat outliers: where an indicator is very skewed, pull in up to 5 extreme "
            "values, then use logarithms if it is still skewed"
        ),
    ),
    ("none", _("Leave values as they are")),
]
AGGREGATION_CHOICES = [
    ("arithmetic", _("Arithmetic: the weighted mean (a high value can make up for a low one)")),
    ("geometric", _("Geometric: rewards balanced profiles (less making up)")),
]


@dataclass(frozen=True)
class IndicatorRow:
    choice: Choice
    use: forms.BoundField
    weight: forms.BoundField
    polarity_label: str
    role_label: str
    label: str


def _percent(value: float) -> float:
    number = round(value * 100, 6)
    return int(number) if float(number).is_integer() else number


class IndexConfigForm(GovUKForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    framework = forms.CharField(
        label=_("What the index is for"),
        help_text=_("The written framework shown at the top of the method page."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    outliers = forms.ChoiceField(
        label=_("Outlier treatment"),
        choices=OUTLIER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how outliers are treated")},
    )
    normalisation = forms.ChoiceField(
        label=_("Normalisation"),
        choices=[(n, NORMALISATION_LABELS.get(n, n)) for n in NORMALISATIONS],
        widget=forms.RadioSelect,
        help_text=_("How indicators measured in different units are put on one scale."),
        error_messages={"required": _("Choose a normalisation")},
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"),
        choices=[(a, dict(AGGREGATION_CHOICES).get(a, a)) for a in AGGREGATIONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how indicators are combined")},
    )
    simulations = forms.IntegerField(
        label=_("Robustness simulations"),
        help_text=_("How many times the index is recomputed with other reasonable choices."),
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of simulations"),
            "invalid": _("Simulations must be a whole number, for example 1000"),
            "min_value": _("Simulations must be 0 or more"),
            "max_value": _("Simulations must be 100,000 or fewer"),
        },
    )
    weight_noise = forms.FloatField(
        label=_("Weight noise (%)"),
        help_text=_("Each simulation moves every weight up or down by up to this much."),
        min_value=0,
        max_value=99,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the weight noise"),
            "invalid": _("Weight noise must be a number, for example 25"),
            "min_value": _("Weight noise must be 0 or more"),
            "max_value": _("Weight noise must be less than 100"),
        },
    )
    percentile = forms.FloatField(
        label=_("Higher risk: percentile of simulations"),
        help_text=_(
            "A ward is called higher risk only if in this share of the simulations its rank "
            "stays in the top group, for example 95."
        ),
        min_value=50,
        max_value=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the percentile"),
            "invalid": _("The percentile must be a number, for example 95"),
            "min_value": _("The percentile must be between 50 and 100"),
            "max_value": _("The percentile must be between 50 and 100"),
        },
    )
    top_share = forms.FloatField(
        label=_("Higher risk: top group (% of wards)"),
        help_text=_("The top group of wards, for example 10 for the top tenth."),
        min_value=1,
        max_value=99,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the size of the top group"),
            "invalid": _("The top group must be a number, for example 10"),
            "min_value": _("The top group must be between 1 and 99"),
            "max_value": _("The top group must be between 1 and 99"),
        },
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        choices: list[Choice],
        config: Mapping[str, Any],
        version: int,
    ) -> None:
        self.choices = choices
        self.base = copy.deepcopy(dict(config))
        chosen = {i["key"]: i for i in self.base.get("indicators", []) if isinstance(i, dict)}
        treatment = self.base.get("treatment") or {}
        robustness = self.base.get("robustness") or {}
        rule = robustness.get("higher_risk") or {}
        initial: dict[str, Any] = {
            "version": version,
            "framework": self.base.get("framework", ""),
            "outliers": treatment.get("outliers", "qtreat"),
            "normalisation": self.base.get("normalisation", "zscore"),
            "aggregation": self.base.get("aggregation", "arithmetic"),
            "simulations": robustness.get("simulations", 1000),
            "weight_noise": _percent(float(robustness.get("weight_noise", 0.25))),
            "percentile": rule.get("percentile", 95),
            "top_share": _percent(float(rule.get("top_share", 0.1))),
        }
        for choice in choices:
            initial[f"use_{choice.key}"] = choice.key in chosen
            weight = chosen.get(choice.key, {}).get("weight", 1)
            initial[f"weight_{choice.key}"] = int(weight) if float(weight).is_integer() else weight
        super().__init__(data, initial=initial)
        # The configuration's own label where it has one, so this page, the results and
        # the method page name an indicator the same way.
        self.labels = {c.key: str(chosen.get(c.key, {}).get("label") or c.label) for c in choices}
        for choice in choices:
            label = self.labels[choice.key]
            self.fields[f"use_{choice.key}"] = forms.BooleanField(
                label=label,
                required=False,
                # The hint under the checkbox (domain, role, polarity, source) describes it.
                widget=forms.CheckboxInput(attrs={"aria-describedby": f"id_use_{choice.key}-hint"}),
            )
            self.fields[f"weight_{choice.key}"] = forms.FloatField(
                label=_("Weight for %(indicator)s") % {"indicator": label},
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}
                ),
                error_messages={
                    "invalid": _("The weight for %(indicator)s must be a number, for example 1")
                    % {"indicator": label}
                },
            )

    def indicator_rows(self) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                choice=c,
                use=self[f"use_{c.key}"],
                weight=self[f"weight_{c.key}"],
                polarity_label=str(POLARITY_LABELS.get(c.polarity, c.polarity)),
                role_label=str(ROLE_LABELS.get(c.role, c.role)),
                label=self.labels[c.key],
            )
            for c in self.choices
        ]

    def settings_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "outliers",
                "normalisation",
                "aggregation",
                "simulations",
                "weight_noise",
                "percentile",
                "top_share",
            )
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [c for c in self.choices if cleaned.get(f"use_{c.key}")]
        if not chosen:
            raise ValidationError(_("Choose at least one indicator"))
        for choice in chosen:
            name = f"weight_{choice.key}"
            if name in self.errors:
                continue
            weight = cleaned.get(name)
            if weight is None:
                self.add_error(
                    name,
                    _("Enter a weight for %(indicator)s") % {"indicator": self.labels[choice.key]},
                )
            elif weight <= 0:
                self.add_error(
                    name,
                    _("The weight for %(indicator)s must be greater than 0")
                    % {"indicator": self.labels[choice.key]},
                )
        return cleaned

    def to_config(self) -> dict[str, Any]:
        """The configuration JSON: the saved one with the form's choices applied."""
        data = self.cleaned_data
        config = copy.deepcopy(self.base)
        before = {i["key"]: i for i in config.get("indicators", []) if isinstance(i, dict)}
        indicators = []
        for choice in self.choices:
            if not data.get(f"use_{choice.key}"):
                continue
            spec = dict(before.get(choice.key) or {})
            spec.setdefault("label", choice.label)
            spec.setdefault("domain", choice.domain)
            spec.setdefault("role", choice.role)
            spec.setdefault("polarity", choice.polarity)
            if choice.source:
                spec.setdefault("source", choice.source)
            if choice.date:
                spec.setdefault("date", choice.date)
            spec["key"] = choice.key
            spec["weight"] = data[f"weight_{choice.key}"]
            indicators.append(spec)
        config["indicators"] = indicators
        domains = {i["domain"] for i in indicators}
        if isinstance(config.get("domain_weights"), dict):
            # A domain with no indicator left cannot keep a weight.
            kept = {d: w for d, w in config["domain_weights"].items() if d in domains}
            if kept:
                config["domain_weights"] = kept
            else:
                config.pop("domain_weights")
        config["framework"] = data.get("framework", "")
        treatment = dict(config.get("treatment") or {})
        treatment["outliers"] = data["outliers"]
        config["treatment"] = treatment
        config["normalisation"] = data["normalisation"]
        config["aggregation"] = data["aggregation"]
        robustness = dict(config.get("robustness") or {})
        robustness["simulations"] = data["simulations"]
        robustness["weight_noise"] = round(data["weight_noise"] / 100, 6)
        robustness["higher_risk"] = {
            "percentile": data["percentile"],
            "top_share": round(data["top_share"] / 100, 6),
        }
        config["robustness"] = robustness
        return config

    def add_config_errors(self, error: ValidationError) -> None:
        """Put `save_configuration`'s problems on the form (on the page's error summary)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(
                        field if field in self.fields and field != "version" else None, message
                    )
        else:
            for message in error.messages:
                self.add_error(None, message)
