"""The dashboard's "waiting for you" counts: only what the person could open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.accounts.work import work_for
from cohesion.core.release import request_release
from tests.conftest import make_user
from tests.integration.test_incidents_recording import ABBEY, make_incident

pytestmark = pytest.mark.django_db


def _counts(user) -> dict[str, int]:
    return {item.label: item.count for item in work_for(user)}


def test_new_reports_and_sharing_requests_wait_for_the_right_people(olu, sam, derby_council):
    make_incident(olu, consent_to_share=["police"])
    second = make_incident(olu, ABBEY, consent_to_share=["police"])
    request_release(second, audience="partnership", by=olu, reason="Police patrol planning")
    manager = make_user("bea", derby_council, Role.COHESION_OFFICER)

    assert _counts(olu)["New incident reports to triage"] == 2
    # The person who asked cannot approve their own request; a colleague sees it waiting.
    assert _counts(olu)["Requests to share records, waiting for a second person"] == 0
    assert _counts(manager)["Requests to share records, waiting for a second person"] == 1
    # Sheffield's officer counts nothing of Derby's.
    assert _counts(sam)["New incident reports to triage"] == 0


def test_viewers_see_no_casework_counts(client, vic):
    assert work_for(vic) == []
    client.force_login(vic)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Waiting for you" not in page
    assert "See the tension level in each ward" in page
    assert "Record and review incidents" not in page


def test_the_dashboard_links_new_reports_to_the_filtered_list(client, olu, derby_council):
    make_incident(olu)
    client.force_login(olu)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'href="/incidents/?status=received">1</a>' in page
