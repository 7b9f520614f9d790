"""The risk index's input table: one row per current ward, one column per indicator.

Most indicators are the ward measures of the area profiles
(`cohesion.profiles.figures.council_measures`). Three come from Cohesion's own
records and are built here:

- `incident_rate`: hate incidents per 1,000 residents over the last 12 months.
  Which incidents: hate crimes, hate incidents and shared police non-crime hate
  incidents (the record kinds early warning counts; anti-social behaviour is
  left out), and only those a second person has verified as counting in
  statistics (`counted_in_statistics`), as published figures require. Records
  deleted on request are gone; records anonymised on request keep their date
  and ward and still count. Incidents with no ward count towards nothing here.
  A ward of 5,000 people with 3 incidents rather than 1 would look three
  times as bad on the raw rate, so the rate is shrunk towards the council's
  (Marshall's global empirical Bayes estimator, the idea of the IoD's
  small-number shrinkage, reference §2.3): the less a ward's own count says,
  the closer it is pulled to the council rate.
- `tension_level`: the latest approved tension assessment of each ward whose
  period has started (the tension dashboard's rule), 0 where there is none.
  This is the council's own product, computed over all assessments, not only
  those the person looking can see; the pages show ranks, not assessments.
- `segregation_h_within`: within-ward multigroup Theil's H across output areas
  (`cohesion.profiles.segregation.ward_within_segregation`).

`indicator_table` returns the table and a vintage: each indicator's source,
edition and date, so a run can say exactly what it was computed from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from cohesion.areas.models import Area
from cohesion.incidents import choices as c
from cohesion.incidents.models import Incident
from cohesion.profiles.segregation import ward_within_segregation
from cohesion.tensions.models import TensionAssessment

INCIDENT_RATE = "incident_rate"
TENSION_LEVEL = "tension_level"
SEGREGATION_H = "segregation_h_within"
OWN_INDICATORS = (INCIDENT_RATE, TENSION_LEVEL, SEGREGATION_H)
# Residents for the rate's denominator: census 2021 usual residents, else mid-2020.
POPULATION_KEYS = ("residents_2021", "population")
# Record kinds counted as hate incidents (the same as early warning's, for the same reasons).
HATE_KINDS = (
    c.RecordKind.HATE_CRIME,
    c.RecordKind.HATE_INCIDENT,
    c.RecordKind.POLICE_NCHI_SHARED,
)
PER = 1000.0
WINDOW_DAYS = 365

OWN_LABELS = {
    INCIDENT_RATE: "Hate incidents per 1,000 residents, last 12 months (shrunk)",
    TENSION_LEVEL: "Current tension level",
    SEGREGATION_H: "Segregation within the ward (Theil's H across output areas)",
}


# --- Small-number shrinkage (pure) ----------------------------------------------------------


def shrunk_rates(counts: pd.Series, population: pd.Series) -> pd.DataFrame:
    """Each area's rate and its rate shrunk towards the overall one (Marshall 1991).

    With counts y_j, populations n_j, raw rates r_j = y_j / n_j and the overall
    rate m = Σy / Σn:

    - sampling variance of r_j: s_j² = m / n_j (Poisson, at the overall rate, so
      a ward with no incidents still has a variance);
    - between-area variance: τ² = max(0, Σ n_j (r_j - m)² / Σn - m / n̄), n̄ = Σn / N;
    - weight w_j = τ² / (τ² + s_j²); shrunk rate = w_j r_j + (1 - w_j) m.

    τ² = 0 (the spread is no more than chance) pulls every area to m. Areas
    without a population are NaN and take no part. Rates are per 1,000.
    """
    frame = pd.DataFrame({"count": counts, "population": population}).astype(float)
    frame["count"] = frame["count"].fillna(0.0)
    valid = frame["population"].notna() & (frame["population"] > 0)
    used = frame[valid]
    raw = pd.Series(np.nan, index=frame.index)
    shrunk = pd.Series(np.nan, index=frame.index)
    weight = pd.Series(np.nan, index=frame.index)
    if len(used) and used["population"].sum() > 0:
        n = used["population"]
        r = used["count"] / n
        m = float(used["count"].sum() / n.sum())
        spread = float((n * (r - m) ** 2).sum() / n.sum())
        tau2 = max(0.0, spread - m / float(n.mean()))
        s2 = m / n
        w = tau2 / (tau2 + s2) if tau2 > 0 else pd.Series(0.0, index=n.index)
        raw[used.index] = r * PER
        shrunk[used.index] = (w * r + (1 - w) * m) * PER
        weight[used.index] = w
    return pd.DataFrame(
        {
            "count": frame["count"],
            "population": frame["population"],
            "raw_rate": raw,
            "shrunk_rate": shrunk,
            "weight": weight,
        }
    )


# --- From the database ----------------------------------------------------------------------


def current_ward_codes(council: Area) -> dict[str, str]:
    """GSS code -> name of the council's wards in their newest boundaries."""
    return dict(Area.objects.current_wards(council).order_by("code").values_list("code", "name"))


