"""Cohesion and equality impact assessments, the departments that own them and the question bank.

An assessment of a policy, service, procedure or strategy has a screening
decision, answers to the question bank's principles with evidence, the
equality matrix (nine protected characteristics by the three aims of the
public sector equality duty), a cohesion part and an action plan. A second
person signs it off; from then on it is the record of due regard and never
changes: migration 0002 adds database triggers that refuse any change to a
signed-off assessment or its parts, and a revision is a new row (`version`
+ 1, `previous` pointing back, the same `series`).

Questions are data (`QuestionBank` → `Principle` → `Question`,
`SuggestedAction`). A bank is editable while it is a draft and fixed once
published, so every assessment keeps the exact wording it answered.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.impact import choices as c


class Department(models.Model):
    """A team or service area within an organisation; it owns assessments.

    Membership is what lets a person see the department's drafts: least
    privilege inside one council, so Housing's draft is not Libraries' business
    until Housing shares it.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(max_length=150)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="impact_departments"
    )
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="%(app_label)s_%(class)s_name_unique_in_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionBank(models.Model):
    """One version of the questions. `organisation` empty: the default for everyone."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    source = models.TextField(blank=True, help_text="Where the wording comes from.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "-version"]
        constraints = [
            # NULL never equals NULL in a unique index, so the default series needs its own.
            models.UniqueConstraint(
                fields=["organisation", "version"],
                condition=Q(organisation__isnull=False),
                name="%(app_label)s_%(class)s_version_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(organisation__isnull=True),
                name="%(app_label)s_%(class)s_default_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Principle(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    # The due-regard check asks for recorded consultation where a principle expects it
    # (the seed's principle 5: "Have you consulted key groups of stakeholders?").
    expects_consultation = models.BooleanField(default=False)

    class Meta:
        ordering = ["bank", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "number"], name="%(app_label)s_%(class)s_number_unique_in_bank"
            ),
        ]

    def __str__(self) -> str:
        return f"Principle {self.number}: {self.title}"


class Question(models.Model):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    # As numbered in the source, e.g. "i", so versions can be compared question by question.
    code = models.CharField(max_length=10)
    text = models.TextField()
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["principle", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["principle", "code"],
                name="%(app_label)s_%(class)s_code_unique_in_principle",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SuggestedAction(models.Model):
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="suggested_actions"
    )
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["principle", "order"]

    def __str__(self) -> str:
        return self.text


class ImpactAssessmentQuerySet(models.QuerySet["ImpactAssessment"]):
    def latest_versions(self) -> ImpactAssessmentQuerySet:
        """Only the newest version in each series (in this queryset)."""
        newer = self.filter(
            series=models.OuterRef("series"), version__gt=models.OuterRef("version")
        )
        return self.exclude(models.Exists(newer))


class ImpactAssessment(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    # Every version of one assessment shares a series; `previous` is the version it revises.
    series = models.UUIDField(default=uuid4, db_index=True)
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assessments")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="assessments")

    subject = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=c.Kind.choices)
    proposal = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision_maker = models.CharField(max_length=200, blank=True)
    decision_maker_role = models.CharField(max_length=200, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=c.Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    wards = models.ManyToManyField(Area, blank=True, related_name="+")

    status = models.CharField(max_length=10, choices=c.Status.choices, default=c.Status.DRAFT)
    shared_with = models.ManyToManyField(Department, blank=True, related_name="shared_assessments")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_note = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_off_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_summary = models.TextField(blank=True)

    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImpactAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "version"], name="%(app_label)s_%(class)s_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version=1, previous__isnull=True)
                | Q(version__gt=1, previous__isnull=False),
                name="%(app_label)s_%(class)s_revision_has_previous",
            ),
            # Four eyes: whoever signs off is not the owner, the author or the submitter.
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("owner")),
                name="%(app_label)s_%(class)s_signed_off_by_not_owner",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(signed_off_by=F("submitted_by")),
                name="%(app_label)s_%(class)s_signed_off_by_not_submitter",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("created_by")),
                name="%(app_label)s_%(class)s_signed_off_by_not_author",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=c.FINAL)
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="%(app_label)s_%(class)s_final_is_signed_off",
            ),
            models.CheckConstraint(
                condition=~Q(status=c.Status.PUBLISHED)
                | (Q(published_at__isnull=False) & ~Q(public_summary="")),
                name="%(app_label)s_%(class)s_published_has_summary",
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(review_date__gt=F("decision_date")),
                name="%(app_label)s_%(class)s_review_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject} (version {self.version})"

    @property
    def is_final(self) -> bool:
        return self.status in c.FINAL

    @property
    def is_draft(self) -> bool:
        return self.status == c.Status.DRAFT


class ScreeningAnswer(models.Model):
    """Stage 0: is a full assessment needed, and why (proportionality)."""

    assessment = models.OneToOneField(
        ImpactAssessment, on_delete=models.CASCADE, related_name="screening"
    )
    full_assessment_needed = models.BooleanField()
    reason = models.TextField()

    def __str__(self) -> str:
        return "Full assessment needed" if self.full_assessment_needed else "Screened out"


class PrincipleAnswer(models.Model):
    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="principle_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["question__principle__number", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                name="%(app_label)s_%(class)s_one_answer_per_question",
            ),
        ]

    def __str__(self) -> str:
        return self.answer[:60]


class Evidence(models.Model):
    """A document, data source or consultation relied on, with its date."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="evidence"
    )
    principle = models.ForeignKey(
        Principle, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=c.EvidenceKind.choices)
    title = models.CharField(max_length=300)
    link = models.URLField(max_length=500, blank=True)
    # Blank is allowed while drafting; the due-regard check asks for it before sign-off.
    dated = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Undated first on every database (PostgreSQL would put NULLs last, SQLite first).
        ordering = [F("dated").asc(nulls_first=True), "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class EqualityImpact(models.Model):
    """One cell of the matrix: a protected characteristic under one aim of the duty."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="equality_impacts"
    )
    characteristic = models.CharField(max_length=30, choices=c.Characteristic.choices)
    aim = models.CharField(max_length=1, choices=c.Aim.choices)
    impact = models.CharField(max_length=10, choices=c.Impact.choices)
    evidence = models.TextField(blank=True)
    mitigation = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "characteristic", "aim"],
                name="%(app_label)s_%(class)s_one_cell_per_characteristic_and_aim",
            ),
            models.CheckConstraint(
                condition=~Q(characteristic=c.Characteristic.MARRIAGE) | Q(aim=c.Aim.ELIMINATE),
                name="%(app_label)s_%(class)s_marriage_only_under_aim_a",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_characteristic_display()} ({self.aim}): {self.get_impact_display()}"


class CohesionAnswer(models.Model):
    """The cohesion part: one likely effect per topic, with evidence and mitigation."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="cohesion_answers"
    )
    topic = models.CharField(max_length=15, choices=c.CohesionTopic.choices)
    impact = models.CharField(max_length=10, choices=c.Impact.choices)
    effect = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    mitigation = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "topic"], name="%(app_label)s_%(class)s_one_per_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.get_impact_display()}"


class ActionItem(models.Model):
    """An action the assessment commits to, with an owner and a due date.

    Completion is monitoring, not a change to what was assessed: it is the one
    thing that can still be recorded after sign-off (the database allows only
    `completed_on`, `completed_by` and the strategy link to change then).
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.TextField()
    owner_name = models.CharField(max_length=200)
    due_on = models.DateField()
    suggested_action = models.ForeignKey(
        SuggestedAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Feeds the strategy's action plan when the work is tracked there too.
    strategy_action = models.ForeignKey(
        "strategies.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class ReviewReminder(models.Model):
    """One reminder per assessment and review date, so a daily run never repeats it."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="reminders"
    )
    review_date = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "review_date"],
                name="%(app_label)s_%(class)s_once_per_review_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.reference} review {self.review_date}"
