"""Read open-data tables of small-area statistics, check everything, then write all or nothing.

A council can load its own area statistics from the files ONS and MHCLG publish,
as they are published:

- `bundled`: the files in `cohesion/opendata/` (their own column names);
- `ons_bulk`: ONS's Census 2021 bulk CSV ("date", "geography", "geography code",
  then one column per category such as "Country of birth: Europe: United
  Kingdom; measures: Value"; categories nest with colons);
- `ons_custom`: ONS "create a custom dataset" / Nomis long layout (a
  "… Output Areas Code" column, a category column and "Observation");
- `mhclg_iod`: MHCLG English Indices of Deprivation files (IoD 2019 by
  "LSOA code (2011)", IoD 2025 by "LSOA code (2021)"), ranks, deciles and scores;
- `ons_sape`: ONS mid-year small area population estimates (LSOA code, "All
  Ages" or "Total", single years 0 … 90+).

Every value is checked (numbers, not negative, each area once, areas known for
the councils that are loaded) before anything is written, and a problem stops
the import with a message naming the file, row and column. National files are
welcome: rows for areas outside the loaded councils are skipped and counted.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from django.db import connection, transaction

from cohesion.areas.importers import AreaImportError
from cohesion.areas.models import Area, AreaLevel
from cohesion.profiles.measures import (
    DEFAULT_EDITION,
    IOD_DATE,
    IOD_GENERATION,
    PARTS,
    TOPIC_MEASURES,
    TOPIC_SOURCES,
)
from cohesion.profiles.models import Dataset, Figure, Geography

if TYPE_CHECKING:
    from cohesion.accounts.models import User

BATCH_SIZE: Final = 5000
CENSUS_TOPICS: Final = (
    "country_of_birth",
    "ethnic_group",
    "religion",
    "age",
    "english_proficiency",
    "household_language",
    "migration",
)
# Entity code (first three characters) of each small-area geography.
GEOGRAPHY_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    "oa": ("E00", "W00"),
    "lsoa": ("E01", "W01"),
    "msoa": ("E02", "W02"),
}
_GSS: Final = re.compile(r"^[EWSN]\d{8}$")
# ONS names an LSOA or MSOA after its council: "Derby 013A", "Sheffield 076".
_SMALL_AREA_NAME: Final = re.compile(r"^(?P<council>.+?) \d{3}[A-Z]?$")


class StatisticsImportError(AreaImportError):
    """An area-statistics import that was refused; nothing was changed."""


# --- Category labels ----------------------------------------------------------------------

# Normalised category label (lower case, single spaces) -> canonical measure, per topic.
# Labels come from the bundled files, ONS bulk columns (table name removed) and ONS
# custom datasets. A measure starting "_" is a helper used to derive another, then dropped.
_TOTAL_LABELS: Final = (
    "total",
    "total: all usual residents",
    "total: all households",
    "total: all usual residents aged 3 years and over",
    "total: all usual residents aged 3 and over",
)
_NOT_ENGLISH: Final = "main language is not english (english or welsh in wales)"
LABELS: Final[dict[str, dict[str, str]]] = {
    "country_of_birth": {
        "europe: united kingdom": "born_in_uk",
        "united kingdom": "born_in_uk",
        "born in the uk": "born_in_uk",
        "born in the united kingdom": "born_in_uk",
        "born outside the uk": "born_outside_uk",
        "born outside the united kingdom": "born_outside_uk",
    },
    "ethnic_group": {
        "asian, asian british or asian welsh": "asian",
        "black, black british, black welsh, caribbean or african": "black",
        "mixed or multiple ethnic groups": "mixed",
        "white": "white",
        "other ethnic group": "other",
    },
    "religion": {
        "no religion": "no_religion",
        "christian": "christian",
        "buddhist": "buddhist",
        "hindu": "hindu",
        "jewish": "jewish",
        "muslim": "muslim",
        "sikh": "sikh",
        "other religion": "other_religion",
        "not answered": "not_answered",
    },
    "age": {},  # parsed by _age_range
    "english_proficiency": {
        "main language is english (english or welsh in wales)": "main_english",
        "main language is english": "main_english",
        _NOT_ENGLISH: "_not_english",
        "main language is not english": "_not_english",
        f"{_NOT_ENGLISH}: can speak english very well": "very_well",
        f"{_NOT_ENGLISH}: can speak english well": "well",
        f"{_NOT_ENGLISH}: cannot speak english well": "not_well",
        f"{_NOT_ENGLISH}: cannot speak english": "not_at_all",
        "can speak english very well": "very_well",
        "can speak english well": "well",
        "cannot speak english well": "not_well",
        "cannot speak english": "not_at_all",
    },
    "household_language": {
        # TS026: one-person households count as having one main language.
        "one person household": "same_main_language",
        "all household members have the same main language": "same_main_language",
        "main language differs between generations but not within partnerships": (
            "different_main_languages"
        ),
        "main language differs within partnerships": "different_main_languages",
        "any other combination of multiple main languages in household": (
            "different_main_languages"
        ),
        "all people in household have the same main language": "same_main_language",
        "same main language": "same_main_language",
        "not all people in household have the same main language": "different_main_languages",
        "different main languages": "different_main_languages",
    },
    "migration": {
        "address one year ago is the same as the address of enumeration": "same_address",
        "address one year ago is student term-time or boarding school address in the uk": (
            "student_or_boarding"
        ),
        "migrant from within the uk: address one year ago was in the uk": "from_within_uk",
        "migrant from within the uk": "from_within_uk",
        "migrant from outside the uk: address one year ago was outside the uk": ("from_outside_uk"),
        "migrant from outside the uk": "from_outside_uk",
    },
}
# The table name that starts every ONS bulk column of a topic.
TABLE_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "country_of_birth": ("country of birth",),
    "ethnic_group": ("ethnic group",),
    "religion": ("religion",),
    "age": ("age",),
    "english_proficiency": ("proficiency in english language", "proficiency in english"),
    "household_language": ("multiple main languages in household", "household language"),
    "migration": ("migrant indicator",),
}
_IGNORED_LABELS: Final = ("does not apply",)

# Bundled file columns -> measure, per topic (wide files).
BUNDLED_WIDE: Final[dict[str, dict[str, str]]] = {
    "country_of_birth": {
        "born_in_uk": "born_in_uk",
        "born_outside_uk": "born_outside_uk",
        "total_residents": "total",
    },
    "household_language": {
        "hh_same_main_language": "same_main_language",
        "hh_different_main_languages": "different_main_languages",
        "total_households": "total",
    },
    "english_proficiency": {
        "main_language_english": "main_english",
        "main_language_not_english": "_not_english",
        "not_english_speaks_very_well": "very_well",
        "not_english_speaks_well": "well",
        "not_english_cannot_speak_well": "not_well",
        "not_english_cannot_speak": "not_at_all",
    },
    "migration": {
        "all_usual_residents": "total",
        "address_one_year_ago_is_the_same": "same_address",
        "address_one_year_ago_is_student_or_boarding": "student_or_boarding",
        "migrant_from_within_uk": "from_within_uk",
        "migrant_from_outside_uk": "from_outside_uk",
    },
}
# Bundled long files: (category column, count column, total column or "").
BUNDLED_LONG: Final[dict[str, tuple[str, str, str]]] = {
    "ethnic_group": ("ethnic_group", "count", "total_residents"),
    "religion": ("religion", "count", "total_residents"),
    "age": ("age_group", "usual_residents", ""),
}
# Columns that describe an area rather than measure it (allowed, not stored).
_DESCRIPTIVE: Final = re.compile(
    r"^(date|geography|(lsoa|msoa|oa|lad)\d\d_name|lad(\d\d)?_code|lad(\d\d)?_name|"
    r"pct_.*|.* name( \(\d{4}\))?|.*name \(\d{4} boundaries\)|la code.*|la name.*|"
    r"lad \d{4} (code|name)|lsoa \d{4} name|local authority district (code|name).*)$",
    re.IGNORECASE,
)

# IoD domain names as MHCLG and the bundled files write them -> canonical domain.
IOD_DOMAINS: Final[tuple[tuple[str, str], ...]] = (
    (r"index of multiple deprivation( \(imd\))?|imd", "imd"),
    (r"income( deprivation)?( domain)?", "income"),
    (r"employment( deprivation)?( domain)?", "employment"),
    (r"education,? skills and training( domain)?|education", "education"),
    (r"health deprivation and disability( domain)?|health", "health"),
    (r"crime( domain)?", "crime"),
    (r"barriers to housing and services( domain)?|housing_and_access|housing", "housing"),
    (r"living environment( domain)?|environment", "environment"),
    (r"children and young people sub-domain|children_and_young_people", "children_young_people"),
    (r"adult skills sub-domain|adult_skills", "adult_skills"),
    (r"geographical barriers sub-domain|geographical_barriers", "geographical_barriers"),
    (r"wider barriers sub-domain|wider_barriers", "wider_barriers"),
    (r"indoors sub-domain|indoors", "indoors"),
    (r"outdoors sub-domain|outdoors", "outdoors"),
)
_IOD_COLUMN: Final = re.compile(
    r"^(?P<domain>.+?)[ _](?P<kind>score|rank|decile)\b.*$", re.IGNORECASE
)
# MHCLG supplementary columns that are published alongside and deliberately not stored.
_IOD_SUPPLEMENTARY: Final = re.compile(
    r"^(income deprivation affecting (children|older people).*|.*population.*|"
    r"dependent children.*|older population.*|working age.*)$",
    re.IGNORECASE,
)


# --- Parsed tables ------------------------------------------------------------------------


@dataclass
class ParsedTable:
    """A file read and checked: values per area, ready to write."""

    topic: str
    edition: str
    geography: str
    generation: int
    layout: str
    # index = area code, columns = canonical measures (float, NaN where not published).
    values: pd.DataFrame
    # For output areas: the LSOA holding each one (index = OA code).
    lsoa_of: pd.Series | None = None
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class StatisticsSummary:
    topic: str
    edition: str
    geography: str
    areas: int
    figures: int
    skipped: int
    replaced: bool
    layout: str
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.topic} {self.edition} ({self.geography}, {self.layout}): "
            f"{self.figures} figures for {self.areas} areas"
        )
        if self.skipped:
            text += f", {self.skipped} rows outside the loaded councils skipped"
        if self.replaced:
            text += " (replaced the previous import)"
        return text


@dataclass
class _Frame:
    """A file's rows as strings, with the line number of each row (header is line 1)."""

    label: str
    data: pd.DataFrame

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.data.columns]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _read_csv(path: Path) -> _Frame:
    label = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StatisticsImportError(label, ["the file does not exist"]) from None
    except OSError as exc:
        raise StatisticsImportError(
            label, [f"the file cannot be read ({exc.strerror or exc})"]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StatisticsImportError(
            label,
            [
                (
                    f"row {line}: byte 0x{raw[exc.start]:02x} is not UTF-8 text; "
                    "save the file as 'CSV UTF-8' and import it again"
                )
            ],
        ) from None
    if not text.strip():
        raise StatisticsImportError(label, ["the file is empty"])
    try:
        data = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise StatisticsImportError(label, [f"not a readable CSV file ({exc})"]) from None
    data.columns = [str(c).strip() for c in data.columns]
    if data.empty:
        raise StatisticsImportError(label, ["the file has a header but no data rows"])
    data = data.apply(lambda column: column.str.strip())
    data.index = pd.RangeIndex(2, len(data) + 2)  # file line numbers
    return _Frame(label=label, data=data)


# --- Layouts ------------------------------------------------------------------------------


@dataclass
class _Wide:
    """One row per area: code, measures as strings, where each measure came from."""

    codes: pd.Series  # index = line number
    measures: dict[str, pd.Series]  # measure -> strings (index = line number)
    source_column: dict[str, str]
    names: pd.Series | None = None
    lad_codes: pd.Series | None = None
    lsoa_codes: pd.Series | None = None
    layout: str = "bundled"
    notes: list[str] = field(default_factory=list)
    # Already numeric (long layouts are summed while reading).
    numeric: bool = False


def _column(columns: Iterable[str], pattern: str) -> str | None:
    regex = re.compile(rf"^({pattern})$", re.IGNORECASE)
    return next((c for c in columns if regex.match(c.strip())), None)


def _unknown(frame: _Frame, columns: Iterable[str], hint: str) -> StatisticsImportError:
    return StatisticsImportError(
        frame.label, [f"column '{c}' is not one this importer knows ({hint})" for c in columns]
    )


def _detect_layout(topic: str, frame: _Frame) -> str:
    lower = {_normalise(c) for c in frame.columns}
    if topic == "deprivation":
        if lower & {"lsoa code (2011)", "lsoa code (2021)"}:
            return "mhclg_iod"
        return "bundled"
    if topic == "population":
        if lower & {"lsoa11_code", "lsoa21_code"} and "total_population" in lower:
            return "bundled"
        return "ons_sape"
    if "geography code" in lower:
        return "ons_bulk"
    if "observation" in lower:
        return "ons_custom"
    return "bundled"


def _bundled_census(topic: str, frame: _Frame) -> _Wide:
    columns = frame.columns
    code_col = _column(columns, r"oa21_code") or _column(columns, r"lsoa21_code|msoa21_code")
    if code_col is None:
        raise StatisticsImportError(
            frame.label,
            [
                (
                    "no area code column: expected ONS's 'geography code' (bulk CSV), an "
                    "'… Output Areas Code' column (custom dataset), or oa21_code / lsoa21_code / "
                    "msoa21_code"
                )
            ],
        )
    data = frame.data
    lsoa_col = "lsoa21_code" if code_col == "oa21_code" and "lsoa21_code" in columns else None
    name_col = _column(columns, r"lsoa21_name|msoa21_name") if code_col != "oa21_code" else None
    lad_col = _column(columns, r"lad(\d\d)?_code")
    if topic in BUNDLED_LONG:
        category_col, count_col, total_col = BUNDLED_LONG[topic]
        needed = [category_col, count_col]
        missing = [c for c in needed if c not in columns]
        if missing:
            raise StatisticsImportError(
                frame.label, [f"missing column '{c}' for {topic}" for c in missing]
            )
        known = {code_col, category_col, count_col, total_col, lad_col, name_col} - {None, ""}
        extra = [c for c in columns if c not in known and not _DESCRIPTIVE.match(c)]
        if extra:
            raise _unknown(frame, extra, f"bundled {topic} file")
        return _long_to_wide(
            topic,
            frame,
            code_col=code_col,
            category_col=category_col,
            value_col=count_col,
            total_col=total_col or None,
            name_col=name_col,
            lad_col=lad_col,
            layout="bundled",
        )
    mapping = BUNDLED_WIDE.get(topic)
    if mapping is None:
        raise StatisticsImportError(frame.label, [f"no bundled layout for topic {topic}"])
    known = {code_col, lsoa_col, name_col, lad_col, *mapping} - {None}
    extra = [c for c in columns if c not in known and not _DESCRIPTIVE.match(c)]
    if extra:
        raise _unknown(frame, extra, f"bundled {topic} file; expected {', '.join(mapping)}")
    present = {column: measure for column, measure in mapping.items() if column in columns}
    return _Wide(
        codes=data[code_col],
        measures={measure: data[column] for column, measure in present.items()},
        source_column={measure: column for column, measure in present.items()},
        names=data[name_col] if name_col else None,
        lad_codes=data[lad_col] if lad_col else None,
        lsoa_codes=data[lsoa_col] if lsoa_col else None,
    )


def _age_range(label: str) -> tuple[int, int] | None:
    """(first, last) year of an ONS age label; last 200 for "and over"."""
    text = _normalise(label)
    if text in {"aged under 1 year", "aged under 1"}:
        return (0, 0)
    if m := re.fullmatch(r"aged (\d+) years? and under", text):
        return (0, int(m[1]))
    if m := re.fullmatch(r"aged (\d+) years? and over", text):
        return (int(m[1]), 200)
    if m := re.fullmatch(r"aged (\d+) to (\d+) years?", text):
        return (int(m[1]), int(m[2]))
    if m := re.fullmatch(r"aged (\d+) years?", text):
        return (int(m[1]), int(m[1]))
    return None


# The canonical Census age bands, as (first, last) years.
_AGE_BANDS: Final[dict[str, tuple[int, int]]] = {
    "age_0_15": (0, 15),
    "age_16_24": (16, 24),
    "age_25_34": (25, 34),
    "age_35_49": (35, 49),
    "age_50_64": (50, 64),
    "age_65_plus": (65, 200),
}


def _age_shares(first: int, last: int) -> dict[str, float]:
    """How a published age group falls into the canonical bands, assuming even years."""
    if last >= 200:
        band = next(b for b, (lo, hi) in _AGE_BANDS.items() if lo <= first <= hi)
        if first >= 65 or band == "age_65_plus":
            return {"age_65_plus": 1.0}
        # An open group below 65 spreads to every later band: not publishable as bands.
        return {}
    width = last - first + 1
    shares: dict[str, float] = {}
    for band, (lo, hi) in _AGE_BANDS.items():
        overlap = min(last, hi) - max(first, lo) + 1
        if overlap > 0:
            shares[band] = overlap / width
    return shares


def _category_measures(topic: str, label: str) -> dict[str, float] | None:
    """Measures (with shares) a category label counts toward; {} = ignore; None = unknown."""
    text = _normalise(label)
    if text in _TOTAL_LABELS or text.startswith("total:"):
        return {"total": 1.0}
    if text in _IGNORED_LABELS:
        return {}
    if topic == "age":
        span = _age_range(text)
        if span is None:
            return None
        return _age_shares(*span)
    measure = LABELS[topic].get(text)
    return {measure: 1.0} if measure else None


def _long_to_wide(
    topic: str,
    frame: _Frame,
    *,
    code_col: str,
    category_col: str,
    value_col: str,
    total_col: str | None,
    name_col: str | None,
    lad_col: str | None,
    layout: str,
) -> _Wide:
    """Pivot a long table (area, category, count) to one row per area, checking each value."""
    data = frame.data
    problems: list[str] = []
    labels = data[category_col]
    shares_of = {label: _category_measures(topic, label) for label in labels.unique()}
    unknown = sorted(label for label, shares in shares_of.items() if shares is None)
    for label in unknown:
        line = int(labels.index[labels == label][0])
        problems.append(
            f"row {line}, column '{category_col}': category '{label}' is not one this "
            f"importer knows for {topic}"
        )
    values = _numbers(data[value_col], value_col, problems)
    duplicated = data.duplicated([code_col, category_col], keep="first")
    for line in data.index[duplicated][:20]:
        code, label = str(data.at[line, code_col]), str(data.at[line, category_col])
        problems.append(f"row {line}: area {code} has category '{label}' twice")
    if problems:
        raise StatisticsImportError(frame.label, problems)
    pieces = []
    fractional = False
    for label, shares in shares_of.items():
        assert shares is not None
        rows = labels == label
        for measure, share in shares.items():
            fractional |= share != 1.0
            pieces.append(
                pd.DataFrame(
                    {"code": data.loc[rows, code_col], "measure": measure},
                ).assign(value=values[rows] * share)
            )
    long = pd.concat(pieces)
    wide = long.pivot_table(
        index="code", columns="measure", values="value", aggfunc="sum", sort=False
    )
    first_line = pd.Series(data.index, index=data[code_col]).groupby(level=0).min()
    wide.index = pd.Index(first_line.reindex(wide.index).to_numpy())
    codes = pd.Series(first_line.index, index=first_line.to_numpy()).reindex(wide.index)
    measures = {str(m): wide[m] for m in wide.columns}
    source_column = dict.fromkeys(measures, value_col)
    if total_col and "total" not in measures:
        totals = _numbers(data[total_col], total_col, problems)
        if problems:
            raise StatisticsImportError(frame.label, problems)
        per_area = totals.groupby(data[code_col]).first()
        measures["total"] = pd.Series(per_area.reindex(codes.to_numpy()).to_numpy(), codes.index)
        source_column["total"] = total_col
    notes = []
    if fractional:
        notes.append(
            "age groups that straddle a band (such as 15 to 19) were shared between bands "
            "in proportion to their years"
        )
    by_line = data.loc[codes.index]
    return _Wide(
        codes=codes,
        measures=measures,
        source_column=source_column,
        names=by_line[name_col] if name_col else None,
        lad_codes=by_line[lad_col] if lad_col else None,
        layout=layout,
        notes=notes,
        numeric=True,
    )


def _ons_bulk(topic: str, frame: _Frame) -> _Wide:
    columns = frame.columns
    code_col = _column(columns, r"geography code")
    assert code_col is not None
    name_col = _column(columns, r"geography")
    tables = TABLE_NAMES[topic]
    measures: dict[str, pd.Series] = {}
    source_column: dict[str, str] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    fractional = False
    for column in columns:
        if column in {code_col, name_col} or _normalise(column) == "date":
            continue
        text = re.sub(r"[;:]?\s*measures:\s*value$", "", _normalise(column))
        table = next((t for t in tables if text.startswith(t + ":")), None)
        if table is None:
            unknown.append(column)
            continue
        shares = _category_measures(topic, text[len(table) + 1 :])
        if not shares:  # a finer category than the canonical ones, or "does not apply"
            ignored.append(column)
            continue
        for measure, share in shares.items():
            fractional |= share != 1.0
            if share == 1.0 and measure not in measures:
                measures[measure] = frame.data[column]
                source_column[measure] = column
            else:  # several columns add up to one measure: sum them as numbers
                problems: list[str] = []
                number = _numbers(frame.data[column], column, problems) * share
                if problems:
                    raise StatisticsImportError(frame.label, problems)
                if measure in measures:
                    previous = _numbers(measures[measure], source_column[measure], problems)
                    if problems:
                        raise StatisticsImportError(frame.label, problems)
                    number = previous + number
                measures[measure] = number.astype(str)
                source_column[measure] = column
    if unknown:
        raise _unknown(
            frame, unknown, f"an ONS bulk {topic} table has columns starting '{tables[0]}:'"
        )
    notes = []
    if ignored:
        notes.append(f"{len(ignored)} finer categories not stored")
    if fractional:
        notes.append(
            "age groups that straddle a band (such as 15 to 19) were shared between bands "
            "in proportion to their years"
        )
    return _Wide(
        codes=frame.data[code_col],
        measures=measures,
        source_column=source_column,
        names=frame.data[name_col] if name_col else None,
        layout="ons_bulk",
        notes=notes,
    )


def _ons_custom(topic: str, frame: _Frame) -> _Wide:
    columns = frame.columns
    code_col = _column(columns, r".*(output areas?|super output areas?) code")
    if code_col is None:
        raise StatisticsImportError(
            frame.label,
            ["no geography code column (such as 'Lower layer Super Output Areas Code')"],
        )
    name_col = code_col[: -len(" Code")].strip()
    name_col = name_col if name_col in columns else ""
    value_col = _column(columns, r"observation")
    assert value_col is not None
    rest = [c for c in columns if c not in {code_col, name_col, value_col}]
    category_cols = [c for c in rest if not c.lower().endswith(" code")]
    category_code_cols = [c for c in rest if c.lower().endswith(" code")]
    unknown = [c for c in category_code_cols if c[: -len(" Code")].strip() not in category_cols]
    if len(category_cols) != 1 or unknown:
        raise _unknown(
            frame,
            unknown or category_cols,
            "a custom dataset has one area, one category (label and code) and 'Observation'",
        )
    return _long_to_wide(
        topic,
        frame,
        code_col=code_col,
        category_col=category_cols[0],
        value_col=value_col,
        total_col=None,
        name_col=name_col or None,
        lad_col=None,
        layout="ons_custom",
    )


def _deprivation(frame: _Frame, layout: str) -> tuple[_Wide, int]:
    columns = frame.columns
    if layout == "mhclg_iod":
        code_col = _column(columns, r"lsoa code \((2011|2021)\)")
        name_col = _column(columns, r"lsoa name \((2011|2021)\)")
        lad_col = _column(columns, r"local authority district code.*")
    else:
        code_col = _column(columns, r"lsoa(11|21)_code")
        name_col = _column(columns, r"lsoa(11|21)_name")
        lad_col = _column(columns, r"lad(\d\d)?_code")
    if code_col is None:
        raise StatisticsImportError(
            frame.label,
            ["no LSOA code column: expected 'LSOA code (2011)', 'LSOA code (2021)' or lsoa11_code"],
        )
    generation = 2021 if "21" in code_col else 2011
    measures: dict[str, pd.Series] = {}
    source_column: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        if column in {code_col, name_col, lad_col} or _DESCRIPTIVE.match(column):
            continue
        match = _IOD_COLUMN.match(column.strip())
        domain = None
        if match:
            name = _normalise(match["domain"])
            domain = next((d for pattern, d in IOD_DOMAINS if re.fullmatch(pattern, name)), None)
        if domain is None:
            if _IOD_SUPPLEMENTARY.match(column.strip()):
                continue
            unknown.append(column)
            continue
        assert match is not None
        measure = f"{domain}_{match['kind'].lower()}"
        measures[measure] = frame.data[column]
        source_column[measure] = column
    if unknown:
        raise _unknown(frame, unknown, "IoD columns are '<domain> Rank/Decile/Score'")
    return (
        _Wide(
            codes=frame.data[code_col],
            measures=measures,
            source_column=source_column,
            names=frame.data[name_col] if name_col else None,
            lad_codes=frame.data[lad_col] if lad_col else None,
            layout=layout,
        ),
        generation,
    )


def _population(frame: _Frame, layout: str, edition: str) -> tuple[_Wide, int]:
    columns = frame.columns
    code_col = _column(columns, r"lsoa(11|21)_code|lsoa (\d{4} )?code")
    if code_col is None:
        raise StatisticsImportError(
            frame.label, ["no LSOA code column: expected 'LSOA Code', 'LSOA 2021 Code'"]
        )
    if "21" in code_col:
        generation = 2021
    elif "11" in code_col:
        generation = 2011
    else:  # ONS published 2011-LSOA estimates up to mid-2020, 2021 LSOAs from mid-2021
        year = re.search(r"\d{4}", edition)
        generation = 2011 if year and int(year[0]) <= 2020 else 2021
    total_col = _column(columns, r"total_population|all ages|total")
    name_col = _column(columns, r"lsoa(11|21)?_name|lsoa (\d{4} )?name")
    lad_col = _column(columns, r"lad(\d\d)?_code|la code.*|lad \d{4} code")
    measures: dict[str, pd.Series] = {}
    source_column: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        if column in {code_col, name_col, lad_col}:
            continue
        if column == total_col:
            measure = "total"
        elif re.fullmatch(r"\d+", column) and int(column) < 90:
            measure = f"age_{int(column)}"
        elif re.fullmatch(r"90\s*\+|90 and over", column.strip(), re.IGNORECASE):
            measure = "age_90_plus"
        elif _DESCRIPTIVE.match(column):
            continue
        else:
            unknown.append(column)
            continue
        measures[measure] = frame.data[column]
        source_column[measure] = column
    if unknown:
        raise _unknown(frame, unknown, "population estimates have 'All Ages' and ages 0 … 90+")
    return (
        _Wide(
            codes=frame.data[code_col],
            measures=measures,
            source_column=source_column,
            names=frame.data[name_col] if name_col else None,
            lad_codes=frame.data[lad_col] if lad_col else None,
            layout=layout,
        ),
        generation,
    )


# --- Checks -------------------------------------------------------------------------------


def _numbers(strings: pd.Series, column: str, problems: list[str]) -> pd.Series:
    """Strings -> floats; each non-number or negative value adds a problem (row, column)."""
    cleaned = strings.astype(str).str.replace(",", "", regex=False).str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.fillna(0))
    for line in strings.index[bad][:20]:
        shown = strings.at[line]
        problems.append(
            f"row {line}, column '{column}': "
            + (f"'{shown}' is not a number" if shown != "" else "the value is missing")
        )
    negative = numbers < 0
    for line in strings.index[negative][:20]:
        problems.append(f"row {line}, column '{column}': {strings.at[line]} is negative")
    return numbers.astype(float)