def ward_names(council: Area) -> dict[str, str]:
    """Names of the council's current wards by code (for the results' `area_name`)."""
    return current_ward_codes(council)


def incident_window(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 12 months up to and including `on` (today by default)."""
    end = on or timezone.localdate()
    return end - dt.timedelta(days=WINDOW_DAYS - 1), end


def incident_counts(council: Area, *, on: dt.date | None = None) -> pd.Series:
    """Counted hate incidents per ward code over the 12 months to `on` (one GROUP BY)."""
    start, end = incident_window(on)
    rows = (
        Incident.objects.filter(
            council=council,
            record_kind__in=HATE_KINDS,
            counted_in_statistics=True,
            ward__isnull=False,
            occurred_on__gte=start,
            occurred_on__lte=end,
        )
        .values("ward__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return pd.Series({row["ward__code"]: row["n"] for row in rows}, dtype=float)


def tension_levels(council: Area, *, on: dt.date | None = None) -> pd.Series:
    """Latest approved tension level per current ward code (0 where none), as of `on`."""
    today = on or timezone.localdate()
    latest = (
        TensionAssessment.objects.filter(
            area=OuterRef("pk"), approved_by__isnull=False, period_start__lte=today
        )
        .order_by("-period_start", "-period_end", "-id")
        .values("level")[:1]
    )
    rows = (
        Area.objects.current_wards(council)
        .annotate(tension=Subquery(latest))
        .values("code", "tension")
    )
    return pd.Series(
        {row["code"]: float(row["tension"] or 0) for row in rows}, dtype=float
    ).sort_index()


def _measures(council: Area) -> Any:
    from cohesion.profiles.figures import council_measures

    return council_measures(council)


def _dataset_edition(topic: str, source: str) -> tuple[str, str]:
    """(edition, reference date) of the dataset a measure came from, best match first."""
    from cohesion.profiles.models import Dataset

    datasets = Dataset.objects.filter(topic=topic).order_by("-reference_date")
    exact = [d for d in datasets if d.source and d.source in source]
    chosen = exact[0] if exact else datasets.first()
    if chosen is None:
        return "", ""
    return chosen.edition, chosen.reference_date.isoformat()


def available_indicators(council: Area) -> dict[str, dict[str, str]]:
    """Every key that could go in the table for this council, with label, unit and role."""
    measures = _measures(council)
    found: dict[str, dict[str, str]] = {
        key: {
            "label": m.label,
            "unit": m.unit,
            "role": m.role,
            "source": m.source,
            "date": m.date,
            "note": m.note,
        }
        for key, m in measures.measures.items()
    }
    found[INCIDENT_RATE] = {
        "label": OWN_LABELS[INCIDENT_RATE],
        "unit": "per 1,000",
        "role": "outcome",
        "source": "Cohesion incident records",
        "date": "",
        "note": "",
    }
    found[TENSION_LEVEL] = {
        "label": OWN_LABELS[TENSION_LEVEL],
        "unit": "level",
        "role": "outcome",
        "source": "Cohesion tension assessments",
        "date": "",
        "note": "",
    }
    found[SEGREGATION_H] = {
        "label": OWN_LABELS[SEGREGATION_H],
        "unit": "index",
        "role": "driver",
        "source": "Census 2021 output areas",
        "date": "2021-03-21",
        "note": "",
    }
    return found


def indicator_table(
    council: Area, keys: Iterable[str], *, on: dt.date | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table `compute_index` takes (index = current ward code) and its data vintage.

    Unknown keys raise KeyError naming them: a configuration that saved must
    find its data, and a silent NaN column would change the ranks unseen.
    """
    wanted = list(dict.fromkeys(keys))
    start, end = incident_window(on)
    measures = _measures(council)
    wards = list(measures.wards.index)
    table = pd.DataFrame(index=pd.Index(wards, name="area_code"))
    vintage: dict[str, Any] = {
        "council": council.code,
        "council_name": council.name,
        "ward_generation": measures.ward_generation,
        "computed_on": end.isoformat(),
        "indicators": {},
    }
    unknown = [
        k
        for k in wanted
        if k not in measures.wards.columns
        and k not in (INCIDENT_RATE, TENSION_LEVEL)
        and k != SEGREGATION_H
    ]
    if unknown:
        raise KeyError(f"no data for indicator(s): {', '.join(unknown)}")
    for key in wanted:
        if key == INCIDENT_RATE:
            population_key = next((p for p in POPULATION_KEYS if p in measures.wards.columns), None)
            population = (
                measures.wards[population_key]
                if population_key
                else pd.Series(np.nan, index=table.index)
            )
            rates = shrunk_rates(incident_counts(council, on=end).reindex(table.index), population)
            table[key] = rates["shrunk_rate"]
            population_measure = measures.measures.get(population_key) if population_key else None
            vintage["indicators"][key] = {
                "label": OWN_LABELS[key],
                "source": "Cohesion incident records (hate crimes, hate incidents and shared "
                "police non-crime hate incidents verified as counted in statistics)",
                "edition": f"{start.isoformat()} to {end.isoformat()}",
                "date": end.isoformat(),
                "incidents": int(rates["count"].sum()),
                "population": population_measure.label if population_measure else "",
                "population_source": population_measure.source if population_measure else "",
                "note": (
                    "Counts per ward over the last 12 months per 1,000 residents, shrunk "
                    "towards the council rate by Marshall's empirical Bayes estimator "
                    "(weight = between-ward variance / (between-ward variance + Poisson "
                    "variance at the council rate)), so a small count in a small ward "
                    "does not read as a high rate. Incidents with no ward are not counted."
                ),
            }
        elif key == TENSION_LEVEL:
            table[key] = tension_levels(council, on=end).reindex(table.index).fillna(0.0)
            vintage["indicators"][key] = {
                "label": OWN_LABELS[key],
                "source": "Cohesion tension assessments (approved only)",
                "edition": f"as at {end.isoformat()}",
                "date": end.isoformat(),
                "note": "The latest approved assessment whose period has started; 0 where "
                "a ward has none.",
            }
        elif key == SEGREGATION_H and key not in measures.wards.columns:
            table[key] = ward_within_segregation(council).astype(float).reindex(table.index)
            vintage["indicators"][key] = {
                "label": OWN_LABELS[key],
                "source": "ONS Census 2021 country of birth, output areas within each ward",
                "edition": "Census 2021",
                "date": "2021-03-21",
                "note": "Theil's H of country of birth across each ward's output areas "
                "(LSOAs where output-area figures are not loaded); missing for a ward with "
                "too few areas for the measure to mean anything.",
            }
        else:
            measure = measures.measures.get(key)
            table[key] = measures.wards[key].astype(float)
            if measure is None:
                vintage["indicators"][key] = {"label": key, "source": "", "edition": "", "date": ""}
                continue
            edition, reference_date = _dataset_edition(measure.topic, measure.source)
            vintage["indicators"][key] = {
                "label": measure.label,
                "source": measure.source,
                "edition": edition,
                "date": measure.date or reference_date,
                "note": measure.note,
            }
    return table, vintage


def council_by_code(code: str) -> Area:
    """A council by GSS code or name (the command line's `--council`); LookupError if none."""
    from cohesion.areas.models import AreaLevel

    text = code.strip()
    council = (
        Area.objects.filter(level=AreaLevel.LAD, code=text.upper()).order_by("-generation").first()
        or Area.objects.filter(level=AreaLevel.LAD, name__iexact=text)
        .order_by("-generation")
        .first()
    )
    if council is None:
        raise LookupError(f"no council with code or name {code!r}")
    return council


def load_for_cli(code: str, keys: Iterable[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`cohesion index compute --council CODE`: the council's table (with ward names) and vintage.

    A council that is not there, or an indicator without data, is refused with
    the pure CLI's LoadError, so nothing is written.
    """
    from cohesion.insight.risk_index.cli import LoadError

    try:
        council = council_by_code(code)
        table, vintage = indicator_table(council, keys)
    except (LookupError, KeyError) as error:
        raise LoadError(str(error.args[0]) if error.args else str(error)) from None
    table.insert(0, "area_name", [ward_names(council).get(c, "") for c in table.index])
    return table, vintage


# --- What a configuration may choose from -----------------------------------------------------

# Domains for measures the default configuration does not name (the IoD's own groupings).
_DOMAINS = {
    "imd": "Deprivation",
    "income": "Deprivation",
    "employment": "Deprivation",
    "education": "Education and skills",
    "health": "Health",
    "crime": "Crime and safety",
    "housing": "Housing and services",
    "environment": "Living environment",
}
# Measures that are sizes, not conditions: they go in no index (population counts).
_NOT_INDICATORS = {"population", "residents_2021"}


@dataclass(frozen=True)
class Choice:
    """One measure as the configure page offers it (or lists as context)."""

    key: str
    label: str
    unit: str
    role: str
    domain: str
    polarity: str
    source: str
    date: str
    reason: str = ""  # why it cannot be chosen (context only)


def _default_spec(key: str) -> dict[str, Any] | None:
    from cohesion.insight.risk_index.config import default_config

    specs = default_config([key])["indicators"]
    return specs[0] if specs else None


def guess_polarity(key: str) -> str:
    """Ranks count 1 = most deprived, so a lower rank is more risk; anything else higher."""
    return "lower_is_risk" if key.endswith("_rank") else "higher_is_risk"


def guess_domain(key: str, label: str) -> str:
    prefix = key.split("_", 1)[0]
    if key.endswith("_rank") or key.startswith("imd_"):
        return _DOMAINS.get(prefix, "Deprivation")
    if key.startswith("pct_age_"):
        return "Age structure"
    return label


def indicator_choices(council: Area) -> tuple[list[Choice], list[Choice]]:
    """(measures that may be indicators, measures shown as context only) for this council."""
    from cohesion.insight.risk_index.config import CONTEXT_REASON, context_only

    choosable: list[Choice] = []
    context: list[Choice] = []
    for key, info in available_indicators(council).items():
        if key in _NOT_INDICATORS:
            continue
        spec = _default_spec(key) or {}
        choice = Choice(
            key=key,
            label=str(info["label"]),
            unit=str(info["unit"]),
            role=str(spec.get("role") or info["role"]),
            domain=str(spec.get("domain") or guess_domain(key, str(info["label"]))),
            polarity=str(spec.get("polarity") or guess_polarity(key)),
            source=str(info["source"]),
            date=str(info["date"]),
        )
        if context_only(key) or info["role"] == "context":
            context.append(
                Choice(**{**choice.__dict__, "role": "context", "reason": CONTEXT_REASON})
            )
        else:
            choosable.append(choice)
    return choosable, context
