from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cohesion.accounts.access import get_organisation_for_user, get_person_for_user
from cohesion.accounts.forms import LoginForm
from cohesion.accounts.models import Organisation, Role, User
from cohesion.accounts.permissions import (
    ROLE_DESCRIPTIONS,
    Permission,
    areas_in_scope,
    has_permission,
)
from cohesion.accounts.work import work_for
from cohesion.areas.models import AreaLevel
from cohesion.audit.log import record_view


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in home page: who you are, what you can do and where."""
    user: User = request.user  # type: ignore[assignment]
    if user.role == Role.APPLICANT:
        # A community group's account has one job: its grant applications.
        return redirect("grants-home")
    councils = areas_in_scope(user).filter(level=AreaLevel.LAD).order_by("name")
    return render(
        request,
        "accounts/dashboard.html",
        {
            "role_description": ROLE_DESCRIPTIONS.get(user.role, ""),  # type: ignore[call-overload]
            "councils": councils[:20],
            "can_view_audit": has_permission(user, Permission.AUDIT_VIEW),
            "can_view_members": has_permission(user, Permission.ORGANISATION_VIEW_MEMBERS),
            "work": work_for(user),
            "can": {
                "report": True,
                "incidents": has_permission(user, Permission.INCIDENT_VIEW),
                "tensions": has_permission(user, Permission.TENSION_DASHBOARD),
                "intelligence": has_permission(user, Permission.TENSION_VIEW),
                "mediation": has_permission(user, Permission.MEDIATION_VIEW),
                "data_protection": has_permission(user, Permission.DATA_PROTECTION),
            },
        },
    )


@require_GET
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every partner organisation's name and type (not personal data)."""
    organisations = Organisation.objects.prefetch_related("areas").order_by("name")
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@require_GET
@login_required
def organisation_detail(request: HttpRequest, organisation_uuid: str) -> HttpResponse:
    """An organisation's own page, listing its people: personal data, so audited."""
    viewer: User = request.user  # type: ignore[assignment]
    organisation = get_organisation_for_user(viewer, organisation_uuid)
    members = organisation.members.filter(is_active=True).order_by("last_name", "first_name")
    record_view(by=viewer, target=organisation, what="member list (names, roles, job titles)")
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_view_people": has_permission(viewer, Permission.PERSON_VIEW),
        },
    )


@require_GET
@login_required
def person_detail(request: HttpRequest, person_uuid: str) -> HttpResponse:
    """One person's account details: personal data, so audited."""
    viewer: User = request.user  # type: ignore[assignment]
    person = get_person_for_user(viewer, person_uuid)
    record_view(by=viewer, target=person, what="account details (name, email, role, areas)")
    return render(
        request,
        "accounts/person_detail.html",
        {"person": person, "areas": person.areas.order_by("name")},
    )