def _derive(topic: str, values: pd.DataFrame) -> pd.DataFrame:
    """Fill in the total or one missing category from the others (they partition the total)."""
    if "_not_english" in values and "main_english" in values and "total" not in values:
        values["total"] = values["main_english"] + values["_not_english"]
    parts = PARTS.get(topic)
    if parts is None or topic == "population":
        return values
    missing = [p for p in parts if p not in values]
    if "total" not in values and not missing:
        values["total"] = values[list(parts)].sum(axis=1)
    elif "total" in values and len(missing) == 1:
        present = [p for p in parts if p in values]
        values[missing[0]] = values["total"] - values[present].sum(axis=1)
    return values


def _required(topic: str, values: pd.DataFrame) -> list[str]:
    if topic == "deprivation":
        ranks = [str(c) for c in values if str(c).endswith(("_rank", "_decile", "_score"))]
        return [] if "imd_rank" in ranks or "imd_score" in ranks else ["imd_rank"]
    return [m for m in TOPIC_MEASURES[topic] if m not in values]


def _geography_of(codes: pd.Series, label: str, declared: str | None) -> str:
    prefixes = codes.str[:3]
    found = {geo for geo, allowed in GEOGRAPHY_PREFIXES.items() if prefixes.isin(allowed).any()}
    if len(found) > 1:
        raise StatisticsImportError(
            label,
            [f"the file mixes geographies ({', '.join(sorted(found))}); import one at a time"],
        )
    detected = found.pop() if found else None
    if declared and detected and declared != detected:
        raise StatisticsImportError(
            label, [f"--geography {declared} was given but the codes are {detected} codes"]
        )
    geography = declared or detected
    if geography is None:
        raise StatisticsImportError(
            label, ["no output area, LSOA or MSOA codes (E00…, E01…, E02…) found"]
        )
    return geography


