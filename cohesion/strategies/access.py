"""Who may see and change strategies, plans and actions.

Strategies are partnership documents, so anyone with the view right whose
organisation owns the strategy, works in its council or takes part in it
(signed its commitment or holds a plan under it) reads all of it. Changing
things is narrower: the owner organisation's cohesion officers run the whole
strategy; a partner updates only the actions its own organisation owns. An
action someone may not change is a 404 on its edit page and in the API, the
same as a missing one.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.lib.ids import uuid_or_404
from cohesion.strategies.models import Action, ActionPlan, Strategy


def strategies_visible_to(user: User) -> QuerySet[Strategy]:
    if user.is_superuser:
        return Strategy.objects.all()
    if not has_permission(user, Permission.STRATEGY_VIEW):
        return Strategy.objects.none()
    org = user.organisation_id
    return Strategy.objects.filter(
        Q(owner_id=org)
        | Q(council__in=areas_in_scope(user).values("id"))
        | Q(signatories__organisation_id=org)
        | Q(plans__organisation_id=org)
    ).distinct()


def published_strategies() -> QuerySet[Strategy]:
    """What anyone may read on the public pages."""
    return Strategy.objects.filter(is_published=True)


def get_strategy_for_user(user: User, slug: str) -> Strategy:
    strategy = (
        strategies_visible_to(user).select_related("owner", "council").filter(slug=slug).first()
    )
    if strategy is None:
        raise Http404
    return strategy


def can_manage_strategy(user: User, strategy: Strategy) -> bool:
    """Run the strategy: objectives, plans, reviews, every action, partners, the group."""
    if user.is_superuser:
        return True
    return (
        has_permission(user, Permission.STRATEGY_MANAGE)
        and strategy.owner_id == user.organisation_id
    )


def get_strategy_for_manager(user: User, slug: str) -> Strategy:
    strategy = get_strategy_for_user(user, slug)
    if not can_manage_strategy(user, strategy):
        raise Http404
    return strategy


def actions_visible_to(user: User) -> QuerySet[Action]:
    return Action.objects.filter(strategy__in=strategies_visible_to(user).values("id"))


def get_action_for_user(user: User, action_uuid: str | uuid.UUID) -> Action:
    action = (
        actions_visible_to(user)
        .select_related("strategy", "strategy__owner", "plan", "owner", "lead")
        .filter(uuid=uuid_or_404(action_uuid))
        .first()
    )
    if action is None:
        raise Http404
    return action


def can_update_action(user: User, action: Action) -> bool:
    if can_manage_strategy(user, action.strategy):
        return True
    return (
        has_permission(user, Permission.ACTION_UPDATE)
        and action.owner_id == user.organisation_id
        and user.organisation_id is not None
    )


def get_action_for_update(user: User, action_uuid: str | uuid.UUID) -> Action:
    """The action, if this person may change it; otherwise the same 404 as a missing one."""
    action = get_action_for_user(user, action_uuid)
    if not can_update_action(user, action):
        raise Http404
    return action


def can_edit_plan(user: User, plan: ActionPlan) -> bool:
    """Add actions to a plan: the strategy's managers, or the partner whose plan it is."""
    if can_manage_strategy(user, plan.strategy):
        return True
    return (
        has_permission(user, Permission.ACTION_UPDATE)
        and plan.organisation_id == user.organisation_id
        and user.organisation_id is not None
    )


def get_plan_for_editor(user: User, plan_uuid: str | uuid.UUID) -> ActionPlan:
    plan = (
        ActionPlan.objects.filter(strategy__in=strategies_visible_to(user).values("id"))
        .select_related("strategy", "organisation")
        .filter(uuid=uuid_or_404(plan_uuid))
        .first()
    )
    if plan is None or not can_edit_plan(user, plan):
        raise Http404
    return plan
