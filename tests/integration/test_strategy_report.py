"""The scrutiny report: exact figures on known data, and the same report as HTML, PDF and DOCX.

The charter below has seven actions with a known history: created in January, a
review taken on 31 March, then a half-year of updates. The report is for
1 April to 30 September 2026 (six-monthly), so the next period runs to 31 March 2027.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohesion.accounts.models import Organisation
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import actions
from cohesion.strategies.choices import Rag, Status
from cohesion.strategies.models import Action, Strategy
from cohesion.strategies.report import (
    ScrutinyReport,
    build_scrutiny_report,
    default_period,
    render_document,
    render_docx,
    render_html,
    render_pdf,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = dt.date(2026, 9, 30)
START, END = dt.date(2026, 4, 1), dt.date(2026, 9, 30)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=LONDON)


@dataclass
class Known:
    strategy: Strategy
    a: dict[str, Action]


def make_known(council: Organisation, police: Organisation) -> Known:
    strategy = actions.create_strategy(
        by=None,
        data={
            "slug": "derby-charter",
            "title": 'Derby "Cohesion" & Integration Charter',
            "kind": "charter",
            "owner": council,
            "objective_label": "Activity",
            "objectives": [
                {"code": "1", "title": "Build relationships between communities"},
                {"code": "2", "title": "Tackle hate crime"},
                {"code": "3", "title": "Welcome new arrivals"},
            ],
            "commitments": ["Work together for the common good", "Challenge hate"],
        },
    )
    o1, o2, o3 = strategy.objectives.all()
    plans = {
        org: actions.create_plan(
            by=None,
            strategy=strategy,
            organisation=org,
            title=f"{org.name} plan 2026",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        for org in (council, police)
    }
    actions.sign_commitment(
        by=None,
        strategy=strategy,
        organisation=police,
        signed_by="Rachel Swann",
        signed_by_role="Chief Constable",
        signed_on=dt.date(2026, 2, 1),
    )

    def add(org: Organisation, ref: str, objectives: list, **data: object) -> Action:
        return actions.create_action(
            by=None,
            plan=plans[org],
            data={"reference": ref, "title": f"Action {ref}", "objectives": objectives, **data},
            made_at=at("2026-01-15"),
        )

    green = {"status": Status.IN_PROGRESS, "rag": Rag.GREEN}
    a = {
        "1.1": add(
            council,
            "1.1",
            [o1, o2],
            **green,
            progress=20,
            lead_name="Amira Khan",
            due_on=dt.date(2026, 12, 31),
        ),
        "1.2": add(
            council,
            "1.2",
            [o1],
            status=Status.IN_PROGRESS,
            rag=Rag.AMBER,
            commentary="Slow start",
            progress=10,
            due_on=dt.date(2027, 6, 30),
        ),
        "1.3": add(council, "1.3", [o3], **green, progress=50),
        "P1": add(police, "P1", [o2]),
        "P2": add(police, "P2", [o2], due_on=dt.date(2026, 8, 31)),
        "1.4": add(council, "1.4", []),
    }
    actions.take_review(
        by=None, strategy=strategy, review_on=dt.date(2026, 3, 31), made_at=at("2026-03-31")
    )

    def update(ref: str, day: str, **data: object) -> None:
        a[ref] = actions.update_action(by=None, action=a[ref], data=data, made_at=at(day))

    update("1.4", "2026-04-20", status=Status.CANCELLED)
    a["P3"] = actions.create_action(
        by=None,
        plan=plans[police],
        data={"reference": "P3", "title": "Action P3", "objectives": [o3], **green, "progress": 20},
        made_at=at("2026-05-01"),
    )
    update("1.1", "2026-05-10", rag=Rag.AMBER, progress=40, commentary="Venue lost in June")
    update(
        "1.2",
        "2026-06-01",
        rag=Rag.RED,
        progress=30,
        commentary="Funding withdrawn",
        corrective_action="Bid to the cohesion fund",
    )
    update("P1", "2026-06-15", **green, progress=30, due_on=dt.date(2026, 12, 15))
    update("1.3", "2026-07-01", status=Status.COMPLETE, completed_on=dt.date(2026, 7, 1))
    update("P1", "2026-08-15", progress=50)

    actions.add_milestone(
        by=None, action=a["1.1"], title="Venue booked", due_on=dt.date(2026, 9, 1)
    )
    actions.add_milestone(
        by=None, action=a["P1"], title="Events calendar agreed", due_on=dt.date(2026, 10, 20)
    )
    done = actions.add_milestone(
        by=None, action=a["1.3"], title="Report published", due_on=dt.date(2026, 11, 1)
    )
    actions.complete_milestone(by=None, milestone=done, completed_on=dt.date(2026, 7, 1))
    actions.add_milestone(by=None, action=a["1.2"], title="Far future", due_on=dt.date(2027, 6, 1))
    return Known(strategy, a)


@pytest.fixture
def known(derby_council, derbyshire_police) -> Known:
    return make_known(derby_council, derbyshire_police)


def build(known: Known, **kwargs: object) -> ScrutinyReport:
    return build_scrutiny_report(
        known.strategy, period_start=START, period_end=END, today=TODAY, **kwargs
    )


# --- contents -------------------------------------------------------------------------


def test_summary_counts_by_status_rag_and_objective(known):
    report = build(known)
    assert (report.next_start, report.next_end) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    o = report.overall
    assert o.total == 7
    assert dict(o.statuses) == {
        "Not started": 1,
        "In progress": 4,
        "Complete": 1,
        "Deferred": 0,
        "Cancelled": 1,
    }
    assert (o.red, o.amber, o.green, o.in_progress) == (1, 1, 2, 4)
    assert o.progress == 40  # (40+30+100+50+0+20)/6; the cancelled action is left out
    rows = {
        s.code: (s.total, s.complete, s.in_progress, s.red, s.amber, s.green, s.progress)
        for s in report.objectives
    }
    assert rows == {
        "1": (2, 0, 2, 1, 1, 0, 35),
        "2": (3, 0, 2, 0, 1, 1, 30),
        "3": (2, 1, 1, 0, 0, 1, 60),
    }
    assert report.progress == 42  # mean of the objectives: (35+30+60)/3
    assert [(b.label, b.value) for b in report.status_chart.bars] == list(o.statuses)
    assert [(b.label, b.value) for b in report.rag_chart.bars] == [
        ("Green – on track", 2),  # noqa: RUF001
        ("Amber – at risk", 1),  # noqa: RUF001
        ("Red – off track", 1),  # noqa: RUF001
    ]


def test_direction_of_travel_since_the_last_review(known):
    report = build(known)
    d = report.direction
    assert d.review is not None and d.review.review_on == dt.date(2026, 3, 31)
    assert dict(d.counts) == {
        "Improved": 2,  # 1.3 completed; P1 started, green
        "Same": 1,  # P2
        "Worse": 3,  # 1.1 green to amber; 1.2 amber to red; 1.4 cancelled
        "New since the last review": 1,  # P3
    }
    assert [(a.reference, a.before, a.status_label, a.rag) for a in d.worse] == [
        ("1.1", "In progress, Green – on track", "In progress", "amber"),  # noqa: RUF001
        ("1.2", "In progress, Amber – at risk", "In progress", "red"),  # noqa: RUF001
        ("1.4", "Not started", "Cancelled", ""),
    ]
    # The red and amber ones are in the exceptions list, marked worse; the table holds the rest.
    assert [a.reference for a in d.worse_outside_exceptions] == ["1.4"]


def test_no_review_before_the_period_means_no_direction(known):
    report = build_scrutiny_report(
        known.strategy,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2026, 3, 31),
        today=TODAY,
    )
    assert report.direction.review is None
    assert "nothing to compare with yet" in render_html(report)


def test_exceptions_list_every_red_then_amber_action_with_commentary(known):
    report = build(known)
    assert [
        (a.reference, a.rag, a.commentary, a.corrective_action, a.direction, a.objectives)
        for a in report.exceptions
    ] == [
        ("1.2", "red", "Funding withdrawn", "Bid to the cohesion fund", "worse", "1"),
        ("1.1", "amber", "Venue lost in June", "", "worse", "1, 2"),
    ]


def test_partner_commitments_and_plans_with_roll_ups(known):
    report = build(known)
    assert report.commitments == [
        (1, "Work together for the common good"),
        (2, "Challenge hate"),
    ]
    assert [(s.organisation, s.signed_by, s.signed_on) for s in report.signatories] == [
        ("Derbyshire Constabulary", "Rachel Swann", dt.date(2026, 2, 1))
    ]
    plans = [
        (
            p.organisation,
            p.is_partner,
            p.summary.total,
            p.summary.complete,
            p.summary.in_progress,
            p.summary.red,
            p.summary.amber,
            p.summary.green,
            p.summary.progress,
        )
        for p in report.plans
    ]
    assert plans == [
        ("Derby City Council", False, 4, 1, 2, 1, 1, 0, 57),
        ("Derbyshire Constabulary", True, 3, 0, 2, 0, 0, 2, 23),
    ]


def test_milestones_and_actions_due_in_the_next_period(known):
    report = build(known)
    # Open milestones of live actions due from 1 October 2026 to 31 March 2027: not the
    # completed one, not the one of 1.2 due after the period.
    assert [(m.title, m.due_on, m.action, m.owner) for m in report.milestones_due] == [
        ("Events calendar agreed", dt.date(2026, 10, 20), "P1 Action P1", "Derbyshire Constabulary")
    ]
    assert [(a.reference, a.due_on) for a in report.actions_due] == [
        ("P1", dt.date(2026, 12, 15)),
        ("1.1", dt.date(2026, 12, 31)),
    ]
    # Venue booked (1 September) and P2 (31 August) are still open.
    assert (report.overdue_actions, report.overdue_milestones) == (1, 1)
    assert "Already overdue: 1 action and 1 milestone." in render_html(report)


def test_updates_made_in_the_period(known):
    u = build(known).updates
    assert (u.total, u.actions_updated) == (7, 6)
    assert [
        (o.organisation, o.updates, o.actions_updated, o.live_actions, o.not_updated)
        for o in u.by_organisation
    ] == [
        ("Derby City Council", 4, 4, 2, 0),
        ("Derbyshire Constabulary", 3, 2, 3, 1),
    ]
    assert [(a.reference, a.last_update_on) for a in u.not_updated] == [
        ("P2", dt.date(2026, 1, 15))
    ]


def test_default_period_is_the_last_review_interval(known):
    assert default_period(known.strategy, TODAY) == (dt.date(2026, 3, 31), TODAY)
    report = build_scrutiny_report(known.strategy, today=dt.date(2026, 8, 31))
    assert (report.period_start, report.period_end) == (dt.date(2026, 3, 1), dt.date(2026, 8, 31))


def test_the_report_reads_with_a_fixed_number_of_queries(known, derby_council, derbyshire_police):
    with CaptureQueriesContext(connection) as small:
        build(known)
    strategy = known.strategy
    plan = strategy.plans.get(organisation=derbyshire_police)
    o1 = strategy.objectives.get(code="1")
    for n in range(15):
        action = actions.create_action(
            by=None,
            plan=plan,
            data={
                "title": f"More {n}",
                "objectives": [o1],
                "status": Status.IN_PROGRESS,
                "rag": Rag.AMBER,
                "commentary": "Behind",
                "due_on": dt.date(2026, 11, 1),
            },
            made_at=at("2026-06-01"),
        )
        actions.add_milestone(by=None, action=action, title="Step", due_on=dt.date(2026, 10, 1))
        actions.update_action(
            by=None, action=action, data={"progress": 5}, made_at=at("2026-07-01")
        )
    actions.create_plan(
        by=None,
        strategy=strategy,
        organisation=derby_council,
        title="Another plan",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    with CaptureQueriesContext(connection) as large:
        report = build(known)
    assert report.overall.total == 22
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 20
    # Rendering reads nothing more: everything is in the report's dataclasses.
    with CaptureQueriesContext(connection) as rendering:
        render_document(report)
        render_docx(report)
    assert rendering.captured_queries == []


def test_producing_a_report_is_audited(known, olu):
    build(known, by=olu)
    event = AuditEvent.objects.get(action=AuditAction.REPORT_PRODUCED)
    assert event.actor_username == "olu"
    assert event.detail["period"] == ["2026-04-01", "2026-09-30"]


# --- renderings -----------------------------------------------------------------------


def test_html_body_has_the_sections_tables_and_charts(known):
    html = render_html(build(known))
    for heading in (
        "Summary",
        "Summary by activity",
        "Direction of travel since the last review",
        "Exceptions: red and amber actions",
        "Partner commitments and plans",
        "Due in the next period",
        "Updates in the period",
    ):
        assert f">{heading}</h2>" in html
    assert "<h1" not in html  # the page (or the print document) gives the h1
    assert html.count("<svg") == 2
    assert html.count('role="img"') == 2
    assert 'data-section="status"' in html and 'data-section="rag"' in html
    assert "7 actions: 1 not started, 4 in progress, 1 complete, 0 deferred, 1 cancelled." in html
    assert "Of the 4 in progress: 1 red, 1 amber, 2 green. Overall progress 42%." in html
    assert '<strong class="govuk-tag govuk-tag--red">Red – off track</strong>' in html  # noqa: RUF001
    assert "Bid to the cohesion fund" in html
    assert "7 updates to 6 actions in the period." in html


def test_print_document_escapes_the_title_in_the_page_header(known):
    document = render_document(build(known))
    assert document.startswith("<!DOCTYPE html>")
    assert (
        '@top-left { content: "Derby \\"Cohesion\\" & Integration Charter: scrutiny report, '
        'September 2026";'
    ) in document
    assert "<h1>Derby &quot;Cohesion&quot; &amp; Integration Charter: scrutiny report</h1>" in (
        document
    )
    assert "counter(pages)" in document


def test_print_document_lists_the_long_sections_as_text_not_tables(known):
    """The PDF's long lists are lists of plain text (fast to print), with the same contents."""
    document = render_document(build(known))
    body = document.split("<body>", 1)[1]
    for section in ("exceptions", "milestones", "actions-due", "worse", "not-updated"):
        assert f'<table class="govuk-table cohesion-report-table" data-section="{section}"' not in (
            body
        )
    # Exceptions: red then amber, each under its rating, with commentary and corrective action.
    red = body.index("Red – off track: 1 action</h3>")  # noqa: RUF001
    amber = body.index("Amber – at risk: 1 action</h3>")  # noqa: RUF001
    assert red < body.index("1.2 Action 1.2</p>") < amber < body.index("1.1 Action 1.1</p>")
    assert (
        "Derby City Council. Activity 1. Direction of travel: worse. Commentary: Funding "
        "withdrawn</p><p>Corrective action: Bid to the cohesion fund</p>"
    ) in body
    assert (
        "Derby City Council, Amira Khan. Activity 1, 2. Direction of travel: worse. "
        "Commentary: Venue lost in June</p>"
    ) in body
    # What is due: the date, a tab, then the milestone or action (a column without a table).
    assert (
        "<li>20 Oct 2026&#9;Events calendar agreed – P1 Action P1 (Derbyshire Constabulary)</li>"  # noqa: RUF001
    ) in body
    assert "<li>15 Dec 2026&#9;P1 Action P1 (Derbyshire Constabulary). In progress" in body
    assert "<li>31 Dec 2026&#9;1.1 Action 1.1 (Derby City Council). In progress" in body
    assert "1.4 Action 1.4 (Derby City Council): Not started at the last review, now " in body
    # The page keeps its tables.
    assert '<table class="govuk-table cohesion-report-table" data-section="milestones"' in (
        render_html(build(known))
    )


