"""Consultation pages and API: the public form (keeps what was typed, honeypot, no
account), published results with exact disclosure-controlled figures, staff pages
for the right council only (404 elsewhere), audited views of contact details, and
the demo loader."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cohesion.accounts.demo import load_accounts
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.consultations import actions
from cohesion.consultations.demo import load_consultations
from cohesion.consultations.models import (
    Consultation,
    FeedbackNotification,
    QuestionKind,
    Response,
    ResponseContact,
    Status,
)
from cohesion.consultations.results import results_for, results_json
from cohesion.demo.registry import DemoContext
from tests.integration.consultation_records import answer, make_consultation, questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(derby, derby_council, olu):
    return make_consultation(derby, derby_council, olu)


def _form_data(consultation, **extra):
    q = questions(consultation)
    data = {q[QuestionKind.SINGLE_CHOICE].field_name: "Fairly well"}
    data.update(
        {k.format(**{kind.name: q[kind].field_name for kind in q}): v for k, v in extra.items()}
    )
    return data


def test_the_public_list_and_page_show_open_consultations_but_not_drafts(
    client, consultation, derby, derby_council
):
    draft = make_consultation(derby, derby_council, open_it=False)
    page = client.get(reverse("consultations-list")).content.decode()
    assert consultation.title in page
    assert str(draft.uuid) not in page
    detail = client.get(reverse("consultations-detail", args=[consultation.uuid])).content.decode()
    assert "Easy read" in detail and "Polish" in detail and "Call 01332 000000" in detail
    assert client.get(reverse("consultations-detail", args=[draft.uuid])).status_code == 404


def test_a_respondent_answers_without_an_account_and_is_thanked(client, consultation):
    q = questions(consultation)
    response = client.post(
        reverse("consultations-respond", args=[consultation.uuid]),
        {
            q[QuestionKind.SINGLE_CHOICE].field_name: "Fairly well",
            q[QuestionKind.MULTIPLE_CHOICE].field_name: ["Youth", "Centres"],
            q[QuestionKind.RATING].field_name: "4",
            q[QuestionKind.FREE_TEXT].field_name: "Open at weekends",
            "wants_feedback": "on",
            "name": "Amira",
            "email": "amira@example.org",
        },
    )
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.channel == "online" and stored.wants_feedback
    assert stored.contact.email == "amira@example.org"
    assert {a.question.kind: (a.text, a.choices, a.rating) for a in stored.answers.all()} == {
        "single_choice": ("", ["Fairly well"], None),
        "multiple_choice": ("", ["Youth", "Centres"], None),
        "rating": ("", [], 4),
        "free_text": ("Open at weekends", [], None),
    }
    thanks = client.get(response["Location"]).content.decode()
    assert stored.reference in thanks
    assert "We will email you once" in thanks


def test_bad_input_keeps_what_was_typed(client, consultation):
    q = questions(consultation)
    page = client.post(
        reverse("consultations-respond", args=[consultation.uuid]),
        {
            q[QuestionKind.MULTIPLE_CHOICE].field_name: ["Reporting"],
            q[QuestionKind.FREE_TEXT].field_name: "My words stay here",
            "wants_feedback": "on",
            "name": "Ben",
            "email": "not-an-email",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert "Answer the question: How well do people get on?" in html
    assert "Enter an email address in the correct format" in html
    assert "My words stay here" in html
    assert 'value="Ben"' in html and 'value="not-an-email"' in html
    assert (
        f'value="Reporting" id="id_{q[QuestionKind.MULTIPLE_CHOICE].field_name}_1" class="govuk-checkboxes__input" checked'
        in html
    )
    assert not Response.objects.exists()


def test_ticking_tell_me_without_an_email_is_an_error(client, consultation):
    page = client.post(
        reverse("consultations-respond", args=[consultation.uuid]),
        {**_form_data(consultation), "wants_feedback": "on"},
    )
    assert "Enter your email address so we can tell you what happened" in page.content.decode()
    assert not Response.objects.exists()


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client, consultation):
    page = client.post(
        reverse("consultations-respond", args=[consultation.uuid]),
        {**_form_data(consultation), "website": "http://spam.example"},
    )
    assert page.status_code == 302
    assert not Response.objects.exists()


def test_a_closed_consultation_refuses_responses(client, consultation, olu):
    actions.close_consultation(by=olu, consultation=consultation)
    page = client.post(
        reverse("consultations-respond", args=[consultation.uuid]), _form_data(consultation)
    )
    assert page.status_code == 410
    assert not Response.objects.exists()


def _respond_many(consultation, olu, figures):
    """figures: list of (single choice, multiple choices, rating) per respondent."""
    for single, multiple, rating in figures:
        actions.record_response(
            by=None,
            consultation=consultation,
            channel="online",
            answers=answer(consultation, single=single, multiple=multiple, rating=rating),
        )


def test_results_are_published_with_disclosure_control(client, consultation, olu):
    # 23 people: 14 "Very well", 6 "Fairly well", 3 "Not well".
    figures = (
        [("Very well", ["Youth", "Centres"], 5)] * 14
        + [("Fairly well", ["Youth"], 4)] * 6
        + [("Not well", ["Reporting"], 1)] * 3
    )
    _respond_many(consultation, olu, figures)
    actions.close_consultation(by=olu, consultation=consultation)
    theme = actions.save_theme(
        by=olu, consultation=consultation, title="Youth", summary="More for youth"
    )
    for r in Response.objects.all()[:12]:
        actions.tag_response(by=olu, response=r, themes=[theme])
    actions.save_answer(by=olu, theme=theme, we_did="Two new youth clubs.", outcome="changed")
    actions.publish_answers(by=olu, consultation=consultation, notify=False)

    data = results_json(results_for(Consultation.objects.get(pk=consultation.pk)))
    by_text = {q["text"]: q for q in data["questions"]}
    single = by_text["How well do people get on?"]
    # 14 -> 15; 6 and 3 hidden (primary); 23 answered -> 25.
    assert [c["count"] for c in single["counts"]] == [15, "c", "c"]
    assert single["answered"] == 25
    multiple = by_text["Which priorities?"]
    # Youth 20 -> 20, Reporting 3 -> c, Centres 14 -> 15; hiding Reporting alone would
    # let it be worked out from the 23 who answered, so the smallest other count goes too.
    assert [c["count"] for c in multiple["counts"]] == [20, "c", "c"]
    rating = by_text["Rate the centre"]
    assert [c["count"] for c in rating["counts"]] == ["c", 0, 0, "c", 15]
    assert rating["average"] is None  # a count behind it is hidden
    assert data["responses"] == 25
    assert data["by_channel"] == [
        {"label": "Online", "count": 25},
        {"label": "At an event", "count": 0},
        {"label": "Paper form", "count": 0},
    ]
    assert data["themes"][0]["responses"] == 10  # 12 rounded to 10
    assert data["themes"][0]["we_did"] == "Two new youth clubs."

    page = client.get(reverse("consultations-results", args=[consultation.uuid])).content.decode()
    assert "You said, we did" in page and "Two new youth clubs." in page
    assert "shown as &quot;c&quot;" in page or 'shown as "c"' in page
    api = client.get(f"/api/v1/consultations/{consultation.uuid}/results").json()
    assert api["questions"][0]["counts"][0]["count"] == 15


def test_a_rating_average_is_shown_when_nothing_is_hidden(consultation, olu):
    _respond_many(
        consultation, olu, [("Very well", ["Youth"], 4)] * 15 + [("Very well", ["Youth"], 5)] * 10
    )
    rating = next(q for q in results_for(consultation).questions if q.question.kind == "rating")
    assert [r.value for r in rating.rows] == [0, 0, 0, 15, 10]
    assert rating.average == 4.4


def test_results_are_not_public_before_answers_are_published(client, consultation):
    assert client.get(reverse("consultations-results", args=[consultation.uuid])).status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.uuid}/results").status_code == 404


STAFF_PAGES: list[tuple[str, list[str]]] = [
    ("consultations-manage-detail", []),
    ("consultations-edit", []),
    ("consultations-responses", []),
    ("consultations-response-new", []),
    ("consultations-themes", []),
]


@pytest.mark.parametrize(("name", "extra"), STAFF_PAGES)
def test_staff_pages_are_404_for_another_council_and_for_roles_without_permission(
    client, consultation, sam, vic, pat, olu, name, extra
):
    url = reverse(name, args=[consultation.uuid, *extra])
    missing = reverse(name, args=[uuid.uuid4(), *extra])
    client.force_login(olu)
    assert client.get(url).status_code == 200
    for person in (sam, vic, pat):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.get(missing).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_an_analyst_may_view_and_manage_but_another_council_sees_nothing_in_the_list(
    client, consultation, sam, olu
):
    client.force_login(sam)
    assert consultation.title not in client.get(reverse("consultations-manage")).content.decode()
    client.force_login(olu)
    assert consultation.title in client.get(reverse("consultations-manage")).content.decode()


def test_viewing_a_response_with_contact_details_is_audited(client, consultation, olu):
    response = actions.record_response(
        by=None,
        consultation=consultation,
        channel="online",
        answers=answer(consultation),
        wants_feedback=True,
        contact_email="amira@example.org",
    )
    client.force_login(olu)
    page = client.get(
        reverse("consultations-response-detail", args=[consultation.uuid, response.uuid])
    )
    assert "amira@example.org" in page.content.decode()
    row = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert row.target_id == str(response.uuid)
    assert "email" in row.detail["viewed"]


def test_staff_create_a_consultation_add_questions_open_it_and_enter_paper(client, derby, olu):
    client.force_login(olu)
    bad = client.post(
        reverse("consultations-new"), {"title": "Parks (test)", "channels": ["online"]}
    )
    assert "Parks (test)" in bad.content.decode() and "govuk-error-summary" in bad.content.decode()
    created = client.post(
        reverse("consultations-new"),
        {
            "title": "Parks (test)",
            "subject": "Parks",
            "audience": "All",
            "council": derby.pk,
            "organisation": olu.organisation_id,
            "opens_on": "2026-01-01",
            "closes_on": "2099-01-01",
            "channels": ["online", "paper"],
            "accessible_formats": ["large_print"],
            "languages": "Polish\nUrdu",
        },
    )
    consultation = Consultation.objects.get(title="Parks (test)")
    assert created["Location"] == reverse("consultations-manage-detail", args=[consultation.uuid])
    assert consultation.languages == ["Polish", "Urdu"]
    no_choices = client.post(
        reverse("consultations-question-new", args=[consultation.uuid]),
        {"text": "Which park?", "kind": "single_choice", "choices": "Only one"},
    )
    assert "Give at least two choices" in no_choices.content.decode()
    client.post(
        reverse("consultations-question-new", args=[consultation.uuid]),
        {
            "text": "Which park?",
            "kind": "single_choice",
            "choices": "North\nSouth",
            "required": "on",
        },
    )
    client.post(reverse("consultations-status", args=[consultation.uuid, "open"]))
    assert Consultation.objects.get(pk=consultation.pk).status == Status.OPEN
    q = consultation.questions.get()
    entered = client.post(
        reverse("consultations-response-new", args=[consultation.uuid]),
        {
            "channel": "event",
            "event_name": "Park day",
            "received_on": "2026-01-05",
            q.field_name: "North",
        },
    )
    assert entered.status_code == 302
    response = Response.objects.get()
    assert (
        response.channel == "event"
        and response.entered_by == olu
        and response.event_name == "Park day"
    )


def test_theming_and_publishing_through_the_pages(client, consultation, olu):
    response = actions.record_response(
        by=None,
        consultation=consultation,
        channel="online",
        answers=answer(consultation, text="More youth clubs"),
        wants_feedback=True,
        contact_email="amira@example.org",
    )
    actions.close_consultation(by=olu, consultation=consultation)
    client.force_login(olu)
    themes_url = reverse("consultations-themes", args=[consultation.uuid])
    client.post(themes_url, {"add": "1", "title": "Youth", "summary": "More for youth"})
    theme = consultation.themes.get()
    client.post(
        reverse("consultations-response-detail", args=[consultation.uuid, response.uuid]),
        {"themes": [theme.pk]},
    )
    assert list(response.themes.all()) == [theme]
    theme_url = reverse("consultations-theme", args=[consultation.uuid, theme.uuid])
    missing = client.post(theme_url, {"save_answer": "1", "we_did": "Typed words"})
    assert "Choose whether anything changed" in missing.content.decode()
    assert "Typed words" in missing.content.decode()
    client.post(theme_url, {"save_answer": "1", "we_did": "Two clubs.", "outcome": "changed"})
    client.post(reverse("consultations-publish", args=[consultation.uuid]))
    assert Consultation.objects.get(pk=consultation.pk).status == Status.ANSWERED
    assert client.get(reverse("consultations-results", args=[consultation.uuid])).status_code == 200


def test_the_api_lists_public_consultations_and_takes_a_response(
    client, consultation, derby, derby_council
):
    make_consultation(derby, derby_council, open_it=False)
    listed = client.get("/api/v1/consultations/").json()
    assert [c["uuid"] for c in listed] == [str(consultation.uuid)]
    q = questions(consultation)
    made = client.post(
        f"/api/v1/consultations/{consultation.uuid}/responses",
        {
            "answers": {
                str(q[QuestionKind.SINGLE_CHOICE].pk): "Very well",
                str(q[QuestionKind.RATING].pk): 3,
            }
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["reference"].startswith("CR-")
    bad = client.post(
        f"/api/v1/consultations/{consultation.uuid}/responses",
        {"answers": {str(q[QuestionKind.RATING].pk): 9}},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_staff_api_uses_the_same_permissions(client, consultation, olu, sam):
    client.force_login(sam)
    assert (
        client.get(f"/api/v1/consultations/manage/{consultation.uuid}/responses").status_code == 404
    )
    assert (
        client.post(f"/api/v1/consultations/manage/{consultation.uuid}/status/close").status_code
        == 404
    )
    client.force_login(olu)
    assert client.get(f"/api/v1/consultations/manage/{consultation.uuid}/responses").json() == []
    closed = client.post(f"/api/v1/consultations/manage/{consultation.uuid}/status/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = client.post(f"/api/v1/consultations/manage/{consultation.uuid}/status/close")
    assert again.status_code == 409


def test_the_demo_loads_a_closed_answered_sheffield_and_an_open_derby_consultation(geography):
    context = DemoContext()
    load_accounts(context)
    lines = load_consultations(context)
    assert "60 responses" in lines[0]
    sheffield = Consultation.objects.get(council__code="E08000019")
    derby = Consultation.objects.get(council__code="E06000015")
    assert sheffield.status == Status.ANSWERED and derby.status == Status.OPEN
    assert sheffield.is_synthetic and "(demo)" in sheffield.title
    assert set(sheffield.responses.values_list("channel", flat=True)) == {
        "online",
        "event",
        "paper",
    }
    assert sheffield.themes.filter(answer__published_at__isnull=False).count() == 5
    assert not sheffield.responses.filter(themes=None).exists()
    assert ResponseContact.objects.filter(response__consultation=sheffield).exists()
    assert FeedbackNotification.objects.count() == 0  # emails go when the worker runs
    assert load_consultations(DemoContext()) == ["already loaded"]
