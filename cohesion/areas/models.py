"""Areas identified by their ONS GSS codes, with boundaries and lookups.

Boundaries change (Derby's wards were redrawn in 2023), so an area is one
code in one *generation*: the same code can appear in two generations (most
LSOAs kept their 2011 codes in 2021) and records elsewhere point at the exact
area they were recorded against.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery


class AreaLevel(models.TextChoices):
    LAD = "lad", "Local authority"
    WARD = "ward", "Ward"
    MSOA = "msoa", "Middle layer super output area"
    LSOA = "lsoa", "Lower layer super output area"


class AreaQuerySet(models.QuerySet["Area"]):
    def councils(self) -> AreaQuerySet:
        """Local authorities that have wards loaded (the councils Cohesion serves)."""
        # A subquery, not a join: a join would also filter any count annotated afterwards.
        wards = Area.objects.filter(council=OuterRef("pk"), level=AreaLevel.WARD)
        return self.filter(Exists(wards), level=AreaLevel.LAD)

    def wards(self) -> AreaQuerySet:
        return self.filter(level=AreaLevel.WARD)

    def current_wards(self, council: Area) -> AreaQuerySet:
        """The council's wards in its newest ward boundaries (older sets stay for history)."""
        return self.wards().filter(council=council, generation=latest_ward_generation(council.pk))

    def in_council(self, council: Area) -> AreaQuerySet:
        return self.filter(council=council)


def latest_ward_generation(council: int | OuterRef) -> Subquery:
    """The newest ward generation loaded for a council (a primary key or an OuterRef)."""
    wards = Area.objects.filter(Q(council=council), level=AreaLevel.WARD).order_by("-generation")
    return Subquery(wards.values("generation")[:1])


class Area(models.Model):
    """One area (council, ward, MSOA or LSOA) in one boundary generation."""

    code = models.CharField("GSS code", max_length=9)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=8, choices=AreaLevel.choices)
    generation = models.PositiveSmallIntegerField(
        help_text="Year of the boundary set, e.g. 2024 for December 2024 wards."
    )
    # The area this one nests in: LSOA 2021 → MSOA → council; ward → council.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The local authority, denormalised so "everything in Derby" is one indexed filter.
    council = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_members",
    )
    # RFC 7946 GeoJSON geometry (WGS84 lon/lat), kept as published.
    geometry = models.JSONField(null=True, blank=True)
    # Bounding box and an interior point, for fast filtering and map framing.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    point_lon = models.FloatField(null=True, blank=True)
    point_lat = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "generation"], name="%(app_label)s_%(class)s_code_generation_unique"
            ),
            models.CheckConstraint(
                condition=Q(level="lad") | Q(council__isnull=False),
                name="%(app_label)s_%(class)s_non_council_has_council",
            ),
        ]
        indexes = [
            models.Index(fields=["level", "council"]),
            # Covers the point look-up's "what boundaries are loaded" query, so it never
            # reads the (large) geometry column.
            models.Index(
                fields=["level", "generation", "min_lon", "updated_at"],
                name="areas_area_loaded_boundaries",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_council(self) -> bool:
        return self.level == AreaLevel.LAD

    @property
    def has_geometry(self) -> bool:
        return self.geometry is not None

    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.min_lon is None or self.min_lat is None:
            return None
        assert self.max_lon is not None and self.max_lat is not None
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def as_feature(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "properties": {"code": self.code, "name": self.name, "level": self.level},
            "geometry": self.geometry,
        }


class AreaLinkKind(models.TextChoices):
    LSOA11_TO_LSOA21 = "lsoa11_lsoa21", "LSOA 2011 to LSOA 2021"
    LSOA21_TO_WARD = "lsoa21_ward", "LSOA 2021 to ward (best fit)"


class AreaLink(models.Model):
    """A row of an ONS lookup between two areas of different kinds or generations."""

    kind = models.CharField(max_length=16, choices=AreaLinkKind.choices)
    from_area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="links_out")
    to_area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="links_in")
    # ONS change indicator for LSOA 2011→2021: U unchanged, S split, M merged, X irregular.
    change_code = models.CharField(max_length=1, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_area", "to_area"],
                name="%(app_label)s_%(class)s_kind_from_to_unique",
            ),
            # Best fit means exactly one ward per LSOA.
            models.UniqueConstraint(
                fields=["from_area"],
                condition=Q(kind="lsoa21_ward"),
                name="%(app_label)s_%(class)s_one_best_fit_ward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_area.code} → {self.to_area.code} ({self.kind})"
