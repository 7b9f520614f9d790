"""Read ONS boundary files and lookups, check everything, then write all or nothing.

Any English (or Welsh) council can load its own areas from the ONS Open
Geography Portal: boundaries as GeoJSON in WGS84 and lookups as CSV, in ONS's
own column names (``WD24CD``, ``LSOA21CD`` …) or the lower-case names used in
Cohesion's bundled data (``ward24_code`` …). A problem anywhere stops the import
with a message naming the file and the feature or row, and nothing is changed.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from django.db import transaction
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from cohesion.areas.geo import GeometryProblem, frame, geometry_from_geojson
from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind

MAX_REPORTED_PROBLEMS = 20

GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
# Entity codes (the first three characters of a GSS code) valid at each level.
LEVEL_PREFIXES: dict[AreaLevel, tuple[str, ...]] = {
    AreaLevel.LAD: ("E06", "E07", "E08", "E09", "W06"),
    AreaLevel.WARD: ("E05", "W05"),
    AreaLevel.MSOA: ("E02", "W02"),
    AreaLevel.LSOA: ("E01", "W01"),
}
# Column / property names, matched case-insensitively: ONS style first, then ours.
CODE_PATTERNS: dict[AreaLevel, str] = {
    AreaLevel.LAD: r"(lad|ltla)\d\dcd|(lad|ltla)(\d\d)?_code",
    AreaLevel.WARD: r"wd\d\dcd|ward(\d\d)?_code",
    AreaLevel.MSOA: r"msoa\d\dcd|msoa(\d\d)?_code",
    AreaLevel.LSOA: r"lsoa\d\dcd|lsoa(\d\d)?_code",
}


class AreaImportError(Exception):
    """An import that was refused; `problems` lists every reason found."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = [f"{source}: nothing was imported because:"] + [f"  - {p}" for p in shown]
        if more:
            lines.append(f"  … and {more} more problems")
        super().__init__("\n".join(lines))


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text


def find_column(columns: Iterable[str], pattern: str) -> str | None:
    """The first column whose whole name matches `pattern` (case-insensitive)."""
    regex = re.compile(rf"^({pattern})$", re.IGNORECASE)
    return next((c for c in columns if regex.match(c)), None)


def name_column_for(code_column: str, columns: Iterable[str]) -> str | None:
    """ONS pairs XXnnCD with XXnnNM; Cohesion's files pair x_code with x_name."""
    lower = code_column.lower()
    candidates = []
    if lower.endswith("cd"):
        candidates.append(code_column[:-2] + ("NM" if code_column[-2:] == "CD" else "nm"))
    if lower.endswith("_code"):
        candidates.append(code_column[:-5] + "_name")
    present = set(columns)
    return next((c for c in candidates if c in present), None)


def check_code(code: str, level: AreaLevel) -> str | None:
    """None if `code` is a GSS code for `level`, else the reason it is not."""
    if not GSS_CODE.match(code):
        return f"'{code}' is not a GSS code (a letter and eight digits, like E05015511)"
    if code[:3] not in LEVEL_PREFIXES[level]:
        expected = " or ".join(f"{p}…" for p in LEVEL_PREFIXES[level])
        return f"'{code}' is not a {level.label.lower()} code (expected {expected})"
    return None


def _latest(level: AreaLevel, codes: Iterable[str]) -> dict[str, Area]:
    """The latest-generation area for each code at `level`."""
    found: dict[str, Area] = {}
    for area in Area.objects.filter(level=level, code__in=set(codes)).order_by("generation"):
        found[area.code] = area
    return found


# --- Boundaries --------------------------------------------------------------------------


@dataclass
class _Feature:
    number: int
    code: str
    name: str
    council_code: str
    parent_code: str
    geometry: dict[str, Any]
    framing: dict[str, float]


def _unreadable(exc: OSError) -> str:
    return f"the file cannot be read ({exc.strerror or exc})"


