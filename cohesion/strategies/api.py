"""/api/v1/strategies/: strategies, their roll-up and actions; update actions as on the pages.

The same access helpers and the same `actions.update_action` as the pages: a
person reads the strategies they may see and changes only the actions they may
change. An action someone may not change is a 404, the same as a missing one.
Updates carry the `version` the client read, so two people editing at once get
a 409 instead of overwriting each other.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import Organisation, User
from cohesion.strategies import actions
from cohesion.strategies.access import (
    actions_visible_to,
    can_edit_plan,
    can_manage_strategy,
    can_update_action,
    get_action_for_update,
    get_action_for_user,
    get_plan_for_editor,
    get_strategy_for_user,
    strategies_visible_to,
)
from cohesion.strategies.choices import UpdateChannel
from cohesion.strategies.models import Action, Objective, Strategy
from cohesion.strategies.reviews import (
    direction_since_last_review,
    last_taken_review,
    next_review_date,
)
from cohesion.strategies.rollup import Rollup, roll_up

router = Router(tags=["strategies"], auth=django_auth)

MAX_PAGE_SIZE = 500


# --- schemas ----------------------------------------------------------------------------


class OwnerRef(Schema):
    uuid: str
    name: str


class StrategyOut(Schema):
    uuid: str
    slug: str
    title: str
    kind: str
    owner: OwnerRef
    council_code: str
    council_name: str
    objective_label: str = Field(..., description="What the strategy calls its objectives")
    starts_on: dt.date | None
    ends_on: dt.date | None
    review_interval_months: int
    is_published: bool
    is_synthetic: bool


class RollupOut(Schema):
    total: int = Field(..., description="Actions, whatever their status")
    by_status: dict[str, int] = Field(..., description="Status code -> number of actions")
    by_rag: dict[str, int] = Field(..., description="RAG -> number, among actions in progress")
    progress: float | None = Field(
        ..., description="Weighted mean progress (0-100), cancelled actions left out"
    )


class ObjectiveOut(Schema):
    uuid: str
    code: str
    title: str
    description: str
    weight: float
    rollup: RollupOut


class StatementOut(Schema):
    kind: str
    title: str
    text: str


class CommitmentOut(Schema):
    number: int
    text: str


class SignatoryOut(Schema):
    organisation: OwnerRef
    signed_by: str
    signed_by_role: str
    signed_on: dt.date


class PlanOut(Schema):
    uuid: str
    title: str
    organisation: OwnerRef
    starts_on: dt.date
    ends_on: dt.date
    actions: int
    may_add_actions: bool


class ReviewOut(Schema):
    uuid: str
    title: str
    review_on: dt.date
    taken_at: dt.datetime | None


class StrategyDetail(StrategyOut):
    vision: str
    purpose: str
    rag_amber_behind: int
    rag_red_behind: int
    statements: list[StatementOut]
    objectives: list[ObjectiveOut]
    commitments: list[CommitmentOut]
    signatories: list[SignatoryOut]
    plans: list[PlanOut]
    actions: RollupOut = Field(..., description="Every action of the strategy, tagged or not")
    progress: float | None = Field(..., description="Weighted mean of the objectives' progress")
    last_review: ReviewOut | None
    next_review_on: dt.date | None
    may_manage: bool


class ActionOut(Schema):
    uuid: str
    reference: str
    title: str
    strategy: str = Field(..., description="The strategy's slug")
    plan: str = Field(..., description="The action plan's UUID")
    plan_title: str
    owner: OwnerRef
    lead_name: str
    objectives: list[str] = Field(..., description="Codes of the objectives the action serves")
    starts_on: dt.date | None
    due_on: dt.date | None
    status: str
    rag: str
    forecast_rag: str
    progress: int
    completed_on: dt.date | None
    weight: float
    commentary: str
    corrective_action: str
    public_summary: str
    commentary_is_public: bool
    direction: str = Field(..., description="Improved, same, worse or new since the last review")
    version: int = Field(..., description="Send it back with an update")
    last_update_at: dt.datetime | None
    may_update: bool


class ActionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ActionOut]


class MilestoneOut(Schema):
    title: str
    due_on: dt.date
    completed_on: dt.date | None


class UpdateOut(Schema):
    made_by: str
    made_at: dt.datetime
    channel: str
    status: str
    rag: str
    progress: int
    commentary: str
    corrective_action: str
    changes: dict[str, list[Any]] = Field(..., description="Field -> [before, after]")


class ActionDetail(ActionOut):
    description: str
    milestones: list[MilestoneOut]
    history: list[UpdateOut] = Field(..., description="Every update, newest first")


class ActionFields(Schema):
    """Fields of an action; leave out what you do not change."""

    reference: str | None = None
    description: str | None = None
    owner: str | None = Field(
        None, description="UUID of the organisation that owns it (strategy managers only)"
    )
    lead_name: str | None = None
    lead: str | None = Field(None, description="UUID of the lead's account, or null")
    objectives: list[str] | None = Field(None, description="Codes of the objectives it serves")
    starts_on: dt.date | None = None
    due_on: dt.date | None = None
    status: str | None = Field(
        None, description="not_started, in_progress, complete, deferred or cancelled"
    )
    rag: str | None = Field(
        None, description="green, amber or red: only, and always, for an action in progress"
    )
    forecast_rag: str | None = None
    progress: int | None = Field(None, description="0-100; complete is 100, not started 0")
    completed_on: dt.date | None = Field(None, description="Needed when the status is complete")
    weight: Decimal | None = None
    commentary: str | None = Field(None, description="Needed for an amber or red action")
    corrective_action: str | None = Field(None, description="Needed for a red action")
    public_summary: str | None = None
    commentary_is_public: bool | None = None


class ActionPatch(ActionFields):
    version: int = Field(..., description="The version you read: 409 if someone saved since")
    title: str | None = None


class ActionCreate(ActionFields):
    title: str


class ProblemsOut(Schema):
    detail: str
    problems: dict[str, str] = Field(..., description="Field -> what is wrong and how to fix it")


class ConflictOut(Schema):
    detail: str
    version: int = Field(..., description="The action's current version")


class DetailOut(Schema):
    detail: str


# --- helpers ----------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _org(organisation: Organisation) -> OwnerRef:
    return OwnerRef(uuid=str(organisation.uuid), name=organisation.name)


def _progress(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _rollup(rollup: Rollup) -> RollupOut:
    return RollupOut(
        total=rollup.total,
        by_status={status.value: n for status, n in rollup.status_counts()},
        by_rag={rag.value: n for rag, n in rollup.rag_counts()},
        progress=_progress(rollup.progress),
    )


def _strategy_fields(strategy: Strategy) -> dict[str, Any]:
    return {
        "uuid": str(strategy.uuid),
        "slug": strategy.slug,
        "title": strategy.title,
        "kind": strategy.kind,
        "owner": _org(strategy.owner),
        "council_code": strategy.council.code if strategy.council else "",
        "council_name": strategy.council.name if strategy.council else "",
        "objective_label": strategy.objective_label,
        "starts_on": strategy.starts_on,
        "ends_on": strategy.ends_on,
        "review_interval_months": strategy.review_interval_months,
        "is_published": strategy.is_published,
        "is_synthetic": strategy.is_synthetic,
    }


def _with_relations(actions_qs: QuerySet[Action]) -> QuerySet[Action]:
    return actions_qs.select_related("strategy", "plan", "owner").prefetch_related("objectives")


def _action_fields(user: User, action: Action, directions: dict[int, Any]) -> dict[str, Any]:
    return {
        "uuid": str(action.uuid),
        "reference": action.reference,
        "title": action.title,
        "strategy": action.strategy.slug,
        "plan": str(action.plan.uuid),
        "plan_title": action.plan.title,
        "owner": _org(action.owner),
        "lead_name": action.lead_name,
        "objectives": [o.code for o in action.objectives.all()],
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "status": action.status,
        "rag": action.rag,
        "forecast_rag": action.forecast_rag,
        "progress": action.progress,
        "completed_on": action.completed_on,
        "weight": float(action.weight),
        "commentary": action.commentary,
        "corrective_action": action.corrective_action,
        "public_summary": action.public_summary,
        "commentary_is_public": action.commentary_is_public,
        "direction": str(directions.get(action.pk, "")),
        "version": action.version,
        "last_update_at": action.last_update_at,
        "may_update": can_update_action(user, action),
    }


def _action_detail(user: User, action_uuid: uuid_lib.UUID | str) -> ActionDetail:
    action = get_action_for_user(user, action_uuid)
    action = _with_relations(Action.objects.filter(pk=action.pk)).get()
    directions = direction_since_last_review(action.strategy)
    return ActionDetail(
        **_action_fields(user, action, directions),
        description=action.description,
        milestones=[
            MilestoneOut(title=m.title, due_on=m.due_on, completed_on=m.completed_on)
            for m in action.milestones.all()
        ],
        history=[
            UpdateOut(
                made_by=u.made_by_name,
                made_at=u.made_at,
                channel=u.channel,
                status=u.status,
                rag=u.rag,
                progress=u.progress,
                commentary=u.commentary,
                corrective_action=u.corrective_action,
                changes=u.changes,
            )
            for u in action.updates.all()
        ],
    )


def _problems(problems: dict[str, str]) -> Status[ProblemsOut]:
    return Status(422, ProblemsOut(detail="The action could not be saved", problems=problems))


def _resolve(
    fields: dict[str, Any], strategy: Strategy, owner: Organisation
) -> tuple[dict[str, Any], dict[str, str]]:
    """Identifiers in the body (codes, UUIDs) as the records `actions` takes."""
    data = dict(fields)
    problems: dict[str, str] = {}
    if "objectives" in data:
        codes = [str(code).strip() for code in data["objectives"] or []]
        found = {o.code: o for o in Objective.objects.filter(strategy=strategy, code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            problems["objectives"] = (
                f"This strategy has no {strategy.objective_label.lower()} numbered "
                + ", ".join(missing)
            )
        data["objectives"] = [found[code] for code in codes if code in found]
    if "owner" in data:
        organisation = _by_uuid(Organisation.objects.all(), data["owner"])
        if organisation is None:
            problems["owner"] = "No organisation has that identifier"
        else:
            data["owner"] = owner = organisation
    if data.get("lead") is not None:
        # The lead is someone in the owner organisation or the strategy's owner.
        people = User.objects.filter(is_active=True, organisation__in=[owner.pk, strategy.owner_id])
        lead = _by_uuid(people, data["lead"])
        if lead is None:
            problems["lead"] = (
                "No account with that identifier in the organisation that owns the action "
                "or the strategy's owner"
            )
        data["lead"] = lead
    return data, problems


def _by_uuid(rows: QuerySet[Any], value: Any) -> Any:
    try:
        key = uuid_lib.UUID(str(value))
    except ValueError:
        return None
    return rows.filter(uuid=key).first()


# --- endpoints --------------------------------------------------------------------------


@router.get("/", response=list[StrategyOut], summary="Strategies you may see")
def list_strategies(request: HttpRequest) -> list[StrategyOut]:
    rows = strategies_visible_to(_user(request)).select_related("owner", "council")
    return [StrategyOut(**_strategy_fields(s)) for s in rows]


# Registered before "/{slug}/…" so these fixed segments are never read as a slug.
@router.get("/actions/{action_uuid}", response=ActionDetail, summary="One action with history")
def get_action(request: HttpRequest, action_uuid: str) -> ActionDetail:
    return _action_detail(_user(request), action_uuid)


@router.patch(
    "/actions/{action_uuid}",
    response={
        200: ActionDetail,
        403: DetailOut,
        404: DetailOut,
        409: ConflictOut,
        422: ProblemsOut,
    },
    summary="Update an action (the same rules as the pages)",
    description=(
        "Send only the fields you change, with the `version` you read. A 409 means "
        "someone saved since: read the action again. A 422 lists each field's problem. "
        "Actions you may not change are a 404, like missing ones."
    ),
)
def update_action(request: HttpRequest, action_uuid: str, payload: ActionPatch) -> Any:
    user = _user(request)
    action = get_action_for_update(user, action_uuid)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    data, problems = _resolve(fields, action.strategy, action.owner)
    if problems:
        return _problems(problems)
    try:
        actions.update_action(
            by=user,
            action=action,
            data=data,
            expected_version=version,
            channel=UpdateChannel.API,
        )
    except actions.StaleAction as stale:
        return Status(
            409,
            ConflictOut(
                detail="Someone else has changed this action since you read it: "
                "read it again and send your changes with its new version",
                version=stale.current_version,
            ),
        )
    except actions.ActionInvalid as invalid:
        return _problems(invalid.problems)
    except PermissionDenied:
        return Status(
            403,
            DetailOut(
                detail="Only the strategy's managers can give an action to another organisation"
            ),
        )
    return _action_detail(user, action.uuid)


@router.post(
    "/plans/{plan_uuid}/actions",
    response={201: ActionDetail, 403: DetailOut, 404: DetailOut, 422: ProblemsOut},
    summary="Add an action to a plan",
    description=(
        "The plan's organisation owns the action unless a strategy manager says otherwise. "
        "Plans you may not add to are a 404, like missing ones."
    ),
)
def create_action(request: HttpRequest, plan_uuid: str, payload: ActionCreate) -> Any:
    user = _user(request)
    plan = get_plan_for_editor(user, plan_uuid)
    data, problems = _resolve(
        payload.model_dump(exclude_unset=True), plan.strategy, plan.organisation
    )
    if problems:
        return _problems(problems)
    try:
        action = actions.create_action(by=user, plan=plan, data=data, channel=UpdateChannel.API)
    except actions.ActionInvalid as invalid:
        return _problems(invalid.problems)
    except PermissionDenied:
        return Status(
            403,
            DetailOut(
                detail="Only the strategy's managers can give an action to another organisation"
            ),
        )
    return Status(201, _action_detail(user, action.uuid))


@router.get("/{slug}", response=StrategyDetail, summary="One strategy with its roll-up")
def get_strategy(request: HttpRequest, slug: str) -> StrategyDetail:
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    rollup = roll_up(strategy)
    last = last_taken_review(strategy)
    plans = (
        strategy.plans.select_related("organisation")
        .annotate(action_count=Count("actions"))
        .order_by("-starts_on", "organisation__name")
    )
    return StrategyDetail(
        **_strategy_fields(strategy),
        vision=strategy.vision,
        purpose=strategy.purpose,
        rag_amber_behind=strategy.rag_amber_behind,
        rag_red_behind=strategy.rag_red_behind,
        statements=[
            StatementOut(kind=s.kind, title=s.title, text=s.text) for s in strategy.statements.all()
        ],
        objectives=[
            ObjectiveOut(
                uuid=str(o.objective.uuid),
                code=o.objective.code,
                title=o.objective.title,
                description=o.objective.description,
                weight=float(o.objective.weight),
                rollup=_rollup(o.rollup),
            )
            for o in rollup.objectives
        ],
        commitments=[
            CommitmentOut(number=c.number, text=c.text) for c in strategy.commitments.all()
        ],
        signatories=[
            SignatoryOut(
                organisation=_org(s.organisation),
                signed_by=s.signed_by,
                signed_by_role=s.signed_by_role,
                signed_on=s.signed_on,
            )
            for s in strategy.signatories.select_related("organisation")
        ],
        plans=[
            PlanOut(
                uuid=str(p.uuid),
                title=p.title,
                organisation=_org(p.organisation),
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                actions=p.action_count,
                may_add_actions=can_edit_plan(user, p),
            )
            for p in plans
        ],
        actions=_rollup(rollup.actions),
        progress=_progress(rollup.progress),
        last_review=(
            ReviewOut(
                uuid=str(last.uuid),
                title=last.title,
                review_on=last.review_on,
                taken_at=last.taken_at,
            )
            if last
            else None
        ),
        next_review_on=next_review_date(strategy, timezone.localdate()),
        may_manage=can_manage_strategy(user, strategy),
    )


class ActionFilters(Schema):
    status: str | None = Field(None, description="Status code, e.g. in_progress")
    rag: str | None = Field(None, description="green, amber or red")
    organisation: str | None = Field(None, description="Owner organisation: UUID or exact name")
    objective: str | None = Field(None, description="Code of an objective the action serves")

    def apply(self, rows: QuerySet[Action]) -> QuerySet[Action]:
        if self.status:
            rows = rows.filter(status=self.status)
        if self.rag:
            rows = rows.filter(rag=self.rag)
        if self.organisation:
            try:
                rows = rows.filter(owner__uuid=uuid_lib.UUID(self.organisation))
            except ValueError:
                rows = rows.filter(owner__name__iexact=self.organisation.strip())
        if self.objective:
            rows = rows.filter(objectives__code=self.objective.strip())
        return rows


@router.get("/{slug}/actions", response=ActionPage, summary="A strategy's actions")
def list_actions(
    request: HttpRequest,
    slug: str,
    filters: Query[ActionFilters],
    page: int = 1,
    page_size: int = 100,
) -> ActionPage:
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    rows = filters.apply(actions_visible_to(user).filter(strategy=strategy))
    rows = _with_relations(rows.distinct()).order_by("plan__starts_on", "reference", "pk")
    paginator = Paginator(rows, max(1, min(page_size, MAX_PAGE_SIZE)))
    current = paginator.get_page(page)
    directions = direction_since_last_review(strategy)
    return ActionPage(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        items=[ActionOut(**_action_fields(user, a, directions)) for a in current],
    )
