"""The public hate-incident report journey at /report/, as a member of the public uses it."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents import choices as c
from cohesion.incidents.models import ContactDetails, Incident, PublicSubmission
from cohesion.incidents.public import journey
from cohesion.incidents.public.submission import (
    RateLimited,
    SubmissionRejected,
    client_hash,
    submit_public_report,
)

NORMANTON = "E05015521"
DERBY = "E06000015"

pytestmark = pytest.mark.django_db

# (step slug, POST data) for a complete report, in order.
JOURNEY = [
    ("what-happened", {"narrative": "A man shouted abuse at me at the bus stop."}),
    ("when", {"day": "3", "month": "2", "year": "2025"}),
    ("where", {"place": NORMANTON, "place_description": "Bus stop near the park"}),
    ("why", {"strands": ["race", "religion"]}),
    ("what-they-did", {"incident_types": ["verbal_abuse"]}),
    ("who", {"reporter_role": "victim"}),
    (
        "about-them",
        {"victim_sex": "female", "victim_age_band": "25-34", "victim_ethnicity": "asian"},
    ),
    (
        "contact",
        {
            "consent_to_contact": "yes",
            "contact_name": "Amira",
            "contact_phone": "01632 960 001",
            "contact_email": "amira@example.org",
        },
    ),
    ("sharing", {"consent_to_share": ["police", "council"]}),
]


def step_url(slug: str) -> str:
    return f"/report/{slug}/"


def answer_all(client: Client, overrides: dict[str, dict] | None = None, skip=()) -> None:
    for slug, data in JOURNEY:
        if slug in skip:
            continue
        data = (overrides or {}).get(slug, data)
        response = client.post(step_url(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])


def journey_key(client: Client) -> str:
    return client.session[journey.SESSION_KEY]["key"]


def send(client: Client) -> object:
    return client.post(
        "/report/check-your-answers/", {"idempotency_key": journey_key(client), "website": ""}
    )


@pytest.fixture
def public(derby_council) -> Client:
    """A member of the public; Derby City Council receives reports about Derby."""
    return Client()


def test_start_page_explains_emergencies_and_anonymity(public):
    response = public.get("/report/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "call 999" in html
    assert "You do not have to give your name" in html
    assert 'href="/report/what-happened/"' in html


def test_full_journey_stores_exactly_one_incident(public, derby_council):
    answer_all(public)
    check = public.get("/report/check-your-answers/")
    html = check.content.decode()
    assert check.status_code == 200
    assert "A man shouted abuse at me at the bus stop." in html
    assert "3 February 2025" in html
    assert "Normanton" in html
    assert "Race, ethnicity or nationality" in html
    assert 'href="/report/when/?change=1"' in html

    response = send(public)
    assert response.status_code == 302
    assert response["Location"] == "/report/sent/"
    incident = Incident.objects.get()
    done = public.get("/report/sent/")
    assert incident.reference in done.content.decode()

    assert incident.organisation == derby_council
    assert incident.reporting_channel == c.ReportingChannel.WEB_FORM
    assert incident.status == c.Status.RECEIVED
    assert incident.audience == "organisation"
    assert incident.recorded_by is None
    assert incident.consent_recorded_by == "reporter (web form)"
    assert incident.consent_recorded_at is not None
    assert incident.occurred_on == dt.date(2025, 2, 3)
    assert incident.council.code == DERBY
    assert incident.ward.code == NORMANTON
    assert incident.location_precision == c.Precision.WARD
    assert incident.display_precision == c.Precision.WARD
    assert incident.location_description == "Bus stop near the park"
    assert sorted(incident.strands.values_list("code", flat=True)) == ["race", "religion"]
    assert list(incident.incident_types.values_list("code", flat=True)) == ["verbal_abuse"]
    assert incident.strand_basis == c.StrandBasis.VICTIM_PERCEPTION
    assert incident.reporter_role == c.ReporterRole.VICTIM
    assert (incident.victim_sex, incident.victim_age_band, incident.victim_ethnicity) == (
        "female",
        "25-34",
        "asian",
    )
    assert incident.consent_to_contact is True
    assert incident.consent_to_share == ["police", "council"]
    assert incident.contact.phone == "01632 960 001"
    assert incident.contact.email == "amira@example.org"
    assert PublicSubmission.objects.get().incident == incident
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_REPORTED)
    assert event.actor_username == "public"
    assert event.target_label == incident.reference
    # The journey is over: its answers are gone from the session.
    assert journey.SESSION_KEY not in public.session


def test_contact_details_are_encrypted_in_the_database(public):
    answer_all(public)
    send(public)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, email FROM incidents_contactdetails")
        raw = cursor.fetchone()
    assert raw is not None
    joined = " ".join(str(v) for v in raw)
    for clear in ("Amira", "01632 960 001", "amira@example.org", "960"):
        assert clear not in joined


def test_no_contact_details_without_consent(public):
    answer_all(public, {"contact": {"consent_to_contact": "no", "contact_phone": "01632 960 001"}})
    send(public)
    incident = Incident.objects.get()
    assert incident.consent_to_contact is False
    assert not ContactDetails.objects.exists()


def test_anonymous_reporter_skips_the_contact_question(public):
    answer_all(public, {"who": {"reporter_role": "anonymous"}}, skip=("contact",))
    # The contact page does not apply and sends the person on.
    response = public.get(step_url("contact"))
    assert response.status_code == 302
    check = public.get("/report/check-your-answers/").content.decode()
    assert "Can we contact you" not in check
    send(public)
    incident = Incident.objects.get()
    assert incident.reporter_role == "anonymous"
    assert incident.consent_to_contact is False
    assert incident.strand_basis == c.StrandBasis.OTHER_PERSON_PERCEPTION
    assert not ContactDetails.objects.exists()


def test_demographics_can_be_skipped(public):
    answer_all(public, skip=("about-them", "contact", "sharing"))
    response = public.post(step_url("about-them"), {"skip": "1", "victim_sex": "male"})
    assert response["Location"] == step_url("contact")
    answer_all(public, skip=[slug for slug, _ in JOURNEY if slug not in ("contact", "sharing")])
    check = public.get("/report/check-your-answers/").content.decode()
    assert "Not given" in check
    send(public)
    incident = Incident.objects.get()
    assert incident.victim_sex == c.Sex.NOT_KNOWN
    assert incident.victim_age_band == c.AgeBand.NOT_KNOWN


def test_not_sure_why_and_do_not_share(public):
    answer_all(
        public,
        {"why": {"strands": ["not_sure"]}, "sharing": {"consent_to_share": ["none"]}},
    )
    send(public)
    incident = Incident.objects.get()
    assert incident.strands.count() == 0
    assert incident.consent_to_share == []


def test_somewhere_in_the_council_is_stored_at_council_precision(public):
    answer_all(public, {"where": {"place": DERBY, "place_description": ""}})
    send(public)
    incident = Incident.objects.get()
    assert incident.ward is None
    assert incident.council.code == DERBY
    assert incident.location_precision == c.Precision.LOCAL_AUTHORITY
    assert incident.display_precision == c.Precision.LOCAL_AUTHORITY


def test_a_point_on_the_map_is_resolved_to_its_ward(public, geography):
    from cohesion.areas.models import Area

    normanton = Area.objects.get(code=NORMANTON)
    lat, lon = normanton.point_lat, normanton.point_lon
    answer_all(public, {"where": {"place": "", "latitude": str(lat), "longitude": str(lon)}})
    send(public)
    incident = Incident.objects.get()
    assert incident.ward.code == NORMANTON
    assert incident.lsoa is not None
    assert incident.location_precision == c.Precision.EXACT
    assert incident.display_precision == c.Precision.WARD
    assert (incident.latitude, incident.longitude) == (lat, lon)


def test_only_councils_with_a_council_organisation_are_offered(public):
    html = public.get(step_url("where")).content.decode()
    assert "Normanton" not in html  # earlier steps are not answered yet: redirected
    answer_all(public, skip=[slug for slug, _ in JOURNEY[2:]])
    html = public.get(step_url("where")).content.decode()
    assert "Somewhere in Derby, not sure where" in html
    assert "Normanton" in html
    assert "Sheffield" not in html  # no Sheffield council organisation in this test
    response = public.post(step_url("where"), {"place": "E05010863"})  # a Sheffield ward
    assert response.status_code == 200
    assert "Choose an area from the list" in response.content.decode()


# --- Bad input on every step: a clear error in the summary, what was typed kept --------


def _error_page(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert "<title>Error:" in html
    return html


def _reach(client: Client, slug: str) -> None:
    answer_all(client, skip=[s for s, _ in JOURNEY[[s for s, _ in JOURNEY].index(slug) :]])


def test_narrative_errors(public):
    html = _error_page(public.post(step_url("what-happened"), {"narrative": "   "}))
    assert "Tell us what happened" in html
    long_text = "x" * 5001
    html = _error_page(public.post(step_url("what-happened"), {"narrative": long_text}))
    assert "5,000 characters or fewer" in html
    assert long_text in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "month": "", "year": ""}, "Enter the date it happened"),
        ({"day": "3", "month": "", "year": "2025"}, "must include a month"),
        ({"day": "31", "month": "2", "year": "2025"}, "must be a real date"),
        ({"day": "x", "month": "2", "year": "2025"}, "must be a real date"),
        ({"day": "3", "month": "2", "year": "25"}, "Year must include 4 numbers"),
    ],
)
def test_date_errors(public, data, message):
    _reach(public, "when")
    html = _error_page(public.post(step_url("when"), data))
    assert message in html
    for part in ("day", "month", "year"):
        assert f'name="{part}" type="text" inputmode="numeric" value="{data[part]}"' in html


def test_date_in_the_future_is_refused(public):
    _reach(public, "when")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {"day": str(tomorrow.day), "month": str(tomorrow.month), "year": str(tomorrow.year)}
    html = _error_page(public.post(step_url("when"), data))
    assert "must be today or in the past" in html
    assert 'href="#id_day"' in html


def test_where_errors(public):
    _reach(public, "where")
    html = _error_page(
        public.post(step_url("where"), {"place": "", "place_description": "By the shop"})
    )
    assert "Choose the area where it happened" in html
    assert "By the shop" in html
    html = _error_page(
        public.post(step_url("where"), {"place": NORMANTON, "place_description": "12 Rd, DE23 6AB"})
    )
    assert "Remove the postcode" in html
    assert "12 Rd, DE23 6AB" in html
    assert f'<option value="{NORMANTON}" selected>' in html
    # A map point outside the councils covered.
    html = _error_page(
        public.post(step_url("where"), {"place": "", "latitude": "51.5", "longitude": "-0.12"})
    )
    assert "outside the areas this form covers" in html


def test_strand_errors(public):
    _reach(public, "why")
    html = _error_page(public.post(step_url("why"), {}))
    assert "Select why you think it happened" in html
    html = _error_page(public.post(step_url("why"), {"strands": ["race", "not_sure"]}))
    assert "not both" in html
    assert 'value="race" checked' in html
    html = _error_page(public.post(step_url("why"), {"strands": ["made_up"]}))
    assert "Select from the list" in html


def test_incident_type_error(public):
    _reach(public, "what-they-did")
    html = _error_page(public.post(step_url("what-they-did"), {}))
    assert "Select what they did" in html


def test_who_error(public):
    _reach(public, "who")
    html = _error_page(public.post(step_url("who"), {}))
    assert "Select who is making this report" in html


def test_about_error(public):
    _reach(public, "about-them")
    html = _error_page(
        public.post(step_url("about-them"), {"victim_sex": "robot", "victim_age_band": "25-34"})
    )
    assert "Select from the list" in html
    assert 'value="25-34" checked' in html


def test_contact_errors(public):
    _reach(public, "contact")
    html = _error_page(public.post(step_url("contact"), {}))
    assert "Select yes if we can contact you" in html
    html = _error_page(
        public.post(step_url("contact"), {"consent_to_contact": "yes", "contact_name": "Sam"})
    )
    assert "Enter a phone number or an email address" in html
    assert 'value="Sam"' in html
    html = _error_page(
        public.post(
            step_url("contact"),
            {"consent_to_contact": "yes", "contact_email": "not-an-email", "contact_phone": "12"},
        )
    )
    assert "Enter an email address, like name@example.com" in html
    assert "Enter a phone number, like 01632 960 001" in html
    assert 'value="not-an-email"' in html


def test_sharing_errors(public):
    _reach(public, "sharing")
    html = _error_page(public.post(step_url("sharing"), {}))
    assert "Select who we can share your report with" in html
    html = _error_page(public.post(step_url("sharing"), {"consent_to_share": ["none", "police"]}))
    assert "not both" in html


def test_later_steps_redirect_to_the_first_unanswered(public):
    response = public.get(step_url("sharing"))
    assert response["Location"] == step_url("what-happened")
    public.post(step_url("what-happened"), {"narrative": "Something happened"})
    assert public.get(step_url("why"))["Location"] == step_url("when")
    assert public.get("/report/check-your-answers/")["Location"] == step_url("when")
    assert public.get("/report/sent/")["Location"] == "/report/"


def test_change_link_returns_to_check_answers(public):
    answer_all(public)
    page = public.get(step_url("when") + "?change=1").content.decode()
    assert 'href="/report/check-your-answers/"' in page  # the back link
    assert 'value="2025"' in page
    response = public.post(
        step_url("when") + "?change=1", {"day": "4", "month": "2", "year": "2025"}
    )
    assert response["Location"] == "/report/check-your-answers/"
    assert "4 February 2025" in public.get("/report/check-your-answers/").content.decode()


def test_changing_to_a_named_reporter_asks_the_contact_question(public):
    answer_all(public, {"who": {"reporter_role": "anonymous"}}, skip=("contact",))
    response = public.post(step_url("who") + "?change=1", {"reporter_role": "witness"})
    assert response["Location"] == step_url("contact")


# --- Once only, not too often, and not for bots ------------------------------------------


def test_double_submit_creates_one_record(public):
    answer_all(public)
    key = journey_key(public)
    first = send(public)
    second = public.post("/report/check-your-answers/", {"idempotency_key": key, "website": ""})
    assert first["Location"] == second["Location"] == "/report/sent/"
    assert Incident.objects.count() == 1
    assert PublicSubmission.objects.count() == 1


def test_retried_post_from_another_session_returns_the_same_report(public):
    answer_all(public)
    key = journey_key(public)
    send(public)
    reference = Incident.objects.get().reference
    retry = Client()
    response = retry.post("/report/check-your-answers/", {"idempotency_key": key})
    assert response["Location"] == "/report/sent/"
    assert reference in retry.get("/report/sent/").content.decode()
    assert Incident.objects.count() == 1


def _answers() -> dict:
    client = Client()
    answer_all(client)
    return journey.final_answers(client.session[journey.SESSION_KEY]["answers"])


def test_same_key_twice_returns_the_same_incident(derby_council):
    answers = _answers()
    key = uuid.uuid4()
    first = submit_public_report(
        answers, idempotency_key=key, client_address="1.2.3.4", language="en"
    )
    again = submit_public_report(
        answers, idempotency_key=key, client_address="1.2.3.4", language="en"
    )
    assert first.pk == again.pk
    assert Incident.objects.count() == 1


def test_a_submission_that_loses_the_race_returns_the_winners_incident(derby_council, monkeypatch):
    """Two requests with one key both find no earlier report; the second insert then fails."""
    from cohesion.incidents.public import submission

    answers = _answers()
    key = uuid.uuid4()
    winner = submit_public_report(
        answers, idempotency_key=key, client_address="1.2.3.4", language="en"
    )
    real = submission.existing_report
    calls = []

    def first_look_sees_nothing(k):
        calls.append(k)
        return None if len(calls) == 1 else real(k)

    monkeypatch.setattr(submission, "existing_report", first_look_sees_nothing)
    loser = submission.submit(answers, idempotency_key=key, client_address="1.2.3.4", language="en")
    assert len(calls) == 2  # looked, tried to insert, hit the unique key, looked again
    assert loser.created is False
    assert loser.incident.pk == winner.pk
    assert Incident.objects.count() == 1
    assert PublicSubmission.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_REPORTED).count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database locks whole tables"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_store_one_incident(derby_council, geography):
    answers = _answers()
    key = uuid.uuid4()
    results = []
    errors = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            incident = submit_public_report(
                answers, idempotency_key=key, client_address="1.2.3.4", language="en"
            )
            results.append(incident.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(results) == 4
    assert len(set(results)) == 1
    assert Incident.objects.count() == 1
    assert PublicSubmission.objects.count() == 1


def test_rate_limit_then_allowed_after_the_window(public, settings):
    settings.PUBLIC_REPORT_RATE_LIMIT = 2
    settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES = 60
    answers = _answers()
    for _ in range(2):
        submit_public_report(
            answers, idempotency_key=uuid.uuid4(), client_address="127.0.0.1", language="en"
        )
    answer_all(public)
    response = send(public)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Your report has not been sent yet" in html
    assert "101" in html
    assert Incident.objects.count() == 2
    # The answers are kept, so the person can send it later.
    assert public.get("/report/check-your-answers/").status_code == 200
    # Another address is not limited.
    with pytest.raises(RateLimited):
        submit_public_report(
            answers, idempotency_key=uuid.uuid4(), client_address="127.0.0.1", language="en"
        )
    submit_public_report(
        answers, idempotency_key=uuid.uuid4(), client_address="10.0.0.9", language="en"
    )
    # After the window the first address may report again.
    PublicSubmission.objects.filter(client_hash=client_hash("127.0.0.1")).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=61)
    )
    response = send(public)
    assert response["Location"] == "/report/sent/"
    assert Incident.objects.count() == 4


def test_rate_limit_zero_means_no_limit(settings, derby_council):
    settings.PUBLIC_REPORT_RATE_LIMIT = 0
    answers = _answers()
    for _ in range(3):
        submit_public_report(
            answers, idempotency_key=uuid.uuid4(), client_address="1.1.1.1", language="en"
        )
    assert Incident.objects.count() == 3


def test_client_address_is_stored_only_as_a_keyed_hash(public):
    answer_all(public)
    send(public)
    submission = PublicSubmission.objects.get()
    assert submission.client_hash == client_hash("127.0.0.1")
    assert "127.0.0.1" not in submission.client_hash


def test_honeypot_shows_confirmation_and_stores_nothing(public):
    answer_all(public)
    response = public.post(
        "/report/check-your-answers/",
        {"idempotency_key": journey_key(public), "website": "http://spam.example"},
    )
    assert response["Location"] == "/report/sent/"
    assert "Your reference number" in public.get("/report/sent/").content.decode()
    assert not Incident.objects.exists()
    assert not PublicSubmission.objects.exists()


def test_honeypot_on_the_first_step_also_stores_nothing(public):
    first = dict(JOURNEY[0][1], website="buy now")
    public.post(step_url("what-happened"), first)
    answer_all(public, skip=("what-happened",))
    send(public)
    assert not Incident.objects.exists()


def test_honeypot_is_hidden_from_people(public):
    html = public.get(step_url("what-happened")).content.decode()
    assert 'hidden aria-hidden="true"' in html
    assert 'tabindex="-1" autocomplete="off"' in html


# --- Polish --------------------------------------------------------------------------


def test_polish_from_the_browser_language(public):
    html = public.get("/report/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="pl"' in html
    assert "Zgłoś incydent motywowany nienawiścią" in html
    assert "Report a hate incident" not in html


def test_switching_language_to_polish_and_back(public):
    response = public.post("/i18n/setlang/", {"language": "pl", "next": "/report/"})
    assert response["Location"] == "/report/"
    html = public.get("/report/").content.decode()
    assert '<html lang="pl"' in html
    assert "Zgłoś incydent motywowany nienawiścią" in html
    public.post("/i18n/setlang/", {"language": "en-gb", "next": "/report/"})
    html = public.get("/report/").content.decode()
    assert '<html lang="en"' in html
    assert "Report a hate incident" in html


def test_polish_vocabulary_and_errors(public):
    public.post("/i18n/setlang/", {"language": "pl", "next": "/report/"})
    _reach(public, "why")
    html = public.post(step_url("why"), {}).content.decode()
    assert "Rasa, pochodzenie etniczne lub narodowość" in html
    assert "Wystąpił problem" in html
    public.post(step_url("why"), {"strands": ["race"]})
    public.post(step_url("what-they-did"), {"incident_types": ["verbal_abuse"]})
    html = public.get(step_url("who")).content.decode()
    assert "Przydarzyło się to mnie" in html


def test_a_report_erased_on_request_is_not_stored_again_when_replayed(derby_council):
    answers = _answers()
    key = uuid.uuid4()
    first = submit_public_report(
        answers, idempotency_key=key, client_address="1.2.3.4", language="en"
    )
    first.delete()  # erased by the data protection officer; the submission row stays a while
    with pytest.raises(SubmissionRejected):
        submit_public_report(answers, idempotency_key=key, client_address="1.2.3.4", language="en")
    assert Incident.objects.count() == 0
