"""The public pages of published strategies: no sign-in, nothing internal.

Residents see each objective's progress and what has been done: an action's
title, status, progress, its public summary and, only where the lead marked it
public, its commentary. Never the RAG rating or its commentary, corrective
actions, or the names of leads (many are partner staff): the queries here read
only the public fields, so a template change cannot leak the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohesion.strategies.access import published_strategies
from cohesion.strategies.choices import Status
from cohesion.strategies.models import Action, Objective
from cohesion.strategies.rollup import roll_up
from cohesion.strategies.views import percent

# The only fields of an action a public page reads.
PUBLIC_ACTION_FIELDS = (
    "pk",
    "reference",
    "title",
    "status",
    "progress",
    "due_on",
    "completed_on",
    "public_summary",
    "commentary",
    "commentary_is_public",
    "owner__name",
)


@dataclass
class PublicAction:
    reference: str
    title: str
    status: str
    progress: int
    due_on: Any
    completed_on: Any
    summary: str
    commentary: str
    organisation: str


@dataclass
class PublicObjective:
    objective: Objective | None
    progress: int | None
    actions: list[PublicAction] = field(default_factory=list)


def _public_action(row: dict[str, Any]) -> PublicAction:
    return PublicAction(
        reference=row["reference"],
        title=row["title"],
        status=str(Status(row["status"]).label),
        progress=row["progress"],
        due_on=row["due_on"],
        completed_on=row["completed_on"],
        summary=row["public_summary"],
        commentary=row["commentary"] if row["commentary_is_public"] else "",
        organisation=row["owner__name"],
    )


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    strategies = list(published_strategies().select_related("owner"))
    rows = [(s, percent(roll_up(s).progress)) for s in strategies]
    return render(request, "strategies/public_list.html", {"rows": rows})


@require_GET
def public_detail(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = published_strategies().select_related("owner").filter(slug=slug).first()
    if strategy is None:
        raise Http404
    rollup = roll_up(strategy)
    rows = list(
        Action.objects.filter(strategy=strategy)
        .order_by("plan__starts_on", "reference", "pk")
        .values(*PUBLIC_ACTION_FIELDS)
    )
    tags: dict[int, list[int]] = defaultdict(list)
    for action_id, objective_id in Action.objectives.through.objects.filter(
        action__strategy=strategy
    ).values_list("action_id", "objective_id"):
        tags[action_id].append(objective_id)
    objectives = {
        o.objective.pk: PublicObjective(o.objective, percent(o.rollup.progress))
        for o in rollup.objectives
    }
    untagged = PublicObjective(None, None)
    for row in rows:
        action = _public_action(row)
        places = [objectives[o] for o in tags.get(row["pk"], []) if o in objectives]
        for place in places or [untagged]:
            place.actions.append(action)
    statements: dict[str, list[Any]] = defaultdict(list)
    for statement in strategy.statements.all():
        statements[statement.get_kind_display()].append(statement)
    return render(
        request,
        "strategies/public_detail.html",
        {
            "strategy": strategy,
            "progress": percent(rollup.progress),
            "total": rollup.actions.total,
            "complete": rollup.actions.by_status.get("complete", 0),
            "objectives": list(objectives.values()),
            "untagged": untagged if untagged.actions else None,
            "statements": dict(statements),
            "commitments": strategy.commitments.all(),
            "signatories": strategy.signatories.select_related("organisation"),
        },
    )
