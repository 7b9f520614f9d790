"""The scrutiny (or cabinet) report for a strategy and period, as HTML, PDF and DOCX.

The shape follows council performance-reporting conventions (standards.md §4):
counts by status first and RAG only among actions in progress, a summary by
objective, direction of travel since the last review, an exceptions list of
every red and amber action with its commentary and corrective action, partner
commitments and plans, the milestones and actions of live work (not started or in
progress) due in the next period, with a count of what is already overdue, and the
updates made in the period. Every chart has a table with the same figures.

The figures describe the position when the report is produced (`today`); the
period bounds the updates counted and sets the next period (as long as the
strategy's review interval). Direction of travel compares today's position with
the last review taken before the period's end, so a review taken on the last
day of the period (the usual cycle: take the review, then write the report) is
compared with the one before it.

Public functions (the pages and the command line call these; keep them stable):

- `build_scrutiny_report(strategy, *, period_start=None, period_end=None, today=None,
  by=None) -> ScrutinyReport`: defaults are the last review interval up to today.
  Reads with a fixed number of queries whatever the strategy's size. Records
  REPORT_PRODUCED (by None = the system).
- `default_period(strategy, today) -> (start, end)`.
- `render_html(report) -> str`: the report body (`strategies/report_body.html`), for a
  page to include under its own h1 (sections are h2).
- `render_document(report) -> str`: a standalone HTML document with the print
  stylesheet (page numbers); what `render_pdf` prints and `--format html` writes. Its
  long lists are plain-text lists, not the page's tables (report_body.html, print=True):
  WeasyPrint's time goes with the table cells, inline elements and lines it lays out.
- `render_pdf(report, *, compress=True) -> bytes` (WeasyPrint; headings become
  bookmarks), `render_docx(report) -> bytes` (python-docx: real headings and tables an
  officer can edit).
- `report_filename(report, fmt) -> str`, `CONTENT_TYPES[fmt]`, `FORMATS`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies.choices import Direction, Rag, Status
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Milestone,
    ReviewPoint,
    ReviewSnapshot,
    Strategy,
)
from cohesion.strategies.reviews import add_months, direction_since_last_review, last_taken_review
from cohesion.strategies.rollup import Rollup, roll_up

FORMATS: Final = ("html", "pdf", "docx")
CONTENT_TYPES: Final = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LIVE: Final = (Status.NOT_STARTED, Status.IN_PROGRESS)
# GOV.UK tag modifier and chart colour for each rating (amber is GOV.UK's orange).
RAG_TAG: Final = {Rag.GREEN: "green", Rag.AMBER: "orange", Rag.RED: "red"}
RAG_COLOUR: Final = {Rag.GREEN: "#00703c", Rag.AMBER: "#f47738", Rag.RED: "#d4351c"}
STATUS_COLOUR: Final = "#1d70b8"
NONE: Final = "\u2013"  # an en dash in an empty cell


# --- Dates ---------------------------------------------------------------------------


def default_period(strategy: Strategy, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last review interval up to today: six months to today for a six-monthly strategy."""
    return add_months(today, -strategy.review_interval_months) + dt.timedelta(days=1), today


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the start of the day after `end`, in local time."""
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min), zone)
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), zone)
    return first, after


# --- The report's parts --------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: int
    colour: str
    y: float = 0
    width: float = 0
    text_x: float = 0
    text_y: float = 0


@dataclass
class Chart:
    """A horizontal bar chart drawn as inline SVG; the same figures are in a table."""

    title: str
    heading: str
    slug: str
    bars: list[Bar]
    # Small enough to sit beside its table in half an A4 page's width (320px = 85mm).
    label_width: int = 130
    bar_area: int = 150
    row: int = 26
    width: int = 0
    height: int = 0

    def __post_init__(self) -> None:
        top = max([b.value for b in self.bars] + [1])
        for index, bar in enumerate(self.bars):
            bar.y = 6 + index * self.row
            bar.width = round(self.bar_area * bar.value / top, 1)
            bar.text_x = self.label_width + bar.width + 6
            bar.text_y = bar.y + 14
        self.width = self.label_width + self.bar_area + 40
        self.height = 12 + len(self.bars) * self.row


@dataclass
class Summary:
    """Counts by status, by RAG among actions in progress, and weighted progress."""

    label: str
    total: int
    statuses: list[tuple[str, int]]
    rags: list[tuple[str, int]]
    in_progress: int
    progress: int | None
    complete: int
    red: int
    amber: int
    green: int
    code: str = ""

    @classmethod
    def of(cls, label: str, rollup: Rollup, code: str = "") -> Summary:
        return cls(
            label=label,
            code=code,
            total=rollup.total,
            statuses=[(s.label, n) for s, n in rollup.status_counts()],
            rags=[(r.label, n) for r, n in rollup.rag_counts()],
            in_progress=rollup.in_progress,
            progress=None if rollup.progress is None else round(rollup.progress),
            complete=rollup.by_status.get(Status.COMPLETE, 0),
            red=rollup.by_rag.get(Rag.RED, 0),
            amber=rollup.by_rag.get(Rag.AMBER, 0),
            green=rollup.by_rag.get(Rag.GREEN, 0),
        )


@dataclass
class ActionLine:
    """An action as the report shows it."""

    uuid: str
    reference: str
    title: str
    owner: str
    lead_name: str
    plan: str
    objectives: str
    status: str
    status_label: str
    rag: str
    rag_label: str
    progress: int
    starts_on: dt.date | None
    due_on: dt.date | None
    commentary: str
    corrective_action: str
    last_update_on: dt.date | None
    direction: str = ""
    direction_label: str = ""
    before: str = ""
    overdue: bool = False

    @property
    def rag_tag(self) -> str:
        return RAG_TAG.get(Rag(self.rag), "grey") if self.rag else ""

    @property
    def name(self) -> str:
        return f"{self.reference} {self.title}".strip()


@dataclass
class DirectionOfTravel:
    review: ReviewPoint | None
    counts: list[tuple[str, int]]
    worse: list[ActionLine]
    improved: int = 0

    @property
    def worse_outside_exceptions(self) -> list[ActionLine]:
        """Worse, and not red or amber now (deferred, cancelled): the exceptions show the rest."""
        return [a for a in self.worse if a.rag not in (Rag.RED, Rag.AMBER)]


@dataclass
class PlanLine:
    title: str
    organisation: str
    starts_on: dt.date
    ends_on: dt.date
    is_partner: bool
    summary: Summary


@dataclass
class SignatoryLine:
    organisation: str
    signed_by: str
    signed_by_role: str
    signed_on: dt.date


@dataclass
class MilestoneLine:
    title: str
    due_on: dt.date
    action: str
    owner: str
    overdue: bool


@dataclass
class OrganisationUpdates:
    organisation: str
    updates: int
    actions_updated: int
    live_actions: int
    not_updated: int


@dataclass
class Updates:
    """What was updated in the period, by organisation, and the live actions that were not."""

    total: int
    actions_updated: int
    by_organisation: list[OrganisationUpdates]
    not_updated: list[ActionLine]


@dataclass
class ScrutinyReport:
    strategy: Strategy
    title: str
    owner: str
    objective_label: str
    period_start: dt.date
    period_end: dt.date
    next_start: dt.date
    next_end: dt.date
    today: dt.date
    produced_at: dt.datetime
    overall: Summary
    objectives: list[Summary]
    progress: int | None
    status_chart: Chart
    rag_chart: Chart
    direction: DirectionOfTravel
    exceptions: list[ActionLine]
    commitments: list[tuple[int, str]]
    signatories: list[SignatoryLine]
    plans: list[PlanLine]
    milestones_due: list[MilestoneLine]
    actions_due: list[ActionLine]
    # Live work due before the next period and not done.
    overdue_milestones: int
    overdue_actions: int
    updates: Updates
    notes: list[str] = field(default_factory=list)

    @property
    def css_title(self) -> str:
        """The title as a CSS string's content (page headers), safe inside <style>."""
        escapes = {"\\": "\\\\", '"': '\\"', "<": "\\3c ", ">": "\\3e ", "\n": " "}
        return "".join(escapes.get(ch, ch) for ch in self.title)

    @property
    def charts(self) -> list[Chart]:
        return [self.status_chart, self.rag_chart]

    @property
    def red(self) -> list[ActionLine]:
        return [a for a in self.exceptions if a.rag == Rag.RED]

    @property
    def amber(self) -> list[ActionLine]:
        return [a for a in self.exceptions if a.rag == Rag.AMBER]

    @property
    def exception_groups(self) -> list[ExceptionGroup]:
        """Red then amber, each under its rating (the printed report's headings)."""
        return [
            ExceptionGroup(Rag.RED.label, RAG_TAG[Rag.RED], self.red),
            ExceptionGroup(Rag.AMBER.label, RAG_TAG[Rag.AMBER], self.amber),
        ]


