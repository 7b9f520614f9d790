"""Recording one person's attendance through a form, and removing a record.

The form's action shares the import's checks (`actions.attendance_problems`),
so the same person is refused for the same reasons either way.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.training import actions
from cohesion.training.models import Attendance
from tests.integration.test_training_register import build_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(derby_council, derbyshire_police, derby):
    return build_register(derby_council, derbyshire_police, derby)


def _new(session) -> str:
    return f"/training/sessions/{session.uuid}/attendees/new/"


def _remove(attendance) -> str:
    return f"/training/sessions/{attendance.session.uuid}/attendees/{attendance.pk}/remove/"


def test_record_attendance_checks_like_the_import_and_is_audited(register, pat):
    made = actions.record_attendance(
        by=pat,
        session=register.s1,
        department=register.neighbourhood,
        staff_reference=" P20 ",
        name=" Priya ",
    )
    assert (made.staff_reference, made.name) == ("P20", "Priya")
    assert made.organisation == register.neighbourhood.organisation
    row = AuditEvent.objects.filter(action=AuditAction.TRAINING_CHANGED).latest("id")
    assert row.target_id == str(register.s1.uuid)
    assert "P20" not in str(row.detail) and "Priya" not in str(row.detail)  # no personal data

    with pytest.raises(actions.AttendanceInvalid) as twice:
        actions.record_attendance(
            by=pat, session=register.s1, department=register.neighbourhood, staff_reference="p20"
        )
    assert twice.value.problems == {
        "staff_reference": "This person is already recorded at this session"
    }
    with pytest.raises(actions.AttendanceInvalid) as other_org:
        actions.record_attendance(
            by=pat, session=register.s1, department=register.housing, staff_reference="H99"
        )
    assert (
        "not a department of an organisation whose attendance you record"
        in (other_org.value.problems["department"])
    )
    with pytest.raises(actions.AttendanceInvalid) as too_long:
        actions.record_attendance(
            by=pat,
            session=register.s1,
            department=register.neighbourhood,
            staff_reference="x" * 101,
            name="n" * 201,
        )
    assert set(too_long.value.problems) == {"staff_reference", "name"}
    assert Attendance.objects.filter(staff_reference__in=["H99", "x" * 101]).count() == 0


def test_the_import_reports_the_same_problem_in_the_same_words(register, pat):
    from cohesion.training.tabular import COLUMNS, import_attendance

    row = ["2026-01-15", "Prevent awareness", "Derbyshire Constabulary", "Neighbourhood policing"]
    content = (",".join(COLUMNS) + "\r\n" + ",".join([*row, "x" * 101, ""]) + "\r\n").encode()
    result = import_attendance(by=pat, filename="a.csv", content=content)
    [error] = result.errors
    problems = actions.attendance_problems(
        scope=actions.AttendanceScope.of(pat),
        session=register.s1,
        department=register.neighbourhood,
        staff_reference="x" * 101,
    )
    assert (error.row, error.column, error.message) == (
        2,
        "staff_reference",
        problems["staff_reference"],
    )


def test_another_councils_officer_cannot_record_or_remove(register, sam):
    with pytest.raises(actions.AttendanceInvalid) as refused:
        actions.record_attendance(
            by=sam, session=register.s1, department=register.housing, staff_reference="H99"
        )
    assert set(refused.value.problems) == {"session", "department"}
    attendance = Attendance.objects.filter(session=register.s1).first()
    with pytest.raises(PermissionDenied):
        actions.remove_attendance(by=sam, attendance=attendance)


def test_the_form_records_one_person_and_keeps_what_was_typed_on_error(client, register, pat):
    client.force_login(pat)
    page = client.get(_new(register.s2))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Neighbourhood policing (Derbyshire Constabulary)" in html
    assert "Housing" not in html  # only departments of organisations this person keeps
    before = Attendance.objects.count()

    # P1 is already recorded at s2: refused next to the field, what was typed kept.
    again = client.post(
        _new(register.s2),
        {"department": register.neighbourhood.pk, "staff_reference": "p1", "name": "Kept name"},
    )
    html = again.content.decode()
    assert again.status_code == 400
    assert "Error:" in html and "There is a problem" in html
    assert "This person is already recorded at this session" in html
    assert 'value="p1"' in html and 'value="Kept name"' in html
    empty = client.post(_new(register.s2), {"department": "", "staff_reference": ""})
    assert empty.status_code == 400
    assert "Choose the department the person works in" in empty.content.decode()
    assert "Enter the staff reference" in empty.content.decode()
    # Another organisation's department, sent by hand, is not a choice.
    other = client.post(
        _new(register.s2), {"department": register.housing.pk, "staff_reference": "H77"}
    )
    assert other.status_code == 400
    assert Attendance.objects.count() == before

    saved = client.post(
        _new(register.s2),
        {"department": register.neighbourhood.pk, "staff_reference": "P77", "name": ""},
    )
    assert saved.status_code == 302
    assert saved["Location"] == f"/training/sessions/{register.s2.uuid}/attendees/"
    assert Attendance.objects.filter(session=register.s2, staff_reference="P77").exists()
    another = client.post(
        _new(register.s2),
        {"department": register.neighbourhood.pk, "staff_reference": "P78", "another": "1"},
    )
    assert another["Location"] == _new(register.s2)
    listing = client.get(saved["Location"]).content.decode()
    assert "P77" in listing and "P78" in listing and "recorded at this session" in listing


def test_remove_asks_first_then_removes_and_audits(client, register, pat, olu):
    police = Attendance.objects.get(session=register.s2, staff_reference="P1")
    housing = Attendance.objects.get(session=register.s2, staff_reference="H3")
    client.force_login(pat)
    # A partner cannot reach another organisation's staff: the same 404 as a missing record.
    assert client.get(_remove(housing)).status_code == 404
    assert client.post(_remove(housing)).status_code == 404
    missing = f"/training/sessions/{register.s2.uuid}/attendees/999999/remove/"
    assert client.get(missing).status_code == 404
    # The record must belong to the session in the address.
    wrong_session = f"/training/sessions/{register.s1.uuid}/attendees/{police.pk}/remove/"
    assert client.get(wrong_session).status_code == 404

    confirm = client.get(_remove(police))
    assert confirm.status_code == 200 and "Remove P1 from this session?" in confirm.content.decode()
    assert Attendance.objects.filter(pk=police.pk).exists()  # asking changes nothing
    done = client.post(_remove(police))
    assert done.status_code == 302
    assert not Attendance.objects.filter(pk=police.pk).exists()
    row = AuditEvent.objects.filter(action=AuditAction.TRAINING_CHANGED).latest("id")
    assert row.detail == {"what": "attendance removed", "department": "Neighbourhood policing"}
    assert row.target_id == str(register.s2.uuid)

    client.force_login(olu)  # the council's officer keeps the whole partnership's records
    assert client.post(_remove(housing)).status_code == 302
    assert not Attendance.objects.filter(pk=housing.pk).exists()


def test_viewers_and_other_councils_get_404(client, register, vic, sam):
    for user in (vic, sam):
        client.force_login(user)
        assert client.get(_new(register.s2)).status_code == 404
        assert (
            client.post(
                _new(register.s2),
                {"department": register.housing.pk, "staff_reference": "Z1"},
            ).status_code
            == 404
        )
    assert not Attendance.objects.filter(staff_reference="Z1").exists()
