"""Forms for the data protection officer's pages. They validate; the actions change state."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cohesion.core.forms import GovUKForm
from cohesion.incidents import choices as c
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.privacy.actions import CONTACT_FIELDS, INCIDENT_FIELDS

REASON_HINT = _(
    "For example, the request it answers and its date. Do not include the person's details"
)


class SearchForm(GovUKForm):
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=40,
        help_text=_("The reference given to the person, such as HR-7K3M-Q9PX"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Victim's full name"),
        required=False,
        max_length=200,
        help_text=_("With the date of birth. Used to make the victim key, then forgotten"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Victim's date of birth"),
        required=False,
        help_text=_("For example, 1980-05-17"),
        error_messages={"invalid": _("Enter the date of birth as year-month-day, like 1980-05-17")},
    )
    email = forms.EmailField(
        label=_("Email address given for contact"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.org")},
    )
    phone = forms.CharField(
        label=_("Phone number given for contact"), required=False, max_length=40
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        ways = [
            bool(cleaned.get("reference", "").strip()),
            bool(cleaned.get("full_name", "").strip() or cleaned.get("date_of_birth")),
            bool(cleaned.get("email") or cleaned.get("phone", "").strip()),
        ]
        if not any(ways):
            raise forms.ValidationError(
                _(
                    "Enter a reference, a name and date of birth, or an email address or phone number"
                )
            )
        if sum(ways) > 1:
            raise forms.ValidationError(
                _(
                    "Search one way at a time: by reference, by name and date of birth, or by contact details"
                )
            )
        if ways[1]:
            if not cleaned.get("full_name", "").strip():
                self.add_error("full_name", _("Enter the full name as well as the date of birth"))
            elif not cleaned.get("date_of_birth"):
                self.add_error("date_of_birth", _("Enter the date of birth as well as the name"))
        phone = cleaned.get("phone", "").strip()
        if ways[2] and phone and sum(ch.isdigit() for ch in phone) < 6:
            self.add_error("phone", _("Enter a phone number, like 07700 900123"))
        return cleaned


def _choice(label: Any, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices)


class CorrectIncidentForm(GovUKForm):
    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter what happened")},
    )
    location_description = forms.CharField(
        label=_("Where it happened (description)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    victim_sex = _choice(_("Victim's sex"), c.Sex.choices)
    victim_gender_identity = _choice(_("Victim's gender identity"), c.GenderIdentity.choices)
    victim_age_band = _choice(_("Victim's age"), c.AgeBand.choices)
    victim_ethnicity = _choice(_("Victim's ethnic group"), c.Ethnicity.choices)
    victim_religion = _choice(_("Victim's religion"), c.Religion.choices)
    victim_disability = _choice(_("Victim's disability"), c.Disability.choices)
    victim_sexual_orientation = _choice(
        _("Victim's sexual orientation"), c.SexualOrientation.choices
    )
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40)
    contact_email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.org")},
    )
    contact_contact_notes = forms.CharField(
        label=_("Safe times and ways to get in touch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Why are you making this correction?"),
        help_text=REASON_HINT,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter why you are making this correction")},
    )

    def __init__(
        self, *args: Any, incident: Incident, contact: ContactDetails | None, **kwargs: Any
    ) -> None:
        initial = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
        if contact is not None:
            initial |= {f"contact_{name}": getattr(contact, name) for name in CONTACT_FIELDS}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.has_contact = contact is not None
        if contact is None:
            for name in CONTACT_FIELDS:
                del self.fields[f"contact_{name}"]

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in INCIDENT_FIELDS}

    def contact(self) -> dict[str, str] | None:
        if not self.has_contact:
            return None
        return {name: self.cleaned_data[f"contact_{name}"].strip() for name in CONTACT_FIELDS}


class EraseForm(GovUKForm):
    PERSONAL_DATA = "personal_data"
    WHOLE_RECORD = "whole_record"

    what = forms.ChoiceField(
        label=_("What do you want to erase?"),
        choices=[
            (
                PERSONAL_DATA,
                _(
                    "The personal data only: the record stays in the figures, without "
                    "the details that could identify or describe anyone"
                ),
            ),
            (WHOLE_RECORD, _("The whole record: it is deleted and leaves the figures")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what you want to erase")},
    )
    reason = forms.CharField(
        label=_("Why are you erasing it?"),
        help_text=REASON_HINT,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter why you are erasing it")},
    )
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Confirm that you understand this cannot be undone")},
    )


class RetentionRuleForm(GovUKForm):
    after_days = forms.IntegerField(
        label=_("Keep for this many days"),
        min_value=1,
        max_value=36500,
        help_text=_("For example, 365 for 12 months or 2191 for 6 years"),
        error_messages={
            "required": _("Enter how many days to keep these records"),
            "invalid": _("Enter a whole number of days, like 365"),
            "min_value": _("Keep records for at least 1 day"),
            "max_value": _("Enter 36500 days (100 years) or fewer"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )
    enabled = forms.BooleanField(
        label=_("Apply this rule"),
        required=False,
        help_text=_("When this is off, the daily run leaves these records alone"),
    )
