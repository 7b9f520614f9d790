"""Every change to consultations goes through here, and is audited.

Workflow: draft -> open -> closed -> answered (answers published; more
answers can be published later, each publication telling contributors once).
A closed consultation may be opened again (an extended deadline). Questions
are fixed once the first response is in, so every response answers the same
questions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.consultations.models import (
    CHOICE_KINDS,
    AccessibleFormat,
    Answer,
    AnswerPublication,
    Channel,
    Consultation,
    Outcome,
    Question,
    QuestionKind,
    Response,
    ResponseContact,
    Status,
    SubmissionLog,
    Theme,
    ThemeAnswer,
)
from cohesion.incidents.public.submission import client_hash
from cohesion.lib.references import new_reference

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
EDITABLE_FIELDS = [
    "council",
    "organisation",
    "title",
    "subject",
    "audience",
    "opens_on",
    "closes_on",
    "accessible_formats",
    "languages",
    "channels",
    "how_to_ask",
]


class ConsultationError(Exception):
    """A change the workflow does not allow; the message says why in plain words."""


class RateLimited(Exception):
    """Too many online responses from one address in the window."""


# --- Consultations and questions ------------------------------------------------------------


@transaction.atomic
def save_consultation(
    *,
    by: User | None,
    consultation: Consultation | None = None,
    council: Area,
    organisation: Organisation,
    title: str,
    subject: str,
    audience: str,
    opens_on: dt.date,
    closes_on: dt.date,
    accessible_formats: Iterable[str] = (),
    languages: Iterable[str] = (),
    channels: Iterable[str] = (Channel.ONLINE,),
    how_to_ask: str = "",
    impact_assessments: Iterable[Any] | None = None,
    strategy_actions: Iterable[Any] | None = None,
    is_synthetic: bool = False,
) -> Consultation:
    """Create a draft consultation or change one (its status is changed by open/close)."""
    created = consultation is None
    consultation = consultation or Consultation(created_by=by, is_synthetic=is_synthetic)
    formats = [str(f) for f in accessible_formats]
    unknown = set(formats) - set(AccessibleFormat.values)
    if unknown:
        raise ValidationError({"accessible_formats": f"Unknown formats: {sorted(unknown)}"})
    chosen_channels = [str(c) for c in channels]
    if set(chosen_channels) - set(Channel.values):
        raise ValidationError({"channels": "Unknown channel"})
    consultation.council = council
    consultation.organisation = organisation
    consultation.title = title.strip()
    consultation.subject = subject.strip()
    consultation.audience = audience.strip()
    consultation.opens_on = opens_on
    consultation.closes_on = closes_on
    consultation.accessible_formats = formats
    consultation.languages = [lang.strip() for lang in languages if lang.strip()]
    consultation.channels = chosen_channels
    consultation.how_to_ask = how_to_ask.strip()
    consultation.full_clean()
    if created:
        consultation.save()
    else:
        # Only the fields edited here: the status is changed by its own actions, and
        # this object may have been loaded before one of them ran.
        consultation.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        consultation.refresh_from_db(fields=["status", "answers_published_at"])
    if impact_assessments is not None:
        consultation.impact_assessments.set(list(impact_assessments))
    if strategy_actions is not None:
        consultation.strategy_actions.set(list(strategy_actions))
    record(
        action=AuditAction.CONSULTATION_CHANGED,
        by=by,
        target=consultation,
        detail={"what": "consultation", "created": created, "title": consultation.title},
    )
    return consultation


def _questions_fixed(consultation: Consultation) -> bool:
    return consultation.responses.exists()


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    cleaned = [c.strip() for c in choices if c and c.strip()]
    if kind in CHOICE_KINDS:
        if len(cleaned) < 2:
            raise ValidationError({"choices": "Give at least two choices, one on each line"})
        if len({c.casefold() for c in cleaned}) != len(cleaned):
            raise ValidationError({"choices": "Each choice must be different"})
        return cleaned
    return []


@transaction.atomic
def save_question(
    *,
    by: User | None,
    consultation: Consultation,
    question: Question | None = None,
    kind: str,
    text: str,
    hint: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    order: int | None = None,
) -> Question:
    if _questions_fixed(consultation):
        raise ConsultationError("Questions cannot change once responses have been received")
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Choose the kind of question"})
    created = question is None
    if question is None:
        last = consultation.questions.order_by("-order").values_list("order", flat=True).first()
        question = Question(consultation=consultation, order=(last or 0) + 1)
    if order is not None:
        question.order = order
    question.kind = kind
    question.text = text.strip()
    question.hint = hint.strip()
    question.choices = _clean_choices(kind, choices)
    question.required = required
    question.full_clean()
    question.save()
    record(
        action=AuditAction.CONSULTATION_CHANGED,
        by=by,
        target=consultation,
        detail={"what": "question", "created": created, "question": question.pk, "kind": kind},
    )
    return question


@transaction.atomic
def delete_question(*, by: User | None, question: Question) -> None:
    consultation = question.consultation
    if _questions_fixed(consultation):
        raise ConsultationError("Questions cannot change once responses have been received")
    pk = question.pk
    question.delete()
    record(
        action=AuditAction.CONSULTATION_CHANGED,
        by=by,
        target=consultation,
        detail={"what": "question", "deleted": pk},
    )


def _set_status(by: User | None, consultation: Consultation, status: Status, **extra: Any) -> None:
    before = consultation.status
    consultation.status = status
    consultation.save(update_fields=["status", "updated_at"])
    record(
        action=AuditAction.CONSULTATION_CHANGED,
        by=by,
        target=consultation,
        detail={"what": "status", "from": before, "to": str(status), **extra},
    )


@transaction.atomic
def open_consultation(*, by: User | None, consultation: Consultation) -> Consultation:
    """Start taking responses (a draft, or a closed one whose deadline was extended)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (Status.DRAFT, Status.CLOSED):
        raise ConsultationError("Only a draft or closed consultation can be opened")
    if not consultation.questions.exists():
        raise ConsultationError("Add at least one question before opening the consultation")
    if consultation.closes_on < timezone.localdate():
        raise ConsultationError("The closing date has passed: change it before opening")
    _set_status(by, consultation, Status.OPEN)
    return consultation