class _CouncilLocator:
    """Finds the loaded council holding an area, for files that do not name it."""

    def __init__(self) -> None:
        latest: dict[str, Area] = {}
        for area in Area.objects.filter(level=AreaLevel.LAD, min_lon__isnull=False).order_by(
            "generation"
        ):
            latest[area.code] = area
        self.codes = list(latest)
        self.tree = shapely.STRtree([shape(a.geometry) for a in latest.values()])

    def code_at(self, geom: BaseGeometry) -> str:
        inside = geom.representative_point()
        for i in self.tree.query(inside, predicate="intersects"):
            return self.codes[int(i)]
        return ""


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AreaImportError(str(path), ["the file does not exist"]) from None
    except UnicodeDecodeError:
        raise AreaImportError(str(path), ["the file is not UTF-8 text"]) from None
    except OSError as exc:  # a folder, or a file we may not read
        raise AreaImportError(str(path), [_unreadable(exc)]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AreaImportError(
            str(path), [f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]
        ) from None


def import_boundaries(
    path: Path,
    *,
    level: AreaLevel,
    generation: int,
    code_property: str | None = None,
    name_property: str | None = None,
    council_property: str | None = None,
    parent_property: str | None = None,
    council: str | None = None,
    source: str = "",
) -> ImportSummary:
    """Import a GeoJSON FeatureCollection of areas at `level` in boundary `generation`.

    Councils (LADs) must be imported before their wards and small areas. Areas
    already loaded with the same code and generation are updated in place.
    """
    label = str(path)
    data = _load_json(path)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise AreaImportError(label, ["not a GeoJSON FeatureCollection"])
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise AreaImportError(label, ["the FeatureCollection has no features"])

    first_properties: dict[str, Any] = next(
        (
            f["properties"]
            for f in raw_features
            if isinstance(f, dict) and isinstance(f.get("properties"), dict) and f["properties"]
        ),
        {},
    )
    columns = list(first_properties)
    code_key = code_property or find_column(columns, CODE_PATTERNS[level])
    if code_key is None:
        raise AreaImportError(
            label,
            [
                (
                    f"no {level.label.lower()} code property found among "
                    f"{', '.join(columns) or 'none'}; name it with --code-property"
                )
            ],
        )
    name_key = name_property or name_column_for(code_key, columns)
    if name_key is None:
        raise AreaImportError(
            label, [f"no name property pairs with '{code_key}'; name it with --name-property"]
        )
    council_filter: Area | None = None
    if council and level == AreaLevel.LAD:
        # Loading a council from a national file: it need not be loaded yet.
        council_filter = Area(code=council.upper(), level=AreaLevel.LAD)
    elif council:
        council_filter = _latest(AreaLevel.LAD, [council.upper()]).get(council.upper())
        if council_filter is None or council_filter.geometry is None:
            raise AreaImportError(
                label,
                [f"council {council} is not loaded; import the local authority boundaries first"],
            )
    council_key = None
    if level != AreaLevel.LAD:
        # ONS ward and LSOA boundary files carry no council code: without one, each
        # area goes to the loaded council whose boundary holds its interior point.
        council_key = council_property or find_column(columns, CODE_PATTERNS[AreaLevel.LAD])
    locate_council = _CouncilLocator() if level != AreaLevel.LAD and not council_key else None

    problems: list[str] = []
    features: list[_Feature] = []
    seen: dict[str, int] = {}
    skipped = 0
    for number, raw in enumerate(raw_features, start=1):
        where = f"feature {number}"
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            problems.append(f"{where}: not a GeoJSON Feature")
            continue
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            problems.append(f"{where}: properties must be a JSON object")
            continue
        code = str(properties.get(code_key) or "").strip()
        where = f"feature {number} ({code or 'no code'})"
        geom = None
        geometry_problem = ""
        try:
            geom = geometry_from_geojson(raw.get("geometry"))
        except GeometryProblem as exc:
            geometry_problem = str(exc)
        council_code = str(properties.get(council_key) or "").strip() if council_key else ""
        if locate_council is not None and geom is not None:
            council_code = locate_council.code_at(geom)
        if council_filter is not None:
            unknown = locate_council is not None and geom is None
            member = code if level == AreaLevel.LAD else council_code
            if member != council_filter.code and not unknown:
                skipped += 1  # another council's area in a national file
                continue
        if not code:
            problems.append(f"{where}: property '{code_key}' is empty")
            continue
        if reason := check_code(code, level):
            problems.append(f"{where}: {reason}")
            continue
        if code in seen:
            problems.append(f"{where}: code also used by feature {seen[code]}")
            continue
        seen[code] = number
        name = str(properties.get(name_key) or "").strip()
        if not name:
            problems.append(f"{where}: property '{name_key}' is empty")
        if geom is None:
            problems.append(f"{where}: {geometry_problem}")
            continue
        if council_key and not council_code:
            problems.append(f"{where}: property '{council_key}' is empty")
        elif locate_council is not None and not council_code:
            problems.append(
                f"{where}: lies in no loaded council; import the local authority boundaries "
                "first, or name the council code property with --council-property"
            )
        elif council_key and (reason := check_code(council_code, AreaLevel.LAD)):
            problems.append(f"{where}: council {reason}")
        parent_code = str(properties.get(parent_property) or "").strip() if parent_property else ""
        features.append(
            _Feature(number, code, name, council_code, parent_code, raw["geometry"], frame(geom))
        )
    if not features and not problems:
        problems.append(
            f"no features lie in council {council}" if council else "no features to import"
        )

    councils = _latest(AreaLevel.LAD, (f.council_code for f in features if f.council_code))
    for f in features:
        if f.council_code and f.council_code not in councils:
            problems.append(
                f"feature {f.number} ({f.code}): council {f.council_code} is not loaded; "
                "import the local authority boundaries first"
            )
    parents: dict[str, Area] = {}
    if parent_property:
        parent_codes = {f.parent_code for f in features if f.parent_code}
        parents = {
            a.code: a
            for a in Area.objects.filter(code__in=parent_codes)
            .exclude(level=level)
            .order_by("generation")
        }
        for f in features:
            if f.parent_code and f.parent_code not in parents:
                problems.append(
                    f"feature {f.number} ({f.code}): parent {f.parent_code} is not loaded"
                )
    if problems:
        raise AreaImportError(label, problems)

    summary = ImportSummary(skipped=skipped)
    with transaction.atomic():
        existing = {
            a.code: a
            for a in Area.objects.filter(level=level, generation=generation, code__in=seen)
        }
        for f in features:
            owner = councils.get(f.council_code)
            values: dict[str, Any] = {
                "name": f.name,
                "council": owner,
                "geometry": f.geometry,
                "source": source or path.name,
                **f.framing,
            }
            if parent_property:
                values["parent"] = parents.get(f.parent_code) or owner
            area = existing.get(f.code)
            if area is None:
                if "parent" not in values:
                    values["parent"] = owner
                Area.objects.create(code=f.code, level=level, generation=generation, **values)
                summary.created += 1
            else:
                for key, value in values.items():
                    setattr(area, key, value)
                area.save()
                summary.updated += 1
    return summary


# --- Lookups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupSpec:
    kind: AreaLinkKind
    from_level: AreaLevel
    from_pattern: str
    from_generation: int | None
    to_level: AreaLevel
    to_pattern: str
    to_generation: int | None
    # Typical ONS column names, to show in messages.
    example_columns: tuple[str, str]
    change_pattern: str | None = None


LOOKUPS: dict[str, LookupSpec] = {
    "lsoa21-ward": LookupSpec(
        kind=AreaLinkKind.LSOA21_TO_WARD,
        from_level=AreaLevel.LSOA,
        from_pattern=r"lsoa21cd|lsoa21_code",
        from_generation=2021,
        to_level=AreaLevel.WARD,
        to_pattern=CODE_PATTERNS[AreaLevel.WARD],
        to_generation=None,
        example_columns=("LSOA21CD", "WD24CD"),
    ),
    "lsoa11-lsoa21": LookupSpec(
        kind=AreaLinkKind.LSOA11_TO_LSOA21,
        from_level=AreaLevel.LSOA,
        from_pattern=r"lsoa11cd|lsoa11_code",
        from_generation=2011,
        to_level=AreaLevel.LSOA,
        to_pattern=r"lsoa21cd|lsoa21_code",
        to_generation=2021,
        example_columns=("LSOA11CD", "LSOA21CD"),
        change_pattern=r"chgind|change_code",
    ),
}
# ONS change indicators in the LSOA 2011 to 2021 lookup.
CHANGE_CODES = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}


