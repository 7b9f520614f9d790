"""The demo adds the Derby Charter with a year of synthetic progress, and Sheffield Together."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.models import Q

from cohesion.accounts.demo import load_accounts
from cohesion.accounts.models import Organisation
from cohesion.demo.registry import DemoContext
from cohesion.strategies.choices import Direction, Rag, Status, UpdateChannel
from cohesion.strategies.demo import LABEL, load_strategies
from cohesion.strategies.models import Action, ActionUpdate, Strategy
from cohesion.strategies.reminders import send_due_reminders
from cohesion.strategies.reviews import direction_since_last_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(geography):
    # Only the loaders the strategies need: accounts, then strategies (quick).
    context = DemoContext()
    load_accounts(context)
    return load_strategies(context)


def test_demo_adds_the_published_charter_with_a_year_of_synthetic_progress(lines):
    charter = Strategy.objects.get(slug="derby-charter-2014")
    assert lines[0] == (
        "Derby Cohesion and Integration Charter: 24 actions across 13 organisations, "
        "98 updates, 2 reviews taken, 4 meetings, 9 signatories (published)"
    )
    assert charter.is_published and charter.is_synthetic
    # The charter's own wording comes from the template; the progress is synthetic.
    assert charter.vision == "Working together for the common good."
    assert charter.objectives.count() == 7
    actions = Action.objects.filter(strategy=charter)
    assert actions.count() == 24
    assert all(a.title.endswith("(demo)") and LABEL in a.description for a in actions)
    assert len(set(actions.values_list("owner", flat=True))) == 13
    updates = ActionUpdate.objects.filter(action__strategy=charter)
    assert set(updates.values_list("channel", flat=True)) == {UpdateChannel.DEMO}
    assert updates.count() == 24 + 98  # the first row of each, then the year's updates

    reviews = list(charter.reviews.order_by("review_on"))
    assert [r.is_taken for r in reviews] == [True, True, False]
    assert [r.snapshots.count() for r in reviews] == [18, 20, 0]
    directions = set(direction_since_last_review(charter).values())
    assert {Direction.IMPROVED, Direction.WORSE, Direction.SAME, Direction.NEW} <= directions

    red = actions.filter(rag=Rag.RED)
    assert red.count() == 2
    assert all(a.corrective_action and a.commentary for a in red)
    assert actions.filter(rag=Rag.AMBER).exclude(commentary="").count() == 3
    assert actions.filter(status=Status.COMPLETE).count() == 4

    group = charter.leadership_group
    assert all(m.name.endswith("(demo)") for m in group.members.all())
    assert group.meetings.count() == 4
    assert actions.exclude(from_decision=None).count() == 3
    assert charter.signatories.count() == 9


def test_demo_adds_sheffield_together_with_three_partner_plans(lines):
    framework = Strategy.objects.get(slug="sheffield-together-2016")
    assert lines[1].startswith(
        "Sheffield Together: the Sheffield Cohesion Strategic Framework for Action: "
        "3 partners signed the commitment, each with a plan (9 actions)"
    )
    assert framework.is_synthetic and not framework.is_published
    partner_plans = framework.plans.exclude(organisation=framework.owner)
    assert sorted(partner_plans.values_list("organisation__name", flat=True)) == [
        "Sheffield Cohesion Advisory Group",
        "South Yorkshire Police",
        "University of Sheffield",
    ]
    assert sorted(framework.signatories.values_list("organisation__name", flat=True)) == [
        "Sheffield Cohesion Advisory Group",
        "South Yorkshire Police",
        "University of Sheffield",
    ]
    for plan in partner_plans:
        assert plan.actions.count() == 3
        # Each partner action serves at least one point of the Sheffield Commitment.
        assert not plan.actions.filter(objectives=None).exists()
        assert set(plan.actions.values_list("owner", flat=True)) == {plan.organisation_id}
    # The council's own portfolio plans from the template are still there, some under way.
    assert framework.plans.filter(organisation=framework.owner).count() == 6
    assert (
        framework.actions.filter(
            plan__organisation=framework.owner, status=Status.IN_PROGRESS
        ).count()
        == 8
    )
    assert framework.reviews.filter(taken_at__isnull=False).count() == 1
    made = Organisation.objects.filter(
        Q(name="Sheffield Cohesion Advisory Group") | Q(name="University of Sheffield")
    )
    assert all(o.is_synthetic for o in made)


def test_demo_reminders_go_to_the_demo_leads_with_stale_actions(lines):
    run = send_due_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "demo-officer@example.org",
        "demo-partner@example.org",
    ]
    assert run.actions == 2


def test_loading_the_strategies_twice_changes_nothing(lines):
    before = (Strategy.objects.count(), Action.objects.count())
    assert load_strategies(DemoContext()) == ["already loaded"]
    assert (Strategy.objects.count(), Action.objects.count()) == before
