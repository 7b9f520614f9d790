"""Every change to impact assessments, departments and the question bank: checked, atomic, audited.

Rights are checked here as well as in the views (the API, commands and demo
loader call these too). Each action that changes an assessment re-reads it
under a row lock first, so a sign-off between loading a page and saving it
wins, and the draft-only rule cannot be raced. The database triggers of
migration 0002 are the last line: even a bug here cannot change a signed-off
assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.impact import access
from cohesion.impact import choices as c
from cohesion.impact.bank import BankData, create_bank_rows, current_bank, next_version
from cohesion.impact.checks import failing, run_checks
from cohesion.impact.models import (
    ActionItem,
    CohesionAnswer,
    Department,
    EqualityImpact,
    Evidence,
    ImpactAssessment,
    Principle,
    PrincipleAnswer,
    Question,
    QuestionBank,
    ScreeningAnswer,
    SuggestedAction,
)
from cohesion.lib.references import new_reference
from cohesion.strategies.models import Action as StrategyAction


class ImpactError(Exception):
    """A step that is not allowed now; the message says why in plain words."""


class DueRegardNotShown(ImpactError):
    """The due-regard checks failed; `checks` holds the failing ones."""

    def __init__(self, checks: list[Any]) -> None:
        self.checks = checks
        super().__init__(
            "The assessment does not yet show due regard: "
            + "; ".join(check.title.lower() for check in checks)
            + "."
        )


def _plain(value: Any) -> Any:
    """A JSON-safe value for the audit detail."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, User):
        return value.username
    if isinstance(value, Department | Area):
        return str(value)
    return value


def _locked(assessment: ImpactAssessment) -> ImpactAssessment:
    return (
        ImpactAssessment.objects.select_for_update()
        .select_related("department")
        .get(pk=assessment.pk)
    )


def _editable(by: User, assessment: ImpactAssessment) -> ImpactAssessment:
    """Re-read under a lock and check it is a draft this person may change."""
    locked = _locked(assessment)
    if not access.in_department(by, locked):
        raise PermissionDenied
    if locked.status != c.Status.DRAFT:
        raise ImpactError(
            "Only a draft can be changed. A signed-off assessment is fixed: start a revision."
            if locked.is_final
            else "It is awaiting sign-off: it must be returned before it can be changed."
        )
    return locked


def _touch(assessment: ImpactAssessment) -> None:
    # Keeps "last changed" honest when only a part changed.
    assessment.save(update_fields=["updated_at"])


# --- Departments -----------------------------------------------------------------------


@transaction.atomic
def create_department(
    *,
    by: User | None,
    organisation: Organisation,
    name: str,
    members: Iterable[User] = (),
    is_synthetic: bool = False,
) -> Department:
    if by is not None and not (
        access.can_manage(by) and (by.is_superuser or by.organisation_id == organisation.pk)
    ):
        raise PermissionDenied
    name = name.strip()
    if Department.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ImpactError(f"{organisation.name} already has a department called {name}.")
    department = Department.objects.create(
        organisation=organisation, name=name, is_synthetic=is_synthetic
    )
    people = list(members)
    if any(p.organisation_id != organisation.pk for p in people):
        raise ImpactError("Members must work in the department's organisation.")
    department.members.set(people)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=department,
        detail={"department_created": name, "members": sorted(p.username for p in people)},
    )
    return department


def _check_manager(by: User | None, department: Department) -> None:
    if by is not None and not (
        access.can_manage(by)
        and (by.is_superuser or by.organisation_id == department.organisation_id)
    ):
        raise PermissionDenied


@transaction.atomic
def add_department_member(*, by: User | None, department: Department, member: User) -> None:
    """Membership decides who sees the department's drafts, so it is audited."""
    _check_manager(by, department)
    if member.organisation_id != department.organisation_id:
        raise ImpactError("Members must work in the department's organisation.")
    department.members.add(member)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=department,
        detail={"department_member_added": member.username},
    )


@transaction.atomic
def remove_department_member(*, by: User | None, department: Department, member: User) -> None:
    _check_manager(by, department)
    department.members.remove(member)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=department,
        detail={"department_member_removed": member.username},
    )


