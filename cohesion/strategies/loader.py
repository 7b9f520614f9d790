"""Strategies loaded from templates: the seed documents' own wording, as data files.

Each template in `templates/` is one JSON file copied from a real strategy
(Derby 2007, the Derby Charter 2014, Sheffield Together 2016), with `source`
naming the document and `notes` saying what the document does not give and
was therefore left empty. Loading goes through the same `actions` functions as
the pages, so it is checked and audited the same way, and it is all or
nothing: a template that fails part-way leaves no half-made strategy behind.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies import actions
from cohesion.strategies.choices import StatementKind, UpdateChannel
from cohesion.strategies.models import Strategy

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class TemplateError(ValueError):
    """The template cannot be loaded; the message says why and what to do instead."""


@dataclass(frozen=True)
class TemplateInfo:
    """What `cohesion strategy templates` lists about one template."""

    name: str
    title: str
    kind: str
    source: str
    council: str
    owner: str
    counts: dict[str, int]


def available_templates() -> list[TemplateInfo]:
    """Every template, by name."""
    return [_info(path.stem, _read(path.stem)) for path in sorted(TEMPLATES_DIR.glob("*.json"))]


def template_names() -> list[str]:
    return [path.stem for path in sorted(TEMPLATES_DIR.glob("*.json"))]


def read_template(name: str) -> dict[str, Any]:
    """The template's data as stored (a fresh copy), or TemplateError naming the choices."""
    if name not in template_names():
        raise TemplateError(
            f"There is no template called “{name}”. Templates: {', '.join(template_names())}"
        )
    return copy.deepcopy(_read(name))


@cache
def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TEMPLATES_DIR / f"{name}.json").read_text("utf-8"))
    return data


def _info(name: str, data: dict[str, Any]) -> TemplateInfo:
    return TemplateInfo(
        name=name,
        title=data["title"],
        kind=data["kind"],
        source=data["source"],
        council=data.get("council", ""),
        owner=data.get("owner", ""),
        counts=template_counts(data),
    )


def template_counts(data: dict[str, Any]) -> dict[str, int]:
    """How many of each part the template holds (what a loaded strategy will have)."""
    statements = data.get("statements", [])
    group = data.get("leadership_group") or {}
    return {
        "aims": sum(s["kind"] == StatementKind.AIM for s in statements),
        "values": sum(s["kind"] == StatementKind.VALUE for s in statements),
        "principles": sum(s["kind"] == StatementKind.PRINCIPLE for s in statements),
        "objectives": len(data.get("objectives", [])),
        "commitments": len(data.get("commitments", [])),
        "plans": len(data.get("plans", [])),
        "actions": sum(len(p.get("actions", [])) for p in data.get("plans", [])),
        "group members": len(group.get("members", [])),
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _organisation(name: str | None, default: Organisation) -> Organisation:
    """The organisation the template names, if it exists here; else the owner."""
    if not name:
        return default
    return Organisation.objects.filter(name=name).first() or default


@transaction.atomic
def load_template(
    name: str,
    *,
    owner: Organisation,
    council: Area | None,
    by: User | None,
    slug: str | None = None,
    members: bool = True,
    made_at: dt.datetime | None = None,
) -> Strategy:
    """Create a strategy from template `name`, owned by `owner`; all or nothing.

    Refused (TemplateError) when a strategy already has the slug, so loading
    twice never duplicates or overwrites anything. Organisations the template
    names (plan holders, action owners, group members) are matched by name to
    organisations that exist; otherwise they are `owner`. The seed's lead text is
    kept in each action's `lead_name`. `members=False` leaves the leadership
    group without the named people of the seed (the demo adds fictional ones);
    `made_at` dates the actions' first history rows (the demo's adoption date).
    """
    data = read_template(name)
    slug = slug or data["name"]
    try:
        validate_slug(slug)
    except ValidationError:
        raise TemplateError(
            f"“{slug}” cannot be a short name: use letters, numbers, hyphens and underscores"
        ) from None
    existing = Strategy.objects.filter(slug=slug).first()
    if existing is not None:
        raise TemplateError(
            f"A strategy with the short name “{slug}” already exists ({existing.title}); "
            "nothing was loaded. Choose another short name with --slug."
        )
    try:
        strategy = actions.create_strategy(
            by=by,
            data={
                "slug": slug,
                "title": data["title"],
                "kind": data["kind"],
                "owner": owner,
                "council": council,
                "vision": data.get("vision", ""),
                "purpose": data.get("purpose", ""),
                "objective_label": data.get("objective_label", "Objective"),
                "starts_on": _date(data.get("starts_on")),
                "ends_on": _date(data.get("ends_on")),
                "review_interval_months": data.get("review_interval_months", 6),
                "template": data["name"],
                "source": data["source"],
                "objectives": data.get("objectives", []),
                "statements": data.get("statements", []),
                "commitments": data.get("commitments", []),
            },
        )
        objectives = {o.code: o for o in strategy.objectives.all()}
        group_data = data.get("leadership_group")
        if group_data:
            group = actions.set_leadership_group(
                by=by, strategy=strategy, name=group_data["name"], remit=group_data["remit"]
            )
            for member in group_data.get("members", []) if members else []:
                actions.add_group_member(
                    by=by,
                    group=group,
                    organisation=_organisation(member.get("organisation"), owner),
                    # The model has one name field: the seed's position goes beside the name.
                    name=f"{member['name']} ({member['position']})"
                    if member.get("position")
                    else member["name"],
                    role=member.get("role", "member"),
                )
        for plan_data in data.get("plans", []):
            holder = _organisation(plan_data.get("organisation"), owner)
            plan = actions.create_plan(
                by=by,
                strategy=strategy,
                organisation=holder,
                title=plan_data["title"],
                starts_on=dt.date.fromisoformat(plan_data["starts_on"]),
                ends_on=dt.date.fromisoformat(plan_data["ends_on"]),
            )
            for action in plan_data.get("actions", []):
                actions.create_action(
                    by=by,
                    plan=plan,
                    channel=UpdateChannel.TEMPLATE,
                    made_at=made_at,
                    data={
                        "reference": action.get("reference", ""),
                        "title": action["title"],
                        "description": action.get("description", ""),
                        "owner": _organisation(action.get("owner"), holder),
                        "lead_name": action.get("lead_name", ""),
                        "starts_on": _date(action.get("starts_on")),
                        "due_on": _date(action.get("due_on")),
                        "objectives": [objectives[code] for code in action.get("objectives", [])],
                    },
                )
    except actions.ActionInvalid as error:
        raise TemplateError(f"The template “{name}” could not be loaded: {error}") from error
    record(
        action=AuditAction.STRATEGY_TEMPLATE_LOADED,
        by=by,
        target=strategy,
        detail={
            "template": data["name"],
            "slug": strategy.slug,
            "owner": owner.name,
            "council": council.code if council is not None else "",
            "source": data["source"],
            "counts": template_counts(data) | ({} if members else {"group members": 0}),
        },
    )
    return strategy
