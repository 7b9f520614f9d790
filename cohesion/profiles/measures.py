"""Canonical measures: what each imported table is stored as, and what a profile shows.

Two vocabularies live here:

- `TOPIC_MEASURES`: the names stored in `Figure.measure` for each topic (the
  contract of issue 7; other apps rely on them). Counts are stored as
  published, never percentages, so they can be summed to any area.
- `Measure`: one figure a profile shows (a percentage, a count or an average
  rank), with its label, unit, source and date. `cohesion.profiles.figures`
  builds these from the imported datasets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# The IoD domains and sub-domains, in MHCLG's order.
DEPRIVATION_DOMAINS: Final[tuple[str, ...]] = (
    "imd",
    "income",
    "employment",
    "education",
    "health",
    "crime",
    "housing",
    "environment",
    "children_young_people",
    "adult_skills",
    "geographical_barriers",
    "wider_barriers",
    "indoors",
    "outdoors",
)
# The IMD and its seven domains (the sub-domains are not in every file).
MAIN_DEPRIVATION_DOMAINS: Final[tuple[str, ...]] = DEPRIVATION_DOMAINS[:8]

DEPRIVATION_MEASURES: Final[tuple[str, ...]] = tuple(
    f"{domain}_{kind}" for domain in DEPRIVATION_DOMAINS for kind in ("rank", "decile", "score")
)

AGE_YEARS: Final[tuple[str, ...]] = (*(f"age_{a}" for a in range(90)), "age_90_plus")

# Count topics: "total" then the categories that partition it (they add up to the total).
PARTS: Final[dict[str, tuple[str, ...]]] = {
    "country_of_birth": ("born_in_uk", "born_outside_uk"),
    "household_language": ("same_main_language", "different_main_languages"),
    "ethnic_group": ("asian", "black", "mixed", "white", "other"),
    "religion": (
        "no_religion",
        "christian",
        "buddhist",
        "hindu",
        "jewish",
        "muslim",
        "sikh",
        "other_religion",
        "not_answered",
    ),
    "age": ("age_0_15", "age_16_24", "age_25_34", "age_35_49", "age_50_64", "age_65_plus"),
    "english_proficiency": ("main_english", "very_well", "well", "not_well", "not_at_all"),
    "migration": ("same_address", "student_or_boarding", "from_within_uk", "from_outside_uk"),
    "population": AGE_YEARS,
}

TOPIC_MEASURES: Final[dict[str, tuple[str, ...]]] = {
    **{topic: ("total", *parts) for topic, parts in PARTS.items()},
    "deprivation": DEPRIVATION_MEASURES,
}

# Who publishes each topic, the table, and the date the figures describe (defaults
# for a Dataset; an import can override them).
TOPIC_SOURCES: Final[dict[str, tuple[str, str, str]]] = {
    # topic: (title, source, reference date ISO)
    "country_of_birth": ("Country of birth", "ONS Census 2021, table TS004", "2021-03-21"),
    "ethnic_group": ("Ethnic group", "ONS Census 2021, table TS021", "2021-03-21"),
    "religion": ("Religion", "ONS Census 2021, table TS030", "2021-03-21"),
    "age": ("Age", "ONS Census 2021, table TS007", "2021-03-21"),
    "english_proficiency": (
        "Proficiency in English",
        "ONS Census 2021, table TS029",
        "2021-03-21",
    ),
    "household_language": (
        "Multiple main languages in household",
        "ONS Census 2021, table TS026",
        "2021-03-21",
    ),
    "migration": (
        "Migrant indicator (address one year before the census)",
        "ONS Census 2021, table TS019",
        "2021-03-21",
    ),
    "deprivation": (
        "English Indices of Deprivation",
        "MHCLG English Indices of Deprivation",
        "2019-09-26",
    ),
    "population": (
        "Small area population estimates",
        "ONS mid-year small area population estimates",
        "2020-06-30",
    ),
}

# Number of LSOAs ranked in England by each IoD edition (rank 1 = most deprived).
IOD_LSOA_COUNT: Final[dict[str, int]] = {"IoD 2019": 32_844, "IoD 2025": 33_755}
IOD_GENERATION: Final[dict[str, int]] = {"IoD 2019": 2011, "IoD 2025": 2021}
IOD_DATE: Final[dict[str, str]] = {"IoD 2019": "2019-09-26", "IoD 2025": "2025-10-30"}

DEFAULT_EDITION: Final[dict[str, str]] = {
    **{topic: "Census 2021" for topic in PARTS if topic != "population"},
    "deprivation": "IoD 2019",
    "population": "Mid-2020",
}

ROLES: Final = ("context", "driver", "outcome")


@dataclass(frozen=True)
class Measure:
    """One figure a profile shows, with everything needed to say what it is."""

    key: str
    label: str
    unit: str  # "%", "people", "rank", "years", "per 1,000"
    topic: str
    source: str
    date: str
    role: str  # "context" | "driver" | "outcome"
    decimals: int
    note: str = ""


def measures_for(topic: str) -> tuple[str, ...]:
    """The canonical measure names of a topic (KeyError for an unknown topic)."""
    return TOPIC_MEASURES[topic]
