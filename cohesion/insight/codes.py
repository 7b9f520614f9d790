"""The code lists of the SIA input contracts (docs/sia-schema.md).

They match the incident export (docs/incident-export.md): the same codes in
the same order, so an export can be read back without translation.
"""

from __future__ import annotations

from typing import Final

NOT_KNOWN: Final = "not_known"

STRANDS: Final = ("race", "religion", "sexual_orientation", "disability", "transgender")
STRAND_COLUMNS: Final = tuple(f"strand_{code}" for code in STRANDS)

SEXES: Final = ("female", "male")
AGE_BANDS: Final = ("0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")
ETHNICITIES: Final = ("asian", "black", "mixed", "white", "other")

# The age band counted as "under 18" for suspects. The contract's bands do not
# split at 18, so this is 0-15 only: 16- and 17-year-olds (in 16-24) are not
# counted, and the figure is a lower bound (said in the caveats).
UNDER_18_BANDS: Final = ("0-15",)

# The demographic dimensions shared by people lists and the population file.
DIMENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "sex": SEXES,
    "age_band": AGE_BANDS,
    "ethnicity": ETHNICITIES,
}
POPULATION_DIMENSIONS: Final = ("total", *DIMENSIONS)
TOTAL_GROUP: Final = "total"

INCIDENT_COLUMNS: Final = (
    "reference",
    "occurred_on",
    "ward_code",
    *STRAND_COLUMNS,
    "victim_key",
    "victim_sex",
    "victim_age_band",
    "victim_ethnicity",
    "suspect_sex",
    "suspect_age_band",
)
# Coded columns of the incidents CSV and their known values (not_known aside).
INCIDENT_CODES: Final[dict[str, tuple[str, ...]]] = {
    "victim_sex": SEXES,
    "victim_age_band": AGE_BANDS,
    "victim_ethnicity": ETHNICITIES,
    "suspect_sex": SEXES,
    "suspect_age_band": AGE_BANDS,
}
# Read when present (the wide export has it); not part of the minimum contract.
OPTIONAL_INCIDENT_CODES: Final[dict[str, tuple[str, ...]]] = {
    "suspect_ethnicity": ETHNICITIES,
}

POPULATION_COLUMNS: Final = ("area_code", "dimension", "group", "count")
