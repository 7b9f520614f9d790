"""Load the real Derby and Sheffield statistics that ship inside Cohesion.

The files in `cohesion/opendata/` are ONS and MHCLG open data (Open Government
Licence v3.0; see its README for sources). They go through the same importers a
council uses for its own files, so the demo exercises the real code path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from django.db import transaction

from cohesion.areas.bundled import OPEN_DATA
from cohesion.profiles.actions import import_statistics

if TYPE_CHECKING:
    from cohesion.accounts.models import User

# (topic, files, edition, source) in load order.
BUNDLED_TABLES: Final[tuple[tuple[str, tuple[str, ...], str, str], ...]] = (
    (
        "country_of_birth",
        ("census2021/country_of_birth_oa21.csv",),
        "Census 2021",
        "ONS Census 2021, table TS004 (3 categories)",
    ),
    (
        "country_of_birth",
        ("census2021/country_of_birth_lsoa21.csv",),
        "Census 2021",
        "ONS Census 2021, table TS004 (3 categories), output areas summed to LSOAs",
    ),
    (
        "household_language",
        ("census2021/household_language_oa21.csv",),
        "Census 2021",
        "ONS Census 2021, table TS026 (3 categories)",
    ),
    ("ethnic_group", ("census2021/ethnic_group_lsoa21.csv",), "Census 2021", ""),
    ("religion", ("census2021/religion_lsoa21.csv",), "Census 2021", ""),
    (
        "age",
        ("census2021/age_group_lsoa21.csv",),
        "Census 2021",
        "ONS Census 2021, usual residents by age (6 bands, custom dataset)",
    ),
    ("english_proficiency", ("census2021/english_proficiency_msoa21.csv",), "Census 2021", ""),
    ("migration", ("census2021/migrant_indicator_msoa21.csv",), "Census 2021", ""),
    (
        "deprivation",
        ("imd2019/imd2019_lsoa11.csv", "imd2019/imd2019_subdomains_lsoa11.csv"),
        "IoD 2019",
        "MHCLG English Indices of Deprivation 2019 (ranks and deciles)",
    ),
    (
        "population",
        ("population/mid2020_single_year_of_age_lsoa11.csv",),
        "Mid-2020",
        "ONS mid-2020 small area population estimates, persons",
    ),
)


@transaction.atomic
def load_bundled_statistics(*, by: User | None = None) -> list[str]:
    """Load every shipped statistics table. Idempotent: each import replaces the last.

    Needs the bundled geography (cohesion.areas.bundled.load_bundled_geography) first.
    """
    steps = []
    for topic, files, edition, source in BUNDLED_TABLES:
        summary = import_statistics(
            by=by,
            path=[OPEN_DATA / Path(f) for f in files],
            topic=topic,
            edition=edition,
            source=source,
        )
        steps.append(str(summary))
    return steps
