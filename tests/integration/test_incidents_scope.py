"""Who sees and changes which incidents: organisation, wards covered, and sharing."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.core.release import approve_release, request_release
from cohesion.incidents import actions
from tests.conftest import make_user
from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def nia(derby_council):
    """A second cohesion officer at Derby City Council: approves sharing."""
    return make_user("nia", derby_council, Role.COHESION_OFFICER)


@pytest.fixture
def ray(derbyshire_police):
    """Pat's colleague at Derbyshire Constabulary, covering the whole of Derby."""
    return make_user("ray", derbyshire_police, Role.PARTNER_OFFICER)


def test_another_organisations_officer_gets_the_same_404_as_missing(client, olu, sam):
    incident = make_incident(olu)
    client.force_login(sam)
    for name in ("incident-detail", "incident-edit", "incident-status", "incident-contact"):
        hidden = client.get(reverse(name, args=[incident.uuid]))
        missing = client.get(reverse(name, args=[uuid.uuid4()]))
        assert hidden.status_code == missing.status_code == 404, name
    assert client.get(reverse("incident-detail", args=["not-a-uuid"])).status_code == 404
    api = client.get(f"/api/v1/incidents/{incident.uuid}")
    api_missing = client.get(f"/api/v1/incidents/{uuid.uuid4()}")
    assert api.status_code == api_missing.status_code == 404
    assert api.json() == api_missing.json() == {"detail": "Not found"}
    listed = client.get(reverse("incident-list"))
    assert incident.reference not in listed.text
    assert "0 incidents" in listed.text


def test_pat_sees_normanton_but_not_abbey_even_from_his_own_organisation(client, pat, ray):
    abbey = make_incident(ray, ABBEY)
    normanton = make_incident(ray, NORMANTON)
    client.force_login(pat)
    listed = client.get(reverse("incident-list"))
    assert normanton.reference in listed.text
    assert abbey.reference not in listed.text
    assert "1 incident" in listed.text
    assert client.get(reverse("incident-detail", args=[abbey.uuid])).status_code == 404
    assert client.get(reverse("incident-detail", args=[normanton.uuid])).status_code == 200
    # And he may change his own organisation's record in his ward.
    assert client.get(reverse("incident-edit", args=[normanton.uuid])).status_code == 200


def test_a_partner_cannot_edit_another_organisations_incident_even_when_shared(
    client, olu, nia, pat
):
    incident = make_incident(olu, consent_to_share=["police"])
    client.force_login(pat)
    assert client.get(reverse("incident-detail", args=[incident.uuid])).status_code == 404
    request_release(incident, audience="partnership", by=olu, reason="Police need to know")
    approve_release(incident, by=nia)
    incident.refresh_from_db()
    assert incident.audience == "partnership"

    page = client.get(reverse("incident-detail", args=[incident.uuid]))
    assert page.status_code == 200
    assert "Change the record" not in page.text
    for name in ("incident-edit", "incident-status", "incident-referral-new", "incident-contact"):
        assert client.get(reverse(name, args=[incident.uuid])).status_code == 404, name
    posted = client.post(reverse("incident-edit", args=[incident.uuid]), {"narrative": "x"})
    assert posted.status_code == 404
    with pytest.raises(actions.IncidentError):
        actions.change_status(incident, by=pat, to_status="triaged")
    incident.refresh_from_db()
    assert incident.narrative == "Shouted at outside the shop."


def test_list_filters_by_status_kind_strand_ward_and_period(client, olu):
    import datetime as dt

    make_incident(olu, NORMANTON, strands=("religion",), occurred_on=dt.date(2025, 1, 5))
    race = make_incident(olu, ABBEY, strands=("race",), occurred_on=dt.date(2025, 2, 5))
    client.force_login(olu)
    assert "2 incidents" in client.get(reverse("incident-list")).text
    by_strand = client.get(reverse("incident-list"), {"strand": "race"})
    assert race.reference in by_strand.text and "1 incident" in by_strand.text
    by_ward = client.get(reverse("incident-list"), {"ward": ABBEY})
    assert race.reference in by_ward.text and "1 incident" in by_ward.text
    by_date = client.get(reverse("incident-list"), {"date_from": "2025-02-01"})
    assert "1 incident" in by_date.text
    bad = client.get(reverse("incident-list"), {"date_from": "2025-03-01", "date_to": "2025-01-01"})
    assert "The end date must be the same as or after the start date" in bad.text
    assert "0 incidents" in bad.text
    # The list shows no narrative or personal data.
    assert "Shouted at outside the shop." not in by_strand.text
