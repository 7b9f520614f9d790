"""Area profiles: a ward's or a council's figures, each beside its council's and England's.

`build_profile(area, user)` assembles one profile from two kinds of source:

- open data (census 2021, the indices of deprivation, population estimates),
  read through `cohesion.profiles.figures`. Geography and census figures are
  published statistics, so these sections are shown to everyone; they are built
  here;
- Cohesion's own records (hate incidents, tension assessments, strategy actions,
  directory services), built in `record_sections.py`, where each cross-app read
  says whose rules it follows. Restricted sections are built only for a person
  with the right over the area, and otherwise left out without a word.

What a profile is (figures, sections, charts) is in `profile_model.py`. The
page, the CSV, the PDF and the API all present the same `AreaProfile`, so a
figure never differs between them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohesion.areas.models import Area, AreaLevel
from cohesion.profiles.measures import Measure
from cohesion.profiles.profile_model import (
    AreaProfile,
    Bar,
    BarChart,
    DecileRow,
    ProfileFigure,
    ProfileSection,
    WardRow,
    area_values,
    as_number,
    format_value,
    long_date,
)
from cohesion.profiles.record_sections import (
    incident_section,
    services_section,
    strategy_section,
    tension_section,
)

if TYPE_CHECKING:
    from cohesion.accounts.models import User
    from cohesion.profiles.figures import AreaMeasures


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


# --- Open data ------------------------------------------------------------------------------


def _figure(
    measure: Measure, own_values: pd.Series, data: AreaMeasures, is_council: bool
) -> ProfileFigure:
    return ProfileFigure(
        key=measure.key,
        label=measure.label,
        unit=measure.unit,
        decimals=measure.decimals,
        value=as_number(own_values.get(measure.key)),
        council=None if is_council else as_number(data.council_values.get(measure.key)),
        england=as_number(data.england.get(measure.key)),
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
    own_values = area_values(data, area)
    by_topic: dict[str, list[ProfileFigure]] = {}
    for measure in data.measures.values():
        by_topic.setdefault(measure.topic, []).append(
            _figure(measure, own_values, data, is_council)
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
                value=as_number(summary.get(key)),
                council=None if is_council else as_number(council_summary.get(key)),
                england=as_number(england.get(key)),
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
            as_number(_summary_value(row, "lsoas", "count")),
            as_number(_summary_value(row, "population", "residents")),
        )
    return dict(sorted(out.items()))


# --- The profile ----------------------------------------------------------------------------


def _ward_table(data: AreaMeasures, council: Area) -> tuple[list[Measure], list[WardRow]]:
    columns = [data.measures[k] for k in WARD_TABLE_KEYS if k in data.measures]
    wards = Area.objects.current_wards(council).order_by("name")
    rows = []
    for ward in wards:
        values = (
            data.wards.loc[ward.code] if ward.code in data.wards.index else pd.Series(dtype=float)
        )
        numbers = [as_number(values.get(m.key)) for m in columns]
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
        {str(code): as_number(value) for code, value in column.items()},
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
        incident_section(user, area, council, data, today),
        tension_section(user, area, council, today),
        strategy_section(user, area, today),
        services_section(area, today),
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