def _check_codes(wide: _Wide, geography: str, label: str) -> list[str]:
    problems = []
    allowed = GEOGRAPHY_PREFIXES[geography]
    bad = ~wide.codes.str.match(_GSS.pattern) | ~wide.codes.str[:3].isin(allowed)
    for line in wide.codes.index[bad][:20]:
        code = str(wide.codes.at[line])
        label = Geography(geography).label.lower()
        article = "an" if label[0] in "aeiou" else "a"
        problems.append(
            f"row {line}: '{code}' is not {article} {label} code ({' or '.join(allowed)}…)"
            if code
            else f"row {line}: the area code is missing"
        )
    duplicated = wide.codes.duplicated(keep="first")
    first_line: dict[str, int] = {}
    for line, code in zip(wide.codes.index.tolist(), wide.codes.tolist(), strict=True):
        first_line.setdefault(str(code), int(line))
    for line in wide.codes.index[duplicated][:20]:
        code = str(wide.codes.at[line])
        problems.append(f"row {line}: area {code} appears again (first on row {first_line[code]})")
    return problems


@dataclass
class _Scope:
    """The councils and small areas that are loaded: what a file's rows are checked against."""

    council_names: dict[str, str]  # casefolded council name -> LAD code
    council_labels: dict[str, str]  # LAD code -> name
    council_codes: set[str]
    area_council: dict[str, str]  # small-area code -> LAD code


