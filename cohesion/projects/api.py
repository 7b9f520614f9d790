"""/api/v1/projects/: the register, read-only (list and one project).

The same access helpers as the pages: without PROJECTS_VIEW, or outside the
person's partnership, a project is a 404 like a missing one.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.projects import access
from cohesion.projects.models import Project

router = Router(tags=["projects"], auth=django_auth)
MAX_PAGE_SIZE = 500


class ProjectOut(Schema):
    uuid: str
    title: str
    description: str
    activity_type: str | None
    delivery_method: str | None
    primary_beneficiaries: str | None = Field(..., description="None: not stated")
    priorities: list[str]
    area_code: str | None
    area_name: str | None
    funder: str
    lead_organisation: str
    budget: Decimal | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    outputs: str
    is_synthetic: bool


class ProjectPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectOut]


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not has_permission(user, Permission.PROJECTS_VIEW):
        raise Http404
    return user


def _out(p: Project) -> dict[str, object]:
    return {
        "uuid": str(p.uuid),
        "title": p.title,
        "description": p.description,
        "activity_type": p.activity_type.name if p.activity_type else None,
        "delivery_method": p.delivery_method.name if p.delivery_method else None,
        "primary_beneficiaries": p.primary_beneficiaries.name if p.primary_beneficiaries else None,
        "priorities": [c.name for c in p.priorities.all()],
        "area_code": p.area.code if p.area else None,
        "area_name": p.area.name if p.area else None,
        "funder": p.funder,
        "lead_organisation": p.lead_organisation.name,
        "budget": p.budget,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "outputs": p.outputs,
        "is_synthetic": p.is_synthetic,
    }


@router.get("/", response=ProjectPage)
def list_projects(request: HttpRequest, query: Query[PageQuery]) -> dict[str, object]:
    user = _user(request)
    qs = (
        access.projects_visible_to(user)
        .select_related(
            "activity_type", "delivery_method", "primary_beneficiaries", "area", "lead_organisation"
        )
        .prefetch_related("priorities")
        .order_by("title", "id")
    )
    paginator = Paginator(qs, query.page_size)
    if query.page > max(paginator.num_pages, 1):
        raise Http404
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [_out(p) for p in page.object_list],
    }


@router.get("/{key}", response=ProjectOut)
def get_project(request: HttpRequest, key: str) -> dict[str, object]:
    return _out(access.get_project_for_user(_user(request), key))