# --- Question bank ---------------------------------------------------------------------


@transaction.atomic
def load_question_bank(
    *,
    by: User | None,
    data: BankData,
    organisation: Organisation | None,
    publish: bool = False,
) -> QuestionBank:
    """Add a new version of the question bank (never changes an existing one)."""
    if by is not None and not (
        access.can_manage(by)
        and (
            by.is_superuser or (organisation is not None and organisation.pk == by.organisation_id)
        )
    ):
        raise PermissionDenied
    bank = create_bank_rows(data, organisation=organisation, version=next_version(organisation))
    if publish:
        bank.published_at = timezone.now()
        bank.save(update_fields=["published_at"])
    record(
        action=AuditAction.QUESTION_BANK_CHANGED,
        by=by,
        target=bank,
        detail={
            "loaded": True,
            "organisation": organisation.name if organisation else "(default)",
            "version": bank.version,
            "principles": len(data.principles),
            "questions": sum(len(p.questions) for p in data.principles),
            "published": publish,
        },
    )
    return bank


@transaction.atomic
def publish_question_bank(*, by: User | None, bank: QuestionBank) -> None:
    """From now on new assessments use it; it can no longer be changed."""
    locked = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    if by is not None and not (
        access.can_manage(by)
        and (by.is_superuser or (locked.organisation_id == by.organisation_id))
    ):
        raise PermissionDenied
    if locked.is_published:
        raise ImpactError("That version is already published.")
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    bank.published_at = locked.published_at
    record(
        action=AuditAction.QUESTION_BANK_CHANGED,
        by=by,
        target=locked,
        detail={"published": True, "version": locked.version},
    )


# --- Creating and editing --------------------------------------------------------------

DETAIL_FIELDS = (
    "subject",
    "kind",
    "proposal",
    "decision_maker",
    "decision_maker_role",
    "decision_date",
    "review_date",
    "outcome",
    "outcome_reason",
)


@transaction.atomic
def create_assessment(
    *,
    by: User,
    department: Department,
    data: Mapping[str, Any],
    owner: User | None = None,
    is_synthetic: bool = False,
) -> ImpactAssessment:
    """Start an assessment (a draft) on the current question bank of the organisation."""
    if not access.can_create(by):
        raise PermissionDenied
    if not by.is_superuser and not department.members.filter(pk=by.pk).exists():
        raise PermissionDenied
    owner = owner or by
    if not department.members.filter(pk=owner.pk).exists():
        raise ImpactError("The owner must be a member of the department.")
    fields = {k: v for k, v in data.items() if k in DETAIL_FIELDS}
    assessment = ImpactAssessment.objects.create(
        reference=new_reference("IA"),
        organisation=department.organisation,
        department=department,
        bank=current_bank(department.organisation),
        owner=owner,
        created_by=by,
        is_synthetic=is_synthetic,
        **fields,
    )
    record(
        action=AuditAction.IMPACT_CREATED,
        by=by,
        target=assessment,
        detail={
            "department": department.name,
            "kind": assessment.kind,
            "bank_version": assessment.bank.version,
        },
    )
    return assessment


@transaction.atomic
def update_details(
    *,
    by: User,
    assessment: ImpactAssessment,
    data: Mapping[str, Any],
    owner: User | None = None,
) -> ImpactAssessment:
    locked = _editable(by, assessment)
    changed: dict[str, list[Any]] = {}
    for name in DETAIL_FIELDS:
        if name in data and getattr(locked, name) != data[name]:
            changed[name] = [_plain(getattr(locked, name)), _plain(data[name])]
            setattr(locked, name, data[name])
    if owner is not None and owner.pk != locked.owner_id:
        if not locked.department.members.filter(pk=owner.pk).exists():
            raise ImpactError("The owner must be a member of the department.")
        changed["owner"] = [locked.owner.username, owner.username]
        locked.owner = owner
    if not changed:
        return locked
    locked.save()
    # Long free text is not copied into the trail: only that it changed.
    for name in ("proposal", "outcome_reason"):
        if name in changed:
            changed[name] = ["…", "…"]
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": "details", "changed": changed},
    )
    return locked