def _scope(geography: str, generation: int) -> _Scope:
    councils = dict(
        Area.objects.filter(level=AreaLevel.LAD, council_members__isnull=False)
        .distinct()
        .values_list("code", "name")
    )
    level = {"lsoa": AreaLevel.LSOA, "msoa": AreaLevel.MSOA, "oa": AreaLevel.LSOA}[geography]
    area_council = dict(
        Area.objects.filter(level=level, generation=generation).values_list("code", "council__code")
    )
    return _Scope(
        council_names={name.casefold(): code for code, name in councils.items()},
        council_labels=councils,
        council_codes=set(councils),
        area_council=area_council,
    )


def _council_of_row(wide: _Wide, scope: _Scope) -> pd.Series:
    """The loaded council each row claims to belong to ('' if none), from its LAD or name."""
    claimed = pd.Series("", index=wide.codes.index)
    if wide.lad_codes is not None:
        claimed = wide.lad_codes.where(wide.lad_codes.isin(scope.council_codes), "")
    if wide.names is not None:
        by_name = (
            wide.names.str.extract(_SMALL_AREA_NAME)["council"]
            .str.casefold()
            .map(scope.council_names)
            .fillna("")
        )
        claimed = claimed.where(claimed != "", by_name)
    return claimed.astype(str)


