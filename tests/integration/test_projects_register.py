"""Projects register: the seed's vocabularies, the aggregate sentences, export, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from openpyxl import load_workbook

from cohesion.accounts.models import Organisation
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.projects import access, actions
from cohesion.projects.models import CategoryKind, Project, ProjectCategory
from cohesion.projects.report import aggregate
from cohesion.projects.tabular import COLUMNS, export_projects

pytestmark = pytest.mark.django_db


def seed_default_categories() -> None:
    """The data migration's vocabularies, put back if a transactional test flushed them."""
    importlib.import_module("cohesion.projects.migrations.0002_seed_categories").seed(apps, None)


@pytest.fixture(autouse=True)
def default_categories(db) -> None:
    seed_default_categories()


def cat(kind: CategoryKind, name: str) -> ProjectCategory:
    return ProjectCategory.objects.get(kind=kind, name=name)


def make(title: str, lead: Organisation, **kw) -> Project:
    return actions.save_project(by=None, title=title, lead_organisation=lead, **kw)


@pytest.fixture
def projects(derby_council, derbyshire_police) -> dict[str, Project]:
    debates = cat(CategoryKind.ACTIVITY_TYPE, "debates and discussions")
    accredited = cat(CategoryKind.ACTIVITY_TYPE, "accredited training")
    web = cat(CategoryKind.DELIVERY_METHOD, "web/electronic/printed material")
    muslim = cat(CategoryKind.BENEFICIARIES, "Muslim communities")
    shared = cat(CategoryKind.PRIORITY, "promoting shared values")
    leadership = cat(CategoryKind.PRIORITY, "supporting civic and theological leadership")
    return {
        "a": make(
            "Debates A",
            derby_council,
            activity_type=debates,
            delivery_method=web,
            primary_beneficiaries=muslim,
            priorities=[shared, leadership],
            budget=Decimal(1000),
        ),
        "b": make(
            "Debates B",
            derby_council,
            activity_type=debates,
            delivery_method=web,
            primary_beneficiaries=muslim,
            priorities=[shared],
            budget=Decimal("2000.50"),
        ),
        "c": make("Debates C", derbyshire_police, activity_type=debates, budget=Decimal(500)),
        "d": make(
            "Course D",
            derbyshire_police,
            activity_type=accredited,
            priorities=[leadership],
            budget=None,
        ),
        "e": make("Unclassified E", derby_council, budget=Decimal(250)),
    }


def test_the_default_vocabularies_are_the_seeds_pve_mapping_categories():
    names = {
        kind: list(ProjectCategory.objects.filter(kind=kind).values_list("name", flat=True))
        for kind in CategoryKind.values
    }
    assert names["activity_type"][:3] == [
        "debates and discussions",
        "non-accredited training",
        "accredited training",
    ]
    assert "web/electronic/printed material" in names["delivery_method"]
    assert {"community-based", "outreach/peripatetic", "educational establishment"} <= set(
        names["delivery_method"]
    )
    assert "Muslim communities" in names["beneficiaries"]
    assert names["priority"][:4] == [
        "promoting shared values",
        "supporting civic and theological leadership",
        "community resilience",
        "skills development",
    ]


def test_the_aggregate_reads_as_the_seed_does(projects, olu):
    by_kind = {d.kind: d for d in aggregate(access.projects_visible_to(olu))}
    activity = by_kind["activity_type"]
    assert (
        activity.sentence
        == "5 projects: 3 debates and discussions, 1 accredited training, 1 not stated."
    )
    debates = activity.rows[0]
    # 1000 + 2000.50 + 500
    assert (debates.name, debates.count, debates.budget) == (
        "debates and discussions",
        3,
        Decimal("3500.50"),
    )
    assert sum(r.count for r in activity.rows) == 5
    assert (
        by_kind["delivery_method"].sentence
        == "5 projects: 2 web/electronic/printed material, 3 not stated."
    )
    assert by_kind["beneficiaries"].sentence == "5 projects: 2 Muslim communities, 3 not stated."
    # Several priorities per project: A counts under both.
    priorities = by_kind["priority"]
    assert priorities.sentence == (
        "5 projects: 2 promoting shared values, 2 supporting civic and theological leadership, 2 not stated."
    )
    assert priorities.rows[0].budget == Decimal("3000.50")  # A 1000 + B 2000.50
    assert priorities.several


