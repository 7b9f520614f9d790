"""Projects list filters: a GET form that works without JavaScript, and the summary
sentence, the report by category and the CSV/XLSX export all honour it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cohesion.areas.models import Area, AreaLevel
from cohesion.projects.forms import ProjectFilterForm
from cohesion.projects.models import CategoryKind, Project
from tests.integration.test_projects_register import cat, make, seed_default_categories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_categories(db) -> None:
    seed_default_categories()


@pytest.fixture
def register(derby_council, derbyshire_police, sheffield_council) -> dict[str, Project]:
    debates = cat(CategoryKind.ACTIVITY_TYPE, "debates and discussions")
    accredited = cat(CategoryKind.ACTIVITY_TYPE, "accredited training")
    web = cat(CategoryKind.DELIVERY_METHOD, "web/electronic/printed material")
    muslim = cat(CategoryKind.BENEFICIARIES, "Muslim communities")
    shared = cat(CategoryKind.PRIORITY, "promoting shared values")
    leadership = cat(CategoryKind.PRIORITY, "supporting civic and theological leadership")
    normanton = Area.objects.get(level=AreaLevel.WARD, name="Normanton")
    arboretum = Area.objects.get(level=AreaLevel.WARD, name="Arboretum")
    return {
        "a": make(
            "Debates A",
            derby_council,
            activity_type=debates,
            delivery_method=web,
            primary_beneficiaries=muslim,
            priorities=[shared, leadership],
            area=normanton,
            funder="Home Office",
            budget=Decimal(1000),
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2026, 3, 31),
        ),
        "b": make(
            "Debates B",
            derby_council,
            activity_type=debates,
            delivery_method=web,
            priorities=[shared],
            area=arboretum,
            funder="home office",
            budget=Decimal(2000),
            starts_on=dt.date(2026, 9, 1),
        ),
        "c": make(
            "Course C",
            derbyshire_police,
            activity_type=accredited,
            priorities=[leadership],
            funder="Police and Crime Commissioner",
            budget=Decimal(500),
            ends_on=dt.date(2024, 12, 31),
        ),
        "d": make("Unclassified D", derby_council, budget=Decimal(250)),
        # Another council's project, which Derby's officer must never see, filtered or not.
        "s": make("Sheffield S", sheffield_council, activity_type=debates, funder="Home Office"),
    }


def _titles(response) -> list[str]:
    html = response.content.decode()
    return sorted(p.title for p in Project.objects.all() if f">{p.title}</a></th>" in html)


def test_each_filter_narrows_the_list(client, register, olu):
    client.force_login(olu)
    debates = cat(CategoryKind.ACTIVITY_TYPE, "debates and discussions").pk
    leadership = cat(CategoryKind.PRIORITY, "supporting civic and theological leadership").pk
    web = cat(CategoryKind.DELIVERY_METHOD, "web/electronic/printed material").pk
    muslim = cat(CategoryKind.BENEFICIARIES, "Muslim communities").pk
    normanton = Area.objects.get(level=AreaLevel.WARD, name="Normanton").code
    derby = Area.objects.get(level=AreaLevel.LAD, name="Derby").code
    cases = {
        "": ["Course C", "Debates A", "Debates B", "Unclassified D"],
        f"activity_type={debates}": ["Debates A", "Debates B"],
        "activity_type=none": ["Unclassified D"],
        f"delivery_method={web}": ["Debates A", "Debates B"],
        f"beneficiaries={muslim}": ["Debates A"],
        "beneficiaries=none": ["Course C", "Debates B", "Unclassified D"],
        f"priority={leadership}": ["Course C", "Debates A"],
        "priority=none": ["Unclassified D"],
        f"area={normanton}": ["Debates A"],
        f"area={derby}": ["Debates A", "Debates B"],  # a council includes its wards
        "funder=Home Office": ["Debates A", "Debates B"],  # either spelling, never Sheffield's
        "funder=none": ["Unclassified D"],
        "year=2026": ["Debates A", "Debates B"],  # running at any time in 2026
        "year=2025": ["Debates A"],
        "year=2024": ["Course C"],  # only an end date: counted in that year
        f"activity_type={debates}&priority={leadership}&year=2025": ["Debates A"],
    }
    for query, expected in cases.items():
        response = client.get(f"/projects/?{query}")
        assert response.status_code == 200, query
        assert _titles(response) == expected, query


def test_the_form_keeps_the_choice_and_offers_only_what_the_person_can_see(client, register, olu):
    client.force_login(olu)
    debates = cat(CategoryKind.ACTIVITY_TYPE, "debates and discussions").pk
    html = client.get(f"/projects/?activity_type={debates}").content.decode()
    assert '<form method="get"' in html and "Apply filters" in html and "Clear filters" in html
    assert f'<option value="{debates}" selected>Debates and discussions</option>' in html
    assert '<option value="Police and Crime Commissioner">' in html
    assert "Sheffield" not in html  # neither its project, its area nor anything else
    for year in ("2024", "2025", "2026"):
        assert f'<option value="{year}">{year}</option>' in html
    # A stale or hand-made value is dropped rather than refused.
    response = client.get("/projects/?activity_type=999999&funder=Nobody&year=1066")
    assert response.status_code == 200
    assert _titles(response) == ["Course C", "Debates A", "Debates B", "Unclassified D"]
    assert "govuk-error-summary" not in response.content.decode()


def test_the_summary_sentence_and_links_honour_the_filters(client, register, olu):
    client.force_login(olu)
    everything = client.get("/projects/").content.decode()
    assert (
        "4 projects: 2 debates and discussions, 1 accredited training, 1 not stated." in everything
    )
    html = client.get("/projects/?funder=Home+Office&year=2026").content.decode()
    assert "2 projects: 2 debates and discussions." in html
    assert "Projects matching your filters" in html
    assert "/projects/export/?format=csv&amp;funder=Home+Office&amp;year=2026" in html
    assert "/projects/report/?funder=Home+Office&amp;year=2026" in html
    report = client.get("/projects/report/?funder=Home+Office&year=2026").content.decode()
    assert "2 projects: 2 debates and discussions." in report
    assert "Only the projects matching these filters" in report


def test_the_export_honours_the_filters(client, register, olu):
    client.force_login(olu)
    response = client.get("/projects/export/?format=csv&funder=Home+Office&year=2026")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["title"] for r in rows) == ["Debates A", "Debates B"]
    leadership = cat(CategoryKind.PRIORITY, "supporting civic and theological leadership").pk
    response = client.get(f"/projects/export/?format=xlsx&priority={leadership}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["Course C", "Debates A"]


def test_pages_keep_the_filters(client, register, olu, derby_council):
    for n in range(60):
        make(f"Extra {n:02d}", derby_council, funder="Lottery")
    client.force_login(olu)
    html = client.get("/projects/?funder=Lottery").content.decode()
    assert "60 projects" in html
    assert 'href="?funder=Lottery&amp;page=2"' in html
    second = client.get("/projects/?funder=Lottery&page=2").content.decode()
    assert "Extra 59" in second and "Debates A" not in second


def test_the_form_without_a_request(register, olu):
    from cohesion.projects.access import projects_visible_to

    form = ProjectFilterForm(None, projects=projects_visible_to(olu))
    assert not form.is_filtered
    assert form.filter(projects_visible_to(olu)).count() == 4