@transaction.atomic
def record_screening(
    *, by: User, assessment: ImpactAssessment, full_assessment_needed: bool, reason: str
) -> ScreeningAnswer:
    locked = _editable(by, assessment)
    answer, _ = ScreeningAnswer.objects.update_or_create(
        assessment=locked,
        defaults={"full_assessment_needed": full_assessment_needed, "reason": reason.strip()},
    )
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": "screening", "full_assessment_needed": full_assessment_needed},
    )
    return answer


@transaction.atomic
def record_principle_answers(
    *,
    by: User,
    assessment: ImpactAssessment,
    principle: Principle,
    answers: Mapping[int, str],
) -> None:
    """Answers to one principle's questions, keyed by question id; blank clears an answer."""
    locked = _editable(by, assessment)
    if principle.bank_id != locked.bank_id:
        raise ImpactError("That principle is not in this assessment's question bank.")
    questions = {q.pk: q for q in principle.questions.all()}
    if set(answers) - set(questions):
        raise ImpactError("An answer is for a question not under this principle.")
    answered = []
    for question_id, text in answers.items():
        text = text.strip()
        if text:
            PrincipleAnswer.objects.update_or_create(
                assessment=locked, question_id=question_id, defaults={"answer": text}
            )
            answered.append(questions[question_id].code)
        else:
            PrincipleAnswer.objects.filter(assessment=locked, question_id=question_id).delete()
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": f"principle {principle.number}", "answered": answered},
    )


@transaction.atomic
def add_evidence(*, by: User, assessment: ImpactAssessment, data: Mapping[str, Any]) -> Evidence:
    locked = _editable(by, assessment)
    principle = data.get("principle")
    if principle is not None and principle.bank_id != locked.bank_id:
        raise ImpactError("That principle is not in this assessment's question bank.")
    item = Evidence.objects.create(
        assessment=locked,
        principle=principle,
        kind=data["kind"],
        title=data["title"].strip(),
        link=data.get("link", ""),
        dated=data.get("dated"),
        summary=data.get("summary", "").strip(),
    )
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={
            "part": "evidence",
            "added": item.title,
            "kind": item.kind,
            "dated": _plain(item.dated),
        },
    )
    return item


@transaction.atomic
def remove_evidence(*, by: User, assessment: ImpactAssessment, evidence: Evidence) -> None:
    locked = _editable(by, assessment)
    if evidence.assessment_id != locked.pk:
        raise PermissionDenied
    title = evidence.title
    evidence.delete()
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": "evidence", "removed": title},
    )


@transaction.atomic
def record_equality(
    *,
    by: User,
    assessment: ImpactAssessment,
    characteristic: str,
    cells: Mapping[str, Mapping[str, str]],
) -> None:
    """One characteristic's row of the matrix: for each aim, impact, evidence and mitigation.

    An aim with no impact chosen is cleared (evidence or mitigation typed without
    an impact is refused by the form, so nothing is half-saved).
    """
    locked = _editable(by, assessment)
    characteristic = c.Characteristic(characteristic)
    allowed = {aim.value for aim in c.aims_for(characteristic)}
    if set(cells) - allowed:
        raise ImpactError("Marriage and civil partnership is protected under aim (a) only.")
    impacts = {}
    for aim in sorted(allowed):
        cell = cells.get(aim, {})
        impact = cell.get("impact", "")
        if impact:
            EqualityImpact.objects.update_or_create(
                assessment=locked,
                characteristic=characteristic,
                aim=aim,
                defaults={
                    "impact": c.Impact(impact),
                    "evidence": cell.get("evidence", "").strip(),
                    "mitigation": cell.get("mitigation", "").strip(),
                },
            )
        else:
            EqualityImpact.objects.filter(
                assessment=locked, characteristic=characteristic, aim=aim
            ).delete()
        impacts[aim] = impact
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": "equality", "characteristic": characteristic.value, "impacts": impacts},
    )


