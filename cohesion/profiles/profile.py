"""Area profiles: a ward's or a council's figures, each beside its council's and England's.

`build_profile(area, user)` assembles one profile from two kinds of source:

- open data (census 2021, the indices of deprivation, population estimates),
  read through `cohesion.profiles.figures`. Geography and census figures are
  published statistics, so these sections are shown to everyone;
- Cohesion's own records (hate incidents, tension assessments). Each of these
  sections is built only for a person with the right over the area, and is
  otherwise left out without a word: a heading saying "you may not see this"
  would itself tell an outsider that there is something to see.

Every cross-app read sits in a small function below with a comment saying whose
rules it follows. Strategy actions are not tagged to wards or areas (only a
strategy names its council), so there is no "open actions in this area" section;
the directory of services does not exist yet.

The page, the CSV, the PDF and the API all present the same `AreaProfile`, so a
figure never differs between them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.insight.disclosure import DEFAULT_RULE, SUPPRESSED, is_primary, publish_count
from cohesion.profiles.measures import Measure

if TYPE_CHECKING:
    from cohesion.accounts.models import User
    from cohesion.profiles.figures import AreaMeasures
    from cohesion.tensions.models import TensionAssessment

# Shown wherever the open data are displayed (cohesion/opendata/README.md, "Attribution").
ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2011–2024. English Indices of "  # noqa: RUF001
    "Deprivation 2019 © Crown copyright, Ministry of Housing, Communities and Local Government, "
    "Open Government Licence v3.0. LSOA 2011 boundaries converted by Martin Chorley "
    "(UK-GeoJSON, CC BY 4.0)."
)
RECORDS_SOURCE: Final = "Cohesion records held by the partnership"

# Open-data sections in display order: key, title, the measure topics they gather.
OPEN_SECTIONS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("population", "Population and age structure", ("population", "age")),
    ("country_of_birth", "Country of birth and migration", ("country_of_birth", "migration")),
    ("ethnic_group", "Ethnic groups", ("ethnic_group",)),
    ("religion", "Religion", ("religion",)),
    ("language", "Language", ("english_proficiency", "household_language")),
    ("deprivation", "Deprivation", ("deprivation",)),
)
# The ward table of a council profile: the headline figures, where loaded.
WARD_TABLE_KEYS: Final = (
    "residents_2021",
    "pct_born_outside_uk",
    "pct_not_english_well",
    "pct_hh_different_languages",
    "imd_avg_rank",
    "imd_pct_decile1",
)
# The residents a rate is per (census 2021 usual residents, by best-fit LSOAs).
RATE_DENOMINATOR_KEYS: Final = ("residents_2021", "population")

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


# --- Open data ------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A figure as a float; None for missing or NaN (pandas marks "not known" as NaN)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _area_values(data: AreaMeasures, area: Area) -> pd.Series:
    """The area's column of figures: the council's own, or its ward's row."""
    if area.level == AreaLevel.LAD:
        return data.council_values
    if area.code in data.wards.index:
        row = data.wards.loc[area.code]
        if isinstance(row, pd.Series):  # one row per ward code (the frame's index is unique)
            return row
    # An older ward (before a boundary review): the figures are for current wards only.
    return pd.Series(dtype=float)


def _figure(
    measure: Measure, area_values: pd.Series, data: AreaMeasures, is_council: bool
) -> ProfileFigure:
    return ProfileFigure(
        key=measure.key,
        label=measure.label,
        unit=measure.unit,
        decimals=measure.decimals,
        value=_number(area_values.get(measure.key)),
        council=None if is_council else _number(data.council_values.get(measure.key)),
        england=_number(data.england.get(measure.key)),
        source=measure.source,
        date=measure.date,
        note=measure.note,
    )


