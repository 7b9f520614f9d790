"""Every change to funds, calls and applications goes through here, and is audited.

Status changes are checked against `workflow.TRANSITIONS` (which move, and who may
make it); each writes an `ApplicationEvent` the applicant sees as a timeline.
Approval increments the fund's `committed` with a conditional UPDATE inside the
transaction, backed by the database constraint, so the fund can never be
over-committed even when two decisions are made at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cohesion.accounts import actions as account_actions
from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.grants import workflow
from cohesion.grants.attachments import check_upload, safe_filename
from cohesion.grants.models import (
    AWARDED_STATUSES,
    Application,
    ApplicationEvent,
    Assessment,
    AssessmentCriterion,
    Attachment,
    Call,
    CallQuestion,
    Fund,
    MonitoringReport,
    Payment,
    QuestionKind,
    Status,
)
from cohesion.grants.workflow import WorkflowError

MIN_ASSESSMENTS = 2

# Fields of an application the applicant fills in (the task list's sections).
APPLICANT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "planned_start",
        "planned_end",
        "beneficiaries",
        "beneficiary_count",
        "amount_requested",
        "budget_breakdown",
        "legal_name",
        "charity_number",
        "company_number",
        "other_registration_scheme",
        "other_registration_number",
        "street_address",
        "address_locality",
        "postcode",
        "website",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
)


class BudgetError(WorkflowError):
    """The fund has not enough left for this award."""


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# Funds, calls, questions and criteria


def _save(obj: Any, data: dict[str, Any]) -> dict[str, str]:
    changed = {}
    for name, value in data.items():
        if getattr(obj, name, None) != value:
            changed[name] = str(value)
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return changed


@transaction.atomic
def save_fund(
    *, by: User | None, fund: Fund | None = None, objectives: Any = None, **data: Any
) -> Fund:
    """Create or change a fund. `committed` is not changed here, only by decisions."""
    data.pop("committed", None)
    fund = fund or Fund()
    created = fund.pk is None
    changed = _save(fund, data)
    if objectives is not None:
        fund.objectives.set(objectives)
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=fund,
        detail={"what": "fund", "created": created, "changed": changed},
    )
    return fund


@transaction.atomic
def save_call(*, by: User | None, call: Call | None = None, **data: Any) -> Call:
    call = call or Call()
    created = call.pk is None
    changed = _save(call, data)
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=call,
        detail={"what": "call", "created": created, "changed": changed},
    )
    return call


@transaction.atomic
def save_question(
    *, by: User | None, question: CallQuestion | None = None, **data: Any
) -> CallQuestion:
    question = question or CallQuestion()
    created = question.pk is None
    if data.get("kind", question.kind) != QuestionKind.CHOICE:
        data["choices"] = []
    changed = _save(question, data)
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=question.call,
        detail={"what": "question", "created": created, "id": question.pk, "changed": changed},
    )
    return question


@transaction.atomic
def delete_question(*, by: User | None, question: CallQuestion) -> None:
    call, pk = question.call, question.pk
    question.delete()
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=call,
        detail={"what": "question", "deleted": pk},
    )


@transaction.atomic
def save_criterion(
    *, by: User | None, criterion: AssessmentCriterion | None = None, **data: Any
) -> AssessmentCriterion:
    criterion = criterion or AssessmentCriterion()
    created = criterion.pk is None
    changed = _save(criterion, data)
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=criterion.call,
        detail={"what": "criterion", "created": created, "id": criterion.pk, "changed": changed},
    )
    return criterion


@transaction.atomic
def delete_criterion(*, by: User | None, criterion: AssessmentCriterion) -> None:
    call, pk = criterion.call, criterion.pk
    criterion.delete()
    record(
        action=AuditAction.GRANT_FUND_CHANGED,
        by=by,
        target=call,
        detail={"what": "criterion", "deleted": pk},
    )


# Registration


@transaction.atomic
def register_group(
    *,
    by: User | None,
    council: Area,
    group_name: str,
    group_type: OrganisationType,
    first_name: str,
    last_name: str,
    email: str,
    username: str,
    password: str,
    is_synthetic: bool = False,
) -> User:
    """A community group's account: a new organisation and its first grant applicant."""
    if group_type not in (OrganisationType.VOLUNTARY_COMMUNITY, OrganisationType.FAITH):
        raise WorkflowError(
            "Select whether the group is a voluntary or community group or a faith group"
        )
    organisation = account_actions.create_organisation(
        by=by, name=group_name, type=group_type, areas=[council], is_synthetic=is_synthetic
    )
    return account_actions.create_user(
        by=by,
        username=username,
        password=password,
        organisation=organisation,
        role=Role.APPLICANT,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title="Grant applicant",
        is_synthetic=is_synthetic,
    )


