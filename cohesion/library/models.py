"""The good-practice library: case studies, stories of cohesion and news; events; awards.

A library item belongs to the organisation that drafted it (`owner`) and moves
through a publication workflow: a drafter (LIBRARY_EDIT) writes and submits it,
a publisher (LIBRARY_PUBLISH) publishes or withdraws it. Only published items
are public. The body is plain text with a tiny, safe markup (see `markup.py`):
no HTML from users is ever rendered as HTML.

Images are stored in the database as bytes that Pillow has opened, checked and
re-encoded (which also drops EXIF data such as a phone's GPS position), and are
served by a view that applies the same visibility rules as their item.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.strategies.models import Objective


class ItemKind(models.TextChoices):
    CASE_STUDY = "case_study", "Case study"
    STORY = "story", "Story of cohesion"
    NEWS = "news", "News"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for publication"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ThemeTag(models.Model):
    """A free theme tag ("young people", "faith", "media") alongside strategy objectives."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LibraryItemQuerySet(models.QuerySet["LibraryItem"]):
    def published(self) -> LibraryItemQuerySet:
        """What anyone may read on the public pages."""
        return self.filter(status=ItemStatus.PUBLISHED)


class LibraryItem(models.Model):
    """A case study, story of cohesion or news item."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="One or two sentences shown in lists and feeds.")
    body = models.TextField(
        help_text="Paragraphs separated by a blank line; lines starting '- ' make a list."
    )
    # The organisation that drafted the item and keeps it up to date.
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="library_items_owned"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="library_items"
    )
    # Where it happened in words, e.g. "Leicester", when no area is set or to be more precise.
    place_name = models.CharField(max_length=200, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="library_items")
    tags = models.ManyToManyField(ThemeTag, blank=True, related_name="items")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="library_items")
    outcomes = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Document it comes from.")
    credit = models.CharField(max_length=300, blank=True, help_text="Who wrote or supplied it.")
    source_url = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    status_note = models.TextField(blank=True, help_text="Why it was returned or withdrawn.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_published_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_submitted_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ItemStatus.PUBLISHED


class ItemImage(models.Model):
    """An image in an item, with the alt text a screen reader reads instead."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="images")
    # Re-encoded by Pillow (see images.py): never the bytes as uploaded.
    data = models.BinaryField()
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(max_length=250)
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "order", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="%(app_label)s_%(class)s_alt_text_required"
            )
        ]

    def __str__(self) -> str:
        return self.alt_text


class Event(models.Model):
    """An event: a community iftar, a cohesion week, a training day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=300, help_text="Venue and address, or 'Online'.")
    ward = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="library_events"
    )
    # The organisation running it, which also keeps the record.
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="library_events"
    )
    audience = models.CharField(max_length=300, blank=True, help_text="Who it is for.")
    booking_url = models.URLField(blank=True)
    is_published = models.BooleanField(default=False)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Award(models.Model):
    """An award for good practice, to an organisation or to someone named in words."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # The organisation that made the award and keeps the record.
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="library_awards_owned"
    )
    is_published = models.BooleanField(default=False)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False) | ~Q(recipient_name=""),
                name="%(app_label)s_%(class)s_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def recipient(self) -> str:
        if self.recipient_organisation_id is not None and self.recipient_organisation:
            return self.recipient_organisation.name
        return self.recipient_name
