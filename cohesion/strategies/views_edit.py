"""Strategy pages that change things: action updates, new actions and plans, milestones,
and the managers' forms (settings, review points, signatories, the leadership group).

Each view loads its record through the access helpers (404 when the person may
not change it, the same as a missing record), checks the form, then calls one
function in `cohesion.strategies.actions`, which checks the right again, applies
the rules, writes the history and the audit row. When the action function
refuses (`ActionInvalid`) its messages go next to the fields, and what the
person typed is shown again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.strategies import actions
from cohesion.strategies.access import (
    can_manage_strategy,
    get_action_for_update,
    get_plan_for_editor,
    get_strategy_for_manager,
    get_strategy_for_user,
)
from cohesion.strategies.choices import Rag
from cohesion.strategies.forms import (
    ActionUpdateForm,
    CompleteMilestoneForm,
    GroupMemberForm,
    LeadershipGroupForm,
    MeetingForm,
    MilestoneForm,
    NewActionForm,
    PlanForm,
    ReviewForm,
    SignatoryForm,
    StrategySettingsForm,
)
from cohesion.strategies.models import Action, LeadershipGroup, Milestone, Strategy
from cohesion.strategies.rules import expected_progress, suggested_rag
from cohesion.strategies.views import action_context, can_create_plan, describe_changes


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def show_problems(form: Form, problems: dict[str, str]) -> None:
    """Put the action function's messages beside their fields (or at the top)."""
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)


# --- Updating an action ----------------------------------------------------------------


def rag_hint(action: Action) -> str:
    """The strategy's suggested RAG for the action as it stands, as a hint in words."""
    strategy = action.strategy
    today = timezone.localdate()
    suggestion = suggested_rag(
        progress=action.progress,
        starts_on=action.starts_on,
        due_on=action.due_on,
        today=today,
        amber_behind=strategy.rag_amber_behind,
        red_behind=strategy.rag_red_behind,
    )
    if not suggestion:
        return _(
            "Only for an action in progress. No suggestion: the action has no start and due date."
        )
    label = Rag(suggestion).label
    if action.due_on is not None and today > action.due_on and action.progress < 100:
        reason = _("the due date has passed")
    else:
        expected = expected_progress(action.starts_on, action.due_on, today)
        reason = _("progress is %(progress)d%% where %(expected)d%% would be expected by now") % {
            "progress": action.progress,
            "expected": expected,
        }
    return _(
        "Only for an action in progress. The strategy's thresholds suggest %(label)s: %(reason)s."
    ) % {"label": label, "reason": reason}


@require_http_methods(["GET", "POST"])
@login_required
def action_update(request: HttpRequest, action_uuid: str) -> HttpResponse:
    """The lead's update. A hidden version stops two people overwriting each other."""
    user = _user(request)
    action = get_action_for_update(user, action_uuid)
    form = ActionUpdateForm(request.POST or None, action=action, rag_hint=rag_hint(action))
    theirs: list[Any] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_action(
                    by=user,
                    action=action,
                    data=form.data_for_action(),
                    expected_version=form.cleaned_data["version"],
                )
            except actions.StaleAction:
                fresh = Action.objects.select_related("strategy").get(pk=action.pk)
                missed = max(1, fresh.version - form.cleaned_data["version"])
                theirs = [(u, describe_changes(u.changes)) for u in fresh.updates.all()[:missed]]
                # Keep what was typed, but against the current version: saving again is
                # then a deliberate choice to replace their update with this one.
                data = request.POST.copy()
                data["version"] = str(fresh.version)
                form = ActionUpdateForm(data, action=fresh, rag_hint=rag_hint(fresh))
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else updated this action after you opened it. Your update "
                        "has not been saved: check their changes, then save again to replace "
                        "them with yours."
                    ),
                )
                action, status = fresh, 409
            except actions.ActionInvalid as invalid:
                show_problems(form, invalid.problems)
                status = 400
            else:
                messages.success(request, _("Action updated."))
                return redirect("strategy-action-detail", action.uuid)
        else:
            status = 400
    return render(
        request,
        "strategies/action_update.html",
        {"form": form, "action": action, "strategy": action.strategy, "theirs": theirs},
        status=status,
    )