# Applications: the applicant's side


def _lock(application: Application) -> Application:
    """Re-read the application with a row lock, so two moves cannot race."""
    locked = (
        Application.objects.select_for_update().select_related("call__fund").get(pk=application.pk)
    )
    return locked


def _next_reference(fund: Fund, year: int) -> str:
    stem = f"{fund.reference_prefix}-{year}-"
    last = (
        Application.objects.filter(reference__startswith=stem)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def _move(
    application: Application,
    to: Status,
    *,
    by: User | None,
    reason: str = "",
    check: bool = True,
    **detail: Any,
) -> ApplicationEvent:
    if check:
        workflow.check_transition(by, application, to)
    frm = application.status
    application.status = to
    application.save()
    event = ApplicationEvent.objects.create(
        application=application, from_status=frm, to_status=to, by=by, reason=reason
    )
    record(
        action=AuditAction.GRANT_APPLICATION_STATUS_CHANGED,
        by=by,
        target=application,
        detail={"reference": application.reference, "from": frm, "to": str(to), **detail},
    )
    return event


@transaction.atomic
def start_application(
    *, by: User | None, call: Call, organisation: Organisation, is_synthetic: bool = False
) -> Application:
    """A new draft for `organisation` in an open call, prefilled from the group's last one."""
    if by is not None and not (
        has_permission(by, Permission.GRANTS_APPLY) and by.organisation_id == organisation.pk
    ):
        raise WorkflowError("You cannot apply for this group")
    if by is not None and not call.is_open:
        raise WorkflowError("This call is not open for applications")
    previous = organisation.grant_applications.order_by("-created_at").first()
    carried = (
        {
            name: getattr(previous, name)
            for name in (
                "legal_name",
                "charity_number",
                "company_number",
                "other_registration_scheme",
                "other_registration_number",
                "street_address",
                "address_locality",
                "postcode",
                "website",
                "contact_name",
                "contact_email",
                "contact_phone",
            )
        }
        if previous
        else {"legal_name": organisation.name}
    )
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    call=call,
                    organisation=organisation,
                    created_by=by,
                    reference=_next_reference(call.fund, year),
                    is_synthetic=is_synthetic,
                    **carried,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five clashes in a row
        raise WorkflowError("Could not start an application: try again")
    ApplicationEvent.objects.create(
        application=application, from_status="", to_status=Status.DRAFT, by=by
    )
    record(
        action=AuditAction.GRANT_APPLICATION_SAVED,
        by=by,
        target=application,
        detail={"reference": application.reference, "created": True},
    )
    return application


def _check_applicant_edit(by: User | None, application: Application) -> None:
    if by is not None and not workflow.is_applicant(by, application):
        raise WorkflowError("You cannot change this application")
    if application.status not in workflow.APPLICANT_EDITABLE:
        raise WorkflowError("This application can no longer be changed")


@transaction.atomic
def save_draft(
    *,
    by: User | None,
    application: Application,
    wards: Iterable[Area] | None = None,
    answers: dict[str, str] | None = None,
    **data: Any,
) -> Application:
    """Save what the applicant has typed so far (any section, any amount of it)."""
    application = _lock(application)
    _check_applicant_edit(by, application)
    unknown = set(data) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"Not applicant fields: {sorted(unknown)}")
    changed = sorted(k for k, v in data.items() if getattr(application, k) != v)
    for name, value in data.items():
        setattr(application, name, value)
    if answers is not None:
        merged = dict(application.answers)
        merged.update(answers)
        if merged != application.answers:
            changed.append("answers")
        application.answers = merged
    application.full_clean()
    application.save()
    if wards is not None:
        application.wards.set(list(wards))
        changed.append("wards")
    record(
        action=AuditAction.GRANT_APPLICATION_SAVED,
        by=by,
        target=application,
        detail={"reference": application.reference, "changed": changed},
    )
    return application