def _existing_oa_lsoas() -> dict[str, str]:
    return dict(
        Figure.objects.filter(dataset__geography=Geography.OA)
        .exclude(lsoa_code="")
        .values_list("area_code", "lsoa_code")
        .distinct()
    )


# --- Reading ------------------------------------------------------------------------------


def read_statistics(
    paths: Sequence[Path],
    *,
    topic: str,
    edition: str | None = None,
    geography: str | None = None,
) -> ParsedTable:
    """Read and check one or more files of one table (MHCLG splits the IoD over several)."""
    if topic not in TOPIC_MEASURES:
        raise StatisticsImportError(str(paths[0]) if paths else "", [f"unknown topic {topic!r}"])
    if not paths:
        raise StatisticsImportError("", ["no file given"])
    edition = edition or DEFAULT_EDITION[topic]
    parsed = [_read_one(Path(p), topic=topic, edition=edition, geography=geography) for p in paths]
    first = parsed[0]
    for other in parsed[1:]:
        if (other.geography, other.generation) != (first.geography, first.generation):
            raise StatisticsImportError(
                other.files[0],
                [
                    (
                        f"its areas are {other.geography} {other.generation}, the first file's are "
                        f"{first.geography} {first.generation}"
                    )
                ],
            )
        overlap = [m for m in other.values.columns if m in first.values.columns]
        both = first.values.index.intersection(other.values.index)
        for measure in overlap:
            a = first.values.loc[both, measure]
            b = other.values.loc[both, measure]
            differ = ~np.isclose(a.to_numpy(), b.to_numpy(), equal_nan=True)
            if differ.any():
                code = str(both[differ][0])
                raise StatisticsImportError(
                    other.files[0],
                    [
                        f"{measure} for {code} is {b[code]:g} here but {a[code]:g} in {first.files[0]}"
                    ],
                )
        first.values = first.values.combine_first(other.values)
        first.skipped += other.skipped
        first.notes += other.notes
        first.files += other.files
    if topic == "deprivation" and _required(topic, first.values):
        raise StatisticsImportError(
            ", ".join(first.files),
            [
                (
                    "no IMD rank or score column (such as 'Index of Multiple Deprivation (IMD) Rank "
                    "(where 1 is most deprived)' or IMD_rank)"
                )
            ],
        )
    return first


