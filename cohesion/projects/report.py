"""Aggregate reports in the seed's own form, one per dimension.

"25 projects: 10 debates and discussions, 2 non-accredited training, …" (East
Midlands PVE project mapping, seed 002). For each dimension: the number of
projects and their total budget per category, most projects first (ties in the
vocabulary's order), then "other", then "not stated". Activity type, delivery method and
primary beneficiaries have one category per project, so the counts add up to
the total; a project may serve several priorities and counts towards each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohesion.projects.models import CategoryKind, Project, ProjectCategory

NOT_STATED = "not stated"


@dataclass
class Row:
    name: str
    count: int
    budget: Decimal


@dataclass
class Dimension:
    kind: str
    label: str
    total: int
    rows: list[Row]
    several: bool

    @property
    def sentence(self) -> str:
        return sentence(self.total, self.rows)

    @property
    def slug(self) -> str:
        return self.kind.replace("_", "-")


def sentence(total: int, rows: list[Row]) -> str:
    head = ngettext("%(n)d project", "%(n)d projects", total) % {"n": total}
    parts = [f"{row.count} {row.name}" for row in rows if row.count]
    return f"{head}: {', '.join(parts)}." if parts else f"{head}."


def _rows(
    categories: list[ProjectCategory],
    counts: dict[int | None, int],
    budgets: dict[int | None, Decimal],
) -> list[Row]:
    # "other" goes last, as a catch-all does in the seed's sentences.
    ordered = sorted(
        categories, key=lambda c: (c.name == "other", -counts.get(c.id, 0), c.order, c.name)
    )
    rows = [
        Row(name=c.name, count=counts.get(c.id, 0), budget=budgets.get(c.id, Decimal(0)))
        for c in ordered
    ]
    if counts.get(None):
        rows.append(Row(name=_(NOT_STATED), count=counts[None], budget=budgets[None]))
    return rows


def aggregate(projects: QuerySet[Project]) -> list[Dimension]:
    items = list(projects.prefetch_related("priorities"))
    by_kind: dict[str, list[ProjectCategory]] = defaultdict(list)
    for category in ProjectCategory.objects.all():
        by_kind[category.kind].append(category)
    dimensions = []
    for kind, field in (
        (CategoryKind.ACTIVITY_TYPE, "activity_type_id"),
        (CategoryKind.DELIVERY_METHOD, "delivery_method_id"),
        (CategoryKind.BENEFICIARIES, "primary_beneficiaries_id"),
        (CategoryKind.PRIORITY, None),
    ):
        counts: dict[int | None, int] = defaultdict(int)
        budgets: dict[int | None, Decimal] = defaultdict(Decimal)
        for project in items:
            keys: list[int | None]
            if field is None:
                keys = [p.id for p in project.priorities.all()] or [None]
            else:
                keys = [getattr(project, field)]
            for key in keys:
                counts[key] += 1
                budgets[key] += project.budget or Decimal(0)
        dimensions.append(
            Dimension(
                kind=kind.value,
                label=str(kind.label),
                total=len(items),
                rows=_rows(by_kind[kind.value], counts, budgets),
                several=field is None,
            )
        )
    return dimensions


def chart(dimension: Dimension, *, width: int = 520) -> dict[str, object]:
    label_width, space = 240, width - 240 - 40
    most = max((r.count for r in dimension.rows), default=0) or 1
    bars = []
    for i, row in enumerate(dimension.rows):
        y = 8 + i * 28
        w = round(row.count / most * space, 1)
        bars.append(
            {
                "label": row.name,
                "value": row.count,
                "y": y,
                "text_y": y + 14,
                "width": w,
                "text_x": label_width + w + 6,
            }
        )
    return {"width": width, "height": 16 + 28 * len(bars), "label_width": label_width, "bars": bars}