@dataclass
class ExceptionGroup:
    label: str
    tag: str
    actions: list[ActionLine]


# --- Building ------------------------------------------------------------------------


def _line(action: Action, objectives: dict[int, list[str]], today: dt.date) -> ActionLine:
    return ActionLine(
        uuid=str(action.uuid),
        reference=action.reference,
        title=action.title,
        owner=action.owner.name,
        lead_name=action.lead_name,
        plan=action.plan.title,
        objectives=", ".join(objectives.get(action.pk, [])),
        status=action.status,
        status_label=Status(action.status).label,
        rag=action.rag,
        rag_label=Rag(action.rag).label if action.rag else "",
        progress=action.progress,
        starts_on=action.starts_on,
        due_on=action.due_on,
        commentary=action.commentary,
        corrective_action=action.corrective_action,
        last_update_on=(
            timezone.localdate(action.last_update_at) if action.last_update_at else None
        ),
        overdue=bool(action.due_on and action.due_on < today and action.status in LIVE),
    )


def _direction(
    strategy: Strategy, period_end: dt.date, lines: dict[int, ActionLine]
) -> DirectionOfTravel:
    review = last_taken_review(strategy, before=period_end)
    if review is None:
        return DirectionOfTravel(None, [], [])
    # A review point not yet taken, dated at the period's end, compares the actions now
    # with the last review taken before it (reviews.direction_since_last_review).
    directions = direction_since_last_review(
        strategy, at=ReviewPoint(strategy=strategy, review_on=period_end)
    )
    before = {
        s.action_id: s
        for s in ReviewSnapshot.objects.filter(review=review).only("action_id", "status", "rag")
    }
    counts: Counter[str] = Counter()
    for pk, line in lines.items():
        direction = Direction(directions.get(pk, Direction.NEW))
        counts[direction] += 1
        line.direction = direction.value
        line.direction_label = direction.label
        snapshot = before.get(pk)
        if snapshot is not None:
            line.before = Status(snapshot.status).label + (
                f", {Rag(snapshot.rag).label}" if snapshot.rag else ""
            )
    worse = [line for line in lines.values() if line.direction == Direction.WORSE]
    return DirectionOfTravel(
        review=review,
        counts=[(d.label, counts.get(d.value, 0)) for d in Direction],
        worse=worse,
        improved=counts.get(Direction.IMPROVED, 0),
    )


