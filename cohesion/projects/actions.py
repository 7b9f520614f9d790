"""Every change to the projects register goes through here, and is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.projects.models import Project, ProjectCategory


@transaction.atomic
def save_project(
    *, by: User | None, project: Project | None = None, priorities: Any = None, **data: Any
) -> Project:
    project = project or Project()
    created = project.pk is None
    changed = {}
    for name, value in data.items():
        if getattr(project, name, None) != value:
            changed[name] = str(value)
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if priorities is not None:
        project.priorities.set(priorities)
        changed["priorities"] = ", ".join(p.name for p in priorities)
    record(
        action=AuditAction.PROJECT_CHANGED,
        by=by,
        target=project,
        detail={"what": "project", "created": created, "changed": changed},
    )
    return project


@transaction.atomic
def save_category(
    *, by: User | None, category: ProjectCategory | None = None, **data: Any
) -> ProjectCategory:
    category = category or ProjectCategory()
    created = category.pk is None
    for name, value in data.items():
        setattr(category, name, value)
    category.full_clean()
    category.save()
    record(
        action=AuditAction.PROJECT_CHANGED,
        by=by,
        target=category,
        detail={
            "what": "category",
            "created": created,
            "kind": category.kind,
            "name": category.name,
        },
    )
    return category
