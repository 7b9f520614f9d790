"""The whole assessment gathered in one structure, for the page, the PDF and the Word document.

The assessment page, the print document (WeasyPrint makes the PDF from it)
and the DOCX all read `build_report`, so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cohesion.impact import choices as c
from cohesion.impact.checks import Check, full_assessment_needed, long_date, run_checks
from cohesion.impact.diff import Change, changes_from_previous
from cohesion.impact.models import (
    ActionItem,
    CohesionAnswer,
    EqualityImpact,
    Evidence,
    ImpactAssessment,
    Principle,
    Question,
    ScreeningAnswer,
)


@dataclass
class MatrixCell:
    aim: c.Aim
    applies: bool
    impact: EqualityImpact | None = None


@dataclass
class MatrixRow:
    characteristic: c.Characteristic
    cells: list[MatrixCell]

    @property
    def answered(self) -> int:
        return sum(1 for cell in self.cells if cell.impact is not None)

    @property
    def needed(self) -> int:
        return sum(1 for cell in self.cells if cell.applies)


@dataclass
class PrincipleSection:
    principle: Principle
    answers: list[tuple[Question, str]]
    evidence: list[Evidence]

    @property
    def answered(self) -> int:
        return sum(1 for _, answer in self.answers if answer)


@dataclass
class Report:
    assessment: ImpactAssessment
    screening: ScreeningAnswer | None
    full: bool
    principles: list[PrincipleSection]
    evidence: list[Evidence]
    matrix: list[MatrixRow]
    cohesion: list[tuple[c.CohesionTopic, CohesionAnswer | None]]
    wards: list[Any]
    actions: list[ActionItem]
    checks: list[Check]
    changes: list[Change] | None
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def checks_passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def _cells(self) -> list[tuple[c.Characteristic, MatrixCell]]:
        """Answered cells that say something: an impact with evidence or a mitigation."""
        return [
            (row.characteristic, cell)
            for row in self.matrix
            for cell in row.cells
            if cell.impact is not None and (cell.impact.evidence or cell.impact.mitigation)
        ]

    @property
    def notable_cells(self) -> list[tuple[c.Characteristic, MatrixCell]]:
        """Cells that are not neutral, or neutral with a mitigation: what readers look for."""
        return [
            (ch, cell)
            for ch, cell in self._cells()
            if cell.impact is not None
            and (cell.impact.impact != c.Impact.NEUTRAL or cell.impact.mitigation)
        ]

    @property
    def neutral_cells(self) -> list[tuple[c.Characteristic, MatrixCell]]:
        notable = self.notable_cells
        return [pair for pair in self._cells() if pair not in notable]

    @property
    def aims(self) -> list[c.Aim]:
        return list(c.Aim)

    @property
    def outstanding_actions(self) -> int:
        return sum(1 for a in self.actions if a.completed_on is None)


def checks_as_at(assessment: ImpactAssessment) -> dt.date | None:
    """A signed-off assessment is judged as it stood when signed off, not as days pass."""
    if assessment.is_final and assessment.signed_off_at is not None:
        return timezone.localdate(assessment.signed_off_at)
    return None


def build_report(assessment: ImpactAssessment, today: dt.date | None = None) -> Report:
    today = today or checks_as_at(assessment)
    screening = ScreeningAnswer.objects.filter(assessment=assessment).first()
    answers = {a.question_id: a.answer for a in assessment.principle_answers.all()}
    evidence = list(assessment.evidence.select_related("principle"))
    principles = [
        PrincipleSection(
            principle=p,
            answers=[(q, answers.get(q.pk, "")) for q in p.questions.all()],
            evidence=[e for e in evidence if e.principle_id == p.pk],
        )
        for p in assessment.bank.principles.prefetch_related("questions", "suggested_actions")
    ]
    cells = {(e.characteristic, e.aim): e for e in assessment.equality_impacts.all()}
    matrix = [
        MatrixRow(
            characteristic=ch,
            cells=[
                MatrixCell(
                    aim=aim,
                    applies=aim in c.aims_for(ch),
                    impact=cells.get((ch.value, aim.value)),
                )
                for aim in c.Aim
            ],
        )
        for ch in c.Characteristic
    ]
    cohesion_answers = {a.topic: a for a in assessment.cohesion_answers.all()}
    return Report(
        assessment=assessment,
        screening=screening,
        full=full_assessment_needed(assessment),
        principles=principles,
        evidence=evidence,
        matrix=matrix,
        cohesion=[(t, cohesion_answers.get(t.value)) for t in c.CohesionTopic],
        wards=list(assessment.wards.select_related("council").order_by("name")),
        actions=list(assessment.action_items.select_related("strategy_action", "completed_by")),
        checks=run_checks(assessment, today=today),
        changes=changes_from_previous(assessment),
    )


def report_filename(assessment: ImpactAssessment, fmt: str) -> str:
    return f"impact-assessment-{assessment.reference.lower()}-v{assessment.version}.{fmt}"


# --- PDF -----------------------------------------------------------------------------


def render_document(report: Report) -> str:
    return render_to_string("impact/report_print.html", {"report": report, "c": c})


def render_pdf(report: Report) -> bytes:
    # Imported by name at call time: WeasyPrint is heavy to load and has no type hints.
    weasyprint: Any = importlib.import_module("weasyprint")
    pdf = weasyprint.HTML(string=render_document(report)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


# --- DOCX ----------------------------------------------------------------------------


def _day(day: dt.date | None) -> str:
    return long_date(day) if day else "Not given"


def _table(document: Any, headings: list[str], rows: list[list[str]]) -> None:
    """A Word table whose header row repeats on each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def status_line(a: ImpactAssessment) -> str:
    line = f"Version {a.version}. Status: {a.get_status_display()}."
    if a.signed_off_at and a.signed_off_by:
        line += (
            f" Signed off by {a.signed_off_by.display_name} on "
            f"{long_date(timezone.localdate(a.signed_off_at))}."
        )
    if a.published_at:
        line += f" Published on {long_date(timezone.localdate(a.published_at))}."
    return line


