"""The rules every action must satisfy, in plain Python.

Forms, the CSV/XLSX importer and the API all call `action_problems` so a
person sees the same sentence wherever they work; the same rules are database
constraints on `Action` as a backstop. Messages follow the GOV.UK error message
style: say what is wrong and how to put it right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cohesion.strategies.choices import RAG_ORDER, Direction, Rag, Status


@dataclass(frozen=True)
class ActionState:
    """The fields the rules look at, whatever they came from (form, file, API)."""

    status: str
    rag: str = ""
    progress: int = 0
    corrective_action: str = ""
    commentary: str = ""
    completed_on: dt.date | None = None
    starts_on: dt.date | None = None
    due_on: dt.date | None = None


def action_problems(state: ActionState, *, today: dt.date) -> dict[str, str]:
    """Field name -> what is wrong with it. Empty when the action may be saved.

    `today` is the council's local date (`django.utils.timezone.localdate()`).
    """
    problems: dict[str, str] = {}
    if state.status not in Status.values:
        problems["status"] = "Choose a status: " + ", ".join(Status.labels).lower()
        return problems
    if state.rag and state.rag not in Rag.values:
        problems["rag"] = "Choose a RAG rating: green, amber or red"
    elif state.rag and state.status != Status.IN_PROGRESS:
        problems["rag"] = (
            "Only an action in progress has a RAG rating: clear it or change the status"
        )
    if state.status == Status.IN_PROGRESS and not state.rag:
        problems["rag"] = "Choose a RAG rating for an action in progress"
    if state.rag == Rag.RED and not state.corrective_action.strip():
        problems["corrective_action"] = (
            "Enter the corrective action: a red action needs a note of what is being done about it"
        )
    if state.rag in (Rag.RED, Rag.AMBER) and not state.commentary.strip():
        problems["commentary"] = "Enter commentary that explains the amber or red rating"
    if not 0 <= state.progress <= 100:
        problems["progress"] = "Progress must be a whole number from 0 to 100"
    if state.status == Status.COMPLETE:
        if state.completed_on is None:
            problems["completed_on"] = "Enter the date the action was completed"
        elif state.completed_on > today:
            problems["completed_on"] = "The completion date must be today or in the past"
    elif state.completed_on is not None:
        problems["completed_on"] = "Only a complete action has a completion date: clear it"
    if state.starts_on and state.due_on and state.due_on < state.starts_on:
        problems["due_on"] = "The due date must be the same as or after the start date"
    return problems


def default_progress(status: str, progress: int) -> int:
    """Status carries a default progress (Decidim): complete is 100, not started 0."""
    if status == Status.COMPLETE:
        return 100
    if status == Status.NOT_STARTED:
        return 0
    return progress


def expected_progress(
    starts_on: dt.date | None, due_on: dt.date | None, today: dt.date
) -> int | None:
    """Progress expected by now if the work ran evenly from start to due date."""
    if starts_on is None or due_on is None:
        return None
    if today <= starts_on:
        return 0
    if today >= due_on or due_on == starts_on:
        return 100
    return round(100 * (today - starts_on).days / (due_on - starts_on).days)


def suggested_rag(
    *,
    progress: int,
    starts_on: dt.date | None,
    due_on: dt.date | None,
    today: dt.date,
    amber_behind: int,
    red_behind: int,
) -> str:
    """The RAG the strategy's thresholds suggest for an action in progress.

    Overdue and unfinished is red. Otherwise the rating depends on how many
    percentage points progress is behind what the elapsed time would expect.
    The lead may choose differently; the suggestion is a prompt, not a rule.
    """
    if due_on is not None and today > due_on and progress < 100:
        return Rag.RED
    expected = expected_progress(starts_on, due_on, today)
    if expected is None:
        return ""
    behind = expected - progress
    if behind >= red_behind:
        return Rag.RED
    if behind >= amber_behind:
        return Rag.AMBER
    return Rag.GREEN


def direction_of_travel(
    *, before_status: str | None, before_rag: str, status: str, rag: str
) -> Direction:
    """Improved / same / worse since the last review point.

    Completion counts as an improvement; deferral or cancellation of live work
    as worse. Between two ratings, the order is red < amber < green.
    """
    if before_status is None:
        return Direction.NEW
    if status == before_status and rag == before_rag:
        return Direction.SAME
    if status == Status.COMPLETE:
        return Direction.IMPROVED
    if status in (Status.DEFERRED, Status.CANCELLED):
        return Direction.WORSE
    if before_status in (Status.DEFERRED, Status.CANCELLED, Status.NOT_STARTED) and (
        status == Status.IN_PROGRESS
    ):
        return Direction.IMPROVED if rag != Rag.RED else Direction.SAME
    if before_status == Status.COMPLETE:
        return Direction.WORSE
    if rag and before_rag:
        change = RAG_ORDER[Rag(rag)] - RAG_ORDER[Rag(before_rag)]
        if change > 0:
            return Direction.IMPROVED
        if change < 0:
            return Direction.WORSE
    return Direction.SAME
