"""Forms for consultations: the public response form (built from the questions),
paper entry, the consultation and question editors, themes and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.consultations.actions import MAX_TEXT
from cohesion.consultations.models import (
    RATING_LABELS,
    AccessibleFormat,
    Channel,
    Consultation,
    Outcome,
    Question,
    QuestionKind,
    Theme,
)
from cohesion.core.forms import GovUKForm
from cohesion.impact.models import ImpactAssessment
from cohesion.strategies.models import Action

DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})
DATE_ERROR = _("Enter the date as year-month-day, like 2026-11-01")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class _ActionChoices(forms.ModelMultipleChoiceField[Action]):
    def label_from_instance(self, obj: Action) -> str:
        ref = f"{obj.reference} " if obj.reference else ""
        return f"{ref}{obj.title} ({obj.strategy.title})"


class _AssessmentChoices(forms.ModelMultipleChoiceField[ImpactAssessment]):
    def label_from_instance(self, obj: ImpactAssessment) -> str:
        return f"{obj.reference}: {obj.subject}"


class ConsultationForm(GovUKForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.CharField(
        label=_("What it is about"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is being decided, and what can still change because of what people say."),
    )
    audience = forms.CharField(
        label=_("Who we want to hear from"), widget=forms.Textarea(attrs={"rows": 3})
    )
    council = forms.ModelChoiceField(label=_("Council"), queryset=Area.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Organisation running it"), queryset=Organisation.objects.none()
    )
    opens_on = forms.DateField(
        label=_("Opens on"), widget=DATE, error_messages={"invalid": DATE_ERROR}
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DATE, error_messages={"invalid": DATE_ERROR}
    )
    channels = forms.MultipleChoiceField(
        label=_("How people can respond"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to respond")},
    )
    accessible_formats = forms.MultipleChoiceField(
        label=_("Accessible formats offered"),
        choices=AccessibleFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages offered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One language on each line, for example Polish or Urdu."),
    )
    how_to_ask = forms.CharField(
        label=_("How to ask for another format or language"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a telephone number, an email address and a postal address."),
    )
    impact_assessments = _AssessmentChoices(
        label=_("Linked impact assessments"),
        queryset=ImpactAssessment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strategy_actions = _ActionChoices(
        label=_("Linked strategy actions"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        councils: QuerySet[Area],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["impact_assessments"].queryset = (  # type: ignore[attr-defined]
            ImpactAssessment.objects.filter(organisation__in=organisations).order_by("reference")
        )
        self.fields["strategy_actions"].queryset = (  # type: ignore[attr-defined]
            Action.objects.filter(strategy__council__in=councils)
            .select_related("strategy")
            .order_by("strategy__title", "reference", "title")
        )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        return {
            "title": consultation.title,
            "subject": consultation.subject,
            "audience": consultation.audience,
            "council": consultation.council,
            "organisation": consultation.organisation,
            "opens_on": consultation.opens_on,
            "closes_on": consultation.closes_on,
            "channels": consultation.channels,
            "accessible_formats": consultation.accessible_formats,
            "languages": "\n".join(consultation.languages),
            "how_to_ask": consultation.how_to_ask,
            "impact_assessments": list(consultation.impact_assessments.all()),
            "strategy_actions": list(consultation.strategy_actions.all()),
        }

    def clean_languages(self) -> list[str]:
        return _lines(self.cleaned_data.get("languages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date must be on or after the opening date"))
        return data


class QuestionForm(GovUKForm):
    text = forms.CharField(label=_("Question"), max_length=300)
    hint = forms.CharField(
        label=_("Hint (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of answer")},
    )
    choices = forms.CharField(
        label=_("Choices (for single or multiple choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One choice on each line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        return {
            "text": question.text,
            "hint": question.hint,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices = _lines(data.get("choices") or "")
        if data.get("kind") in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            if len(choices) < 2:
                self.add_error("choices", _("Give at least two choices, one on each line"))
            elif len({c.casefold() for c in choices}) != len(choices):
                self.add_error("choices", _("Each choice must be different"))
        data["choices"] = choices
        return data


class ResponseForm(GovUKForm):
    """One field per question (named q<id>), then "tell me what happened"."""

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.questions = list(consultation.questions.all())
        for q in self.questions:
            label = q.text if q.required else f"{q.text} {_('(optional)')}"
            required_msg = _("Answer the question: %(q)s") % {"q": q.text}
            common: dict[str, Any] = {
                "label": label,
                "help_text": q.hint,
                "required": q.required,
                "error_messages": {"required": required_msg},
            }
            field: forms.Field
            if q.kind == QuestionKind.FREE_TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 5}),
                    max_length=MAX_TEXT,
                    **common,
                )
                field.error_messages["max_length"] = _(
                    "Your answer must be %(n)s characters or fewer"
                ) % {"n": MAX_TEXT}
            elif q.kind == QuestionKind.SINGLE_CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common
                )
            elif q.kind == QuestionKind.MULTIPLE_CHOICE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choices],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            else:
                field = forms.TypedChoiceField(
                    choices=[(str(k), v) for k, v in RATING_LABELS.items()],
                    coerce=int,
                    widget=forms.RadioSelect,
                    **common,
                )
            setattr(field, "is_free_text", q.kind == QuestionKind.FREE_TEXT)  # noqa: B010
            self.fields[q.field_name] = field
        self.fields["wants_feedback"] = forms.BooleanField(
            label=_("Tell me what happened because of this consultation"),
            required=False,
            help_text=_(
                "We will email you once when we publish what we did. We keep your name and "
                "email only for this and then delete them."
            ),
        )
        self.fields["name"] = forms.CharField(
            label=_("Your name (optional)"), required=False, max_length=200
        )
        self.fields["email"] = forms.EmailField(
            label=_("Your email address"),
            required=False,
            help_text=_("Only if you ticked the box above."),
            error_messages={
                "invalid": _("Enter an email address in the correct format, like name@example.com")
            },
            widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def question_fields(self) -> list[forms.BoundField]:
        return [self[q.field_name] for q in self.questions]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self["wants_feedback"], self["name"], self["email"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("wants_feedback") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter your email address so we can tell you what happened"))
        if not self.errors and not self.answers():
            raise forms.ValidationError(_("Answer at least one question"))
        return data

    def answers(self) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for q in self.questions:
            value = self.cleaned_data.get(q.field_name)
            if value not in (None, "", []):
                out[q.pk] = value
        return out


class PaperResponseForm(ResponseForm):
    """Staff entering a response from an event or a paper form."""

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, consultation=consultation, **kwargs)
        self.fields["channel"] = forms.ChoiceField(
            label=_("How the response was received"),
            choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.EVENT, Channel.EVENT.label)],
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose how the response was received")},
        )
        self.fields["event_name"] = forms.CharField(
            label=_("Event (if at an event)"), required=False, max_length=200
        )
        self.fields["received_on"] = forms.DateField(
            label=_("Date received"),
            widget=DATE,
            initial=timezone.localdate,
            error_messages={"invalid": DATE_ERROR, "required": _("Enter the date received")},
        )
        self.fields["wants_feedback"].label = _("The respondent asked to be told what happened")
        self.fields["name"].label = _("Respondent's name (optional)")
        self.fields["email"].label = _("Respondent's email address")

    def entry_fields(self) -> list[forms.BoundField]:
        return [self["channel"], self["event_name"], self["received_on"]]

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future"))
        return value


class ThemeForm(GovUKForm):
    title = forms.CharField(label=_("Theme"), max_length=200)
    summary = forms.CharField(
        label=_("What people said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two in the words people used. This is published."),
    )


class _ThemeChoices(forms.ModelMultipleChoiceField[Theme]):
    def label_from_instance(self, obj: Theme) -> str:
        return obj.title


class MergeForm(GovUKForm):
    keep = forms.ModelChoiceField(
        label=_("Theme to keep"),
        queryset=Theme.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the theme to keep")},
    )
    merge = _ThemeChoices(
        label=_("Themes to merge into it"),
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one theme to merge")},
    )

    def __init__(self, *args: Any, themes: QuerySet[Theme], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = themes  # type: ignore[attr-defined]
        self.fields["merge"].queryset = themes  # type: ignore[attr-defined]
        self.fields["keep"].label_from_instance = lambda t: t.title  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keep, merge = data.get("keep"), data.get("merge")
        if keep and merge and all(t.pk == keep.pk for t in merge):
            self.add_error("merge", _("Choose a theme other than the one to keep"))
        return data


class TagForm(GovUKForm):
    themes = _ThemeChoices(
        label=_("Themes this response raises"),
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, themes: QuerySet[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes  # type: ignore[attr-defined]


class AnswerForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("Did anything change?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether anything changed")},
    )
    we_did = forms.CharField(
        label=_("We did"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What changed because of what people said, or why it did not. This is published."
        ),
        error_messages={"required": _("Say what changed, or why nothing did")},
    )
