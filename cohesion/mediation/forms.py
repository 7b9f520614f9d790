"""Forms for mediation cases. Parties are organisations or described groups, never people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm, GovUKModelForm
from cohesion.mediation.models import MediationCase, MediationParty, MediationSession, Outcome
from cohesion.tensions import queries
from cohesion.tensions.forms import AreaChoice, date_field


class MediatorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}{f' ({obj.job_title})' if obj.job_title else ''}"


class CaseForm(GovUKModelForm):
    area = AreaChoice(
        label=_("Area"), queryset=Area.objects.none(), empty_label=_("Choose an area")
    )
    mediator = MediatorChoice(
        label=_("Mediator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not yet assigned"),
    )
    opened_on = date_field(_("Opened on"))

    class Meta:
        model = MediationCase
        fields = ["title", "summary", "area", "mediator", "opened_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        labels = {"title": _("Title"), "summary": _("What the dispute is about")}
        help_texts = {
            "title": _("For example, noise and parking dispute between two housing blocks"),
            "summary": _(
                "Describe the groups and the issue. Do not name individuals or give details "
                "that identify them."
            ),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Say what the dispute is about")},
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
        people = User.objects.filter(is_active=True)
        people = (
            people.filter(organisation_id=user.organisation_id)
            if user.organisation_id
            else people.filter(pk=user.pk)
        )
        self.fields["mediator"].queryset = people.order_by("last_name", "first_name")  # type: ignore[attr-defined]


class PartyForm(GovUKModelForm):
    class Meta:
        model = MediationParty
        fields = ["kind", "organisation", "description"]
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "kind": _("Who is the party?"),
            "organisation": _("Organisation (from the directory)"),
            "description": _("Community group"),
        }
        help_texts = {
            "description": _(
                "Describe the group, do not name individuals: for example, "
                "residents of the tower block on Elm Street."
            ),
        }
        error_messages = {"kind": {"required": _("Choose an organisation or a community group")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["organisation"].empty_label = _("Choose an organisation")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == "organisation":
            if not cleaned.get("organisation"):
                self.add_error("organisation", _("Choose the organisation"))
            cleaned["description"] = ""
        elif kind == "community_group":
            if not (cleaned.get("description") or "").strip():
                self.add_error("description", _("Describe the community group"))
            cleaned["organisation"] = None
        return cleaned


class SessionForm(GovUKModelForm):
    held_on = date_field(_("Date of the session"))

    class Meta:
        model = MediationSession
        fields = ["held_on", "venue", "attendees", "notes", "next_steps"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "venue": _("Venue"),
            "attendees": _("Number of people attending"),
            "notes": _("Notes"),
            "next_steps": _("Next steps"),
        }
        help_texts = {"notes": _("What was discussed and agreed, without naming individuals.")}
        error_messages = {
            "attendees": {"invalid": _("Enter the number of people as a whole number")}
        }


class CloseForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome")},
    )
    outcome_note = forms.CharField(
        label=_("Note on the outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closed_on = date_field(_("Closed on"))
