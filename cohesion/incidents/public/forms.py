"""One form per step of the public report, shared by the pages and the JSON API.

Each form turns what was typed into plain, JSON-friendly answers (`to_answers`)
kept in the session, and back (`initial_from`), so every error and every
"Change" link shows exactly what the person gave. Messages follow the GOV.UK
Design System's wording patterns: say what to do, not what went wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cohesion.areas.geo import locate_point
from cohesion.core.forms import GovUKBoundField, GovUKForm
from cohesion.incidents import choices as c
from cohesion.incidents.public import routing
from cohesion.incidents.public.reference import memoised
from cohesion.vocabularies.models import Term, Vocabulary

NOT_SURE = "not_sure"
SHARE_NONE = "none"
YES, NO = "yes", "no"
NARRATIVE_MAX = 5000
DESCRIPTION_MAX = 500
# A full or partial UK postcode (e.g. "DE1 2AB", "S1 2HH"): the description must not hold one.
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def _without_not_known(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Demographic choices a person picks from: "not known" is for staff, not for them."""
    return [(value, label) for value, label in choices if value != c.Sex.NOT_KNOWN]


@dataclass(frozen=True)
class Option:
    """One radio or checkbox, ready for the report templates."""

    value: str
    label: str
    hint: str
    checked: bool
    id: str
    exclusive: bool


def flat_choices(field: forms.Field) -> list[tuple[str, Any]]:
    """A choice field's (value, label) pairs, groups flattened."""
    assert isinstance(field, forms.ChoiceField)
    pairs: list[tuple[str, Any]] = []
    for value, label in cast(list[tuple[Any, Any]], field.choices):
        if isinstance(label, list | tuple):
            pairs += [(str(v), lab) for v, lab in label]
        else:
            pairs.append((str(value), label))
    return pairs


class ReportBoundField(GovUKBoundField):
    @property
    def options(self) -> list[Option]:
        """The choices with their hints, which are ticked, and which one excludes the rest."""
        hints: dict[str, str] = getattr(self.form, "option_hints", {}).get(self.name, {})
        exclusive: set[str] = getattr(self.form, "exclusive_options", {}).get(self.name, set())
        current = self.value()
        selected = {str(v) for v in current} if isinstance(current, list | tuple) else {current}
        field = self.field
        assert isinstance(field, forms.ChoiceField)
        return [
            Option(
                value=str(value),
                label=str(label),
                hint=hints.get(str(value), ""),
                checked=str(value) in selected,
                id=f"{self.auto_id}_{i}",
                exclusive=str(value) in exclusive,
            )
            for i, (value, label) in enumerate(flat_choices(field))
        ]


def honeypot_field() -> forms.CharField:
    # People never see this field; form-filling bots fill it in.
    return forms.CharField(required=False, label=_("Leave this blank"))


class StepForm(GovUKForm):
    """A step of the journey. Subclasses list the answers they own."""

    bound_field_class = ReportBoundField
    answer_keys: ClassVar[tuple[str, ...]] = ()

    def to_answers(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in self.answer_keys}

    @classmethod
    def initial_from(cls, answers: Mapping[str, Any]) -> dict[str, Any]:
        return {key: answers[key] for key in cls.answer_keys if key in answers}


class NarrativeForm(StepForm):
    answer_keys = ("narrative",)

    narrative = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Tell us in your own words. Include what was said or done, and how many people "
            "were involved. Do not include anyone's name or address."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=NARRATIVE_MAX,
        error_messages={
            "required": _("Tell us what happened"),
            "max_length": _("What happened must be 5,000 characters or fewer"),
        },
    )
    website = honeypot_field()

    def clean_narrative(self) -> str:
        return str(self.cleaned_data["narrative"]).strip()


