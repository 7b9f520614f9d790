"""State changes to strategies, plans and actions, each checked and audited.

Every function takes the person acting as `by` and refuses with
`PermissionDenied` if the access rules in `access.py` do not let them. `by=None`
is the system itself (a command, the template and demo loaders): it is trusted
and audited as "system". Validation failures raise `ActionInvalid` with one
GOV.UK-style message per field, before anything is written, so a refused change
leaves nothing half-saved.

Actions are validated with `rules.action_problems`, the same function forms,
the importer and the API use. Each change to an action keeps a dated
`ActionUpdate` with what changed, and raises the action's `version` so two
people editing at once cannot silently overwrite each other (`StaleAction`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies import rules
from cohesion.strategies.access import (
    can_edit_plan,
    can_manage_strategy,
    can_update_action,
    strategies_visible_to,
)
from cohesion.strategies.choices import (
    MemberRole,
    Rag,
    StatementKind,
    Status,
    StrategyKind,
    UpdateChannel,
)
from cohesion.strategies.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Commitment,
    Decision,
    GroupMember,
    LeadershipGroup,
    Meeting,
    Milestone,
    Objective,
    ReviewPoint,
    ReviewSnapshot,
    Signatory,
    Statement,
    Strategy,
)


class ActionInvalid(ValueError):
    """The change breaks a rule: `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


class StaleAction(ValueError):
    """Someone else changed the action since it was read; `current_version` is theirs."""

    def __init__(self, action: Action, expected_version: int) -> None:
        self.action = action
        self.current_version = action.version
        self.expected_version = expected_version
        super().__init__(
            "This action has been changed by someone else since you opened it "
            f"(version {action.version}, you had version {expected_version})"
        )


# Fields of an action that `create_action` and `update_action` accept in `data`.
TEXT_FIELDS = (
    "reference",
    "title",
    "description",
    "lead_name",
    "commentary",
    "corrective_action",
    "public_summary",
)
DATE_FIELDS = ("starts_on", "due_on", "completed_on")
RELATED_FIELDS = ("owner", "lead", "from_decision")
ACTION_FIELDS = (
    *TEXT_FIELDS,
    "status",
    "rag",
    "forecast_rag",
    *DATE_FIELDS,
    "progress",
    "weight",
    "commentary_is_public",
    *RELATED_FIELDS,
    "objectives",
)
# Everything stored on the action row itself (objectives live in a join table).
_ROW_FIELDS = tuple(f for f in ACTION_FIELDS if f != "objectives")

STRATEGY_FIELDS = (
    "slug",
    "title",
    "kind",
    "owner",
    "council",
    "vision",
    "purpose",
    "objective_label",
    "starts_on",
    "ends_on",
    "review_interval_months",
    "rag_amber_behind",
    "rag_red_behind",
    "reminder_days_before",
    "is_published",
    "template",
    "source",
    "is_synthetic",
)
# Path segments under /strategies/ (and /api/v1/strategies/) that are not strategies.
RESERVED_SLUGS = frozenset({"actions", "plans", "public"})


# --- small shared helpers ---------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _plain(value: Any) -> Any:
    """A JSON-safe value for history and audit: names for people and organisations."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, User):
        return value.display_name
    if isinstance(value, Organisation):
        return value.name
    if isinstance(value, Area):
        return value.code
    if isinstance(value, Objective):
        return value.code
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return str(value)


def _now(made_at: dt.datetime | None) -> dt.datetime:
    if made_at is None:
        return timezone.now()
    if timezone.is_naive(made_at):
        return timezone.make_aware(made_at)
    return made_at


def _name_of(by: User | None) -> str:
    return by.display_name if by is not None else "System"


def _max_length(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    return getattr(field, "max_length", None)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    """A date from a date or an ISO string; ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(value)


def _problems_from(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {k: " ".join(str(m) for m in v[0].messages) for k, v in error.error_dict.items()}
    return {"__all__": " ".join(error.messages)}


# --- strategies -------------------------------------------------------------------------


def can_create_strategy(user: User, owner: Organisation | None = None) -> bool:
    """Cohesion officers start strategies for their own organisation."""
    if user.is_superuser:
        return True
    owner_id = owner.pk if owner is not None else user.organisation_id
    return (
        has_permission(user, Permission.STRATEGY_MANAGE)
        and user.organisation_id is not None
        and owner_id == user.organisation_id
    )


def _strategy_problems(strategy: Strategy) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not strategy.title.strip():
        problems["title"] = "Enter the strategy's title"
    if not strategy.slug:
        problems["slug"] = "Enter a short name for the web address, for example derby-2025"
    elif strategy.slug in RESERVED_SLUGS:
        problems["slug"] = f"“{strategy.slug}” is used by the system: choose another short name"
    elif Strategy.objects.filter(slug=strategy.slug).exclude(pk=strategy.pk).exists():
        problems["slug"] = "A strategy already has this short name: choose another"
    starts, ends = strategy.starts_on, strategy.ends_on
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        problems["ends_on"] = "The end date must be the same as or after the start date"
    amber, red = strategy.rag_amber_behind, strategy.rag_red_behind
    if isinstance(amber, int) and isinstance(red, int) and red < amber:
        problems["rag_red_behind"] = (
            "The red threshold must be the same as or more than the amber threshold"
        )
    try:
        strategy.full_clean(exclude=["slug", *problems], validate_constraints=False)
    except ValidationError as error:
        for name, message in _problems_from(error).items():
            problems.setdefault(name, message)
    return problems


def _nested_problems(
    objectives: list[Mapping[str, Any]],
    statements: list[Mapping[str, Any]],
    commitments: list[Any],
) -> dict[str, str]:
    problems: dict[str, str] = {}
    codes = [_text(o.get("code")) for o in objectives]
    if any(not code for code in codes) or any(not _text(o.get("title")) for o in objectives):
        problems["objectives"] = "Every objective needs a number and a title"
    elif len(set(codes)) != len(codes):
        problems["objectives"] = "Each objective needs its own number"
    if any(
        s.get("kind") not in StatementKind.values or not _text(s.get("text")) for s in statements
    ):
        problems["statements"] = "Every aim, value or principle needs its kind and its text"
    if any(not _text(c["text"] if isinstance(c, Mapping) else c) for c in commitments):
        problems["commitments"] = "Every point of the commitment needs its text"
    return problems


@transaction.atomic
def create_strategy(*, by: User | None, data: Mapping[str, Any]) -> Strategy:
    """Start a strategy. `data` holds Strategy fields (owner defaults to `by`'s organisation).

    Loaders may also pass `objectives` (dicts: code, title, description, weight),
    `statements` (dicts: kind, title, text) and `commitments` (texts, numbered in order).
    """
    nested = {"objectives", "statements", "commitments"}
    unknown = set(data) - set(STRATEGY_FIELDS) - nested
    if unknown:
        raise TypeError(f"Not fields of a strategy: {', '.join(sorted(unknown))}")
    fields = {k: v for k, v in data.items() if k in STRATEGY_FIELDS}
    if fields.get("owner") is None:
        fields["owner"] = by.organisation if by is not None else None
    if by is not None:
        _require(can_create_strategy(by, fields["owner"]))
    if fields["owner"] is None:
        raise ActionInvalid({"owner": "Choose the organisation that owns the strategy"})
    for name in ("title", "vision", "purpose", "objective_label", "template", "source"):
        if name in fields:
            fields[name] = _text(fields[name])
    fields.setdefault("kind", StrategyKind.STRATEGY)
    if not fields.get("slug"):
        fields["slug"] = slugify(fields.get("title", ""))[:80]
    strategy = Strategy(**fields)
    objectives = list(data.get("objectives", []))
    statements = list(data.get("statements", []))
    commitments = list(data.get("commitments", []))
    problems = _strategy_problems(strategy) | _nested_problems(objectives, statements, commitments)
    if problems:
        raise ActionInvalid(problems)
    strategy.save()
    for order, o in enumerate(objectives, start=1):
        Objective.objects.create(
            strategy=strategy,
            code=_text(o["code"]),
            title=_text(o["title"]),
            description=_text(o.get("description")),
            weight=Decimal(str(o.get("weight", 1))),
            order=o.get("order", order),
        )
    for order, s in enumerate(statements, start=1):
        Statement.objects.create(
            strategy=strategy,
            kind=s["kind"],
            title=_text(s.get("title")),
            text=_text(s["text"]),
            order=s.get("order", order),
        )
    for number, c in enumerate(commitments, start=1):
        text, number = (
            (_text(c["text"]), c.get("number", number))
            if isinstance(c, Mapping)
            else (_text(c), number)
        )
        Commitment.objects.create(strategy=strategy, number=number, text=text)
    record(
        action=AuditAction.STRATEGY_CREATED,
        by=by,
        target=strategy,
        detail={
            "slug": strategy.slug,
            "owner": strategy.owner.name,
            "objectives": [_text(o["code"]) for o in objectives],
            "template": strategy.template,
        },
    )
    return strategy


@transaction.atomic
def update_strategy(*, by: User | None, strategy: Strategy, data: Mapping[str, Any]) -> Strategy:
    """Change the strategy's own fields (not its objectives: see add/update_objective)."""
    unknown = set(data) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of a strategy: {', '.join(sorted(unknown))}")
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if by is not None:
        _require(can_manage_strategy(by, locked))
        # Handing a strategy to another organisation would lock its own managers out.
        if "owner" in data and data["owner"] != locked.owner and not by.is_superuser:
            raise PermissionDenied
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        if isinstance(value, str) and name not in ("slug", "kind"):
            value = value.strip()
        before = getattr(locked, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(locked, name, value)
    problems = _strategy_problems(locked)
    if problems:
        raise ActionInvalid(problems)
    if changes:
        locked.save()
        record(
            action=AuditAction.STRATEGY_CHANGED,
            by=by,
            target=locked,
            detail={"changes": changes},
        )
    return locked


def _objective_problems(objective: Objective) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not objective.code:
        problems["code"] = "Enter the objective's number, for example 3"
    elif (
        Objective.objects.filter(strategy=objective.strategy, code=objective.code)
        .exclude(pk=objective.pk)
        .exists()
    ):
        problems["code"] = "Another objective of this strategy has this number"
    if not objective.title:
        problems["title"] = "Enter the objective's title"
    try:
        objective.full_clean(exclude=["strategy", *problems], validate_constraints=False)
    except ValidationError as error:
        for name, message in _problems_from(error).items():
            problems.setdefault(name, message)
    return problems


@transaction.atomic
def add_objective(
    *,
    by: User | None,
    strategy: Strategy,
    code: str,
    title: str,
    description: str = "",
    weight: Decimal | int = 1,
    order: int | None = None,
) -> Objective:
    if by is not None:
        _require(can_manage_strategy(by, strategy))
    if order is None:
        order = strategy.objectives.count() + 1
    objective = Objective(
        strategy=strategy,
        code=_text(code),
        title=_text(title),
        description=_text(description),
        weight=Decimal(str(weight)),
        order=order,
    )
    problems = _objective_problems(objective)
    if problems:
        raise ActionInvalid(problems)
    objective.save()
    record(
        action=AuditAction.STRATEGY_CHANGED,
        by=by,
        target=strategy,
        detail={"objective_added": objective.code, "title": objective.title},
    )
    return objective


@transaction.atomic
def update_objective(
    *, by: User | None, objective: Objective, data: Mapping[str, Any]
) -> Objective:
    """Change an objective's code, title, description, weight or order."""
    allowed = {"code", "title", "description", "weight", "order"}
    if set(data) - allowed:
        raise TypeError(f"Not fields of an objective: {', '.join(sorted(set(data) - allowed))}")
    if by is not None:
        _require(can_manage_strategy(by, objective.strategy))
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        if name in ("code", "title", "description"):
            value = _text(value)
        if name == "weight":
            value = Decimal(str(value))
        before = getattr(objective, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(objective, name, value)
    problems = _objective_problems(objective)
    if problems:
        raise ActionInvalid(problems)
    if changes:
        objective.save()
        record(
            action=AuditAction.STRATEGY_CHANGED,
            by=by,
            target=objective.strategy,
            detail={"objective": objective.code, "changes": changes},
        )
    return objective


# --- plans ------------------------------------------------------------------------------


def can_create_plan(user: User, strategy: Strategy, organisation: Organisation) -> bool:
    """Managers create plans for anyone; a partner only its own, under a strategy it can see."""
    if can_manage_strategy(user, strategy):
        return True
    return (
        has_permission(user, Permission.ACTION_UPDATE)
        and user.organisation_id is not None
        and organisation.pk == user.organisation_id
        and strategies_visible_to(user).filter(pk=strategy.pk).exists()
    )


@transaction.atomic
def create_plan(
    *,
    by: User | None,
    strategy: Strategy,
    organisation: Organisation,
    title: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> ActionPlan:
    if by is not None:
        _require(can_create_plan(by, strategy, organisation))
    title = _text(title)
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = "Enter the plan's title, for example Action plan 2025 to 2026"
    elif len(title) > (_max_length(ActionPlan, "title") or 200):
        problems["title"] = "The plan's title must be 200 characters or fewer"
    if starts_on is None:
        problems["starts_on"] = "Enter the date the plan starts"
    if ends_on is None:
        problems["ends_on"] = "Enter the date the plan ends"
    elif starts_on is not None and ends_on < starts_on:
        problems["ends_on"] = "The end date must be the same as or after the start date"
    if problems or starts_on is None or ends_on is None:
        raise ActionInvalid(problems)
    plan = ActionPlan.objects.create(
        strategy=strategy,
        organisation=organisation,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    record(
        action=AuditAction.PLAN_CREATED,
        by=by,
        target=plan,
        detail={
            "strategy": strategy.slug,
            "organisation": organisation.name,
            "period": [starts_on.isoformat(), ends_on.isoformat()],
        },
    )
    return plan


# --- actions ----------------------------------------------------------------------------


def _clean_action_data(
    data: Mapping[str, Any], strategy: Strategy
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values for the fields given, and a problem for each that cannot be read."""
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of an action: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in data.items():
        if name in TEXT_FIELDS:
            text = _text(value)
            limit = _max_length(Action, name)
            if limit is not None and len(text) > limit:
                problems[name] = f"This must be {limit} characters or fewer"
            else:
                cleaned[name] = text
        elif name == "status":
            cleaned[name] = _text(value).lower()
        elif name in ("rag", "forecast_rag"):
            rag = _text(value).lower()
            if name == "forecast_rag" and rag not in ("", *Rag.values):
                problems[name] = "Choose a forecast RAG rating: green, amber or red, or none"
            else:
                cleaned[name] = rag
        elif name in DATE_FIELDS:
            try:
                cleaned[name] = _date(value)
            except (TypeError, ValueError):
                problems[name] = "Enter a real date, for example 2026-03-31"
        elif name == "progress":
            try:
                if isinstance(value, bool) or value is None:
                    raise ValueError(value)
                number = Decimal(str(value).strip().rstrip("%"))
                if number != number.to_integral_value():
                    raise ValueError(value)
                cleaned[name] = int(number)
            except (ValueError, InvalidOperation):
                problems[name] = "Progress must be a whole number from 0 to 100"
        elif name == "weight":
            try:
                weight = Decimal(str(value).strip()).quantize(Decimal("0.01"))
                if weight < 0 or weight >= Decimal(100000):
                    raise ValueError(value)
                cleaned[name] = weight
            except (ValueError, InvalidOperation):
                problems[name] = "Weight must be a number from 0 to 99999"
        elif name == "commentary_is_public":
            cleaned[name] = bool(value)
        elif name == "owner":
            if not isinstance(value, Organisation):
                problems[name] = "Choose the organisation that owns the action"
            else:
                cleaned[name] = value
        elif name == "lead":
            if value is not None and not isinstance(value, User):
                problems[name] = "Choose the lead's account, or none"
            else:
                cleaned[name] = value
        elif name == "from_decision":
            if value is not None and (
                not isinstance(value, Decision) or value.meeting.group.strategy_id != strategy.pk
            ):
                problems[name] = "Choose a decision of this strategy's leadership group"
            else:
                cleaned[name] = value
        elif name == "objectives":
            chosen = list(value or [])
            if any(not isinstance(o, Objective) or o.strategy_id != strategy.pk for o in chosen):
                problems[name] = "Choose objectives of this strategy"
            else:
                cleaned[name] = sorted(set(chosen), key=lambda o: (o.order, o.code))
    return cleaned, problems


def _apply_status_rules(values: dict[str, Any], status_given: bool, given: set[str]) -> None:
    """What a new status implies for the fields that were not given with it.

    Moving out of "in progress" drops the RAG and moving out of "complete" drops
    the completion date, so a lead need not clear them by hand. Given explicitly,
    they are checked instead (and refused), so a contradiction is never hidden.
    """
    if status_given:
        if values["status"] != Status.IN_PROGRESS and "rag" not in given:
            values["rag"] = ""
        if values["status"] != Status.COMPLETE and "completed_on" not in given:
            values["completed_on"] = None
    if isinstance(values["progress"], int):
        values["progress"] = rules.default_progress(values["status"], values["progress"])
    # The lead's name is kept as text too, so history and reports still say who.
    if values["lead"] is not None and not values["lead_name"]:
        values["lead_name"] = values["lead"].display_name


def _rule_problems(values: Mapping[str, Any]) -> dict[str, str]:
    state = rules.ActionState(
        status=values["status"],
        rag=values["rag"],
        progress=values["progress"],
        corrective_action=values["corrective_action"],
        commentary=values["commentary"],
        completed_on=values["completed_on"],
        starts_on=values["starts_on"],
        due_on=values["due_on"],
    )
    problems = rules.action_problems(state, today=timezone.localdate())
    if not values["title"]:
        problems["title"] = "Enter the action's title"
    return problems


def _owner_change_allowed(by: User | None, strategy: Strategy, owner: Organisation) -> bool:
    """Only the strategy's managers give an action to an organisation other than their own."""
    if by is None or can_manage_strategy(by, strategy):
        return True
    return owner.pk == by.organisation_id


def _audit_detail(action: Action, **extra: Any) -> dict[str, Any]:
    # The owner organisation's administrators can find changes to their actions.
    return {
        "strategy": action.strategy.slug,
        "reference": action.reference,
        "target_organisation": str(action.owner.uuid),
        **extra,
    }


@transaction.atomic
def create_action(
    *,
    by: User | None,
    plan: ActionPlan,
    data: Mapping[str, Any],
    channel: str = UpdateChannel.WEB,
    made_at: dt.datetime | None = None,
) -> Action:
    """Add an action to `plan`; its owner defaults to the plan's organisation.

    The first history row records the values it started with.
    """
    if by is not None:
        _require(can_edit_plan(by, plan))
    strategy = plan.strategy
    cleaned, problems = _clean_action_data(data, strategy)
    owner = cleaned.get("owner", plan.organisation)
    if not _owner_change_allowed(by, strategy, owner):
        raise PermissionDenied
    values: dict[str, Any] = {
        **dict.fromkeys(TEXT_FIELDS, ""),
        "status": Status.NOT_STARTED,
        "rag": "",
        "forecast_rag": "",
        **dict.fromkeys(DATE_FIELDS),
        "progress": 0,
        "weight": Decimal(1),
        "commentary_is_public": False,
        "owner": owner,
        "lead": None,
        "from_decision": None,
    }
    values.update({k: v for k, v in cleaned.items() if k in _ROW_FIELDS})
    _apply_status_rules(values, status_given=False, given=set(cleaned))
    problems = _rule_problems(values) | problems
    if problems:
        raise ActionInvalid(problems)
    when = _now(made_at)
    action = Action.objects.create(
        plan=plan, strategy=strategy, version=1, last_update_at=when, **values
    )
    objectives = cleaned.get("objectives", [])
    action.objectives.set(objectives)
    changes = {
        name: [None, _plain(value)]
        for name, value in values.items()
        if name in cleaned or name in ("owner", "status", "progress")
        if value not in ("", None, False)
    }
    if objectives:
        changes["objectives"] = [None, [o.code for o in objectives]]
    ActionUpdate.objects.create(
        action=action,
        made_by=by,
        made_by_name=_name_of(by),
        made_at=when,
        channel=channel,
        status=action.status,
        rag=action.rag,
        progress=action.progress,
        commentary=action.commentary,
        corrective_action=action.corrective_action,
        changes=changes,
    )
    record(
        action=AuditAction.ACTION_CREATED,
        by=by,
        target=action,
        detail=_audit_detail(action, plan=str(plan.uuid), channel=str(channel), values=changes),
    )
    return action


@transaction.atomic
def update_action(
    *,
    by: User | None,
    action: Action,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    channel: str = UpdateChannel.WEB,
    made_at: dt.datetime | None = None,
) -> Action:
    """Change an action and keep the change as a dated history row; returns the saved action.

    `expected_version` is the version the person started from: if someone else
    has saved since, `StaleAction` is raised and nothing changes. An update that
    changes nothing still counts as an update (a lead confirming all is as it
    was): it is kept, dated and moves `last_update_at` on.
    """
    # Re-read under a lock so the version check and the write see the same row.
    # `of=("self",)`: PostgreSQL cannot lock the nullable side of the outer joins.
    locked = (
        Action.objects.select_for_update(of=("self",))
        .select_related("strategy", "owner", "lead", "plan", "from_decision")
        .get(pk=action.pk)
    )
    if by is not None:
        _require(can_update_action(by, locked))
    if expected_version is not None and locked.version != expected_version:
        raise StaleAction(locked, expected_version)
    strategy = locked.strategy
    cleaned, problems = _clean_action_data(data, strategy)
    if "owner" in cleaned and not _owner_change_allowed(by, strategy, cleaned["owner"]):
        raise PermissionDenied
    before: dict[str, Any] = {name: getattr(locked, name) for name in _ROW_FIELDS}
    values = dict(before)
    values.update({k: v for k, v in cleaned.items() if k in _ROW_FIELDS})
    _apply_status_rules(values, status_given="status" in cleaned, given=set(cleaned))
    problems = _rule_problems(values) | problems
    if problems:
        raise ActionInvalid(problems)

    changes: dict[str, list[Any]] = {}
    for name in _ROW_FIELDS:
        if values[name] != before[name]:
            changes[name] = [_plain(before[name]), _plain(values[name])]
            setattr(locked, name, values[name])
    objectives_before = list(locked.objectives.all())
    if "objectives" in cleaned:
        objectives_after = cleaned["objectives"]
        if {o.pk for o in objectives_after} != {o.pk for o in objectives_before}:
            changes["objectives"] = [
                [o.code for o in objectives_before],
                [o.code for o in objectives_after],
            ]
            locked.objectives.set(objectives_after)

    when = _now(made_at)
    locked.version += 1
    # A loader dating history out of order must not move the latest update backwards.
    if locked.last_update_at is None or when > locked.last_update_at:
        locked.last_update_at = when
    locked.save()
    ActionUpdate.objects.create(
        action=locked,
        made_by=by,
        made_by_name=_name_of(by),
        made_at=when,
        channel=channel,
        status=locked.status,
        rag=locked.rag,
        progress=locked.progress,
        commentary=locked.commentary,
        corrective_action=locked.corrective_action,
        changes=changes,
    )
    record(
        action=AuditAction.ACTION_UPDATED,
        by=by,
        target=locked,
        detail=_audit_detail(locked, version=locked.version, channel=str(channel), changes=changes),
    )
    return locked


def _note_on_history(
    *, by: User | None, action: Action, changes: dict[str, list[Any]], when: dt.datetime
) -> None:
    """A history row for a change beside the action's own fields (a milestone)."""
    ActionUpdate.objects.create(
        action=action,
        made_by=by,
        made_by_name=_name_of(by),
        made_at=when,
        channel=UpdateChannel.WEB,
        status=action.status,
        rag=action.rag,
        progress=action.progress,
        commentary=action.commentary,
        corrective_action=action.corrective_action,
        changes=changes,
    )
    if action.last_update_at is None or when > action.last_update_at:
        Action.objects.filter(pk=action.pk).update(last_update_at=when)
        action.last_update_at = when


@transaction.atomic
def add_milestone(
    *, by: User | None, action: Action, title: str, due_on: dt.date | None
) -> Milestone:
    if by is not None:
        _require(can_update_action(by, action))
    title = _text(title)
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = "Enter what the milestone is"
    elif len(title) > (_max_length(Milestone, "title") or 300):
        problems["title"] = "The milestone must be 300 characters or fewer"
    if due_on is None:
        problems["due_on"] = "Enter the date the milestone is due"
    if problems or due_on is None:
        raise ActionInvalid(problems)
    milestone = Milestone.objects.create(action=action, title=title, due_on=due_on)
    _note_on_history(
        by=by,
        action=action,
        changes={"milestones": [None, f"{title} (due {due_on.isoformat()})"]},
        when=timezone.now(),
    )
    record(
        action=AuditAction.ACTION_UPDATED,
        by=by,
        target=action,
        detail=_audit_detail(action, milestone_added=title, due_on=due_on.isoformat()),
    )
    return milestone


@transaction.atomic
def complete_milestone(
    *, by: User | None, milestone: Milestone, completed_on: dt.date | None
) -> Milestone:
    """Mark a milestone done on `completed_on` (None re-opens it)."""
    action = milestone.action
    if by is not None:
        _require(can_update_action(by, action))
    if completed_on is not None and completed_on > timezone.localdate():
        raise ActionInvalid({"completed_on": "The completion date must be today or in the past"})
    before = milestone.completed_on
    if before == completed_on:
        return milestone
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])

    def state(day: dt.date | None) -> str:
        return f"completed {day.isoformat()}" if day else f"due {milestone.due_on.isoformat()}"

    _note_on_history(
        by=by,
        action=action,
        changes={f"milestone: {milestone.title}": [state(before), state(completed_on)]},
        when=timezone.now(),
    )
    record(
        action=AuditAction.ACTION_UPDATED,
        by=by,
        target=action,
        detail=_audit_detail(action, milestone=milestone.title, completed_on=_plain(completed_on)),
    )
    return milestone


# --- reviews ----------------------------------------------------------------------------


@transaction.atomic
def take_review(
    *,
    by: User | None,
    strategy: Strategy,
    review_on: dt.date | None,
    title: str = "",
    made_at: dt.datetime | None = None,
) -> ReviewPoint:
    """Freeze every action's status, RAG, progress and commentary at a review point.

    A review point already scheduled for that date is taken; one already taken
    is refused (its snapshot is the record the reports compare against).
    """
    if by is not None:
        _require(can_manage_strategy(by, strategy))
    if review_on is None:
        raise ActionInvalid({"review_on": "Enter the date of the review"})
    review = (
        ReviewPoint.objects.select_for_update()
        .filter(strategy=strategy, review_on=review_on)
        .first()
    )
    if review is not None and review.is_taken:
        raise ActionInvalid({"review_on": "A review for this date has already been taken"})
    if review is None:
        review = ReviewPoint(strategy=strategy, review_on=review_on)
    review.title = _text(title) or review.title or f"Review at {review_on.day} {review_on:%B %Y}"
    review.taken_at = _now(made_at)
    review.taken_by = by
    review.save()
    actions = strategy.actions.values_list("pk", "status", "rag", "progress", "commentary")
    ReviewSnapshot.objects.bulk_create(
        ReviewSnapshot(
            review=review,
            action_id=pk,
            status=status,
            rag=rag,
            progress=progress,
            commentary=commentary,
        )
        for pk, status, rag, progress, commentary in actions
    )
    record(
        action=AuditAction.REVIEW_TAKEN,
        by=by,
        target=review,
        detail={
            "strategy": strategy.slug,
            "review_on": review_on.isoformat(),
            "actions": review.snapshots.count(),
        },
    )
    return review


# --- partners and the leadership group --------------------------------------------------


@transaction.atomic
def sign_commitment(
    *,
    by: User | None,
    strategy: Strategy,
    organisation: Organisation,
    signed_by: str,
    signed_by_role: str,
    signed_on: dt.date | None,
) -> Signatory:
    """Record that `organisation` signed up to the framework's commitment."""
    if by is not None:
        _require(can_manage_strategy(by, strategy))
    problems: dict[str, str] = {}
    if Signatory.objects.filter(strategy=strategy, organisation=organisation).exists():
        problems["organisation"] = f"{organisation.name} has already signed this commitment"
    if not _text(signed_by):
        problems["signed_by"] = "Enter the name of the person who signed"
    if not _text(signed_by_role):
        problems["signed_by_role"] = "Enter the role of the person who signed"
    if signed_on is None:
        problems["signed_on"] = "Enter the date it was signed"
    elif signed_on > timezone.localdate():
        problems["signed_on"] = "The date it was signed must be today or in the past"
    if problems or signed_on is None:
        raise ActionInvalid(problems)
    signatory = Signatory.objects.create(
        strategy=strategy,
        organisation=organisation,
        signed_by=_text(signed_by),
        signed_by_role=_text(signed_by_role),
        signed_on=signed_on,
        recorded_by=by,
    )
    record(
        action=AuditAction.COMMITMENT_SIGNED,
        by=by,
        target=strategy,
        detail={
            "organisation": organisation.name,
            "target_organisation": str(organisation.uuid),
            "signed_by": signatory.signed_by,
            "signed_by_role": signatory.signed_by_role,
            "signed_on": signed_on.isoformat(),
        },
    )
    return signatory


@transaction.atomic
def set_leadership_group(
    *, by: User | None, strategy: Strategy, name: str, remit: str
) -> LeadershipGroup:
    """Name the strategy's leadership group and its remit (creating it the first time)."""
    if by is not None:
        _require(can_manage_strategy(by, strategy))
    name, remit = _text(name), _text(remit)
    if not name:
        raise ActionInvalid({"name": "Enter the group's name"})
    group = LeadershipGroup.objects.filter(strategy=strategy).first()
    before = {"name": group.name, "remit": group.remit} if group else None
    if group is None:
        group = LeadershipGroup.objects.create(strategy=strategy, name=name, remit=remit)
    else:
        group.name, group.remit = name, remit
        group.save()
    record(
        action=AuditAction.LEADERSHIP_CHANGED,
        by=by,
        target=strategy,
        detail={"group": name, "before": before, "after": {"name": name, "remit": remit}},
    )
    return group


@transaction.atomic
def add_group_member(
    *,
    by: User | None,
    group: LeadershipGroup,
    organisation: Organisation,
    name: str,
    role: str,
    joined_on: dt.date | None = None,
) -> GroupMember:
    if by is not None:
        _require(can_manage_strategy(by, group.strategy))
    problems: dict[str, str] = {}
    if not _text(name):
        problems["name"] = "Enter the member's name"
    if role not in MemberRole.values:
        problems["role"] = "Choose a role: " + ", ".join(MemberRole.labels).lower()
    if problems:
        raise ActionInvalid(problems)
    member = GroupMember.objects.create(
        group=group, organisation=organisation, name=_text(name), role=role, joined_on=joined_on
    )
    record(
        action=AuditAction.LEADERSHIP_CHANGED,
        by=by,
        target=group.strategy,
        detail={"member_added": member.name, "organisation": organisation.name, "role": role},
    )
    return member


@transaction.atomic
def record_meeting(
    *,
    by: User | None,
    group: LeadershipGroup,
    held_on: dt.date | None,
    title: str,
    notes: str,
    decisions: list[str],
    attendees: Iterable[GroupMember] = (),
) -> Meeting:
    """Record a meeting of the group and its decisions, numbered in the order given."""
    if by is not None:
        _require(can_manage_strategy(by, group.strategy))
    problems: dict[str, str] = {}
    if held_on is None:
        problems["held_on"] = "Enter the date of the meeting"
    if not _text(title):
        problems["title"] = "Enter the meeting's title"
    texts = [_text(d) for d in decisions]
    if any(not t for t in texts):
        problems["decisions"] = "Every decision needs its text"
    attendees = list(attendees)
    if any(m.group_id != group.pk for m in attendees):
        problems["attendees"] = "Choose attendees from the group's members"
    if problems or held_on is None:
        raise ActionInvalid(problems)
    meeting = Meeting.objects.create(
        group=group, held_on=held_on, title=_text(title), notes=_text(notes)
    )
    meeting.attendees.set(attendees)
    Decision.objects.bulk_create(
        Decision(meeting=meeting, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    )
    record(
        action=AuditAction.MEETING_RECORDED,
        by=by,
        target=meeting,
        detail={
            "strategy": group.strategy.slug,
            "held_on": held_on.isoformat(),
            "decisions": len(texts),
        },
    )
    return meeting
