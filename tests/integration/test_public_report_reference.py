"""The per-process memo of the form's places and terms: fast, and never stale in-process."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cohesion.accounts.models import OrganisationType
from cohesion.incidents.public import reference, routing
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memo_on():
    reference.forget()
    with override_settings(PUBLIC_FORM_REFERENCE_SECONDS=60):
        yield
    reference.forget()


def test_places_are_read_once_then_served_from_memory(derby_council):
    assert [p.council.name for p in routing.offered_places()] == ["Derby"]
    assert routing.receiving_organisation(routing.offered_places()[0].council) == derby_council
    with CaptureQueriesContext(connection) as queries:
        routing.offered_places()
        routing.receiving_organisation(routing.offered_places()[0].council)
    assert len(queries) == 0


def test_a_new_receiving_council_shows_at_once_in_this_process(derby_council, sheffield):
    assert [p.council.name for p in routing.offered_places()] == ["Derby"]
    make_organisation("Sheffield City Council", OrganisationType.COUNCIL, sheffield)
    assert [p.council.name for p in routing.offered_places()] == ["Derby", "Sheffield"]
    assert routing.receiving_organisation(sheffield).name == "Sheffield City Council"