def _areas_by_code(level: AreaLevel, generation: int | None) -> dict[str, Area]:
    rows = Area.objects.filter(level=level).order_by("generation")
    if generation is not None:
        rows = rows.filter(generation=generation)
    return {a.code: a for a in rows}


def import_lookup(
    path: Path,
    *,
    lookup: str,
    to_generation: int | None = None,
    skip_missing: bool = False,
    source: str = "",
) -> ImportSummary:
    """Import an ONS lookup CSV (`lookup` is one of LOOKUPS) linking loaded areas.

    Every row must name areas that are loaded, unless `skip_missing` is set, which
    lets a council load only its own rows from a national lookup file.
    """
    label = str(path)
    spec = LOOKUPS[lookup]
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise AreaImportError(label, ["the file does not exist"]) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise AreaImportError(label, [f"not a readable CSV file ({exc})"]) from None
    except OSError as exc:  # a folder, or a file we may not read
        raise AreaImportError(label, [_unreadable(exc)]) from None
    from_col = find_column(columns, spec.from_pattern)
    to_col = find_column(columns, spec.to_pattern)
    change_col = find_column(columns, spec.change_pattern) if spec.change_pattern else None
    missing_cols = [what for what, col in (("from", from_col), ("to", to_col)) if col is None]
    if missing_cols or not rows:
        refusals = [] if rows else ["the file has no rows"]
        if missing_cols:
            refusals.append(
                f"columns not found for a {lookup} lookup (have: {', '.join(columns) or 'none'}); "
                f"expected something like {spec.example_columns[0]} and {spec.example_columns[1]}"
            )
        raise AreaImportError(label, refusals)
    assert from_col is not None and to_col is not None

    from_areas = _areas_by_code(spec.from_level, spec.from_generation)
    to_areas = _areas_by_code(spec.to_level, to_generation or spec.to_generation)
    problems: list[str] = []
    links: list[tuple[Area, Area, str]] = []
    summary = ImportSummary()
    seen_from: dict[str, int] = {}
    seen_pairs: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        from_code = (row.get(from_col) or "").strip()
        to_code = (row.get(to_col) or "").strip()
        where = f"row {number}"
        bad = check_code(from_code, spec.from_level) or check_code(to_code, spec.to_level)
        if bad:
            problems.append(f"{where}: {bad}")
            continue
        from_area, to_area = from_areas.get(from_code), to_areas.get(to_code)
        if from_area is None or to_area is None:
            if skip_missing:
                summary.skipped += 1
                continue
            missing = from_code if from_area is None else to_code
            problems.append(f"{where}: {missing} is not a loaded area; import its boundaries first")
            continue
        if spec.kind == AreaLinkKind.LSOA21_TO_WARD:
            if from_code in seen_from:
                problems.append(
                    f"{where}: {from_code} already mapped on row {seen_from[from_code]}"
                )
                continue
            seen_from[from_code] = number
            if from_area.council_id != to_area.council_id:
                problems.append(f"{where}: {from_code} and {to_code} are in different councils")
                continue
        elif (from_code, to_code) in seen_pairs:
            problems.append(
                f"{where}: {from_code} to {to_code} is already on row {seen_pairs[from_code, to_code]}"
            )
            continue
        seen_pairs[from_code, to_code] = number
        change = (row.get(change_col) or "").strip().upper() if change_col else ""
        if change_col and change not in CHANGE_CODES:
            known = ", ".join(f"{code} ({meaning})" for code, meaning in CHANGE_CODES.items())
            problems.append(f"{where}: change code '{change}' is not one of {known}")
            continue
        links.append((from_area, to_area, change))
    if problems:
        raise AreaImportError(label, problems)

    with transaction.atomic():
        for from_area, to_area, change in links:
            if spec.kind == AreaLinkKind.LSOA21_TO_WARD:
                # Best fit may move between releases: replace, don't add a second ward.
                AreaLink.objects.filter(kind=spec.kind, from_area=from_area).exclude(
                    to_area=to_area
                ).delete()
            _, created = AreaLink.objects.update_or_create(
                kind=spec.kind,
                from_area=from_area,
                to_area=to_area,
                defaults={"change_code": change, "source": source or path.name},
            )
            if created:
                summary.created += 1
            else:
                summary.updated += 1
    return summary
