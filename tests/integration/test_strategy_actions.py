"""Strategy actions: the rules, history, versions, roll-up, reviews, who may do what, audit.

The fixture is a small Derby charter with hand-computed figures:

    objective 1 (weight 2): A1 in progress 40% (w1), A2 complete (w3), A4 cancelled 10%
    objective 2 (weight 1): A2, A3 in progress amber 20% (police), A5 not started (police)
    objective 3 (weight 1): no actions

    objective 1 progress = (1*40 + 3*100) / 4 = 85.0   (A4 cancelled: left out)
    objective 2 progress = (3*100 + 1*20 + 1*0) / 5 = 64.0
    strategy progress    = (2*85 + 1*64) / 3 = 78.0
    all actions          = (40 + 300 + 20 + 0) / 6 = 60.0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cohesion.accounts.models import Organisation, Role
from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import actions
from cohesion.strategies.access import actions_visible_to, strategies_visible_to
from cohesion.strategies.choices import (
    Direction,
    MemberRole,
    Rag,
    Status,
    StrategyKind,
    UpdateChannel,
)
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Objective,
    ReviewSnapshot,
    Strategy,
)
from cohesion.strategies.reviews import (
    add_months,
    direction_since_last_review,
    due_review_dates,
    next_review_date,
)
from cohesion.strategies.rollup import roll_up
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@dataclass
class Charter:
    strategy: Strategy
    objectives: dict[str, Objective]
    council_plan: ActionPlan
    police_plan: ActionPlan
    actions: dict[str, Action]


def build_charter(by, council: Area, police: Organisation) -> Charter:
    """The Derby charter of the module docstring, built through the actions as a loader would."""
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
                {"code": "2", "title": "Tackle hate crime"},
                {"code": "3", "title": "Welcome new arrivals"},
            ],
            "statements": [{"kind": "value", "title": "Respect", "text": "We respect each other."}],
            "commitments": ["Promote cohesion in everything we do."],
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
    o1, o2 = objectives["1"], objectives["2"]
    rows: dict[str, tuple[ActionPlan, dict[str, Any]]] = {
        "A1": (
            council_plan,
            {
                "title": "Community festival in the Arboretum",
                "objectives": [o1],
                "status": Status.IN_PROGRESS,
                "rag": Rag.GREEN,
                "progress": 40,
                "commentary": "Stalls booked.",
            },
        ),
        "A2": (
            council_plan,
            {
                "title": "Hate crime reporting centres",
                "objectives": [o1, o2],
                "status": Status.COMPLETE,
                "completed_on": dt.date(2025, 9, 30),
                "weight": 3,
            },
        ),
        "A3": (
            police_plan,
            {
                "title": "Neighbourhood engagement patrols",
                "objectives": [o2],
                "status": Status.IN_PROGRESS,
                "rag": Rag.AMBER,
                "progress": 20,
                "commentary": "Two posts vacant.",
            },
        ),
        "A4": (
            council_plan,
            {
                "title": "Town twinning programme",
                "objectives": [o1],
                "status": Status.CANCELLED,
                "progress": 10,
            },
        ),
        "A5": (
            police_plan,
            {"title": "Police cadets outreach", "objectives": [o2]},
        ),
    }
    made = {}
    for number, (name, (plan, data)) in enumerate(rows.items(), start=1):
        made[name] = actions.create_action(
            by=by, plan=plan, data={"reference": f"{number}", **data}
        )
    return Charter(strategy, objectives, council_plan, police_plan, made)


@pytest.fixture
def charter(olu, derby, derbyshire_police) -> Charter:
    return build_charter(olu, derby, derbyshire_police)


def fresh(action: Action) -> Action:
    return Action.objects.get(pk=action.pk)


# --- the rules --------------------------------------------------------------------------


def test_a_red_action_without_a_corrective_action_is_refused_and_nothing_is_saved(charter, olu):
    a1 = charter.actions["A1"]
    audit_before = AuditEvent.objects.count()
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(
            by=olu,
            action=a1,
            data={"rag": Rag.RED, "commentary": "Venue lost.", "title": "Festival moved"},
            expected_version=1,
        )
    assert refused.value.problems == {
        "corrective_action": (
            "Enter the corrective action: a red action needs a note of what is being done about it"
        )
    }
    after = fresh(a1)
    assert (after.rag, after.title, after.version) == (Rag.GREEN, a1.title, 1)
    assert after.updates.count() == 1
    assert AuditEvent.objects.count() == audit_before

    saved = actions.update_action(
        by=olu,
        action=a1,
        data={"rag": Rag.RED, "commentary": "Venue lost.", "corrective_action": "New venue."},
        expected_version=1,
    )
    assert (saved.rag, saved.corrective_action, saved.version) == (Rag.RED, "New venue.", 2)


def test_complete_needs_a_completion_date_that_has_passed(charter, olu):
    a1 = charter.actions["A1"]
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(by=olu, action=a1, data={"status": Status.COMPLETE})
    assert refused.value.problems == {"completed_on": "Enter the date the action was completed"}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(
            by=olu, action=a1, data={"status": Status.COMPLETE, "completed_on": tomorrow}
        )
    assert refused.value.problems == {
        "completed_on": "The completion date must be today or in the past"
    }
    assert fresh(a1).status == Status.IN_PROGRESS

    done = actions.update_action(
        by=olu,
        action=a1,
        data={"status": Status.COMPLETE, "completed_on": "2025-10-01"},
    )
    # Complete carries 100% and drops the RAG (only actions in progress have one).
    assert (done.status, done.completed_on, done.progress, done.rag) == (
        Status.COMPLETE,
        dt.date(2025, 10, 1),
        100,
        "",
    )
    # Re-opening drops the completion date without being asked.
    reopened = actions.update_action(
        by=olu,
        action=done,
        data={"status": Status.IN_PROGRESS, "rag": Rag.GREEN, "progress": 90},
    )
    assert (reopened.completed_on, reopened.progress) == (None, 90)


def test_rag_only_for_an_action_in_progress(charter, olu):
    a5 = charter.actions["A5"]
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(by=olu, action=a5, data={"rag": Rag.GREEN})
    assert refused.value.problems == {
        "rag": "Only an action in progress has a RAG rating: clear it or change the status"
    }
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(by=olu, action=a5, data={"status": Status.IN_PROGRESS})
    assert refused.value.problems == {"rag": "Choose a RAG rating for an action in progress"}
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(
            by=olu, action=a5, data={"status": Status.IN_PROGRESS, "rag": Rag.AMBER}
        )
    assert refused.value.problems == {
        "commentary": "Enter commentary that explains the amber or red rating"
    }
    assert fresh(a5).version == 1

    # Deferring an action in progress clears its RAG rather than refusing.
    a3 = actions.update_action(
        by=olu, action=charter.actions["A3"], data={"status": Status.DEFERRED}
    )
    assert (a3.status, a3.rag, a3.progress) == (Status.DEFERRED, "", 20)


def test_status_sets_the_default_progress(charter, olu):
    a1 = actions.update_action(
        by=olu, action=charter.actions["A1"], data={"status": Status.NOT_STARTED, "progress": 55}
    )
    assert (a1.progress, a1.rag) == (0, "")
    assert charter.actions["A2"].progress == 100


def test_field_problems_come_together_and_nothing_is_half_saved(charter, olu, sam):
    a1 = charter.actions["A1"]
    sheffield_strategy = actions.create_strategy(
        by=sam, data={"title": "Sheffield Together", "objectives": [{"code": "1", "title": "X"}]}
    )
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_action(
            by=olu,
            action=a1,
            data={
                "title": "  ",
                "progress": "lots",
                "due_on": "31/03/2026",
                "objectives": list(sheffield_strategy.objectives.all()),
                "commentary": "Changed",
            },
        )
    assert refused.value.problems == {
        "title": "Enter the action's title",
        "progress": "Progress must be a whole number from 0 to 100",
        "due_on": "Enter a real date, for example 2026-03-31",
        "objectives": "Choose objectives of this strategy",
    }
    after = fresh(a1)
    assert (after.commentary, after.version) == ("Stalls booked.", 1)
    assert [o.code for o in after.objectives.all()] == ["1"]


# --- history and versions ---------------------------------------------------------------


def test_each_update_is_kept_with_what_changed(charter, olu, derby_council):
    a5 = charter.actions["A5"]
    first = a5.updates.get()
    assert first.made_by == olu
    assert first.changes["title"] == [None, "Police cadets outreach"]
    assert first.changes["objectives"] == [None, ["2"]]
    assert first.changes["owner"] == [None, "Derbyshire Constabulary"]

    lead = make_user("lee", derby_council, Role.COHESION_OFFICER, first_name="Lee", last_name="Ng")
    updated = actions.update_action(
        by=olu,
        action=a5,
        data={
            "status": Status.IN_PROGRESS,
            "rag": Rag.GREEN,
            "progress": 15,
            "objectives": [charter.objectives["1"], charter.objectives["2"]],
            "lead": lead,
            "owner": derby_council,
            "due_on": dt.date(2026, 3, 31),
        },
        expected_version=1,
        channel=UpdateChannel.API,
    )
    assert updated.version == 2
    assert updated.lead_name == "Lee Ng"
    latest = updated.updates.first()
    assert latest.channel == UpdateChannel.API
    assert latest.made_by_name == "Olu Tester"
    assert (latest.status, latest.rag, latest.progress) == (Status.IN_PROGRESS, Rag.GREEN, 15)
    assert latest.changes == {
        "status": ["not_started", "in_progress"],
        "rag": ["", "green"],
        "progress": [0, 15],
        "due_on": [None, "2026-03-31"],
        "owner": ["Derbyshire Constabulary", "Derby City Council"],
        "lead": [None, "Lee Ng"],
        "lead_name": ["", "Lee Ng"],
        "objectives": [["2"], ["1", "2"]],
    }
    assert updated.last_update_at == latest.made_at
    assert fresh(a5).version == 2
    assert a5.updates.count() == 2


def test_an_update_that_changes_nothing_still_counts_as_an_update(charter, olu):
    a1 = charter.actions["A1"]
    again = actions.update_action(by=olu, action=a1, data={"rag": Rag.GREEN}, expected_version=1)
    assert again.version == 2
    assert again.updates.first().changes == {}
    assert again.last_update_at >= a1.last_update_at


def test_a_loader_can_date_the_history(charter, olu):
    when = dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC)
    earlier = dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC)
    plan = charter.council_plan
    action = actions.create_action(
        by=None,
        plan=plan,
        data={"title": "Faith leaders forum"},
        channel=UpdateChannel.DEMO,
        made_at=earlier,
    )
    assert action.last_update_at == earlier
    assert action.updates.get().made_by_name == "System"
    action = actions.update_action(
        by=None,
        action=action,
        data={"status": Status.IN_PROGRESS, "rag": Rag.GREEN, "progress": 10},
        channel=UpdateChannel.DEMO,
        made_at=when,
    )
    assert action.last_update_at == when
    assert list(action.updates.values_list("made_at", flat=True)) == [when, earlier]
    event = AuditEvent.objects.filter(action=AuditAction.ACTION_UPDATED).first()
    assert event.actor_username == "system"


def test_a_stale_version_is_refused_and_nothing_changes(charter, olu, pat):
    a3 = charter.actions["A3"]
    actions.update_action(by=pat, action=a3, data={"progress": 30}, expected_version=1)
    with pytest.raises(actions.StaleAction) as stale:
        actions.update_action(by=olu, action=a3, data={"progress": 25}, expected_version=1)
    assert (stale.value.current_version, stale.value.expected_version) == (2, 1)
    after = fresh(a3)
    assert (after.progress, after.version, after.updates.count()) == (30, 2, 2)


# --- roll-up and reviews ----------------------------------------------------------------


def test_roll_up_on_known_figures(charter):
    rollup = roll_up(charter.strategy)
    by_code = {r.objective.code: r.rollup for r in rollup.objectives}
    one, two, three = by_code["1"], by_code["2"], by_code["3"]
    assert one.progress == 85.0
    assert one.total == 3
    assert dict(one.by_status) == {"in_progress": 1, "complete": 1, "cancelled": 1}
    assert dict(one.by_rag) == {"green": 1}
    # A2 serves both objectives and counts in each.
    assert two.progress == 64.0
    assert dict(two.by_status) == {"complete": 1, "in_progress": 1, "not_started": 1}
    assert dict(two.by_rag) == {"amber": 1}
    assert (three.total, three.progress) == (0, None)
    assert rollup.progress == 78.0
    assert rollup.actions.progress == 60.0
    assert rollup.actions.total == 5


def test_a_review_snapshots_every_action_and_gives_direction_of_travel(charter, olu):
    a = charter.actions
    review = actions.take_review(by=olu, strategy=charter.strategy, review_on=dt.date(2025, 9, 30))
    assert review.title == "Review at 30 September 2025"
    assert review.taken_by == olu and review.is_taken
    snapshots = {s.action_id: s for s in ReviewSnapshot.objects.filter(review=review)}
    assert len(snapshots) == 5
    assert (snapshots[a["A3"].pk].status, snapshots[a["A3"].pk].rag) == ("in_progress", "amber")
    assert set(direction_since_last_review(charter.strategy).values()) == {Direction.SAME}

    actions.update_action(
        by=olu,
        action=a["A1"],
        data={"rag": Rag.RED, "commentary": "Venue lost.", "corrective_action": "New venue."},
    )
    actions.update_action(by=olu, action=a["A3"], data={"rag": Rag.GREEN})
    actions.update_action(
        by=olu, action=a["A5"], data={"status": Status.IN_PROGRESS, "rag": Rag.GREEN}
    )
    new = actions.create_action(by=olu, plan=charter.council_plan, data={"title": "Youth forum"})
    directions = direction_since_last_review(charter.strategy)
    assert directions == {
        a["A1"].pk: Direction.WORSE,
        a["A2"].pk: Direction.SAME,
        a["A3"].pk: Direction.IMPROVED,
        a["A4"].pk: Direction.SAME,
        a["A5"].pk: Direction.IMPROVED,
        new.pk: Direction.NEW,
    }

    # The next review freezes those; asked about it, the comparison is with the first.
    second = actions.take_review(
        by=olu, strategy=charter.strategy, review_on=dt.date(2026, 3, 31), title="Year end"
    )
    assert direction_since_last_review(charter.strategy, at=second)[a["A1"].pk] == Direction.WORSE
    assert direction_since_last_review(charter.strategy, at=review)[a["A1"].pk] == Direction.NEW
    # ...and the actions now compare with the second.
    assert direction_since_last_review(charter.strategy)[a["A1"].pk] == Direction.SAME

    with pytest.raises(actions.ActionInvalid) as refused:
        actions.take_review(by=olu, strategy=charter.strategy, review_on=dt.date(2026, 3, 31))
    assert refused.value.problems == {"review_on": "A review for this date has already been taken"}


def test_review_dates_follow_the_interval_from_the_start_or_the_last_review(charter, olu):
    strategy = charter.strategy
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert due_review_dates(strategy, dt.date(2025, 5, 1)) == [dt.date(2025, 10, 1)]
    # Two missed reviews are overdue before the next one.
    assert due_review_dates(strategy, dt.date(2026, 11, 2)) == [
        dt.date(2025, 10, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 10, 1),
        dt.date(2027, 4, 1),
    ]
    actions.take_review(by=olu, strategy=strategy, review_on=dt.date(2026, 9, 30))
    assert due_review_dates(strategy, dt.date(2026, 11, 2)) == [dt.date(2027, 3, 30)]
    actions.update_strategy(by=olu, strategy=strategy, data={"review_interval_months": 3})
    strategy.refresh_from_db()
    assert next_review_date(strategy, dt.date(2026, 11, 2)) == dt.date(2026, 12, 30)
    # Nothing after the strategy ends.
    assert next_review_date(strategy, dt.date(2028, 3, 1)) == dt.date(2028, 3, 30)
    assert next_review_date(strategy, dt.date(2028, 4, 1)) is None


# --- who may do what --------------------------------------------------------------------


def test_a_partner_updates_only_its_own_organisations_actions(charter, pat, derby_council):
    with pytest.raises(PermissionDenied):
        actions.update_action(by=pat, action=charter.actions["A1"], data={"progress": 50})
    assert fresh(charter.actions["A1"]).progress == 40

    own = actions.update_action(by=pat, action=charter.actions["A3"], data={"progress": 35})
    assert own.progress == 35
    # ...but may not hand it to another organisation.
    with pytest.raises(PermissionDenied):
        actions.update_action(by=pat, action=own, data={"owner": derby_council})
    assert fresh(own).owner == own.owner

    created = actions.create_action(
        by=pat, plan=charter.police_plan, data={"title": "Hate crime surgery"}
    )
    assert created.owner.name == "Derbyshire Constabulary"
    with pytest.raises(PermissionDenied):
        actions.create_action(by=pat, plan=charter.council_plan, data={"title": "Not ours"})
    with pytest.raises(PermissionDenied):
        actions.create_action(
            by=pat, plan=charter.police_plan, data={"title": "Yours", "owner": derby_council}
        )


def test_only_managers_run_the_strategy(charter, pat, vic, derby_council, derbyshire_police):
    strategy = charter.strategy
    plan = actions.create_plan(
        by=pat,
        strategy=strategy,
        organisation=derbyshire_police,
        title="Police plan 2026 to 2027",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
    )
    assert plan.organisation == derbyshire_police
    manager_only = [
        lambda: actions.create_plan(
            by=pat,
            strategy=strategy,
            organisation=derby_council,
            title="Council plan",
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2027, 3, 31),
        ),
        lambda: actions.take_review(by=pat, strategy=strategy, review_on=dt.date(2025, 9, 30)),
        lambda: actions.sign_commitment(
            by=pat,
            strategy=strategy,
            organisation=derbyshire_police,
            signed_by="Chief Constable",
            signed_by_role="Chief Constable",
            signed_on=dt.date(2025, 5, 1),
        ),
        lambda: actions.set_leadership_group(by=pat, strategy=strategy, name="Board", remit=""),
        lambda: actions.update_strategy(by=pat, strategy=strategy, data={"title": "Ours"}),
        lambda: actions.add_objective(by=pat, strategy=strategy, code="4", title="More"),
        lambda: actions.update_action(by=vic, action=charter.actions["A1"], data={}),
    ]
    for attempt in manager_only:
        with pytest.raises(PermissionDenied):
            attempt()


def test_sheffield_sees_and_changes_nothing_of_derby(charter, sam):
    assert not strategies_visible_to(sam).exists()
    assert not actions_visible_to(sam).exists()
    with pytest.raises(PermissionDenied):
        actions.update_action(by=sam, action=charter.actions["A1"], data={"progress": 1})
    with pytest.raises(PermissionDenied):
        actions.create_action(by=sam, plan=charter.council_plan, data={"title": "Ours now"})
    with pytest.raises(PermissionDenied):
        actions.take_review(by=sam, strategy=charter.strategy, review_on=dt.date(2025, 9, 30))
    with pytest.raises(PermissionDenied):
        actions.create_plan(
            by=sam,
            strategy=charter.strategy,
            organisation=sam.organisation,
            title="Sheffield's plan",
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2026, 3, 31),
        )
    # A cohesion officer starts strategies only for their own organisation.
    with pytest.raises(PermissionDenied):
        actions.create_strategy(
            by=sam, data={"title": "Derby by Sheffield", "owner": charter.strategy.owner}
        )


# --- strategy, partners, leadership group -----------------------------------------------


def test_strategy_fields_are_checked_and_changes_recorded(charter, olu):
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.create_strategy(
            by=olu,
            data={
                "title": "Another",
                "slug": "derby-charter",
                "starts_on": dt.date(2025, 1, 1),
                "ends_on": dt.date(2024, 1, 1),
                "rag_amber_behind": 30,
                "rag_red_behind": 20,
                "objectives": [{"code": "1", "title": "A"}, {"code": "1", "title": "B"}],
            },
        )
    assert refused.value.problems == {
        "slug": "A strategy already has this short name: choose another",
        "ends_on": "The end date must be the same as or after the start date",
        "rag_red_behind": "The red threshold must be the same as or more than the amber threshold",
        "objectives": "Each objective needs its own number",
    }
    assert Strategy.objects.count() == 1

    changed = actions.update_strategy(
        by=olu, strategy=charter.strategy, data={"rag_amber_behind": 5, "is_published": True}
    )
    assert (changed.rag_amber_behind, changed.is_published) == (5, True)
    event = AuditEvent.objects.filter(action=AuditAction.STRATEGY_CHANGED).first()
    assert event.detail["changes"] == {"rag_amber_behind": [10, 5], "is_published": [False, True]}

    objective = actions.add_objective(
        by=olu, strategy=charter.strategy, code="4", title="Shared spaces"
    )
    assert objective.order == 4
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.update_objective(by=olu, objective=objective, data={"code": "1"})
    assert refused.value.problems == {"code": "Another objective of this strategy has this number"}


def test_partners_sign_the_commitment_once(charter, olu, derbyshire_police):
    signatory = actions.sign_commitment(
        by=olu,
        strategy=charter.strategy,
        organisation=derbyshire_police,
        signed_by="Rachel Swann",
        signed_by_role="Chief Constable",
        signed_on=dt.date(2025, 5, 1),
    )
    assert signatory.recorded_by == olu
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.sign_commitment(
            by=olu,
            strategy=charter.strategy,
            organisation=derbyshire_police,
            signed_by="Someone else",
            signed_by_role="Deputy",
            signed_on=dt.date(2025, 6, 1),
        )
    assert refused.value.problems == {
        "organisation": "Derbyshire Constabulary has already signed this commitment"
    }


def test_leadership_group_meetings_decisions_and_the_actions_they_create(
    charter, olu, derby_council, derbyshire_police
):
    group = actions.set_leadership_group(
        by=olu, strategy=charter.strategy, name="Cohesion Leadership Group", remit="Steer."
    )
    again = actions.set_leadership_group(
        by=olu, strategy=charter.strategy, name="Cohesion Leadership Group", remit="Steer it."
    )
    assert again.pk == group.pk and again.remit == "Steer it."
    chair = actions.add_group_member(
        by=olu, group=group, organisation=derby_council, name="Cllr Shah", role=MemberRole.CHAIR
    )
    with pytest.raises(actions.ActionInvalid):
        actions.add_group_member(
            by=olu, group=group, organisation=derbyshire_police, name="X", role="boss"
        )
    meeting = actions.record_meeting(
        by=olu,
        group=group,
        held_on=dt.date(2025, 6, 12),
        title="June meeting",
        notes="Quorate.",
        decisions=["Run a festival", "Review hate crime reporting"],
        attendees=[chair],
    )
    assert [(d.number, d.text) for d in meeting.decisions.all()] == [
        (1, "Run a festival"),
        (2, "Review hate crime reporting"),
    ]
    assert list(meeting.attendees.all()) == [chair]
    decision = meeting.decisions.get(number=1)
    action = actions.create_action(
        by=olu,
        plan=charter.council_plan,
        data={"title": "Summer festival", "from_decision": decision},
    )
    assert list(decision.actions.all()) == [action]


def test_milestones_are_added_and_completed_on_the_actions_history(charter, olu, pat):
    a3 = charter.actions["A3"]
    milestone = actions.add_milestone(
        by=pat, action=a3, title="Patrol rota agreed", due_on=dt.date(2025, 7, 1)
    )
    with pytest.raises(PermissionDenied):
        actions.add_milestone(
            by=pat, action=charter.actions["A1"], title="Not ours", due_on=dt.date(2025, 7, 1)
        )
    actions.complete_milestone(by=pat, milestone=milestone, completed_on=dt.date(2025, 6, 28))
    milestone.refresh_from_db()
    assert milestone.completed_on == dt.date(2025, 6, 28)
    history = [u.changes for u in ActionUpdate.objects.filter(action=a3)]
    assert history[0] == {
        "milestone: Patrol rota agreed": ["due 2025-07-01", "completed 2025-06-28"]
    }
    assert history[1] == {"milestones": [None, "Patrol rota agreed (due 2025-07-01)"]}
    # Milestones do not move the version: nobody's open edit form goes stale.
    assert fresh(a3).version == 1


def test_every_change_is_audited(charter, olu, derbyshire_police):
    a1 = charter.actions["A1"]
    actions.update_action(by=olu, action=a1, data={"progress": 45})
    actions.take_review(by=olu, strategy=charter.strategy, review_on=dt.date(2025, 9, 30))
    actions.sign_commitment(
        by=olu,
        strategy=charter.strategy,
        organisation=derbyshire_police,
        signed_by="Rachel Swann",
        signed_by_role="Chief Constable",
        signed_on=dt.date(2025, 5, 1),
    )
    group = actions.set_leadership_group(by=olu, strategy=charter.strategy, name="LG", remit="")
    actions.record_meeting(
        by=olu, group=group, held_on=dt.date(2025, 6, 1), title="M", notes="", decisions=[]
    )
    counts = {
        action: AuditEvent.objects.filter(action=action, actor_username="olu").count()
        for action in (
            AuditAction.STRATEGY_CREATED,
            AuditAction.PLAN_CREATED,
            AuditAction.ACTION_CREATED,
            AuditAction.ACTION_UPDATED,
            AuditAction.REVIEW_TAKEN,
            AuditAction.COMMITMENT_SIGNED,
            AuditAction.LEADERSHIP_CHANGED,
            AuditAction.MEETING_RECORDED,
        )
    }
    assert counts == {
        AuditAction.STRATEGY_CREATED: 1,
        AuditAction.PLAN_CREATED: 2,
        AuditAction.ACTION_CREATED: 5,
        AuditAction.ACTION_UPDATED: 1,
        AuditAction.REVIEW_TAKEN: 1,
        AuditAction.COMMITMENT_SIGNED: 1,
        AuditAction.LEADERSHIP_CHANGED: 1,
        AuditAction.MEETING_RECORDED: 1,
    }
    update = AuditEvent.objects.get(action=AuditAction.ACTION_UPDATED)
    assert update.target_id == str(a1.uuid)
    assert update.detail["changes"] == {"progress": [40, 45]}
    assert update.detail["version"] == 2
    # The police's administrators can find changes to the police's actions.
    police_action = AuditEvent.objects.get(
        action=AuditAction.ACTION_CREATED, target_id=str(charter.actions["A3"].uuid)
    )
    assert police_action.detail["target_organisation"] == str(derbyshire_police.uuid)
    review = AuditEvent.objects.get(action=AuditAction.REVIEW_TAKEN)
    assert review.detail["actions"] == 5
