"""Forms for the strategy pages: updating an action, plans, reviews, partners, the group.

An action's rules (`rules.action_problems`) are checked in the form as well as
in the action function, so a person sees every problem at once, next to its
field, and keeps everything they typed. Choices are limited to the strategy in
hand: a form can never tag an action to another strategy's objective.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.core.forms import GovUKForm
from cohesion.strategies import choices as c
from cohesion.strategies.bulk import MAX_BYTES
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    Decision,
    GroupMember,
    LeadershipGroup,
    Objective,
    Strategy,
)
from cohesion.strategies.rules import ActionState, action_problems

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise

IMPORT_EXTENSIONS = (".csv", ".xlsx")


def date_field(
    label: StrOrPromise, *, required: bool = True, hint: StrOrPromise = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint or _("For example, 2026-11-01"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "invalid": _("Enter the date as year-month-day, like 2026-11-01"),
            "required": _("Enter the date"),
        },
    )


def text_field(label: StrOrPromise, *, max_length: int, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": _("Enter the %(what)s") % {"what": str(label).lower()},
            "max_length": _("Use %(n)s characters or fewer") % {"n": max_length},
        },
    )


def textarea(
    label: StrOrPromise, *, hint: StrOrPromise = "", rows: int = 4, required: bool = False
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("Enter the %(what)s") % {"what": str(label).lower()}},
    )


def progress_field() -> forms.IntegerField:
    message = _("Progress must be a whole number from 0 to 100")
    return forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("A whole number from 0 to 100. Complete sets 100; not started sets 0."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-3", "spellcheck": "false"}
        ),
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


# Lazy labels: each request shows them in its own language.
RAG_CHOICES: list[tuple[str, Any]] = [
    ("", _("No rating: the action is not in progress")),
    *c.Rag.choices,
]
FORECAST_CHOICES: list[tuple[str, Any]] = [("", _("No forecast")), *c.Rag.choices]


class OrganisationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class ObjectiveChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.code}. {obj.title}"


class MemberChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: GroupMember) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class DecisionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.meeting.held_on:%d %b %Y}, decision {obj.number}: {obj.text[:80]}"


class _ActionRulesMixin:
    """Checks the shared action rules against what was typed, field by field.

    Each form using it defines `_state(cleaned)`: how its fields map onto the
    rules' `ActionState`.
    """

    _state: Callable[[dict[str, Any]], ActionState]

    def check_rules(self, cleaned: dict[str, Any]) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        problems = action_problems(self._state(cleaned), today=timezone.localdate())
        for name, message in problems.items():
            # A field that already has its own error (e.g. an unreadable date) keeps it alone.
            if name in form.fields and not form.has_error(name):
                form.add_error(name, message)
            elif name not in form.fields:
                form.add_error(None, message)


class ActionUpdateForm(_ActionRulesMixin, GovUKForm):
    """A lead's update: status first, then the RAG (only for actions in progress)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=c.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status")},
    )
    rag = forms.ChoiceField(
        label=_("RAG rating"),
        choices=RAG_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    progress = progress_field()
    commentary = textarea(
        _("Commentary"),
        hint=_("What has happened since the last update. Amber and red need an explanation."),
        rows=5,
    )
    corrective_action = textarea(
        _("Corrective action"),
        hint=_("Needed for red: what is being done to bring the action back on track."),
    )
    completed_on = date_field(
        _("Date completed"),
        required=False,
        hint=_("Only for a complete action. For example, 2026-11-01"),
    )
    forecast_rag = forms.ChoiceField(
        label=_("Forecast RAG at the end of the plan"),
        choices=FORECAST_CHOICES,
        required=False,
    )
    public_summary = textarea(
        _("What has been done, for the public page"),
        hint=_("Plain words for residents. Do not name members of staff or the public."),
    )
    commentary_is_public = forms.BooleanField(
        label=_("Show the commentary on the public page too"),
        required=False,
    )

    # The fields an update can change, in the keys the action function expects.
    DATA_FIELDS = (
        "status",
        "rag",
        "progress",
        "commentary",
        "corrective_action",
        "completed_on",
        "forecast_rag",
        "public_summary",
        "commentary_is_public",
    )

    def __init__(self, *args: Any, action: Action, rag_hint: str = "", **kwargs: Any) -> None:
        self.action = action
        if "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(action, name) for name in self.DATA_FIELDS} | {
                "version": action.version
            }
        super().__init__(*args, **kwargs)
        if rag_hint:
            self.fields["rag"].help_text = rag_hint

    def _state(self, cleaned: dict[str, Any]) -> ActionState:
        progress = cleaned.get("progress")
        return ActionState(
            status=cleaned.get("status", ""),
            rag=cleaned.get("rag", ""),
            progress=self.action.progress if progress is None else progress,
            corrective_action=cleaned.get("corrective_action", ""),
            commentary=cleaned.get("commentary", ""),
            completed_on=cleaned.get("completed_on"),
            starts_on=self.action.starts_on,
            due_on=self.action.due_on,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        if status is None:
            return cleaned
        # The form shows the current RAG and completion date already chosen. When the
        # status moves on and the person left them as they were, they lapse with it
        # (no RAG once not in progress); a value they chose themselves is checked.
        if status != c.Status.IN_PROGRESS and "rag" not in self.changed_data:
            cleaned["rag"] = ""
        if status != c.Status.COMPLETE and "completed_on" not in self.changed_data:
            cleaned["completed_on"] = None
        self.check_rules(cleaned)
        return cleaned

    def data_for_action(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.DATA_FIELDS}
        if data["progress"] is None:
            data["progress"] = self.action.progress
        return data


class ActionFilterForm(GovUKForm):
    """The action list's filters; every choice comes from the strategy in hand."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    rag = forms.ChoiceField(label=_("RAG rating"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    objective = forms.ChoiceField(required=False)
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue actions"), required=False)

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = (
            Organisation.objects.filter(pk__in=strategy.actions.values("owner_id"))
            .order_by("name")
            .values_list("uuid", "name")
        )
        self._choices("status", c.Status.choices)
        self._choices("rag", c.Rag.choices)
        self._choices("organisation", [(str(u), n) for u, n in organisations])
        self._choices(
            "objective", [(o.code, f"{o.code}. {o.title}"[:90]) for o in strategy.objectives.all()]
        )
        self._choices(
            "plan", [(str(p.uuid), p.title) for p in strategy.plans.order_by("-starts_on", "title")]
        )
        self.fields["objective"].label = strategy.objective_label

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field: forms.ChoiceField = self.fields[name]  # type: ignore[assignment]
        field.choices = [("", str(_("Any"))), *choices]


def _whole_number(
    label: Any, low: int, high: int, *, hint: Any, required: Any, out_of_range: Any
) -> forms.IntegerField:
    """A short whole-number box; anything unreadable or out of range gets one message."""
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": required,
            "invalid": out_of_range,
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class StrategySettingsForm(GovUKForm):
    """How the strategy is run: RAG thresholds, review cadence, reminders, publication."""

    rag_amber_behind = _whole_number(
        _("Suggest amber when progress is this many percentage points behind"),
        0,
        100,
        hint=_("Compared with the progress expected from the time elapsed. For example, 10"),
        required=_("Enter the amber threshold"),
        out_of_range=_("The amber threshold must be a whole number from 0 to 100"),
    )
    rag_red_behind = _whole_number(
        _("Suggest red when progress is this many percentage points behind"),
        0,
        100,
        hint=_("At least the amber threshold. For example, 25"),
        required=_("Enter the red threshold"),
        out_of_range=_("The red threshold must be a whole number from 0 to 100"),
    )
    review_interval_months = _whole_number(
        _("Months between review points"),
        1,
        24,
        hint=_("6 for six-monthly reviews, 3 for quarterly."),
        required=_("Enter the months between review points"),
        out_of_range=_("Enter the months between reviews as a whole number from 1 to 24"),
    )
    reminder_days_before = _whole_number(
        _("Remind leads this many days before a review point"),
        0,
        90,
        hint=_("Leads of actions without an update since the last review are emailed."),
        required=_("Enter the days before a review when leads are reminded"),
        out_of_range=_("Enter the reminder days as a whole number from 0 to 90"),
    )
    is_published = forms.BooleanField(
        label=_("Publish the public page"),
        required=False,
        help_text=_(
            "Residents see the objectives, progress and what has been done; never RAG "
            "commentary, corrective actions or names of leads."
        ),
    )

    FIELDS = (
        "rag_amber_behind",
        "rag_red_behind",
        "review_interval_months",
        "reminder_days_before",
        "is_published",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        amber, red = cleaned.get("rag_amber_behind"), cleaned.get("rag_red_behind")
        if amber is not None and red is not None and red < amber:
            self.add_error(
                "rag_red_behind", _("The red threshold must be the same as or more than amber")
            )
        return cleaned


class ReviewForm(GovUKForm):
    review_on = date_field(_("Review date"))
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Six-monthly review to Overview and Scrutiny"),
    )

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        self.strategy = strategy
        super().__init__(*args, **kwargs)

    def clean_review_on(self) -> dt.date:
        review_on: dt.date = self.cleaned_data["review_on"]
        if self.strategy.reviews.filter(review_on=review_on, taken_at__isnull=False).exists():
            raise forms.ValidationError(_("A review has already been taken on that date"))
        return review_on


class SignatoryForm(GovUKForm):
    organisation = OrganisationChoice(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation that signed")},
    )
    signed_by = text_field(_("Name of the person who signed"), max_length=200)
    signed_by_role = text_field(_("Their role"), max_length=200)
    signed_on = date_field(_("Date signed"))

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: OrganisationChoice = self.fields["organisation"]  # type: ignore[assignment]
        field.queryset = Organisation.objects.exclude(
            pk__in=strategy.signatories.values("organisation_id")
        ).order_by("name")

    def clean_signed_on(self) -> dt.date:
        signed_on: dt.date = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("The date signed must be today or in the past"))
        return signed_on


class LeadershipGroupForm(GovUKForm):
    name = text_field(_("Name of the group"), max_length=200)
    remit = textarea(_("Remit"), hint=_("What the group is for and what it decides."), rows=6)


class GroupMemberForm(GovUKForm):
    name = text_field(_("Name"), max_length=200)
    organisation = OrganisationChoice(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the member's organisation")},
    )
    role = forms.ChoiceField(
        label=_("Role in the group"),
        choices=c.MemberRole.choices,
        initial=c.MemberRole.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the member's role")},
    )


class MeetingForm(GovUKForm):
    held_on = date_field(_("Date of the meeting"))
    title = text_field(_("Title"), max_length=200)
    notes = textarea(_("Notes"), rows=5)
    decisions = textarea(
        _("Decisions"),
        hint=_("One decision a line. Each is numbered in order and can be linked to actions."),
        rows=6,
    )
    attendees = MemberChoices(
        label=_("Members who attended"),
        queryset=GroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, group: LeadershipGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = group.members.select_related("organisation")
        if members.exists():
            field: MemberChoices = self.fields["attendees"]  # type: ignore[assignment]
            field.queryset = members
        else:
            del self.fields["attendees"]

    def clean_held_on(self) -> dt.date:
        held_on: dt.date = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The meeting date must be today or in the past"))
        return held_on

    def decision_list(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()
        ]


class PlanForm(GovUKForm):
    """A new plan. Partners make their own; the strategy's managers may make one for anyone."""

    organisation = OrganisationChoice(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation whose plan it is")},
    )
    title = text_field(_("Title"), max_length=200)
    starts_on = date_field(_("Start date"))
    ends_on = date_field(_("End date"))

    def __init__(self, *args: Any, fixed_organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_organisation is not None:
            del self.fields["organisation"]
        self.fixed_organisation = fixed_organisation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be the same as or after the start date"))
        return cleaned

    @property
    def chosen_organisation(self) -> Organisation:
        if self.fixed_organisation is not None:
            return self.fixed_organisation
        organisation: Organisation = self.cleaned_data["organisation"]
        return organisation


class NewActionForm(_ActionRulesMixin, GovUKForm):
    """A new action in a plan, tagged to the objectives it serves."""

    reference = forms.CharField(
        label=_("Reference (optional)"),
        max_length=30,
        required=False,
        help_text=_("As numbered in the plan, for example 3.2"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    title = text_field(_("Action"), max_length=400)
    description = textarea(_("Description (optional)"))
    lead_name = forms.CharField(
        label=_("Lead (optional)"),
        max_length=200,
        required=False,
        help_text=_("The person or post that leads it, for example Community Cohesion Manager"),
    )
    objectives = ObjectiveChoices(
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = date_field(_("Start date"), required=False)
    due_on = date_field(_("Due date"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=c.Status.choices,
        initial=c.Status.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status")},
    )
    rag = forms.ChoiceField(
        label=_("RAG rating"), choices=RAG_CHOICES, required=False, widget=forms.RadioSelect
    )
    progress = progress_field()
    commentary = textarea(_("Commentary (optional)"))
    corrective_action = textarea(_("Corrective action"), hint=_("Needed for red."))
    completed_on = date_field(
        _("Date completed"), required=False, hint=_("Only for a complete action.")
    )
    public_summary = textarea(
        _("What will be done, for the public page (optional)"),
        hint=_("Plain words for residents. Do not name members of staff or the public."),
    )
    from_decision = DecisionChoice(
        label=_("Created by a decision of the leadership group (optional)"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("Not from a decision"),
    )

    DATA_FIELDS = (
        "reference",
        "title",
        "description",
        "lead_name",
        "objectives",
        "starts_on",
        "due_on",
        "status",
        "rag",
        "progress",
        "commentary",
        "corrective_action",
        "completed_on",
        "public_summary",
        "from_decision",
    )

    def __init__(self, *args: Any, plan: ActionPlan, with_decisions: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy = plan.strategy
        objectives: ObjectiveChoices = self.fields["objectives"]  # type: ignore[assignment]
        objectives.queryset = strategy.objectives.all()
        objectives.label = _("Which %(label)s does it serve?") % {
            "label": strategy.objective_label.lower()
        }
        objectives.help_text = _("Select all that apply: an action can serve several.")
        decisions = Decision.objects.filter(meeting__group__strategy=strategy).select_related(
            "meeting"
        )
        if with_decisions and decisions.exists():
            field: DecisionChoice = self.fields["from_decision"]  # type: ignore[assignment]
            field.queryset = decisions.order_by("-meeting__held_on", "number")
        else:
            del self.fields["from_decision"]

    def _state(self, cleaned: dict[str, Any]) -> ActionState:
        return ActionState(
            status=cleaned.get("status", ""),
            rag=cleaned.get("rag", ""),
            progress=cleaned.get("progress") or 0,
            corrective_action=cleaned.get("corrective_action", ""),
            commentary=cleaned.get("commentary", ""),
            completed_on=cleaned.get("completed_on"),
            starts_on=cleaned.get("starts_on"),
            due_on=cleaned.get("due_on"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "status" in cleaned:
            self.check_rules(cleaned)
        return cleaned

    def data_for_action(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name] for name in self.DATA_FIELDS if name in self.cleaned_data
        }
        data["objectives"] = list(data["objectives"])
        if data.get("progress") is None:
            data["progress"] = 0
        if data.get("from_decision") is None:
            data.pop("from_decision", None)
        return data


class MilestoneForm(GovUKForm):
    title = text_field(_("Milestone"), max_length=300)
    due_on = date_field(_("Due date"))


class CompleteMilestoneForm(GovUKForm):
    completed_on = date_field(_("Date completed"))

    def clean_completed_on(self) -> dt.date:
        completed_on: dt.date = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(_("The completion date must be today or in the past"))
        return completed_on


class ImportForm(GovUKForm):
    file = forms.FileField(
        label=_("Upload a CSV or Excel (XLSX) file"),
        help_text=_("Use the columns of the export. Rows with an id update that action."),
        error_messages={
            "required": _("Select a CSV or XLSX file"),
            "empty": _("The selected file is empty"),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(_("The selected file must be a CSV or XLSX file"))
        # Refused before it is read: a plan of thousands of actions is a few hundred kilobytes.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The selected file must be smaller than %(mb)d MB")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ReportPeriodForm(GovUKForm):
    """The report's period, as `?from=&to=`; empty means the report's own default period."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields cannot be declared as attributes.
        self.fields["from"] = date_field(_("From"), required=False)
        self.fields["to"] = date_field(_("To"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period must be the same as or after its start"))
        return cleaned
