"""Small grants: a fund (the pot) runs calls (rounds) with questions and assessment
criteria; community groups apply; staff screen, assessors score, a panel decides;
approved grants are paid and monitored, then closed.

The workflow follows Hypha's single-stage states (standards §5); the transitions
and who may make them are in `workflow.py`, and every change goes through
`actions.py`. The fund's budget invariant (0 <= committed <= budget) is a database
constraint, and approvals increment `committed` with a conditional UPDATE.

Everything the 360Giving export needs is stored here, so the export is a pure
function of the data (standards §2.5).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area


class Fund(models.Model):
    """A council's grant pot, e.g. Sheffield's £30,000 prevention and cohesion fund."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="grant_funds",
        limit_choices_to={"level": "lad"},
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grant_funds")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    budget = models.DecimalField("Budget (£)", max_digits=12, decimal_places=2)
    # Sum of amounts awarded; only `actions.decide` (conditional UPDATE) changes it.
    committed = models.DecimalField(
        "Committed (£)", default=Decimal(0), max_digits=12, decimal_places=2
    )
    minimum_award = models.DecimalField(
        "Minimum award (£)", default=Decimal(0), max_digits=12, decimal_places=2
    )
    maximum_award = models.DecimalField("Maximum award (£)", max_digits=12, decimal_places=2)
    # The screening checklist: a list of short statements, e.g. "Based in Sheffield".
    eligibility_rules = models.JSONField(default=list, blank=True)
    objectives = models.ManyToManyField(
        "strategies.Objective", blank=True, related_name="grant_funds"
    )
    # 360Giving grantProgramme code (title is the fund's name).
    programme_code = models.CharField(max_length=60, blank=True)
    # Prefix of application references, e.g. "SHF" gives SHF-2026-0042.
    reference_prefix = models.CharField(max_length=10, default="GRANT")
    # Blank means settings.THREESIXTYGIVING_FUNDER_ID / _NAME.
    funder_identifier = models.CharField(max_length=100, blank=True)
    funder_name = models.CharField(max_length=200, blank=True)
    # Whether this fund's awarded grants are published as 360Giving data.
    is_published = models.BooleanField(default=False)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("budget")),
                name="%(app_label)s_%(class)s_committed_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(maximum_award__lte=F("budget")),
                name="%(app_label)s_%(class)s_maximum_award_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(minimum_award__gte=0) & Q(minimum_award__lte=F("maximum_award")),
                name="%(app_label)s_%(class)s_minimum_award_within_maximum",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> Organisation:
        return self.owner

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    @property
    def funder_id(self) -> str:
        return self.funder_identifier or str(settings.THREESIXTYGIVING_FUNDER_ID)

    @property
    def funder_display_name(self) -> str:
        return self.funder_name or str(settings.THREESIXTYGIVING_FUNDER_NAME)


