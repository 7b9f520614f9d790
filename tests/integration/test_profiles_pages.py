"""Ward and council profile pages, their CSV and PDF, and who sees which section.

Expected open-data figures are computed here from the files in cohesion/opendata
(country of birth and ethnic group by LSOA 2021, summed to wards with ONS's
best-fit lookup), not taken from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML  # type: ignore[import-untyped]

from cohesion.accounts.models import Role
from cohesion.areas.models import Area, AreaLevel
from cohesion.incidents import choices as c
from cohesion.profiles import views
from cohesion.profiles.profile import build_profile
from cohesion.profiles.profile_model import AreaProfile, ProfileFigure
from cohesion.tensions import choices as tc
from tests.conftest import make_user
from tests.integration.early_warning_data import Made, store
from tests.integration.test_tension_dashboard import approved

pytestmark = pytest.mark.django_db

OPENDATA = Path(__file__).resolve().parents[2] / "cohesion" / "opendata"
DERBY = "E06000015"
NORMANTON = "E05015521"
ARBORETUM = "E05015511"
ATTRIBUTION_START = "Source: Office for National Statistics licensed under the Open Government"


def _read(relative: str) -> list[dict[str, str]]:
    with open(OPENDATA / relative, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ward_lsoas(ward_code: str) -> set[str]:
    return {
        row["lsoa21_code"]
        for row in _read("lookups/lsoa21_to_ward24_lad24.csv")
        if row["ward24_code"] == ward_code
    }


def hand_pct_born_outside_uk(ward_code: str) -> float:
    lsoas = ward_lsoas(ward_code)
    rows = [r for r in _read("census2021/country_of_birth_lsoa21.csv") if r["lsoa21_code"] in lsoas]
    outside = sum(int(r["born_outside_uk"]) for r in rows)
    total = sum(int(r["total_residents"]) for r in rows)
    return 100 * outside / total


def hand_pct_ethnic(ward_code: str, group_starts: str) -> float:
    lsoas = ward_lsoas(ward_code)
    rows = [r for r in _read("census2021/ethnic_group_lsoa21.csv") if r["lsoa21_code"] in lsoas]
    part = sum(int(r["count"]) for r in rows if r["ethnic_group"].startswith(group_starts))
    return 100 * part / sum(int(r["count"]) for r in rows)


def figure(profile: AreaProfile, key: str) -> ProfileFigure:
    found = [f for s in profile.sections for f in s.all_figures if f.key == key]
    assert found, f"no figure {key}"
    return found[0]


def section_keys(profile: AreaProfile) -> list[str]:
    return [s.key for s in profile.sections]


def row_of(html: str, key: str) -> str:
    match = re.search(
        rf'<tr class="govuk-table__row" data-measure="{key}">(.*?)</tr>', html, re.DOTALL
    )
    assert match, f"no row for {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def profile_url(code: str, suffix: str = "") -> str:
    name = {"": "area-profile", "csv": "area-profile-csv", "pdf": "area-profile-pdf"}[suffix]
    return reverse(name, args=[code])


@pytest.fixture
def incidents(derby_council, area_statistics):
    """Normanton: 3 hate incidents and one ASB in the last year, one older; Abbey: 12."""
    today = timezone.localdate()
    recent = today - dt.timedelta(days=20)
    made = [Made("Normanton", recent) for _ in range(3)]
    made.append(Made("Normanton", recent, record_kind=c.RecordKind.ASB))
    made.append(Made("Normanton", today - dt.timedelta(days=400)))
    made += [Made("Abbey", recent) for _ in range(12)]
    return store(made, derby_council)


# --- Open data -----------------------------------------------------------------------------


def test_derby_council_profile_shows_born_outside_uk(client, derby, area_statistics):
    response = client.get(profile_url(DERBY))
    assert response.status_code == 200
    html = response.content.decode()
    assert "19.6%" in row_of(html, "pct_born_outside_uk")
    profile = response.context["profile"]
    assert round(figure(profile, "pct_born_outside_uk").value, 1) == 19.6
    assert section_keys(profile)[:6] == [
        "population",
        "country_of_birth",
        "ethnic_group",
        "religion",
        "language",
        "deprivation",
    ]


def test_council_profile_lists_wards_with_normanton_and_arboretum_highest(
    client, derby, area_statistics
):
    profile = client.get(profile_url(DERBY)).context["profile"]
    assert len(profile.wards) == 18
    column = [m.key for m in profile.ward_columns].index("pct_born_outside_uk")
    ranked = sorted(profile.wards, key=lambda row: row.numbers[column] or 0, reverse=True)
    assert [row.area.name for row in ranked[:2]] == ["Normanton", "Arboretum"]
    assert round(ranked[0].numbers[column], 1) == round(hand_pct_born_outside_uk(NORMANTON), 1)
    html = client.get(profile_url(DERBY)).content.decode()
    assert f'href="{profile_url(NORMANTON)}"' in html
    # The ward map (with its own table), each ward linked to its profile.
    assert 'id="profile-map"' in html
    assert profile.choropleth is not None
    assert {a.code: a.url for a in profile.choropleth.areas}[NORMANTON] == profile_url(NORMANTON)


def test_council_pdf_has_the_map_and_the_wards(client, derby, area_statistics):
    response = client.get(profile_url(DERBY, "pdf"))
    assert response.content.startswith(b"%PDF")
    profile = build_profile(derby, response.wsgi_request.user)
    html = render_to_string("profiles/profile_print.html", {"profile": profile})
    assert "cohesion-choropleth__svg" in html
    assert "Normanton" in html
    ward_table = html.split('data-table="wards">')[1].split("</table>")[0]
    assert "Normanton" in ward_table and "href=" not in ward_table


def test_ward_profile_figures_equal_sums_of_the_open_data_files(client, derby, area_statistics):
    response = client.get(profile_url(NORMANTON))
    assert response.status_code == 200
    profile = response.context["profile"]
    born = figure(profile, "pct_born_outside_uk")
    assert born.value == pytest.approx(hand_pct_born_outside_uk(NORMANTON), abs=1e-9)
    assert born.value == pytest.approx(47.29, abs=0.01)  # 10,782 of 22,798 residents
    assert round(born.council, 1) == 19.6
    asian = figure(profile, "pct_ethnic_asian")
    assert asian.value == pytest.approx(hand_pct_ethnic(NORMANTON, "Asian"), abs=1e-9)
    html = response.content.decode()
    assert "47.3%" in row_of(html, "pct_born_outside_uk")
    assert "19.6%" in row_of(html, "pct_born_outside_uk")


def test_every_figure_has_a_source_and_a_date(client, derby, area_statistics):
    for code in (DERBY, NORMANTON):
        response = client.get(profile_url(code))
        profile = response.context["profile"]
        figures = [f for s in profile.sections for f in s.all_figures]
        assert len(figures) > 30
        for f in figures:
            assert f.source and f.date, f.key
        html = response.content.decode()
        assert "ONS Census 2021" in html
        assert "21 March 2021" in html
        assert ATTRIBUTION_START in html


def test_deprivation_section_has_a_decile_chart_with_its_table(client, derby, area_statistics):
    response = client.get(profile_url(NORMANTON))
    profile = response.context["profile"]
    deprivation = next(s for s in profile.sections if s.key == "deprivation")
    assert deprivation.chart is not None
    counts = [f for f in deprivation.chart_figures if f.key.startswith("lsoas_decile_")]
    assert [f.key for f in counts] == [f"lsoas_decile_{d}" for d in range(1, 11)]
    html = response.content.decode()
    assert 'id="decile-chart"' in html
    assert 'data-table="deprivation-chart"' in html


def test_profile_404_for_lsoa_msoa_and_unknown_codes(client, derby, area_statistics):
    lsoa = Area.objects.filter(level=AreaLevel.LSOA, council=derby).first()
    msoa = Area.objects.filter(level=AreaLevel.MSOA, council=derby).first()
    for code in (lsoa.code, msoa.code, "E05999999", "nonsense"):
        for suffix in ("", "csv", "pdf"):
            assert client.get(profile_url(code, suffix)).status_code == 404, (code, suffix)


def test_area_pages_link_to_the_profile_for_wards_and_councils(client, derby):
    for code in (DERBY, NORMANTON):
        html = client.get(reverse("area-detail", args=[code])).content.decode()
        assert f'href="{profile_url(code)}"' in html
    lsoa = Area.objects.filter(level=AreaLevel.LSOA, council=derby).first()
    html = client.get(reverse("area-detail", args=[lsoa.code])).content.decode()
    assert 'data-link="profile"' not in html


def test_council_pages_link_to_the_segregation_measures(client, derby, area_statistics):
    segregation = reverse("area-segregation", args=[DERBY])
    for page in (reverse("area-detail", args=[DERBY]), profile_url(DERBY)):
        assert f'href="{segregation}"' in client.get(page).content.decode(), page
    # A ward has no segregation page of its own (its within-ward figure is on the council's).
    assert "/segregation/" not in client.get(profile_url(NORMANTON)).content.decode()


# --- Downloads ------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_one_row_per_figure(client, derby, area_statistics):
    response = client.get(profile_url(NORMANTON, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == list(views.CSV_HEADER)
    profile = client.get(profile_url(NORMANTON)).context["profile"]
    figures = [f for s in profile.sections for f in s.all_figures]
    assert len(rows) == 1 + len(figures)
    born = next(r for r in rows if r[1] == figure(profile, "pct_born_outside_uk").label)
    assert born[2:5] == ["47.3", "19.6", born[4]]
    assert born[5] == "%"
    assert born[6].startswith("ONS Census 2021")
    assert "21 March 2021" in born[7]


def test_csv_neutralises_formula_injection(client, derby, area_statistics, monkeypatch):
    real = views.build_profile

    def poisoned(area, user):
        profile = real(area, user)
        profile.sections[0].title = '=HYPERLINK("http://evil.example","x")'
        return profile

    monkeypatch.setattr(views, "build_profile", poisoned)
    rows = _csv(client.get(profile_url(NORMANTON, "csv")))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    for text in ("+1", "-cmd", "@SUM(A1)", "\tx"):
        assert views.neutralise(text) == "'" + text
    assert views.neutralise(-3.5) == -3.5


def test_pdf_is_a_pdf_of_the_ward(client, derby, area_statistics):
    response = client.get(profile_url(NORMANTON, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    profile = build_profile(Area.objects.get(code=NORMANTON), response.wsgi_request.user)
    html = render_to_string("profiles/profile_print.html", {"profile": profile})
    assert "Normanton" in html and ATTRIBUTION_START in html
    document = HTML(string=html).render()
    assert len(document.pages) >= 2
    text = "".join(box.text for page in document.pages[:1] for box in _text_boxes(page._page_box))
    assert "Normanton" in text


def _text_boxes(box):
    """Every text box under a WeasyPrint layout box (its rendered words)."""
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", []):
        yield from _text_boxes(child)


# --- Restricted sections -------------------------------------------------------------------


def test_incident_section_hidden_from_anonymous_and_from_another_council(
    client, derby, sam, incidents
):
    for user in (None, sam):
        if user:
            client.force_login(user)
        response = client.get(profile_url(NORMANTON))
        assert response.status_code == 200
        assert "incidents" not in section_keys(response.context["profile"])
        html = response.content.decode()
        assert 'data-section="incidents"' not in html
        assert "Hate incidents" not in html
        assert 'data-section="tensions"' not in html


def test_incident_section_exact_for_derby_officer(client, olu, incidents):
    client.force_login(olu)
    response = client.get(profile_url(NORMANTON))
    profile = response.context["profile"]
    count = figure(profile, "hate_incidents_12m")
    # 3 hate incidents in the year: the ASB record and the older incident are not counted.
    assert count.value == 3
    assert count.council == 15
    rate = figure(profile, "incident_rate")
    residents = figure(profile, "residents_2021").value
    assert rate.value == pytest.approx(3000 / residents)
    assert 'data-section="incidents"' in response.content.decode()
    assert response["Cache-Control"].startswith("private") or "private" in response["Cache-Control"]


def test_incident_counts_below_ten_hidden_for_a_viewer(client, vic, incidents):
    client.force_login(vic)
    profile = client.get(profile_url(NORMANTON)).context["profile"]
    assert figure(profile, "hate_incidents_12m").value == "c"
    assert figure(profile, "incident_rate").value == "c"
    assert figure(profile, "hate_incidents_12m").council == 15
    abbey = Area.objects.current_wards(Area.objects.get(code=DERBY)).get(name="Abbey")
    profile = client.get(profile_url(abbey.code)).context["profile"]
    # 12 is shown rounded to the nearest 5; its rate (from the exact count) is shown.
    assert figure(profile, "hate_incidents_12m").value == 10
    assert isinstance(figure(profile, "incident_rate").value, float)


def test_partner_sees_exact_counts_in_his_wards_only(client, pat, incidents):
    client.force_login(pat)
    profile = client.get(profile_url(NORMANTON)).context["profile"]
    assert figure(profile, "hate_incidents_12m").value == 3
    # He does not cover the whole council: its figure is under the rule (15 stays 15).
    assert figure(profile, "hate_incidents_12m").council == 15
    abbey = Area.objects.current_wards(Area.objects.get(code=DERBY)).get(name="Abbey")
    profile = client.get(profile_url(abbey.code)).context["profile"]
    assert "incidents" not in section_keys(profile)
    profile = client.get(profile_url(DERBY)).context["profile"]
    assert "incidents" not in section_keys(profile)


def test_tension_section_shows_the_current_approved_level(client, olu, derby, area_statistics):
    tess = make_user("tess", olu.organisation, Role.COHESION_OFFICER)
    normanton = Area.objects.get(code=NORMANTON)
    approved(olu, tess, normanton, 3, -13, -7, trend=tc.Trend.RISING)
    client.force_login(olu)
    profile = client.get(profile_url(NORMANTON)).context["profile"]
    level = figure(profile, "tension_level")
    assert level.value.startswith("3 ")
    assert figure(profile, "tension_trend").value == "Rising"
    assert level.council == "No approved assessment"


def test_council_profile_lists_open_strategy_actions_for_readers_of_strategies(
    client, olu, sam, derby, derby_council, area_statistics
):
    from cohesion.strategies import loader
    from cohesion.strategies.choices import Status

    strategy = loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)
    open_actions = strategy.actions.filter(
        status__in=[Status.NOT_STARTED, Status.IN_PROGRESS]
    ).count()
    assert open_actions > 0
    client.force_login(olu)
    response = client.get(profile_url(DERBY))
    section = next(s for s in response.context["profile"].sections if s.key == "strategies")
    [figure] = section.figures
    assert figure.label == strategy.title
    assert figure.value == f"{open_actions} open actions (0 red, 0 amber)"
    assert f'href="{reverse("strategy-detail", args=[strategy.slug])}"' in response.content.decode()
    # Actions are not tagged to wards: no section on a ward's profile.
    ward = client.get(profile_url(NORMANTON)).context["profile"]
    assert "strategies" not in [s.key for s in ward.sections]
    # Sheffield's officer, and anyone signed out, see nothing of Derby's strategy.
    for reader in (sam, None):
        client.logout()
        if reader:
            client.force_login(reader)
        page = client.get(profile_url(DERBY))
        assert "strategies" not in [s.key for s in page.context["profile"].sections]
        assert strategy.title not in page.content.decode()