@transaction.atomic
def add_attachment(
    *,
    by: User | None,
    application: Application,
    filename: str,
    data: bytes,
    description: str = "",
) -> Attachment:
    application = _lock(application)
    _check_applicant_edit(by, application)
    kind = check_upload(filename, data)
    attachment = Attachment.objects.create(
        application=application,
        filename=safe_filename(filename),
        content_type=kind.content_type,
        size=len(data),
        data=data,
        description=description,
        uploaded_by=by,
    )
    record(
        action=AuditAction.GRANT_APPLICATION_SAVED,
        by=by,
        target=application,
        detail={
            "reference": application.reference,
            "attachment_added": str(attachment.uuid),
            "content_type": kind.content_type,
            "size": len(data),
        },
    )
    return attachment


@transaction.atomic
def remove_attachment(*, by: User | None, attachment: Attachment) -> None:
    application = _lock(attachment.application)
    _check_applicant_edit(by, application)
    key = str(attachment.uuid)
    attachment.delete()
    record(
        action=AuditAction.GRANT_APPLICATION_SAVED,
        by=by,
        target=application,
        detail={"reference": application.reference, "attachment_removed": key},
    )


def missing_items(application: Application) -> list[str]:
    """What must be filled in before the application can be submitted (GOV.UK wording)."""
    problems = []
    fund = application.call.fund
    if not application.title.strip():
        problems.append("Enter your project title")
    if not application.summary.strip():
        problems.append("Enter a summary of your project")
    if not application.legal_name.strip():
        problems.append("Enter your group's name")
    if not application.contact_name.strip() or not application.contact_email.strip():
        problems.append("Enter a contact name and email address")
    if not application.postcode.strip():
        problems.append("Enter your group's postcode")
    if application.planned_start is None or application.planned_end is None:
        problems.append("Enter when your project will start and end")
    amount = application.amount_requested
    if amount is None:
        problems.append("Enter how much you are asking for")
    elif amount > fund.maximum_award:
        problems.append(f"The amount you ask for must be {money(fund.maximum_award)} or less")
    elif amount < fund.minimum_award:
        problems.append(f"The amount you ask for must be {money(fund.minimum_award)} or more")
    for question in application.call.questions.all():
        answer = str(application.answers.get(question.key, "")).strip()
        if question.required and not answer:
            problems.append(f"Answer “{question.label}”")
        elif answer and question.max_words and len(answer.split()) > question.max_words:
            problems.append(f"“{question.label}” must be {question.max_words} words or fewer")
    return problems


@transaction.atomic
def submit(*, by: User | None, application: Application) -> Application:
    application = _lock(application)
    workflow.check_transition(by, application, Status.SUBMITTED)
    if by is not None and not application.call.is_open:
        raise WorkflowError("This call has closed, so the application cannot be submitted")
    problems = missing_items(application)
    if problems:
        raise WorkflowError("; ".join(problems))
    application.submitted_at = timezone.now()
    _move(application, Status.SUBMITTED, by=by, check=False)
    return application


