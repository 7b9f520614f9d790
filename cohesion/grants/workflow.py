"""Which status may go to which, and who may make each move (Hypha's phases, standards §5).

`TRANSITIONS[(from, to)]` is the kind of actor allowed to make the move:

- APPLICANT: a person with GRANTS_APPLY in the applying organisation;
- MANAGER: staff with GRANTS_MANAGE covering the fund's council;
- ASSESSOR: staff with GRANTS_ASSESS covering the council and assigned to the application.

Assessors do not move applications between statuses; they score them while the
application is in ASSESSMENT (`may_assess`). Anything not in the table is refused.
"""

from __future__ import annotations

from enum import StrEnum

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.grants.models import Application, Status


class Actor(StrEnum):
    APPLICANT = "applicant"
    MANAGER = "manager"
    ASSESSOR = "assessor"


class WorkflowError(ValueError):
    """A move the workflow does not allow, or a check that failed; the message is for users."""


S = Status
_BEFORE_DECISION = (
    S.DRAFT,
    S.SUBMITTED,
    S.SCREENING,
    S.MORE_INFO_REQUIRED,
    S.ASSESSMENT,
    S.READY_FOR_DECISION,
)

TRANSITIONS: dict[tuple[Status, Status], Actor] = {
    (S.DRAFT, S.SUBMITTED): Actor.APPLICANT,
    (S.SUBMITTED, S.SCREENING): Actor.MANAGER,
    # Screening outcomes: eligible, more information needed, ineligible.
    (S.SUBMITTED, S.ASSESSMENT): Actor.MANAGER,
    (S.SCREENING, S.ASSESSMENT): Actor.MANAGER,
    (S.SUBMITTED, S.MORE_INFO_REQUIRED): Actor.MANAGER,
    (S.SCREENING, S.MORE_INFO_REQUIRED): Actor.MANAGER,
    (S.ASSESSMENT, S.MORE_INFO_REQUIRED): Actor.MANAGER,
    (S.SUBMITTED, S.DECLINED): Actor.MANAGER,
    (S.SCREENING, S.DECLINED): Actor.MANAGER,
    # The applicant answers the request; it returns to the eligibility check.
    (S.MORE_INFO_REQUIRED, S.SCREENING): Actor.APPLICANT,
    (S.ASSESSMENT, S.READY_FOR_DECISION): Actor.MANAGER,
    (S.READY_FOR_DECISION, S.ASSESSMENT): Actor.MANAGER,
    (S.READY_FOR_DECISION, S.APPROVED): Actor.MANAGER,
    (S.READY_FOR_DECISION, S.APPROVED_WITH_CONDITIONS): Actor.MANAGER,
    (S.READY_FOR_DECISION, S.DECLINED): Actor.MANAGER,
    (S.APPROVED, S.MONITORING): Actor.MANAGER,
    (S.APPROVED_WITH_CONDITIONS, S.MONITORING): Actor.MANAGER,
    (S.MONITORING, S.CLOSED): Actor.MANAGER,
    **{(s, S.WITHDRAWN): Actor.APPLICANT for s in _BEFORE_DECISION},
}

# Where the applicant may change the application's content.
APPLICANT_EDITABLE = frozenset({S.DRAFT, S.MORE_INFO_REQUIRED})
# Where assessors score.
ASSESSABLE = frozenset({S.ASSESSMENT})
# Where the group sends monitoring reports.
REPORTABLE = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.MONITORING})

# What the applicant is told for each status (Hypha's applicant-facing names).
APPLICANT_LABELS: dict[Status, str] = {
    S.DRAFT: "Draft",
    S.SUBMITTED: "Application received",
    S.SCREENING: "Application received",
    S.MORE_INFO_REQUIRED: "More information required",
    S.ASSESSMENT: "Under review",
    S.READY_FOR_DECISION: "Under review",
    S.APPROVED: "Approved",
    S.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    S.DECLINED: "Declined",
    S.WITHDRAWN: "Withdrawn",
    S.MONITORING: "Grant in progress",
    S.CLOSED: "Closed",
}

TAG_COLOURS: dict[Status, str] = {
    S.DRAFT: "grey",
    S.SUBMITTED: "blue",
    S.SCREENING: "blue",
    S.MORE_INFO_REQUIRED: "orange",
    S.ASSESSMENT: "purple",
    S.READY_FOR_DECISION: "purple",
    S.APPROVED: "green",
    S.APPROVED_WITH_CONDITIONS: "green",
    S.DECLINED: "red",
    S.WITHDRAWN: "grey",
    S.MONITORING: "turquoise",
    S.CLOSED: "grey",
}


def is_applicant(user: User, application: Application) -> bool:
    return (
        has_permission(user, Permission.GRANTS_APPLY)
        and user.organisation_id is not None
        and user.organisation_id == application.organisation_id
    )


def is_manager(user: User, application: Application) -> bool:
    return has_permission(user, Permission.GRANTS_MANAGE, area=application.call.fund.council)


def is_assessor(user: User, application: Application) -> bool:
    return (
        has_permission(user, Permission.GRANTS_ASSESS, area=application.call.fund.council)
        and application.assessors.filter(pk=user.pk).exists()
    )


def actor_allowed(user: User | None, application: Application, actor: Actor) -> bool:
    """`None` is the system (demo loader, commands): allowed everything."""
    if user is None:
        return True
    if actor is Actor.APPLICANT:
        return is_applicant(user, application)
    if actor is Actor.MANAGER:
        return is_manager(user, application)
    return is_assessor(user, application)


def check_transition(user: User | None, application: Application, to: Status) -> None:
    frm = Status(application.status)
    actor = TRANSITIONS.get((frm, to))
    if actor is None:
        raise WorkflowError(
            f"An application cannot go from {frm.label.lower()} to {to.label.lower()}"
        )
    if not actor_allowed(user, application, actor):
        raise WorkflowError("You cannot make this change to this application")


def allowed_moves(user: User, application: Application) -> list[Status]:
    frm = Status(application.status)
    return [
        to
        for (f, to), actor in TRANSITIONS.items()
        if f == frm and actor_allowed(user, application, actor)
    ]


def may_assess(user: User, application: Application) -> bool:
    return application.status in ASSESSABLE and is_assessor(user, application)
