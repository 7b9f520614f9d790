"""The four-eyes release steps as pages: ask, approve, decline, narrow.

One set of views serves every releasable kind of record. Each view loads the
record through that kind's access helper (so a stranger gets the same 404 as
for a missing record), calls the action in `cohesion.core.release`, and goes
back to the record's page. A refused step is shown there as a GOV.UK error,
with what the person typed kept (held in the session for one page view).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.core.release import (
    AUDIENCE_ORDER,
    Audience,
    Releasable,
    ReleaseError,
    approve_release,
    decline_release,
    narrow_audience,
    request_release,
)


@dataclass(frozen=True)
class Kind:
    load: Callable[[User, uuid.UUID], Releasable]
    # The right that lets someone in the holding organisation ask to share or narrow.
    record_permission: Permission
    detail_url_name: str


def _load_incident(user: User, key: uuid.UUID) -> Releasable:
    from cohesion.incidents.access import get_incident_for_user

    return get_incident_for_user(user, key)


def _load_item(user: User, key: uuid.UUID) -> Releasable:
    from cohesion.tensions.access import get_item_for_user

    return get_item_for_user(user, key)


def _load_assessment(user: User, key: uuid.UUID) -> Releasable:
    from cohesion.tensions.access import get_assessment_for_user

    return get_assessment_for_user(user, key)


KINDS: dict[str, Kind] = {
    "incident": Kind(_load_incident, Permission.INCIDENT_RECORD, "incident-detail"),
    "intelligence": Kind(_load_item, Permission.TENSION_RECORD, "intelligence-detail"),
    "assessment": Kind(_load_assessment, Permission.TENSION_ASSESS, "assessment-detail"),
}


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise Http404
    return KINDS[name]


def session_key(kind: str, obj_uuid: object) -> str:
    return f"release-error:{kind}:{obj_uuid}"


def _same_organisation(user: User, obj: Releasable) -> bool:
    return user.is_superuser or getattr(obj, "organisation_id", None) == user.organisation_id


def may_request(user: User, obj: Releasable, kind: str) -> bool:
    """Someone in the holding organisation with the right to record this kind of record."""
    return _same_organisation(user, obj) and has_permission(user, KINDS[kind].record_permission)


def may_approve(user: User, obj: Releasable) -> bool:
    """The second pair of eyes: the release right, in the holding organisation, not the asker."""
    return (
        obj.release_pending
        and obj.release_requested_by_id != user.pk
        and _same_organisation(user, obj)
        and has_permission(user, Permission.RELEASE_APPROVE)
    )


def may_narrow(user: User, obj: Releasable, kind: str) -> bool:
    return obj.audience != Audience.ORGANISATION and (
        may_request(user, obj, kind)
        or (_same_organisation(user, obj) and has_permission(user, Permission.RELEASE_APPROVE))
    )


def panel_state(user: User, obj: Releasable, kind: str, session: Any) -> dict[str, Any]:
    """What the release panel shows this viewer (used by the `release_panel` tag)."""
    current = AUDIENCE_ORDER[Audience(obj.audience)]
    error = session.pop(session_key(kind, getattr(obj, "uuid", "")), None) if session else None
    return {
        "audience_label": Audience(obj.audience).label,
        "pending": obj.release_pending,
        "requested_label": Audience(obj.requested_audience).label if obj.requested_audience else "",
        "is_requester": obj.release_requested_by_id == user.pk,
        "may_request": not obj.release_pending and may_request(user, obj, kind),
        "may_approve": may_approve(user, obj),
        "may_narrow": may_narrow(user, obj, kind),
        "wider": [(a.value, a.label) for a in Audience if AUDIENCE_ORDER[a] > current],
        "narrower": [(a.value, a.label) for a in Audience if AUDIENCE_ORDER[a] < current],
        "error": error or {},
    }


def _back(kind: str, obj: Releasable) -> HttpResponseRedirect:
    key = getattr(obj, "uuid", None)
    return HttpResponseRedirect(reverse(KINDS[kind].detail_url_name, args=[key]) + "#release")


def _run(
    request: HttpRequest, kind: str, obj_uuid: uuid.UUID, step: Callable[[User, Releasable], str]
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    obj = _kind(kind).load(user, obj_uuid)
    try:
        done = step(user, obj)
    except ReleaseError as error:
        request.session[session_key(kind, obj_uuid)] = {
            "message": str(error),
            "field": request.POST.get("_step", ""),
            "audience": request.POST.get("audience", ""),
            "reason": request.POST.get("reason", ""),
        }
    else:
        messages.success(request, done)
    return _back(kind, obj)


@require_POST
@login_required
def release_request(request: HttpRequest, kind: str, obj_uuid: uuid.UUID) -> HttpResponse:
    def step(user: User, obj: Releasable) -> str:
        if not may_request(user, obj, kind):
            raise ReleaseError(_("You cannot ask to share this record."))
        audience = request.POST.get("audience", "")
        if audience not in Audience.values:
            raise ReleaseError(_("Choose who it should be shared with."))
        request_release(obj, audience=audience, by=user, reason=request.POST.get("reason", ""))
        return _("Sharing requested. Someone else with the right to approve must sign it off.")

    return _run(request, kind, obj_uuid, step)


@require_POST
@login_required
def release_approve(request: HttpRequest, kind: str, obj_uuid: uuid.UUID) -> HttpResponse:
    def step(user: User, obj: Releasable) -> str:
        approve_release(obj, by=user)
        return _("Sharing approved: the record is now %(audience)s.") % {
            "audience": Audience(obj.audience).label.lower()
        }

    return _run(request, kind, obj_uuid, step)


@require_POST
@login_required
def release_decline(request: HttpRequest, kind: str, obj_uuid: uuid.UUID) -> HttpResponse:
    def step(user: User, obj: Releasable) -> str:
        decline_release(obj, by=user, reason=request.POST.get("reason", ""))
        return _("Sharing declined. The record stays as it was.")

    return _run(request, kind, obj_uuid, step)


@require_POST
@login_required
def release_narrow(request: HttpRequest, kind: str, obj_uuid: uuid.UUID) -> HttpResponse:
    def step(user: User, obj: Releasable) -> str:
        if not may_narrow(user, obj, kind):
            raise ReleaseError(_("You cannot change who sees this record."))
        audience = request.POST.get("audience", "")
        if audience not in Audience.values:
            raise ReleaseError(_("Choose who should still see it."))
        narrow_audience(obj, audience=audience, by=user)
        return _("Audience narrowed: the record is now %(audience)s.") % {
            "audience": Audience(obj.audience).label.lower()
        }

    return _run(request, kind, obj_uuid, step)