def test_pdf_is_a_pdf_with_the_title_and_a_bookmark_per_section(known):
    report = build(known)
    assert render_pdf(report).startswith(b"%PDF-")
    # Uncompressed, the PDF's metadata title and the headings' bookmarks are plain text
    # (no PDF reader is installed to extract the page text).
    pdf = render_pdf(report, compress=False)
    assert (
        b'/Title (Derby "Cohesion" & Integration Charter: scrutiny report, '
        b"1 April 2026 to 30 September 2026)" in pdf
    )
    for heading in (
        b"Summary by activity",
        b"Direction of travel since the last review",
        b"Exceptions: red and amber actions",
        b"Partner commitments and plans",
        b"Due in the next period",
        b"Updates in the period",
    ):
        assert b"/Title (" + heading + b")" in pdf
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 2


def test_docx_has_real_headings_and_tables(known):
    from docx import Document

    document = Document(io.BytesIO(render_docx(build(known))))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Head", "Title"))
    ]
    assert headings[0] == ("Title", 'Derby "Cohesion" & Integration Charter: scrutiny report')
    assert ("Heading 1", "Exceptions: red and amber actions") in headings
    assert ("Heading 2", "Summary by activity") in headings
    assert ("Heading 2", "Milestones") in headings
    summary_text = next(p.text for p in document.paragraphs if p.text.startswith("7 actions"))
    assert summary_text == (
        "7 actions: 1 not started, 4 in progress, 1 complete, 0 deferred, 1 cancelled. "
        "Of the 4 in progress: 1 red, 1 amber, 2 green. Overall progress 42%."
    )
    tables = document.tables
    summary = tables[0]
    assert [c.text for c in summary.rows[0].cells][:3] == ["Activity", "Actions", "Not started"]
    assert [c.text for c in summary.rows[-1].cells] == [
        "All actions",
        "7",
        "1",
        "4",
        "1",
        "0",
        "1",
        "1",
        "1",
        "2",
        "40%",
    ]
    exceptions = next(
        t for t in tables if t.rows[0].cells[0].text == "Action" and len(t.columns) == 6
    )
    assert [r.cells[0].text for r in exceptions.rows[1:]] == ["1.2 Action 1.2", "1.1 Action 1.1"]
    assert exceptions.rows[1].cells[5].text == "Bid to the cohesion fund"


