from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKModelForm
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