def _bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    values: list[float],
    unit: str,
    decimals: int,
) -> BarChart:
    """Vertical bars scaled to the largest value, labelled underneath and on top."""
    width, height, left, right, top, bottom = 640, 240, 8, 8, 24, 40
    top_value = max([v for v in values if v > 0], default=1.0)
    slot = (width - left - right) / max(len(values), 1)
    plot_height = height - top - bottom
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = plot_height * max(value, 0.0) / top_value
        bars.append(
            Bar(
                label=label,
                value=value,
                text=format_value(value, unit, decimals),
                x=round(left + i * slot + slot * 0.15, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
            )
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        bars=bars,
        width=width,
        height=height,
        baseline=float(top + plot_height),
    )


def _age_chart(area: Area, figures: list[ProfileFigure]) -> BarChart | None:
    bands = [f for f in figures if f.key.startswith("pct_age_") and isinstance(f.value, float)]
    if not bands:
        return None
    return _bar_chart(
        chart_id="age-chart",
        title=_("Age structure of %(area)s") % {"area": area.name},
        description=_(
            "Percentage of residents in each age band. The same figures are in the table below."
        ),
        # Short labels ("16 to 24") fit under the bars; the table has the full ones.
        labels=[f.label.removeprefix("% aged ").removeprefix("% ") for f in bands],
        values=[float(f.value) for f in bands],  # type: ignore[arg-type]
        unit="%",
        decimals=1,
    )


def _open_sections(area: Area, council: Area, data: AreaMeasures) -> list[ProfileSection]:
    is_council = area.level == AreaLevel.LAD
    area_values = _area_values(data, area)
    by_topic: dict[str, list[ProfileFigure]] = {}
    for measure in data.measures.values():
        by_topic.setdefault(measure.topic, []).append(
            _figure(measure, area_values, data, is_council)
        )
    sections = []
    used: set[str] = set()
    for key, title, topics in OPEN_SECTIONS:
        figures = [f for topic in topics for f in by_topic.get(topic, [])]
        used.update(topics)
        section = ProfileSection(key=key, title=_(title), figures=figures)
        if key == "population":
            section.chart = _age_chart(area, figures)
        if key == "deprivation":
            _add_deprivation(section, area, council)
        if section.figures or section.chart_figures:
            sections.append(section)
    # Anything the data helper adds later still shows, rather than silently not.
    rest = [f for topic, figures in by_topic.items() if topic not in used for f in figures]
    if rest:
        sections.append(ProfileSection(key="other", title=_("Other figures"), figures=rest))
    return sections


# The IoD local summary measures computable from ranks (deprivation_summary's keys). The
# population-weighted average rank and the share of people in the most deprived tenth
# are already figures of the section (imd_avg_rank, imd_pct_decile1), so not repeated.
SUMMARY_MEASURES: Final = (
    ("lsoas", "Small areas (LSOAs)", "LSOAs", 0),
    ("pct_lsoas_decile1", "% of small areas among England's most deprived 10%", "%", 1),
    (
        "local_concentration",
        (
            "Local concentration: average rank of the most deprived small areas "
            "holding 10% of the residents"
        ),
        "rank",
        0,
    ),
)


def _summary_value(summary: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in summary:
            return summary[key]
    return None


def _add_deprivation(section: ProfileSection, area: Area, council: Area) -> None:
    """The decile distribution of the area's LSOAs (a chart and its table) and the IoD
    local summary measures, beside the council's."""
    from cohesion.profiles.figures import deprivation_summary

    summary = deprivation_summary(area)
    council_summary = summary if area.level == AreaLevel.LAD else deprivation_summary(council)
    if not summary:
        return
    is_council = area.level == AreaLevel.LAD
    source = str(summary.get("source", ""))
    date = str(summary.get("date", ""))
    deciles = _deciles(summary)
    council_deciles = _deciles(council_summary)
    for decile, (count, population) in deciles.items():
        council_count = council_deciles.get(decile, (None, None))[0]
        section.chart_figures.append(
            ProfileFigure(
                key=f"lsoas_decile_{decile}",
                label=_decile_label(decile),
                unit="LSOAs",
                decimals=0,
                value=count,
                council=None if is_council else council_count,
                england=None,
                source=source,
                date=date,
            )
        )
        if population is not None:
            section.chart_figures.append(
                ProfileFigure(
                    key=f"population_decile_{decile}",
                    label=_("Residents in LSOAs in decile %(decile)s") % {"decile": decile},
                    unit="people",
                    decimals=0,
                    value=population,
                    council=None if is_council else council_deciles.get(decile, (None, None))[1],
                    england=None,
                    source=source,
                    date=date,
                )
            )
    for decile, (count, population) in deciles.items():
        council_count, council_population = council_deciles.get(decile, (None, None))
        section.decile_rows.append(
            DecileRow(
                label=_decile_name(decile),
                lsoas=format_value(count, "LSOAs", 0),
                residents=format_value(population, "people", 0),
                council_lsoas=format_value(council_count, "LSOAs", 0),
                council_residents=format_value(council_population, "people", 0),
            )
        )
    if deciles:
        section.chart = _bar_chart(
            chart_id="decile-chart",
            title=_("LSOAs in %(area)s by national deprivation decile") % {"area": area.name},
            description=_(
                "Number of the area's small areas (LSOAs) in each decile of the Index of "
                "Multiple Deprivation, 1 being England's most deprived tenth. The same "
                "figures are in the table below."
            ),
            labels=[str(d) for d in deciles],
            values=[float(c or 0) for c, _p in deciles.values()],
            unit="LSOAs",
            decimals=0,
        )
    england = summary.get("england", {})
    for key, label, unit, decimals in SUMMARY_MEASURES:
        if key not in summary:
            continue
        section.figures.append(
            ProfileFigure(
                key=f"iod_{key}",
                label=_(label),
                unit=unit,
                decimals=decimals,
                value=_number(summary.get(key)),
                council=None if is_council else _number(council_summary.get(key)),
                england=_number(england.get(key)),
                source=source,
                date=date,
            )
        )
    if summary.get("note"):
        section.notes.append(str(summary["note"]))


def _decile_name(decile: int) -> str:
    if decile == 1:
        return _("Decile 1 (most deprived)")
    if decile == 10:
        return _("Decile 10 (least deprived)")
    return _("Decile %(decile)s") % {"decile": decile}


def _decile_label(decile: int) -> str:
    return _("LSOAs in %(decile)s") % {"decile": _decile_name(decile).lower()}


def _deciles(summary: dict[str, Any]) -> dict[int, tuple[float | None, float | None]]:
    """Decile -> (LSOAs, residents), 1..10, from the summary's distribution."""
    rows = _summary_value(summary, "deciles", "decile_distribution") or []
    out: dict[int, tuple[float | None, float | None]] = {}
    for row in rows:
        out[int(row["decile"])] = (
            _number(_summary_value(row, "lsoas", "count")),
            _number(_summary_value(row, "population", "residents")),
        )
    return dict(sorted(out.items()))


# --- Cross-app reads ------------------------------------------------------------------------


def _year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: the first day of "the last 12 months"."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + dt.timedelta(days=1)


def _hate_incident_count(area: Area, start: dt.date, end: dt.date) -> int:
    """Hate incidents that occurred in the area between start and end (incidents app).

    Counted as early warning counts them (`cohesion.earlywarning.counts`): the hate
    record kinds, anti-social behaviour left out, every status ("closed" means dealt
    with, not "did not happen"), anonymised records kept (they keep date and ward).
    An aggregate for the area, whichever organisation holds each record, like the
    early-warning series; who may see it is decided by `_incident_section`.
    """
    from cohesion.earlywarning.counts import COUNTED_KINDS
    from cohesion.incidents.models import Incident

    incidents = Incident.objects.filter(record_kind__in=COUNTED_KINDS).in_period(start, end)
    if area.level == AreaLevel.LAD:
        return incidents.filter(council=area).count()
    # A ward code can have one row per boundary generation; the code is the ward.
    return incidents.filter(ward__code=area.code, ward__level=AreaLevel.WARD).count()


def _current_assessment(user: User, area: Area, today: dt.date) -> TensionAssessment | None:
    """The area's current tension assessment as the dashboard shows it (tensions app).

    `assessments_visible_to` applies the dashboard right, the person's scope and the
    release rules; like `cohesion.tensions.queries.latest_approved`, only approved
    assessments whose period has started count.
    """
    from cohesion.tensions.access import assessments_visible_to

    return (
        assessments_visible_to(user)
        .filter(area=area, approved_by__isnull=False, period_start__lte=today)
        .order_by("-period_start", "-period_end", "-id")
        .first()
    )


def _level_label(value: int) -> str:
    """'3 Elevated' from the tension scale (tensions app; the scale is editable)."""
    from cohesion.tensions.models import TensionLevel

    level = TensionLevel.objects.filter(value=value).first()
    return f"{value} {level.label}" if level else str(value)


# --- Restricted sections --------------------------------------------------------------------


def _rate(count: int, residents: float | None) -> float | None:
    if residents is None or residents <= 0:
        return None
    return 1000.0 * count / residents


def _published(
    count: int, rate: float | None, residents: float | None, exact: bool
) -> tuple[Value, Value]:
    """The count and rate as this person may see them.

    With INCIDENT_VIEW over the area the figures are exact (the person may read the
    records anyway). Otherwise the disclosure rule applies (counts 1-9 hidden, the
    rest rounded to 5), and a rate is not shown where its count is hidden or its
    denominator is too small; a shown rate is still computed from the exact count.
    """
    if exact:
        return count, rate
    shown_count = publish_count(count, DEFAULT_RULE)
    if (
        is_primary(count, DEFAULT_RULE)
        or residents is None
        or residents < DEFAULT_RULE.rate_denominator_floor
    ):
        return shown_count, SUPPRESSED if rate is not None else None
    return shown_count, rate


def _residents(values: pd.Series) -> float | None:
    for key in RATE_DENOMINATOR_KEYS:
        number = _number(values.get(key))
        if number:
            return number
    return None


def _incident_section(
    user: User | AnonymousUser, area: Area, council: Area, data: AreaMeasures, today: dt.date
) -> ProfileSection | None:
    """Hate incidents in the last 12 months and the rate per 1,000 residents.

    Shown to people who may see incidents in the area (exact), or the tension
    dashboard for it (councillors: disclosure-controlled); nobody else.
    """
    exact = has_permission(user, Permission.INCIDENT_VIEW, area=area)
    if not exact and not has_permission(user, Permission.TENSION_DASHBOARD, area=area):
        return None
    start = _year_before(today)
    period = _("12 months to %(date)s") % {"date": date_format(today, "j F Y")}
    is_council = area.level == AreaLevel.LAD
    residents = _residents(_area_values(data, area))
    count = _hate_incident_count(area, start, today)
    shown_count, shown_rate = _published(count, _rate(count, residents), residents, exact)
    council_count: Value = None
    council_rate: Value = None
    if not is_council:
        council_residents = _residents(data.council_values)
        n = _hate_incident_count(council, start, today)
        # Exact only for someone who may read the council's records; anyone else (e.g. a
        # partner covering two wards) sees the council's figure under the rule.
        council_exact = has_permission(user, Permission.INCIDENT_VIEW, area=council)
        council_count, council_rate = _published(
            n, _rate(n, council_residents), council_residents, council_exact
        )
    section = ProfileSection(
        key="incidents",
        title=_("Hate incidents"),
        restricted=True,
        figures=[
            ProfileFigure(
                key="hate_incidents_12m",
                label=_("Hate incidents recorded (occurred in the last 12 months)"),
                unit="incidents",
                decimals=0,
                value=shown_count,
                council=council_count,
                england=None,
                source=RECORDS_SOURCE,
                date=period,
            ),
            ProfileFigure(
                key="incident_rate",
                label=_("Hate incidents per 1,000 residents (last 12 months)"),
                unit="per 1,000",
                decimals=1,
                value=shown_rate,
                council=council_rate,
                england=None,
                source=RECORDS_SOURCE + _("; residents: ONS Census 2021"),
                date=period,
            ),
        ],
        notes=[
            _(
                "Hate crimes reported to the police, hate incidents that are not crimes and "
                "police non-crime hate incidents shared with the partnership, whatever their "
                "status; anti-social behaviour is not counted. Rates use Census 2021 usual residents."
            )
        ],
    )
    if not exact:
        section.notes.append(
            _(
                'Disclosure control: counts from 1 to 9 are shown as "%(symbol)s" and other counts '
                "are rounded to the nearest 5; a rate is not shown where its count is hidden."
            )
            % {"symbol": SUPPRESSED}
        )
    return section


def _tension_section(
    user: User | AnonymousUser, area: Area, council: Area, today: dt.date
) -> ProfileSection | None:
    """The current tension level and trend, as on the tension dashboard."""
    if not has_permission(user, Permission.TENSION_DASHBOARD, area=area):
        return None
    assert not isinstance(user, AnonymousUser)  # has_permission is False for anonymous
    current = _current_assessment(user, area, today)
    council_current = (
        None if area.level == AreaLevel.LAD else _current_assessment(user, council, today)
    )
    none = _("No approved assessment")
    date = (
        _("%(start)s to %(end)s")
        % {
            "start": date_format(current.period_start, "j M Y"),
            "end": date_format(current.period_end, "j M Y"),
        }
        if current
        else date_format(today, "j F Y")
    )
    council_level: Value = None
    council_trend: Value = None
    if area.level != AreaLevel.LAD:
        council_level = _level_label(council_current.level) if council_current else none
        council_trend = council_current.get_trend_display() if council_current else none
    section = ProfileSection(
        key="tensions",
        title=_("Community tension"),
        restricted=True,
        figures=[
            ProfileFigure(
                key="tension_level",
                label=_("Current tension level"),
                unit="level",
                decimals=0,
                value=_level_label(current.level) if current else none,
                council=council_level,
                england=None,
                source=_("Approved tension assessment, Cohesion"),
                date=date,
            ),
            ProfileFigure(
                key="tension_trend",
                label=_("Trend"),
                unit="",
                decimals=0,
                value=current.get_trend_display() if current else none,
                council=council_trend,
                england=None,
                source=_("Approved tension assessment, Cohesion"),
                date=date,
            ),
        ],
    )
    if current:
        section.notes.append(
            _("Next review due %(date)s.") % {"date": date_format(current.next_review_on, "j F Y")}
        )
    return section


# --- The profile ----------------------------------------------------------------------------


def _ward_table(data: AreaMeasures, council: Area) -> tuple[list[Measure], list[WardRow]]:
    columns = [data.measures[k] for k in WARD_TABLE_KEYS if k in data.measures]
    wards = Area.objects.current_wards(council).order_by("name")
    rows = []
    for ward in wards:
        values = (
            data.wards.loc[ward.code] if ward.code in data.wards.index else pd.Series(dtype=float)
        )
        numbers = [_number(values.get(m.key)) for m in columns]
        rows.append(
            WardRow(
                area=ward,
                values=[
                    format_value(n, m.unit, m.decimals)
                    for n, m in zip(numbers, columns, strict=True)
                ],
                numbers=numbers,
            )
        )
    return columns, rows


# The council profile's map: where people born outside the UK live (the maps page's
# default too). A context measure, so drawn in the neutral palette.
MAP_MEASURE: Final = "pct_born_outside_uk"


def _ward_map(data: AreaMeasures, wards: list[Area]) -> Any:
    """The wards shaded by MAP_MEASURE, each linked to its profile."""
    from cohesion.areas.choropleth import build_choropleth

    measure = data.measures.get(MAP_MEASURE)
    if measure is None or not wards:
        return None
    column = data.wards[MAP_MEASURE] if MAP_MEASURE in data.wards else pd.Series(dtype=float)
    return build_choropleth(
        wards,
        {str(code): _number(value) for code, value in column.items()},
        title=_("%(measure)s, by ward") % {"measure": measure.label},
        unit=measure.unit,
        decimals=measure.decimals,
        link=lambda ward: reverse("area-profile", args=[ward.code]),
        higher_is_worse=None,
        source=f"{measure.source}, {long_date(measure.date)}",
        map_id="profile-map",
    )


def profile_area(code: str) -> Area:
    """The ward or council with this GSS code (newest boundaries); LookupError otherwise."""
    area = (
        Area.objects.select_related("council")
        .filter(code=code.upper(), level__in=[AreaLevel.WARD, AreaLevel.LAD])
        .order_by("-generation")
        .first()
    )
    if area is None or (area.level == AreaLevel.WARD and area.council is None):
        raise LookupError(code)
    return area


def _strategy_section(
    user: User | AnonymousUser, area: Area, today: dt.date
) -> ProfileSection | None:
    """Open actions of the council's strategies the reader may see (the strategies app's rules).

    Actions name their owner organisation and objectives, not wards, so this
    appears on the council's profile only; a ward profile would have to guess.
    """
    if area.level != AreaLevel.LAD or not has_permission(user, Permission.STRATEGY_VIEW):
        return None
    assert not isinstance(user, AnonymousUser)
    from django.db.models import Count, Q

    from cohesion.strategies.access import strategies_visible_to
    from cohesion.strategies.choices import Rag, Status

    open_statuses = [Status.NOT_STARTED, Status.IN_PROGRESS]
    strategies = (
        strategies_visible_to(user)
        .filter(council=area)
        .annotate(
            open_actions=Count("actions", filter=Q(actions__status__in=open_statuses)),
            red=Count(
                "actions", filter=Q(actions__status=Status.IN_PROGRESS, actions__rag=Rag.RED)
            ),
            amber=Count(
                "actions", filter=Q(actions__status=Status.IN_PROGRESS, actions__rag=Rag.AMBER)
            ),
        )
        .order_by("title")
    )
    figures = [
        ProfileFigure(
            key=f"strategy_{strategy.slug}",
            label=strategy.title,
            unit="",
            decimals=0,
            value=_("%(open)s open actions (%(red)s red, %(amber)s amber)")
            % {"open": strategy.open_actions, "red": strategy.red, "amber": strategy.amber},
            council=None,
            england=None,
            source=_("Cohesion strategies and action plans"),
            date=today.isoformat(),
            url=reverse("strategy-detail", args=[strategy.slug]),
        )
        for strategy in strategies
    ]
    if not figures:
        return None
    return ProfileSection(
        key="strategies", title=_("Strategy actions"), restricted=True, figures=figures
    )


def _services_section(area: Area, today: dt.date) -> ProfileSection | None:
    """Published community directory services with a place in the area, by category.

    Public, like the directory itself. Each figure links to the directory's search
    for the ward (a council's profile links to the whole directory).
    """
    from cohesion.directory.access import published_services
    from cohesion.directory.models import Attribute, TaxonomyTerm

    in_area = (
        {"service_at_locations__location__ward": area}
        if area.level == AreaLevel.WARD
        else {"service_at_locations__location__ward__council": area}
    )
    services = published_services().filter(**in_area).distinct()
    total = services.count()
    if not total:
        return None
    search = reverse("directory-search")
    ward_query = {"ward": area.code} if area.level == AreaLevel.WARD else {}
    source = _("Cohesion community directory (published entries)")

    def figure(key: str, label: str, count: int, query: dict[str, Any]) -> ProfileFigure:
        return ProfileFigure(
            key=key,
            label=label,
            unit="",
            decimals=0,
            value=float(count),
            council=None,
            england=None,
            source=source,
            date=today.isoformat(),
            url=f"{search}?{urlencode(query)}" if query else search,
        )

    figures = [figure("services_total", _("Services with a place here"), total, ward_query)]
    # Top-level categories, as the directory's category filter reads them (a term
    # and its children); a service counts once under each category it is filed in.
    links = Attribute.objects.filter(service__in=services.values("id")).values_list(
        "service_id", "taxonomy_term_id", "taxonomy_term__parent_id"
    )
    per_category: dict[Any, set[Any]] = {}
    for service_id, term_id, parent_id in links:
        per_category.setdefault(parent_id or term_id, set()).add(service_id)
    names = dict(
        TaxonomyTerm.objects.filter(pk__in=per_category, parent__isnull=True).values_list(
            "pk", "name"
        )
    )
    ranked = sorted(
        ((len(per_category[pk]), name, pk) for pk, name in names.items()),
        key=lambda row: (-row[0], row[1]),
    )
    figures += [
        figure(f"services_{pk}", name, count, {**ward_query, "category": str(pk)})
        for count, name, pk in ranked
    ]
    return ProfileSection(
        key="services",
        title=_("Community services"),
        figures=figures,
        notes=[
            _(
                "Counted from the directory's published entries with a place in the area; "
                "services that work across the whole city without a place here are not counted."
            )
        ],
    )


def build_profile(
    area: Area, user: User | AnonymousUser, *, today: dt.date | None = None
) -> AreaProfile:
    """The profile of a ward or a council as `user` may see it."""
    if area.level not in (AreaLevel.WARD, AreaLevel.LAD):
        raise ValueError(f"{area} is neither a ward nor a council")
    council = area if area.level == AreaLevel.LAD else area.council
    assert council is not None
    # Imported here so that the URLconf loads even before any statistics code does.
    from cohesion.profiles.figures import council_measures

    today = today or timezone.localdate()
    data = council_measures(council)
    profile = AreaProfile(
        area=area,
        council=council,
        sections=_open_sections(area, council, data),
        produced_on=today,
    )
    if area.level == AreaLevel.WARD and area.code not in data.wards.index:
        profile.warnings.append(
            _("Figures are published for the council's current wards (%(year)s boundaries) only.")
            % {"year": data.ward_generation}
        )
    for section in (
        _incident_section(user, area, council, data, today),
        _tension_section(user, area, council, today),
        _strategy_section(user, area, today),
        _services_section(area, today),
    ):
        if section is not None:
            profile.sections.append(section)
    if profile.is_council:
        profile.ward_columns, profile.wards = _ward_table(data, council)
        profile.choropleth = _ward_map(data, [row.area for row in profile.wards])
    _number_notes(profile)
    return profile


def _number_notes(profile: AreaProfile) -> None:
    """Number the figures' notes in order of first use, so each is printed once.

    The same caveat (e.g. the best-fit lookup) applies to dozens of figures; under
    every row it would drown the figures.
    """
    numbers: dict[str, int] = {}

    def ref(figure: ProfileFigure) -> ProfileFigure:
        if not figure.note:
            return figure
        number = numbers.setdefault(figure.note, len(numbers) + 1)
        return replace(figure, note_ref=number)

    for section in profile.sections:
        section.figures = [ref(f) for f in section.figures]
        section.chart_figures = [ref(f) for f in section.chart_figures]
    profile.notes = list(numbers)
