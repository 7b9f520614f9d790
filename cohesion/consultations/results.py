"""Published results of a consultation, with statistical disclosure control.

Counts per choice and per rating are published through
`cohesion.insight.disclosure` (the ONS "10-5" rule: counts 1-9 hidden as
"c", others rounded to the nearest 5, and a second count hidden wherever one
hidden count could be worked out from the total). Free-text answers are never
published; themes say what people raised instead. An average rating is shown
only when no count behind it is hidden and at least 23 people answered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cohesion.consultations.models import (
    COUNTED_KINDS,
    RATING_LABELS,
    Answer,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    Response,
    ThemeAnswer,
)
from cohesion.insight.disclosure import (
    DEFAULT_RULE,
    SHOWN,
    SUPPRESSED,
    DisclosureRule,
    apply_to_counts,
    publish_count,
)


@dataclass(frozen=True)
class Row:
    label: str
    value: int | str  # a rounded count, or "c"

    @property
    def hidden(self) -> bool:
        return self.value == SUPPRESSED


@dataclass
class QuestionResult:
    question: Question
    answered: int | str
    rows: list[Row] = field(default_factory=list)
    average: float | None = None

    @property
    def any_hidden(self) -> bool:
        return any(r.hidden for r in self.rows) or self.answered == SUPPRESSED


@dataclass
class ThemeResult:
    title: str
    summary: str
    responses: int | str
    outcome: str
    outcome_label: str
    we_did: str
    published_at: Any


@dataclass
class Results:
    consultation: Consultation
    total: int | str
    channels: list[Row]
    questions: list[QuestionResult]
    themes: list[ThemeResult]
    rule: DisclosureRule

    @property
    def caveat(self) -> str:
        return (
            f"To protect people in small groups, counts from 1 to {self.rule.threshold - 1} are "
            f'shown as "{SUPPRESSED}" and other counts are rounded to the nearest '
            f"{self.rule.base}. Where one hidden count could be worked out from a total, another "
            f"count is hidden too. Totals are rounded, so rows may not add up."
        )


def _line(
    labels: list[str], counts: list[int], total: int, rule: DisclosureRule
) -> tuple[list[Row], int | str]:
    if total == 0:
        return [Row(label, 0) for label in labels], 0
    series = pd.Series([float(c) for c in counts], index=range(len(labels)))
    published = apply_to_counts(series, rule, with_total=True, total=float(total))
    values = list(published.values)
    rows = [Row(label, values[i]) for i, label in enumerate(labels)]
    assert published.total is not None
    return rows, published.total


def question_counts(question: Question) -> tuple[list[str], list[int], int]:
    """Labels, exact counts and the number who answered (before disclosure control)."""
    answers = Answer.objects.filter(question=question)
    if question.kind == QuestionKind.RATING:
        tally = Counter(answers.exclude(rating=None).values_list("rating", flat=True))
        labels = [str(RATING_LABELS[i]) for i in range(1, 6)]
        return labels, [tally.get(i, 0) for i in range(1, 6)], sum(tally.values())
    tally = Counter()
    answered = 0
    for chosen in answers.values_list("choices", flat=True):
        if chosen:
            answered += 1
            tally.update(chosen)
    return list(question.choices), [tally.get(c, 0) for c in question.choices], answered


def results_for(consultation: Consultation, rule: DisclosureRule = DEFAULT_RULE) -> Results:
    responses = Response.objects.filter(consultation=consultation)
    total_exact = responses.count()
    by_channel = Counter(responses.values_list("channel", flat=True))
    channel_labels = [str(label) for _, label in Channel.choices]
    channel_rows, total = _line(
        channel_labels, [by_channel.get(code, 0) for code in Channel.values], total_exact, rule
    )
    questions = []
    for question in consultation.questions.filter(kind__in=COUNTED_KINDS):
        labels, counts, answered = question_counts(question)
        rows, published_answered = _line(labels, counts, answered, rule)
        average = None
        shown = all(not r.hidden for r in rows) and published_answered != SUPPRESSED
        if (
            question.kind == QuestionKind.RATING
            and shown
            and answered >= rule.rate_denominator_floor
        ):
            average = round(sum((i + 1) * c for i, c in enumerate(counts)) / answered, 1)
        questions.append(QuestionResult(question, published_answered, rows, average))
    themes = [
        ThemeResult(
            title=a.theme.title,
            summary=a.theme.summary,
            responses=publish_count(a.theme.responses.count(), rule),
            outcome=a.outcome,
            outcome_label=str(a.get_outcome_display()),
            we_did=a.we_did,
            published_at=a.published_at,
        )
        for a in ThemeAnswer.objects.filter(
            theme__consultation=consultation, published_at__isnull=False
        )
        .select_related("theme")
        .order_by("theme__title")
    ]
    return Results(consultation, total, channel_rows, questions, themes, rule)


def results_json(results: Results) -> dict[str, Any]:
    """The API's view of the published results (the same figures as the page)."""
    return {
        "consultation": str(results.consultation.uuid),
        "title": results.consultation.title,
        "responses": results.total,
        "by_channel": [{"label": r.label, "count": r.value} for r in results.channels],
        "questions": [
            {
                "text": q.question.text,
                "kind": q.question.kind,
                "answered": q.answered,
                "counts": [{"label": r.label, "count": r.value} for r in q.rows],
                "average": q.average,
            }
            for q in results.questions
        ],
        "themes": [
            {
                "title": t.title,
                "summary": t.summary,
                "responses": t.responses,
                "outcome": t.outcome,
                "we_did": t.we_did,
                "published_at": t.published_at,
            }
            for t in results.themes
        ],
        "disclosure": {**results.rule.describe(), "note": results.caveat},
    }


__all__ = ["SHOWN", "Results", "Row", "results_for", "results_json"]
