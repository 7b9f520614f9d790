from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.training.models import Course, Department, Session, Target, Topic


class CoverageForm(GovUKForm):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, required=False)
    months = forms.IntegerField(
        label=_("Trained in the last (months)"), min_value=1, max_value=120, required=False
    )


class _OrganisationMixin:
    def limit_organisations(self, organisations: QuerySet[Organisation]) -> None:
        field = self.fields["organisation"]  # type: ignore[attr-defined]
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()


class CourseForm(_OrganisationMixin, GovUKModelForm):
    class Meta:
        model = Course
        fields = ["organisation", "title", "topic", "description", "duration", "provider"]
        labels = {"organisation": _("Kept by")}


class SessionForm(GovUKModelForm):
    class Meta:
        model = Session
        fields = ["date", "place", "trainer", "capacity"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"date": _("For example, 2026-03-31")}


class DepartmentForm(_OrganisationMixin, GovUKModelForm):
    class Meta:
        model = Department
        fields = ["organisation", "name", "front_line_staff"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, name = data.get("organisation"), data.get("name")
        if org and name:
            clash = Department.objects.filter(organisation=org, name__iexact=name.strip())
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This organisation already has a department of that name"))
        return data


class TargetForm(GovUKModelForm):
    share_percent = forms.IntegerField(
        label=_("Share of front-line staff to be trained (%)"), min_value=0, max_value=100
    )

    class Meta:
        model = Target
        fields = ["organisation", "council", "topic", "by_date"]
        widgets = {"by_date": forms.DateInput(attrs={"type": "date"})}
        labels = {"by_date": _("By")}
        help_texts = {
            "organisation": _("Choose an organisation, or a council for a council-wide target."),
        }

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], councils: QuerySet[Area], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("organisation")) == bool(data.get("council")):
            self.add_error("organisation", _("Choose either an organisation or a council"))
        return data


class ImportForm(GovUKForm):
    file = forms.FileField(
        label=_("Attendance file"), help_text=_("A CSV file or an Excel workbook (.xlsx)")
    )


class DepartmentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Department) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class AttendanceForm(GovUKForm):
    """One person at one session. The action checks the rest, as for a row of an import."""

    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        help_text=_("The department the person works in, as on the departments page."),
        error_messages={
            "required": _("Choose the department the person works in"),
            "invalid_choice": _("Choose a department from the list"),
        },
    )
    staff_reference = forms.CharField(
        label=_("Staff reference"),
        max_length=100,
        help_text=_("The organisation's staff number, or a pseudonym it keeps."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the staff reference"),
            "max_length": _("The staff reference must be 100 characters or fewer"),
        },
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leave blank if the staff reference is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": _("The name must be 200 characters or fewer")},
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = departments.select_related("organisation")  # type: ignore[attr-defined]
        if departments.count() == 1:
            field.initial = departments.first()