@transaction.atomic
def record_cohesion(
    *,
    by: User,
    assessment: ImpactAssessment,
    answers: Mapping[str, Mapping[str, str]],
    wards: Iterable[Area],
) -> None:
    locked = _editable(by, assessment)
    impacts = {}
    for topic in c.CohesionTopic:
        answer = answers.get(topic.value, {})
        impact = answer.get("impact", "")
        if impact:
            CohesionAnswer.objects.update_or_create(
                assessment=locked,
                topic=topic,
                defaults={
                    "impact": c.Impact(impact),
                    "effect": answer.get("effect", "").strip(),
                    "evidence": answer.get("evidence", "").strip(),
                    "mitigation": answer.get("mitigation", "").strip(),
                },
            )
        else:
            CohesionAnswer.objects.filter(assessment=locked, topic=topic).delete()
        impacts[topic.value] = impact
    ward_list = list(wards)
    locked.wards.set(ward_list)
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={
            "part": "cohesion",
            "impacts": impacts,
            "wards": sorted(w.code for w in ward_list),
        },
    )


def strategy_actions_for(user: User) -> Any:
    """Strategy actions an impact action may feed: those of the person's organisation."""
    from django.db.models import Q

    rows = StrategyAction.objects.select_related("strategy").order_by(
        "strategy__title", "reference"
    )
    if user.is_superuser:
        return rows
    return rows.filter(
        Q(owner_id=user.organisation_id) | Q(strategy__owner_id=user.organisation_id)
    )


@transaction.atomic
def add_action_item(
    *,
    by: User,
    assessment: ImpactAssessment,
    description: str,
    owner_name: str,
    due_on: dt.date,
    suggested_action: SuggestedAction | None = None,
    strategy_action: StrategyAction | None = None,
) -> ActionItem:
    locked = _editable(by, assessment)
    if suggested_action is not None and suggested_action.principle.bank_id != locked.bank_id:
        raise ImpactError("That suggested action is not in this assessment's question bank.")
    if (
        strategy_action is not None
        and not strategy_actions_for(by).filter(pk=strategy_action.pk).exists()
    ):
        raise PermissionDenied
    item = ActionItem.objects.create(
        assessment=locked,
        description=description.strip(),
        owner_name=owner_name.strip(),
        due_on=due_on,
        suggested_action=suggested_action,
        strategy_action=strategy_action,
    )
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={
            "part": "action plan",
            "added": item.description[:200],
            "due_on": due_on.isoformat(),
            "strategy_action": str(strategy_action.uuid) if strategy_action else "",
        },
    )
    return item


@transaction.atomic
def remove_action_item(*, by: User, assessment: ImpactAssessment, item: ActionItem) -> None:
    locked = _editable(by, assessment)
    if item.assessment_id != locked.pk:
        raise PermissionDenied
    description = item.description[:200]
    item.delete()
    _touch(locked)
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=locked,
        detail={"part": "action plan", "removed": description},
    )


@transaction.atomic
def complete_action_item(
    *, by: User, assessment: ImpactAssessment, item: ActionItem, completed_on: dt.date
) -> None:
    """Record that an action is done. Allowed after sign-off: it is monitoring the plan."""
    if not access.can_complete_actions(by, assessment):
        raise PermissionDenied
    if item.assessment_id != assessment.pk:
        raise PermissionDenied
    if item.completed_on is not None:
        raise ImpactError("That action is already recorded as done.")
    item.completed_on = completed_on
    item.completed_by = by
    item.save(update_fields=["completed_on", "completed_by"])
    record(
        action=AuditAction.IMPACT_UPDATED,
        by=by,
        target=assessment,
        detail={
            "part": "action plan",
            "completed": item.description[:200],
            "completed_on": completed_on.isoformat(),
        },
    )


