from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cohesion.core.middleware import GOVUK_BODY_SCRIPT


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page template needs: service name, demo banner, navigation."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SERVICE_OWNER": settings.SERVICE_OWNER,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "SHOW_DEMO_BANNER": settings.SHOW_DEMO_BANNER,
        "GOVUK_BODY_SCRIPT": GOVUK_BODY_SCRIPT,
        "navigation": _navigation(request),
        "LOCKOUT_MINUTES": round(float(settings.AXES_COOLOFF_TIME) * 60),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }


def _navigation(request: HttpRequest) -> list[dict[str, Any]]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from cohesion.accounts.models import Role
    from cohesion.accounts.permissions import Permission, has_permission

    user = request.user
    is_applicant = getattr(user, "role", "") == Role.APPLICANT
    items = []
    if not user.is_authenticated:
        items.append((_("Report a hate incident"), reverse("report-start")))
        items.append((_("Have your say"), reverse("consultations-list")))
        items.append((_("Grants"), reverse("grants-calls")))
    elif is_applicant:
        # A community group's account: its applications, nothing of the partnership's.
        items.append((_("Your applications"), reverse("grants-home")))
    else:
        items.append((_("Dashboard"), reverse("dashboard")))
        if has_permission(user, Permission.TENSION_DASHBOARD):
            items.append((_("Tensions"), reverse("tension-dashboard")))
        if has_permission(user, Permission.EARLY_WARNING_VIEW):
            items.append((_("Early warning"), reverse("alert-list")))
        if has_permission(user, Permission.RISK_INDEX_VIEW):
            items.append((_("Risk index"), reverse("risk-index-list")))
        if has_permission(user, Permission.INCIDENT_VIEW):
            items.append((_("Incidents"), reverse("incident-list")))
            items.append((_("Assessment"), reverse("sia")))
        if has_permission(user, Permission.MEDIATION_VIEW):
            items.append((_("Mediation"), reverse("mediation-list")))
        if has_permission(user, Permission.STRATEGY_VIEW):
            items.append((_("Strategies"), reverse("strategy-list")))
        if has_permission(user, Permission.PROJECTS_VIEW):
            items.append((_("Projects"), reverse("projects-list")))
        if has_permission(user, Permission.TRAINING_VIEW):
            items.append((_("Training"), reverse("training-coverage")))
        if has_permission(user, Permission.IMPACT_VIEW):
            items.append((_("Impact assessments"), reverse("impact-list")))
        elif has_permission(user, Permission.IMPACT_MANAGE):
            # Administrators set up departments without reading assessments.
            items.append((_("Impact assessments"), reverse("impact-departments")))
        if has_permission(user, Permission.GRANTS_VIEW) or has_permission(
            user, Permission.GRANTS_APPLY
        ):
            items.append((_("Grants"), reverse("grants-home")))
        if has_permission(user, Permission.CONSULTATION_VIEW):
            items.append((_("Consultations"), reverse("consultations-manage")))
        if has_permission(user, Permission.LIBRARY_EDIT) or has_permission(
            user, Permission.LIBRARY_PUBLISH
        ):
            items.append((_("Good practice"), reverse("library-manage")))
    if has_permission(user, Permission.DIRECTORY_EDIT):
        items.append((_("Directory"), reverse("directory-manage")))
    items.append((_("Areas"), reverse("area-list")))
    if user.is_authenticated and not is_applicant:
        items.append((_("Organisations"), reverse("organisation-list")))
        if has_permission(user, Permission.DATA_PROTECTION):
            items.append((_("Data protection"), reverse("data-protection")))
        if has_permission(user, Permission.AUDIT_VIEW):
            items.append((_("Audit trail"), reverse("audit-search")))
    else:
        items.append((_("Sign in"), reverse("login")))
    path = request.path
    return [
        {"label": label, "url": url, "active": bool(url) and url != "/" and path.startswith(url)}
        for label, url in items
        if url
    ]
