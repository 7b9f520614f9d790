"""The community directory, in the shape of HSDS 3 / Open Referral UK 3.0.

Model and field names follow the HSDS 3 schemas (openreferral/specification,
schema/*.json) so the Open Referral API maps one to one: every primary key is
a UUID called `id`, and a foreign key `organization` is HSDS's
`organization_id`. Where Cohesion adds something HSDS has not got, it is named
as ours (`maintainer`, `is_published`, `ward`, `ServiceRevision`).

Publication: a `Service` row is the published version, the one the public
sees once `is_published` is set. A change by a community group is a pending
`ServiceRevision` (the proposed values as JSON) that an officer applies or
rejects; partners' and officers' own changes are applied at once and kept as
revisions too, so every service has its history.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area

# An entry not checked (assured) for this long is flagged on staff lists and its page.
REVIEW_AFTER_DAYS = 365


def stale_before(today: dt.date | None = None) -> dt.date:
    """Entries assured before this date (or never) are flagged as not checked."""
    return (today or timezone.localdate()) - dt.timedelta(days=REVIEW_AFTER_DAYS)


def not_checked_q(today: dt.date | None = None) -> Q:
    """Services not assured for 12 months, or never."""
    return Q(assured_date__isnull=True) | Q(assured_date__lt=stale_before(today))


def _id() -> models.UUIDField[uuid.UUID | str, uuid.UUID]:
    return models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)


class Organization(models.Model):
    """HSDS `organization`: who provides services."""

    id = _id()
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    legal_status = models.CharField(max_length=120, blank=True)
    logo = models.URLField(blank=True)
    uri = models.URLField(blank=True)
    # HSDS parent_organization_id.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # The partner organisation whose staff keep these entries (none for imported records).
    maintainer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
    )
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


def published_service(prefix: str = "") -> Q:
    """What the public sees, as a condition on a service (reached through `prefix`,
    e.g. ``"service__"``, so a query can join to it rather than ask ``IN (…)``)."""
    return Q(**{f"{prefix}is_published": True})


class ServiceQuerySet(models.QuerySet["Service"]):
    def published(self) -> ServiceQuerySet:
        """What the public sees."""
        return self.filter(published_service())

    def not_checked(self, today: dt.date | None = None) -> ServiceQuerySet:
        """Not assured for 12 months (or never)."""
        return self.filter(not_checked_q(today))


class Service(models.Model):
    """HSDS `service`. This row is the published version."""

    id = _id()
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    # Cohesion: shown on the public pages only once published (approved or published directly).
    is_published = models.BooleanField(default=False)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_published", "name"]),
            models.Index(fields=["assured_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(maximum_age__gte=models.F("minimum_age")),
                name="%(app_label)s_%(class)s_maximum_age_not_below_minimum",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def not_checked(self) -> bool:
        return self.assured_date is None or self.assured_date < stale_before()


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Location(models.Model):
    """HSDS `location`. `ward` is Cohesion's: the ward holding the point."""

    id = _id()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(blank=True)
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)
    ward = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="directory_locations"
    )

    class Meta:
        ordering = ["name"]
        # Distance search reads places in a latitude band; with `id` in the index it
        # never has to visit the table (see cohesion/directory/search.py).
        indexes = [
            models.Index(fields=["latitude", "longitude", "id"], name="directory_location_box")
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(models.Model):
    """HSDS `service_at_location`."""

    id = _id()
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="%(app_label)s_%(class)s_once_per_location"
            )
        ]
        # From a place to its services, index-only, for distance search.
        indexes = [models.Index(fields=["location", "service"], name="directory_sal_by_location")]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class AddressType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Address(models.Model):
    """HSDS `address`."""

    id = _id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)
    state_province = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=12)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(
        max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    def __str__(self) -> str:
        return ", ".join(
            p for p in (self.address_1, self.address_2, self.city, self.postal_code) if p
        )


class Accessibility(models.Model):
    """HSDS `accessibility` of a location."""

    id = _id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description[:60]


class Contact(models.Model):
    """HSDS `contact`."""

    id = _id()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or self.email or str(self.id)


class Phone(models.Model):
    """HSDS `phone`."""

    id = _id()
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=40)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number


class ScheduleFreq(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class Schedule(models.Model):
    """HSDS `schedule` (RFC 5545 style): when a service or location is open."""

    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=7, choices=ScheduleFreq.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    # Comma-separated RFC 5545 days: MO,TU,…; with MONTHLY, e.g. 2MO or -1FR.
    byday = models.CharField(max_length=60, blank=True)
    bymonthday = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(blank=True)
    attending_type = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["byday", "opens_at"]

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}-{self.closes_at}"


class Language(models.Model):
    """HSDS `language`: a language a service (or location, or phone line) is offered in."""

    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100)
    # ISO 639-1 or 639-2.
    code = models.CharField(max_length=3, blank=True, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Taxonomy(models.Model):
    """HSDS `taxonomy`: a vocabulary of terms."""

    id = _id()
    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """HSDS `taxonomy_term`. `vocabulary` is HSDS's free-text `taxonomy` field."""

    id = _id()
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    vocabulary = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=3, blank=True)
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_unique_in_taxonomy",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """HSDS `attribute`: links a service (link_id) to a taxonomy term."""

    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    link_type = models.CharField(max_length=50, blank=True)
    link_entity = models.CharField(max_length=30, default="service")
    value = models.CharField(max_length=255, blank=True)
    label = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="%(app_label)s_%(class)s_term_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.taxonomy_term_id}"


class ServiceArea(models.Model):
    """HSDS `service_area`: where a service is available (optionally tied to one of our areas)."""

    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_service_areas",
    )

    def __str__(self) -> str:
        return self.name or str(self.id)


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    # A newer change replaced this one before it was reviewed.
    SUPERSEDED = "superseded", "Replaced by a later change"


class ServiceRevision(models.Model):
    """One proposed or applied change to a service: the whole entry's values as JSON."""

    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(max_length=10, choices=RevisionStatus.choices)
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by_name = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_rejection_has_reason",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"
