"""Controlled vocabularies kept as data.

Hate strands, incident types and the communities affected change with the law
and with local practice (see docs/adr/0005-vocabularies-as-data.md), so they
are rows with validity dates, not code. A term is never deleted once used: it
is retired by setting `valid_to`, and old records keep pointing at it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext


class Vocabulary(models.TextChoices):
    HATE_STRAND = "hate_strand", "Hate strand"
    STRAND_SUBCODE = "strand_subcode", "Hate strand sub-code"
    INCIDENT_TYPE = "incident_type", "Incident type"


class TermQuerySet(models.QuerySet["Term"]):
    def of(self, vocabulary: Vocabulary) -> TermQuerySet:
        return self.filter(vocabulary=vocabulary)

    def current(self, on: dt.date | None = None) -> TermQuerySet:
        """Terms valid on a date (today by default): the ones offered on forms."""
        day = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Term(models.Model):
    vocabulary = models.CharField(max_length=30, choices=Vocabulary.choices)
    code = models.SlugField(max_length=60)
    # English label; translated at display time (the seed labels are in the message catalogue).
    label = models.CharField(max_length=200)
    hint = models.CharField(max_length=300, blank=True)
    # The national code this term maps to (e.g. the Home Office strand), if any.
    national_code = models.CharField(max_length=60, blank=True)
    nationally_monitored = models.BooleanField(default=False)
    # Sub-codes name the strand they refine (e.g. antisemitic → religion).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(default=dt.date(2000, 1, 1))
    valid_to = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Why the term was added, changed or retired: the vocabulary's changelog.
    change_note = models.CharField(max_length=300, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["vocabulary", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="vocabularies_term_unique"),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label in the reader's language (seed labels have translations)."""
        return gettext(self.label)