@transaction.atomic
def close_consultation(*, by: User | None, consultation: Consultation) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.OPEN:
        raise ConsultationError("Only an open consultation can be closed")
    _set_status(by, consultation, Status.CLOSED)
    return consultation


# --- Responses --------------------------------------------------------------------------------


def clean_answers(consultation: Consultation, raw: Mapping[int, Any]) -> dict[int, Any]:
    """Check answers keyed by question id; returns cleaned values or raises ValidationError.

    Free text: a string; single choice: one of the choices; multiple choice: a
    list of choices; rating: an integer 1-5. Unanswered optional questions are left out.
    """
    errors: dict[str, str] = {}
    cleaned: dict[int, Any] = {}
    for q in consultation.questions.all():
        value = raw.get(q.pk)
        empty = value in (None, "", [], ())
        if empty:
            if q.required:
                errors[q.field_name] = f"Answer the question: {q.text}"
            continue
        if q.kind == QuestionKind.FREE_TEXT:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors[q.field_name] = f"Your answer must be {MAX_TEXT} characters or fewer"
            elif text:
                cleaned[q.pk] = text
            elif q.required:
                errors[q.field_name] = f"Answer the question: {q.text}"
        elif q.kind == QuestionKind.SINGLE_CHOICE:
            if value not in q.choices:
                errors[q.field_name] = "Choose one of the answers given"
            else:
                cleaned[q.pk] = value
        elif q.kind == QuestionKind.MULTIPLE_CHOICE:
            values = [value] if isinstance(value, str) else list(value or [])
            if any(v not in q.choices for v in values):
                errors[q.field_name] = "Choose from the answers given"
            else:
                cleaned[q.pk] = [c for c in q.choices if c in values]
        else:
            try:
                rating = int(str(value))
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                errors[q.field_name] = "Choose a rating from 1 to 5"
            else:
                cleaned[q.pk] = rating
    unknown = set(raw) - set(consultation.questions.values_list("pk", flat=True))
    if unknown:
        errors["answers"] = "Some answers are for questions this consultation does not ask"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_contact(wants_feedback: bool, name: str, email: str) -> tuple[str, str]:
    if not wants_feedback:
        return "", ""  # nothing kept unless they asked to be told
    email = email.strip()
    if not email:
        raise ValidationError({"email": "Enter your email address so we can tell you"})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the correct format, like name@example.com"}
        ) from None
    return name.strip()[:200], email


