"""Due-regard checks: what must be true before an assessment can be submitted or signed off.

Each check is one promise, in plain words, with the authority it comes from
(shared/reference/indices-and-assessment.md §5.2 to 5.3) and, when it fails,
every problem found, each saying what to do. Submission and sign-off both run
them (`actions.submit_assessment`, `actions.sign_off_assessment`), so an
assessment that stopped passing, say because its decision date went by while
it waited, cannot be signed off.

If screening found that a full assessment is not needed, the checks on the
principles, the equality matrix, the cohesion part and consultation do not
apply; the screening reason is then the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cohesion.impact import choices as c
from cohesion.impact.models import (
    CohesionAnswer,
    EqualityImpact,
    ImpactAssessment,
    Principle,
    ScreeningAnswer,
)


@dataclass
class Problem:
    message: str
    # The page of the assessment where it is fixed (a URL name in `impact/urls.py`).
    fix: str = ""
    fix_arg: str = ""


@dataclass
class Check:
    code: str
    title: str
    authority: str
    applies: bool = True
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.applies or not self.problems

    @property
    def state(self) -> str:
        if not self.applies:
            return "not_needed"
        return "passed" if not self.problems else "failed"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _screening(assessment: ImpactAssessment) -> ScreeningAnswer | None:
    return ScreeningAnswer.objects.filter(assessment=assessment).first()


def full_assessment_needed(assessment: ImpactAssessment) -> bool:
    """Until screening says otherwise, assume a full assessment is needed."""
    screening = _screening(assessment)
    return screening is None or screening.full_assessment_needed


def run_checks(assessment: ImpactAssessment, today: dt.date | None = None) -> list[Check]:
    today = today or timezone.localdate()
    screening = _screening(assessment)
    full = screening is None or screening.full_assessment_needed
    principles = list(
        Principle.objects.filter(bank_id=assessment.bank_id).prefetch_related("questions")
    )
    answers = {
        a.question_id: a.answer for a in assessment.principle_answers.all() if a.answer.strip()
    }
    cells = {
        (e.characteristic, e.aim): e for e in EqualityImpact.objects.filter(assessment=assessment)
    }
    cohesion = {a.topic: a for a in CohesionAnswer.objects.filter(assessment=assessment)}
    evidence = list(assessment.evidence.all())
    checks: list[Check] = []

    check = Check(
        "screening",
        "Screening says whether a full assessment is needed, and why",
        "Proportionality: EHRC guidance on the equality duty",
    )
    if screening is None:
        check.problems.append(
            Problem(
                "Answer the screening question: is a full assessment needed?", "impact-screening"
            )
        )
    elif not screening.reason.strip():
        check.problems.append(Problem("Say why, in the screening.", "impact-screening"))
    checks.append(check)

    check = Check(
        "principles",
        "Every question under the five principles is answered",
        "Brown principle 3: with rigour and an open mind",
        applies=full,
    )
    for principle in principles:
        for question in principle.questions.all():
            if question.pk not in answers:
                check.problems.append(
                    Problem(
                        f"Principle {principle.number}, question {question.code}: "
                        f"“{question.text}” has no answer.",
                        "impact-principle",
                        str(principle.number),
                    )
                )
    checks.append(check)

    check = Check(
        "matrix",
        "Each protected characteristic is considered under each aim of the equality duty",
        "Equality Act 2010 s149; R (Meany) v Harlow DC",
        applies=full,
    )
    for characteristic, aim in c.matrix_cells():
        if (characteristic, aim) not in cells:
            check.problems.append(
                Problem(
                    f"{characteristic.label}, aim ({aim.value}): choose the likely impact.",
                    "impact-characteristic",
                    characteristic.value,
                )
            )
    checks.append(check)

    check = Check(
        "cohesion",
        "The cohesion part is answered: relations between groups, new and settled "
        "communities, areas at risk",
        "Equality Act 2010 s149(1)(c): fostering good relations",
        applies=full,
    )
    for topic in c.CohesionTopic:
        if topic not in cohesion:
            check.problems.append(
                Problem(f"{topic.label}: choose the likely effect.", "impact-cohesion")
            )
    checks.append(check)

    check = Check(
        "follow_up",
        "Every negative or not-known impact has evidence or a mitigation",
        "R (Bracking) v SSWP: a duty to acquire missing information",
    )
    for characteristic, aim in c.matrix_cells():
        cell = cells.get((characteristic, aim))
        if (
            cell is not None
            and cell.impact in c.NEEDS_FOLLOW_UP
            and not (cell.evidence.strip() or cell.mitigation.strip())
        ):
            check.problems.append(
                Problem(
                    f"{characteristic.label}, aim ({aim.value}): the impact is "
                    f"{cell.get_impact_display().lower()}, with no evidence or mitigation. Say "
                    "what the evidence shows, or what will be done about it.",
                    "impact-characteristic",
                    characteristic.value,
                )
            )
    for topic in c.CohesionTopic:
        answer = cohesion.get(topic)
        if (
            answer is not None
            and answer.impact in c.NEEDS_FOLLOW_UP
            and not (answer.evidence.strip() or answer.mitigation.strip())
        ):
            check.problems.append(
                Problem(
                    f"{topic.label}: the effect is {answer.get_impact_display().lower()}, with "
                    "no evidence or mitigation.",
                    "impact-cohesion",
                )
            )
    checks.append(check)

    check = Check(
        "evidence_dated",
        "Evidence is recorded, and every piece of evidence is dated",
        "Brown principle 6: an adequate record; R (Bracking) v SSWP",
    )
    if full and not evidence:
        check.problems.append(
            Problem("Record the evidence the assessment relies on.", "impact-evidence-new")
        )
    for item in evidence:
        if item.dated is None:
            check.problems.append(
                Problem(f"“{item.title}” has no date. Add the date it was published or collected.")
            )
        elif item.dated > today:
            check.problems.append(
                Problem(f"“{item.title}” is dated {long_date(item.dated)}, in the future.")
            )
    checks.append(check)

    consulting = [p for p in principles if p.expects_consultation]
    check = Check(
        "consultation",
        "Consultation is recorded where the principles expect it",
        "R (Bracking) v SSWP: convey the flavour of consultation responses; Gunning principles",
        applies=full and bool(consulting),
    )
    if not any(item.kind == c.EvidenceKind.CONSULTATION for item in evidence):
        for principle in consulting:
            check.problems.append(
                Problem(
                    f"Principle {principle.number} ({principle.title}) expects consultation. "
                    "Add the consultation as evidence: who took part, when, and what they said.",
                    "impact-evidence-new",
                )
            )
    checks.append(check)

    check = Check(
        "decision_maker",
        "The decision-maker is named",
        "Brown principles 1 and 4: the decision-maker must be aware; the duty is non-delegable",
    )
    if not assessment.decision_maker.strip():
        check.problems.append(
            Problem("Name the person or body who will take the decision.", "impact-edit")
        )
    checks.append(check)

    check = Check(
        "timing",
        "The assessment is done before the decision is taken",
        "Brown principle 2: before and at the time of the decision",
    )
    if assessment.decision_date is None:
        check.problems.append(Problem("Enter the date of the decision.", "impact-edit"))
    elif assessment.decision_date < today:
        check.problems.append(
            Problem(
                f"The decision date, {long_date(assessment.decision_date)}, has passed. Due "
                "regard must be paid before the decision is taken. If it has not been taken "
                "yet, correct the date.",
                "impact-edit",
            )
        )
    checks.append(check)

    check = Check(
        "review",
        "A review date is set",
        "Brown principle 5: the duty is continuing",
    )
    if assessment.review_date is None:
        check.problems.append(
            Problem("Enter the date when the assessment will be reviewed.", "impact-edit")
        )
    checks.append(check)
    return checks


def all_passed(checks: list[Check]) -> bool:
    return all(check.passed for check in checks)


def failing(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.passed]
