"""Reads for tension pages and the API: scope-aware and free of N+1 queries.

The current level of a ward is its latest *approved* assessment whose period has
started (`latest_approved`). Unapproved assessments never count: an officer's
draft must not change what the dashboard tells a councillor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.accounts.permissions import areas_in_scope
from cohesion.areas.models import Area, AreaLevel
from cohesion.tensions import choices as c
from cohesion.tensions.access import assessments_visible_to
from cohesion.tensions.models import IntelligenceItem, TensionAssessment, TensionLevel

# Fill colours for the six default levels (GOV.UK palette tints, dark enough at the
# top of the scale to read as serious). Levels beyond 5 reuse the darkest colour.
LEVEL_COLOURS = ["#cce2d8", "#85b09a", "#ffdd00", "#f47738", "#d4351c", "#6b1a0e"]
NO_ASSESSMENT_COLOUR = "#f3f2f1"
RAG_TAG: dict[str, str] = {
    c.Rag.GREEN: "govuk-tag--green",
    c.Rag.AMBER: "govuk-tag--yellow",
    c.Rag.RED: "govuk-tag--red",
}


def level_colour(value: int | None) -> str:
    if value is None:
        return NO_ASSESSMENT_COLOUR
    return LEVEL_COLOURS[min(value, len(LEVEL_COLOURS) - 1)]


def _current_ward_filter() -> Q:
    """Wards in their council's newest boundaries (older sets are kept only for history)."""
    newest = (
        Area.objects.filter(council=OuterRef("council"), level=AreaLevel.WARD)
        .order_by("-generation")
        .values("generation")[:1]
    )
    return Q(level=AreaLevel.WARD, generation=Subquery(newest))


def wards_in_scope(user: User) -> QuerySet[Area]:
    """The current wards a person covers, by council then name."""
    return (
        areas_in_scope(user)
        .filter(_current_ward_filter())
        .select_related("council")
        .order_by("council__name", "name")
    )


def councils_in_scope(user: User) -> QuerySet[Area]:
    """Councils a person covers in full, or in part through some of their wards."""
    scope = areas_in_scope(user)
    return Area.objects.filter(
        Q(level=AreaLevel.LAD)
        & (
            Q(id__in=scope.values("id"))
            | Q(id__in=scope.filter(level=AreaLevel.WARD).values("council_id"))
        )
    ).order_by("name")


def whole_councils_in_scope(user: User) -> QuerySet[Area]:
    """Councils the person covers entirely (so they may record against the whole council)."""
    return areas_in_scope(user).filter(level=AreaLevel.LAD).order_by("name")


def items_filtered(
    items: QuerySet[IntelligenceItem], filters: dict[str, object]
) -> QuerySet[IntelligenceItem]:
    """Apply the intelligence list's filters (type, grading, ward, verification, period)."""
    if filters.get("item_type"):
        items = items.filter(item_type=filters["item_type"])
    if filters.get("grading"):
        items = items.filter(grading=filters["grading"])
    if filters.get("verification_status"):
        items = items.filter(
            item_type=c.ItemType.RUMOUR, verification_status=filters["verification_status"]
        )
    ward = filters.get("ward")
    if ward is not None:
        items = items.filter(
            pk__in=IntelligenceItem.wards.through.objects.filter(area_id=ward.pk).values(  # type: ignore[attr-defined]
                "intelligenceitem_id"
            )
        )
    if filters.get("date_from"):
        items = items.filter(occurred_on__gte=filters["date_from"])
    if filters.get("date_to"):
        items = items.filter(occurred_on__lte=filters["date_to"])
    return items


def latest_approved(user: User, on: dt.date) -> QuerySet[TensionAssessment]:
    """Approved assessments visible to `user` for OuterRef("pk") area, newest first."""
    return (
        assessments_visible_to(user)
        .filter(area=OuterRef("pk"), approved_by__isnull=False, period_start__lte=on)
        .order_by("-period_start", "-period_end", "-id")
    )


@dataclass
class LevelRow:
    """One row of the dashboard: an area and its current assessment (or none)."""

    area: Area
    assessment: TensionAssessment | None
    level: TensionLevel | None
    today: dt.date
    path: str = ""

    @property
    def review_overdue(self) -> bool:
        return self.assessment is not None and self.assessment.next_review_on < self.today

    @property
    def colour(self) -> str:
        return level_colour(self.assessment.level if self.assessment else None)

    @property
    def rag_class(self) -> str:
        return RAG_TAG.get(self.level.rag, "govuk-tag--grey") if self.level else "govuk-tag--grey"


@dataclass
class CouncilLevels:
    council: Area
    council_row: LevelRow | None
    wards: list[LevelRow] = field(default_factory=list)


def scale() -> dict[int, TensionLevel]:
    return {level.value: level for level in TensionLevel.objects.all()}


def current_levels(user: User, on: dt.date | None = None) -> list[CouncilLevels]:
    """Every council and ward in the user's scope with its current approved level.

    Three queries whatever the number of wards: areas with the id of their latest
    approved assessment (a correlated subquery), those assessments, and the scale.
    """
    today = on or timezone.localdate()
    latest_id = Subquery(latest_approved(user, today).values("id")[:1])
    wards = list(wards_in_scope(user).annotate(latest_id=latest_id))
    councils = list(councils_in_scope(user).annotate(latest_id=latest_id))
    ids = [a.latest_id for a in [*wards, *councils] if a.latest_id]  # type: ignore[attr-defined]
    assessments = TensionAssessment.objects.in_bulk(ids)
    levels = scale()

    def row(area: Area) -> LevelRow:
        assessment = assessments.get(area.latest_id)  # type: ignore[attr-defined]
        level = levels.get(assessment.level) if assessment else None
        return LevelRow(area=area, assessment=assessment, level=level, today=today)

    covered_whole = set(whole_councils_in_scope(user).values_list("id", flat=True))
    result = []
    for council in councils:
        council_row = row(council)
        show_council = council.pk in covered_whole or council_row.assessment is not None
        result.append(
            CouncilLevels(
                council=council,
                council_row=council_row if show_council and council_row.assessment else None,
                wards=[row(w) for w in wards if w.council_id == council.pk],
            )
        )
    return result


def ward_in_scope(user: User, code: str) -> Area | None:
    """The ward with this GSS code (newest boundaries first) if the user covers it."""
    return (
        areas_in_scope(user)
        .filter(level=AreaLevel.WARD, code=code.upper())
        .select_related("council")
        .order_by("-generation")
        .first()
    )


def ward_history(user: User, ward: Area) -> list[TensionAssessment]:
    """Every assessment of the ward the user may see, oldest first."""
    return list(
        assessments_visible_to(user)
        .filter(area=ward)
        .select_related("organisation", "assessor", "approved_by")
        .order_by("period_start", "period_end", "id")
    )