def _read_one(path: Path, *, topic: str, edition: str, geography: str | None) -> ParsedTable:
    frame = _read_csv(path)
    layout = _detect_layout(topic, frame)
    generation = 2021
    if topic == "deprivation":
        wide, generation = _deprivation(frame, layout)
        if edition in IOD_GENERATION and IOD_GENERATION[edition] != generation:
            raise StatisticsImportError(
                frame.label,
                [
                    (
                        f"{edition} is published for {IOD_GENERATION[edition]} LSOAs but the file has "
                        f"{generation} LSOA codes"
                    )
                ],
            )
    elif topic == "population":
        wide, generation = _population(frame, layout, edition)
    elif layout == "ons_bulk":
        wide = _ons_bulk(topic, frame)
    elif layout == "ons_custom":
        wide = _ons_custom(topic, frame)
    else:
        wide = _bundled_census(topic, frame)

    geography = _geography_of(wide.codes, frame.label, geography)
    problems = _check_codes(wide, geography, frame.label)
    numbers: dict[str, pd.Series] = {}
    for measure, strings in wide.measures.items():
        if wide.numeric:
            numbers[measure] = strings.astype(float)
        else:
            numbers[measure] = _numbers(strings, wide.source_column[measure], problems)
    if problems:
        raise StatisticsImportError(frame.label, problems)
    values = pd.DataFrame(numbers, index=wide.codes.index)
    values = _derive(topic, values)
    # The IoD's required columns may be in another of its files: checked once joined.
    missing = _required(topic, values) if topic != "deprivation" else []
    if missing:
        raise StatisticsImportError(
            frame.label,
            [f"no column or category found for {m} ({topic})" for m in missing]
            + [f"columns found: {', '.join(frame.columns)}"],
        )
    derived_negative = (values.select_dtypes("number") < 0).any(axis=1)
    for line in values.index[derived_negative][:20]:
        problems.append(f"row {line}: the categories add up to more than the total")
    if problems:
        raise StatisticsImportError(frame.label, problems)

    # Which rows are for loaded areas; a row claiming a loaded council must be a known area.
    scope = _scope(geography, generation)
    lsoa_of = None
    if geography == "oa":
        lsoas = wide.lsoa_codes if wide.lsoa_codes is not None else None
        if lsoas is None:
            known = _existing_oa_lsoas()
            lsoas = wide.codes.map(known).fillna("")
        lsoa_of = lsoas
        area_council = lsoas.map(scope.area_council).fillna("")
    else:
        area_council = wide.codes.map(scope.area_council).fillna("")
    claimed = _council_of_row(wide, scope)
    stray = (area_council == "") & (claimed != "")
    for line in wide.codes.index[stray][:20]:
        code = str(claimed.at[line])
        council = f"{scope.council_labels.get(code, code)} ({code})"
        problems.append(
            f"row {line}: {wide.codes.at[line]} is not a loaded "
            f"{'output area (its LSOA is not loaded)' if geography == 'oa' else geography.upper()}"
            f" {generation} of {council}, though the row is for that council"
        )
    if problems:
        raise StatisticsImportError(frame.label, problems)
    keep = area_council != ""
    if not keep.any():
        hint = (
            " (give the file's LSOA codes: no output area lookup is loaded)"
            if geography == "oa" and wide.lsoa_codes is None
            else ""
        )
        raise StatisticsImportError(
            frame.label,
            [
                (
                    f"none of its {len(values)} areas is in a loaded council{hint}; "
                    "load the council's geography first (cohesion areas load-bundled or import)"
                )
            ],
        )
    values = values.loc[keep.to_numpy()].drop(
        columns=[c for c in values.columns if str(c).startswith("_")]
    )
    codes = wide.codes[keep]
    values.index = pd.Index(codes.to_numpy(), name="area_code")
    if lsoa_of is not None:
        lsoa_of = pd.Series(lsoa_of[keep].to_numpy(), index=values.index)
    return ParsedTable(
        topic=topic,
        edition=edition,
        geography=geography,
        generation=generation,
        layout=wide.layout,
        values=values,
        lsoa_of=lsoa_of,
        skipped=int((~keep).sum()),
        notes=wide.notes,
        files=[frame.label],
    )


