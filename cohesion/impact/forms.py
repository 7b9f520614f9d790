"""Forms for impact assessments, departments and the question bank.

Every form re-displays what was typed when something is wrong, and each page
saves through one action, so a refused form saves nothing at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import User
from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.impact import choices as c
from cohesion.impact.models import Department, Evidence, ImpactAssessment, Principle

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise


def date_field(
    label: StrOrPromise, *, required: bool = True, hint: StrOrPromise = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint or _("For example, 2026-11-01"),
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Enter the date as year-month-day, like 2026-11-01"),
            "required": _("Enter the date"),
        },
    )


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class NameChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, User):
            return obj.display_name + (f", {obj.job_title}" if obj.job_title else "")
        return str(obj)


class NamesChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if isinstance(obj, Area | Department) else str(obj)


# --- Assessment details ----------------------------------------------------------------


class AssessmentForm(GovUKModelForm):
    """The proposal: what is assessed, who decides and when."""

    department = NameChoice(
        label=_("Department"),
        queryset=Department.objects.none(),
        empty_label=_("Choose a department"),
        error_messages={"required": _("Choose the department that owns the assessment")},
    )
    owner = NameChoice(
        label=_("Officer responsible"),
        queryset=User.objects.none(),
        empty_label=None,
        help_text=_("A member of the department. They cannot sign off their own assessment."),
    )
    decision_date = date_field(
        _("Date of the decision"),
        required=False,
        hint=_(
            "When the decision-maker will decide. The assessment must be done before then. "
            "For example, 2026-11-01"
        ),
    )
    review_date = date_field(
        _("Review date"),
        required=False,
        hint=_("When to look at it again. For example, 2027-11-01"),
    )

    class Meta:
        model = ImpactAssessment
        fields = [
            "subject",
            "kind",
            "department",
            "owner",
            "proposal",
            "decision_maker",
            "decision_maker_role",
            "decision_date",
            "review_date",
            "outcome",
            "outcome_reason",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "proposal": textarea(6),
            "outcome_reason": textarea(),
        }
        labels = {
            "subject": _("Name of the policy, service, procedure or strategy"),
            "kind": _("What is being assessed?"),
            "proposal": _("What is proposed, and why"),
            "decision_maker": _("Decision-maker"),
            "decision_maker_role": _("Decision-maker's role"),
            "outcome": _("Outcome of the assessment"),
            "outcome_reason": _("Reasons for the outcome"),
        }
        help_texts = {
            "subject": _("For example, Changes to library opening hours"),
            "proposal": _("The aims, what will change, and who it is for."),
            "decision_maker": _(
                "The person or body who will take the decision, for example Cabinet, or a "
                "named director. They must read the assessment before deciding."
            ),
            "outcome": _("You can leave this until you have done the assessment."),
        }
        error_messages = {
            "subject": {"required": _("Enter the name of what is being assessed")},
            "kind": {"required": _("Choose what is being assessed")},
        }

    def __init__(
        self, *args: Any, user: User, departments: Any, creating: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(c.Outcome.choices)  # type: ignore[attr-defined]
        self.fields["outcome"].required = False
        if creating:
            del self.fields["owner"]
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        else:
            del self.fields["department"]
            members = self.instance.department.members.filter(is_active=True)
            self.fields["owner"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision, review = cleaned.get("decision_date"), cleaned.get("review_date")
        if decision and review and review <= decision:
            self.add_error("review_date", _("The review date must be after the decision date"))
        if cleaned.get("outcome") and not (cleaned.get("outcome_reason") or "").strip():
            self.add_error("outcome_reason", _("Give the reasons for the outcome"))
        return cleaned


class ScreeningForm(GovUKForm):
    full_assessment_needed = forms.TypedChoiceField(
        label=_("Is a full assessment needed?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "Usually yes if the proposal changes a service people use, who gets something, "
            "or how people are treated. Depth should match how much it matters to people."
        ),
        error_messages={"required": _("Say whether a full assessment is needed")},
    )
    reason = forms.CharField(
        label=_("Why?"),
        widget=textarea(5),
        help_text=_("Who could be affected, and how much. This is the record if you answer no."),
        error_messages={"required": _("Say why a full assessment is or is not needed")},
    )


class PrincipleForm(GovUKForm):
    """One text answer per question of a principle (field names `q<id>`)."""

    def __init__(self, *args: Any, principle: Principle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(principle.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=f"{question.code}) {question.text}",
                required=False,
                widget=textarea(5),
                max_length=10_000,
                error_messages={
                    "max_length": _("Answer in 10,000 characters or fewer"),
                },
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]


class EvidenceForm(GovUKModelForm):
    link = forms.URLField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A web address, like https://www.example.org/report"),
        error_messages={
            "invalid": _("Enter a web address, like https://www.example.org/report"),
            "max_length": _("The web address must be 500 characters or fewer"),
        },
    )
    dated = date_field(
        _("Date of the evidence"),
        required=False,
        hint=_(
            "When it was published, collected or held. Evidence must be dated before "
            "sign-off. For example, 2026-09-30"
        ),
    )
    principle = NameChoice(
        label=_("Principle it mainly supports (optional)"),
        queryset=Principle.objects.none(),
        required=False,
        empty_label=_("Not one in particular"),
    )

    class Meta:
        model = Evidence
        fields = ["kind", "title", "link", "dated", "summary", "principle"]
        widgets = {"kind": forms.RadioSelect, "summary": textarea(5)}
        labels = {
            "kind": _("Type of evidence"),
            "title": _("Title"),
            "summary": _("What it shows"),
        }
        help_texts = {
            "title": _("For example, Library visits by ward, 2024 to 2025"),
            "summary": _(
                "For consultation, say who took part, how many, and what they said, "
                "including views against the proposal."
            ),
        }
        error_messages = {
            "kind": {"required": _("Choose the type of evidence")},
            "title": {"required": _("Enter a title for the evidence")},
        }

    def __init__(self, *args: Any, assessment: ImpactAssessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = assessment.bank.principles.all()  # type: ignore[attr-defined]


def _impact_field(label: StrOrPromise, hint: StrOrPromise = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=c.Impact.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=hint,
    )


class CharacteristicForm(GovUKForm):
    """One row of the equality matrix: for each aim, likely impact, evidence and mitigation."""

    def __init__(self, *args: Any, characteristic: c.Characteristic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.characteristic = characteristic
        self.aims = c.aims_for(characteristic)
        for aim in self.aims:
            self.fields[f"impact_{aim.value}"] = _impact_field(
                _("Likely impact under aim (%(aim)s)") % {"aim": aim.value}, c.AIM_HINTS[aim]
            )
            self.fields[f"evidence_{aim.value}"] = forms.CharField(
                label=_("Evidence for aim (%(aim)s)") % {"aim": aim.value},
                required=False,
                widget=textarea(3),
                help_text=_("What the evidence shows, and where it comes from."),
            )
            self.fields[f"mitigation_{aim.value}"] = forms.CharField(
                label=_("Mitigation for aim (%(aim)s)") % {"aim": aim.value},
                required=False,
                widget=textarea(3),
                help_text=_(
                    "What will be done to remove or reduce a negative impact, or to find out "
                    "an unknown one."
                ),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for aim in self.aims:
            typed = (cleaned.get(f"evidence_{aim.value}") or "").strip() or (
                cleaned.get(f"mitigation_{aim.value}") or ""
            ).strip()
            if typed and not cleaned.get(f"impact_{aim.value}"):
                self.add_error(
                    f"impact_{aim.value}",
                    _("Choose the likely impact under aim (%(aim)s)") % {"aim": aim.value},
                )
        return cleaned

    def cells(self) -> dict[str, dict[str, str]]:
        return {
            aim.value: {
                "impact": self.cleaned_data[f"impact_{aim.value}"],
                "evidence": self.cleaned_data[f"evidence_{aim.value}"],
                "mitigation": self.cleaned_data[f"mitigation_{aim.value}"],
            }
            for aim in self.aims
        }

    def groups(self) -> list[tuple[c.Aim, list[forms.BoundField]]]:
        return [
            (
                aim,
                [self[f"{part}_{aim.value}"] for part in ("impact", "evidence", "mitigation")],
            )
            for aim in self.aims
        ]


class CohesionForm(GovUKForm):
    """The cohesion part: relations between groups, new and settled communities, areas at risk."""

    wards = NamesChoice(
        label=_("Wards most at risk"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The wards whose cohesion could be affected most. The assessment links each one "
            "to its ward profile."
        ),
    )

    def __init__(self, *args: Any, wards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in c.CohesionTopic:
            key = topic.value
            self.fields[f"impact_{key}"] = _impact_field(
                _("Likely effect on %(topic)s") % {"topic": topic.label.lower()},
                c.COHESION_HINTS[topic],
            )
            self.fields[f"effect_{key}"] = forms.CharField(
                label=_("What the effect could be"), required=False, widget=textarea(3)
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence"), required=False, widget=textarea(3)
            )
            self.fields[f"mitigation_{key}"] = forms.CharField(
                label=_("Mitigation"),
                required=False,
                widget=textarea(3),
                help_text=_("For example, a plan to answer rumours, or phasing the change."),
            )
        # Wards last, so the form reads topic by topic and then the places.
        self.fields["wards"] = self.fields.pop("wards")
        self.fields["wards"].queryset = wards  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for topic in c.CohesionTopic:
            key = topic.value
            typed = any(
                (cleaned.get(f"{part}_{key}") or "").strip()
                for part in ("effect", "evidence", "mitigation")
            )
            if typed and not cleaned.get(f"impact_{key}"):
                self.add_error(
                    f"impact_{key}",
                    _("Choose the likely effect on %(topic)s") % {"topic": topic.label.lower()},
                )
        return cleaned

    def answers(self) -> dict[str, dict[str, str]]:
        return {
            t.value: {
                part: self.cleaned_data[f"{part}_{t.value}"]
                for part in ("impact", "effect", "evidence", "mitigation")
            }
            for t in c.CohesionTopic
        }

    def groups(self) -> list[tuple[c.CohesionTopic, list[forms.BoundField]]]:
        return [
            (
                t,
                [
                    self[f"{part}_{t.value}"]
                    for part in ("impact", "effect", "evidence", "mitigation")
                ],
            )
            for t in c.CohesionTopic
        ]


class StrategyActionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        reference = f"{obj.reference} " if obj.reference else ""
        return f"{obj.strategy.title}: {reference}{obj.title}"


class ActionItemForm(GovUKForm):
    description = forms.CharField(
        label=_("Action"),
        widget=textarea(3),
        error_messages={"required": _("Describe the action")},
    )
    owner_name = forms.CharField(
        label=_("Owner"),
        max_length=200,
        help_text=_("The person or team responsible, for example Library service manager."),
        error_messages={"required": _("Enter who owns the action")},
    )
    due_on = date_field(_("Due date"))
    suggested = forms.IntegerField(required=False, widget=forms.HiddenInput)
    strategy_action = StrategyActionChoice(
        label=_("Strategy action it feeds (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Link it to an action in your organisation's strategy action plan."),
    )

    def __init__(self, *args: Any, strategy_actions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = _("Enter the due date")
        self.fields["strategy_action"].queryset = strategy_actions  # type: ignore[attr-defined]
        if not strategy_actions.exists():
            del self.fields["strategy_action"]


class CompleteActionForm(GovUKForm):
    completed_on = date_field(_("Date it was done"))


class ShareForm(GovUKForm):
    departments = NamesChoice(
        label=_("Departments that may see it"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Their members can read it, drafts included, but not change it. Untick to stop sharing."
        ),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]


class ReturnForm(GovUKForm):
    note = forms.CharField(
        label=_("What needs to change?"),
        widget=textarea(4),
        error_messages={"required": _("Say what needs to change")},
    )


class SignOffForm(GovUKForm):
    confirm = forms.BooleanField(
        label=_(
            "I have read the whole assessment and the due-regard checks, and I am satisfied "
            "it shows due regard"
        ),
        error_messages={"required": _("Confirm that you have read the assessment")},
    )
    note = forms.CharField(label=_("Comments (optional)"), required=False, widget=textarea(3))


class PublishForm(GovUKForm):
    public_summary = forms.CharField(
        label=_("Summary for the public"),
        widget=textarea(8),
        help_text=_(
            "In plain English: what is changing, who it affects, what the assessment found "
            "and what will be done. Do not name members of staff or the public."
        ),
        error_messages={"required": _("Write a summary for the public")},
    )


class DepartmentForm(GovUKForm):
    name = forms.CharField(
        label=_("Name of the department"),
        max_length=150,
        help_text=_("For example, Libraries and Culture"),
        error_messages={"required": _("Enter the name of the department")},
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Department.objects.filter(
            organisation_id=self.organisation_id, name__iexact=name
        ).exists():
            raise forms.ValidationError(_("There is already a department with that name"))
        return name


class MemberForm(GovUKForm):
    member = NameChoice(
        label=_("Add a member"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={"required": _("Choose a person to add")},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = people  # type: ignore[attr-defined]


class BankUploadForm(GovUKForm):
    file = forms.FileField(
        label=_("Question bank file (JSON)"),
        help_text=_(
            "Download the current version, change it, and upload it here. It is added as a "
            "new draft version; nothing already answered changes."
        ),
        error_messages={"required": _("Choose a JSON file to upload")},
    )