@transaction.atomic
def record_response(
    *,
    by: User | None,
    consultation: Consultation,
    channel: str,
    answers: Mapping[int, Any],
    wants_feedback: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    received_at: dt.datetime | None = None,
    event_name: str = "",
    is_synthetic: bool = False,
) -> Response:
    """Store one response. Online responses need the consultation open; staff may enter
    paper and event responses while it is open or closed (post arrives late)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if channel not in Channel.values:
        raise ValidationError({"channel": "Choose how the response was received"})
    if channel == Channel.ONLINE:
        if consultation.status != Status.OPEN:
            raise ConsultationError("This consultation is not taking responses")
    elif consultation.status not in (Status.OPEN, Status.CLOSED):
        raise ConsultationError("Responses can be entered only while open or before answering")
    cleaned = clean_answers(consultation, answers)
    if not cleaned:
        raise ValidationError({"answers": "Answer at least one question"})
    name, email = _clean_contact(wants_feedback, contact_name, contact_email)
    response = Response.objects.create(
        consultation=consultation,
        reference=new_reference("CR"),
        channel=channel,
        received_at=received_at or timezone.now(),
        entered_by=by if channel != Channel.ONLINE else None,
        event_name=event_name.strip()[:200] if channel == Channel.EVENT else "",
        wants_feedback=bool(email),
        is_synthetic=is_synthetic,
    )
    questions = {q.pk: q for q in consultation.questions.all()}
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=questions[pk],
                text=value if questions[pk].kind == QuestionKind.FREE_TEXT else "",
                choices=(
                    [value]
                    if questions[pk].kind == QuestionKind.SINGLE_CHOICE
                    else value
                    if questions[pk].kind == QuestionKind.MULTIPLE_CHOICE
                    else []
                ),
                rating=value if questions[pk].kind == QuestionKind.RATING else None,
            )
            for pk, value in cleaned.items()
        ]
    )
    if email:
        ResponseContact.objects.create(response=response, name=name, email=email)
    record(
        action=AuditAction.CONSULTATION_RESPONSE_RECORDED,
        by=by,
        target=response,
        detail={
            "consultation": str(consultation.uuid),
            "channel": channel,
            "answers": len(cleaned),
            "wants_feedback": bool(email),
        },
    )
    return response


def is_rate_limited(hashed: str) -> bool:
    limit = settings.PUBLIC_REPORT_RATE_LIMIT
    if limit <= 0:
        return False
    since = timezone.now() - dt.timedelta(minutes=settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES)
    return (
        SubmissionLog.objects.filter(client_hash=hashed, submitted_at__gte=since).count() >= limit
    )


@transaction.atomic
def submit_online_response(
    *,
    consultation: Consultation,
    answers: Mapping[int, Any],
    client_address: str,
    wants_feedback: bool = False,
    contact_name: str = "",
    contact_email: str = "",
) -> Response:
    """A member of the public's response through the web form or the API (no account).

    Uses the public report form's limit (PUBLIC_REPORT_RATE_LIMIT per window per
    address); only a keyed hash of the address is kept, deleted after 30 days.
    """
    hashed = client_hash(client_address)
    if is_rate_limited(hashed):
        raise RateLimited
    response = record_response(
        by=None,
        consultation=consultation,
        channel=Channel.ONLINE,
        answers=answers,
        wants_feedback=wants_feedback,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    SubmissionLog.objects.create(client_hash=hashed, submitted_at=response.received_at)
    return response


# --- Themes and answers --------------------------------------------------------------------


def _themes_changed(by: User | None, consultation: Consultation, **detail: Any) -> None:
    record(
        action=AuditAction.CONSULTATION_THEMES_CHANGED,
        by=by,
        target=consultation,
        detail=detail,
    )


def _check_can_theme(consultation: Consultation) -> None:
    status = Consultation.objects.filter(pk=consultation.pk).values_list("status", flat=True)
    if status.first() == Status.DRAFT:
        raise ConsultationError("A draft consultation has no responses to theme")


@transaction.atomic
def save_theme(
    *,
    by: User | None,
    consultation: Consultation,
    theme: Theme | None = None,
    title: str,
    summary: str = "",
) -> Theme:
    _check_can_theme(consultation)
    created = theme is None
    theme = theme or Theme(consultation=consultation)
    theme.title = title.strip()
    theme.summary = summary.strip()
    clash = Theme.objects.filter(consultation=consultation, title__iexact=theme.title)
    if theme.pk:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"title": "There is already a theme with that title"})
    theme.full_clean()
    theme.save()
    _themes_changed(by, consultation, what="theme", created=created, theme=str(theme.uuid))
    return theme


@transaction.atomic
def tag_response(*, by: User | None, response: Response, themes: Iterable[Theme]) -> None:
    """Set the themes a response raises (replacing its earlier tags)."""
    chosen = list(themes)
    if any(t.consultation_id != response.consultation_id for t in chosen):
        raise ConsultationError("A theme from another consultation cannot be used")
    response.themes.set(chosen)
    _themes_changed(
        by,
        response.consultation,
        what="tags",
        response=response.reference,
        themes=[str(t.uuid) for t in chosen],
    )


@transaction.atomic
def merge_themes(*, by: User | None, keep: Theme, merge: Iterable[Theme]) -> Theme:
    """Move the responses of `merge` to `keep` and delete them.

    An answer already written for a merged theme moves to `keep` only if
    `keep` has none; otherwise it is dropped with the theme (the audit row
    says so). A published answer cannot be merged away.
    """
    others = [t for t in merge if t.pk != keep.pk]
    if not others:
        raise ValidationError({"merge": "Choose at least one other theme to merge"})
    if any(t.consultation_id != keep.consultation_id for t in others):
        raise ConsultationError("Themes from different consultations cannot be merged")
    published = ThemeAnswer.objects.filter(theme__in=others, published_at__isnull=False)
    if published.exists():
        raise ConsultationError("A theme whose answer is published cannot be merged away")
    dropped: list[str] = []
    for theme in others:
        keep.responses.add(*theme.responses.all())
        extra = f"{theme.title}: {theme.summary}".strip(": ")
        keep.summary = "\n".join(p for p in (keep.summary, extra) if p)
        answer = ThemeAnswer.objects.filter(theme=theme).first()
        if answer is not None:
            if not ThemeAnswer.objects.filter(theme=keep).exists():
                answer.theme = keep
                answer.save(update_fields=["theme"])
            else:
                dropped.append(theme.title)
        theme.delete()
    keep.save(update_fields=["summary"])
    _themes_changed(
        by,
        keep.consultation,
        what="merge",
        kept=str(keep.uuid),
        merged=[str(t.uuid) for t in others],
        answers_dropped=dropped,
    )
    return keep


@transaction.atomic
def save_answer(*, by: User | None, theme: Theme, we_did: str, outcome: str) -> ThemeAnswer:
    """Write or change the "you said, we did" answer to a theme.

    A change to an answer already published shows at once on the results page
    (it is public); contributors are told only about newly published answers.
    """
    _check_can_theme(theme.consultation)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose whether anything changed"})
    if not we_did.strip():
        raise ValidationError({"we_did": "Say what changed, or why nothing did"})
    answer = ThemeAnswer.objects.filter(theme=theme).first() or ThemeAnswer(theme=theme)
    created = answer.pk is None
    answer.we_did = we_did.strip()
    answer.outcome = outcome
    answer.written_by = by
    answer.save()
    _themes_changed(
        by,
        theme.consultation,
        what="answer",
        created=created,
        theme=str(theme.uuid),
        outcome=outcome,
        already_published=answer.published_at is not None,
    )
    return answer


@transaction.atomic
def publish_answers(
    *, by: User | None, consultation: Consultation, notify: bool = True
) -> AnswerPublication:
    """Publish every written, unpublished answer and tell contributors who asked.

    The consultation must be closed (or answered, to publish more). Emails are
    enqueued after the transaction commits, one per contributor's address
    (`cohesion.consultations.notify`); each is recorded, so never sent twice.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (Status.CLOSED, Status.ANSWERED):
        raise ConsultationError("Close the consultation before publishing answers")
    pending = ThemeAnswer.objects.filter(theme__consultation=consultation, published_at=None)
    count = pending.count()
    if not count:
        raise ConsultationError("There are no new answers to publish")
    now = timezone.now()
    pending.update(published_at=now)
    publication = AnswerPublication.objects.create(
        consultation=consultation, published_at=now, published_by=by, themes_answered=count
    )
    before = consultation.status
    consultation.status = Status.ANSWERED
    consultation.answers_published_at = now
    consultation.save(update_fields=["status", "answers_published_at", "updated_at"])
    record(
        action=AuditAction.CONSULTATION_ANSWERS_PUBLISHED,
        by=by,
        target=consultation,
        detail={"from": before, "answers": count, "publication": publication.pk},
    )
    if notify:
        from cohesion.consultations.notify import enqueue_feedback

        transaction.on_commit(partial(enqueue_feedback, publication.pk))
    return publication
