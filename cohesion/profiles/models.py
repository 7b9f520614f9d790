"""Published statistics about small areas, as imported from open data files.

A `Dataset` is one imported table (Census 2021 country of birth, IoD 2019 …) at
the geography it was published for; a `Figure` is one number in it. Figures
are kept at the published geography (output area, LSOA or MSOA, in that table's
boundary generation) and aggregated to wards when read, so a ward boundary
change or a new lookup never needs a re-import. Output areas are not loaded as
`Area` rows, so figures name their area by GSS code; an output-area row also
names the LSOA holding it (ONS publishes that), which is how it reaches a ward.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Topic(models.TextChoices):
    COUNTRY_OF_BIRTH = "country_of_birth", "Country of birth"
    ETHNIC_GROUP = "ethnic_group", "Ethnic group"
    RELIGION = "religion", "Religion"
    AGE = "age", "Age"
    ENGLISH_PROFICIENCY = "english_proficiency", "Proficiency in English"
    HOUSEHOLD_LANGUAGE = "household_language", "Household language"
    MIGRATION = "migration", "Address one year ago (migration)"
    DEPRIVATION = "deprivation", "Indices of deprivation"
    POPULATION = "population", "Population estimates"


class Geography(models.TextChoices):
    OA = "oa", "Output area"
    LSOA = "lsoa", "Lower layer super output area"
    MSOA = "msoa", "Middle layer super output area"
    LAD = "lad", "Local authority"


class Dataset(models.Model):
    """One imported table: what it is, where it came from, and at what geography."""

    topic = models.CharField(max_length=24, choices=Topic.choices)
    # The edition, e.g. "Census 2021", "IoD 2019", "IoD 2025", "Mid-2020".
    edition = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    # Publisher and table, shown beside every figure: "ONS Census 2021, table TS004".
    source = models.CharField(max_length=300)
    # The date the figures describe (census day, the IoD's data year, mid-year).
    reference_date = models.DateField()
    licence = models.CharField(max_length=200, default="Open Government Licence v3.0")
    geography = models.CharField(max_length=4, choices=Geography.choices)
    # Boundary year of the areas the figures are published for (2011 or 2021 LSOAs).
    generation = models.PositiveSmallIntegerField()
    file_name = models.CharField(max_length=300)
    # How the file was read (bundled, ONS bulk, ONS custom dataset, MHCLG file …).
    layout = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["topic", "-reference_date"]
        constraints = [
            # Importing the same table again replaces it (all or nothing).
            models.UniqueConstraint(
                fields=["topic", "edition", "geography"],
                name="%(app_label)s_%(class)s_topic_edition_geography_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}, {self.edition} ({self.get_geography_display()})"


class Figure(models.Model):
    """One published number: a measure of one area in one dataset."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="figures")
    area_code = models.CharField(max_length=9)
    # For output-area rows, the LSOA (same generation) that holds the output area.
    lsoa_code = models.CharField(max_length=9, blank=True)
    # A canonical measure name for the topic (see cohesion/profiles/measures.py).
    measure = models.CharField(max_length=64)
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "area_code", "measure"],
                name="%(app_label)s_%(class)s_dataset_area_measure_unique",
            ),
            models.CheckConstraint(
                condition=~Q(area_code=""), name="%(app_label)s_%(class)s_area_code_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["dataset", "measure"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.measure} = {self.value}"