@transaction.atomic
def share_assessment(
    *, by: User, assessment: ImpactAssessment, departments: Iterable[Department]
) -> None:
    """Let other departments of the same organisation see it (sharing is not content)."""
    locked = _locked(assessment)
    if not access.can_share(by, locked):
        raise PermissionDenied
    chosen = [d for d in departments if d.pk != locked.department_id]
    if any(d.organisation_id != locked.organisation_id for d in chosen):
        raise ImpactError("An assessment can be shared only within its own organisation.")
    before = sorted(locked.shared_with.values_list("name", flat=True))
    locked.shared_with.set(chosen)
    record(
        action=AuditAction.IMPACT_SHARED,
        by=by,
        target=locked,
        detail={"before": before, "after": sorted(d.name for d in chosen)},
    )


# --- The workflow ----------------------------------------------------------------------


@transaction.atomic
def submit_assessment(
    *, by: User, assessment: ImpactAssessment, at: dt.datetime | None = None
) -> ImpactAssessment:
    """Send a draft for sign-off. Every due-regard check must pass."""
    locked = _editable(by, assessment)
    at = at or timezone.now()
    problems = failing(run_checks(locked, today=timezone.localdate(at)))
    if problems:
        raise DueRegardNotShown(problems)
    locked.status = c.Status.SUBMITTED
    locked.submitted_at = at
    locked.submitted_by = by
    locked.returned_note = ""
    locked.save(
        update_fields=["status", "submitted_at", "submitted_by", "returned_note", "updated_at"]
    )
    record(
        action=AuditAction.IMPACT_SUBMITTED,
        by=by,
        target=locked,
        detail={"version": locked.version},
    )
    return locked


@transaction.atomic
def return_assessment(*, by: User, assessment: ImpactAssessment, note: str) -> ImpactAssessment:
    """Back to draft, with the reason, so the department can change it."""
    locked = _locked(assessment)
    if not access.can_return(by, locked):
        raise PermissionDenied
    if not note.strip():
        raise ImpactError("Say what needs to change.")
    locked.status = c.Status.DRAFT
    locked.returned_note = note.strip()
    locked.submitted_at = None
    locked.submitted_by = None
    locked.save(
        update_fields=["status", "returned_note", "submitted_at", "submitted_by", "updated_at"]
    )
    record(
        action=AuditAction.IMPACT_RETURNED,
        by=by,
        target=locked,
        detail={"version": locked.version},
    )
    return locked


@transaction.atomic
def sign_off_assessment(
    *, by: User, assessment: ImpactAssessment, note: str = "", at: dt.datetime | None = None
) -> ImpactAssessment:
    """The second person's sign-off. From now on the assessment never changes."""
    locked = _locked(assessment)
    if locked.status != c.Status.SUBMITTED:
        raise ImpactError("Only an assessment awaiting sign-off can be signed off.")
    if by.pk in (locked.owner_id, locked.created_by_id, locked.submitted_by_id):
        raise ImpactError(
            "Someone other than the owner, the author and the person who submitted it must "
            "sign it off."
        )
    if not access.can_sign_off(by, locked):
        raise PermissionDenied
    at = at or timezone.now()
    problems = failing(run_checks(locked, today=timezone.localdate(at)))
    if problems:
        raise DueRegardNotShown(problems)
    locked.status = c.Status.SIGNED_OFF
    locked.signed_off_by = by
    locked.signed_off_at = at
    locked.sign_off_note = note.strip()
    locked.save(
        update_fields=["status", "signed_off_by", "signed_off_at", "sign_off_note", "updated_at"]
    )
    record(
        action=AuditAction.IMPACT_SIGNED_OFF,
        by=by,
        target=locked,
        detail={"version": locked.version, "owner": locked.owner.username},
    )
    return locked


@transaction.atomic
def publish_assessment(
    *,
    by: User,
    assessment: ImpactAssessment,
    public_summary: str,
    at: dt.datetime | None = None,
) -> ImpactAssessment:
    """Publish the summary page for the public (no sign-in)."""
    locked = _locked(assessment)
    if not access.can_publish(by, locked):
        if locked.status != c.Status.SIGNED_OFF:
            raise ImpactError("Only a signed-off assessment can be published.")
        raise PermissionDenied
    if not public_summary.strip():
        raise ImpactError("Write a summary for the public.")
    locked.status = c.Status.PUBLISHED
    locked.public_summary = public_summary.strip()
    locked.published_at = at or timezone.now()
    locked.published_by = by
    locked.save(
        update_fields=["status", "public_summary", "published_at", "published_by", "updated_at"]
    )
    record(
        action=AuditAction.IMPACT_PUBLISHED,
        by=by,
        target=locked,
        detail={"version": locked.version},
    )
    return locked


