"""Strategies loaded from the seed documents, in their own words, all or nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cohesion.accounts.models import OrganisationType, Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import loader
from cohesion.strategies.choices import StatementKind, Status, UpdateChannel
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    GroupMember,
    Objective,
    Strategy,
)
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> str:
    out = StringIO()
    call_command("strategy", *args, stdout=out)
    return out.getvalue()


def _statements(strategy: Strategy, kind: str) -> list[str]:
    return list(strategy.statements.filter(kind=kind).values_list("text", flat=True))


def test_derby_2007_has_the_vision_six_aims_eight_objectives_and_the_2007_8_plan(
    derby, derby_council
):
    strategy = loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)

    assert strategy.slug == "derby-2007"
    assert strategy.vision == "A city where people live together and respect each other"
    assert strategy.template == "derby-2007"
    assert "001_32219dab1c0b3812.txt" in strategy.source
    assert strategy.review_interval_months == 6
    aims = _statements(strategy, StatementKind.AIM)
    assert len(aims) == 6
    assert aims[2] == (
        "Those from different backgrounds have similar life opportunities, access to services "
        "and treatment;"
    )
    objectives = list(strategy.objectives.values_list("code", "title"))
    assert len(objectives) == 8
    first = (
        "The establishment of strong and effective leadership of community cohesion at city "
        "and community level."
    )
    assert objectives[0] == ("1", first)
    assert objectives[7] == ("8", "Effective interfaith work.")

    plan = ActionPlan.objects.get(strategy=strategy)
    assert plan.title == "The Community Cohesion Action plan 2007/8"
    assert (plan.starts_on, plan.ends_on) == (dt.date(2007, 4, 1), dt.date(2008, 3, 31))
    actions = Action.objects.filter(strategy=strategy)
    assert actions.count() == 16
    # Actions per objective, as the seed lists them: 5, 1, 3, 2, 2, 1, 1, 1.
    per_objective = [
        o.actions.count() for o in Objective.objects.filter(strategy=strategy).order_by("order")
    ]
    assert per_objective == [5, 1, 3, 2, 2, 1, 1, 1]
    muslim_forum = actions.get(reference="1.3")
    assert muslim_forum.title == (
        "Establish a 'Derby Muslim Forum' to provide 'One Voice – One Message' approach "  # noqa: RUF001
        "within Derby's Muslim community"
    )
    assert muslim_forum.lead_name == "Director of Derby Community safety Partnership"
    assert muslim_forum.owner == derby_council
    # The seed gives no action dates, so none are invented.
    assert not actions.exclude(starts_on=None).exists()
    assert not actions.exclude(due_on=None).exists()
    assert set(actions.values_list("status", flat=True)) == {Status.NOT_STARTED}
    assert strategy.leadership_group.name == "Community Cohesion Leadership Group"
    # Each action's history starts with the template.
    assert set(
        ActionUpdate.objects.filter(action__strategy=strategy).values_list("channel", flat=True)
    ) == {UpdateChannel.TEMPLATE}


def test_derby_charter_2014_has_the_vision_six_values_seven_activities_and_the_group(
    derby, derby_council, derbyshire_police
):
    strategy = loader.load_template(
        "derby-charter-2014", owner=derby_council, council=derby, by=None
    )

    assert strategy.vision == "Working together for the common good."
    assert strategy.kind == "charter"
    assert strategy.objective_label == "Activity"
    values = _statements(strategy, StatementKind.VALUE)
    assert len(values) == 6
    assert values[4].endswith("with a focus on what we have in common.")
    activities = list(strategy.objectives.values_list("title", flat=True))
    assert len(activities) == 7
    assert (
        activities[6] == "Deliver a New Communities Strategy focusing on the impacts of migration"
    )
    assert not strategy.plans.exists()

    group = strategy.leadership_group
    assert group.name == "Cohesion & Integration Leadership Group"
    assert group.remit.startswith(
        "Through Derby City & Neighbourhood Partnerships, a Cohesion & Integration Leadership "
        "Group has been established to:"
    )
    assert "- Assist the integration of new communities" in group.remit
    assert group.remit.count("\n- ") == 8
    members = GroupMember.objects.filter(group=group)
    assert members.count() == 19
    chair = members.get(role="chair")
    assert chair.name == "Cllr Asaf Afzal (Chair, Cabinet Member for Neighbourhoods)"
    # Matched by name where the organisation exists here, else the owner.
    assert members.get(name__startswith="Gary Parkin").organisation == derbyshire_police
    assert members.get(name__startswith="Jo Russo").organisation == derby_council


def test_sheffield_together_has_the_purpose_the_8_point_commitment_and_the_portfolio_plans(
    sheffield, sheffield_council
):
    strategy = loader.load_template(
        "sheffield-together-2016", owner=sheffield_council, council=sheffield, by=None
    )

    assert strategy.kind == "framework"
    assert strategy.purpose.startswith(
        "We, the people of Sheffield will continue to work towards making our city a place "
        "where everyone is made to feel welcome and valued"
    )
    commitments = list(strategy.commitments.values_list("number", "text"))
    assert [n for n, _ in commitments] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert commitments[6][1] == (
        "The Sheffield Commitment is supported by leaders from all sectors in Sheffield."
    )
    assert strategy.objectives.count() == 8
    assert strategy.objectives.get(code="4").title == "Tackle issues of inequality and injustice"
    assert len(_statements(strategy, StatementKind.PRINCIPLE)) == 6

    plans = list(strategy.plans.order_by("pk").values_list("title", flat=True))
    assert plans == [
        "The SCC Cohesion Action plan: Council wide",
        "The SCC Cohesion Action plan: Communities",
        "The SCC Cohesion Action plan: Children, young people and families (CYPF)",
        "The SCC Cohesion Action plan: Place",
        "The SCC Cohesion Action plan: Resources",
        "The SCC Cohesion Action plan: English Language Throughout",
    ]
    per_plan = [p.actions.count() for p in strategy.plans.order_by("pk")]
    assert per_plan == [2, 15, 3, 3, 1, 1]
    fund = Action.objects.get(strategy=strategy, reference="2.05")
    assert fund.title.startswith("Creation of a new £30,000 fund for groups")
    place = Action.objects.filter(strategy=strategy, plan__title__endswith="Place")
    assert set(place.values_list("lead_name", flat=True)) == {"Karen Lewis"}


def test_loading_twice_under_the_same_slug_is_refused_and_changes_nothing(derby, derby_council):
    loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)
    before = (Strategy.objects.count(), Action.objects.count(), AuditEvent.objects.count())

    with pytest.raises(loader.TemplateError, match="already exists"):
        loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)

    assert (Strategy.objects.count(), Action.objects.count(), AuditEvent.objects.count()) == before
    # Under another short name it loads again, separately.
    again = loader.load_template(
        "derby-2007", owner=derby_council, council=derby, by=None, slug="derby-2007-copy"
    )
    assert again.actions.count() == 16


def test_loading_is_audited_as_the_template_loaded(derby, derby_council):
    strategy = loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)
    event = AuditEvent.objects.get(action=AuditAction.STRATEGY_TEMPLATE_LOADED)
    assert event.target_id == str(strategy.uuid)
    assert event.detail["template"] == "derby-2007"
    assert event.detail["counts"]["actions"] == 16


def test_a_failure_part_way_leaves_nothing_behind(derby, derby_council, monkeypatch):
    real_create_action = loader.actions.create_action
    made = []

    def fail_on_the_tenth(**kwargs):
        if len(made) == 9:
            raise loader.actions.ActionInvalid({"title": "Enter the action's title"})
        made.append(real_create_action(**kwargs))
        return made[-1]

    monkeypatch.setattr(loader.actions, "create_action", fail_on_the_tenth)
    with pytest.raises(loader.TemplateError, match="could not be loaded"):
        loader.load_template("derby-2007", owner=derby_council, council=derby, by=None)
    assert len(made) == 9
    assert not Strategy.objects.exists()
    assert not Action.objects.exists()


def test_only_an_officer_of_the_owner_may_load_a_template(derby, derby_council, sheffield):
    from django.core.exceptions import PermissionDenied

    other = make_organisation("Sheffield City Council", OrganisationType.COUNCIL, sheffield)
    officer = make_user("sally", other, Role.COHESION_OFFICER)
    with pytest.raises(PermissionDenied):
        loader.load_template("derby-2007", owner=derby_council, council=derby, by=officer)
    assert not Strategy.objects.exists()


def test_unknown_template_names_the_ones_there_are(derby_council):
    with pytest.raises(loader.TemplateError) as error:
        loader.load_template("leeds-2020", owner=derby_council, council=None, by=None)
    assert str(error.value) == (
        "There is no template called “leeds-2020”. Templates: "
        "derby-2007, derby-charter-2014, sheffield-together-2016"
    )


def test_cli_lists_the_templates_with_sources_and_counts():
    output = _cli("templates")
    assert (
        "derby-2007\n  City of Derby Community Cohesion Strategy July 2007 (strategy)\n" in output
    )
    assert "contains: 6 aims, 8 objectives, 1 plan, 16 actions\n" in output
    assert "contains: 1 aim, 6 values, 7 objectives, 19 group members\n" in output
    assert "contains: 6 principles, 8 objectives, 8 commitments, 6 plans, 25 actions\n" in output
    assert "source: Derby City Council, Neighbourhoods O&S Board, 18 November 2014" in output


def test_cli_loads_for_the_council_the_template_names(derby, derby_council, sheffield):
    # Another council-type organisation in Derby does not confuse the default.
    make_organisation(
        "East Midlands Councils Strategic Migration Partnership", OrganisationType.COUNCIL, derby
    )
    output = _cli("load-template", "derby-charter-2014")
    strategy = Strategy.objects.get(slug="derby-charter-2014")
    assert (strategy.owner, strategy.council) == (derby_council, derby)
    assert output == (
        "Loaded derby-charter-2014 as “Derby Cohesion and Integration Charter” (short name "
        "derby-charter-2014), owned by Derby City Council, council Derby: 1 aim, 6 values, "
        "7 objectives, 19 group members.\n"
    )
    event = AuditEvent.objects.get(action=AuditAction.STRATEGY_TEMPLATE_LOADED)
    assert (event.channel, event.actor_username) == ("cli", "system")


def test_cli_takes_owner_council_and_slug(derby, sheffield, derby_council):
    partner = make_organisation("Sheffield Cohesion Advisory Group", "voluntary_community")
    _cli(
        "load-template",
        "sheffield-together-2016",
        "--owner",
        "Sheffield Cohesion Advisory Group",
        "--council",
        "E08000019",
        "--slug",
        "sheffield-together",
    )
    strategy = Strategy.objects.get(slug="sheffield-together")
    assert (strategy.owner, strategy.council) == (partner, sheffield)
    assert set(strategy.plans.values_list("organisation", flat=True)) == {partner.pk}


def test_cli_refuses_clearly(derby, derby_council):
    with pytest.raises(CommandError, match="There is no template called “nope”"):
        _cli("load-template", "nope")
    with pytest.raises(CommandError, match="No organisation called 'Nobody'"):
        _cli("load-template", "derby-2007", "--owner", "Nobody")
    with pytest.raises(CommandError, match="No council area with the GSS code 'E99999999'"):
        _cli("load-template", "derby-2007", "--council", "E99999999")
    with pytest.raises(CommandError, match="Sheffield City Council is not set up here"):
        _cli("load-template", "sheffield-together-2016")
    with pytest.raises(CommandError, match="cannot be a short name"):
        _cli("load-template", "derby-2007", "--slug", "Derby 2007")
    _cli("load-template", "derby-2007")
    with pytest.raises(CommandError, match=r"already exists .* nothing was loaded"):
        _cli("load-template", "derby-2007")
    assert Strategy.objects.count() == 1


def test_cli_as_a_person_is_checked_and_audited_as_them(derby, derby_council, olu, sam):
    with pytest.raises(CommandError, match="sam may not start a strategy for Derby City Council"):
        _cli("load-template", "derby-2007", "--as-user", "sam")
    assert not Strategy.objects.exists()
    _cli("load-template", "derby-2007", "--as-user", "olu")
    event = AuditEvent.objects.get(action=AuditAction.STRATEGY_TEMPLATE_LOADED)
    assert event.actor_username == "olu"
