"""Impact assessments in the JSON API at /api/v1/impact/: read-only, same rules as the pages.

Signed in: the assessments the person may see (their departments' drafts,
drafts shared with them, and their organisation's signed-off ones), with the
due-regard checks. Published summaries need no sign-in.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.impact import access
from cohesion.impact import choices as c
from cohesion.impact.models import ImpactAssessment
from cohesion.impact.report import Report, build_report

router = Router(tags=["impact"])

MAX_ROWS = 500


class AssessmentOut(Schema):
    uuid: str
    reference: str
    version: int
    previous_uuid: str | None
    subject: str
    kind: str
    organisation: str
    department: str
    status: str
    decision_maker: str
    decision_date: dt.date | None
    review_date: dt.date | None
    signed_off_on: dt.date | None
    published_on: dt.date | None
    outstanding_actions: int


class CellOut(Schema):
    characteristic: str
    aim: str
    impact: str
    evidence: str
    mitigation: str


class CohesionOut(Schema):
    topic: str
    impact: str
    effect: str
    evidence: str
    mitigation: str


class AnswerOut(Schema):
    principle: int
    question: str
    text: str
    answer: str


class EvidenceOut(Schema):
    kind: str
    title: str
    link: str
    dated: dt.date | None
    principle: int | None


class ActionOut(Schema):
    description: str
    owner: str
    due_on: dt.date
    completed_on: dt.date | None


class CheckOut(Schema):
    code: str
    title: str
    state: str
    problems: list[str]


class ChangeOut(Schema):
    section: str
    item: str
    before: str
    after: str


class AssessmentDetailOut(AssessmentOut):
    proposal: str
    owner: str
    outcome: str
    outcome_reason: str
    full_assessment_needed: bool | None
    screening_reason: str
    answers: list[AnswerOut]
    evidence: list[EvidenceOut]
    equality: list[CellOut]
    cohesion: list[CohesionOut]
    wards: list[str]
    actions: list[ActionOut]
    checks: list[CheckOut]
    changes_from_previous: list[ChangeOut] | None


class PublicOut(Schema):
    uuid: str
    subject: str
    kind: str
    organisation: str
    department: str
    version: int
    summary: str
    decision_maker: str
    decision_date: dt.date | None
    review_date: dt.date | None
    published_on: dt.date | None
    outcome: str
    equality: list[CellOut]
    cohesion: list[CohesionOut]
    wards: list[str]
    actions: list[ActionOut]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def _summary(a: ImpactAssessment, outstanding: int) -> dict[str, object]:
    return {
        "uuid": str(a.uuid),
        "reference": a.reference,
        "version": a.version,
        "previous_uuid": str(a.previous.uuid) if a.previous else None,
        "subject": a.subject,
        "kind": a.kind,
        "organisation": a.organisation.name,
        "department": a.department.name,
        "status": a.status,
        "decision_maker": a.decision_maker,
        "decision_date": a.decision_date,
        "review_date": a.review_date,
        "signed_off_on": _day(a.signed_off_at),
        "published_on": _day(a.published_at),
        "outstanding_actions": outstanding,
    }


def _cells(report: Report) -> list[CellOut]:
    return [
        CellOut(
            characteristic=row.characteristic.value,
            aim=cell.aim.value,
            impact=cell.impact.impact,
            evidence=cell.impact.evidence,
            mitigation=cell.impact.mitigation,
        )
        for row in report.matrix
        for cell in row.cells
        if cell.impact is not None
    ]


def _cohesion(report: Report) -> list[CohesionOut]:
    return [
        CohesionOut(
            topic=topic.value,
            impact=answer.impact,
            effect=answer.effect,
            evidence=answer.evidence,
            mitigation=answer.mitigation,
        )
        for topic, answer in report.cohesion
        if answer is not None
    ]


@router.get(
    "/assessments",
    response=list[AssessmentOut],
    auth=django_auth,
    summary="Impact assessments you may see (newest version of each unless all_versions)",
)
def assessments(
    request: HttpRequest, department: str = "", status: str = "", all_versions: bool = False
) -> list[AssessmentOut]:
    user = _user(request)
    if not has_permission(user, Permission.IMPACT_VIEW):
        raise Http404
    visible = access.assessments_visible_to(user)
    rows = visible if all_versions else visible.latest_versions()
    if department:
        rows = rows.filter(department__name=department)
    if status:
        if status not in c.Status.values:
            return []
        rows = rows.filter(status=status)
    chosen = (
        rows.select_related("organisation", "department", "previous")
        .annotate(
            n_outstanding=Count("action_items", filter=Q(action_items__completed_on__isnull=True))
        )
        .order_by("department__name", "subject", "version")
    )
    return [
        AssessmentOut(**_summary(a, a.n_outstanding))  # type: ignore[arg-type, attr-defined]
        for a in chosen[:MAX_ROWS]
    ]


@router.get(
    "/assessments/{assessment_uuid}",
    response=AssessmentDetailOut,
    auth=django_auth,
    summary="One impact assessment in full, with its due-regard checks",
)
def assessment(request: HttpRequest, assessment_uuid: str) -> AssessmentDetailOut:
    a = access.get_assessment_for_user(_user(request), assessment_uuid)
    report = build_report(a)
    return AssessmentDetailOut(
        **_summary(a, report.outstanding_actions),  # type: ignore[arg-type]
        proposal=a.proposal,
        owner=a.owner.display_name,
        outcome=a.outcome,
        outcome_reason=a.outcome_reason,
        full_assessment_needed=(
            report.screening.full_assessment_needed if report.screening else None
        ),
        screening_reason=report.screening.reason if report.screening else "",
        answers=[
            AnswerOut(
                principle=section.principle.number,
                question=question.code,
                text=question.text,
                answer=answer,
            )
            for section in report.principles
            for question, answer in section.answers
        ],
        evidence=[
            EvidenceOut(
                kind=e.kind,
                title=e.title,
                link=e.link,
                dated=e.dated,
                principle=e.principle.number if e.principle else None,
            )
            for e in report.evidence
        ],
        equality=_cells(report),
        cohesion=_cohesion(report),
        wards=[w.code for w in report.wards],
        actions=[
            ActionOut(
                description=i.description,
                owner=i.owner_name,
                due_on=i.due_on,
                completed_on=i.completed_on,
            )
            for i in report.actions
        ],
        checks=[
            CheckOut(
                code=check.code,
                title=check.title,
                state=check.state,
                problems=[p.message for p in check.problems] if check.applies else [],
            )
            for check in report.checks
        ],
        changes_from_previous=None
        if report.changes is None
        else [
            ChangeOut(section=ch.section, item=ch.item, before=ch.before, after=ch.after)
            for ch in report.changes
        ],
    )


def _public(a: ImpactAssessment) -> PublicOut:
    report = build_report(a)
    return PublicOut(
        uuid=str(a.uuid),
        subject=a.subject,
        kind=a.kind,
        organisation=a.organisation.name,
        department=a.department.name,
        version=a.version,
        summary=a.public_summary,
        decision_maker=a.decision_maker,
        decision_date=a.decision_date,
        review_date=a.review_date,
        published_on=_day(a.published_at),
        outcome=a.outcome,
        equality=_cells(report),
        cohesion=_cohesion(report),
        wards=[w.code for w in report.wards],
        # Owners are often named people: the public view leaves them out.
        actions=[
            ActionOut(
                description=i.description, owner="", due_on=i.due_on, completed_on=i.completed_on
            )
            for i in report.actions
        ],
    )


@router.get(
    "/published",
    response=list[PublicOut],
    auth=None,
    summary="Published impact assessment summaries (newest published version of each)",
)
def published(request: HttpRequest) -> list[PublicOut]:
    rows = (
        access.published_assessments()
        .latest_versions()
        .select_related("organisation", "department", "bank")
        .order_by("-published_at")
    )
    return [_public(a) for a in rows[:MAX_ROWS]]


@router.get(
    "/published/{assessment_uuid}",
    response=PublicOut,
    auth=None,
    summary="One published impact assessment summary",
)
def published_one(request: HttpRequest, assessment_uuid: str) -> PublicOut:
    return _public(access.get_published(assessment_uuid))