def test_renaming_a_category_changes_the_report(projects, olu, client):
    debates = cat(CategoryKind.ACTIVITY_TYPE, "debates and discussions")
    client.force_login(olu)
    response = client.post(
        f"/projects/categories/{debates.pk}/",
        {"kind": "activity_type", "name": "debates, discussions and forums", "order": 1},
    )
    assert response.status_code == 302
    activity = aggregate(access.projects_visible_to(olu))[0]
    assert activity.sentence.startswith("5 projects: 3 debates, discussions and forums,")


def test_a_partner_may_not_change_the_vocabulary(client, pat):
    client.force_login(pat)
    response = client.post("/projects/categories/", {"kind": "priority", "name": "x", "order": 9})
    assert response.status_code == 404
    assert client.get("/projects/categories/").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_the_columns_and_neutralises_formulas(projects, olu, derby_council, fmt):
    make("=cmd|' /C calc'!A0", derby_council, funder="@SUM(1+1)", budget=Decimal(10))
    content = export_projects(access.projects_visible_to(olu), fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        evil = next(r for r in body if "cmd" in r[1])
        assert evil[1] == "'=cmd|' /C calc'!A0" and evil[9] == "'@SUM(1+1)"
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        header = [c.value for c in sheet[1]]
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row if "cmd" in str(c.value)]
        assert cells and all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
        body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert tuple(header) == COLUMNS
    assert len(body) == 6


def test_project_pages_and_permissions(client, projects, pat, olu, sam, vic):
    council_project, police_project = projects["a"], projects["c"]
    client.force_login(pat)
    assert client.get(f"/projects/{council_project.uuid}/").status_code == 200
    assert client.get(f"/projects/{council_project.uuid}/edit/").status_code == 404
    response = client.post(f"/projects/{council_project.uuid}/edit/", {"title": "Hacked"})
    assert response.status_code == 404
    council_project.refresh_from_db()
    assert council_project.title == "Debates A"
    assert client.get(f"/projects/{police_project.uuid}/edit/").status_code == 200
    client.force_login(olu)
    assert client.get(f"/projects/{police_project.uuid}/edit/").status_code == 200
    client.force_login(sam)  # another council
    assert client.get(f"/projects/{council_project.uuid}/").status_code == 404
    assert client.get(f"/projects/{council_project.uuid}/edit/").status_code == 404
    client.force_login(vic)
    assert client.get("/projects/").status_code == 200
    assert client.get("/projects/new/").status_code == 404
    report = client.get("/projects/report/").content.decode()
    assert "5 projects: 3 debates and discussions" in report and "<svg" in report


def test_a_project_with_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, derbyshire_police, pat
):
    client.force_login(pat)
    response = client.post(
        "/projects/new/",
        {
            "title": "Youth forum",
            "lead_organisation": derbyshire_police.pk,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "budget": "-5",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The end date must be on or after the start date" in html
    assert "The budget cannot be negative" in html
    assert 'value="Youth forum"' in html
    assert not Project.objects.exists()


def test_a_partner_adds_a_project_for_their_own_organisation(
    client, derbyshire_police, derby_council, pat
):
    client.force_login(pat)
    priority = cat(CategoryKind.PRIORITY, "community resilience")
    data = {
        "title": "Youth forum",
        "lead_organisation": derby_council.pk,
        "priorities": [priority.pk],
        "budget": "1200",
        "starts_on": "2026-04-01",
    }
    assert client.post("/projects/new/", data).status_code == 200  # not their organisation
    data["lead_organisation"] = derbyshire_police.pk
    response = client.post("/projects/new/", data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert list(project.priorities.all()) == [priority]
    assert project.budget == Decimal(1200) and project.starts_on == dt.date(2026, 4, 1)
    assert AuditEvent.objects.filter(action=AuditAction.PROJECT_CHANGED).exists()


def test_api_list_and_get(client, projects, vic, sam):
    client.force_login(vic)
    data = client.get("/api/v1/projects/", {"page_size": 2}).json()
    assert (data["count"], data["pages"], len(data["results"])) == (5, 3, 2)
    one = client.get(f"/api/v1/projects/{projects['a'].uuid}").json()
    assert one["activity_type"] == "debates and discussions"
    assert one["priorities"] == [
        "promoting shared values",
        "supporting civic and theological leadership",
    ]
    assert one["budget"] == "1000.00" or Decimal(str(one["budget"])) == Decimal(1000)
    client.force_login(sam)
    assert client.get(f"/api/v1/projects/{projects['a'].uuid}").status_code == 404
    assert client.get("/api/v1/projects/").json()["count"] == 0
