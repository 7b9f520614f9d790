"""The question bank as data: read and check a JSON file, install it, export it, find the current one.

A bank file looks like `questions/east-midlands-2009.json`, the default that
ships (the seed toolkit's own wording)::

    {"title": "...", "source": "...",
     "principles": [{"number": 1, "title": "...", "summary": "", "expects_consultation": false,
                     "questions": [{"code": "i", "text": "...", "guidance": "..."}],
                     "suggested_actions": ["...", "..."]}]}

Loading never changes a bank: it adds a new version (a draft unless asked to
publish), so answers already given keep the wording they answered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Max, Q

from cohesion.accounts.models import Organisation
from cohesion.impact.models import Principle, Question, QuestionBank, SuggestedAction

DEFAULT_BANK_FILE = Path(__file__).parent / "questions" / "east-midlands-2009.json"


class BankFileError(ValueError):
    """A bank file that cannot be loaded; the message says where and why, in plain words."""


@dataclass(frozen=True)
class BankQuestion:
    code: str
    text: str
    guidance: str


@dataclass(frozen=True)
class BankPrinciple:
    number: int
    title: str
    summary: str
    expects_consultation: bool
    questions: list[BankQuestion]
    suggested_actions: list[str]


@dataclass(frozen=True)
class BankData:
    title: str
    source: str
    principles: list[BankPrinciple]


def _text(value: Any, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BankFileError(f"{where}: enter some text")
    return value.strip()


def parse_bank(raw: str | bytes) -> BankData:
    """Check a bank file and return its contents; raise `BankFileError` naming the first fault."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BankFileError(f"The file is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise BankFileError("The file must hold one JSON object with title and principles")
    title = _text(data.get("title"), "title")
    source = _text(data.get("source"), "source", required=False)
    raw_principles = data.get("principles")
    if not isinstance(raw_principles, list) or not raw_principles:
        raise BankFileError("principles: give at least one principle")
    principles: list[BankPrinciple] = []
    numbers: set[int] = set()
    for index, p in enumerate(raw_principles, start=1):
        where = f"principle {index}"
        if not isinstance(p, dict):
            raise BankFileError(f"{where}: must be an object")
        number = p.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise BankFileError(f"{where}: number must be a whole number from 1")
        if number in numbers:
            raise BankFileError(f"{where}: number {number} is used twice")
        numbers.add(number)
        where = f"principle {number}"
        questions: list[BankQuestion] = []
        codes: set[str] = set()
        raw_questions = p.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            raise BankFileError(f"{where}: give at least one question")
        for q_index, q in enumerate(raw_questions, start=1):
            if not isinstance(q, dict):
                raise BankFileError(f"{where}, question {q_index}: must be an object")
            code = _text(q.get("code"), f"{where}, question {q_index} code")
            if len(code) > 10:
                raise BankFileError(
                    f"{where}, question {code}: code must be 10 characters or fewer"
                )
            if code in codes:
                raise BankFileError(f"{where}: question code {code!r} is used twice")
            codes.add(code)
            questions.append(
                BankQuestion(
                    code=code,
                    text=_text(q.get("text"), f"{where}, question {code} text"),
                    guidance=_text(q.get("guidance"), "guidance", required=False),
                )
            )
        actions = p.get("suggested_actions", [])
        if not isinstance(actions, list):
            raise BankFileError(f"{where}: suggested_actions must be a list of text")
        consultation = p.get("expects_consultation", False)
        if not isinstance(consultation, bool):
            raise BankFileError(f"{where}: expects_consultation must be true or false")
        title_text = _text(p.get("title"), f"{where} title")
        if len(title_text) > 300:
            raise BankFileError(f"{where} title: must be 300 characters or fewer")
        principles.append(
            BankPrinciple(
                number=number,
                title=title_text,
                summary=_text(p.get("summary"), "summary", required=False),
                expects_consultation=consultation,
                questions=questions,
                suggested_actions=[
                    _text(a, f"{where}, suggested action {i}") for i, a in enumerate(actions, 1)
                ],
            )
        )
    if len(title) > 200:
        raise BankFileError("title: must be 200 characters or fewer")
    return BankData(
        title=title, source=source, principles=sorted(principles, key=lambda p: p.number)
    )


def next_version(organisation: Organisation | None) -> int:
    banks = QuestionBank.objects.filter(
        Q(organisation=organisation) if organisation else Q(organisation__isnull=True)
    )
    return (banks.aggregate(m=Max("version"))["m"] or 0) + 1


def create_bank_rows(
    data: BankData, *, organisation: Organisation | None, version: int
) -> QuestionBank:
    """Write a bank and its principles, questions and suggested actions (a draft)."""
    bank = QuestionBank.objects.create(
        organisation=organisation, version=version, title=data.title, source=data.source
    )
    for p in data.principles:
        principle = Principle.objects.create(
            bank=bank,
            number=p.number,
            title=p.title,
            summary=p.summary,
            expects_consultation=p.expects_consultation,
        )
        Question.objects.bulk_create(
            Question(principle=principle, order=i, code=q.code, text=q.text, guidance=q.guidance)
            for i, q in enumerate(p.questions, start=1)
        )
        SuggestedAction.objects.bulk_create(
            SuggestedAction(principle=principle, order=i, text=text)
            for i, text in enumerate(p.suggested_actions, start=1)
        )
    return bank


def bank_as_data(bank: QuestionBank) -> dict[str, Any]:
    """The bank in the file format, so it can be downloaded, edited and loaded as a new version."""
    return {
        "title": bank.title,
        "source": bank.source,
        "principles": [
            {
                "number": p.number,
                "title": p.title,
                "summary": p.summary,
                "expects_consultation": p.expects_consultation,
                "questions": [
                    {"code": q.code, "text": q.text, "guidance": q.guidance}
                    for q in p.questions.all()
                ],
                "suggested_actions": [a.text for a in p.suggested_actions.all()],
            }
            for p in bank.principles.prefetch_related("questions", "suggested_actions")
        ],
    }


def bank_as_json(bank: QuestionBank) -> str:
    return json.dumps(bank_as_data(bank), indent=2, ensure_ascii=False) + "\n"


def install_default_bank() -> QuestionBank:
    """The shipped bank as default version 1, published; idempotent.

    Migration 0003 calls this, and so does `current_bank` when the tables have
    been emptied (a transactional test's flush), so there is always a bank.
    """
    from django.utils import timezone

    existing = QuestionBank.objects.filter(organisation__isnull=True, version=1).first()
    if existing is not None:
        return existing
    data = parse_bank(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))
    bank = create_bank_rows(data, organisation=None, version=1)
    bank.published_at = timezone.now()
    bank.save(update_fields=["published_at"])
    return bank


def current_bank(organisation: Organisation | None) -> QuestionBank:
    """The organisation's newest published bank, else the newest published default."""
    published = QuestionBank.objects.filter(published_at__isnull=False)
    if organisation is not None:
        own = published.filter(organisation=organisation).order_by("-version").first()
        if own is not None:
            return own
    default = published.filter(organisation__isnull=True).order_by("-version").first()
    return default or install_default_bank()


def banks_for(organisation: Organisation | None) -> Any:
    """Banks an organisation may use or adapt: its own and the defaults."""
    if organisation is None:
        return QuestionBank.objects.all()
    return QuestionBank.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
