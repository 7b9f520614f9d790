"""Filters of the SIA pages: period, council, wards and strands, within the person's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import User
from cohesion.accounts.permissions import areas_in_scope
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm
from cohesion.insight import codes
from cohesion.vocabularies.models import Term, Vocabulary


def last_complete_months(today: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The last `months` whole calendar months before `today`'s month."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    index = end.year * 12 + end.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), end


def strand_labels() -> dict[str, str]:
    """The contract's strands (codes.STRANDS) with their labels from the vocabulary."""
    labels = dict(
        Term.objects.of(Vocabulary.HATE_STRAND)
        .filter(code__in=codes.STRANDS)
        .values_list("code", "label")
    )
    return {code: labels.get(code, code.replace("_", " ").capitalize()) for code in codes.STRANDS}


def councils_for(user: User) -> list[Area]:
    """Councils the person covers whole, or covers some wards of."""
    scope = areas_in_scope(user)
    return list(
        Area.objects.filter(level=AreaLevel.LAD)
        .filter(
            Q(pk__in=scope.filter(level=AreaLevel.LAD).values("pk"))
            | Q(pk__in=scope.filter(level=AreaLevel.WARD).values("council_id"))
        )
        .order_by("name", "-generation")
    )


def wards_in_scope(user: User) -> list[Area]:
    """Wards the person covers (newest generation of each code), by council and name."""
    seen: dict[str, Area] = {}
    wards = (
        areas_in_scope(user)
        .filter(level=AreaLevel.WARD)
        .select_related("council")
        .order_by("council__name", "name", "-generation")
    )
    for ward in wards:
        seen.setdefault(ward.code, ward)
    return list(seen.values())


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=_("For example, 2025-04-01"),
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as year-month-day, like 2025-04-01")},
    )


class AssessmentFilterForm(GovUKForm):
    """Period (default: the last 12 complete months), council, wards and strands."""

    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))
    council = forms.ChoiceField(label=_("Council"), required=False)
    wards = forms.MultipleChoiceField(
        label=_("Wards"),
        help_text=_("Leave all unticked for every ward of the council you cover."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strands = forms.MultipleChoiceField(
        label=_("Strands"),
        help_text=_("Incidents carrying any of the ticked strands. Leave all unticked for all."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_period = last_complete_months(today)
        self.councils = {c.code: c for c in councils_for(user)}
        self.scope_wards = wards_in_scope(user)
        self.fields["date_from"].initial, self.fields["date_to"].initial = self.default_period
        self.fields["council"].choices = [(code, c.name) for code, c in self.councils.items()]  # type: ignore[attr-defined]
        if self.councils:
            self.fields["council"].initial = next(iter(self.councils))
        self.fields["wards"].choices = [  # type: ignore[attr-defined]
            (w.code, f"{w.name} ({w.council.name})" if w.council else w.name)
            for w in self.scope_wards
        ]
        self.fields["strands"].choices = list(strand_labels().items())  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("date_from") or self.default_period[0]
        end = cleaned.get("date_to") or self.default_period[1]
        if "date_from" not in self.errors and "date_to" not in self.errors:
            if start > end:
                self.add_error("date_to", _("The end date must be the same as or after the start"))
            cleaned["date_from"], cleaned["date_to"] = start, end
        if not cleaned.get("council") and self.councils:
            cleaned["council"] = next(iter(self.councils))
        council = self.councils.get(cleaned.get("council") or "")
        if council is None and "council" not in self.errors:
            self.add_error("council", _("Choose a council you cover"))
        wards = cleaned.get("wards") or []
        if council is not None and wards:
            outside = [
                w.name
                for w in self.scope_wards
                if w.code in wards and (w.council is None or w.council.code != council.code)
            ]
            if outside:
                self.add_error(
                    "wards",
                    _("Choose wards in the council you chose (not %(names)s)")
                    % {"names": ", ".join(outside)},
                )
        return cleaned


class PublicCouncilForm(GovUKForm):
    """The council of the published assessment."""

    council = forms.ChoiceField(label=_("Council"), required=False)

    def __init__(self, *args: Any, councils: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.code, c.name) for c in councils]  # type: ignore[attr-defined]
