"""Forms for the application's task list, registration, and staff screens.

Applicant sections save drafts: nothing is required to save, but what is given
must be valid. Completeness is checked on submission (`actions.missing_items`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation, OrganisationType, User
from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.grants.attachments import ALLOWED_DESCRIPTION
from cohesion.grants.models import (
    Application,
    AssessmentCriterion,
    Call,
    CallQuestion,
    Fund,
    QuestionKind,
    Recommendation,
)

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("no", _("No")), ("yes", _("Yes"))]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Registration


class RegisterForm(GovUKForm):
    group_name = forms.CharField(label=_("Name of your group"), max_length=200)
    group_type = forms.ChoiceField(
        label=_("What kind of group is it?"),
        choices=[
            (OrganisationType.VOLUNTARY_COMMUNITY.value, _("Voluntary or community group")),
            (OrganisationType.FAITH.value, _("Faith group")),
        ],
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We will only use this to tell you about your applications."),
    )
    username = forms.CharField(
        label=_("Choose a username"),
        max_length=150,
        help_text=_("Letters, numbers and @ . + - _ only."),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters. Avoid common words and your username."),
    )
    password_again = forms.CharField(
        label=_("Type the password again"), widget=forms.PasswordInput(render_value=False)
    )

    def clean_group_name(self) -> str:
        name = str(self.cleaned_data["group_name"]).strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError(
                _("A group with that name already has an account: ask its members to sign in")
            )
        return name

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if not re.fullmatch(r"[\w.@+-]+", username):
            raise ValidationError(_("Use only letters, numbers and @ . + - _ in your username"))
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("That username is taken: choose another"))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The passwords do not match"))
        elif password:
            probe = User(
                username=data.get("username", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


# Applicant task list sections


class GroupForm(GovUKModelForm):
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")

    class Meta:
        model = Application
        fields = [
            "legal_name",
            "charity_number",
            "company_number",
            "other_registration_scheme",
            "other_registration_number",
            "street_address",
            "address_locality",
            "postcode",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "legal_name": _("Your group's name"),
            "charity_number": _("Registered charity number (if you have one)"),
            "company_number": _("Company number (if you have one)"),
            "other_registration_scheme": _("Other registration (if you have one)"),
            "other_registration_number": _("Other registration number"),
            "street_address": _("Street address"),
            "address_locality": _("Town or city"),
            "postcode": _("Postcode"),
            "website": _("Website (optional)"),
            "contact_name": _("Contact name"),
            "contact_email": _("Contact email address"),
            "contact_phone": _("Contact phone number (optional)"),
        }
        help_texts = {
            "legal_name": _("As it appears on your governing document or bank account."),
            "charity_number": _("England and Wales: 6 or 7 digits, for example 1012345."),
            "company_number": _("8 characters, for example 01234567 or SC123456."),
            "other_registration_scheme": _(
                "For example GB-SC (Scottish charity) or GB-MPR (mutual society). "
                "Leave blank if your group is not registered: unregistered groups can apply."
            ),
        }

    def clean_charity_number(self) -> str:
        value = str(self.cleaned_data["charity_number"]).strip().upper().replace(" ", "")
        if value and not re.fullmatch(r"\d{6,7}(-\d{1,2})?", value):
            raise ValidationError(_("Enter a charity number of 6 or 7 digits, like 1012345"))
        return value

    def clean_company_number(self) -> str:
        value = str(self.cleaned_data["company_number"]).strip().upper().replace(" ", "")
        if value.isdigit() and len(value) < 8:
            value = value.zfill(8)
        if value and not re.fullmatch(r"[A-Z0-9]{8}", value):
            raise ValidationError(_("Enter a company number of 8 characters, like 01234567"))
        return value

    def clean_other_registration_scheme(self) -> str:
        value = str(self.cleaned_data["other_registration_scheme"]).strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}-[A-Z]{2,6}", value):
            raise ValidationError(_("Enter a registration list code like GB-SC"))
        return value

    def clean_postcode(self) -> str:
        value = re.sub(r"\s+", "", str(self.cleaned_data["postcode"]).upper())
        if value and not POSTCODE.match(value):
            raise ValidationError(_("Enter a real postcode, like S1 2HH"))
        return f"{value[:-3]} {value[-3:]}" if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("other_registration_scheme")) != bool(
            data.get("other_registration_number")
        ):
            self.add_error(
                "other_registration_number",
                _("Enter both the registration list code and the number, or neither"),
            )
        return data


class _WardChoices(forms.ModelMultipleChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class ProjectForm(GovUKModelForm):
    wards = _WardChoices(
        label=_("Which wards will benefit?"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "planned_start",
            "planned_end",
            "wards",
            "beneficiaries",
            "beneficiary_count",
        ]
        labels = {
            "title": _("Project title"),
            "summary": _("Describe your project"),
            "planned_start": _("When will the project start?"),
            "planned_end": _("When will the project end?"),
            "beneficiaries": _("Who will benefit?"),
            "beneficiary_count": _("About how many people will take part?"),
        }
        help_texts = {
            "title": _("A short name, for example Friday youth football."),
            "summary": _(
                "What you will do, and how it brings people from different backgrounds together."
            ),
            "planned_start": _("For example, 2027-04-01"),
            "planned_end": _("For example, 2028-03-31"),
        }
        widgets = {"planned_start": DATE, "planned_end": DATE}

    def __init__(self, *args: Any, council: Area, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["wards"].queryset = Area.objects.current_wards(council).order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end date must be on or after the start date"))
        return data


class QuestionsForm(GovUKForm):
    """The call's own questions, built from its CallQuestion rows."""

    def __init__(self, *args: Any, questions: list[CallQuestion], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.questions = questions
        for q in questions:
            field: forms.Field
            if q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, required=False
                )
            elif q.kind == QuestionKind.NUMBER:
                field = forms.DecimalField(
                    required=False,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
                    ),
                )
            elif q.kind == QuestionKind.LONG_TEXT:
                field = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
            else:
                field = forms.CharField(required=False, max_length=500)
            field.label = q.label
            hint = q.hint
            if q.max_words:
                hint = f"{hint} ({q.max_words} words or fewer.)".strip()
            field.help_text = hint
            self.fields[f"q{q.pk}"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for q in self.questions:
            value = data.get(f"q{q.pk}")
            if q.max_words and isinstance(value, str) and len(value.split()) > q.max_words:
                self.add_error(f"q{q.pk}", _("Answer in %(n)s words or fewer") % {"n": q.max_words})
        return data

    def answers(self) -> dict[str, str]:
        return {
            q.key: (
                ""
                if self.cleaned_data.get(f"q{q.pk}") is None
                else str(self.cleaned_data[f"q{q.pk}"])
            )
            for q in self.questions
        }


class BudgetForm(GovUKModelForm):
    class Meta:
        model = Application
        fields = ["amount_requested", "budget_breakdown"]
        labels = {
            "amount_requested": _("How much are you asking for?"),
            "budget_breakdown": _("What will you spend the money on?"),
        }
        help_texts = {
            "budget_breakdown": _(
                "List the main costs and what each costs, for example: hall hire £300."
            )
        }
        widgets = {
            "amount_requested": forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
            ),
            "budget_breakdown": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, fund: Fund, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fund = fund
        self.fields["amount_requested"].help_text = _(
            "In pounds. Between £%(min)s and £%(max)s."
        ) % {"min": f"{fund.minimum_award:,.0f}", "max": f"{fund.maximum_award:,.0f}"}

    def clean_amount_requested(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data.get("amount_requested")
        if amount is None:
            return None
        if amount <= 0:
            raise ValidationError(_("Enter an amount greater than £0"))
        if amount > self.fund.maximum_award:
            raise ValidationError(
                _("The amount must be £%(max)s or less")
                % {"max": f"{self.fund.maximum_award:,.2f}"}
            )
        if amount < self.fund.minimum_award:
            raise ValidationError(
                _("The amount must be £%(min)s or more")
                % {"min": f"{self.fund.minimum_award:,.2f}"}
            )
        return amount


class AttachmentForm(GovUKForm):
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("%(types)s, up to %(mb)sMB."),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
    )
    description = forms.CharField(
        label=_("What is this document? (optional)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, max_mb: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["file"].help_text = _("%(types)s, up to %(mb)sMB.") % {
            "types": ALLOWED_DESCRIPTION,
            "mb": max_mb,
        }


class RespondForm(GovUKForm):
    response = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter the information you were asked for")},
        help_text=_("You can also change any part of your application before you send this."),
    )


class WithdrawForm(GovUKForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReportForm(GovUKForm):
    text = forms.CharField(
        label=_("What happened in your project?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter what happened in your project")},
    )
    outcomes = forms.CharField(
        label=_("What difference did it make?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    beneficiaries_reached = forms.IntegerField(
        label=_("How many people took part?"),
        min_value=0,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={"invalid": _("Enter a whole number, like 40")},
    )
    is_final = forms.BooleanField(label=_("This is our final report"), required=False)


# Staff


class FundForm(GovUKModelForm):
    rules = forms.CharField(
        label=_("Eligibility rules"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One per line. Staff check each one when screening an application."),
    )

    class Meta:
        model = Fund
        fields = [
            "name",
            "description",
            "council",
            "budget",
            "minimum_award",
            "maximum_award",
            "objectives",
            "programme_code",
            "reference_prefix",
            "funder_identifier",
            "funder_name",
            "is_published",
        ]
        labels = {"is_published": _("Publish this fund's awards as 360Giving open data")}
        help_texts = {
            "programme_code": _("The grant programme code used in 360Giving data."),
            "reference_prefix": _("Application references start with this, e.g. SHF-2026-0001."),
            "funder_identifier": _("Leave blank to use the council's 360Giving identifier."),
            "funder_name": _("Leave blank to use the council's name."),
        }
        widgets = {"objectives": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, councils: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]
        from cohesion.strategies.models import Objective

        self.fields["objectives"].queryset = Objective.objects.filter(  # type: ignore[attr-defined]
            strategy__council__in=councils
        ).select_related("strategy")
        self.fields["objectives"].required = False
        if self.instance.pk:
            self.fields["rules"].initial = "\n".join(self.instance.eligibility_rules)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        budget, high, low = data.get("budget"), data.get("maximum_award"), data.get("minimum_award")
        if budget is not None and budget < 0:
            self.add_error("budget", _("The budget cannot be negative"))
        if budget is not None and high is not None and high > budget:
            self.add_error("maximum_award", _("The maximum award cannot be more than the budget"))
        if low is not None and high is not None and low > high:
            self.add_error("minimum_award", _("The minimum award cannot be more than the maximum"))
        if budget is not None and self.instance.pk and budget < self.instance.committed:
            self.add_error(
                "budget",
                _("The budget cannot be less than the £%(c)s already awarded")
                % {"c": f"{self.instance.committed:,.2f}"},
            )
        data["eligibility_rules"] = _lines(data.pop("rules", "") or "")
        # Set before the model's own checks run (ModelForm._post_clean).
        self.instance.eligibility_rules = data["eligibility_rules"]
        return data


class CallForm(GovUKModelForm):
    class Meta:
        model = Call
        fields = ["title", "opens_at", "closes_at", "guidance"]
        labels = {"opens_at": _("Opens"), "closes_at": _("Closes")}
        help_texts = {
            "opens_at": _("Date and time, for example 2027-01-09 09:00"),
            "closes_at": _("Date and time, for example 2027-03-31 17:00"),
        }
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "guidance": forms.Textarea(attrs={"rows": 8}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing date must be after the opening date"))
        return data


class QuestionForm(GovUKModelForm):
    choice_lines = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For a choice question: one choice per line."),
    )

    class Meta:
        model = CallQuestion
        fields = ["label", "hint", "kind", "required", "order", "max_words"]
        labels = {"label": _("Question"), "hint": _("Hint (optional)")}
        widgets = {"kind": forms.RadioSelect, "hint": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if self.instance.pk:
            self.fields["choice_lines"].initial = "\n".join(self.instance.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices = _lines(data.pop("choice_lines", "") or "")
        if data.get("kind") == QuestionKind.CHOICE and len(choices) < 2:
            self.add_error("choice_lines", _("Enter at least two choices, one per line"))
        data["choices"] = choices
        return data


class CriterionForm(GovUKModelForm):
    class Meta:
        model = AssessmentCriterion
        fields = ["name", "description", "weight", "max_score", "order"]
        labels = {"max_score": _("Highest score")}
        help_texts = {"weight": _("How much this counts relative to the others, e.g. 1 or 2.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weight = data.get("weight")
        if weight is not None and weight <= 0:
            self.add_error("weight", _("The weight must be more than 0"))
        if data.get("max_score") == 0:
            self.add_error("max_score", _("The highest score must be at least 1"))
        return data


class ScreenForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("Is the application eligible?"),
        choices=[
            ("eligible", _("Eligible: send to assessment")),
            ("more_info", _("More information needed from the group")),
            ("ineligible", _("Not eligible: decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the outcome of the eligibility check")},
    )
    reason = forms.CharField(
        label=_("Message to the group"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed if you ask for more information or decline. The group will see it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") in ("more_info", "ineligible")
            and not data.get("reason", "").strip()
        ):
            self.add_error(
                "reason",
                _("Enter what information you need")
                if data["outcome"] == "more_info"
                else _("Enter why the application is not eligible"),
            )
        return data


class _PersonChoices(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.organisation})"


class AssignForm(GovUKForm):
    assessors = _PersonChoices(
        label=_("Assessors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("At least two assessors must score the application before a decision."),
    )

    def __init__(self, *args: Any, people: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["assessors"].queryset = people  # type: ignore[attr-defined]


class AssessmentForm(GovUKForm):
    conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this group or project?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_(
            "For example, you are a member, trustee or relative of someone in the group. "
            "If you do, you cannot score this application."
        ),
        error_messages={"required": _("Select yes if you have a conflict of interest")},
    )
    conflict_details = forms.CharField(
        label=_("Describe the conflict of interest"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comments for the panel"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, criteria: list[AssessmentCriterion], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s (out of %(max)s)") % {"name": c.name, "max": c.max_score},
                help_text=c.description,
                choices=[(str(n), str(n)) for n in range(c.max_score + 1)],
                coerce=int,
                required=False,
                widget=forms.Select,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict") == "yes":
            if not data.get("conflict_details", "").strip():
                self.add_error("conflict_details", _("Describe your conflict of interest"))
        elif data.get("conflict") == "no":
            for c in self.criteria:
                if data.get(f"c{c.pk}") in (None, ""):
                    self.add_error(f"c{c.pk}", _("Select a score for %(name)s") % {"name": c.name})
        return data

    def scores(self) -> dict[str, int]:
        return {str(c.pk): int(self.cleaned_data[f"c{c.pk}"]) for c in self.criteria}


class NoteForm(GovUKForm):
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecisionForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("approve_with_conditions", _("Approve with conditions")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a decision")},
    )
    amount = forms.DecimalField(
        label=_("Amount awarded (£)"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        help_text=_("Leave blank to award the amount asked for."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The group will see this."),
        error_messages={"required": _("Enter the reason for the decision")},
    )
    conditions = forms.CharField(
        label=_("Conditions of the grant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed if you approve with conditions. The group will see them."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == "approve_with_conditions"
            and not data.get("conditions", "").strip()
        ):
            self.add_error("conditions", _("Enter the conditions of the grant"))
        return data


class PaymentForm(GovUKForm):
    paid_on = forms.DateField(
        label=_("Date paid"),
        widget=DATE,
        error_messages={"required": _("Enter the date paid"), "invalid": _("Enter a real date")},
    )
    amount = forms.DecimalField(
        label=_("Amount (£)"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter the amount paid")},
    )
    reference = forms.CharField(
        label=_("Payment reference (optional)"), required=False, max_length=100
    )
