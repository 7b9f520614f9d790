"""Progress and counts rolled up from actions to objectives to the strategy.

Decidim's rule: a parent's progress is the weighted mean of its children's,
`Σ wᵢpᵢ / Σ wᵢ` (a plain mean when every weight is 1). Cancelled actions are left
out of progress (the work will not happen) but still counted by status, which
comes before RAG: RAG is counted only among actions in progress. An action that
serves several objectives counts towards each of them.

Reads only: one query for the actions and one for their objective tags, so a
strategy of any size costs the same two queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from cohesion.strategies.choices import Rag, Status
from cohesion.strategies.models import Action, Objective, Strategy


@dataclass
class Rollup:
    """Counts by status, RAG among those in progress, and weighted progress (0-100)."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_rag: Counter[str] = field(default_factory=Counter)
    progress: float | None = None
    _weighted: Decimal = Decimal(0)
    _weights: Decimal = Decimal(0)

    def add(self, *, status: str, rag: str, progress: int, weight: Decimal) -> None:
        self.total += 1
        self.by_status[status] += 1
        if status == Status.IN_PROGRESS and rag:
            self.by_rag[rag] += 1
        if status != Status.CANCELLED and weight > 0:
            self._weighted += weight * progress
            self._weights += weight
            self.progress = float(self._weighted / self._weights)

    def status_counts(self) -> list[tuple[Status, int]]:
        return [(s, self.by_status.get(s.value, 0)) for s in Status]

    def rag_counts(self) -> list[tuple[Rag, int]]:
        return [(r, self.by_rag.get(r.value, 0)) for r in Rag]

    @property
    def in_progress(self) -> int:
        return self.by_status.get(Status.IN_PROGRESS, 0)


@dataclass
class ObjectiveRollup:
    objective: Objective
    rollup: Rollup


@dataclass
class StrategyRollup:
    strategy: Strategy
    objectives: list[ObjectiveRollup]
    # Every action of the strategy, tagged or not.
    actions: Rollup
    # Weighted mean of the objectives' progress (objectives with no actions left out);
    # the actions' own mean when the strategy has no objectives with actions.
    progress: float | None


def weighted_mean(pairs: Iterable[tuple[float, Decimal]]) -> float | None:
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in pairs:
        if weight > 0:
            total += Decimal(str(value)) * weight
            weights += weight
    return float(total / weights) if weights else None


def roll_up(strategy: Strategy, actions: QuerySet[Action] | None = None) -> StrategyRollup:
    """The strategy's roll-up; pass `actions` to roll up a subset (one plan, one partner)."""
    if actions is None:
        actions = Action.objects.filter(strategy=strategy)
    rows = list(actions.values("pk", "status", "rag", "progress", "weight"))
    tags = Action.objectives.through.objects.filter(action_id__in=[r["pk"] for r in rows])
    objectives_of: dict[int, list[int]] = {}
    for action_id, objective_id in tags.values_list("action_id", "objective_id"):
        objectives_of.setdefault(action_id, []).append(objective_id)

    objectives = list(strategy.objectives.all())
    per_objective = {o.pk: Rollup() for o in objectives}
    overall = Rollup()
    for row in rows:
        status, rag, progress_, weight = row["status"], row["rag"], row["progress"], row["weight"]
        overall.add(status=status, rag=rag, progress=progress_, weight=weight)
        for objective_id in objectives_of.get(row["pk"], []):
            if objective_id in per_objective:
                per_objective[objective_id].add(
                    status=status, rag=rag, progress=progress_, weight=weight
                )

    objective_rollups = [ObjectiveRollup(o, per_objective[o.pk]) for o in objectives]
    progress = weighted_mean(
        (r.rollup.progress, r.objective.weight)
        for r in objective_rollups
        if r.rollup.progress is not None
    )
    if progress is None:
        progress = overall.progress
    return StrategyRollup(strategy, objective_rollups, overall, progress)