class Call(models.Model):
    """One round of a fund, open between two dates."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    guidance = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        return self.fund.owner

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class QuestionKind(models.TextChoices):
    TEXT = "text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    NUMBER = "number", "Number"
    CHOICE = "choice", "Choice"


class CallQuestion(models.Model):
    """A question of a call's application form (data, edited by staff)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=300)
    hint = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    max_words = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["call", "order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """Key of this question's answer in `Application.answers`."""
        return str(self.pk)


class AssessmentCriterion(models.Model):
    """What assessors score a call's applications on, with a weight."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))
    max_score = models.PositiveSmallIntegerField(default=5)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name_plural = "assessment criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(max_score__gt=0),
                name="%(app_label)s_%(class)s_positive_weight_and_score",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCREENING = "screening", "Eligibility check"
    MORE_INFO_REQUIRED = "more_info_required", "More information required"
    ASSESSMENT = "assessment", "Assessment"
    READY_FOR_DECISION = "ready_for_decision", "Ready for decision"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


AWARDED_STATUSES = frozenset(
    {Status.APPROVED, Status.APPROVED_WITH_CONDITIONS, Status.MONITORING, Status.CLOSED}
)


class Application(models.Model):
    """A group's application to one call, and (if awarded) the grant it becomes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=30, unique=True)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grant_applications"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    # Your project
    title = models.CharField("Project title", max_length=200, blank=True)
    summary = models.TextField("Project summary", blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    wards = models.ManyToManyField(Area, blank=True, related_name="grant_applications")
    beneficiaries = models.TextField("Who will benefit", blank=True)
    beneficiary_count = models.PositiveIntegerField(null=True, blank=True)
    # Budget
    amount_requested = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    budget_breakdown = models.TextField(blank=True)
    # About your group: recipient details (360Giving recipientOrganization)
    legal_name = models.CharField(max_length=200, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    # An org-id.guide list code such as GB-SC or GB-MPR, with its number.
    other_registration_scheme = models.CharField(max_length=20, blank=True)
    other_registration_number = models.CharField(max_length=40, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    address_locality = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    # The call's questions: {str(CallQuestion.pk): answer text}
    answers = models.JSONField(default=dict, blank=True)
    # Shown to the applicant
    more_info_request = models.TextField(blank=True)
    more_info_response = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    # Award
    amount_awarded = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    award_date = models.DateField(null=True, blank=True)
    assessors = models.ManyToManyField(User, blank=True, related_name="grant_assignments")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="%(app_label)s_%(class)s_amount_requested_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(amount_awarded__gt=0),
                name="%(app_label)s_%(class)s_amount_awarded_positive",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="%(app_label)s_%(class)s_planned_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(s.value for s in AWARDED_STATUSES))
                | (Q(amount_awarded__isnull=False) & Q(award_date__isnull=False)),
                name="%(app_label)s_%(class)s_awarded_has_amount_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title or 'untitled'}"

    @property
    def fund(self) -> Fund:
        return self.call.fund

    @property
    def is_awarded(self) -> bool:
        return self.status in AWARDED_STATUSES

    @property
    def is_unregistered(self) -> bool:
        return not (self.charity_number or self.company_number or self.other_registration_number)

    @property
    def amount_disbursed(self) -> Decimal:
        total = self.payments.aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)


class ApplicationEvent(models.Model):
    """One change of status, shown to the applicant as a timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation


class Attachment(models.Model):
    """A supporting document. The bytes live in the database and are only served
    through a permission-checked view (Content-Disposition: attachment, nosniff)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    # Sniffed from the bytes, never taken from the browser.
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation


class Recommendation(models.TextChoices):
    FUND = "fund", "Fund"
    FUND_WITH_CONDITIONS = "fund_with_conditions", "Fund with conditions"
    DO_NOT_FUND = "do_not_fund", "Do not fund"


class Assessment(models.Model):
    """One assessor's scores for one application. A declared conflict means no scores."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grant_assessments")
    conflict_of_interest = models.BooleanField(default=False)
    conflict_details = models.TextField(blank=True)
    # {str(AssessmentCriterion.pk): score}
    scores = models.JSONField(default=dict, blank=True)
    weighted_total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    recommendation = models.CharField(max_length=24, choices=Recommendation.choices, blank=True)
    comment = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"],
                name="%(app_label)s_%(class)s_one_per_assessor",
            ),
            models.CheckConstraint(
                condition=Q(conflict_of_interest=False) | Q(weighted_total__isnull=True),
                name="%(app_label)s_%(class)s_conflicted_assessor_does_not_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} by {self.assessor}"

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation

    @property
    def counts(self) -> bool:
        """Completed without a conflict: counts towards the two needed for a decision."""
        return self.completed_at is not None and not self.conflict_of_interest


class Payment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.paid_on}"

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation


class MonitoringReport(models.Model):
    """A report the group owes (due date) and sends (received date, text, outcomes)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="monitoring_reports"
    )
    due_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    text = models.TextField("What happened", blank=True)
    outcomes = models.TextField("Outcomes achieved", blank=True)
    beneficiaries_reached = models.PositiveIntegerField(null=True, blank=True)
    is_final = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "due_on", "id"]

    def __str__(self) -> str:
        return f"Report for {self.application.reference}"

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation
