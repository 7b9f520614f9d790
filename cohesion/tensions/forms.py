"""Forms for tension intelligence, rumour verification, counter-narratives and assessments.

Every choice of area is limited to the person's scope, and every list of items
to those they may see, so a form can never be used to attach a record to
somewhere (or something) the person does not cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.tensions import choices as c
from cohesion.tensions import queries
from cohesion.tensions.access import items_visible_to
from cohesion.tensions.models import (
    AssessmentAction,
    CounterNarrative,
    IntelligenceItem,
    TensionAssessment,
    TensionLevel,
)
from cohesion.vocabularies.models import Term, Vocabulary

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise


NO_PERSONAL_DATA = _(
    "Describe events, places and communities. Do not enter names or other details "
    "of individual people: intelligence is not a file on anyone."
)


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


class WardLabel(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class AreaChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Area) -> str:
        if obj.level == AreaLevel.LAD:
            return str(_("%(name)s (whole council)") % {"name": obj.name})
        return f"{obj.name} ({obj.council.name if obj.council else ''})"


class TermChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Term) -> str:
        return obj.display_label


def communities_queryset() -> Any:
    return (
        Term.objects.filter(vocabulary__in=[Vocabulary.HATE_STRAND, Vocabulary.STRAND_SUBCODE])
        .current()
        .order_by("vocabulary", "sort_order", "code")
    )


class IntelligenceForm(GovUKModelForm):
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=Area.objects.none(), empty_label=_("Choose a council")
    )
    wards = WardLabel(
        label=_("Wards affected"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if it affects the whole council."),
    )
    communities = TermChoice(
        label=_("Communities affected"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    occurred_on = date_field(_("When it happened or was reported"))
    event_date = date_field(_("Event date"), required=False)

    class Meta:
        model = IntelligenceItem
        fields = [
            "item_type",
            "grading",
            "title",
            "summary",
            "occurred_on",
            "source_type",
            "source_reliability",
            "information_credibility",
            "handling",
            "council",
            "wards",
            "communities",
            "online",
            "platform",
            "event_date",
            "organiser_type",
            "expected_attendance",
            "counter_event_expected",
            "police_operation_ref",
            "cia_required",
        ]
        widgets = {
            "item_type": forms.RadioSelect,
            "grading": forms.RadioSelect,
            "source_reliability": forms.RadioSelect,
            "information_credibility": forms.RadioSelect,
            "handling": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "item_type": _("Type of intelligence"),
            "grading": _("Grading"),
            "title": _("Title"),
            "summary": _("What is known"),
            "source_type": _("Source"),
            "source_reliability": _("How reliable is the source?"),
            "information_credibility": _("How credible is the information?"),
            "handling": _("Handling"),
            "online": _("This happened online"),
            "platform": _("Platform or website"),
            "organiser_type": _("Who is organising it"),
            "expected_attendance": _("Expected attendance"),
            "counter_event_expected": _("A counter-event is expected"),
            "police_operation_ref": _("Police operation reference"),
            "cia_required": _("A community impact assessment is required"),
        }
        help_texts = {
            "grading": _(
                "Evidenced: measurable events such as crimes, graffiti or protests that took "
                "place. Experienced: what communities report feeling. Potential: anticipated "
                "triggers."
            ),
            "summary": NO_PERSONAL_DATA,
            "handling": _("Most tension intelligence is OFFICIAL-SENSITIVE."),
        }
        error_messages = {
            "item_type": {"required": _("Choose the type of intelligence")},
            "grading": {"required": _("Choose a grading: evidenced, experienced or potential")},
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Say what is known")},
            "source_type": {"required": _("Choose the source")},
            "source_reliability": {"required": _("Choose how reliable the source is")},
            "information_credibility": {"required": _("Choose how credible the information is")},
            "handling": {"required": _("Choose a handling level")},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["council"].queryset = queries.councils_in_scope(user)  # type: ignore[attr-defined]
        self.fields["wards"].queryset = queries.wards_in_scope(user)  # type: ignore[attr-defined]
        self.fields["communities"].queryset = communities_queryset()  # type: ignore[attr-defined]
        self.fields["source_type"].choices = [("", _("Choose a source")), *c.SourceType.choices]  # type: ignore[attr-defined]
        self.fields["organiser_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Not known or not an event")),
            *c.OrganiserType.choices,
        ]
        self.fields["title"].help_text = _("A short description, without names of people.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        council = cleaned.get("council")
        wards = list(cleaned.get("wards") or [])
        if council is not None:
            outside = [w.name for w in wards if w.council_id != council.pk]
            if outside:
                self.add_error(
                    "wards",
                    _("%(wards)s is not in %(council)s")
                    % {"wards": ", ".join(outside), "council": council.name},
                )
            elif (
                not wards
                and not queries.whole_councils_in_scope(self.user).filter(pk=council.pk).exists()
            ):
                # Otherwise the item would fall outside the recorder's own scope.
                self.add_error("wards", _("Choose the wards affected: you cover only some wards"))
        if cleaned.get("item_type") == c.ItemType.PLANNED_EVENT:
            if not cleaned.get("event_date"):
                self.add_error("event_date", _("Enter the date of the planned event"))
        else:
            # Event details only mean something for planned events.
            cleaned["event_date"] = None
            cleaned["organiser_type"] = ""
            cleaned["expected_attendance"] = None
            cleaned["counter_event_expected"] = False
            cleaned["police_operation_ref"] = ""
            cleaned["cia_required"] = False
        if not cleaned.get("online"):
            cleaned["platform"] = ""
        return cleaned


class IntelligenceFilterForm(GovUKForm):
    item_type = forms.ChoiceField(label=_("Type"), required=False)
    grading = forms.ChoiceField(label=_("Grading"), required=False)
    ward = forms.ModelChoiceField(
        label=_("Ward"), queryset=Area.objects.none(), required=False, empty_label=_("Any ward")
    )
    verification_status = forms.ChoiceField(label=_("Rumour verification"), required=False)
    date_from = date_field(_("From"), required=False)
    date_to = date_field(_("To"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", _("Any type")), *c.ItemType.choices]  # type: ignore[attr-defined]
        self.fields["grading"].choices = [("", _("Any grading")), *c.Grading.choices]  # type: ignore[attr-defined]
        self.fields["verification_status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any status")),
            *c.Verification.choices,
        ]
        self.fields["ward"].queryset = queries.wards_in_scope(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned


class VerificationForm(GovUKModelForm):
    class Meta:
        model = IntelligenceItem
        fields = ["verification_status", "verification_note"]
        widgets = {
            "verification_status": forms.RadioSelect,
            "verification_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "verification_status": _("Is the rumour true?"),
            "verification_note": _("How you know (corroboration)"),
        }
        error_messages = {"verification_status": {"required": _("Choose a verification status")}}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("verification_status")
        if (
            status in (c.Verification.VERIFIED, c.Verification.FALSE)
            and not (cleaned.get("verification_note") or "").strip()
        ):
            self.add_error(
                "verification_note", _("Say how the rumour was shown to be true or false")
            )
        return cleaned


class CounterNarrativeForm(GovUKModelForm):
    issued_on = date_field(_("Date"))

    class Meta:
        model = CounterNarrative
        fields = ["message", "channel", "where", "issued_on"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "message": _("What was said"),
            "channel": _("Channel"),
            "where": _("Where"),
        }
        help_texts = {
            "channel": _("For example, community meeting, Facebook post, leaflet, radio"),
            "where": _("A place, group or page, without names of people"),
        }
        error_messages = {
            "message": {"required": _("Enter what was said")},
            "channel": {"required": _("Enter the channel")},
        }


class AssessmentForm(GovUKModelForm):
    area = AreaChoice(
        label=_("Area"), queryset=Area.objects.none(), empty_label=_("Choose an area")
    )
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    next_review_on = date_field(_("Next review"))
    level = forms.TypedChoiceField(
        label=_("Tension level"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a tension level")},
    )
    linked_items = forms.ModelMultipleChoiceField(
        label=_("Intelligence that supports this assessment"),
        queryset=IntelligenceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communities = TermChoice(
        label=_("Communities affected"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TensionAssessment
        fields = [
            "area",
            "neighbourhood",
            "period_start",
            "period_end",
            "assessment_type",
            "level",
            "trend",
            "confidence",
            "evidenced_summary",
            "experienced_summary",
            "potential_triggers",
            "linked_items",
            "communities",
            "next_review_on",
        ]
        widgets = {
            "assessment_type": forms.RadioSelect,
            "trend": forms.RadioSelect,
            "confidence": forms.RadioSelect,
            "evidenced_summary": forms.Textarea(attrs={"rows": 4}),
            "experienced_summary": forms.Textarea(attrs={"rows": 4}),
            "potential_triggers": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "neighbourhood": _("Neighbourhood (optional)"),
            "assessment_type": _("Type of assessment"),
            "trend": _("Trend"),
            "confidence": _("Confidence"),
            "evidenced_summary": _("Evidenced"),
            "experienced_summary": _("Experienced"),
            "potential_triggers": _("Potential triggers"),
        }
        help_texts = {
            "neighbourhood": _(
                "If the assessment is about part of a ward, name the neighbourhood."
            ),
            "evidenced_summary": _(
                "Measurable events in the period: incidents, crimes, graffiti, protests."
            ),
            "experienced_summary": _("What communities report feeling or perceiving."),
            "potential_triggers": _(
                "Anticipated events: marches, anniversaries, verdicts, international events."
            ),
        }
        error_messages = {
            "trend": {"required": _("Choose a trend")},
            "confidence": {"required": _("Choose a confidence")},
            "assessment_type": {"required": _("Choose the type of assessment")},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wards = queries.wards_in_scope(user).values("id")
        councils = queries.whole_councils_in_scope(user).values("id")
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            Area.objects.filter(Q(id__in=wards) | Q(id__in=councils))
            .select_related("council")
            .order_by("level", "name")
        )
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (level.value, f"{level.value} {level.label}: {level.descriptor}")
            for level in TensionLevel.objects.all()
        ]
        recent = (
            items_visible_to(user)
            .order_by("-occurred_on", "-id")
            .values_list("id", flat=True)[:100]
        )
        self.fields["linked_items"].queryset = IntelligenceItem.objects.filter(  # type: ignore[attr-defined]
            id__in=list(recent)
        ).order_by("-occurred_on", "-id")
        self.fields["communities"].queryset = communities_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after the day it starts"))
        review = cleaned.get("next_review_on")
        if start and review and review < start:
            self.add_error(
                "next_review_on", _("The next review must be on or after the period start")
            )
        return cleaned


class AssessmentActionForm(GovUKModelForm):
    due_on = date_field(_("Due date"))

    class Meta:
        model = AssessmentAction
        fields = ["description", "owner_organisation", "owner_name", "due_on"]
        labels = {
            "description": _("Action"),
            "owner_organisation": _("Owner organisation"),
            "owner_name": _("Owner"),
        }
        help_texts = {"owner_name": _("The lead officer or team responsible")}
        error_messages = {
            "description": {"required": _("Describe the action")},
            "owner_organisation": {"required": _("Choose the organisation that owns the action")},
            "owner_name": {"required": _("Enter who owns the action")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner_organisation"].empty_label = _("Choose an organisation")  # type: ignore[attr-defined]