def _updates(
    strategy: Strategy,
    period_start: dt.date,
    period_end: dt.date,
    actions: list[Action],
    lines: dict[int, ActionLine],
) -> Updates:
    first, after = _day_bounds(period_start, period_end)
    made = ActionUpdate.objects.filter(
        action__strategy=strategy, made_at__gte=first, made_at__lt=after
    ).values_list("action_id", flat=True)
    per_action = Counter(made)
    owner_of = {a.pk: a.owner.name for a in actions}
    updates: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    live: Counter[str] = Counter()
    not_updated: Counter[str] = Counter()
    for action_id, count in per_action.items():
        if action_id in owner_of:
            updates[owner_of[action_id]] += count
            updated[owner_of[action_id]] += 1
    stale: list[ActionLine] = []
    for action in actions:
        if action.status in LIVE:
            live[action.owner.name] += 1
            if action.pk not in per_action:
                not_updated[action.owner.name] += 1
                stale.append(lines[action.pk])
    names = sorted(set(owner_of.values()))
    return Updates(
        total=sum(updates.values()),
        actions_updated=sum(updated.values()),
        by_organisation=[
            OrganisationUpdates(n, updates[n], updated[n], live[n], not_updated[n]) for n in names
        ],
        not_updated=stale,
    )


def build_scrutiny_report(
    strategy: Strategy,
    *,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    today: dt.date | None = None,
    by: User | None = None,
) -> ScrutinyReport:
    """Everything the report shows, read with a fixed number of queries."""
    today = today or timezone.localdate()
    period_end = period_end or today
    period_start = period_start or default_period(strategy, period_end)[0]
    if period_start > period_end:
        raise ValueError("The period must start on or before its end")
    next_start = period_end + dt.timedelta(days=1)
    next_end = add_months(next_start, strategy.review_interval_months) - dt.timedelta(days=1)

    rollup = roll_up(strategy)
    actions = list(
        Action.objects.filter(strategy=strategy)
        .select_related("owner", "plan")
        .order_by("plan__starts_on", "plan__title", "plan_id", "reference", "pk")
    )
    objectives: dict[int, list[str]] = defaultdict(list)
    tags = Action.objectives.through.objects.filter(action__strategy=strategy).order_by(
        "objective__order", "objective__code"
    )
    for action_id, code in tags.values_list("action_id", "objective__code"):
        objectives[action_id].append(code)
    lines = {a.pk: _line(a, objectives, today) for a in actions}

    direction = _direction(strategy, period_end, lines)
    rag_rank = {Rag.RED: 0, Rag.AMBER: 1}
    exceptions = sorted(
        (line for line in lines.values() if line.rag in rag_rank),
        key=lambda line: rag_rank[Rag(line.rag)],
    )

    plans = list(
        ActionPlan.objects.filter(strategy=strategy)
        .select_related("organisation")
        .order_by("organisation__name", "-starts_on", "title")
    )
    plan_rollups = {p.pk: Rollup() for p in plans}
    for action in actions:
        plan_rollups[action.plan_id].add(
            status=action.status, rag=action.rag, progress=action.progress, weight=action.weight
        )
    owner_first = sorted(plans, key=lambda p: p.organisation_id != strategy.owner_id)

    # Due in the next period: what is left to do on live work (not complete, deferred or
    # cancelled). Anything due before it and still open is counted as overdue.
    open_milestones = list(
        Milestone.objects.filter(
            action__strategy=strategy,
            action__status__in=LIVE,
            completed_on__isnull=True,
            due_on__lte=next_end,
        ).order_by("due_on", "pk")
    )
    milestones = [
        MilestoneLine(
            title=m.title,
            due_on=m.due_on,
            action=lines[m.action_id].name,
            owner=lines[m.action_id].owner,
            overdue=m.due_on < today,
        )
        for m in open_milestones
        if m.due_on >= next_start
    ]
    open_actions = [a for a in lines.values() if a.status in LIVE and a.due_on is not None]
    actions_due = sorted(
        (a for a in open_actions if a.due_on is not None and next_start <= a.due_on <= next_end),
        key=lambda line: (line.due_on or next_end, line.reference),
    )

    overall = Summary.of("All actions", rollup.actions)
    report = ScrutinyReport(
        strategy=strategy,
        title=strategy.title,
        owner=strategy.owner.name,
        objective_label=strategy.objective_label,
        period_start=period_start,
        period_end=period_end,
        next_start=next_start,
        next_end=next_end,
        today=today,
        produced_at=timezone.now(),
        overall=overall,
        objectives=[
            Summary.of(str(r.objective.title), r.rollup, code=r.objective.code)
            for r in rollup.objectives
        ],
        progress=None if rollup.progress is None else round(rollup.progress),
        status_chart=Chart(
            "Actions by status",
            "Status",
            "status",
            [Bar(label, n, STATUS_COLOUR) for label, n in overall.statuses],
        ),
        rag_chart=Chart(
            "Actions in progress by RAG rating",
            "RAG rating",
            "rag",
            [Bar(r.label, rollup.actions.by_rag.get(r.value, 0), RAG_COLOUR[r]) for r in Rag],
        ),
        direction=direction,
        exceptions=exceptions,
        commitments=list(strategy.commitments.order_by("number").values_list("number", "text")),
        signatories=[
            SignatoryLine(s.organisation.name, s.signed_by, s.signed_by_role, s.signed_on)
            for s in strategy.signatories.select_related("organisation").order_by(
                "signed_on", "organisation__name"
            )
        ],
        plans=[
            PlanLine(
                title=p.title,
                organisation=p.organisation.name,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                is_partner=p.organisation_id != strategy.owner_id,
                summary=Summary.of(p.title, plan_rollups[p.pk]),
            )
            for p in owner_first
        ],
        milestones_due=milestones,
        actions_due=actions_due,
        overdue_milestones=sum(1 for m in open_milestones if m.due_on < next_start),
        overdue_actions=sum(
            1 for a in open_actions if a.due_on is not None and a.due_on < next_start
        ),
        updates=_updates(strategy, period_start, period_end, actions, lines),
    )
    if not actions:
        report.notes.append("The strategy has no actions yet.")
    record(
        action=AuditAction.REPORT_PRODUCED,
        by=by,
        target=strategy,
        detail={
            "report": "scrutiny",
            "period": [period_start.isoformat(), period_end.isoformat()],
            "today": today.isoformat(),
        },
    )
    return report


