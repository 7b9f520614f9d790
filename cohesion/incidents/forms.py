"""Forms for partner recording and triage. They validate; the actions change state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import User
from cohesion.accounts.permissions import areas_in_scope
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.incidents import choices as c
from cohesion.incidents.actions import EDITABLE_FIELDS, ContactInput
from cohesion.incidents.export import NOT_KNOWN
from cohesion.incidents.models import Incident
from cohesion.lib.references import normalise_reference
from cohesion.vocabularies.models import Term, Vocabulary

DATE_HINT = _("For example, 2026-03-14")
BLANK_LABEL = _("Not recorded")


def _date_field(
    label: Any, *, required: bool = True, help_text: Any = DATE_HINT
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": _("Enter the date as year-month-day, like 2026-03-14"),
            "required": _("Enter the date"),
        },
    )


class WardChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Area) -> str:
        council = obj.council.name if obj.council else ""
        return f"{obj.name} ({council})" if council else obj.name


def wards_for(user: User) -> Any:
    """Wards the person covers, newest boundaries first, grouped by council."""
    return (
        areas_in_scope(user)
        .filter(level=AreaLevel.WARD)
        .select_related("council")
        .order_by("council__name", "name", "-generation")
    )


def councils_for(user: User) -> Any:
    """Councils the person covers whole (they may record without a ward there)."""
    return areas_in_scope(user).filter(level=AreaLevel.LAD).order_by("name")


def _terms(vocabulary: Vocabulary, chosen: Any = None) -> Any:
    # Retired terms stay selectable on records that already carry them.
    current = Term.objects.of(vocabulary).current()
    if chosen is not None:
        return Term.objects.filter(Q(pk__in=current.values("pk")) | Q(pk__in=chosen)).order_by(
            "sort_order", "code"
        )
    return current.order_by("sort_order", "code")


class IncidentForm(GovUKModelForm):
    """Every fact a partner records about an incident, grouped in fieldsets on the page."""

    council = forms.ModelChoiceField(
        label=_("Council area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Choose a council area"),
        help_text=_("Only needed when the ward is not known"),
    )
    ward = WardChoiceField(
        label=_("Ward"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Choose a ward"),
    )
    occurred_on = _date_field(_("Date it happened (or started)"))
    occurred_to = _date_field(
        _("Date it ended (optional)"),
        required=False,
        help_text=_("For something that went on over a period. For example, 2026-03-20"),
    )
    strands = forms.ModelMultipleChoiceField(
        label=_("What the victim or someone else thinks they were targeted for"),
        help_text=_("Select all that apply. This is the perception, not the victim's own identity"),
        queryset=Term.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    strand_subcodes = forms.ModelMultipleChoiceField(
        label=_("More detail about the hostility (optional)"),
        queryset=Term.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    incident_types = forms.ModelMultipleChoiceField(
        label=_("What happened"),
        help_text=_("Select all that apply"),
        queryset=Term.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_to_share = forms.MultipleChoiceField(
        label=_("Who the person agreed their report can be shared with"),
        choices=c.ShareConsent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Identifying details: turned into the victim key, never stored or logged.
    victim_full_name = forms.CharField(
        label=_("Victim's full name"),
        required=False,
        max_length=200,
        help_text=_(
            "Used only to make a pseudonymous key that links repeat victims. "
            "The name itself is not stored"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    victim_date_of_birth = _date_field(
        _("Victim's date of birth"),
        required=False,
        help_text=_("Used with the name for the key, then forgotten. For example, 1980-05-17"),
    )
    contact_name = forms.CharField(label=_("Name to use"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    contact_email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    contact_notes = forms.CharField(
        label=_("Safe ways and times to get in touch"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (
            _("The record"),
            ("record_kind", "asb_qualifier", "reporting_channel", "reporter_role"),
        ),
        (_("When"), ("occurred_on", "occurred_to")),
        (_("Where"), ("council", "ward", "location_type", "location_description")),
        (
            _("What happened"),
            (
                "narrative",
                "strands",
                "strand_subcodes",
                "strand_basis",
                "incident_types",
                "typology",
                "online",
                "platform",
            ),
        ),
        (
            _("The victim"),
            (
                "victim_type",
                "victim_full_name",
                "victim_date_of_birth",
                "victim_sex",
                "victim_gender_identity",
                "victim_age_band",
                "victim_ethnicity",
                "victim_religion",
                "victim_disability",
                "victim_sexual_orientation",
            ),
        ),
        (
            _("The alleged perpetrator (a description only, never a name)"),
            (
                "suspect_count",
                "suspect_sex",
                "suspect_age_band",
                "suspect_described_ethnicity",
                "suspect_known_to_victim",
                "suspect_under_18",
            ),
        ),
        (
            _("Consent"),
            (
                "consent_to_contact",
                "consent_to_share",
                "safeguarding_override",
                "safeguarding_reason",
            ),
        ),
        (
            _("Contact details (only with consent to contact; stored encrypted)"),
            ("contact_name", "contact_phone", "contact_email", "contact_notes"),
        ),
        (_("Response"), ("police_reference", "support_outcome")),
    )

    class Meta:
        model = Incident
        fields = [*EDITABLE_FIELDS, "strands", "strand_subcodes", "incident_types"]
        labels = {
            "record_kind": _("Kind of record"),
            "asb_qualifier": _("Anti-social behaviour type"),
            "reporting_channel": _("How it was reported"),
            "reporter_role": _("Who reported it"),
            "reporting_centre": _("Reporting centre"),
            "location_type": _("Type of place"),
            "location_description": _("Where, in words (no addresses or postcodes)"),
            "narrative": _("What happened"),
            "strand_basis": _("Why these strands apply"),
            "typology": _("Kind of incident"),
            "online": _("It happened online"),
            "platform": _("Website or app"),
            "victim_type": _("Who or what was targeted"),
            "victim_sex": _("Victim's sex"),
            "victim_gender_identity": _("Victim's gender identity"),
            "victim_age_band": _("Victim's age"),
            "victim_ethnicity": _("Victim's ethnic group (their own description)"),
            "victim_religion": _("Victim's religion"),
            "victim_disability": _("Victim's disability"),
            "victim_sexual_orientation": _("Victim's sexual orientation"),
            "suspect_count": _("How many people"),
            "suspect_sex": _("Their sex"),
            "suspect_age_band": _("Their age"),
            "suspect_described_ethnicity": _("Their ethnicity, as described by others"),
            "suspect_known_to_victim": _("Known to the victim"),
            "suspect_under_18": _("Under 18"),
            "consent_to_contact": _("The person agreed to be contacted"),
            "safeguarding_override": _("Share without consent for safeguarding"),
            "safeguarding_reason": _("Safeguarding reason"),
            "police_reference": _("Police crime reference"),
            "support_outcome": _("Support given"),
        }
        widgets = {
            "record_kind": forms.RadioSelect,
            "reporter_role": forms.RadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "location_description": forms.Textarea(attrs={"rows": 2}),
            "safeguarding_reason": forms.Textarea(attrs={"rows": 2}),
            "support_outcome": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "narrative": {"required": _("Describe what happened")},
            "record_kind": {"required": _("Choose the kind of record")},
            "reporting_channel": {"required": _("Choose how it was reported")},
            "reporter_role": {"required": _("Choose who reported it")},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        self.fields["ward"].queryset = wards_for(user)  # type: ignore[attr-defined]
        self.fields["council"].queryset = councils_for(user)  # type: ignore[attr-defined]
        chosen = dict.fromkeys(("strands", "strand_subcodes", "incident_types"))
        if editing:
            chosen = {
                name: getattr(self.instance, name).values("pk")
                for name in ("strands", "strand_subcodes", "incident_types")
            }
        for name, vocabulary in (
            ("strands", Vocabulary.HATE_STRAND),
            ("strand_subcodes", Vocabulary.STRAND_SUBCODE),
            ("incident_types", Vocabulary.INCIDENT_TYPE),
        ):
            self.fields[name].queryset = _terms(vocabulary, chosen[name])  # type: ignore[attr-defined]
        for field in self.fields.values():
            choices = getattr(field, "choices", None)
            if isinstance(field, forms.TypedChoiceField) and choices and choices[0][0] == "":
                field.choices = [("", BLANK_LABEL), *choices[1:]]
        if editing:
            hint = _("Leave blank to keep the key already held")
            self.fields["victim_full_name"].help_text = hint
            for name in ("contact_name", "contact_phone", "contact_email", "contact_notes"):
                self.fields[name].help_text = _("Leave blank to keep the details already held")

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("occurred_on"), cleaned.get("occurred_to")
        if start and start > timezone.localdate():
            self.add_error("occurred_on", _("The date it happened must be today or in the past"))
        if start and end and end < start:
            self.add_error(
                "occurred_to", _("The end date must be the same as or after the date it started")
            )
        ward, council = cleaned.get("ward"), cleaned.get("council")
        if ward is not None:
            if council is not None and ward.council_id != council.pk:
                self.add_error("ward", _("Choose a ward in the council area chosen"))
            else:
                cleaned["council"] = ward.council
        elif council is None and "ward" not in self.errors:
            self.add_error("ward", _("Choose the ward where it happened"))
        kind = cleaned.get("record_kind")
        if kind == c.RecordKind.ASB and not cleaned.get("asb_qualifier"):
            self.add_error("asb_qualifier", _("Choose the type of anti-social behaviour"))
        if kind and kind != c.RecordKind.ASB and cleaned.get("asb_qualifier"):
            self.add_error("asb_qualifier", _("Only anti-social behaviour has a type"))
        strands = set(cleaned.get("strands") or [])
        for term in cleaned.get("strand_subcodes") or []:
            if term.parent_id and term.parent not in strands:
                self.add_error(
                    "strand_subcodes",
                    _("“%(sub)s” needs the strand “%(strand)s” to be selected")
                    % {"sub": term.display_label, "strand": term.parent.display_label},
                )
        if cleaned.get("safeguarding_override") and not cleaned.get("safeguarding_reason", ""):
            self.add_error("safeguarding_reason", _("Give the safeguarding reason"))
        name, born = cleaned.get("victim_full_name", ""), cleaned.get("victim_date_of_birth")
        if bool(name.strip()) != bool(born) and "victim_date_of_birth" not in self.errors:
            self.add_error(
                "victim_full_name" if not name.strip() else "victim_date_of_birth",
                _("Give both the full name and the date of birth, or neither"),
            )
        if not cleaned.get("consent_to_contact") and not self.contact().is_empty():
            self.add_error(
                "contact_name",
                _("Contact details can only be kept if the person agreed to be contacted"),
            )
        return cleaned

    # --- What the actions take ------------------------------------------------------

    def incident_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        data["consent_to_share"] = sorted(data["consent_to_share"] or [])
        for name in ("asb_qualifier", "location_type", "strand_basis", "typology"):
            data[name] = data[name] or ""
        return data

    def terms(self) -> dict[str, list[Term]]:
        return {
            name: list(self.cleaned_data[name])
            for name in ("strands", "strand_subcodes", "incident_types")
        }

    def victim_details(self) -> tuple[str, ...]:
        name = self.cleaned_data.get("victim_full_name", "").strip()
        born: dt.date | None = self.cleaned_data.get("victim_date_of_birth")
        if not name or born is None:
            return ()
        return (name, born.isoformat())

    def contact(self) -> ContactInput:
        data = getattr(self, "cleaned_data", {})
        return ContactInput(
            name=data.get("contact_name", "").strip(),
            phone=data.get("contact_phone", "").strip(),
            email=data.get("contact_email", "").strip(),
            contact_notes=data.get("contact_notes", "").strip(),
        )


class StatusForm(GovUKForm):
    to_status = forms.ChoiceField(
        label=_("New status"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the new status")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("To verify, say what you checked"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    counted_in_statistics = forms.BooleanField(
        label=_("Count it in statistics (only when verifying)"), required=False, initial=True
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = allowed  # type: ignore[attr-defined]


class ReferralForm(GovUKForm):
    referred_to = forms.ChoiceField(
        label=_("Referred to"),
        choices=[("", _("Choose")), *c.ReferralTarget.choices],
        error_messages={"required": _("Choose who it was referred to")},
    )
    referred_on = _date_field(_("Date referred"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralOutcomeForm(GovUKForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=c.ReferralOutcome.choices)
    outcome_on = _date_field(_("Date of outcome"))


class LinkForm(GovUKForm):
    reference = forms.CharField(
        label=_("Reference of the other incident"),
        max_length=30,
        help_text=_("For example, HR-7K3M-Q9PX"),
        error_messages={"required": _("Enter the other incident's reference")},
    )
    reason = forms.CharField(
        label=_("Why they are linked"),
        max_length=300,
        error_messages={"required": _("Say why they are linked")},
    )

    def clean_reference(self) -> str:
        return normalise_reference(self.cleaned_data["reference"])


def _profile_choices(codes: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Any")), *codes, (NOT_KNOWN, _("Not known or not said"))]


_SEX_CODES = [("female", _("Female")), ("male", _("Male"))]
_AGE_CODES = [(band, band) for band in ("0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")]
_ETHNICITY_CODES = [
    ("asian", _("Asian")),
    ("black", _("Black")),
    ("mixed", _("Mixed")),
    ("white", _("White")),
    ("other", _("Other")),
]
_MISSING_LABELS = {
    "ward_code": _("Ward"),
    "strands": _("Strand"),
    "victim_key": _("Victim key"),
    "victim_sex": _("Victim's sex"),
    "victim_age_band": _("Victim's age band"),
    "victim_ethnicity": _("Victim's ethnicity"),
    "suspect_sex": _("Suspect's sex"),
    "suspect_age_band": _("Suspect's age band"),
    "suspect_ethnicity": _("Suspect's described ethnicity"),
}


class IncidentFilterForm(GovUKForm):
    """Filters on the incident list; every field optional.

    The fields after `strand` ("more filters") say exactly which records lie
    behind a figure of the Strategic Intelligence Assessment, whose counts link
    here; profile groups use the assessment's codes.
    """

    date_from = _date_field(_("From"), required=False)
    date_to = _date_field(_("To"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *c.Status.choices]
    )
    record_kind = forms.ChoiceField(
        label=_("Kind of record"), required=False, choices=[("", _("Any")), *c.RecordKind.choices]
    )
    council = forms.ChoiceField(label=_("Council"), required=False)
    ward = forms.MultipleChoiceField(
        label=_("Wards"),
        help_text=_("Leave all unticked for every ward."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strand = forms.MultipleChoiceField(
        label=_("Strands"),
        help_text=_("Incidents carrying any of the ticked strands."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    and_strand = forms.ChoiceField(label=_("Also carrying the strand"), required=False)
    victim_sex = forms.ChoiceField(
        label=_("Victim's sex"), required=False, choices=_profile_choices(_SEX_CODES)
    )
    victim_age_band = forms.ChoiceField(
        label=_("Victim's age band"), required=False, choices=_profile_choices(_AGE_CODES)
    )
    victim_ethnicity = forms.ChoiceField(
        label=_("Victim's ethnicity"), required=False, choices=_profile_choices(_ETHNICITY_CODES)
    )
    suspect_sex = forms.ChoiceField(
        label=_("Suspect's sex"), required=False, choices=_profile_choices(_SEX_CODES)
    )
    suspect_age_band = forms.ChoiceField(
        label=_("Suspect's age band"), required=False, choices=_profile_choices(_AGE_CODES)
    )
    suspect_described_ethnicity = forms.ChoiceField(
        label=_("Suspect's described ethnicity"),
        required=False,
        choices=_profile_choices(_ETHNICITY_CODES),
    )
    repeat = forms.BooleanField(
        label=_("Only incidents of repeat victims (two or more incidents in the period)"),
        required=False,
    )
    missing = forms.ChoiceField(
        label=_("Missing"),
        required=False,
        choices=[("", _("Any")), *_MISSING_LABELS.items()],
    )

    BASIC = ("date_from", "date_to", "status", "record_kind", "council", "ward", "strand")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strands = [(t.code, t.display_label) for t in Term.objects.of(Vocabulary.HATE_STRAND)]
        self.fields["strand"].choices = strands  # type: ignore[attr-defined]
        self.fields["and_strand"].choices = [("", _("Any")), *strands]  # type: ignore[attr-defined]
        # By GSS code: a ward kept in two boundary generations is one choice.
        wards: dict[str, str] = {}
        councils: dict[str, str] = {}
        for ward in wards_for(user):
            wards.setdefault(ward.code, f"{ward.name} ({ward.council.name})")
            councils.setdefault(ward.council.code, ward.council.name)
        for council in councils_for(user):
            councils.setdefault(council.code, council.name)
        self.fields["ward"].choices = list(wards.items())  # type: ignore[attr-defined]
        self.fields["council"].choices = [("", _("Any")), *sorted(councils.items())]  # type: ignore[attr-defined]

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BASIC]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.BASIC]

    def more_filters_set(self) -> bool:
        """Open the "more filters" section when one of them is in use (or wrong)."""
        if not self.is_bound:
            return False
        return any(
            self.data.get(name) or name in self.errors
            for name in self.fields
            if name not in self.BASIC
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned
