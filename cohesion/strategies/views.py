"""Strategy pages to read: the list, a strategy, its actions, one action and its history.

Every record is loaded through `cohesion.strategies.access`, so a strategy the
person cannot see, or an action they may not change, is the same 404 as a
missing one. The forms that change things are in `views_edit.py`, files
(import, export, report downloads) in `views_files.py`, the pages anyone may
read in `views_public.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.strategies import actions
from cohesion.strategies import choices as c
from cohesion.strategies.access import (
    actions_visible_to,
    can_edit_plan,
    can_manage_strategy,
    can_update_action,
    get_action_for_user,
    get_strategy_for_user,
    strategies_visible_to,
)
from cohesion.strategies.forms import ActionFilterForm, CompleteMilestoneForm, MilestoneForm
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    LeadershipGroup,
    ReviewPoint,
    Strategy,
)
from cohesion.strategies.reviews import (
    direction_since_last_review,
    due_review_dates,
    last_taken_review,
)
from cohesion.strategies.rollup import Rollup, roll_up

PAGE_SIZE = 50
# Statuses whose due date still matters: the rest are finished or set aside.
LIVE = (c.Status.NOT_STARTED, c.Status.IN_PROGRESS)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def require_view(user: User) -> None:
    # Without the right, the section does not exist for this person.
    if not has_permission(user, Permission.STRATEGY_VIEW):
        raise Http404


# --- Figures, in words as well as numbers --------------------------------------------------


def counts_sentence(rollup: Rollup) -> str:
    """Status before RAG, in the councils' own style.

    "12 actions: 2 not started, 7 in progress, 3 complete; of those in progress,
    4 green, 2 amber, 1 red."
    """
    total = ngettext("%(n)d action", "%(n)d actions", rollup.total) % {"n": rollup.total}
    if not rollup.total:
        return _("No actions yet.")
    parts = [f"{n} {status.label.lower()}" for status, n in rollup.status_counts() if n]
    sentence = f"{total}: {', '.join(parts)}"
    if rollup.in_progress:
        rag = ", ".join(f"{n} {rag.value}" for rag, n in rollup.rag_counts())
        sentence += "; " + _("of those in progress, %(rag)s") % {"rag": rag}
    return sentence + "."


def percent(progress: float | None) -> int | None:
    return None if progress is None else round(progress)


@dataclass
class RollupRow:
    """One line of a figures table: a label, its link and its roll-up."""

    label: str
    rollup: Rollup
    item: Any = None

    @property
    def progress(self) -> int | None:
        return percent(self.rollup.progress)

    @property
    def sentence(self) -> str:
        return counts_sentence(self.rollup)


def plan_rollups(strategy: Strategy, plans: list[ActionPlan]) -> dict[int, Rollup]:
    """Each plan's roll-up from one query over the strategy's actions."""
    per_plan: dict[int, Rollup] = defaultdict(Rollup)
    rows = Action.objects.filter(strategy=strategy).values(
        "plan_id", "status", "rag", "progress", "weight"
    )
    for row in rows:
        per_plan[row["plan_id"]].add(
            status=row["status"], rag=row["rag"], progress=row["progress"], weight=row["weight"]
        )
    return {plan.pk: per_plan[plan.pk] for plan in plans}


def directions(strategy: Strategy) -> tuple[ReviewPoint | None, list[tuple[c.Direction, int]]]:
    """How many actions improved, held or got worse since the last review taken."""
    last = last_taken_review(strategy)
    if last is None:
        return None, []
    counted = Counter(direction_since_last_review(strategy).values())
    return last, [(d, counted.get(d, 0)) for d in c.Direction]


# --- Strategy list -------------------------------------------------------------------------


def actions_awaiting_update(user: User) -> QuerySet[Action]:
    """Live actions this person leads with no update since their strategy's last review."""
    last_review = (
        ReviewPoint.objects.filter(strategy=OuterRef("strategy"), taken_at__isnull=False)
        .order_by()
        .values("strategy")
        .annotate(latest=Max("taken_at"))
        .values("latest")
    )
    return (
        actions_visible_to(user)
        .filter(lead=user, status__in=LIVE)
        .annotate(last_review_at=Subquery(last_review))
        .filter(
            Q(last_review_at__isnull=False)
            & (Q(last_update_at__isnull=True) | Q(last_update_at__lt=Subquery(last_review)))
        )
    )