# --- Plans and new actions -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan of actions: partners make their own, tagged to the framework's objectives."""
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    if not can_create_plan(user, strategy):
        raise Http404
    manager = can_manage_strategy(user, strategy)
    initial = {"starts_on": strategy.starts_on, "ends_on": strategy.ends_on}
    form = PlanForm(
        request.POST or None,
        fixed_organisation=None if manager else user.organisation,
        initial=initial | ({"organisation": user.organisation_id} if manager else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(
                by=user,
                strategy=strategy,
                organisation=form.chosen_organisation,
                title=form.cleaned_data["title"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Plan created. Add its actions."))
            return redirect("strategy-action-new", plan.uuid)
    return render(
        request,
        "strategies/plan_form.html",
        {"form": form, "strategy": strategy},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_new(request: HttpRequest, plan_uuid: str) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_editor(user, plan_uuid)
    strategy = plan.strategy
    form = NewActionForm(
        request.POST or None, plan=plan, with_decisions=can_manage_strategy(user, strategy)
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = actions.create_action(by=user, plan=plan, data=form.data_for_action())
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Action added to %(plan)s.") % {"plan": plan.title})
            return redirect("strategy-action-detail", action.uuid)
    return render(
        request,
        "strategies/action_form.html",
        {"form": form, "plan": plan, "strategy": strategy},
        status=400 if form.errors else 200,
    )


# --- Milestones ------------------------------------------------------------------------


def _action_page_with_errors(
    request: HttpRequest, action: Action, key: str, form: Form
) -> HttpResponse:
    context = action_context(_user(request), action, bound={key: form})
    return render(request, "strategies/action_detail.html", context, status=400)


@require_POST
@login_required
def milestone_new(request: HttpRequest, action_uuid: str) -> HttpResponse:
    user = _user(request)
    action = get_action_for_update(user, action_uuid)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _action_page_with_errors(request, action, "milestone", form)
    actions.add_milestone(by=user, action=action, **form.cleaned_data)
    messages.success(request, _("Milestone added."))
    return redirect("strategy-action-detail", action.uuid)


@require_POST
@login_required
def milestone_complete(request: HttpRequest, action_uuid: str, milestone_id: int) -> HttpResponse:
    user = _user(request)
    action = get_action_for_update(user, action_uuid)
    milestone = get_object_or_404(Milestone, pk=milestone_id, action=action)
    form = CompleteMilestoneForm(request.POST, prefix=f"m{milestone.pk}")
    if not form.is_valid():
        return _action_page_with_errors(request, action, f"m{milestone.pk}", form)
    actions.complete_milestone(
        by=user, milestone=milestone, completed_on=form.cleaned_data["completed_on"]
    )
    messages.success(request, _("Milestone marked complete."))
    return redirect("strategy-action-detail", action.uuid)


# --- The managers' forms ---------------------------------------------------------------


def _manager_form(
    request: HttpRequest,
    strategy: Strategy,
    form: Form,
    *,
    template: str,
    title: str,
    button: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        f"strategies/{template}",
        {"form": form, "strategy": strategy, "title": title, "button": button, **extra},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def strategy_settings(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    initial = {name: getattr(strategy, name) for name in StrategySettingsForm.FIELDS}
    form = StrategySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in StrategySettingsForm.FIELDS}
        try:
            actions.update_strategy(by=user, strategy=strategy, data=data)
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="settings_form.html",
        title=_("Strategy settings"),
        button=_("Save settings"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Take a review point: every action's status, RAG and progress are frozen as they are."""
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    form = ReviewForm(
        request.POST or None, strategy=strategy, initial={"review_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.take_review(by=user, strategy=strategy, **form.cleaned_data)
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Review point taken: every action's position is saved."))
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="review_form.html",
        title=_("Take a review point"),
        button=_("Take review point"),
        actions_count=strategy.actions.count(),
    )


@require_http_methods(["GET", "POST"])
@login_required
def signatory_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    form = SignatoryForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            signatory = actions.sign_commitment(by=user, strategy=strategy, **form.cleaned_data)
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(
                request,
                _("%(organisation)s signed up to the commitment.")
                % {"organisation": signatory.organisation.name},
            )
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="signatory_form.html",
        title=_("Sign up an organisation"),
        button=_("Record signature"),
    )


def _group(strategy: Strategy) -> LeadershipGroup | None:
    return LeadershipGroup.objects.filter(strategy=strategy).first()


@require_http_methods(["GET", "POST"])
@login_required
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    group = _group(strategy)
    initial = {"name": group.name, "remit": group.remit} if group else {}
    form = LeadershipGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_leadership_group(by=user, strategy=strategy, **form.cleaned_data)
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Leadership group saved."))
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="simple_form.html",
        title=_("Leadership group"),
        button=_("Save"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    group = _group(strategy)
    if group is None:
        raise Http404
    form = GroupMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_group_member(by=user, group=group, **form.cleaned_data)
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Member added to the leadership group."))
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="simple_form.html",
        title=_("Add a member of the leadership group"),
        button=_("Add member"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    strategy = get_strategy_for_manager(user, slug)
    group = _group(strategy)
    if group is None:
        raise Http404
    form = MeetingForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_meeting(
                by=user,
                group=group,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                decisions=form.decision_list(),
                attendees=form.cleaned_data.get("attendees") or [],
            )
        except actions.ActionInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("strategy-detail", strategy.slug)
    return _manager_form(
        request,
        strategy,
        form,
        template="simple_form.html",
        title=_("Record a meeting of %(group)s") % {"group": group.name},
        button=_("Record meeting"),
    )