@transaction.atomic
def resubmit(*, by: User | None, application: Application, response: str) -> Application:
    """The applicant's answer to "more information required"; back to the eligibility check."""
    application = _lock(application)
    workflow.check_transition(by, application, Status.SCREENING)
    if not response.strip():
        raise WorkflowError("Enter the information you were asked for")
    problems = missing_items(application)
    if problems:
        raise WorkflowError("; ".join(problems))
    application.more_info_response = response
    _move(application, Status.SCREENING, by=by, reason=response, check=False)
    return application


@transaction.atomic
def withdraw(*, by: User | None, application: Application, reason: str = "") -> Application:
    application = _lock(application)
    _move(application, Status.WITHDRAWN, by=by, reason=reason)
    return application


# Applications: staff


@transaction.atomic
def begin_screening(*, by: User | None, application: Application) -> Application:
    application = _lock(application)
    _move(application, Status.SCREENING, by=by)
    return application


SCREEN_OUTCOMES = {
    "eligible": Status.ASSESSMENT,
    "more_info": Status.MORE_INFO_REQUIRED,
    "ineligible": Status.DECLINED,
}


@transaction.atomic
def screen(
    *, by: User | None, application: Application, outcome: str, reason: str = ""
) -> Application:
    """Eligibility check: eligible (to assessment), more information, or ineligible."""
    application = _lock(application)
    to = SCREEN_OUTCOMES.get(outcome)
    if to is None:
        raise WorkflowError("Select the outcome of the eligibility check")
    workflow.check_transition(by, application, to)
    if to is not Status.ASSESSMENT and not reason.strip():
        raise WorkflowError(
            "Enter what information you need"
            if to is Status.MORE_INFO_REQUIRED
            else "Enter why the application is not eligible"
        )
    if to is Status.MORE_INFO_REQUIRED:
        application.more_info_request = reason
        application.more_info_response = ""
    if to is Status.DECLINED:
        application.decision_reason = reason
        application.decided_at = timezone.now()
    _move(application, to, by=by, reason=reason, check=False, outcome=outcome)
    return application


@transaction.atomic
def request_more_info(*, by: User | None, application: Application, request: str) -> Application:
    """From assessment: ask the group something before assessment continues."""
    application = _lock(application)
    workflow.check_transition(by, application, Status.MORE_INFO_REQUIRED)
    if not request.strip():
        raise WorkflowError("Enter what information you need")
    application.more_info_request = request
    application.more_info_response = ""
    _move(application, Status.MORE_INFO_REQUIRED, by=by, reason=request, check=False)
    return application


@transaction.atomic
def assign_assessors(
    *, by: User | None, application: Application, assessors: Iterable[User]
) -> Application:
    application = _lock(application)
    if by is not None and not workflow.is_manager(by, application):
        raise WorkflowError("You cannot assign assessors to this application")
    people = list(assessors)
    council = application.call.fund.council
    for person in people:
        if not has_permission(person, Permission.GRANTS_ASSESS, area=council):
            raise WorkflowError(f"{person} cannot assess this fund's applications")
    application.assessors.set(people)
    record(
        action=AuditAction.GRANT_APPLICATION_SAVED,
        by=by,
        target=application,
        detail={"reference": application.reference, "assessors": [p.username for p in people]},
    )
    return application


def weighted_total(criteria: Iterable[AssessmentCriterion], scores: dict[str, int]) -> Decimal:
    """Sum of score / max x weight, as a percentage of the total weight."""
    criteria = list(criteria)
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    if not total_weight:
        return Decimal(0)
    points = sum(
        (Decimal(scores[str(c.pk)]) / c.max_score * c.weight for c in criteria), Decimal(0)
    )
    return (points / total_weight * 100).quantize(Decimal("0.01"))


