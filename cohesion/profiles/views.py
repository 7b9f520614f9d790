"""Ward and council profile pages, with their CSV and PDF downloads.

The open-data part is public (geography and census figures are open data), so
the pages need no sign-in; the sections built from Cohesion's records are added
by `build_profile` only for people with the right over the area. A code that is
not a ward or a council is the same 404 as an unknown one.

The page, the CSV and the PDF present one `AreaProfile`, so they always agree.
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from cohesion.areas.models import Area
from cohesion.profiles.profile import build_profile, profile_area
from cohesion.profiles.profile_model import AreaProfile, ProfileFigure

# Text a spreadsheet would run as a formula (as cohesion.incidents.export).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = (
    "section",
    "measure",
    "area value",
    "council value",
    "England value",
    "unit",
    "source",
    "date",
)


def _area(code: str) -> Area:
    try:
        return profile_area(code)
    except LookupError:
        raise Http404 from None


def _profile(request: HttpRequest, code: str) -> AreaProfile:
    return build_profile(_area(code), request.user)


def _private_if_signed_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # A signed-in person's profile can hold restricted sections: no shared cache may keep it.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


@require_GET
def area_profile(request: HttpRequest, code: str) -> HttpResponse:
    """The profile of a ward or a council."""
    profile = _profile(request, code)
    response = render(request, "profiles/profile.html", {"profile": profile})
    return _private_if_signed_in(request, response)


def neutralise(value: str | float | None) -> str | float:
    """Stop a spreadsheet reading a text cell as a formula; numbers stay numbers.

    Negative numbers are numbers, not formulas, so only text is prefixed.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(profile: AreaProfile) -> list[list[str | float]]:
    """One row per figure: section, measure, the three values, unit, source, date."""
    rows: list[list[str | float]] = [list(CSV_HEADER)]
    figure: ProfileFigure
    for section in profile.sections:
        for figure in section.all_figures:
            rows.append(
                [
                    neutralise(cell)
                    for cell in (
                        section.title,
                        figure.label,
                        figure.rounded(figure.value),
                        None if profile.is_council else figure.rounded(figure.council),
                        figure.rounded(figure.england),
                        figure.unit,
                        figure.source,
                        figure.date,
                    )
                ]
            )
    return rows


def _filename(profile: AreaProfile, extension: str) -> str:
    return f"profile-{profile.area.code}-{profile.produced_on.isoformat()}.{extension}"


@require_GET
def area_profile_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The profile's figures as CSV (UTF-8 with a byte-order mark, for Excel)."""
    profile = _profile(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(profile, "csv")}"'
    response.write("\ufeff")
    csv.writer(response).writerows(csv_rows(profile))
    return _private_if_signed_in(request, response)


def render_pdf(profile: AreaProfile) -> bytes:
    """The print document as PDF, from the same body template as the page."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("profiles/profile_print.html", {"profile": profile})
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


@require_GET
def area_profile_pdf(request: HttpRequest, code: str) -> HttpResponse:
    profile = _profile(request, code)
    response = HttpResponse(render_pdf(profile), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(profile, "pdf")}"'
    return _private_if_signed_in(request, response)
