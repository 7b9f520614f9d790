from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.projects.models import CategoryKind, Project, ProjectCategory


class _CategoryChoice(forms.ModelChoiceField[ProjectCategory]):
    def label_from_instance(self, obj: ProjectCategory) -> str:
        return obj.name[:1].upper() + obj.name[1:]


class _CategoryChoices(forms.ModelMultipleChoiceField[ProjectCategory]):
    def label_from_instance(self, obj: ProjectCategory) -> str:
        return obj.name[:1].upper() + obj.name[1:]


def _kind(kind: str) -> QuerySet[ProjectCategory]:
    return ProjectCategory.objects.filter(kind=kind)


class ProjectForm(GovUKModelForm):
    activity_type = _CategoryChoice(
        label=_("Activity type"), queryset=_kind(CategoryKind.ACTIVITY_TYPE), required=False
    )
    delivery_method = _CategoryChoice(
        label=_("Delivery method"), queryset=_kind(CategoryKind.DELIVERY_METHOD), required=False
    )
    primary_beneficiaries = _CategoryChoice(
        label=_("Primary beneficiaries"),
        queryset=_kind(CategoryKind.BENEFICIARIES),
        required=False,
        help_text=_("Leave blank if the project does not state a primary beneficiary group."),
    )
    priorities = _CategoryChoices(
        label=_("Priorities served"),
        queryset=_kind(CategoryKind.PRIORITY),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "lead_organisation",
            "activity_type",
            "delivery_method",
            "primary_beneficiaries",
            "priorities",
            "area",
            "funder",
            "budget",
            "starts_on",
            "ends_on",
            "outputs",
        ]
        labels = {
            "budget": _("Budget (£)"),
            "starts_on": _("Start date"),
            "ends_on": _("End date"),
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], councils: QuerySet[Area], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["lead_organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1 and not self.instance.pk:
            self.fields["lead_organisation"].initial = organisations.first()
        ids = councils.values("id")
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            Q(id__in=ids) | Q(level=AreaLevel.WARD, council__in=ids)
        ).order_by("council__name", "-level", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date"))
        budget = data.get("budget")
        if budget is not None and budget < 0:
            self.add_error("budget", _("The budget cannot be negative"))
        return data


class CategoryForm(GovUKModelForm):
    class Meta:
        model = ProjectCategory
        fields = ["kind", "name", "order"]
        help_texts = {
            "name": _("As it reads in a sentence: lower case but for proper nouns."),
            "order": _("Where it comes in lists and ties in the reports."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, name = data.get("kind"), (data.get("name") or "").strip()
        if kind and name:
            clash = ProjectCategory.objects.filter(kind=kind, name__iexact=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("There is already a category of that name"))
        return data


NOT_STATED = "none"


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


class ProjectFilterForm(GovUKForm):
    """The filters on the projects list, sent as a GET query so links can be shared.

    Every field is optional. A category filter may also be "not stated" (`none`).
    `area` takes a ward or council code (a council includes its wards); `year`
    keeps the projects running at any time in that calendar year (a project with
    only a start or an end date counts in that date's year; one with neither is
    left out). The same query filters the list, its summary sentence,
    the report by category and the CSV/XLSX export.
    """

    CATEGORY_FIELDS = {
        "activity_type": (CategoryKind.ACTIVITY_TYPE, "activity_type"),
        "delivery_method": (CategoryKind.DELIVERY_METHOD, "delivery_method"),
        "beneficiaries": (CategoryKind.BENEFICIARIES, "primary_beneficiaries"),
        "priority": (CategoryKind.PRIORITY, "priorities"),
    }

    activity_type = forms.ChoiceField(label=_("Activity type"), required=False)
    delivery_method = forms.ChoiceField(label=_("Delivery method"), required=False)
    beneficiaries = forms.ChoiceField(label=_("Primary beneficiaries"), required=False)
    priority = forms.ChoiceField(label=_("Priority served"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    funder = forms.ChoiceField(label=_("Funder"), required=False)
    year = forms.ChoiceField(label=_("Running in"), required=False)

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_: list[tuple[str, str]] = [("", str(_("Any")))]
        not_stated = [(NOT_STATED, str(_("Not stated")))]
        by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k, _label in CategoryKind.choices}
        for category in ProjectCategory.objects.order_by("kind", "order", "name"):
            by_kind[category.kind].append((str(category.pk), _capital(category.name)))
        for name, (kind, _field) in self.CATEGORY_FIELDS.items():
            self.fields[name].choices = any_ + by_kind[kind] + not_stated  # type: ignore[attr-defined]
        ids = projects.values("id")
        areas = (
            Area.objects.filter(projects__in=ids)
            .select_related("council")
            .defer("geometry", "council__geometry")
            .distinct()
        )
        choices: dict[str, str] = {}
        for area in areas:
            if area.council is not None:
                choices[area.council.code] = area.council.name
                choices[area.code] = f"{area.name} ({area.council.name})"
            else:
                choices[area.code] = area.name
        self.fields["area"].choices = any_ + sorted(choices.items(), key=lambda c: c[1])  # type: ignore[attr-defined]
        funders = sorted(
            {f.strip() for f in projects.values_list("funder", flat=True) if f.strip()},
            key=str.lower,
        )
        self.fields["funder"].choices = any_ + [(f, f) for f in funders] + not_stated  # type: ignore[attr-defined]
        years: set[int] = set()
        for starts, ends in projects.values_list("starts_on", "ends_on"):
            first, last = starts or ends, ends or starts
            if first and last:
                years.update(range(first.year, last.year + 1))
        self.fields["year"].choices = any_ + [(str(y), str(y)) for y in sorted(years, reverse=True)]  # type: ignore[attr-defined]

    def valid_data(self) -> dict[str, str]:
        """The filters that were chosen and are allowed (a hand-made bad value is dropped)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}

    @property
    def is_filtered(self) -> bool:
        return bool(self.valid_data())

    def filter(self, projects: QuerySet[Project]) -> QuerySet[Project]:
        data = self.valid_data()
        for name, (_kind, field) in self.CATEGORY_FIELDS.items():
            value = data.get(name)
            if value == NOT_STATED:
                projects = projects.filter(**{f"{field}__isnull": True})
            elif value:
                projects = projects.filter(**{field: int(value)})
        if area := data.get("area"):
            projects = projects.filter(Q(area__code=area) | Q(area__council__code=area))
        funder = data.get("funder")
        if funder == NOT_STATED:
            projects = projects.filter(funder="")
        elif funder:
            projects = projects.filter(funder__iexact=funder)
        if year := data.get("year"):
            first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
            # A project with one date only is counted in that date's year.
            projects = projects.annotate(
                _first=Coalesce("starts_on", "ends_on"), _last=Coalesce("ends_on", "starts_on")
            ).filter(_first__lte=last, _last__gte=first)
        return projects

    def chosen(self) -> list[tuple[str, str]]:
        """(filter label, chosen value label) for the summary above the results."""
        data = self.valid_data()
        out = []
        for name, value in data.items():
            field = self.fields[name]
            labels = dict(field.choices)  # type: ignore[attr-defined]
            out.append((str(field.label), str(labels.get(value, value))))
        return out
