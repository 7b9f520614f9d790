"""Strategy pages: who sees and changes what, the update form's rules, files, public view.

The fixture is a small Derby charter, built through the actions as a loader would:

    activity 1 (weight 2): 1.1 council, in progress green 40%; 1.2 council, complete
    activity 2 (weight 1): 1.2; P1 police, in progress amber 20%, overdue; P2 police, not started
    activity 3 (weight 1): no actions

    activity 1 progress = (40 + 100) / 2 = 70
    activity 2 progress = (100 + 20 + 0) / 3 = 40
    strategy progress   = (2 x 70 + 1 x 40) / 3 = 60
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohesion.accounts.models import Organisation, Role, User
from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import actions, bulk
from cohesion.strategies.choices import Rag, Status, StrategyKind
from cohesion.strategies.models import Action, ActionPlan, ActionUpdate, Strategy
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PATROL_COMMENTARY = "Patrol rota delayed by staff shortages in the neighbourhood team"
PATROL_LEAD = "Inspector Jane Doe"


@dataclass
class Charter:
    strategy: Strategy
    council_plan: ActionPlan
    police_plan: ActionPlan
    actions: dict[str, Action]


def build_charter(by: User, council: Area, police: Organisation) -> Charter:
    strategy = actions.create_strategy(
        by=by,
        data={
            "title": "Derby Cohesion and Integration Charter",
            "slug": "derby-charter",
            "kind": StrategyKind.CHARTER,
            "council": council,
            "vision": "Working together for the common good",
            "objective_label": "Activity",
            "starts_on": dt.date(2025, 4, 1),
            "ends_on": dt.date(2028, 3, 31),
            "objectives": [
                {"code": "1", "title": "Bring people together", "weight": 2},
                {"code": "2", "title": "Tackle hate and prejudice"},
                {"code": "3", "title": "Welcome people new to Derby"},
            ],
            "statements": [
                {"kind": "value", "title": "Respect", "text": "We treat everyone fairly."},
            ],
            "commitments": ["Share what we know about tensions.", "Act together on hate."],
        },
    )
    objectives = {o.code: o for o in strategy.objectives.all()}
    council_plan = actions.create_plan(
        by=by,
        strategy=strategy,
        organisation=by.organisation,
        title="Council action plan 2025 to 2026",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    police_plan = actions.create_plan(
        by=by,
        strategy=strategy,
        organisation=police,
        title="Police action plan 2025 to 2026",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    made = {
        "1.1": actions.create_action(
            by=by,
            plan=council_plan,
            data={
                "reference": "1.1",
                "title": "Run a festival of neighbourhoods",
                "lead_name": "Community Cohesion Manager",
                "objectives": [objectives["1"]],
                "starts_on": TODAY - dt.timedelta(days=100),
                "due_on": TODAY + dt.timedelta(days=100),
                "status": Status.IN_PROGRESS,
                "rag": Rag.GREEN,
                "progress": 40,
                "commentary": "Venues booked.",
                "public_summary": "Venues for the festival are booked.",
                "commentary_is_public": True,
            },
        ),
        "1.2": actions.create_action(
            by=by,
            plan=council_plan,
            data={
                "reference": "1.2",
                "title": "Publish the charter",
                "objectives": [objectives["1"], objectives["2"]],
                "status": Status.COMPLETE,
                "completed_on": TODAY - dt.timedelta(days=30),
            },
        ),
        "P1": actions.create_action(
            by=by,
            plan=police_plan,
            data={
                "reference": "P1",
                "title": "Patrol places of worship after national incidents",
                "lead_name": PATROL_LEAD,
                "objectives": [objectives["2"]],
                "starts_on": TODAY - dt.timedelta(days=200),
                "due_on": TODAY - dt.timedelta(days=10),
                "status": Status.IN_PROGRESS,
                "rag": Rag.AMBER,
                "progress": 20,
                "commentary": PATROL_COMMENTARY,
                "public_summary": "Extra patrols around places of worship.",
            },
        ),
        "P2": actions.create_action(
            by=by,
            plan=police_plan,
            data={
                "reference": "P2",
                "title": "Train officers in recording hate incidents",
                "objectives": [objectives["2"]],
            },
        ),
    }
    actions.sign_commitment(
        by=by,
        strategy=strategy,
        organisation=police,
        signed_by="Chief Constable",
        signed_by_role="Chief Constable",
        signed_on=dt.date(2025, 5, 1),
    )
    return Charter(strategy, council_plan, police_plan, made)


@pytest.fixture
def charter(olu, derby, derbyshire_police) -> Charter:
    return build_charter(olu, derby, derbyshire_police)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed, for plain assertions."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    # What screen readers skip (decorative arrows, progress bars) is not read out either.
    html = re.sub(r'<span aria-hidden="true"[^>]*>[^<]*</span>', " ", html)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return re.sub(r" ([:,.;])", r"\1", text)


def update_url(action: Action) -> str:
    return reverse("strategy-action-update", args=[action.uuid])


def update_form(action: Action, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": action.version,
        "status": action.status,
        "rag": action.rag,
        "progress": action.progress,
        "commentary": action.commentary,
        "corrective_action": action.corrective_action,
        "completed_on": action.completed_on.isoformat() if action.completed_on else "",
        "forecast_rag": action.forecast_rag,
        "public_summary": action.public_summary,
    }
    if action.commentary_is_public:
        data["commentary_is_public"] = "on"
    data.update(overrides)
    return data


# --- Reading ---------------------------------------------------------------------------


def test_strategy_list_shows_progress_and_counts_status_before_rag(charter, olu):
    page = text_of(signed_in(olu).get(reverse("strategy-list")))

    assert "Derby Cohesion and Integration Charter" in page
    assert "60% complete" in page
    assert (
        "4 actions: 1 not started, 2 in progress, 1 complete; "
        "of those in progress, 1 green, 1 amber, 0 red." in page
    )


def test_strategy_page_shows_each_objective_with_progress_and_figures(charter, olu):
    response = signed_in(olu).get(reverse("strategy-detail", args=["derby-charter"]))
    page = text_of(response)

    assert response.status_code == 200
    assert "Working together for the common good" in page
    assert "Respect: We treat everyone fairly." in page
    assert "Share what we know about tensions." in page
    assert "Activity 1: Bring people together" in page
    assert (
        "70% complete 2 actions: 1 in progress, 1 complete; of those in progress, 1 green" in page
    )
    assert "40% complete 3 actions: 1 not started, 1 in progress, 1 complete" in page
    # The figures table: code, progress, total, five statuses, then three RAG columns.
    assert "2 40% 3 1 1 1 0 0 0 1 0" in page
    assert "All actions 60% 4 1 2 1 0 0 1 1 0" in page
    # Plans with their own roll-ups, and the signatory.
    assert "Police action plan 2025 to 2026 Derbyshire Constabulary" in page
    assert "Derbyshire Constabulary Chief Constable, Chief Constable 1 May 2025" in page
    assert "Take a review point" in page


def test_viewer_sees_everything_but_cannot_change_anything(charter, vic):
    client = signed_in(vic)
    strategy_page = text_of(client.get(reverse("strategy-detail", args=["derby-charter"])))
    action = charter.actions["P1"]
    action_page = text_of(client.get(reverse("strategy-action-detail", args=[action.uuid])))

    assert "Activity 1: Bring people together" in strategy_page
    assert "Take a review point" not in strategy_page
    assert "Create a plan" not in strategy_page
    assert PATROL_COMMENTARY in action_page
    assert "Update this action" not in action_page
    for url in [
        update_url(action),
        reverse("strategy-settings", args=["derby-charter"]),
        reverse("strategy-review-new", args=["derby-charter"]),
        reverse("strategy-import", args=["derby-charter"]),
        reverse("strategy-action-new", args=[charter.council_plan.uuid]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(update_url(action), update_form(action, progress=90))
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.progress == 20


def test_sheffield_sees_nothing_of_derbys_strategy(charter, sam):
    client = signed_in(sam)
    action = charter.actions["1.1"]

    assert "Derby Cohesion" not in text_of(client.get(reverse("strategy-list")))
    for url in [
        reverse("strategy-detail", args=["derby-charter"]),
        reverse("strategy-action-list", args=["derby-charter"]),
        reverse("strategy-action-detail", args=[action.uuid]),
        update_url(action),
        reverse("strategy-export", args=["derby-charter"]) + "?format=csv",
        reverse("strategy-import", args=["derby-charter"]),
        reverse("strategy-report", args=["derby-charter"]),
        reverse("strategy-settings", args=["derby-charter"]),
        reverse("strategy-action-new", args=[charter.council_plan.uuid]),
    ]:
        assert client.get(url).status_code == 404, url


def test_missing_and_malformed_records_are_the_same_404(olu, charter):
    client = signed_in(olu)
    assert client.get(reverse("strategy-detail", args=["no-such-strategy"])).status_code == 404
    assert client.get("/strategies/actions/not-a-uuid/").status_code == 404
    assert (
        client.get(
            reverse("strategy-action-detail", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_partner_updates_its_own_actions_only(charter, pat):
    client = signed_in(pat)
    own, council_action = charter.actions["P1"], charter.actions["1.1"]

    own_page = text_of(client.get(reverse("strategy-action-detail", args=[own.uuid])))
    assert "Update this action" in own_page
    assert client.get(update_url(own)).status_code == 200
    # Another organisation's action: readable, but its update page is the same 404 as a
    # missing one, and so is adding to another organisation's plan.
    other_page = client.get(reverse("strategy-action-detail", args=[council_action.uuid]))
    assert other_page.status_code == 200
    assert "Update this action" not in text_of(other_page)
    assert client.get(update_url(council_action)).status_code == 404
    response = client.post(update_url(council_action), update_form(council_action, progress=99))
    assert response.status_code == 404
    assert (
        client.get(reverse("strategy-action-new", args=[charter.council_plan.uuid])).status_code
        == 404
    )
    assert (
        client.get(reverse("strategy-action-new", args=[charter.police_plan.uuid])).status_code
        == 200
    )
    council_action.refresh_from_db()
    assert council_action.progress == 40


def test_action_list_filters(charter, olu, derbyshire_police):
    client = signed_in(olu)
    url = reverse("strategy-action-list", args=["derby-charter"])

    def titles(query: str) -> list[str]:
        page = client.get(f"{url}?{query}").content.decode()
        return sorted(re.findall(r'href="/strategies/actions/[^"]+/">([^<]+)</a>', page))

    assert len(titles("")) == 4
    assert titles("rag=amber") == ["P1 Patrol places of worship after national incidents"]
    assert titles("overdue=on") == ["P1 Patrol places of worship after national incidents"]
    assert titles("status=complete") == ["1.2 Publish the charter"]
    assert titles(f"organisation={derbyshire_police.uuid}") == [
        "P1 Patrol places of worship after national incidents",
        "P2 Train officers in recording hate incidents",
    ]
    assert titles("objective=1") == [
        "1.1 Run a festival of neighbourhoods",
        "1.2 Publish the charter",
    ]
    assert titles(f"plan={charter.council_plan.uuid}&status=in_progress") == [
        "1.1 Run a festival of neighbourhoods"
    ]
    page = text_of(client.get(f"{url}?rag=amber"))
    # RAG as a tag with words; overdue flagged.
    assert "Amber – at risk" in page  # noqa: RUF001
    assert "Overdue" in page
    assert client.get(f"{url}?status=nonsense").status_code == 400


# --- Updating an action ----------------------------------------------------------------


def test_rag_hint_shows_the_strategys_suggestion(charter, olu):
    page = text_of(signed_in(olu).get(update_url(charter.actions["P1"])))
    assert "The strategy's thresholds suggest Red – off track: the due date has passed." in page  # noqa: RUF001


def test_red_without_corrective_action_is_refused_and_keeps_what_was_typed(charter, olu):
    action = charter.actions["1.1"]
    response = signed_in(olu).post(
        update_url(action),
        update_form(action, rag="red", progress=35, commentary="The main venue has pulled out."),
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_corrective_action">Enter the corrective action' in page
    assert "The main venue has pulled out.</textarea>" in page
    assert 'value="35"' in page
    assert re.search(r'value="red" id="id_rag_\d" class="govuk-radios__input" checked', page)
    action.refresh_from_db()
    assert (action.rag, action.version) == ("green", 1)


def test_complete_without_a_date_is_refused(charter, olu):
    action = charter.actions["1.1"]
    response = signed_in(olu).post(update_url(action), update_form(action, status="complete"))

    assert response.status_code == 400
    assert "Enter the date the action was completed" in text_of(response)


def test_an_officer_turns_an_action_red_and_it_is_in_the_history(charter, olu):
    action = charter.actions["1.1"]
    client = signed_in(olu)
    response = client.post(
        update_url(action),
        update_form(
            action,
            rag="red",
            progress=35,
            commentary="The main venue has pulled out.",
            corrective_action="Booking the Assembly Rooms instead.",
            forecast_rag="amber",
        ),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.rag, action.progress, action.version) == ("red", 35, 2)
    page = text_of(client.get(reverse("strategy-action-detail", args=[action.uuid])))
    assert "Red – off track" in page  # noqa: RUF001
    assert "Booking the Assembly Rooms instead." in page
    assert (
        "Olu Tester" in page and "RAG rating: Green – on track changed to Red – off track" in page  # noqa: RUF001
    )
    assert "Progress: 40% changed to 35%" in page
    assert AuditEvent.objects.filter(action=AuditAction.ACTION_UPDATED).count() == 1


def test_completing_an_action_drops_the_rag_left_as_it_was(charter, olu):
    action = charter.actions["1.1"]
    response = signed_in(olu).post(
        update_url(action),
        update_form(action, status="complete", completed_on=TODAY.isoformat()),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.rag, action.progress) == ("complete", "", 100)


def test_a_concurrent_update_is_not_overwritten(charter, olu, derby_council):
    action = charter.actions["1.1"]
    colleague = make_user("cal", derby_council, Role.COHESION_OFFICER)
    opened = update_form(action)  # olu opens the form at version 1
    actions.update_action(by=colleague, action=action, data={"progress": 50}, expected_version=1)

    client = signed_in(olu)
    typed = opened | {"progress": 45, "commentary": "Two venues confirmed."}
    response = client.post(update_url(action), typed)
    page = response.content.decode()

    assert response.status_code == 409
    assert "Someone else updated this action" in page
    assert "Cal Tester" in text_of(response)
    assert "Progress: 40% changed to 50%" in text_of(response)
    assert "Two venues confirmed.</textarea>" in page
    assert 'value="45"' in page
    assert 'name="version" value="2"' in page
    action.refresh_from_db()
    assert action.progress == 50
    # Saving again, having seen their change, is a deliberate choice and goes through.
    assert client.post(update_url(action), typed | {"version": 2}).status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.version) == (45, 3)


# --- Plans, actions, milestones ----------------------------------------------------------


def test_partner_creates_its_own_plan_and_tags_an_action_to_the_objectives(charter, pat):
    client = signed_in(pat)
    response = client.post(
        reverse("strategy-plan-new", args=["derby-charter"]),
        {
            "title": "Police action plan 2026 to 2027",
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
        },
    )
    plan = ActionPlan.objects.get(title="Police action plan 2026 to 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy-action-new", args=[plan.uuid])
    assert plan.organisation.name == "Derbyshire Constabulary"

    objectives = {o.code: o.pk for o in charter.strategy.objectives.all()}
    response = client.post(
        reverse("strategy-action-new", args=[plan.uuid]),
        {
            "reference": "P3",
            "title": "Hate crime surgeries in libraries",
            "objectives": [objectives["2"], objectives["3"]],
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(reference="P3")
    assert sorted(action.objectives.values_list("code", flat=True)) == ["2", "3"]
    assert action.owner.name == "Derbyshire Constabulary"


def test_new_action_form_checks_the_rules(charter, olu):
    response = signed_in(olu).post(
        reverse("strategy-action-new", args=[charter.council_plan.uuid]),
        {
            "title": "Interfaith football league",
            "status": "in_progress",
            "rag": "",
            "progress": "150",
        },
    )

    page = text_of(response)
    assert response.status_code == 400
    assert "Choose a RAG rating for an action in progress" in page
    assert "Progress must be a whole number from 0 to 100" in page
    assert not Action.objects.filter(title="Interfaith football league").exists()


def test_milestones_are_added_and_completed_with_history(charter, pat):
    action = charter.actions["P1"]
    client = signed_in(pat)
    url = reverse("strategy-milestone-new", args=[action.uuid])

    assert client.post(url, {"title": "Rota agreed", "due_on": "not a date"}).status_code == 400
    assert (
        client.post(url, {"title": "Rota agreed", "due_on": TODAY.isoformat()}).status_code == 302
    )
    milestone = action.milestones.get()
    complete = reverse("strategy-milestone-complete", args=[action.uuid, milestone.pk])
    assert (
        client.post(complete, {f"m{milestone.pk}-completed_on": TODAY.isoformat()}).status_code
        == 302
    )

    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY
    page = text_of(client.get(reverse("strategy-action-detail", args=[action.uuid])))
    assert "Milestone: Rota agreed" in page
    # The council's action's milestones are not the partner's to change.
    other = charter.actions["1.1"]
    assert (
        client.post(
            reverse("strategy-milestone-new", args=[other.uuid]),
            {"title": "x", "due_on": TODAY.isoformat()},
        ).status_code
        == 404
    )


# --- Managers' forms -------------------------------------------------------------------


def test_settings_check_thresholds_and_publish(charter, olu):
    client = signed_in(olu)
    url = reverse("strategy-settings", args=["derby-charter"])
    data = {
        "rag_amber_behind": "20",
        "rag_red_behind": "15",
        "review_interval_months": "3",
        "reminder_days_before": "7",
        "is_published": "on",
    }

    response = client.post(url, data)
    assert response.status_code == 400
    assert "The red threshold must be the same as or more than amber" in text_of(response)
    assert 'value="20"' in response.content.decode()

    assert client.post(url, data | {"rag_red_behind": "30"}).status_code == 302
    charter.strategy.refresh_from_db()
    assert (charter.strategy.rag_red_behind, charter.strategy.review_interval_months) == (30, 3)
    assert charter.strategy.is_published


def test_review_point_shows_direction_of_travel(charter, olu):
    client = signed_in(olu)
    response = client.post(
        reverse("strategy-review-new", args=["derby-charter"]),
        {"review_on": TODAY.isoformat(), "title": "Six-monthly review"},
    )
    assert response.status_code == 302
    action = charter.actions["P1"]
    actions.update_action(
        by=olu, action=action, data={"rag": "red", "corrective_action": "More officers."}
    )

    page = text_of(client.get(reverse("strategy-detail", args=["derby-charter"])))
    assert "since the last review point (Six-monthly review" in page
    assert "Improved: 0 Same: 3 Worse: 1 New since the last review: 0" in page


def test_signatory_group_and_meeting_forms(charter, olu, sheffield_council):
    client = signed_in(olu)
    slug = "derby-charter"
    response = client.post(
        reverse("strategy-signatory-new", args=[slug]),
        {
            "organisation": sheffield_council.pk,
            "signed_by": "Kate Josephs",
            "signed_by_role": "Chief Executive",
            "signed_on": "2025-06-02",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("strategy-meeting-new", args=[slug])).status_code == 404
    client.post(
        reverse("strategy-group", args=[slug]),
        {"name": "Cohesion Leadership Group", "remit": "Steers the charter."},
    )
    client.post(
        reverse("strategy-member-new", args=[slug]),
        {"name": "Cllr Amy Smith", "organisation": olu.organisation.pk, "role": "chair"},
    )
    response = client.post(
        reverse("strategy-meeting-new", args=[slug]),
        {
            "held_on": "2025-07-01",
            "title": "Summer meeting",
            "notes": "",
            "decisions": "Hold a festival\n\nAsk the police to patrol",
        },
    )
    assert response.status_code == 302

    page = text_of(client.get(reverse("strategy-detail", args=[slug])))
    assert "Sheffield City Council Kate Josephs, Chief Executive 2 Jun 2025" in page
    assert "Cllr Amy Smith, Derby City Council (Chair)" in page
    assert "Summer meeting 1 July 2025 Hold a festival Ask the police to patrol" in page


def test_navigation_and_work_queue(charter, olu, derby_council):
    charter.actions["1.1"].lead = olu
    charter.actions["1.1"].save()
    client = signed_in(olu)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'href="/strategies/"' in dashboard
    # No review yet: nothing is "since the last review".
    assert "Actions you lead without an update since the last review" in dashboard
    assert 'href="/strategies/#your-actions">' not in dashboard

    actions.take_review(by=olu, strategy=charter.strategy, review_on=TODAY)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'href="/strategies/#your-actions">1</a>' in dashboard
    listing = text_of(client.get(reverse("strategy-list")))
    assert "Run a festival of neighbourhoods" in listing
    assert "No update since the last review" in listing


# --- Files -------------------------------------------------------------------------------


def test_export_downloads_the_filtered_actions(charter, olu):
    response = signed_in(olu).get(
        reverse("strategy-export", args=["derby-charter"]) + "?format=csv&rag=amber"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,plan,reference,title")
    assert len(lines) == 2 and "Patrol places of worship" in lines[1]
    assert AuditEvent.objects.filter(action=AuditAction.ACTIONS_EXPORTED).count() == 1


def _csv(charter: Charter, olu: User) -> str:
    return bulk.export_actions(
        charter.strategy, Action.objects.filter(strategy=charter.strategy), "csv", by=olu
    ).decode("utf-8-sig")


def test_import_with_an_error_changes_nothing_and_lists_row_and_column(charter, olu):
    content = _csv(charter, olu).replace(",40,", ",400,", 1)
    upload = SimpleUploadedFile("actions.csv", content.encode(), content_type="text/csv")
    response = signed_in(olu).post(
        reverse("strategy-import", args=["derby-charter"]), {"file": upload}
    )

    page = text_of(response)
    assert response.status_code == 400
    assert "The file has 1 problem, listed below. Nothing has been changed" in page
    assert re.search(r"Row Column Problem \d+ progress Progress must be", page)
    charter.actions["1.1"].refresh_from_db()
    assert charter.actions["1.1"].progress == 40


def test_import_applies_a_good_file(charter, olu):
    content = _csv(charter, olu).replace(",40,", ",45,", 1)
    upload = SimpleUploadedFile("actions.csv", content.encode(), content_type="text/csv")
    client = signed_in(olu)
    response = client.post(reverse("strategy-import", args=["derby-charter"]), {"file": upload})

    assert response.status_code == 302
    charter.actions["1.1"].refresh_from_db()
    assert charter.actions["1.1"].progress == 45
    assert "0 actions added, 1 updated, 3 unchanged" in text_of(
        client.get(reverse("strategy-detail", args=["derby-charter"]))
    )


def test_import_refuses_other_file_types(charter, olu):
    upload = SimpleUploadedFile("actions.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = signed_in(olu).post(
        reverse("strategy-import", args=["derby-charter"]), {"file": upload}
    )
    assert response.status_code == 400
    assert "The selected file must be a CSV or XLSX file" in text_of(response)


# --- Public pages ------------------------------------------------------------------------


def test_public_page_shows_progress_and_nothing_internal(charter, olu, client):
    actions.update_strategy(by=olu, strategy=charter.strategy, data={"is_published": True})
    response = client.get(reverse("strategy-public", args=["derby-charter"]))
    page = text_of(response)

    assert response.status_code == 200
    assert "60% complete" in page
    assert "Activity 2: Tackle hate and prejudice" in page
    assert "Extra patrols around places of worship." in page
    # Commentary marked public is shown; the rest, RAG, corrective actions and leads are not.
    assert "Venues booked." in page
    assert PATROL_COMMENTARY not in page
    assert PATROL_LEAD not in page
    assert "Community Cohesion Manager" not in page
    assert "Amber" not in page and "at risk" not in page
    assert "Chief Constable" not in page
    assert "Derby Cohesion and Integration Charter" in text_of(
        client.get(reverse("strategy-public-list"))
    )


def test_unpublished_strategies_are_not_public(charter, client):
    assert client.get(reverse("strategy-public", args=["derby-charter"])).status_code == 404
    assert "Derby Cohesion" not in text_of(client.get(reverse("strategy-public-list")))


def test_anonymous_people_cannot_open_internal_pages(charter, client):
    action = charter.actions["1.1"]
    for url in [
        reverse("strategy-list"),
        reverse("strategy-detail", args=["derby-charter"]),
        reverse("strategy-action-detail", args=[action.uuid]),
        update_url(action),
        reverse("strategy-report", args=["derby-charter"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_history_lists_every_update(charter, olu):
    action = charter.actions["P2"]
    actions.update_action(by=olu, action=action, data={"status": "in_progress", "rag": "green"})
    actions.update_action(by=olu, action=action, data={"progress": 30})
    page = text_of(signed_in(olu).get(reverse("strategy-action-detail", args=[action.uuid])))

    assert ActionUpdate.objects.filter(action=action).count() == 3
    assert page.count("Olu Tester") >= 3
    assert "Status: Not started changed to In progress" in page
    assert "Progress: 0% changed to 30%" in page


# --- The scrutiny report -----------------------------------------------------------------


def test_report_page_and_downloads(charter, vic):
    client = signed_in(vic)
    url = reverse("strategy-report", args=["derby-charter"])
    response = client.get(f"{url}?from=2026-04-01&to=2026-09-30")
    page = text_of(response)

    assert response.status_code == 200
    assert "Period: 1 April 2026 to 30 September 2026." in page
    assert "Summary by activity" in page
    # The exceptions list names the amber action with its commentary.
    assert PATROL_COMMENTARY in page
    assert 'href="?from=2026-04-01&amp;to=2026-09-30&amp;format=pdf"' in response.content.decode()

    pdf = client.get(f"{url}?from=2026-04-01&to=2026-09-30&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        'filename="derby-charter-scrutiny-2026-04-01-to-2026-09-30.pdf"'
        in (pdf["Content-Disposition"])
    )
    docx = client.get(f"{url}?format=docx")
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content.startswith(b"PK")


def test_report_period_must_make_sense(charter, olu):
    client = signed_in(olu)
    url = reverse("strategy-report", args=["derby-charter"])

    response = client.get(f"{url}?from=2026-09-30&to=2026-04-01")
    assert response.status_code == 400
    assert "The end of the period must be the same as or after its start" in text_of(response)
    assert client.get(f"{url}?from=tomorrow").status_code == 400
    assert client.get(f"{url}?from=2026-09-30&to=2026-04-01&format=pdf").status_code == 404
    assert client.get(f"{url}?format=exe").status_code == 404


def test_strategy_page_costs_the_same_queries_however_many_actions(
    charter, olu, django_assert_max_num_queries
):
    client = signed_in(olu)
    url = reverse("strategy-detail", args=["derby-charter"])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    plan = actions.create_plan(
        by=olu,
        strategy=charter.strategy,
        organisation=olu.organisation,
        title="Council action plan 2026 to 2027",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
    )
    objective = charter.strategy.objectives.get(code="3")
    for n in range(10):
        actions.create_action(
            by=olu, plan=plan, data={"title": f"Welcome event {n}", "objectives": [objective]}
        )

    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