@transaction.atomic
def record_assessment(
    *,
    by: User,
    application: Application,
    conflict_of_interest: bool,
    conflict_details: str = "",
    scores: dict[str, int] | None = None,
    comment: str = "",
    recommendation: str = "",
) -> Assessment:
    """An assigned assessor's scores, or their declaration of a conflict (then no scores)."""
    application = _lock(application)
    if not workflow.may_assess(by, application):
        raise WorkflowError("You cannot assess this application")
    assessment, _created = Assessment.objects.get_or_create(application=application, assessor=by)
    if assessment.conflict_of_interest:
        raise WorkflowError(
            "You declared a conflict of interest, so you cannot score this application"
        )
    criteria = list(application.call.criteria.all())
    if conflict_of_interest:
        if not conflict_details.strip():
            raise WorkflowError("Describe your conflict of interest")
        assessment.conflict_of_interest = True
        assessment.conflict_details = conflict_details
        assessment.scores = {}
        assessment.weighted_total = None
        assessment.completed_at = timezone.now()
    else:
        scores = scores or {}
        clean: dict[str, int] = {}
        for criterion in criteria:
            value = scores.get(str(criterion.pk))
            if value is None:
                raise WorkflowError(f"Give a score for “{criterion.name}”")
            if not 0 <= int(value) <= criterion.max_score:
                raise WorkflowError(
                    f"The score for “{criterion.name}” must be between 0 and {criterion.max_score}"
                )
            clean[str(criterion.pk)] = int(value)
        assessment.conflict_details = ""
        assessment.scores = clean
        assessment.weighted_total = weighted_total(criteria, clean)
        assessment.comment = comment
        assessment.recommendation = recommendation
        assessment.completed_at = timezone.now()
    assessment.save()
    record(
        action=AuditAction.GRANT_ASSESSMENT_RECORDED,
        by=by,
        target=application,
        detail={
            "reference": application.reference,
            "conflict_of_interest": assessment.conflict_of_interest,
            "weighted_total": str(assessment.weighted_total)
            if assessment.weighted_total is not None
            else None,
        },
    )
    return assessment


def counting_assessments(application: Application) -> list[Assessment]:
    return [a for a in application.assessments.all() if a.counts]


@transaction.atomic
def move_to_decision(*, by: User | None, application: Application, note: str = "") -> Application:
    application = _lock(application)
    workflow.check_transition(by, application, Status.READY_FOR_DECISION)
    done = len(counting_assessments(application))
    if done < MIN_ASSESSMENTS:
        raise WorkflowError(
            f"At least {MIN_ASSESSMENTS} completed assessments without a conflict of interest "
            f"are needed before a decision; this application has {done}"
        )
    _move(application, Status.READY_FOR_DECISION, by=by, reason=note, check=False)
    return application


@transaction.atomic
def return_to_assessment(
    *, by: User | None, application: Application, note: str = ""
) -> Application:
    application = _lock(application)
    _move(application, Status.ASSESSMENT, by=by, reason=note)
    return application


DECISIONS = {
    "approve": Status.APPROVED,
    "approve_with_conditions": Status.APPROVED_WITH_CONDITIONS,
    "decline": Status.DECLINED,
}


@transaction.atomic
def decide(
    *,
    by: User | None,
    application: Application,
    outcome: str,
    reason: str,
    conditions: str = "",
    amount: Decimal | None = None,
    award_date: dt.date | None = None,
) -> Application:
    """The panel's decision, with a reason the applicant sees. Approval commits the
    award against the fund's budget, or is refused if the fund has too little left."""
    application = _lock(application)
    to = DECISIONS.get(outcome)
    if to is None:
        raise WorkflowError("Select a decision")
    workflow.check_transition(by, application, to)
    if not reason.strip():
        raise WorkflowError("Enter the reason for the decision")
    if to is Status.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise WorkflowError("Enter the conditions of the grant")
    fund = application.call.fund
    if to in AWARDED_STATUSES:
        amount = amount if amount is not None else application.amount_requested
        if amount is None or amount <= 0:
            raise WorkflowError("Enter the amount awarded")
        if amount > fund.maximum_award:
            raise WorkflowError(f"The amount awarded must be {money(fund.maximum_award)} or less")
        # The budget check and the increment are one statement, so concurrent
        # decisions cannot both pass it; the constraint backs it up.
        updated = Fund.objects.filter(pk=fund.pk, committed__lte=F("budget") - amount).update(
            committed=F("committed") + amount
        )
        if not updated:
            left = Fund.objects.get(pk=fund.pk).remaining
            raise BudgetError(f"Only {money(left)} of this fund is left")
        application.amount_awarded = amount
        application.award_date = award_date or timezone.localdate()
        application.conditions = conditions if to is Status.APPROVED_WITH_CONDITIONS else ""
    application.decision_reason = reason
    application.decided_at = timezone.now()
    _move(
        application,
        to,
        by=by,
        reason=reason,
        check=False,
        amount_awarded=str(application.amount_awarded) if to in AWARDED_STATUSES else None,
    )
    record(
        action=AuditAction.GRANT_DECISION_MADE,
        by=by,
        target=application,
        detail={
            "reference": application.reference,
            "decision": str(to),
            "amount_awarded": str(application.amount_awarded) if to in AWARDED_STATUSES else None,
        },
    )
    return application


