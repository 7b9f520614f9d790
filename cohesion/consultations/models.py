"""Consultations: questions, responses by channel, themes and "you said, we did" answers.

A consultation belongs to a council area and an owner organisation. Its
questions are data (free text, single or multiple choice, rating 1-5). Every
response records its channel (online, or entered by staff from an event or a
paper form). A respondent who ticks "tell me what happened" leaves a name and
email in `ResponseContact`, encrypted at rest and deleted by retention
(`cohesion.consultations.retention`); nobody else's contact details are kept.

Staff group responses into themes; each theme gets one answer ("you said, we
did"). Publishing answers makes an `AnswerPublication`, and every contributor
who asked to be told gets one email per publication (`FeedbackNotification`,
unique per publication and email address, so never twice).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.lib.crypto import EncryptedTextField


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ANSWERED = "answered", _("Answered")


class AccessibleFormat(models.TextChoices):
    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    AUDIO = "audio", _("Audio")
    BSL = "bsl", _("British Sign Language (BSL) video")
    BRAILLE = "braille", _("Braille")
    PAPER = "paper", _("Paper copy by post")
    TELEPHONE = "telephone", _("Answer by telephone")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    EVENT = "event", _("At an event")
    PAPER = "paper", _("Paper form")


class QuestionKind(models.TextChoices):
    FREE_TEXT = "free_text", _("Free text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    RATING = "rating", _("Rating from 1 to 5")


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
COUNTED_KINDS = (*CHOICE_KINDS, QuestionKind.RATING)
RATING_LABELS = {
    1: _("1: very poor"),
    2: _("2: poor"),
    3: _("3: neither good nor poor"),
    4: _("4: good"),
    5: _("5: very good"),
}


class Outcome(models.TextChoices):
    CHANGED = "changed", _("Changed")
    PARTLY = "partly", _("Partly changed")
    NOT_CHANGED = "not_changed", _("Not changed")


class Consultation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="consultations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(max_length=200)
    subject = models.TextField(help_text="What the consultation is about and what can change.")
    audience = models.TextField(help_text="Who we want to hear from.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    accessible_formats = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    how_to_ask = models.TextField(
        blank=True, help_text="How to ask for another format or language, or to answer by post."
    )
    impact_assessments = models.ManyToManyField(
        "impact.ImpactAssessment", blank=True, related_name="consultations"
    )
    strategy_actions = models.ManyToManyField(
        "strategies.Action", blank=True, related_name="consultations"
    )
    answers_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultations_consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answers_published_at__isnull=False),
                name="consultations_consultation_answered_has_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != Status.DRAFT

    @property
    def accepts_responses(self) -> bool:
        return self.status == Status.OPEN

    def format_labels(self) -> list[str]:
        known = dict(AccessibleFormat.choices)
        return [str(known.get(code, code)) for code in self.accessible_formats]

    def channel_labels(self) -> list[str]:
        known = dict(Channel.choices)
        return [str(known.get(code, code)) for code in self.channels]


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    hint = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Response(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_name = models.CharField(max_length=200, blank=True)
    wants_feedback = models.BooleanField(default=False)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def organisation(self) -> Organisation:
        return self.consultation.organisation


class ResponseContact(models.Model):
    """How to tell a respondent what happened: kept only if they asked. Encrypted."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="contact")
    name = EncryptedTextField(blank=True)
    email = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Contact for response {self.response_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="consultations_answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="consultations_answer_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.response_id}"


class Theme(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What people said, in a sentence or two.")
    responses = models.ManyToManyField(Response, blank=True, related_name="themes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "title"], name="consultations_theme_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        return self.consultation.organisation


class ThemeAnswer(models.Model):
    """ "You said, we did": what changed because of a theme, or why not."""

    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, related_name="answer")
    we_did = models.TextField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Answer to {self.theme_id}"


class AnswerPublication(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="publications"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    themes_answered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self) -> str:
        return f"Publication {self.pk} of {self.consultation_id}"


class FeedbackNotification(models.Model):
    """One contributor told about one publication (by a keyed hash of their address)."""

    publication = models.ForeignKey(
        AnswerPublication, on_delete=models.CASCADE, related_name="notifications"
    )
    response = models.ForeignKey(
        Response, null=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    email_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "email_hash"],
                name="consultations_feedbacknotification_once_per_publication",
            )
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


class SubmissionLog(models.Model):
    """Online responses per keyed hash of the client address, for the rate limit only."""

    client_hash = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Submission at {self.submitted_at}"
