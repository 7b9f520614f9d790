"""Strategies (or charters, frameworks), their objectives, action plans and actions.

The shape follows Decidim's accountability model (results with weights and a
progress roll-up, milestones, one CSV format both ways) and UK council
performance-reporting conventions (status before RAG, red needs a corrective
action, six-monthly review points with direction of travel). Every change to an
action is kept as a dated `ActionUpdate` by a person; review points snapshot
every action so reports can compare periods.

The rules an action must satisfy are in `rules.py` (plain Python, shared by
forms, the importer and the API) and repeated here as database constraints so
nothing can slip past them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.strategies import choices as c


def _weight_field() -> models.DecimalField[Decimal, Decimal]:
    """Weight in the progress roll-up: the parent is the weighted mean of its children."""
    return models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )


class Strategy(models.Model):
    """A strategy, charter or framework owned by one organisation (usually the council)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=c.StrategyKind.choices)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="strategies")
    council = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="strategies"
    )
    vision = models.TextField(blank=True)
    purpose = models.TextField(blank=True, help_text="Statement of purpose or introduction.")
    # What the seed calls its objectives ("Objective", "Activity", "Commitment", "Priority").
    objective_label = models.CharField(max_length=40, default="Objective")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # Months between review points (six-monthly by default; some councils review quarterly).
    review_interval_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    # Suggested RAG for an action in progress: percentage points behind the progress
    # expected from elapsed time. Councils set their own meanings.
    rag_amber_behind = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(100)]
    )
    rag_red_behind = models.PositiveSmallIntegerField(
        default=25, validators=[MaxValueValidator(100)]
    )
    # Days before a review point when leads of actions without an update are reminded.
    reminder_days_before = models.PositiveSmallIntegerField(default=14)
    is_published = models.BooleanField(
        default=False, help_text="Shown on the public pages (no internal commentary)."
    )
    template = models.CharField(max_length=60, blank=True, help_text="Template it was loaded from.")
    source = models.CharField(max_length=300, blank=True, help_text="Document it comes from.")
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(rag_red_behind__gte=F("rag_amber_behind")),
                name="strategy_red_threshold_beyond_amber",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="strategy_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    """One of the strategy's aims, values or principles, in the seed's own words."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=12, choices=c.StatementKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["strategy", "kind", "order"]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class Objective(models.Model):
    """What the strategy sets out to achieve; actions are tagged to the ones they serve."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20, help_text="As numbered in the strategy, e.g. 3.")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    weight = _weight_field()

    class Meta:
        ordering = ["strategy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="objective_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Commitment(models.Model):
    """One point of a framework's commitment that partners sign up to (Sheffield's 8 points)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="commitment_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Signatory(models.Model):
    """An organisation that signed up to the framework's commitment: who, in what role, when."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signed_strategies"
    )
    signed_by = models.CharField(max_length=200)
    signed_by_role = models.CharField(max_length=200)
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["strategy", "signed_on", "organisation__name"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "organisation"], name="signatory_once_per_strategy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.signed_on})"


class ActionPlan(models.Model):
    """A yearly plan of actions under a strategy, held by the owner or by one partner."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="plans")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "-starts_on", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="plan_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class LeadershipGroup(models.Model):
    """The board or leadership group that steers the strategy (the Charter's remit)."""

    strategy = models.OneToOneField(
        Strategy, on_delete=models.CASCADE, related_name="leadership_group"
    )
    name = models.CharField(max_length=200)
    remit = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(LeadershipGroup, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=12, choices=c.MemberRole.choices, default=c.MemberRole.MEMBER
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "role", "name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(LeadershipGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    attendees = models.ManyToManyField(GroupMember, blank=True, related_name="meetings")

    class Meta:
        ordering = ["group", "-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Action(models.Model):
    """One action: who leads it, when, how far it has got and how it is going.

    `version` rises with every update so two people editing at once cannot
    silently overwrite each other (the second is told and keeps what they typed).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    # Denormalised from the plan so queries by strategy stay one join away.
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=30, blank=True, help_text="As numbered in the plan.")
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lead_name = models.CharField(max_length=200, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        help_text="The lead's account, if they have one: reminders go to it.",
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="actions")
    from_decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=c.Status.choices, default=c.Status.NOT_STARTED)
    rag = models.CharField(max_length=6, choices=c.Rag.choices, blank=True)
    forecast_rag = models.CharField(max_length=6, choices=c.Rag.choices, blank=True)
    commentary = models.TextField(blank=True)
    corrective_action = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    completed_on = models.DateField(null=True, blank=True)
    weight = _weight_field()
    # Public view: what has been done, in words fit for residents.
    public_summary = models.TextField(blank=True)
    commentary_is_public = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_update_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["strategy", "plan", "reference", "pk"]
        indexes = [models.Index(fields=["strategy", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="action_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(rag="") | Q(status=c.Status.IN_PROGRESS),
                name="action_rag_only_in_progress",
            ),
            models.CheckConstraint(
                condition=~Q(rag=c.Rag.RED) | ~Q(corrective_action=""),
                name="action_red_needs_corrective_action",
            ),
            models.CheckConstraint(
                condition=~Q(status=c.Status.COMPLETE) | Q(completed_on__isnull=False),
                name="action_complete_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(due_on__gte=F("starts_on")),
                name="action_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["action", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """A dated change to an action by a person: the action's history, never edited."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the history must still say who after an account is removed.
    made_by_name = models.CharField(max_length=200)
    made_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=c.UpdateChannel.choices)
    status = models.CharField(max_length=12, choices=c.Status.choices)
    rag = models.CharField(max_length=6, choices=c.Rag.choices, blank=True)
    progress = models.PositiveSmallIntegerField()
    commentary = models.TextField(blank=True)
    corrective_action = models.TextField(blank=True)
    # Field name -> [before, after] for everything this update changed.
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["action", "-made_at", "-pk"]
        indexes = [models.Index(fields=["action", "made_at"])]

    def __str__(self) -> str:
        return f"{self.made_by_name} {self.made_at:%Y-%m-%d}"


class ReviewPoint(models.Model):
    """A review (six-monthly by default): every action's status and RAG, frozen."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reviews")
    title = models.CharField(max_length=200)
    review_on = models.DateField()
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["strategy", "-review_on"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "review_on"], name="review_once_per_date")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_taken(self) -> bool:
        return self.taken_at is not None


class ReviewSnapshot(models.Model):
    review = models.ForeignKey(ReviewPoint, on_delete=models.CASCADE, related_name="snapshots")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="snapshots")
    status = models.CharField(max_length=12, choices=c.Status.choices)
    rag = models.CharField(max_length=6, choices=c.Rag.choices, blank=True)
    progress = models.PositiveSmallIntegerField()
    commentary = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "action"], name="snapshot_once_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.action_id}"


class ReminderSent(models.Model):
    """A lead was reminded before a review point: kept so each lead is mailed once per review."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reminders")
    review_on = models.DateField()
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strategy_reminders"
    )
    sent_at = models.DateTimeField()
    actions = models.PositiveIntegerField(help_text="How many actions the reminder listed.")

    class Meta:
        ordering = ["strategy", "-review_on", "lead"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "review_on", "lead"], name="reminder_once_per_review_and_lead"
            )
        ]

    def __str__(self) -> str:
        return f"{self.strategy} {self.review_on} {self.lead_id}"