class WhenForm(StepForm):
    """GOV.UK date input: three boxes, one message, the boxes at fault highlighted."""

    answer_keys = ("day", "month", "year", "occurred_on")

    day = forms.CharField(required=False, label=pgettext_lazy("date part", "Day"))
    month = forms.CharField(required=False, label=pgettext_lazy("date part", "Month"))
    year = forms.CharField(required=False, label=pgettext_lazy("date part", "Year"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_parts: set[str] = set()

    @property
    def date_error(self) -> str:
        """The one message the date input shows (GOV.UK shows one, not one per box)."""
        for name in ("day", "month", "year"):
            if self.errors.get(name):
                return str(self.errors[name][0])
        return ""

    def _fail(self, message: str, parts: list[str]) -> None:
        self.error_parts = set(parts)
        self.add_error(parts[0], message)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = {name: str(data.get(name) or "").strip() for name in ("day", "month", "year")}
        data.update(parts)
        missing = [name for name, value in parts.items() if not value]
        if len(missing) == 3:
            self._fail(gettext("Enter the date it happened"), ["day", "month", "year"])
            return data
        if missing:
            names = {
                "day": gettext("a day"),
                "month": gettext("a month"),
                "year": gettext("a year"),
            }
            wanted = gettext(" and ").join(names[m] for m in missing)
            self._fail(
                gettext("The date it happened must include %(parts)s") % {"parts": wanted},
                missing,
            )
            return data
        if not all(value.isdigit() for value in parts.values()):
            self._fail(
                gettext("The date it happened must be a real date"),
                [n for n, v in parts.items() if not v.isdigit()],
            )
            return data
        if len(parts["year"]) != 4:
            self._fail(gettext("Year must include 4 numbers"), ["year"])
            return data
        try:
            occurred = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self._fail(gettext("The date it happened must be a real date"), ["day", "month"])
            return data
        if occurred > timezone.localdate():
            self._fail(
                gettext("The date it happened must be today or in the past"),
                ["day", "month", "year"],
            )
            return data
        if occurred.year < 1990:
            self._fail(gettext("The date it happened must be after 1989"), ["year"])
            return data
        data["occurred_on"] = occurred.isoformat()
        return data


class WhereForm(StepForm):
    """A ward (or "somewhere in" a council), an optional description, an optional map point."""

    answer_keys = (
        "place",
        "place_description",
        "latitude",
        "longitude",
        "council_code",
        "ward_code",
        "lsoa_code",
        "location_precision",
    )

    place = forms.ChoiceField(
        required=False,
        label=_("Where did it happen?"),
        help_text=_("Choose the area. If you do not know the area, choose the council."),
    )
    place_description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        label=_("Describe the place (optional)"),
        help_text=_(
            "For example, 'outside the library' or 'on the number 38 bus'. "
            "Do not include a house number or postcode."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("The description of the place must be 500 characters or fewer")
        },
    )
    # Filled in by the map (JavaScript only); the list above works without it.
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = routing.offered_places()
        grouped: list[tuple[str, list[tuple[str, str]]]] = []
        for group in self.places:
            options = [
                (
                    group.council.code,
                    gettext("Somewhere in %(council)s, not sure where")
                    % {"council": group.council.name},
                )
            ]
            options += [(ward.code, ward.name) for ward in group.wards]
            grouped.append((group.council.name, options))
        field = self.fields["place"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("Choose an area")), *grouped]
        field.error_messages["invalid_choice"] = gettext("Choose an area from the list")

    @property
    def map_councils(self) -> str:
        return ",".join(g.council.code for g in self.places)

    @property
    def map_bounds(self) -> str:
        """south,west,north,east around the councils offered, for the map to start at."""
        boxes = [g.council.bbox() for g in self.places]
        known = [b for b in boxes if b is not None]
        if not known:
            return ""
        west = min(b[0] for b in known)
        south = min(b[1] for b in known)
        east = max(b[2] for b in known)
        north = max(b[3] for b in known)
        return f"{south},{west},{north},{east}"

    def clean_place_description(self) -> str:
        text = str(self.cleaned_data.get("place_description") or "").strip()
        if POSTCODE.search(text):
            raise ValidationError(
                gettext(
                    "Remove the postcode from the description. Describe the place instead, "
                    "for example 'outside the library'"
                )
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        by_code = {g.council.code: g for g in self.places}
        data.update(council_code="", ward_code="", lsoa_code="", location_precision="")
        if lat is not None and lon is not None:
            located = locate_point(lat, lon)
            if (
                located.ward is None
                or located.council is None
                or (located.council.code not in by_code)
            ):
                self.add_error(
                    "place",
                    gettext(
                        "The point on the map is outside the areas this form covers. "
                        "Choose the area from the list instead"
                    ),
                )
                return data
            data.update(
                place=located.ward.code,
                council_code=located.council.code,
                ward_code=located.ward.code,
                lsoa_code=located.lsoa.code if located.lsoa else "",
                location_precision=c.Precision.EXACT,
            )
            return data
        data["latitude"] = data["longitude"] = None
        code = str(data.get("place") or "")
        if not code:
            if "place" not in self.errors:
                self.add_error("place", gettext("Choose the area where it happened"))
            return data
        if code in by_code:
            data.update(council_code=code, location_precision=c.Precision.LOCAL_AUTHORITY)
            return data
        for group in self.places:
            if any(ward.code == code for ward in group.wards):
                data.update(
                    council_code=group.council.code,
                    ward_code=code,
                    location_precision=c.Precision.WARD,
                )
        return data


def strand_terms() -> list[Term]:
    return memoised("strands", lambda: list(Term.objects.of(Vocabulary.HATE_STRAND).current()))


def incident_type_terms() -> list[Term]:
    return memoised(
        "incident_types", lambda: list(Term.objects.of(Vocabulary.INCIDENT_TYPE).current())
    )


class TargetedForm(StepForm):
    answer_keys = ("strands",)
    exclusive_options: ClassVar[dict[str, set[str]]] = {"strands": {NOT_SURE}}

    strands = forms.MultipleChoiceField(
        label=_("Why do you think it happened?"),
        help_text=_(
            "What do you think the person or people who did it were hostile to? "
            "It is what you think that matters. Select all that apply."
        ),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _('Select why you think it happened, or select "I am not sure"'),
            "invalid_choice": _("Select from the list"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = strand_terms()
        field = self.fields["strands"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t.code, t.display_label) for t in terms] + [
            (NOT_SURE, gettext("I am not sure"))
        ]
        self.option_hints = {"strands": {t.code: gettext(t.hint) for t in terms if t.hint}}

    def clean_strands(self) -> list[str]:
        chosen = list(self.cleaned_data.get("strands") or [])
        if NOT_SURE in chosen and len(chosen) > 1:
            raise ValidationError(
                gettext('Select the reasons you think it happened, or "I am not sure", not both')
            )
        return chosen


class IncidentTypeForm(StepForm):
    answer_keys = ("incident_types",)

    incident_types = forms.MultipleChoiceField(
        label=_("What did they do?"),
        help_text=_("Select all that apply."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select what they did"),
            "invalid_choice": _("Select from the list"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["incident_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t.code, t.display_label) for t in incident_type_terms()]


class WhoForm(StepForm):
    answer_keys = ("reporter_role",)

    reporter_role = forms.ChoiceField(
        label=_("Who is making this report?"),
        choices=c.ReporterRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who is making this report"),
            "invalid_choice": _("Select who is making this report"),
        },
    )


class AboutForm(StepForm):
    """Optional, and kept apart from why they were targeted: what the person says they are."""

    answer_keys = ("victim_sex", "victim_age_band", "victim_ethnicity")

    victim_sex = forms.ChoiceField(
        required=False,
        label=_("Their sex"),
        choices=_without_not_known(c.Sex.choices),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select from the list")},
    )
    victim_age_band = forms.ChoiceField(
        required=False,
        label=_("Their age"),
        choices=_without_not_known(c.AgeBand.choices),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select from the list")},
    )
    victim_ethnicity = forms.ChoiceField(
        required=False,
        label=_("Their ethnic group"),
        choices=_without_not_known(c.Ethnicity.choices),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select from the list")},
    )


class ContactForm(StepForm):
    answer_keys = ("consent_to_contact", "contact_name", "contact_phone", "contact_email")

    consent_to_contact = forms.ChoiceField(
        label=_("Can we contact you about your report?"),
        help_text=_("We will only use your details to talk to you about this report."),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if we can contact you"),
            "invalid_choice": _("Select yes if we can contact you"),
        },
    )
    contact_name = forms.CharField(
        required=False,
        max_length=200,
        label=_("Your name (optional)"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        help_text=_("Or what you would like us to call you."),
        error_messages={"max_length": _("Your name must be 200 characters or fewer")},
    )
    contact_phone = forms.CharField(
        required=False,
        max_length=30,
        label=_("Phone number"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("Enter a phone number, like 01632 960 001")},
    )
    contact_email = forms.CharField(
        required=False,
        max_length=254,
        label=_("Email address"),
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "spellcheck": "false"}
        ),
        error_messages={"max_length": _("Enter an email address, like name@example.com")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("contact_name", "contact_phone", "contact_email"):
            data[key] = str(data.get(key) or "").strip()
        if data.get("consent_to_contact") != YES:
            # Details typed before choosing "No" are not kept.
            data.update(contact_name="", contact_phone="", contact_email="")
            return data
        phone, email = data["contact_phone"], data["contact_email"]
        if phone and not PHONE.match(phone):
            self.add_error("contact_phone", gettext("Enter a phone number, like 01632 960 001"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.add_error(
                    "contact_email", gettext("Enter an email address, like name@example.com")
                )
        if not phone and not email and "contact_phone" not in self.errors:
            self.add_error(
                "contact_phone",
                gettext("Enter a phone number or an email address, so we can contact you"),
            )
        return data


class ShareForm(StepForm):
    answer_keys = ("consent_to_share",)
    exclusive_options: ClassVar[dict[str, set[str]]] = {"consent_to_share": {SHARE_NONE}}

    consent_to_share = forms.MultipleChoiceField(
        label=_("Who can we share your report with?"),
        help_text=_(
            "Sharing helps the police and support services understand what is happening in "
            "your area and offer help. We never share your report publicly. Select all that apply."
        ),
        widget=forms.CheckboxSelectMultiple,
        choices=[*c.ShareConsent.choices, (SHARE_NONE, _("Do not share it"))],
        error_messages={
            "required": _('Select who we can share your report with, or select "Do not share it"'),
            "invalid_choice": _("Select from the list"),
        },
    )

    def clean_consent_to_share(self) -> list[str]:
        chosen = list(self.cleaned_data.get("consent_to_share") or [])
        if SHARE_NONE in chosen and len(chosen) > 1:
            raise ValidationError(
                gettext('Select who we can share your report with, or "Do not share it", not both')
            )
        return chosen


class CheckForm(GovUKForm):
    """The check-answers page's form: the journey's idempotency key, and the honeypot."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    website = honeypot_field()
