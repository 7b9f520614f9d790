"""Choropleth maps of a council's wards or LSOAs, as a page and as an SVG file.

Both are public, like the other area pages: the boundaries and the statistics
are published open data. The page is a GET form (measure, level,
classification, number of classes) above the map, so every map has a link
that can be shared and works without JavaScript. A value the form does not
know is reported in the error summary and replaced by the default, so a stale
or mistyped link still shows a map rather than failing.

The figures come from `cohesion.profiles.figures` (`council_measures` for
wards, `lsoa_measures` for LSOAs), the same source as the profile pages, so a
value on the map never differs from the one in a profile.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

import pandas as pd
from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cohesion.areas.choropleth import Choropleth, build_choropleth
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm
from cohesion.insight.choropleth import MAX_K, SCHEMES
from cohesion.profiles.measures import Measure

LEVELS: Final = {"ward": gettext_lazy("Wards"), "lsoa": gettext_lazy("LSOAs (neighbourhoods)")}
# The default map answers the question most often asked of these data ("where
# do people born outside the UK live?", the issue's Derby check), and it is a
# context measure, so it is drawn in the neutral palette and labelled as context:
# the first map anyone sees does not present diversity as a risk.
DEFAULT_MEASURE: Final = "pct_born_outside_uk"
DEFAULT_LEVEL: Final = "ward"
DEFAULT_SCHEME: Final = "fisher_jenks"
DEFAULT_K: Final = 5
K_CHOICES: Final = [(str(k), str(k)) for k in range(3, MAX_K + 1)]
TOPIC_LABELS: Final = {
    "population": gettext_lazy("Population"),
    "age": gettext_lazy("Age"),
    "country_of_birth": gettext_lazy("Country of birth"),
    "ethnic_group": gettext_lazy("Ethnic group"),
    "religion": gettext_lazy("Religion"),
    "english_proficiency": gettext_lazy("Language"),
    "household_language": gettext_lazy("Language"),
    "migration": gettext_lazy("Population change"),
    "deprivation": gettext_lazy("Deprivation"),
}


def measures_for(council: Area, level: str) -> Any:
    """The council's figures (an AreaMeasures) for wards or for LSOAs.

    Imported here rather than at the top so that the area pages do not depend on
    the profiles app being importable at URL-loading time.
    """
    from cohesion.profiles import figures

    if level == "lsoa":
        return figures.lsoa_measures(council)
    return figures.council_measures(council)


def _table(data: Any) -> pd.DataFrame:
    """The per-area frame of an AreaMeasures (wards) or its LSOA equivalent."""
    for name in ("lsoas", "areas", "wards"):
        frame = getattr(data, name, None)
        if isinstance(frame, pd.DataFrame):
            return frame
    return pd.DataFrame()


def higher_is_worse(measure: Measure) -> bool | None:
    """Which end of the palette is "worse": None (neutral) for context measures.

    Deprivation ranks and deciles run from 1 = most deprived, so there the low
    end is worse; for every other driver or outcome a higher value is worse.
    """
    declared = getattr(measure, "higher_is_worse", None)
    if isinstance(declared, bool):
        return declared
    if measure.role == "context":
        return None
    return not measure.key.endswith(("_rank", "_decile"))


def _date_text(iso: str) -> str:
    day = parse_date(iso) if iso else None
    return date_format(day, "j F Y") if day else iso


class MapForm(GovUKForm):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"))
    level = forms.ChoiceField(
        label=gettext_lazy("Areas"), choices=list(LEVELS.items()), widget=forms.RadioSelect
    )
    scheme = forms.ChoiceField(
        label=gettext_lazy("How values are grouped into classes"),
        choices=list(SCHEMES.items()),
        help_text=gettext_lazy(
            "Natural groups put similar values together; quantiles put the same number of "
            "areas in each class; equal ranges make every class the same width."
        ),
    )
    k = forms.ChoiceField(label=gettext_lazy("Number of classes"), choices=K_CHOICES)

    def __init__(self, data: QueryDict, measures: Mapping[str, Measure]) -> None:
        super().__init__(data)
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, measure in measures.items():
            topic = str(TOPIC_LABELS.get(measure.topic, measure.topic.replace("_", " ").title()))
            label = measure.label + (f" ({_('context')})" if measure.role == "context" else "")
            groups.setdefault(topic, []).append((key, label))
        self.fields["measure"].choices = list(groups.items())  # type: ignore[attr-defined]
        self.fields["measure"].error_messages["invalid_choice"] = _(
            "Choose a measure from the list"
        )
        self.fields["level"].error_messages["invalid_choice"] = _("Choose wards or LSOAs")
        self.fields["scheme"].error_messages["invalid_choice"] = _(
            "Choose a way of grouping values from the list"
        )
        self.fields["k"].error_messages["invalid_choice"] = _(
            "Choose a number of classes from 3 to 7"
        )


@dataclass(frozen=True)
class MapChoice:
    """What to draw, after bad values have been replaced by the defaults."""

    measure: str
    level: str
    scheme: str
    k: int

    def query(self) -> str:
        return urlencode(
            {"measure": self.measure, "level": self.level, "scheme": self.scheme, "k": self.k}
        )


def _council(code: str) -> Area:
    council = Area.objects.councils().filter(code=code.upper()).first()
    if council is None:
        raise Http404
    return council


def _level(raw: str | None) -> str:
    return raw if raw in LEVELS else DEFAULT_LEVEL


def _choose(params: QueryDict, measures: Mapping[str, Measure]) -> tuple[MapForm, MapChoice]:
    """Validate the query; every missing or bad value falls back to its default."""
    defaults = {
        "measure": DEFAULT_MEASURE if DEFAULT_MEASURE in measures else next(iter(measures), ""),
        "level": DEFAULT_LEVEL,
        "scheme": DEFAULT_SCHEME,
        "k": str(DEFAULT_K),
    }
    data = params.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    form = MapForm(data, measures)
    form.is_valid()
    chosen = {
        name: form.cleaned_data.get(name, value) if name not in form.errors else value
        for name, value in defaults.items()
    }
    # A select or radios cannot show a value that is not one of its options: show
    # the default that the map used instead, beside the message about the bad one.
    for name in form.errors:
        data[name] = defaults.get(name, "")
    choice = MapChoice(
        measure=chosen["measure"],
        level=chosen["level"],
        scheme=chosen["scheme"],
        k=int(chosen["k"]),
    )
    return form, choice


@dataclass(frozen=True)
class MapContent:
    council: Area
    form: MapForm
    choice: MapChoice
    measure: Measure | None
    choropleth: Choropleth | None


def _content(request: HttpRequest, code: str) -> MapContent:
    council = _council(code)
    level = _level(request.GET.get("level"))
    data = measures_for(council, level)
    measures: dict[str, Measure] = dict(data.measures) if data is not None else {}
    form, choice = _choose(request.GET, measures)
    measure = measures.get(choice.measure)
    if measure is None:
        return MapContent(council, form, choice, None, None)
    if level == "lsoa":
        areas = list(Area.objects.filter(council=council, level=AreaLevel.LSOA, generation=2021))
        where = _("{council} LSOAs").format(council=council.name)
    else:
        areas = list(Area.objects.wards().filter(council=council, generation=data.ward_generation))
        where = _("{council} wards").format(council=council.name)
    frame = _table(data)
    column = frame[measure.key] if measure.key in frame.columns else pd.Series(dtype="float64")
    values: dict[str, float | None] = {}
    for area_code, value in column.items():
        number = float(value) if value is not None and not pd.isna(value) else math.nan
        values[str(area_code)] = None if math.isnan(number) else number
    source = _("{source}, {date}").format(source=measure.source, date=_date_text(measure.date))
    choropleth = build_choropleth(
        areas,
        values,
        title=f"{measure.label}: {where}",
        unit=measure.unit,
        decimals=measure.decimals,
        scheme=choice.scheme,
        k=choice.k,
        link=lambda area: (
            reverse("area-detail", args=[area.code]) + f"?generation={area.generation}"
        ),
        higher_is_worse=higher_is_worse(measure),
        source=source,
        map_id="area-choropleth",
    )
    return MapContent(council, form, choice, measure, choropleth)


@require_GET
def area_map(request: HttpRequest, code: str) -> HttpResponse:
    """The map page: the form, the map, its key and table, source and attribution."""
    content = _content(request, code)
    return render(
        request,
        "areas/area_map.html",
        {
            "council": content.council,
            "form": content.form,
            "choice": content.choice,
            "measure": content.measure,
            "measure_date": _date_text(content.measure.date) if content.measure else "",
            "choropleth": content.choropleth,
            "is_context": content.measure is not None and content.measure.role == "context",
        },
    )


@require_GET
def area_map_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The same map as a standalone SVG file, for reports and printing."""
    content = _content(request, code)
    if content.form.errors:
        problems = "; ".join(message for _anchor, message in content.form.error_summary())
        return HttpResponse(
            _("This map cannot be drawn: {problems}.").format(problems=problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if content.choropleth is None:
        raise Http404
    name = slugify(f"{content.council.name}-{content.choice.level}-{content.choice.measure}")
    response = HttpResponse(
        content.choropleth.svg_document(), content_type="image/svg+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
    return response
