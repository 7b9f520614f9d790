"""Questions are data: the seed's toolkit ships as the default; new versions without code."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.impact import actions
from cohesion.impact.bank import (
    BankFileError,
    bank_as_data,
    current_bank,
    install_default_bank,
    parse_bank,
)
from cohesion.impact.checks import run_checks
from cohesion.impact.models import Principle, Question, QuestionBank
from tests.integration.impact_records import (
    make_department,
    second_officer,
    signed_off,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_bank(db):
    """Browser tests flush the database, seeded bank included; put the default back."""
    install_default_bank()


@pytest.fixture
def tess(derby_council):
    return second_officer(derby_council)


@pytest.fixture
def libraries(derby_council, olu, tess):
    return make_department(derby_council, "Libraries", olu, tess)


def default():
    return QuestionBank.objects.get(organisation__isnull=True, version=1)


def test_the_default_bank_is_the_seed_toolkit_wording():
    bank = default()
    assert bank.is_published
    principles = list(bank.principles.all())
    assert [p.title for p in principles] == [
        "Understanding the needs of individuals, families, neighbourhoods and communities",
        "Recognising, planning for and responding to the changing demography of the East Midlands",
        "Recognising that social exclusion can affect anybody",
        "Understanding the specific barriers to participation faced by individuals and communities",
        "Involving individuals and communities from diverse backgrounds in planning services",
    ]
    assert [p.questions.count() for p in principles] == [2, 2, 3, 2, 3]
    assert [p.suggested_actions.count() for p in principles] == [3, 3, 3, 1, 3]
    assert [p.expects_consultation for p in principles] == [False] * 4 + [True]
    assert principles[2].questions.get(code="i").text == (
        "Are you thinking about ALL groups in the community?"
    )
    assert principles[4].suggested_actions.get(order=3).text == (
        "Consult through a range of media, e.g. the internet or the press."
    )
    assert "The demography of the East Midlands is changing." in (
        principles[1].questions.get(code="i").guidance
    )
    assert "Community & social cohesion in the East Midlands" in bank.source


def _modified_bank_file(tmp_path, **changes) -> str:
    data = bank_as_data(default())
    data["title"] = "Derby cohesion and equality questions"
    data["principles"][0]["questions"].append(
        {"code": "iii", "text": "Which wards does it affect most?", "guidance": ""}
    )
    data.update(changes)
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_load_questions_adds_a_version_that_new_assessments_use(
    tmp_path, olu, libraries, derby_council
):
    path = _modified_bank_file(tmp_path)
    out = StringIO()
    call_command("impact", "load-questions", path, "--organisation", derby_council.name, stdout=out)
    bank = QuestionBank.objects.get(organisation=derby_council)
    assert "version 1 of Derby City Council: 5 principles, 13 questions; a draft" in out.getvalue()
    assert not bank.is_published
    assert current_bank(derby_council) == default()  # a draft is not used
    actions.publish_question_bank(by=olu, bank=bank)
    assert current_bank(derby_council) == bank
    assert start(olu, libraries).bank == bank
    events = AuditEvent.objects.filter(action=AuditAction.QUESTION_BANK_CHANGED).order_by("id")
    assert [e.detail.get("published") for e in events] == [False, True]
    assert events[0].channel == "cli"


def test_a_revision_moves_to_the_new_bank_keeping_matching_answers(
    tmp_path, olu, tess, libraries, derby_council
):
    v1 = signed_off(olu, tess, start(olu, libraries))
    call_command(
        "impact",
        "load-questions",
        _modified_bank_file(tmp_path),
        "--organisation",
        derby_council.name,
        "--publish",
        stdout=StringIO(),
    )
    v2 = actions.revise_assessment(by=olu, assessment=v1)
    assert v2.bank.organisation == derby_council and v1.bank == default()
    assert v2.principle_answers.count() == 12  # all twelve carried over; the new one is blank
    assert v2.principle_answers.filter(question__principle__bank=v2.bank).count() == 12
    assert any(
        "Principle 1, question iii" in p.message for check in run_checks(v2) for p in check.problems
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "The file is not valid JSON"),
        ("[]", "must hold one JSON object"),
        ('{"title": "x", "principles": []}', "principles: give at least one principle"),
        (
            '{"title": "x", "principles": [{"number": 1, "title": "A", "questions": []}]}',
            "principle 1: give at least one question",
        ),
        (
            json.dumps(
                {
                    "title": "x",
                    "principles": [
                        {
                            "number": 1,
                            "title": "A",
                            "questions": [{"code": "i", "text": "Q"}, {"code": "i", "text": "R"}],
                        }
                    ],
                }
            ),
            "question code 'i' is used twice",
        ),
    ],
)
def test_a_bad_bank_file_is_refused_saying_where_and_why(tmp_path, content, message):
    with pytest.raises(BankFileError, match=message):
        parse_bank(content)
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("impact", "load-questions", str(path), stdout=StringIO())
    assert QuestionBank.objects.count() == 1


def test_export_questions_writes_the_bank_in_the_file_format(tmp_path):
    target = tmp_path / "out.json"
    call_command(
        "impact",
        "export-questions",
        "--bank-version",
        "1",
        "--output",
        str(target),
        stdout=StringIO(),
    )
    data = parse_bank(target.read_text(encoding="utf-8"))
    assert len(data.principles) == 5
    assert data.principles[4].expects_consultation is True


def test_a_published_bank_is_refused_by_the_database():
    bank = default()
    question = Question.objects.filter(principle__bank=bank).first()
    attempts = [
        lambda: Question.objects.filter(pk=question.pk).update(text="Reworded"),
        lambda: QuestionBank.objects.filter(pk=bank.pk).update(title="Renamed"),
        lambda: Principle.objects.create(bank=bank, number=6, title="Another"),
    ]
    for attempt in attempts:
        with (
            pytest.raises(IntegrityError, match="published question bank cannot be changed"),
            transaction.atomic(),
        ):
            attempt()


def test_the_question_bank_pages_upload_check_and_publish(client, olu, derby_council, tmp_path):
    client.force_login(olu)
    listing = client.get(reverse("impact-banks"))
    assert "New assessments use: Social inclusion and community cohesion toolkit" in listing.text
    bad = client.post(
        reverse("impact-bank-upload"),
        {"file": SimpleUploadedFile("bank.json", b"{oops", "application/json")},
    )
    assert bad.status_code == 200
    assert "The file is not valid JSON" in bad.text
    content = Path(_modified_bank_file(tmp_path)).read_bytes()
    response = client.post(
        reverse("impact-bank-upload"),
        {"file": SimpleUploadedFile("bank.json", content, "application/json")},
    )
    bank = QuestionBank.objects.get(organisation=derby_council)
    assert response["Location"] == reverse("impact-bank", args=[bank.uuid])
    page = client.get(response["Location"])
    assert "Which wards does it affect most?" in page.text and "Publish this version" in page.text
    client.post(reverse("impact-bank-publish", args=[bank.uuid]))
    assert QuestionBank.objects.get(pk=bank.pk).is_published
    download = client.get(reverse("impact-bank-download", args=[bank.uuid]))
    assert json.loads(download.content)["title"] == "Derby cohesion and equality questions"


def test_the_question_bank_pages_need_the_manage_right(client, vic, sam, derby_council, tmp_path):
    client.force_login(vic)
    assert client.get(reverse("impact-banks")).status_code == 404
    path = _modified_bank_file(tmp_path)
    call_command(
        "impact", "load-questions", path, "--organisation", derby_council.name, stdout=StringIO()
    )
    derby_bank = QuestionBank.objects.get(organisation=derby_council)
    client.force_login(sam)  # Sheffield's officer manages Sheffield's bank only
    assert client.get(reverse("impact-bank", args=[derby_bank.uuid])).status_code == 404
    assert client.post(reverse("impact-bank-publish", args=[derby_bank.uuid])).status_code == 404
