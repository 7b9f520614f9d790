"""Who may see a record beyond its owner, and the four-eyes rule for widening that.

Every sensitive record starts internal to the organisation that holds it.
Widening its audience (to the partnership, or into published figures) is two
steps by two different people: one asks, another with the release right
approves. Narrowing takes effect at once. Verification (is it true?) and
editing are separate rights from release (docs/adr/0006-verification-publication-editing.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cohesion.accounts.models import User


class Audience(models.TextChoices):
    ORGANISATION = "organisation", _("Internal to the organisation")
    PARTNERSHIP = "partnership", _("Shared with partners covering the area")
    PUBLIC = "public", _("Published (in aggregate)")


AUDIENCE_ORDER = {Audience.ORGANISATION: 0, Audience.PARTNERSHIP: 1, Audience.PUBLIC: 2}


class Releasable(models.Model):
    """Audience fields and the database's own check that approver ≠ requester."""

    audience = models.CharField(
        max_length=12, choices=Audience.choices, default=Audience.ORGANISATION
    )
    requested_audience = models.CharField(max_length=12, choices=Audience.choices, blank=True)
    release_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    release_requested_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(released_by__isnull=True)
                | Q(release_requested_by__isnull=True)
                | ~Q(released_by=F("release_requested_by")),
                name="%(app_label)s_%(class)s_release_four_eyes",
            ),
        ]

    @property
    def release_pending(self) -> bool:
        return bool(self.requested_audience)

    def release_blocker(self, audience: str) -> str:
        """Why this record cannot go to `audience` at all (e.g. no consent); "" if it can."""
        return ""


# --- Actions ---------------------------------------------------------------------------
# One function per action; each checks rights, changes state and writes the audit row.


class ReleaseError(Exception):
    """A release step that is not allowed; the message says why in plain words."""


def _same_organisation(obj: Releasable, user: User) -> bool:
    return user.is_superuser or getattr(obj, "organisation_id", None) == user.organisation_id


def request_release(obj: Releasable, *, audience: str, by: User, reason: str) -> None:
    """Ask for a wider audience. A second person must approve it."""
    from cohesion.audit.log import record
    from cohesion.audit.models import AuditAction

    wanted = Audience(audience)
    if AUDIENCE_ORDER[wanted] <= AUDIENCE_ORDER[Audience(obj.audience)]:
        raise ReleaseError("That audience is not wider than the current one.")
    if not _same_organisation(obj, by):
        raise ReleaseError("Only the organisation that holds the record can ask to share it.")
    if not reason.strip():
        raise ReleaseError("Say why it should be shared.")
    blocker = obj.release_blocker(wanted)
    if blocker:
        raise ReleaseError(blocker)
    obj.requested_audience = wanted
    obj.release_requested_by = by
    obj.release_requested_at = timezone.now()
    obj.release_reason = reason.strip()
    obj.released_by = None
    obj.save(
        update_fields=[
            "requested_audience",
            "release_requested_by",
            "release_requested_at",
            "release_reason",
            "released_by",
        ]
    )
    record(
        action=AuditAction.RELEASE_REQUESTED,
        by=by,
        target=obj,
        detail={"audience": wanted, "reason": obj.release_reason},
    )


def approve_release(obj: Releasable, *, by: User) -> None:
    """The second person's sign-off: the wider audience takes effect."""
    from cohesion.accounts.permissions import Permission, has_permission
    from cohesion.audit.log import record
    from cohesion.audit.models import AuditAction

    if not obj.requested_audience:
        raise ReleaseError("There is no request to approve.")
    if obj.release_requested_by_id == by.pk:
        raise ReleaseError("Someone other than the person who asked must approve it.")
    if not _same_organisation(obj, by) or not has_permission(by, Permission.RELEASE_APPROVE):
        raise ReleaseError("You cannot approve sharing for this record.")
    blocker = obj.release_blocker(obj.requested_audience)
    if blocker:
        raise ReleaseError(blocker)
    previous = obj.audience
    obj.audience = obj.requested_audience
    obj.requested_audience = ""
    obj.released_by = by
    obj.released_at = timezone.now()
    obj.save(update_fields=["audience", "requested_audience", "released_by", "released_at"])
    record(
        action=AuditAction.RELEASE_APPROVED,
        by=by,
        target=obj,
        detail={"from": previous, "to": obj.audience},
    )


def decline_release(obj: Releasable, *, by: User, reason: str) -> None:
    from cohesion.accounts.permissions import Permission, has_permission
    from cohesion.audit.log import record
    from cohesion.audit.models import AuditAction

    if not obj.requested_audience:
        raise ReleaseError("There is no request to decline.")
    if not _same_organisation(obj, by) or not has_permission(by, Permission.RELEASE_APPROVE):
        raise ReleaseError("You cannot decline sharing for this record.")
    wanted = obj.requested_audience
    obj.requested_audience = ""
    obj.save(update_fields=["requested_audience"])
    record(
        action=AuditAction.RELEASE_DECLINED,
        by=by,
        target=obj,
        detail={"requested": wanted, "reason": reason.strip()},
    )


def narrow_audience(obj: Releasable, *, audience: str, by: User) -> None:
    """Taking a record back in needs no second person: it takes effect at once."""
    from cohesion.audit.log import record
    from cohesion.audit.models import AuditAction

    wanted = Audience(audience)
    if AUDIENCE_ORDER[wanted] >= AUDIENCE_ORDER[Audience(obj.audience)]:
        raise ReleaseError("That audience is not narrower than the current one.")
    if not _same_organisation(obj, by):
        raise ReleaseError("Only the organisation that holds the record can change who sees it.")
    previous = obj.audience
    obj.audience = wanted
    obj.requested_audience = ""
    obj.save(update_fields=["audience", "requested_audience"])
    record(
        action=AuditAction.RELEASE_NARROWED,
        by=by,
        target=obj,
        detail={"from": previous, "to": wanted},
    )