def render_docx(report: Report) -> bytes:
    """An editable Word document with the same sections as the page, as headings and tables."""
    from docx import Document
    from docx.shared import Cm

    a = report.assessment
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = f"Impact assessment: {a.subject}"
    document.add_heading(f"Impact assessment: {a.subject}", level=0)
    document.add_paragraph(f"{a.reference}. {status_line(a)}")
    if a.is_synthetic:
        document.add_paragraph("Demonstration record: every detail is synthetic.")

    document.add_heading("The proposal", level=1)
    _table(
        document,
        ["Question", "Answer"],
        [
            ["What is assessed", f"{a.subject} ({a.get_kind_display().lower()})"],
            ["Organisation and department", f"{a.organisation.name}, {a.department.name}"],
            ["Officer responsible", a.owner.display_name],
            [
                "Decision-maker",
                ", ".join(x for x in (a.decision_maker, a.decision_maker_role) if x) or "Not named",
            ],
            ["Date of the decision", _day(a.decision_date)],
            ["Review date", _day(a.review_date)],
            ["What is proposed, and why", a.proposal or "Not given"],
            [
                "Outcome",
                (a.get_outcome_display() + (f": {a.outcome_reason}" if a.outcome_reason else ""))
                if a.outcome
                else "Not yet decided",
            ],
        ],
    )

    document.add_heading("Screening", level=1)
    if report.screening is None:
        document.add_paragraph("Not yet screened.")
    else:
        needed = "needed" if report.screening.full_assessment_needed else "not needed"
        document.add_paragraph(f"A full assessment is {needed}. {report.screening.reason}")

    document.add_heading("The five social inclusion principles", level=1)
    for part in report.principles:
        p = part.principle
        document.add_heading(f"Principle {p.number}: {p.title}", level=2)
        for question, answer in part.answers:
            document.add_paragraph().add_run(f"{question.code}) {question.text}").bold = True
            document.add_paragraph(answer or "Not answered.")

    document.add_heading("Evidence", level=1)
    if report.evidence:
        _table(
            document,
            ["Evidence", "Type", "Date", "What it shows"],
            [
                [
                    e.title + (f" ({e.link})" if e.link else ""),
                    e.get_kind_display(),
                    _day(e.dated),
                    e.summary,
                ]
                for e in report.evidence
            ],
        )
    else:
        document.add_paragraph("No evidence recorded.")

    document.add_heading("Equality impacts", level=1)
    document.add_paragraph(
        "The likely impact on people with each protected characteristic (Equality Act 2010 "
        "s4) under each aim of the public sector equality duty (s149): (a) eliminate "
        "discrimination, harassment and victimisation; (b) advance equality of opportunity; "
        "(c) foster good relations."
    )
    _table(
        document,
        ["Characteristic", "Aim (a)", "Aim (b)", "Aim (c)"],
        [
            [str(row.characteristic.label)]
            + [
                (cell.impact.get_impact_display() if cell.impact else "Not answered")
                if cell.applies
                else "Does not apply"
                for cell in row.cells
            ]
            for row in report.matrix
        ],
    )
    follow_up = [
        (row.characteristic, cell)
        for row in report.matrix
        for cell in row.cells
        if cell.impact is not None and (cell.impact.evidence or cell.impact.mitigation)
    ]
    if follow_up:
        document.add_heading("Evidence and mitigation", level=2)
        _table(
            document,
            ["Characteristic and aim", "Impact", "Evidence", "Mitigation"],
            [
                [
                    f"{ch.label}, aim ({cell.aim.value})",
                    cell.impact.get_impact_display(),
                    cell.impact.evidence,
                    cell.impact.mitigation,
                ]
                for ch, cell in follow_up
                if cell.impact is not None
            ],
        )

    document.add_heading("Cohesion", level=1)
    _table(
        document,
        ["Effect on", "Likely effect", "What it could be", "Evidence", "Mitigation"],
        [
            [
                str(topic.label),
                answer.get_impact_display() if answer else "Not answered",
                answer.effect if answer else "",
                answer.evidence if answer else "",
                answer.mitigation if answer else "",
            ]
            for topic, answer in report.cohesion
        ],
    )
    if report.wards:
        document.add_paragraph(
            "Wards most at risk: " + ", ".join(w.name for w in report.wards) + "."
        )

    document.add_heading("Action plan", level=1)
    if report.actions:
        _table(
            document,
            ["Action", "Owner", "Due", "Done"],
            [
                [
                    item.description,
                    item.owner_name,
                    _day(item.due_on),
                    _day(item.completed_on) if item.completed_on else "Outstanding",
                ]
                for item in report.actions
            ],
        )
    else:
        document.add_paragraph("No actions.")

    document.add_heading("Due-regard checks", level=1)
    for check in report.checks:
        state = {"passed": "Met", "failed": "Not met", "not_needed": "Not needed"}[check.state]
        document.add_paragraph(f"{check.title}: {state}. ({check.authority})", style="List Bullet")
        for problem in check.problems if check.applies else []:
            document.add_paragraph(problem.message, style="List Bullet 2")

    if report.changes is not None:
        document.add_heading(f"Changes since version {a.version - 1}", level=1)
        if report.changes:
            _table(
                document,
                ["Section", "Item", "Before", "Now"],
                [
                    [ch.section, ch.item, ch.before or "(none)", ch.after or "(removed)"]
                    for ch in report.changes
                ],
            )
        else:
            document.add_paragraph("Nothing has changed yet.")

    document.add_heading("Sign-off", level=1)
    if a.signed_off_by and a.signed_off_at:
        document.add_paragraph(
            f"Signed off by {a.signed_off_by.display_name} on "
            f"{long_date(timezone.localdate(a.signed_off_at))}."
            + (f" Comments: {a.sign_off_note}" if a.sign_off_note else "")
        )
    else:
        document.add_paragraph("Not yet signed off.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