# --- Writing ------------------------------------------------------------------------------


def _default_metadata(topic: str, edition: str) -> tuple[str, str, date]:
    title, source, when = TOPIC_SOURCES[topic]
    if topic == "deprivation":
        source = f"MHCLG English Indices of Deprivation {edition.removeprefix('IoD ')}"
        when = IOD_DATE.get(edition, when)
    elif topic == "population":
        year = re.search(r"\d{4}", edition)
        if year:
            when = f"{year[0]}-06-30"
            source = f"ONS mid-{year[0]} small area population estimates"
    return f"{title}, {edition}", source, date.fromisoformat(when)


def _insert_figures(rows: Iterable[tuple[int, str, str, str, float]]) -> None:
    """Insert figure rows in batches with plain parameterised SQL.

    Why not bulk_create: building ~90,000 model instances costs several seconds,
    which every demo load and test database would pay; executemany is ~10x faster.
    """
    meta = Figure._meta
    columns = [
        str(getattr(meta.get_field(name), "column", name))
        for name in ("dataset", "area_code", "lsoa_code", "measure", "value")
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(str(meta.db_table))} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in _batches(rows, BATCH_SIZE):
            cursor.executemany(sql, batch)


def _batches(rows: Iterable[tuple[int, str, str, str, float]], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def write_statistics(
    table: ParsedTable,
    *,
    by: User | None = None,
    title: str = "",
    source: str = "",
    reference_date: date | None = None,
    notes: str = "",
) -> StatisticsSummary:
    """Replace the dataset with the same topic, edition and geography (all or nothing)."""
    default_title, default_source, default_date = _default_metadata(table.topic, table.edition)
    deleted, _ = Dataset.objects.filter(
        topic=table.topic, edition=table.edition, geography=table.geography
    ).delete()
    dataset = Dataset.objects.create(
        topic=table.topic,
        edition=table.edition,
        title=title or default_title,
        source=source or default_source,
        reference_date=reference_date or default_date,
        geography=table.geography,
        generation=table.generation,
        file_name=", ".join(Path(f).name for f in table.files)[:300],
        layout=table.layout,
        notes="\n".join([notes, *table.notes]).strip(),
        imported_by=by,
    )
    long = table.values.stack(future_stack=True).dropna()
    lsoa_of = table.lsoa_of if table.lsoa_of is not None else None
    area_codes = long.index.get_level_values(0)
    lsoa_codes = (
        lsoa_of.reindex(area_codes).fillna("").to_numpy()
        if lsoa_of is not None
        else np.full(len(long), "", dtype=object)
    )
    rows = zip(
        itertools.repeat(dataset.pk),
        area_codes.tolist(),
        lsoa_codes.tolist(),
        long.index.get_level_values(1).tolist(),
        long.to_numpy(dtype=float).tolist(),
        strict=False,
    )
    _insert_figures(rows)
    return StatisticsSummary(
        topic=table.topic,
        edition=table.edition,
        geography=table.geography,
        areas=len(table.values),
        figures=len(long),
        skipped=table.skipped,
        replaced=deleted > 0,
        layout=table.layout,
        notes=table.notes,
    )
