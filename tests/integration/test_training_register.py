"""Training register: coverage maths on a known fixture, attendance import and export,
permissions and the attendee list's audit."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from cohesion.accounts.models import Organisation, Role, User
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.training import access, actions
from cohesion.training.coverage import coverage, months_before
from cohesion.training.models import Attendance, Department, Session, Topic
from cohesion.training.tabular import COLUMNS, export_attendance, import_attendance
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@dataclass
class Register:
    housing: Department
    libraries: Department
    neighbourhood: Department
    s1: Session
    s2: Session
    old: Session
    future: Session
    mediation: Session


def build_register(council: Organisation, police: Organisation, derby_area) -> Register:
    prevent = actions.save_course(
        by=None, organisation=council, title="Prevent awareness", topic=Topic.PREVENT_AWARENESS
    )
    mediation_course = actions.save_course(
        by=None, organisation=council, title="Mediation basics", topic=Topic.MEDIATION
    )
    s1 = actions.save_session(
        by=None, course=prevent, date=dt.date(2026, 1, 15), place="Council House"
    )
    s2 = actions.save_session(by=None, course=prevent, date=dt.date(2026, 5, 10))
    old = actions.save_session(
        by=None, course=prevent, date=dt.date(2025, 6, 30)
    )  # on the boundary
    future = actions.save_session(by=None, course=prevent, date=dt.date(2026, 7, 1))
    mediation = actions.save_session(by=None, course=mediation_course, date=dt.date(2026, 2, 1))
    housing = actions.save_department(
        by=None, organisation=council, name="Housing", front_line_staff=40
    )
    libraries = actions.save_department(
        by=None, organisation=council, name="Libraries", front_line_staff=10
    )
    neighbourhood = actions.save_department(
        by=None, organisation=police, name="Neighbourhood policing", front_line_staff=25
    )

    def attend(session: Session, department: Department, *refs: str) -> None:
        for ref in refs:
            actions.add_attendance(
                by=None, session=session, department=department, staff_reference=ref
            )

    attend(s1, housing, "H1", "H2")
    attend(s2, housing, "h1", "H3")  # "h1" is H1 again: counted once
    attend(old, housing, "H4")  # 30 June 2025 is not after the start of the period
    attend(mediation, housing, "H5")  # another topic
    attend(s1, libraries, "L1")
    attend(s2, libraries, "L2")
    attend(s2, neighbourhood, "P1", "P2", "P3", "P4", "P5")
    attend(future, neighbourhood, "P6")  # after today
    # Targets: Derby-wide 15% by March 2027 (the 5% one has passed); the police have their own 25%.
    actions.save_target(
        by=None,
        council=derby_area,
        topic=Topic.PREVENT_AWARENESS,
        share=Decimal("0.05"),
        by_date=dt.date(2026, 3, 31),
    )
    actions.save_target(
        by=None,
        council=derby_area,
        topic=Topic.PREVENT_AWARENESS,
        share=Decimal("0.15"),
        by_date=dt.date(2027, 3, 31),
    )
    actions.save_target(
        by=None,
        organisation=police,
        topic=Topic.PREVENT_AWARENESS,
        share=Decimal("0.25"),
        by_date=dt.date(2026, 12, 31),
    )
    return Register(housing, libraries, neighbourhood, s1, s2, old, future, mediation)


@pytest.fixture
def register(derby_council, derbyshire_police, derby) -> Register:
    return build_register(derby_council, derbyshire_police, derby)


def test_coverage_counts_distinct_people_in_the_period_against_the_target(register, olu):
    report = coverage(
        topic=Topic.PREVENT_AWARENESS,
        months=12,
        today=TODAY,
        organisations=access.organisations_readable(olu),
        targets=access.targets_visible_to(olu),
    )
    assert report.since == dt.date(2025, 6, 30)
    by_name = {o.label: o for o in report.organisations}
    council = by_name["Derby City Council"]
    housing, libraries = council.departments
    # Housing: H1 (twice, once as "h1"), H2, H3 = 3 people; H4 too early, H5 other topic.
    assert (housing.trained, housing.front_line_staff) == (3, 40)
    assert housing.share == Decimal(3) / Decimal(40) == Decimal("0.075")
    # Libraries: L1, L2 = 2 of 10.
    assert libraries.share == Decimal("0.2")
    # The council: 3 + 2 = 5 distinct people of 40 + 10 = 50 front-line staff.
    assert (council.trained, council.front_line_staff) == (5, 50)
    assert council.share == Decimal("0.1")
    assert council.percent == "10.0%"
    # Derby-wide target: the 15% still ahead, not the 5% already past.
    assert council.target is not None and council.target.share == Decimal("0.15")
    assert council.meets_target is False
    assert libraries.meets_target is True  # 20% >= 15%
    # The police: P1–P5 = 5 of 25 = 20%, below their own 25% target; P6 is after today.  # noqa: RUF003
    police = by_name["Derbyshire Constabulary"]
    assert (police.trained, police.front_line_staff) == (5, 25)
    assert police.share == Decimal("0.2")
    assert police.target is not None and police.target.share == Decimal("0.25")
    assert police.meets_target is False


def test_coverage_in_a_shorter_period_and_another_topic(register, olu):
    orgs, targets = access.organisations_readable(olu), access.targets_visible_to(olu)
    # Three months before 30 June 2026 is 30 March 2026: only s2 (10 May) counts.
    report = coverage(
        topic=Topic.PREVENT_AWARENESS, months=3, today=TODAY, organisations=orgs, targets=targets
    )
    council = report.organisations[0]
    assert [d.trained for d in council.departments] == [2, 1]  # h1, H3; L2
    assert council.share == Decimal(3) / Decimal(50)
    mediation = coverage(
        topic=Topic.MEDIATION, months=12, today=TODAY, organisations=orgs, targets=targets
    )
    assert mediation.organisations[0].departments[0].trained == 1
    assert mediation.organisations[0].target is None


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_a_department_without_front_line_staff_has_no_share(derby_council, olu):
    actions.save_department(by=None, organisation=derby_council, name="Empty", front_line_staff=0)
    report = coverage(
        topic=Topic.MEDIATION,
        months=12,
        today=TODAY,
        organisations=access.organisations_readable(olu),
        targets=access.targets_visible_to(olu),
    )
    line = report.organisations[0].departments[0]
    assert line.share is None and line.percent == "–"  # noqa: RUF001


# --- Import and export ---------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_import_with_bad_rows_lists_every_problem_and_saves_nothing(register, pat):
    before = Attendance.objects.count()
    content = _csv(
        [
            list(COLUMNS),
            [
                "2026-05-10",
                "Prevent awareness",
                "Derbyshire Constabulary",
                "Neighbourhood policing",
                "P9",
                "",
            ],
            [
                "31/02/2026",
                "Prevent awareness",
                "Derbyshire Constabulary",
                "Neighbourhood policing",
                "P10",
                "",
            ],
            [
                "2026-05-11",
                "Prevent awareness",
                "Derbyshire Constabulary",
                "Neighbourhood policing",
                "P11",
                "",
            ],
            ["2026-05-10", "Prevent awareness", "Derby City Council", "Housing", "H9", ""],
            ["2026-05-10", "Prevent awareness", "Derbyshire Constabulary", "Traffic", "P12", ""],
            [
                "2026-05-10",
                "Prevent awareness",
                "Derbyshire Constabulary",
                "Neighbourhood policing",
                "",
                "",
            ],
            [
                "2026-05-10",
                "Prevent awareness",
                "Derbyshire Constabulary",
                "Neighbourhood policing",
                "p9",
                "",
            ],
        ]
    )
    result = import_attendance(by=pat, filename="a.csv", content=content)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "session_date"),
        (4, "course"),
        (5, "organisation"),  # a partner records only their own organisation's staff
        (6, "department"),
        (7, "staff_reference"),
        (8, "staff_reference"),  # p9 is P9 again
    ]
    assert "31/02/2026" in result.errors[0].message
    assert "no session" in result.errors[1].message.lower()
    assert Attendance.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.TRAINING_ATTENDANCE_IMPORTED).exists()


def test_import_refuses_a_missing_column_and_a_file_that_is_not_a_spreadsheet(register, olu):
    result = import_attendance(by=olu, filename="a.csv", content=_csv([["course", "name"]]))
    assert result.errors[0].row == 1 and "session_date" in result.errors[0].column
    result = import_attendance(by=olu, filename="a.pdf", content=b"%PDF-1.4")
    assert result.errors[0].row == 0


def test_import_refuses_a_formula_cell_in_a_workbook(register, olu):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [dt.date(2026, 5, 10), "Prevent awareness", "Derby City Council", "Housing", "=1+1", ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    before = Attendance.objects.count()
    result = import_attendance(by=olu, filename="a.xlsx", content=buffer.getvalue())
    assert [(e.row, e.column) for e in result.errors] == [(2, "staff_reference")]
    assert "formula" in result.errors[0].message
    assert Attendance.objects.count() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trip_with_the_same_columns(register, olu, fmt):
    actions.add_attendance(
        by=None,
        session=register.s1,
        department=register.libraries,
        staff_reference='=HYPERLINK("http://x")',
        name="+Ann O'Brien",
    )
    qs = access.attendance_visible_to(olu)
    content = export_attendance(qs, fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        injected = next(r for r in body if "HYPERLINK" in r[4])
        assert injected[4].startswith("'=") and injected[5] == "'+Ann O'Brien"
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [[c.value for c in r] for r in sheet.iter_rows()]
        header = rows[0]
        cell = next(c for r in sheet.iter_rows() for c in r if "HYPERLINK" in str(c.value))
        assert cell.data_type == "s" and str(cell.value).startswith("'=")
    assert tuple(header) == COLUMNS
    before = {
        (a.session_id, a.department_id, a.staff_reference, a.name) for a in Attendance.objects.all()
    }
    # Importing the export again changes nothing.
    again = import_attendance(by=olu, filename=f"a.{fmt}", content=content)
    assert again.ok and again.added == 0 and again.unchanged == len(before)
    # Into an empty register: the same records, formulas and all, exactly.
    Attendance.objects.all().delete()
    result = import_attendance(by=olu, filename=f"a.{fmt}", content=content)
    assert result.ok, result.errors
    after = {
        (a.session_id, a.department_id, a.staff_reference, a.name) for a in Attendance.objects.all()
    }
    assert after == before
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_ATTENDANCE_IMPORTED).count() == 2


def test_a_partner_exports_only_their_own_organisations_attendance(register, pat):
    rows = list(
        csv.reader(
            io.StringIO(
                export_attendance(access.attendance_visible_to(pat), "csv").decode("utf-8-sig")
            )
        )
    )
    assert {r[2] for r in rows[1:]} == {"Derbyshire Constabulary"}


# --- Pages and permissions -----------------------------------------------------------


def test_coverage_page_shows_the_chart_and_its_table(client, register, vic):
    client.force_login(vic)
    response = client.get("/training/", {"topic": "prevent_awareness", "months": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'data-table="organisations"' in html
    assert "Derbyshire Constabulary" in html and "Neighbourhood policing" in html
    # A viewer reads but does not import, export or see attendee lists.
    assert client.get("/training/import/").status_code == 404
    assert client.get("/training/export/").status_code == 404
    assert client.get(f"/training/sessions/{register.s1.uuid}/attendees/").status_code == 404


def test_a_partner_cannot_change_another_organisations_department(client, register, pat, olu, sam):
    client.force_login(pat)
    assert client.get(f"/training/departments/{register.housing.uuid}/edit/").status_code == 404
    response = client.post(
        f"/training/departments/{register.housing.uuid}/edit/",
        {"organisation": register.housing.organisation_id, "name": "Hacked", "front_line_staff": 1},
    )
    assert response.status_code == 404
    register.housing.refresh_from_db()
    assert register.housing.name == "Housing"
    assert (
        client.get(f"/training/departments/{register.neighbourhood.uuid}/edit/").status_code == 200
    )
    # Officers manage the whole partnership in their council, not another council's.
    client.force_login(olu)
    assert (
        client.get(f"/training/departments/{register.neighbourhood.uuid}/edit/").status_code == 200
    )
    client.force_login(sam)
    assert client.get(f"/training/departments/{register.housing.uuid}/edit/").status_code == 404
    assert "Housing" not in client.get("/training/departments/").content.decode()


def test_a_partner_adds_a_department_only_to_their_own_organisation(client, derby_council, pat):
    client.force_login(pat)
    response = client.post(
        "/training/departments/new/",
        {"organisation": derby_council.pk, "name": "Libraries", "front_line_staff": 5},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Department.objects.exists()


def test_a_department_with_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, derbyshire_police, pat
):
    client.force_login(pat)
    response = client.post(
        "/training/departments/new/",
        {"organisation": derbyshire_police.pk, "name": "Response team", "front_line_staff": "-3"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'value="Response team"' in html
    assert not Department.objects.exists()


def test_the_attendee_list_is_audited_and_shows_only_managed_organisations(client, register, pat):
    client.force_login(pat)
    response = client.get(f"/training/sessions/{register.s2.uuid}/attendees/")
    html = response.content.decode()
    assert response.status_code == 200
    assert ">P1<" in html and ">H3<" not in html
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert event.detail["viewed"] == "training attendee list"


def test_import_page_lists_errors_by_row(client, register, olu):
    client.force_login(olu)
    bad = _csv([list(COLUMNS), ["2026-05-10", "Nope", "Derby City Council", "Housing", "X1", ""]])
    upload = io.BytesIO(bad)
    upload.name = "bad.csv"
    response = client.post("/training/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in html
    assert "nothing was saved" in html


def test_officer_adds_a_course_and_a_session_through_the_pages(client, derby_council, olu):
    client.force_login(olu)
    response = client.post(
        "/training/courses/new/",
        {"organisation": derby_council.pk, "title": "Migration today", "topic": "migration_trends"},
    )
    assert response.status_code == 302
    course_url = response["Location"]
    response = client.post(course_url, {"date": "2026-09-01", "place": "Council House"})
    assert response.status_code == 302
    assert Session.objects.get().place == "Council House"
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_CHANGED).count() == 2


def test_an_officer_sets_a_council_wide_target(client, derby, olu):
    client.force_login(olu)
    response = client.post(
        "/training/targets/",
        {"council": derby.pk, "topic": "mediation", "share_percent": "40", "by_date": "2027-03-31"},
    )
    assert response.status_code == 302
    target = access.targets_visible_to(olu).get()
    assert target.share == Decimal("0.4") and target.council == derby


def test_api_coverage_and_courses(client, register, vic, sam):
    client.force_login(vic)
    data = client.get(
        "/api/v1/training/coverage", {"topic": "prevent_awareness", "months": 12}
    ).json()
    assert data["topic"] == "prevent_awareness"
    names = [o["name"] for o in data["organisations"]]
    assert names == ["Derby City Council", "Derbyshire Constabulary"]
    courses = client.get("/api/v1/training/courses").json()
    assert {c["title"] for c in courses} == {"Prevent awareness", "Mediation basics"}
    client.force_login(sam)
    assert client.get("/api/v1/training/courses").json() == []


def test_without_the_view_permission_the_section_does_not_exist(client, register, derby_council):
    dpo = make_user("dpo", derby_council, Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    assert client.get("/training/").status_code == 404
    assert client.get("/api/v1/training/courses").status_code == 404
    assert isinstance(dpo, User)