# Monitoring


@transaction.atomic
def record_payment(
    *,
    by: User | None,
    application: Application,
    paid_on: dt.date,
    amount: Decimal,
    reference: str = "",
) -> Payment:
    """A payment of the grant; the first one starts monitoring."""
    application = _lock(application)
    if by is not None and not workflow.is_manager(by, application):
        raise WorkflowError("You cannot record payments for this application")
    if application.status not in workflow.REPORTABLE:
        raise WorkflowError("Payments can only be recorded for approved grants")
    if amount <= 0:
        raise WorkflowError("Enter an amount greater than zero")
    awarded = application.amount_awarded or Decimal(0)
    if application.amount_disbursed + amount > awarded:
        raise WorkflowError(f"Payments cannot add up to more than the {money(awarded)} awarded")
    payment = Payment.objects.create(
        application=application, paid_on=paid_on, amount=amount, reference=reference, recorded_by=by
    )
    record(
        action=AuditAction.GRANT_MONITORING_RECORDED,
        by=by,
        target=application,
        detail={
            "reference": application.reference,
            "payment": str(amount),
            "paid_on": str(paid_on),
        },
    )
    if application.status != Status.MONITORING:
        _move(application, Status.MONITORING, by=by, check=False, reason="First payment made")
    return payment


@transaction.atomic
def record_monitoring_report(
    *,
    by: User | None,
    application: Application,
    text: str,
    outcomes: str = "",
    beneficiaries_reached: int | None = None,
    received_on: dt.date | None = None,
    due_on: dt.date | None = None,
    is_final: bool = False,
) -> MonitoringReport:
    """A report from the group (sent by the applicant, or entered by staff)."""
    application = _lock(application)
    if by is not None and not (
        workflow.is_applicant(by, application) or workflow.is_manager(by, application)
    ):
        raise WorkflowError("You cannot send a report for this grant")
    if application.status not in workflow.REPORTABLE:
        raise WorkflowError("Reports can only be sent for approved grants")
    if not text.strip():
        raise WorkflowError("Enter what happened in your project")
    report = MonitoringReport.objects.create(
        application=application,
        text=text,
        outcomes=outcomes,
        beneficiaries_reached=beneficiaries_reached,
        received_on=received_on or timezone.localdate(),
        due_on=due_on,
        is_final=is_final,
        submitted_by=by,
    )
    record(
        action=AuditAction.GRANT_MONITORING_RECORDED,
        by=by,
        target=application,
        detail={"reference": application.reference, "report": str(report.uuid), "final": is_final},
    )
    return report


@transaction.atomic
def close(*, by: User | None, application: Application, note: str = "") -> Application:
    application = _lock(application)
    workflow.check_transition(by, application, Status.CLOSED)
    if not application.monitoring_reports.filter(received_on__isnull=False).exists():
        raise WorkflowError("Record the group's monitoring report before closing the grant")
    _move(application, Status.CLOSED, by=by, reason=note, check=False)
    return application
