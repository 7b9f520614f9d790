"""What an area profile is: its figures, sections, charts and ward rows.

Kept apart from the code that builds profiles (`profile.py` for open data,
`record_sections.py` for Cohesion's own records), which both produce these.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohesion.areas.models import Area, AreaLevel
from cohesion.profiles.measures import Measure

if TYPE_CHECKING:
    from cohesion.profiles.figures import AreaMeasures

# Shown wherever the open data are displayed (cohesion/opendata/README.md, "Attribution").
ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2011–2024. English Indices of "  # noqa: RUF001
    "Deprivation 2019 © Crown copyright, Ministry of Housing, Communities and Local Government, "
    "Open Government Licence v3.0. LSOA 2011 boundaries converted by Martin Chorley "
    "(UK-GeoJSON, CC BY 4.0)."
)
RECORDS_SOURCE: Final = "Cohesion records held by the partnership"

Value = float | str | None


# --- What a profile is ----------------------------------------------------------------------


def format_value(value: Value, unit: str, decimals: int) -> str:
    """The one rounding rule for the page, the PDF and the CSV."""
    if value is None:
        return _("not available")
    if isinstance(value, str):
        return value
    text = f"{value:,.{decimals}f}"
    return f"{text}%" if unit == "%" else text


def long_date(iso: str) -> str:
    """'2021-03-21' as '21 March 2021'; anything else (a period, a year) as given."""
    parsed = parse_date(iso) if iso and len(iso) == 10 else None
    return date_format(parsed, "j F Y") if parsed else iso


@dataclass(frozen=True)
class ProfileFigure:
    """One figure of one area, with its comparators, source and date."""

    key: str
    label: str
    unit: str
    decimals: int
    value: Value
    council: Value
    england: Value
    source: str
    date: str
    note: str = ""
    # The number of `note` in the profile's numbered notes (0: none).
    note_ref: int = 0
    # Where the figure's record lives (a strategy), for readers who may open it.
    url: str = ""

    @property
    def value_text(self) -> str:
        return format_value(self.value, self.unit, self.decimals)

    @property
    def council_text(self) -> str:
        return format_value(self.council, self.unit, self.decimals)

    @property
    def england_text(self) -> str:
        return format_value(self.england, self.unit, self.decimals)

    @property
    def date_text(self) -> str:
        return long_date(self.date)

    def rounded(self, value: Value) -> float | str | None:
        """As downloaded: numbers to the decimals shown, text as is."""
        if value is None or isinstance(value, str):
            return value
        return round(value, self.decimals) if self.decimals else round(value)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def text_y(self) -> float:
        """Where the value sits: just above the bar."""
        return round(self.y - 6, 1)


@dataclass(frozen=True)
class BarChart:
    """A server-drawn bar chart; its figures are always in a table beside it too."""

    chart_id: str
    title: str
    description: str
    bars: list[Bar]
    width: int = 640
    height: int = 240
    baseline: float = 200.0

    @property
    def label_y(self) -> float:
        """Where the category labels sit: under the baseline."""
        return self.baseline + 20


@dataclass(frozen=True)
class DecileRow:
    label: str
    lsoas: str
    residents: str
    council_lsoas: str
    council_residents: str


@dataclass
class ProfileSection:
    key: str
    title: str
    figures: list[ProfileFigure]
    # Figures drawn as a chart (shown in the chart's own table, listed in downloads).
    chart_figures: list[ProfileFigure] = field(default_factory=list)
    chart: BarChart | None = None
    # The deprivation chart's table: one row per decile.
    decile_rows: list[DecileRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # From Cohesion's records: only built for people with the right over the area.
    restricted: bool = False

    @property
    def all_figures(self) -> list[ProfileFigure]:
        return [*self.figures, *self.chart_figures]


@dataclass(frozen=True)
class WardRow:
    area: Area
    values: list[str]  # as shown
    numbers: list[float | None]  # as computed


@dataclass
class AreaProfile:
    area: Area
    council: Area
    sections: list[ProfileSection]
    produced_on: dt.date
    ward_columns: list[Measure] = field(default_factory=list)
    wards: list[WardRow] = field(default_factory=list)
    # Numbered notes (note 1 is notes[0]), referred to by figures' `note_ref`.
    notes: list[str] = field(default_factory=list)
    # Said once at the top (e.g. an old ward with no figures of its own).
    warnings: list[str] = field(default_factory=list)
    attribution: str = ATTRIBUTION
    # The council's ward map, when it can be drawn.
    choropleth: Any = None

    @property
    def is_council(self) -> bool:
        return self.area.level == AreaLevel.LAD

    @property
    def sources(self) -> list[tuple[str, str]]:
        """Every (source, date) behind the figures shown, in order of first use."""
        seen: dict[tuple[str, str], None] = {}
        for section in self.sections:
            for figure in section.all_figures:
                seen.setdefault((figure.source, figure.date_text), None)
        return list(seen)


def as_number(value: Any) -> float | None:
    """A figure as a float; None for missing or NaN (pandas marks "not known" as NaN)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def area_values(data: AreaMeasures, area: Area) -> pd.Series:
    """The area's column of figures: the council's own, or its ward's row."""
    if area.level == AreaLevel.LAD:
        return data.council_values
    if area.code in data.wards.index:
        row = data.wards.loc[area.code]
        if isinstance(row, pd.Series):  # one row per ward code (the frame's index is unique)
            return row
    # An older ward (before a boundary review): the figures are for current wards only.
    return pd.Series(dtype=float)
