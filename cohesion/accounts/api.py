"""/api/v1/me and /api/v1/organisations/: accounts over the same access helpers as the pages."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from cohesion.accounts.access import get_organisation_for_user
from cohesion.accounts.models import Organisation, User
from cohesion.audit.log import record_view

router = Router(tags=["accounts"], auth=django_auth)


class OrganisationRef(Schema):
    uuid: str
    name: str
    type: str


class MeOut(Schema):
    uuid: str
    username: str
    name: str
    role: str
    organisation: OrganisationRef | None


class MemberOut(Schema):
    uuid: str
    name: str
    role: str
    job_title: str


class OrganisationOut(OrganisationRef):
    areas: list[str]
    members: list[MemberOut]


def _org_ref(organisation: Organisation | None) -> OrganisationRef | None:
    if organisation is None:
        return None
    return OrganisationRef(
        uuid=str(organisation.uuid), name=organisation.name, type=organisation.type
    )


@router.get("/me", response=MeOut, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    user: User = request.user  # type: ignore[assignment]
    return MeOut(
        uuid=str(user.uuid),
        username=user.username,
        name=user.display_name,
        role=user.role,
        organisation=_org_ref(user.organisation),
    )


@router.get(
    "/organisations/{organisation_uuid}",
    response=OrganisationOut,
    summary="Your organisation and its people",
)
def organisation(request: HttpRequest, organisation_uuid: str) -> OrganisationOut:
    viewer: User = request.user  # type: ignore[assignment]
    org = get_organisation_for_user(viewer, organisation_uuid)
    members = org.members.filter(is_active=True).order_by("last_name", "first_name")
    record_view(by=viewer, target=org, what="member list (names, roles, job titles)")
    return OrganisationOut(
        uuid=str(org.uuid),
        name=org.name,
        type=org.type,
        areas=[a.code for a in org.areas.order_by("code")],
        members=[
            MemberOut(uuid=str(m.uuid), name=m.display_name, role=m.role, job_title=m.job_title)
            for m in members
        ],
    )