@require_GET
@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_view(user)
    strategies = list(strategies_visible_to(user).select_related("owner", "council"))
    rows = []
    for strategy in strategies:
        rollup = roll_up(strategy)
        # The strategy's progress is the objectives' weighted mean, not the actions'.
        strategy.overall = percent(rollup.progress)  # type: ignore[attr-defined]
        rows.append(RollupRow(strategy.title, rollup.actions, strategy))
    led = (
        actions_visible_to(user)
        .filter(lead=user)
        .exclude(status__in=[c.Status.COMPLETE, c.Status.CANCELLED])
        .select_related("strategy")
        .order_by("due_on", "strategy__title", "reference")
    )
    waiting = set(actions_awaiting_update(user).values_list("pk", flat=True))
    return render(
        request,
        "strategies/list.html",
        {
            "rows": rows,
            "led": [(a, a.pk in waiting) for a in led],
            "today": timezone.localdate(),
        },
    )


# --- One strategy --------------------------------------------------------------------------


def can_create_plan(user: User, strategy: Strategy) -> bool:
    """Managers make plans for anyone; a partner who may update actions makes its own."""
    if can_manage_strategy(user, strategy):
        return True
    organisation = user.organisation
    return organisation is not None and actions.can_create_plan(user, strategy, organisation)


@require_GET
@login_required
def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    rollup = roll_up(strategy)
    plans = list(strategy.plans.select_related("organisation"))
    for plan in plans:
        plan.strategy = strategy  # already loaded: the edit check reads it for every plan
    per_plan = plan_rollups(strategy, plans)
    group = (
        LeadershipGroup.objects.filter(strategy=strategy)
        .prefetch_related("members__organisation", "meetings__decisions__actions")
        .first()
    )
    last_review, direction_counts = directions(strategy)
    today = timezone.localdate()
    review_dates = due_review_dates(strategy, today)
    statements: dict[str, list[Any]] = defaultdict(list)
    for statement in strategy.statements.all():
        statements[statement.get_kind_display()].append(statement)
    return render(
        request,
        "strategies/detail.html",
        {
            "strategy": strategy,
            "overall": RollupRow(strategy.title, rollup.actions),
            "progress": percent(rollup.progress),
            "objectives": [
                RollupRow(str(o.objective), o.rollup, o.objective) for o in rollup.objectives
            ],
            "statuses": list(c.Status),
            "rags": list(c.Rag),
            "statements": dict(statements),
            "commitments": strategy.commitments.all(),
            "plans": [
                (RollupRow(p.title, per_plan[p.pk], p), can_edit_plan(user, p)) for p in plans
            ],
            "signatories": strategy.signatories.select_related("organisation"),
            "group": group,
            "reviews": strategy.reviews.select_related("taken_by"),
            "last_review": last_review,
            "direction_counts": direction_counts,
            "next_review": review_dates[-1] if review_dates and review_dates[-1] >= today else None,
            "overdue_reviews": [d for d in review_dates if d < today],
            "can_manage": can_manage_strategy(user, strategy),
            "can_create_plan": can_create_plan(user, strategy),
            "can_import": can_import(user, strategy),
        },
    )


def can_import(user: User, strategy: Strategy) -> bool:
    """Import changes many actions at once: the strategy's managers, or a partner for its own."""
    # The same rule as `bulk.import_actions`; rows for others' actions are row errors there.
    return can_manage_strategy(user, strategy) or (
        has_permission(user, Permission.ACTION_UPDATE) and user.organisation_id is not None
    )


# --- The action list ---------------------------------------------------------------------


def filtered_actions(
    user: User, strategy: Strategy, params: Any
) -> tuple[ActionFilterForm, QuerySet[Action]]:
    """The strategy's actions narrowed by the list's filters (shared by the list and export)."""
    form = ActionFilterForm(params or None, strategy=strategy)
    actions = actions_visible_to(user).filter(strategy=strategy)
    if not form.is_bound:
        return form, actions
    if not form.is_valid():
        return form, actions.none()
    data = form.cleaned_data
    if data["status"]:
        actions = actions.filter(status=data["status"])
    if data["rag"]:
        actions = actions.filter(rag=data["rag"])
    if data["organisation"]:
        actions = actions.filter(owner__uuid=data["organisation"])
    if data["objective"]:
        actions = actions.filter(objectives__code=data["objective"], objectives__strategy=strategy)
    if data["plan"]:
        actions = actions.filter(plan__uuid=data["plan"])
    if data["overdue"]:
        actions = actions.filter(due_on__lt=timezone.localdate(), status__in=LIVE)
    return form, actions.distinct()