# --- Rendering -----------------------------------------------------------------------


def render_html(report: ScrutinyReport) -> str:
    """The body: sections under h2, for a page (or the print document) to wrap."""
    return render_to_string("strategies/report_body.html", {"report": report})


def render_document(report: ScrutinyReport) -> str:
    """A standalone HTML document with the print stylesheet."""
    return render_to_string("strategies/report_print.html", {"report": report})


def render_pdf(report: ScrutinyReport, *, compress: bool = True) -> bytes:
    """The print document as PDF: headings become bookmarks; `compress=False` for tests."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=render_document(report)).write_pdf(uncompressed_pdf=not compress)
    assert pdf is not None
    return bytes(pdf)


def report_filename(report: ScrutinyReport, fmt: str) -> str:
    return (
        f"{report.strategy.slug}-scrutiny-{report.period_start.isoformat()}"
        f"-to-{report.period_end.isoformat()}.{fmt}"
    )


WORSE_IN_EXCEPTIONS: Final = (
    "Red and amber actions that have got worse are marked in the exceptions list."
)


def overdue_text(report: ScrutinyReport) -> str:
    """How much live work due before the next period is still open."""
    actions, milestones = report.overdue_actions, report.overdue_milestones
    if not actions and not milestones:
        return "Nothing due before then is overdue."
    return (
        f"Already overdue: {actions} {'action' if actions == 1 else 'actions'} and "
        f"{milestones} {'milestone' if milestones == 1 else 'milestones'}."
    )


def period_text(report: ScrutinyReport) -> str:
    return f"{_day(report.period_start)} to {_day(report.period_end)}"


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.0f}%"


# --- DOCX ----------------------------------------------------------------------------


def _docx_table(document: Any, headings: list[str], rows: list[list[str]]) -> None:
    """A real Word table: a header row repeated on each page, then the rows."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        # The row's own cells: `row.cells` walks the whole table each time (quadratic).
        tr = table.add_row()._tr
        for tc, value in zip(tr.tc_lst, values, strict=True):
            _Cell(tc, table).text = value