@transaction.atomic
def revise_assessment(*, by: User, assessment: ImpactAssessment) -> ImpactAssessment:
    """Start a new version (a draft) from a signed-off one, copying everything in it.

    The new version uses the organisation's current question bank; answers are
    carried over where the same principle and question code still exist.
    """
    old = _locked(assessment)
    if not old.is_final:
        raise ImpactError("Only a signed-off assessment can be revised; change the draft instead.")
    if not access.can_revise(by, old):
        if not access.is_latest_version(old):
            raise ImpactError("A newer version already exists: revise that one.")
        raise PermissionDenied
    bank = current_bank(old.organisation)
    new = ImpactAssessment.objects.create(
        reference=new_reference("IA"),
        series=old.series,
        version=old.version + 1,
        previous=old,
        organisation=old.organisation,
        department=old.department,
        bank=bank,
        owner=old.owner if old.department.members.filter(pk=old.owner_id).exists() else by,
        created_by=by,
        is_synthetic=old.is_synthetic,
        # The decision and review dates belong to the decision being revisited: the
        # author must enter new ones, which the timing check asks for.
        **{
            name: getattr(old, name)
            for name in DETAIL_FIELDS
            if name not in ("decision_date", "review_date")
        },
    )
    new.wards.set(old.wards.all())
    new.shared_with.set(old.shared_with.all())
    screening = getattr(old, "screening", None)
    if screening is not None:
        ScreeningAnswer.objects.create(
            assessment=new,
            full_assessment_needed=screening.full_assessment_needed,
            reason=screening.reason,
        )
    # Line questions and principles up by number and code across banks.
    questions: dict[tuple[int, str], Question] = {}
    for principle in bank.principles.prefetch_related("questions"):
        for question in principle.questions.all():
            questions[(principle.number, question.code)] = question
    principles = {p.number: p for p in bank.principles.all()}
    PrincipleAnswer.objects.bulk_create(
        PrincipleAnswer(
            assessment=new,
            question=questions[(a.question.principle.number, a.question.code)],
            answer=a.answer,
        )
        for a in old.principle_answers.select_related("question__principle")
        if (a.question.principle.number, a.question.code) in questions
    )
    Evidence.objects.bulk_create(
        Evidence(
            assessment=new,
            principle=principles.get(e.principle.number) if e.principle else None,
            kind=e.kind,
            title=e.title,
            link=e.link,
            dated=e.dated,
            summary=e.summary,
        )
        for e in old.evidence.select_related("principle")
    )
    EqualityImpact.objects.bulk_create(
        EqualityImpact(
            assessment=new,
            characteristic=e.characteristic,
            aim=e.aim,
            impact=e.impact,
            evidence=e.evidence,
            mitigation=e.mitigation,
        )
        for e in old.equality_impacts.all()
    )
    CohesionAnswer.objects.bulk_create(
        CohesionAnswer(
            assessment=new,
            topic=a.topic,
            impact=a.impact,
            effect=a.effect,
            evidence=a.evidence,
            mitigation=a.mitigation,
        )
        for a in old.cohesion_answers.all()
    )
    same_bank = bank.pk == old.bank_id
    ActionItem.objects.bulk_create(
        ActionItem(
            assessment=new,
            description=a.description,
            owner_name=a.owner_name,
            due_on=a.due_on,
            suggested_action=a.suggested_action if same_bank else None,
            strategy_action=a.strategy_action,
            completed_on=a.completed_on,
            completed_by=a.completed_by,
        )
        for a in old.action_items.all()
    )
    record(
        action=AuditAction.IMPACT_REVISED,
        by=by,
        target=new,
        detail={
            "previous": old.reference,
            "previous_version": old.version,
            "version": new.version,
            "bank_version": bank.version,
        },
    )
    return new
