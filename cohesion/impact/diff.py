"""What changed between two versions of an assessment, section by section, in words.

Each version is flattened into labelled text (`snapshot`), keyed so that the
same item can be found in both: questions by principle number and question
code (so a revision on a newer question bank still lines up), equality cells
by characteristic and aim, evidence by title, actions by description.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cohesion.impact.models import ImpactAssessment

Snapshot = dict[str, dict[str, str]]

SECTIONS = [
    "Details",
    "Screening",
    "Principles",
    "Evidence",
    "Equality impacts",
    "Cohesion",
    "Action plan",
]


@dataclass(frozen=True)
class Change:
    section: str
    item: str
    before: str  # "" when the item was added
    after: str  # "" when the item was removed

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


def _day(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _join(*parts: tuple[str, str]) -> str:
    return " ".join(f"{label}: {text.strip()}" for label, text in parts if text and text.strip())


def snapshot(a: ImpactAssessment) -> Snapshot:
    snap: Snapshot = {name: {} for name in SECTIONS}
    details = snap["Details"]
    details["Subject"] = a.subject
    details["Kind"] = a.get_kind_display()
    details["What is proposed"] = a.proposal
    details["Department"] = a.department.name
    details["Owner"] = a.owner.display_name
    details["Decision-maker"] = ", ".join(x for x in (a.decision_maker, a.decision_maker_role) if x)
    details["Decision date"] = _day(a.decision_date)
    details["Review date"] = _day(a.review_date)
    details["Outcome"] = a.get_outcome_display() if a.outcome else ""
    details["Reason for the outcome"] = a.outcome_reason
    details["Wards at risk"] = ", ".join(a.wards.order_by("name").values_list("name", flat=True))

    screening = getattr(a, "screening", None)
    if screening is not None:
        snap["Screening"]["Full assessment needed"] = (
            "Yes" if screening.full_assessment_needed else "No"
        )
        snap["Screening"]["Why"] = screening.reason

    for answer in a.principle_answers.select_related("question__principle"):
        q = answer.question
        label = f"Principle {q.principle.number}, question {q.code}"
        snap["Principles"][label] = answer.answer

    for item in a.evidence.all():
        snap["Evidence"][item.title] = "; ".join(
            x
            for x in (
                item.get_kind_display(),
                _day(item.dated) or "undated",
                item.link,
                item.summary,
            )
            if x
        )

    for cell in a.equality_impacts.all():
        label = f"{cell.get_characteristic_display()}, aim ({cell.aim})"
        snap["Equality impacts"][label] = " ".join(
            x
            for x in (
                f"{cell.get_impact_display()}.",
                _join(("Evidence", cell.evidence), ("Mitigation", cell.mitigation)),
            )
            if x
        )

    for effect in a.cohesion_answers.all():
        snap["Cohesion"][effect.get_topic_display()] = " ".join(
            x
            for x in (
                f"{effect.get_impact_display()}.",
                _join(
                    ("Effect", effect.effect),
                    ("Evidence", effect.evidence),
                    ("Mitigation", effect.mitigation),
                ),
            )
            if x
        )

    for action in a.action_items.all():
        snap["Action plan"][action.description] = (
            f"{action.owner_name}, due {_day(action.due_on)}"
            + (f", done {_day(action.completed_on)}" if action.completed_on else "")
        )
    return snap


def compare(before: ImpactAssessment, after: ImpactAssessment) -> list[Change]:
    """Every difference from `before` to `after`, in section order."""
    old, new = snapshot(before), snapshot(after)
    changes: list[Change] = []
    for section in SECTIONS:
        o, n = old[section], new[section]
        for key in [*o, *(k for k in n if k not in o)]:
            was, now = o.get(key, "").strip(), n.get(key, "").strip()
            if was != now:
                changes.append(Change(section, key, was, now))
    return changes


def changes_from_previous(a: ImpactAssessment) -> list[Change] | None:
    """None for a first version; otherwise what changed since the version it revises."""
    if a.previous is None:
        return None
    return compare(a.previous, a)
