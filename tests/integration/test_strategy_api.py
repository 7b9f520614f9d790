"""/api/v1/strategies/: the same scope, rules and history as the pages, with version checks."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import actions
from cohesion.strategies.choices import Rag, UpdateChannel
from cohesion.strategies.models import Action
from tests.conftest import make_user
from tests.integration.test_strategy_actions import Charter, build_charter

pytestmark = pytest.mark.django_db

API = "/api/v1/strategies"


@pytest.fixture
def charter(olu, derby, derbyshire_police) -> Charter:
    return build_charter(olu, derby, derbyshire_police)


def patch(client: Client, action: Action, body: dict[str, object]):
    return client.patch(
        f"{API}/actions/{action.uuid}", data=json.dumps(body), content_type="application/json"
    )


def post(client: Client, plan_uuid: object, body: dict[str, object]):
    return client.post(
        f"{API}/plans/{plan_uuid}/actions", data=json.dumps(body), content_type="application/json"
    )


def test_the_api_needs_a_session(client, charter):
    assert client.get(f"{API}/").status_code == 401
    assert client.get(f"{API}/derby-charter").status_code == 401
    assert patch(client, charter.actions["A1"], {"version": 1}).status_code == 401


def test_strategies_are_listed_for_those_who_may_see_them(client, charter, olu, pat, sam):
    client.force_login(olu)
    body = client.get(f"{API}/").json()
    assert [(s["slug"], s["kind"], s["owner"]["name"], s["council_code"]) for s in body] == [
        ("derby-charter", "charter", "Derby City Council", "E06000015")
    ]
    # The police hold a plan under it, so their partner officer reads it too.
    client.force_login(pat)
    assert [s["slug"] for s in client.get(f"{API}/").json()] == ["derby-charter"]
    client.force_login(sam)
    assert client.get(f"{API}/").json() == []
    assert client.get(f"{API}/derby-charter").status_code == 404
    assert client.get(f"{API}/derby-charter/actions").status_code == 404
    assert client.get(f"{API}/actions/{charter.actions['A1'].uuid}").status_code == 404


def test_strategy_detail_gives_the_roll_up(client, charter, olu):
    client.force_login(olu)
    body = client.get(f"{API}/derby-charter").json()
    assert body["vision"] == "Working together for the common good"
    assert body["objective_label"] == "Activity"
    assert body["progress"] == 78.0
    assert body["actions"]["total"] == 5
    assert body["actions"]["progress"] == 60.0
    objectives = {o["code"]: o for o in body["objectives"]}
    assert objectives["1"]["weight"] == 2.0
    assert objectives["1"]["rollup"]["progress"] == 85.0
    assert objectives["1"]["rollup"]["by_status"] == {
        "not_started": 0,
        "in_progress": 1,
        "complete": 1,
        "deferred": 0,
        "cancelled": 1,
    }
    assert objectives["2"]["rollup"]["progress"] == 64.0
    assert objectives["2"]["rollup"]["by_rag"] == {"green": 0, "amber": 1, "red": 0}
    assert objectives["3"]["rollup"] == {
        "total": 0,
        "by_status": dict.fromkeys(
            ["not_started", "in_progress", "complete", "deferred", "cancelled"], 0
        ),
        "by_rag": {"green": 0, "amber": 0, "red": 0},
        "progress": None,
    }
    assert [(p["organisation"]["name"], p["actions"]) for p in body["plans"]] == [
        ("Derby City Council", 3),
        ("Derbyshire Constabulary", 2),
    ]
    assert body["statements"] == [
        {"kind": "value", "title": "Respect", "text": "We respect each other."}
    ]
    assert body["commitments"] == [{"number": 1, "text": "Promote cohesion in everything we do."}]
    assert body["may_manage"] is True
    assert body["last_review"] is None


def test_actions_are_listed_with_filters(client, charter, pat, derbyshire_police):
    client.force_login(pat)
    body = client.get(f"{API}/derby-charter/actions").json()
    assert body["count"] == 5
    assert [a["reference"] for a in body["items"]] == ["1", "2", "3", "4", "5"]
    mine = {a["reference"]: a["may_update"] for a in body["items"]}
    assert mine == {"1": False, "2": False, "3": True, "4": False, "5": True}
    a2 = body["items"][1]
    assert a2["objectives"] == ["1", "2"]
    assert (a2["status"], a2["progress"], a2["completed_on"], a2["weight"]) == (
        "complete",
        100,
        "2025-09-30",
        3.0,
    )
    assert a2["direction"] == "new"

    def refs(**query: str) -> list[str]:
        rows = client.get(f"{API}/derby-charter/actions", query).json()["items"]
        return [a["reference"] for a in rows]

    assert refs(status="in_progress") == ["1", "3"]
    assert refs(rag="amber") == ["3"]
    assert refs(organisation=str(derbyshire_police.uuid)) == ["3", "5"]
    assert refs(organisation="derby city council") == ["1", "2", "4"]
    assert refs(objective="2") == ["2", "3", "5"]
    assert refs(objective="2", status="in_progress") == ["3"]
    assert refs(objective="9") == []
    paged = client.get(f"{API}/derby-charter/actions", {"page_size": 2, "page": 3}).json()
    assert (paged["count"], paged["pages"], [a["reference"] for a in paged["items"]]) == (
        5,
        3,
        ["5"],
    )


def test_action_detail_has_milestones_and_history(client, charter, olu):
    a3 = charter.actions["A3"]
    actions.add_milestone(by=olu, action=a3, title="Rota agreed", due_on=dt.date(2025, 7, 1))
    actions.update_action(by=olu, action=a3, data={"progress": 25})
    client.force_login(olu)
    body = client.get(f"{API}/actions/{a3.uuid}").json()
    assert body["title"] == "Neighbourhood engagement patrols"
    assert body["owner"]["name"] == "Derbyshire Constabulary"
    assert body["milestones"] == [
        {"title": "Rota agreed", "due_on": "2025-07-01", "completed_on": None}
    ]
    assert [h["changes"] for h in body["history"]][:2] == [
        {"progress": [20, 25]},
        {"milestones": [None, "Rota agreed (due 2025-07-01)"]},
    ]
    assert body["history"][0]["made_by"] == "Olu Tester"
    assert len(body["history"]) == 3
    assert body["version"] == 2
    assert client.get(f"{API}/actions/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/actions/not-a-uuid").status_code == 404


def test_patch_updates_an_action_through_the_same_rules(client, charter, pat):
    a3 = charter.actions["A3"]
    client.force_login(pat)
    response = patch(
        client,
        a3,
        {
            "version": 1,
            "rag": "red",
            "commentary": "Posts still vacant.",
            "corrective_action": "Borrow officers from Alvaston.",
            "progress": 25,
            "objectives": ["1", "2"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rag"], body["progress"], body["version"]) == ("red", 25, 2)
    assert body["objectives"] == ["1", "2"]
    assert body["history"][0]["channel"] == "api"
    assert body["history"][0]["changes"] == {
        "rag": ["amber", "red"],
        "commentary": ["Two posts vacant.", "Posts still vacant."],
        "corrective_action": ["", "Borrow officers from Alvaston."],
        "progress": [20, 25],
        "objectives": [["2"], ["1", "2"]],
    }
    saved = Action.objects.get(pk=a3.pk)
    assert (saved.rag, saved.corrective_action, saved.version) == (
        Rag.RED,
        "Borrow officers from Alvaston.",
        2,
    )
    event = AuditEvent.objects.filter(action=AuditAction.ACTION_UPDATED).first()
    assert (event.actor_username, event.channel, event.target_id) == ("pat", "api", str(a3.uuid))


def test_patch_problems_are_422_by_field_and_nothing_is_saved(client, charter, olu):
    a1 = charter.actions["A1"]
    client.force_login(olu)
    response = patch(client, a1, {"version": 1, "rag": "red", "commentary": "Venue lost."})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The action could not be saved",
        "problems": {
            "corrective_action": (
                "Enter the corrective action: a red action needs a note of what is being "
                "done about it"
            )
        },
    }
    response = patch(client, a1, {"version": 1, "status": "complete"})
    assert response.json()["problems"] == {
        "completed_on": "Enter the date the action was completed"
    }
    response = patch(client, a1, {"version": 1, "objectives": ["1", "7"], "lead": "nobody"})
    assert response.json()["problems"] == {
        "objectives": "This strategy has no activity numbered 7",
        "lead": (
            "No account with that identifier in the organisation that owns the action "
            "or the strategy's owner"
        ),
    }
    saved = Action.objects.get(pk=a1.pk)
    assert (saved.rag, saved.version, saved.updates.count()) == (Rag.GREEN, 1, 1)


def test_a_stale_version_is_a_409(client, charter, olu, pat):
    a3 = charter.actions["A3"]
    actions.update_action(by=pat, action=a3, data={"progress": 30}, channel=UpdateChannel.WEB)
    client.force_login(olu)
    response = patch(client, a3, {"version": 1, "progress": 50})
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert Action.objects.get(pk=a3.pk).progress == 30
    assert patch(client, a3, {"version": 2, "progress": 50}).json()["version"] == 3
    # The version is required.
    assert patch(client, a3, {"progress": 60}).status_code == 422


def test_an_action_you_may_not_change_is_a_404_like_a_missing_one(
    client, charter, pat, vic, sam, derby_council
):
    a1 = charter.actions["A1"]
    for person in (pat, vic, sam):
        client.force_login(person)
        forbidden = patch(client, a1, {"version": 1, "progress": 99})
        missing = client.patch(
            f"{API}/actions/{uuid.uuid4()}",
            data=json.dumps({"version": 1, "progress": 99}),
            content_type="application/json",
        )
        assert forbidden.status_code == missing.status_code == 404
        assert forbidden.json() == missing.json()
    assert Action.objects.get(pk=a1.pk).progress == 40
    # Pat may change the police's action, but not hand it to the council.
    client.force_login(pat)
    response = patch(
        client, charter.actions["A3"], {"version": 1, "owner": str(derby_council.uuid)}
    )
    assert response.status_code == 403
    assert Action.objects.get(pk=charter.actions["A3"].pk).owner.name == "Derbyshire Constabulary"


def test_post_adds_an_action_to_a_plan(client, charter, pat, derbyshire_police):
    client.force_login(pat)
    response = post(
        client,
        charter.police_plan.uuid,
        {
            "title": "Hate crime surgery at the mosque",
            "reference": "P3",
            "objectives": ["2"],
            "status": "in_progress",
            "rag": "green",
            "progress": 10,
            "lead": str(
                make_user("pc", derbyshire_police, Role.PARTNER_OFFICER, first_name="Priya").uuid
            ),
            "due_on": "2026-03-31",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference"], body["owner"]["name"], body["lead_name"]) == (
        "P3",
        "Derbyshire Constabulary",
        "Priya Tester",
    )
    assert body["history"][0]["channel"] == "api"
    assert Action.objects.filter(plan=charter.police_plan).count() == 3

    assert post(client, charter.council_plan.uuid, {"title": "Not ours"}).status_code == 404
    refused = post(client, charter.police_plan.uuid, {"title": "Red", "status": "in_progress"})
    assert refused.status_code == 422
    assert refused.json()["problems"] == {"rag": "Choose a RAG rating for an action in progress"}
    assert post(client, charter.police_plan.uuid, {"reference": "no title"}).status_code == 422


def test_updates_need_the_csrf_token_like_the_pages(charter, olu):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(olu)
    response = patch(strict, charter.actions["A1"], {"version": 1, "progress": 50})
    assert response.status_code == 403
    assert Action.objects.get(pk=charter.actions["A1"].pk).progress == 40


def test_the_schemas_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/strategies/" in paths
    assert "/api/v1/strategies/{slug}" in paths
    assert "/api/v1/strategies/{slug}/actions" in paths
    assert set(paths["/api/v1/strategies/actions/{action_uuid}"]) == {"get", "patch"}
    assert "post" in paths["/api/v1/strategies/plans/{plan_uuid}/actions"]
    components = schema["components"]["schemas"]
    assert {"ActionPatch", "ActionDetail", "StrategyDetail", "ProblemsOut", "ConflictOut"} <= set(
        components
    )
    assert "version" in components["ActionPatch"]["required"]
    # Named apart from the accounts API's organisation reference, which keeps its type.
    assert set(components["OwnerRef"]["properties"]) == {"uuid", "name"}
    assert "type" in components["OrganisationRef"]["properties"]
    assert {"status", "rag", "corrective_action", "completed_on"} <= set(
        components["ActionPatch"]["properties"]
    )
