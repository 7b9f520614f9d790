# ruff: noqa: F811  (pytest fixtures imported from test_grants_fixtures are redefined as arguments)
"""Grant pages and API: registration, the applicant's task list, staff screens,
permissions (another group or council gets 404) and bad input keeping what was typed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohesion.accounts.models import Organisation, Role, User
from cohesion.grants import actions
from cohesion.grants.models import Application, Status
from tests.integration.test_grants_fixtures import (  # noqa: F401 - fixtures
    ana,
    call,
    complete,
    fund,
    gabi,
    group,
    other_group,
    otto,
    shona,
)
from tests.integration.test_grants_workflow import bring_to

pytestmark = pytest.mark.django_db


def test_public_pages_list_open_calls_and_offer_registration(client, call):
    page = client.get(reverse("grants-calls")).content.decode()
    assert "Prevention fund: Round 1" in page and "£100 to £5,000" in page
    page = client.get(reverse("grants-call", args=[call.uuid])).content.decode()
    assert "Create an account to apply" in page and "Why does it matter?" in page


def test_registration_keeps_what_was_typed_and_then_creates_an_applicant(client, call):
    cache.clear()
    url = reverse("grants-register", args=[call.uuid])
    data = {
        "group_name": "Sharrow Walkers",
        "group_type": "faith",
        "first_name": "Rae",
        "last_name": "Walker",
        "email": "rae@example.org",
        "username": "rae",
        "password": "password",
        "password_again": "password",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'value="Sharrow Walkers"' in page
    assert not User.objects.filter(username="rae").exists()
    data["password"] = data["password_again"] = "a long unusual passphrase 42"
    response = client.post(url, data)
    assert response.status_code == 302
    user = User.objects.get(username="rae")
    assert user.role == Role.APPLICANT
    assert list(user.organisation.areas.all()) == [call.fund.council]
    assert user.organisation.type == "faith"
    # Now signed in: the call page offers to start.
    assert (
        "Start an application"
        in client.get(reverse("grants-call", args=[call.uuid])).content.decode()
    )


def test_applicant_journey_with_bad_input_kept(client, call, gabi):
    client.force_login(gabi)
    response = client.post(reverse("grants-start", args=[call.uuid]))
    application = Application.objects.get(organisation=gabi.organisation)
    assert response.url == reverse("grants-tasks", args=[application.uuid])
    assert "Apply for a grant" in client.get(response.url).content.decode()
    section = lambda name: reverse("grants-section", args=[application.uuid, name])
    page = client.post(
        section("group"), {"legal_name": "Heeley FC", "postcode": "NOT A CODE"}
    ).content.decode()
    assert (
        "Enter a real postcode" in page
        and 'value="Heeley FC"' in page
        and 'value="NOT A CODE"' in page
    )
    assert (
        client.post(
            section("group"),
            {
                "legal_name": "Heeley FC",
                "postcode": "s12hh",
                "contact_name": "Ann",
                "contact_email": "ann@example.org",
            },
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.postcode == "S1 2HH" and application.status == Status.DRAFT
    project = {
        "title": "Football for all",
        "summary": "Weekly football",
        "planned_start": "2027-06-01",
        "planned_end": "2027-01-01",
    }
    page = client.post(section("project"), project).content.decode()
    assert "The end date must be on or after the start date" in page and "Football for all" in page
    project["planned_end"] = "2027-12-01"
    assert client.post(section("project"), project).status_code == 302
    question = call.questions.get(order=1)
    page = client.post(section("questions"), {f"q{question.pk}": "word " * 51}).content.decode()
    assert "Answer in 50 words or fewer" in page
    assert (
        client.post(section("questions"), {f"q{question.pk}": "Neighbours meet."}).status_code
        == 302
    )
    page = client.post(
        section("budget"), {"amount_requested": "9000", "budget_breakdown": "Pitch hire"}
    ).content.decode()
    assert "£5,000.00 or less" in page and "Pitch hire" in page
    assert (
        client.post(
            section("budget"), {"amount_requested": "1200", "budget_breakdown": "Pitch hire"}
        ).status_code
        == 302
    )
    files = reverse("grants-attachments", args=[application.uuid])
    fake = SimpleUploadedFile("plan.pdf", b"\x89PNG\r\n\x1a\nxx", content_type="application/pdf")
    page = client.post(files, {"file": fake}).content.decode()
    assert "its contents are a PNG image" in page
    real = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="image/png")
    assert client.post(files, {"file": real, "description": "Plan"}).status_code == 302
    attachment = application.attachments.get()
    assert attachment.content_type == "application/pdf"
    download = client.get(reverse("grants-file", args=[attachment.uuid]))
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == b"%PDF-1.4 plan"
    check = reverse("grants-check", args=[application.uuid])
    page = client.get(check).content.decode()
    assert "Check your answers before sending your application" in page and "£1,200.00" in page
    response = client.post(check)
    assert response.url == reverse("grants-submitted", args=[application.uuid])
    assert application.reference in client.get(response.url).content.decode()
    page = client.get(reverse("grants-application", args=[application.uuid])).content.decode()
    assert "Application received" in page and "History" in page
    # Submitted: the sections can no longer be changed.
    assert client.get(section("group")).status_code == 404


def test_incomplete_application_is_not_submitted(client, call, gabi):
    client.force_login(gabi)
    application = actions.start_application(by=gabi, call=call, organisation=gabi.organisation)
    page = client.post(reverse("grants-check", args=[application.uuid])).content.decode()
    assert "There is a problem" in page and "Enter your project title" in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_more_information_and_withdrawal(client, call, group, gabi, sam, shona):
    application = bring_to(Status.MORE_INFO_REQUIRED, call, group, [sam, shona])
    client.force_login(gabi)
    status = client.get(reverse("grants-application", args=[application.uuid])).content.decode()
    assert "We need more information" in status and "Send accounts" in status
    respond = reverse("grants-respond", args=[application.uuid])
    assert (
        "Enter the information you were asked for"
        in client.post(respond, {"response": ""}).content.decode()
    )
    assert client.post(respond, {"response": "Attached"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SCREENING
    withdraw = reverse("grants-withdraw", args=[application.uuid])
    assert client.post(withdraw, {"reason": "No longer needed"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_other_groups_and_councils_get_404(client, call, group, gabi, otto, olu, sam, shona, ana):
    application = bring_to(Status.ASSESSMENT, call, group, [sam, shona])
    draft = actions.start_application(by=gabi, call=call, organisation=gabi.organisation)
    attachment = actions.add_attachment(by=gabi, application=draft, filename="a.txt", data=b"hello")
    client.force_login(otto)
    for url in (
        reverse("grants-application", args=[application.uuid]),
        reverse("grants-tasks", args=[draft.uuid]),
        reverse("grants-file", args=[attachment.uuid]),
        reverse("grants-review", args=[application.uuid]),
        reverse("grants-funds"),
        reverse("grants-fund", args=[call.fund.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(olu)  # Derby officer
    assert client.get(reverse("grants-review", args=[application.uuid])).status_code == 404
    assert client.get(reverse("grants-fund", args=[call.fund.uuid])).status_code == 404
    assert "Prevention fund" not in client.get(reverse("grants-funds")).content.decode()
    client.force_login(ana)  # Sheffield analyst, not assigned
    assert client.get(reverse("grants-review", args=[application.uuid])).status_code == 404
    application.assessors.add(ana)
    assert client.get(reverse("grants-review", args=[application.uuid])).status_code == 200
    client.force_login(sam)  # Staff do not see drafts or their files
    assert client.get(reverse("grants-review", args=[draft.uuid])).status_code == 404
    assert client.get(reverse("grants-file", args=[attachment.uuid])).status_code == 404


def test_staff_pages_screen_assess_and_decide(client, call, group, sam, shona):
    application = bring_to(Status.SUBMITTED, call, group, [sam, shona])
    client.force_login(sam)
    funds = client.get(reverse("grants-funds")).content.decode()
    assert "£30,000.00" in funds and "Submitted: 1" in funds
    review = reverse("grants-review", args=[application.uuid])
    page = client.get(review).content.decode()
    assert "Eligibility check" in page and "Based in the city" in page
    action = lambda name: reverse("grants-review-action", args=[application.uuid, name])
    page = client.post(action("screen"), {"outcome": "ineligible", "reason": ""}).content.decode()
    assert "Enter why the application is not eligible" in page
    assert client.post(action("screen"), {"outcome": "eligible"}).status_code == 302
    assert client.post(action("assign"), {"assessors": [sam.pk, shona.pk]}).status_code == 302
    criteria = list(call.criteria.all())
    page = client.post(action("assess"), {"conflict": "no", "comment": "Strong"}).content.decode()
    assert "Select a score for Mixing" in page and "Strong" in page
    scores = {f"c{c.pk}": "4" for c in criteria}
    assert (
        client.post(
            action("assess"), {"conflict": "no", **scores, "recommendation": "fund"}
        ).status_code
        == 302
    )
    client.force_login(shona)
    assert (
        client.post(
            action("assess"), {"conflict": "yes", "conflict_details": "Trustee"}
        ).status_code
        == 302
    )
    client.force_login(sam)
    page = client.post(action("to_decision"), {"note": ""}).content.decode()
    assert "this application has 1" in page
    application.assessments.filter(assessor=shona).delete()
    client.force_login(shona)
    assert client.post(action("assess"), {"conflict": "no", **scores}).status_code == 302
    client.force_login(sam)
    assert client.post(action("to_decision"), {"note": ""}).status_code == 302
    page = client.post(
        action("decide"), {"outcome": "approve_with_conditions", "reason": "Good", "amount": ""}
    ).content.decode()
    assert "Enter the conditions of the grant" in page and "Good</textarea>" in page
    assert (
        client.post(
            action("decide"),
            {"outcome": "approve_with_conditions", "reason": "Good", "conditions": "Policy"},
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == Status.APPROVED_WITH_CONDITIONS
    assert application.amount_awarded == Decimal(1000)
    assert (
        client.post(action("pay"), {"paid_on": "2027-01-10", "amount": "1000"}).status_code == 302
    )
    assert client.post(action("report"), {"text": "Done", "is_final": "on"}).status_code == 302
    assert client.post(action("close"), {"note": ""}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CLOSED


def test_fund_and_call_editing_keeps_bad_input(client, fund, sam, gabi):
    client.force_login(sam)
    url = reverse("grants-fund-edit", args=[fund.uuid])
    page = client.get(url).content.decode()
    assert "Based in the city" in page
    data = {
        "name": "Renamed fund",
        "council": fund.council_id,
        "budget": "1000",
        "minimum_award": "100",
        "maximum_award": "5000",
        "reference_prefix": "SHF",
        "rules": "Rule one\nRule two",
    }
    page = client.post(url, data).content.decode()
    assert (
        "The maximum award cannot be more than the budget" in page
        and 'value="Renamed fund"' in page
    )
    data["maximum_award"] = "1000"
    assert client.post(url, data).status_code == 302
    fund.refresh_from_db()
    assert fund.name == "Renamed fund" and fund.eligibility_rules == ["Rule one", "Rule two"]
    call = fund.calls.get()
    new_question = reverse("grants-question-new", args=[call.uuid])
    page = client.post(
        new_question, {"label": "Pick one", "kind": "choice", "choice_lines": "Only", "order": 3}
    ).content.decode()
    assert "Enter at least two choices" in page and "Pick one" in page
    assert (
        client.post(
            new_question,
            {
                "label": "Pick one",
                "kind": "choice",
                "choice_lines": "A\nB",
                "order": 3,
                "required": "on",
            },
        ).status_code
        == 302
    )
    assert call.questions.get(label="Pick one").choices == ["A", "B"]
    client.force_login(gabi)
    assert client.get(url).status_code == 404


def test_api_lists_funds_and_own_applications_and_moves_through_actions(
    client, call, group, gabi, otto, sam, shona
):
    mine = actions.start_application(by=gabi, call=call, organisation=gabi.organisation)
    complete(mine, gabi)
    client.force_login(gabi)
    assert client.get("/api/v1/grants/funds").json() == []
    listed = client.get("/api/v1/grants/applications").json()
    assert [a["reference"] for a in listed] == [mine.reference]
    url = f"/api/v1/grants/applications/{mine.uuid}/transition"
    response = client.post(
        url,
        json.dumps({"action": "decide", "outcome": "approve", "reason": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "cannot go from draft" in response.json()["detail"]
    response = client.post(url, json.dumps({"action": "submit"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    client.force_login(otto)
    assert client.get(f"/api/v1/grants/applications/{mine.uuid}").status_code == 404
    client.force_login(sam)
    funds = client.get("/api/v1/grants/funds").json()
    assert funds[0]["remaining"] == "30000.00" or Decimal(str(funds[0]["remaining"])) == Decimal(
        30000
    )
    response = client.post(
        url,
        json.dumps({"action": "screen", "outcome": "eligible"}),
        content_type="application/json",
    )
    assert response.json()["status"] == "assessment"
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_applicant_home_and_staff_home(client, call, gabi, sam):
    client.force_login(gabi)
    page = client.get(reverse("grants-home")).content.decode()
    assert "Your applications" in page and "Round 1" in page
    client.force_login(sam)
    assert client.get(reverse("grants-home")).url == reverse("grants-funds")
    assert Organisation.objects.filter(name="Heeley Football (test)").exists()
