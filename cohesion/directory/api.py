"""/api/v1/directory/: staff read and update directory services, with the pages' permissions.

The same access helpers and actions as the staff pages: a person lists and
changes the services they keep (or review); anything else is a 404. A
community group's update waits for review, exactly as on the pages. The public,
read-only Open Referral UK API is separate (/openreferral/).

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.directory import access, actions
from cohesion.directory.models import (
    RevisionStatus,
    Service,
    ServiceRevision,
    TaxonomyTerm,
    not_checked_q,
)
from cohesion.directory.vocab import LANGUAGE_NAMES

router = Router(tags=["directory"], auth=django_auth)
MAX_PAGE_SIZE = 200

StatusValue = Literal["active", "inactive", "defunct", "temporarily closed"]


class ServiceOut(Schema):
    id: str
    name: str
    organization_id: str
    organization_name: str
    status: str
    is_published: bool
    assured_date: dt.date | None
    not_checked: bool
    has_pending_change: bool


class ServicePage(Schema):
    total: int
    page: int
    pages: int
    items: list[ServiceOut]


class ServiceDetail(ServiceOut):
    values: dict[str, Any]
    pending_values: dict[str, Any] | None


class ServicePatch(Schema):
    name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: StatusValue | None = None
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    categories: list[str] | None = None
    languages: list[str] | None = None
    phone: str | None = None


class UpdateOut(Schema):
    revision_id: str
    revision_status: str
    service: ServiceDetail


class ProblemsOut(Schema):
    problems: dict[str, str]


class PageQuery(Schema):
    page: int = 1
    per_page: int = 50
    needs_review: bool = False
    not_checked: bool = False


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _out(service: Service, pending: bool) -> dict[str, Any]:
    return {
        "id": str(service.id),
        "name": service.name,
        "organization_id": str(service.organization_id),
        "organization_name": service.organization.name,
        "status": service.status,
        "is_published": service.is_published,
        "assured_date": service.assured_date,
        "not_checked": service.not_checked,
        "has_pending_change": pending,
    }


def _detail(service: Service) -> ServiceDetail:
    pending = actions.pending_revision(service)
    return ServiceDetail(
        **_out(service, pending is not None),
        values=actions.service_payload(service),
        pending_values=pending.data if pending else None,
    )


@router.get("/services", response=ServicePage, summary="Services you keep or review")
def list_services(request: HttpRequest, query: Query[PageQuery]) -> ServicePage:
    pending = ServiceRevision.objects.filter(service=OuterRef("pk"), status=RevisionStatus.PENDING)
    qs = (
        access.services_for_editor(_user(request))
        .select_related("organization")
        .annotate(has_pending=Exists(pending))
        .order_by("name", "id")
    )
    if query.needs_review:
        qs = qs.filter(has_pending=True)
    if query.not_checked:
        qs = qs.filter(not_checked_q())
    per_page = max(1, min(query.per_page, MAX_PAGE_SIZE))
    page = Paginator(qs, per_page).get_page(query.page)
    return ServicePage(
        total=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        items=[ServiceOut(**_out(s, s.has_pending)) for s in page.object_list],
    )


@router.get("/services/{service_id}", response=ServiceDetail, summary="One service's values")
def get_service(request: HttpRequest, service_id: str) -> ServiceDetail:
    return _detail(access.get_service_for_editor(_user(request), service_id))


@router.patch(
    "/services/{service_id}",
    response={200: UpdateOut, 404: ProblemsOut, 422: ProblemsOut},
    summary="Update a service (published at once, or waiting for review for community groups)",
    description="Send only the fields you change. Services you may not change are a 404.",
)
def update_service(request: HttpRequest, service_id: str, payload: ServicePatch) -> Any:
    user = _user(request)
    service = access.get_service_for_editor(user, service_id)
    fields = payload.model_dump(exclude_unset=True)
    problems: dict[str, str] = {}
    if "name" in fields and not (fields["name"] or "").strip():
        problems["name"] = "A service needs a name."
    for key in ("categories", "languages"):
        if key in fields and fields[key] is None:
            fields[key] = []
    if fields.get("categories"):
        known = {
            str(t)
            for t in TaxonomyTerm.objects.filter(
                id__in=[c for c in fields["categories"] if _is_uuid(c)]
            ).values_list("id", flat=True)
        }
        unknown = [c for c in fields["categories"] if c not in known]
        if unknown:
            problems["categories"] = f"Unknown taxonomy term ids: {', '.join(unknown)}"
    unknown_languages = [c for c in fields.get("languages") or [] if c not in LANGUAGE_NAMES]
    if unknown_languages:
        problems["languages"] = f"Unknown language codes: {', '.join(unknown_languages)}"
    values = actions.service_payload(service)
    for key in actions.SERVICE_FIELDS:
        if key in fields:
            values["service"][key] = "" if fields[key] is None and "age" not in key else fields[key]
    low, high = values["service"]["minimum_age"], values["service"]["maximum_age"]
    if low is not None and high is not None and high < low:
        problems["maximum_age"] = "Maximum age must not be below the minimum age."
    if problems:
        return Status(422, ProblemsOut(problems=problems))
    for key in ("categories", "languages", "phone"):
        if key in fields:
            values[key] = fields[key] or ([] if key != "phone" else "")
    revision = actions.update_service(by=user, service=service, data=values)
    service.refresh_from_db()
    return Status(
        200,
        UpdateOut(
            revision_id=str(revision.id),
            revision_status=revision.status,
            service=_detail(service),
        ),
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
