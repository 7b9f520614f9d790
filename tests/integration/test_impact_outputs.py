"""Outputs: the PDF and Word reports, the register per department, reminders, the demo."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.core.tasks import housekeeping
from cohesion.demo.registry import DemoContext, loaders
from cohesion.impact import actions
from cohesion.impact.checks import run_checks
from cohesion.impact.demo import load_impact
from cohesion.impact.diff import changes_from_previous
from cohesion.impact.models import ImpactAssessment, ReviewReminder
from cohesion.impact.reminders import send_review_reminders
from cohesion.impact.report import build_report, render_docx, render_pdf
from cohesion.impact.tasks import send_impact_reminders
from tests.integration.impact_records import (
    days,
    fresh,
    make_department,
    second_officer,
    signed_off,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(derby_council):
    return second_officer(derby_council)


@pytest.fixture
def libraries(derby_council, olu, tess):
    return make_department(derby_council, "Libraries", olu, tess)


# --- Reports ---------------------------------------------------------------------------


def test_the_word_report_opens_with_every_section_as_headings(olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries))
    document = Document(io.BytesIO(render_docx(build_report(a))))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "Impact assessment: Library opening hours"
    for expected in (
        "The proposal",
        "Screening",
        "The five social inclusion principles",
        (
            "Principle 5: Involving individuals and communities from diverse backgrounds in "
            "planning services"
        ),
        "Evidence",
        "Equality impacts",
        "Cohesion",
        "Action plan",
        "Due-regard checks",
        "Sign-off",
    ):
        assert expected in headings
    matrix = next(t for t in document.tables if t.rows[0].cells[0].text == "Characteristic")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in matrix.rows[1:]}
    assert rows["Age"] == ["Neutral", "Negative", "Neutral"]
    assert rows["Marriage and civil partnership"] == ["Neutral", "Does not apply", "Does not apply"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Signed off by Tess Tester on" in text


def test_the_pdf_report_is_a_pdf_and_is_audited(client, olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries))
    assert render_pdf(build_report(a)).startswith(b"%PDF")
    client.force_login(olu)
    response = client.get(reverse("impact-report", args=[a.uuid, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"impact-assessment-{a.reference.lower()}-v1.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditAction.REPORT_PRODUCED)
    assert event.detail["format"] == "pdf"
    assert client.get(reverse("impact-report", args=[a.uuid, "odt"])).status_code == 404


def test_a_revisions_report_shows_what_changed(olu, tess, libraries):
    v1 = signed_off(olu, tess, start(olu, libraries))
    v2 = actions.revise_assessment(by=olu, assessment=v1)
    actions.update_details(by=olu, assessment=v2, data={"subject": "Library hours, phase 2"})
    document = Document(io.BytesIO(render_docx(build_report(fresh(v2)))))
    assert "Changes since version 1" in [p.text for p in document.paragraphs]
    changes = next(t for t in document.tables if t.rows[0].cells[0].text == "Section")
    assert ["Details", "Subject", "Library opening hours", "Library hours, phase 2"] in [
        [c.text for c in r.cells] for r in changes.rows
    ]


def test_checks_on_a_signed_off_assessment_are_as_they_stood_at_sign_off(olu, tess, libraries):
    """Once the decision date has passed, the record must still say it was done in time."""
    a = signed_off(olu, tess, start(olu, libraries, decision_date=days(1)))
    assert all(check.passed for check in build_report(a, today=None).checks)
    assert not all(check.passed for check in run_checks(a, today=days(5)))


# --- Register --------------------------------------------------------------------------


def test_the_register_shows_status_review_dates_and_outstanding_actions(
    client, olu, tess, libraries, derby_council
):
    parks = make_department(derby_council, "Parks", olu)
    signed_off(olu, tess, start(olu, libraries, review_date=days(50)))
    start(olu, parks, subject="Parks events policy")
    client.force_login(olu)
    page = client.get(reverse("impact-list"))
    assert "Library opening hours" in page.text and "Parks events policy" in page.text
    only_parks = client.get(reverse("impact-list") + f"?department={parks.uuid}")
    assert "Parks events policy" in only_parks.text
    assert "Library opening hours" not in only_parks.text
    download = client.get(reverse("impact-register-csv"))
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    library = next(r for r in rows if r["subject"] == "Library opening hours")
    assert (library["status"], library["outstanding_actions"], library["review_state"]) == (
        "signed_off",
        "1",
        "",
    )
    out = StringIO()
    call_command("impact", "register", "--department", "Parks", stdout=out)
    assert [r["subject"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == [
        "Parks events policy"
    ]


# --- Reminders -------------------------------------------------------------------------


def test_the_owner_is_reminded_once_before_the_review_date(olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries, review_date=days(50)))
    assert send_review_reminders(today=days(0)).emails == 0  # seven weeks away: too early
    run = send_review_reminders(today=days(30))
    assert (run.emails, run.assessments) == (1, [a.reference])
    (email,) = mail.outbox
    assert email.to == ["olu@example.org"]
    assert email.subject.startswith("Impact assessment review is due on")
    assert "Start a revision" in email.body
    assert ReviewReminder.objects.get().review_date == days(50)
    assert AuditEvent.objects.get(action=AuditAction.IMPACT_REMINDERS_SENT).target_id == str(a.uuid)
    assert send_review_reminders(today=days(31)).emails == 0
    assert len(mail.outbox) == 1


def test_no_reminder_while_a_revision_is_being_drafted_or_for_a_draft(olu, tess, libraries):
    a = signed_off(olu, tess, start(olu, libraries, review_date=days(50)))
    start(olu, libraries, subject="Draft only", review_date=days(40))
    actions.revise_assessment(by=olu, assessment=a)
    assert send_review_reminders(today=days(45)).emails == 0


def test_reminders_go_out_from_housekeeping_the_task_and_the_command(olu, tess, libraries):
    signed_off(olu, tess, start(olu, libraries, review_date=days(60)))
    signed_off(olu, tess, start(olu, libraries, subject="Parks", review_date=days(70)))
    assert "impact_review_reminders_sent" not in housekeeping.call()
    out = StringIO()
    call_command("impact", "remind", "--date", days(35).isoformat(), stdout=out)
    assert "1 reminder emails sent about 1 assessments" in out.getvalue()
    assert send_impact_reminders.call() == {"emails": 0, "assessments": 0}


# --- Demo ------------------------------------------------------------------------------


def test_the_demo_has_three_assessments_at_different_stages(geography):
    context = DemoContext()
    accounts = next(loader for loader in loaders() if loader.name.startswith("Organisations"))
    accounts.run(context)
    lines = load_impact(context)
    assert "3 assessments" in lines[0]
    rows = {(a.subject, a.version): a.status for a in ImpactAssessment.objects.all()}
    assert rows == {
        ("Library opening hours and self-service days", 1): "published",
        ("Library opening hours and self-service days", 2): "draft",
        ("Parks events policy: charges and conditions for community events", 1): "submitted",
        ("Housing allocations: local connection rule", 1): "draft",
    }
    assert all(a.is_synthetic for a in ImpactAssessment.objects.all())
    v2 = ImpactAssessment.objects.get(version=2)
    assert changes_from_previous(v2)
    housing = ImpactAssessment.objects.get(subject__startswith="Housing")
    assert {c.code for c in run_checks(housing) if not c.passed} >= {
        "follow_up",
        "consultation",
        "decision_maker",
        "review",
    }
    assert [d.name for d in housing.shared_with.all()] == ["Communities and Cohesion"]
    assert load_impact(context) == ["already loaded"]