# --- command line ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_cli_writes_each_format(known, tmp_path: Path, fmt):
    target = tmp_path / f"report.{fmt}"
    out = io.StringIO()
    call_command(
        "report",
        "scrutiny",
        "derby-charter",
        "--from",
        "2026-04-01",
        "--to",
        "2026-09-30",
        "--format",
        fmt,
        "--output",
        str(target),
        stdout=out,
    )
    assert out.getvalue() == (
        "Wrote the scrutiny report for derby-charter, 1 April 2026 to 30 September 2026 "
        f"({fmt}) to {target}\n"
    )
    content = target.read_bytes()
    assert {"html": b"<!DOCTYPE html>", "pdf": b"%PDF-", "docx": b"PK\x03\x04"}[fmt] == content[
        : {"html": 15, "pdf": 5, "docx": 4}[fmt]
    ]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_cli_refusals(known, tmp_path: Path):
    target = str(tmp_path / "r.pdf")
    with pytest.raises(CommandError, match="--from must be the same as or before --to"):
        call_command(
            "report",
            "scrutiny",
            "derby-charter",
            "--from",
            "2026-09-30",
            "--to",
            "2026-04-01",
            "--output",
            target,
        )
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "report", "scrutiny", "derby-charter", "--to", "30/09/2026", "--output", target
        )
    with pytest.raises(CommandError, match="No strategy called 'nope'"):
        call_command("report", "scrutiny", "nope", "--output", target)
    assert list(tmp_path.iterdir()) == []


def test_cli_as_someone_who_cannot_see_the_strategy(known, sam, tmp_path: Path):
    with pytest.raises(CommandError, match="sam cannot see a strategy called 'derby-charter'"):
        call_command(
            "report",
            "scrutiny",
            "derby-charter",
            "--output",
            str(tmp_path / "r.docx"),
            "--as-user",
            "sam",
        )
