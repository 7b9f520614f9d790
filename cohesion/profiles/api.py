"""/api/v1/areas/{code}/profile: a ward's or a council's profile as JSON.

The same `AreaProfile` as the page, with the same permissions: the open-data
sections for everyone, the sections from Cohesion's records (incidents,
tensions) only for people with the right over the area. Values are as computed
(not rounded); `decimals` says how the pages round them. A hidden count is "c".

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from cohesion.profiles.profile import build_profile, profile_area
from cohesion.profiles.profile_model import AreaProfile, ProfileFigure

router = Router(tags=["areas"])

Value = int | float | str | None


class ProfileAreaRef(Schema):
    code: str
    name: str
    level: str
    generation: int


class FigureOut(Schema):
    key: str
    label: str
    value: Value
    council: Value = None
    england: Value = None
    unit: str
    decimals: int
    source: str
    date: str
    note: str = ""


class SectionOut(Schema):
    key: str
    title: str
    restricted: bool
    figures: list[FigureOut]
    notes: list[str]


class WardOut(Schema):
    code: str
    name: str
    url: str
    figures: dict[str, float | None]


class ProfileOut(Schema):
    area: ProfileAreaRef
    council: ProfileAreaRef
    produced_on: dt.date
    sections: list[SectionOut]
    wards: list[WardOut]
    notes: list[str]
    sources: list[tuple[str, str]]
    attribution: str


def _figure(figure: ProfileFigure) -> dict[str, object]:
    return {
        "key": figure.key,
        "label": figure.label,
        "value": figure.value,
        "council": figure.council,
        "england": figure.england,
        "unit": figure.unit,
        "decimals": figure.decimals,
        "source": figure.source,
        "date": figure.date,
        "note": figure.note,
    }


def profile_json(profile: AreaProfile) -> dict[str, object]:
    """The profile as the API returns it."""
    keys = [m.key for m in profile.ward_columns]
    return {
        "area": profile.area,
        "council": profile.council,
        "produced_on": profile.produced_on,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "restricted": s.restricted,
                "figures": [_figure(f) for f in s.all_figures],
                "notes": s.notes,
            }
            for s in profile.sections
        ],
        "wards": [
            {
                "code": row.area.code,
                "name": row.area.name,
                "url": f"/api/v1/areas/{row.area.code}/profile",
                "figures": dict(zip(keys, row.numbers, strict=True)),
            }
            for row in profile.wards
        ],
        "notes": profile.notes,
        "sources": profile.sources,
        "attribution": profile.attribution,
    }


@router.get(
    "/{code}/profile",
    response=ProfileOut,
    summary="A ward's or a council's profile",
    description=(
        "Population, age, country of birth, ethnic group, religion, language and deprivation, "
        "each beside the council's and England's figure with its source and date. Incident "
        "and tension sections appear only for people with the right over the area."
    ),
)
def get_profile(request: HttpRequest, code: str) -> dict[str, object]:
    try:
        area = profile_area(code)
    except LookupError:
        raise Http404 from None
    return profile_json(build_profile(area, request.user))
