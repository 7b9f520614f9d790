"""The one permission model, used by pages, the API and the command line alike.

A person has one role in one organisation. A role grants permissions; the
organisation and the areas the person covers limit *where* those permissions
apply (`has_permission(user, permission, area=...)`). Access helpers treat
anything outside that scope as if it did not exist (404).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from cohesion.accounts.models import Role
from cohesion.areas.models import Area, AreaLink, AreaLinkKind, AreaQuerySet

if TYPE_CHECKING:
    from cohesion.accounts.models import User


class Permission(StrEnum):
    ORGANISATION_VIEW_MEMBERS = "organisation_view_members"
    PERSON_VIEW = "person_view"
    AUDIT_VIEW = "audit_view"
    # Incidents: seeing, recording, verifying and exporting are separate rights.
    INCIDENT_VIEW = "incident_view"
    INCIDENT_RECORD = "incident_record"
    INCIDENT_VERIFY = "incident_verify"
    INCIDENT_EXPORT = "incident_export"
    # Tensions: the dashboard (levels) is wider than the intelligence behind it.
    TENSION_DASHBOARD = "tension_dashboard"
    TENSION_VIEW = "tension_view"
    TENSION_RECORD = "tension_record"
    TENSION_VERIFY = "tension_verify"
    TENSION_ASSESS = "tension_assess"
    TENSION_APPROVE = "tension_approve"
    # Approving a wider audience (partnership or publication): the second pair of eyes.
    RELEASE_APPROVE = "release_approve"
    MEDIATION_VIEW = "mediation_view"
    MEDIATION_MANAGE = "mediation_manage"
    # Find, correct and erase a person's records on request; set retention.
    DATA_PROTECTION = "data_protection"
    # Strategies: reading plans, running them (owner organisation), updating own actions.
    STRATEGY_VIEW = "strategy_view"
    STRATEGY_MANAGE = "strategy_manage"
    ACTION_UPDATE = "action_update"
    # Impact assessments: reading, drafting in one's own department, the second
    # person's sign-off, and managing departments and the question bank.
    IMPACT_VIEW = "impact_view"
    IMPACT_EDIT = "impact_edit"
    IMPACT_SIGN_OFF = "impact_sign_off"
    IMPACT_MANAGE = "impact_manage"
    # Early warning: reading alerts and series, acknowledging alerts, choosing methods.
    EARLY_WARNING_VIEW = "early_warning_view"
    EARLY_WARNING_ACKNOWLEDGE = "early_warning_acknowledge"
    EARLY_WARNING_CONFIGURE = "early_warning_configure"
    # Risk index: reading ranks (they can stigmatise an area, so not public) and
    # choosing indicators, weights and methods.
    RISK_INDEX_VIEW = "risk_index_view"
    RISK_INDEX_CONFIGURE = "risk_index_configure"
    # Directory: partners keep their own organisation's entries; officers review
    # community groups' changes before publication.
    DIRECTORY_EDIT = "directory_edit"
    DIRECTORY_REVIEW = "directory_review"
    # Good-practice library: drafting case studies, stories, events and awards; publishing.
    LIBRARY_EDIT = "library_edit"
    LIBRARY_PUBLISH = "library_publish"
    # Training register: coverage reports; recording courses, sessions and attendance.
    TRAINING_VIEW = "training_view"
    TRAINING_MANAGE = "training_manage"
    # Projects register: reading the register and its reports; keeping projects.
    PROJECTS_VIEW = "projects_view"
    PROJECTS_MANAGE = "projects_manage"
    # Grants: applying for one's own group; reading a council's funds and applications;
    # scoring applications as an assessor; running funds, screening and deciding.
    GRANTS_APPLY = "grants_apply"
    GRANTS_VIEW = "grants_view"
    GRANTS_ASSESS = "grants_assess"
    GRANTS_MANAGE = "grants_manage"
    # Consultations: reading responses (which may hold contact details); running
    # consultations, entering paper responses, theming and publishing answers.
    CONSULTATION_VIEW = "consultation_view"
    CONSULTATION_MANAGE = "consultation_manage"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMINISTRATOR: (
        "Sees the organisation's people and reads its audit trail: who did what, "
        "and who looked at the organisation's records."
    ),
    Role.COHESION_OFFICER: (
        "Owns the strategy and action plan, chairs tension monitoring, writes reports."
    ),
    Role.ANALYST: "Produces assessments, early warning and area profiles.",
    Role.PARTNER_OFFICER: "Logs intelligence and incidents, updates their organisation's actions.",
    Role.VIEWER: "Reads dashboards and reports (councillors, scrutiny members).",
    Role.APPLICANT: (
        "Applies for grants on behalf of a community group and follows the group's "
        "applications; sees nothing else."
    ),
    Role.DATA_PROTECTION_OFFICER: (
        "Finds, corrects and erases a person's records on request, sets the retention "
        "schedule and reads the audit trail."
    ),
}

P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Administrators run accounts and read the audit trail; they do not read casework.
    Role.ADMINISTRATOR: frozenset(
        {
            P.ORGANISATION_VIEW_MEMBERS,
            P.PERSON_VIEW,
            P.AUDIT_VIEW,
            P.STRATEGY_VIEW,
            P.IMPACT_MANAGE,
        }
    ),
    Role.COHESION_OFFICER: frozenset(
        {
            P.ORGANISATION_VIEW_MEMBERS,
            P.PERSON_VIEW,
            P.INCIDENT_VIEW,
            P.INCIDENT_RECORD,
            P.INCIDENT_VERIFY,
            P.INCIDENT_EXPORT,
            P.TENSION_DASHBOARD,
            P.TENSION_VIEW,
            P.TENSION_RECORD,
            P.TENSION_VERIFY,
            P.TENSION_ASSESS,
            P.TENSION_APPROVE,
            P.RELEASE_APPROVE,
            P.MEDIATION_VIEW,
            P.MEDIATION_MANAGE,
            P.STRATEGY_VIEW,
            P.STRATEGY_MANAGE,
            P.ACTION_UPDATE,
            P.IMPACT_VIEW,
            P.IMPACT_EDIT,
            P.IMPACT_SIGN_OFF,
            P.IMPACT_MANAGE,
            P.EARLY_WARNING_VIEW,
            P.EARLY_WARNING_ACKNOWLEDGE,
            P.EARLY_WARNING_CONFIGURE,
            P.RISK_INDEX_VIEW,
            P.RISK_INDEX_CONFIGURE,
            P.DIRECTORY_EDIT,
            P.DIRECTORY_REVIEW,
            P.LIBRARY_EDIT,
            P.LIBRARY_PUBLISH,
            P.TRAINING_VIEW,
            P.TRAINING_MANAGE,
            P.PROJECTS_VIEW,
            P.PROJECTS_MANAGE,
            P.GRANTS_VIEW,
            P.GRANTS_ASSESS,
            P.GRANTS_MANAGE,
            P.CONSULTATION_VIEW,
            P.CONSULTATION_MANAGE,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.ORGANISATION_VIEW_MEMBERS,
            P.INCIDENT_VIEW,
            P.INCIDENT_EXPORT,
            P.TENSION_DASHBOARD,
            P.TENSION_VIEW,
            P.TENSION_ASSESS,
            P.MEDIATION_VIEW,
            P.STRATEGY_VIEW,
            P.IMPACT_VIEW,
            P.IMPACT_EDIT,
            P.EARLY_WARNING_VIEW,
            P.EARLY_WARNING_ACKNOWLEDGE,
            P.EARLY_WARNING_CONFIGURE,
            P.RISK_INDEX_VIEW,
            P.RISK_INDEX_CONFIGURE,
            P.TRAINING_VIEW,
            P.PROJECTS_VIEW,
            P.GRANTS_VIEW,
            P.GRANTS_ASSESS,
            P.CONSULTATION_VIEW,
            P.CONSULTATION_MANAGE,
        }
    ),
    Role.PARTNER_OFFICER: frozenset(
        {
            P.ORGANISATION_VIEW_MEMBERS,
            P.INCIDENT_VIEW,
            P.INCIDENT_RECORD,
            P.TENSION_DASHBOARD,
            P.TENSION_VIEW,
            P.TENSION_RECORD,
            P.MEDIATION_VIEW,
            P.STRATEGY_VIEW,
            P.ACTION_UPDATE,
            P.IMPACT_VIEW,
            P.IMPACT_EDIT,
            P.EARLY_WARNING_VIEW,
            P.RISK_INDEX_VIEW,
            P.DIRECTORY_EDIT,
            P.LIBRARY_EDIT,
            P.TRAINING_VIEW,
            P.TRAINING_MANAGE,
            P.PROJECTS_VIEW,
            P.PROJECTS_MANAGE,
            P.GRANTS_APPLY,
        }
    ),
    # Scrutiny reads signed-off impact assessments; drafts stay with their department.
    Role.VIEWER: frozenset(
        {
            P.TENSION_DASHBOARD,
            P.STRATEGY_VIEW,
            P.IMPACT_VIEW,
            P.RISK_INDEX_VIEW,
            P.TRAINING_VIEW,
            P.PROJECTS_VIEW,
        }
    ),
    # A community group's own account: its applications and nothing else.
    Role.APPLICANT: frozenset({P.GRANTS_APPLY}),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        {P.ORGANISATION_VIEW_MEMBERS, P.AUDIT_VIEW, P.DATA_PROTECTION}
    ),
}


def has_permission(
    user: User | AnonymousUser, permission: Permission, *, area: Area | None = None
) -> bool:
    """Whether `user`'s role grants `permission`, and (given `area`) whether they cover it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if permission not in ROLE_PERMISSIONS.get(Role(user.role), frozenset()):
        return False
    return area is None or covers_area(user, area)


def areas_in_scope(user: User) -> AreaQuerySet:
    """Every area the user covers: their own areas if set, else their organisation's.

    A covered council brings all its wards and small areas with it; a covered
    ward brings the LSOAs that fit best in it; an MSOA its LSOAs.
    """
    if user.is_superuser:
        return Area.objects.all()
    base = user.areas.all()
    if not base.exists() and user.organisation_id is not None:
        base = Area.objects.filter(organisations__id=user.organisation_id)
    ids = list(base.values_list("id", flat=True))
    best_fit_lsoas = AreaLink.objects.filter(
        kind=AreaLinkKind.LSOA21_TO_WARD, to_area_id__in=ids
    ).values("from_area_id")
    return Area.objects.filter(
        Q(id__in=ids) | Q(council_id__in=ids) | Q(parent_id__in=ids) | Q(id__in=best_fit_lsoas)
    )


def covers_area(user: User, area: Area) -> bool:
    """Whether `area` is inside the user's scope."""
    return areas_in_scope(user).filter(pk=area.pk).exists()