def _docx_counts(document: Any, report: ScrutinyReport) -> None:
    statuses = [label for label, _ in report.overall.statuses]
    rows = [
        [
            f"{s.code}. {s.label}" if s.code else s.label,
            str(s.total),
            *(str(n) for _, n in s.statuses),
            str(s.red),
            str(s.amber),
            str(s.green),
            _percent(s.progress),
        ]
        for s in [*report.objectives, report.overall]
    ]
    _docx_table(
        document,
        [report.objective_label, "Actions", *statuses, "Red", "Amber", "Green", "Progress"],
        rows,
    )


def render_docx(report: ScrutinyReport) -> bytes:
    """An editable Word document: the same sections as the page, as headings and tables."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = f"{report.title}: scrutiny report, {period_text(report)}"
    document.add_heading(f"{report.title}: scrutiny report", level=0)
    document.add_paragraph(
        f"Period: {period_text(report)}. Position as at {_day(report.today)}. "
        f"Next period: {_day(report.next_start)} to {_day(report.next_end)}."
    )
    for note in report.notes:
        document.add_paragraph(note)

    o = report.overall
    document.add_heading("Summary", level=1)
    document.add_paragraph(
        f"{o.total} actions: "
        + ", ".join(f"{n} {label.lower()}" for label, n in o.statuses)
        + f". Of the {o.in_progress} in progress: {o.red} red, {o.amber} amber, {o.green} green."
        + (f" Overall progress {report.progress}%." if report.progress is not None else "")
    )
    document.add_heading(f"Summary by {report.objective_label.lower()}", level=2)
    _docx_counts(document, report)

    d = report.direction
    document.add_heading("Direction of travel since the last review", level=1)
    if d.review is None:
        document.add_paragraph("No review was taken before this period's end.")
    else:
        document.add_paragraph(
            f"Each action's status and RAG rating now, compared with the review of "
            f"{_day(d.review.review_on)}."
        )
        _docx_table(document, ["Direction", "Actions"], [[k, str(n)] for k, n in d.counts])
        document.add_paragraph(WORSE_IN_EXCEPTIONS)
        if d.worse_outside_exceptions:
            document.add_heading("Other actions that have got worse", level=2)
            _docx_table(
                document,
                ["Action", "Owner", "At the last review", "Now"],
                [
                    [a.name, a.owner, a.before or NONE, _status_rag(a)]
                    for a in d.worse_outside_exceptions
                ],
            )

    document.add_heading("Exceptions: red and amber actions", level=1)
    if not report.exceptions:
        document.add_paragraph("No action in progress is rated red or amber.")
    else:
        _docx_table(
            document,
            ["Action", "Owner and lead", "RAG", "Direction", "Commentary", "Corrective action"],
            [
                [
                    a.name,
                    ", ".join(x for x in (a.owner, a.lead_name) if x),
                    a.rag_label,
                    a.direction_label or NONE,
                    a.commentary,
                    a.corrective_action,
                ]
                for a in report.exceptions
            ],
        )

    document.add_heading("Partner commitments and plans", level=1)
    if report.commitments:
        document.add_heading("The commitment", level=2)
        for number, text in report.commitments:
            document.add_paragraph(f"{number}. {text}")
    document.add_heading("Signatories", level=2)
    if report.signatories:
        _docx_table(
            document,
            ["Organisation", "Signed by", "Role", "Signed on"],
            [
                [s.organisation, s.signed_by, s.signed_by_role, _day(s.signed_on)]
                for s in report.signatories
            ],
        )
    else:
        document.add_paragraph("No organisation has signed up yet.")
    document.add_heading("Action plans", level=2)
    _docx_table(
        document,
        [
            "Plan",
            "Organisation",
            "Period",
            "Actions",
            "Complete",
            "In progress",
            "Red",
            "Amber",
            "Green",
            "Progress",
        ],
        [_plan_row(p) for p in report.plans],
    )

    document.add_heading("Due in the next period", level=1)
    document.add_paragraph(
        f"From {_day(report.next_start)} to {_day(report.next_end)}. " + overdue_text(report)
    )
    document.add_heading("Milestones", level=2)
    if report.milestones_due:
        _docx_table(
            document,
            ["Due", "Milestone", "Action", "Owner"],
            [[_day(m.due_on), m.title, m.action, m.owner] for m in report.milestones_due],
        )
    else:
        document.add_paragraph("No milestone falls due.")
    document.add_heading("Actions", level=2)
    if report.actions_due:
        _docx_table(
            document,
            ["Due", "Action", "Owner", "Status", "Progress"],
            [
                [
                    _day(a.due_on),
                    a.name,
                    a.owner,
                    _status_rag(a),
                    f"{a.progress}%",
                ]
                for a in report.actions_due
            ],
        )
    else:
        document.add_paragraph("No action falls due.")

    u = report.updates
    document.add_heading("Updates in the period", level=1)
    document.add_paragraph(
        f"{u.total} updates to {u.actions_updated} actions between "
        f"{_day(report.period_start)} and {_day(report.period_end)}."
    )
    _docx_table(
        document,
        ["Organisation", "Updates", "Actions updated", "Live actions", "Live, not updated"],
        [
            [
                r.organisation,
                str(r.updates),
                str(r.actions_updated),
                str(r.live_actions),
                str(r.not_updated),
            ]
            for r in u.by_organisation
        ],
    )
    if u.not_updated:
        document.add_heading("Live actions not updated in the period", level=2)
        _docx_table(
            document,
            ["Action", "Owner and lead", "Status", "Last update"],
            [
                [
                    a.name,
                    ", ".join(x for x in (a.owner, a.lead_name) if x),
                    _status_rag(a),
                    _day(a.last_update_on) or "Never",
                ]
                for a in u.not_updated
            ],
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _status_rag(line: ActionLine) -> str:
    return line.status_label + (f", {line.rag_label}" if line.rag else "")


def _plan_row(plan: PlanLine) -> list[str]:
    s = plan.summary
    return [
        plan.title,
        plan.organisation,
        f"{_day(plan.starts_on)} to {_day(plan.ends_on)}",
        str(s.total),
        str(s.complete),
        str(s.in_progress),
        str(s.red),
        str(s.amber),
        str(s.green),
        _percent(s.progress),
    ]