@require_GET
@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    query = request.GET.copy()
    query.pop("page", None)
    form, actions = filtered_actions(user, strategy, query)
    actions = actions.select_related("owner", "plan", "strategy").order_by(
        "plan__starts_on", "reference", "pk"
    )
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "strategies/action_list.html",
        {
            "strategy": strategy,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "live": LIVE,
            "export_formats": ("csv", "xlsx"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- One action ----------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str
    # Set for the first time (the action's creation): only the new value is worth showing.
    is_new: bool = False


FIELD_LABELS = {  # lazy: the labels are read in the language of each request
    "status": gettext_lazy("Status"),
    "rag": gettext_lazy("RAG rating"),
    "forecast_rag": gettext_lazy("Forecast RAG"),
    "progress": gettext_lazy("Progress"),
    "commentary": gettext_lazy("Commentary"),
    "corrective_action": gettext_lazy("Corrective action"),
    "completed_on": gettext_lazy("Date completed"),
    "public_summary": gettext_lazy("Public summary"),
    "commentary_is_public": gettext_lazy("Commentary shown to the public"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "lead_name": gettext_lazy("Lead"),
    "lead": gettext_lazy("Lead's account"),
    "from_decision": gettext_lazy("From a decision"),
    "starts_on": gettext_lazy("Start date"),
    "due_on": gettext_lazy("Due date"),
    "reference": gettext_lazy("Reference"),
    "objectives": gettext_lazy("Objectives"),
    "weight": gettext_lazy("Weight"),
    "owner": gettext_lazy("Organisation"),
}


def _shown(field: str, value: Any) -> str:
    """A history value in words: choice labels, percentages, yes/no, 'none'."""
    if value in (None, "", []):
        return _("none")
    if field == "status" and value in c.Status.values:
        return str(c.Status(value).label)
    if field in ("rag", "forecast_rag") and value in c.Rag.values:
        return str(c.Rag(value).label)
    if field == "progress":
        return f"{value}%"
    if field in ("starts_on", "due_on", "completed_on") and isinstance(value, str):
        try:
            return date_format(dt.date.fromisoformat(value), "j M Y")
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe_changes(changes: dict[str, Any]) -> list[Change]:
    described = []
    for field, pair in changes.items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        default = field.replace("_", " ")
        label = str(FIELD_LABELS.get(field, default[:1].upper() + default[1:]))
        described.append(
            Change(label, _shown(field, before), _shown(field, after), is_new=before is None)
        )
    return described


@require_GET
@login_required
def action_detail(request: HttpRequest, action_uuid: str) -> HttpResponse:
    user = _user(request)
    action = get_action_for_user(user, action_uuid)
    return render(request, "strategies/action_detail.html", action_context(user, action))


def action_context(
    user: User, action: Action, *, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the action page shows. `bound` holds a milestone form that failed, to show again.

    Each open milestone has its own small "mark complete" form, with a prefix so
    that the date fields' ids stay unique on the page.
    """
    bound = bound or {}
    today = timezone.localdate()
    can_update = can_update_action(user, action)
    milestones = []
    for milestone in action.milestones.all():
        form = None
        if can_update and milestone.completed_on is None:
            prefix = f"m{milestone.pk}"
            form = bound.get(prefix) or CompleteMilestoneForm(
                prefix=prefix, initial={"completed_on": today}
            )
        milestones.append((milestone, form))
    return {
        "action": action,
        "strategy": action.strategy,
        "objectives": action.objectives.all(),
        "milestones": milestones,
        "history": [(u, describe_changes(u.changes)) for u in action.updates.all()],
        "overdue": action.due_on is not None and action.due_on < today and action.status in LIVE,
        "today": today,
        "can_update": can_update,
        "milestone_form": bound.get("milestone") or (MilestoneForm() if can_update else None),
        "failed_form": next(iter(bound.values()), None),
    }
