# ruff: noqa: F811  (pytest fixtures imported from test_grants_fixtures are redefined as arguments)
"""The grant workflow: every allowed transition by the right person, a sample of
refused ones, and the budget invariant (including concurrent approvals on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.grants import actions
from cohesion.grants.models import Application, Fund, Status
from cohesion.grants.workflow import TRANSITIONS, WorkflowError
from tests.integration.test_grants_fixtures import (  # noqa: F401 - fixtures
    ana,
    call,
    complete,
    fund,
    gabi,
    group,
    make_fund,
    other_group,
    otto,
    shona,
)

pytestmark = pytest.mark.django_db
S = Status


def bring_to(status: Status, call, group, assessors) -> Application:
    """An application in `status`, moved there by the system."""
    a = actions.start_application(by=None, call=call, organisation=group)
    a = complete(a, None)
    if status == S.DRAFT:
        return a
    a = actions.submit(by=None, application=a)
    if status == S.SUBMITTED:
        return a
    a = actions.begin_screening(by=None, application=a)
    if status == S.SCREENING:
        return a
    if status == S.MORE_INFO_REQUIRED:
        return actions.screen(by=None, application=a, outcome="more_info", reason="Send accounts")
    a = actions.screen(by=None, application=a, outcome="eligible")
    actions.assign_assessors(by=None, application=a, assessors=assessors)
    if status == S.ASSESSMENT:
        return a
    scores = {str(c.pk): 4 for c in call.criteria.all()}
    for person in assessors:
        actions.record_assessment(
            by=person, application=a, conflict_of_interest=False, scores=scores
        )
    a = actions.move_to_decision(by=None, application=a)
    if status == S.READY_FOR_DECISION:
        return a
    outcome = (
        "approve" if status in (S.APPROVED, S.MONITORING, S.CLOSED) else ("approve_with_conditions")
    )
    a = actions.decide(
        by=None, application=a, outcome=outcome, reason="Good", conditions="Send policy"
    )
    if status in (S.APPROVED, S.APPROVED_WITH_CONDITIONS):
        return a
    actions.record_payment(by=None, application=a, paid_on=dt.date(2027, 1, 5), amount=Decimal(500))
    a.refresh_from_db()
    if status == S.MONITORING:
        return a
    raise AssertionError(status)


def perform(frm: Status, to: Status, user, a: Application) -> Application:
    """Make the move `frm` → `to` as `user`, through the action a page would call."""
    if to == S.WITHDRAWN:
        return actions.withdraw(by=user, application=a, reason="Changed plans")
    if (frm, to) == (S.DRAFT, S.SUBMITTED):
        return actions.submit(by=user, application=a)
    if (frm, to) == (S.SUBMITTED, S.SCREENING):
        return actions.begin_screening(by=user, application=a)
    if (frm, to) == (S.MORE_INFO_REQUIRED, S.SCREENING):
        return actions.resubmit(by=user, application=a, response="Here are our accounts")
    if frm in (S.SUBMITTED, S.SCREENING):
        outcome = {
            S.ASSESSMENT: "eligible",
            S.MORE_INFO_REQUIRED: "more_info",
            S.DECLINED: "ineligible",
        }[to]
        return actions.screen(by=user, application=a, outcome=outcome, reason="Because")
    if (frm, to) == (S.ASSESSMENT, S.MORE_INFO_REQUIRED):
        return actions.request_more_info(by=user, application=a, request="Who runs it?")
    if (frm, to) == (S.ASSESSMENT, S.READY_FOR_DECISION):
        return actions.move_to_decision(by=user, application=a)
    if (frm, to) == (S.READY_FOR_DECISION, S.ASSESSMENT):
        return actions.return_to_assessment(by=user, application=a)
    if frm == S.READY_FOR_DECISION:
        outcome = {
            S.APPROVED: "approve",
            S.APPROVED_WITH_CONDITIONS: "approve_with_conditions",
            S.DECLINED: "decline",
        }[to]
        return actions.decide(
            by=user, application=a, outcome=outcome, reason="Panel view", conditions="Policy first"
        )
    if to == S.MONITORING:
        actions.record_payment(
            by=user, application=a, paid_on=dt.date(2027, 1, 5), amount=Decimal(100)
        )
        a.refresh_from_db()
        return a
    if to == S.CLOSED:
        actions.record_monitoring_report(by=user, application=a, text="It went well")
        return actions.close(by=user, application=a)
    raise AssertionError((frm, to))


def _needs_assessments(frm: Status, to: Status, a: Application, assessors) -> None:
    if (frm, to) == (S.ASSESSMENT, S.READY_FOR_DECISION):
        scores = {str(c.pk): 3 for c in a.call.criteria.all()}
        for person in assessors:
            actions.record_assessment(
                by=person, application=a, conflict_of_interest=False, scores=scores
            )


@pytest.mark.parametrize(("frm", "to"), sorted(TRANSITIONS), ids=lambda s: str(s))
def test_every_allowed_transition_by_the_right_person(frm, to, call, group, gabi, sam, shona, otto):
    actor = TRANSITIONS[(frm, to)]
    a = bring_to(frm, call, group, [sam, shona])
    _needs_assessments(frm, to, a, [sam, shona])
    right = gabi if actor == "applicant" else sam
    wrong = sam if actor == "applicant" else gabi
    with pytest.raises(WorkflowError):
        perform(frm, to, wrong, Application.objects.get(pk=a.pk))
    with pytest.raises(WorkflowError):
        perform(frm, to, otto, Application.objects.get(pk=a.pk))
    assert Application.objects.get(pk=a.pk).status == frm
    moved = perform(frm, to, right, Application.objects.get(pk=a.pk))
    assert moved.status == to
    last = moved.events.order_by("-at", "-id").first()
    assert (last.from_status, last.to_status, last.by) == (frm, to, right)
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_APPLICATION_STATUS_CHANGED).exists()


def test_refused_moves(call, group, gabi, sam, shona, ana, olu):
    draft = bring_to(S.DRAFT, call, group, [sam, shona])
    with pytest.raises(WorkflowError, match="cannot go from draft to approved"):
        actions.decide(by=sam, application=draft, outcome="approve", reason="x")
    assessing = bring_to(S.ASSESSMENT, call, group, [sam, shona])
    # An analyst may assess, but only applications assigned to them.
    with pytest.raises(WorkflowError, match="cannot assess"):
        actions.record_assessment(
            by=ana, application=assessing, conflict_of_interest=False, scores={}
        )
    # Another council's officer cannot screen or decide.
    submitted = bring_to(S.SUBMITTED, call, group, [sam, shona])
    with pytest.raises(WorkflowError):
        actions.screen(by=olu, application=submitted, outcome="eligible")
    # One assessment is not enough for a decision.
    scores = {str(c.pk): 4 for c in call.criteria.all()}
    actions.record_assessment(
        by=sam, application=assessing, conflict_of_interest=False, scores=scores
    )
    with pytest.raises(WorkflowError, match="has 1"):
        actions.move_to_decision(by=sam, application=assessing)
    # No withdrawal after the decision.
    approved = bring_to(S.APPROVED, call, group, [sam, shona])
    with pytest.raises(WorkflowError):
        actions.withdraw(by=gabi, application=approved)
    # A decision needs a reason; conditions need conditions.
    ready = bring_to(S.READY_FOR_DECISION, call, group, [sam, shona])
    with pytest.raises(WorkflowError, match="reason"):
        actions.decide(by=sam, application=ready, outcome="decline", reason=" ")
    with pytest.raises(WorkflowError, match="conditions"):
        actions.decide(by=sam, application=ready, outcome="approve_with_conditions", reason="ok")


def test_conflict_of_interest_stops_scoring_and_does_not_count(call, group, sam, shona):
    a = bring_to(S.ASSESSMENT, call, group, [sam, shona])
    with pytest.raises(WorkflowError, match="Describe"):
        actions.record_assessment(by=shona, application=a, conflict_of_interest=True)
    actions.record_assessment(
        by=shona, application=a, conflict_of_interest=True, conflict_details="Trustee"
    )
    scores = {str(c.pk): 5 for c in call.criteria.all()}
    with pytest.raises(WorkflowError, match="conflict"):
        actions.record_assessment(
            by=shona, application=a, conflict_of_interest=False, scores=scores
        )
    actions.record_assessment(by=sam, application=a, conflict_of_interest=False, scores=scores)
    assert len(actions.counting_assessments(a)) == 1
    with pytest.raises(WorkflowError):
        actions.move_to_decision(by=sam, application=a)


def test_weighted_total(call, group, sam, shona):
    a = bring_to(S.ASSESSMENT, call, group, [sam, shona])
    first, second = call.criteria.all()
    second.weight = Decimal(3)
    second.save()
    result = actions.record_assessment(
        by=sam,
        application=a,
        conflict_of_interest=False,
        scores={str(first.pk): 5, str(second.pk): 1},
    )
    # (5/5*1 + 1/5*3) / 4 = 40%
    assert result.weighted_total == Decimal("40.00")


def test_submit_checks_required_answers_and_the_cap(call, group, gabi):
    a = actions.start_application(by=gabi, call=call, organisation=group)
    with pytest.raises(WorkflowError) as error:
        actions.submit(by=gabi, application=a)
    assert "Enter your project title" in str(error.value)
    assert "Answer “Why does it matter?”" in str(error.value)
    a = complete(a, gabi, amount=Decimal(5001))
    with pytest.raises(WorkflowError, match=r"£5,000\.00 or less"):
        actions.submit(by=gabi, application=a)
    a = complete(a, gabi, amount=Decimal(5000))
    assert actions.submit(by=gabi, application=a).status == S.SUBMITTED
    assert a.reference.startswith("SHF-")


def test_approval_commits_budget_and_refuses_beyond_it(
    sheffield, sheffield_council, group, sam, shona
):
    fund = make_fund(sheffield, sheffield_council, budget=Decimal(1500), maximum=Decimal(1000))
    call = fund.calls.get()
    first = bring_to(S.READY_FOR_DECISION, call, group, [sam, shona])
    second = bring_to(S.READY_FOR_DECISION, call, group, [sam, shona])
    actions.decide(by=sam, application=first, outcome="approve", reason="Good")
    fund.refresh_from_db()
    assert fund.committed == Decimal(1000) and fund.remaining == Decimal(500)
    events = second.events.count()
    with pytest.raises(WorkflowError, match=r"Only £500\.00 of this fund is left"):
        actions.decide(by=sam, application=second, outcome="approve", reason="Good")
    second.refresh_from_db()
    fund.refresh_from_db()
    assert second.status == S.READY_FOR_DECISION and second.amount_awarded is None
    assert second.events.count() == events and fund.committed == Decimal(1000)
    # A smaller award fits.
    actions.decide(
        by=sam, application=second, outcome="approve", reason="Part", amount=Decimal(500)
    )
    fund.refresh_from_db()
    assert fund.remaining == 0


def test_database_constraints_back_the_budget(fund):
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(committed=fund.budget + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(committed=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(maximum_award=fund.budget + 1)


def test_payments_cannot_exceed_the_award_and_closing_needs_a_report(call, group, sam, shona):
    a = bring_to(S.APPROVED, call, group, [sam, shona])
    with pytest.raises(WorkflowError, match="more than"):
        actions.record_payment(
            by=sam, application=a, paid_on=dt.date(2027, 1, 1), amount=Decimal(1001)
        )
    actions.record_payment(by=sam, application=a, paid_on=dt.date(2027, 1, 1), amount=Decimal(1000))
    a.refresh_from_db()
    assert a.status == S.MONITORING and a.amount_disbursed == Decimal(1000)
    with pytest.raises(WorkflowError, match="monitoring report"):
        actions.close(by=sam, application=a)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Concurrent approvals need PostgreSQL row locks"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overcommit(
    geography, sheffield, sheffield_council, group, sam, shona
):
    fund = make_fund(sheffield, sheffield_council, budget=Decimal(1500), maximum=Decimal(1000))
    call = fund.calls.get()
    apps = [bring_to(S.READY_FOR_DECISION, call, group, [sam, shona]) for _ in range(2)]
    barrier = threading.Barrier(2)
    ok, refused, errors = [], [], []

    def approve(application: Application) -> None:
        try:
            barrier.wait()
            actions.decide(by=None, application=application, outcome="approve", reason="Yes")
            ok.append(application.pk)
        except WorkflowError as error:
            refused.append(str(error))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(ok) == 1 and len(refused) == 1
    assert "Only £500.00 of this fund is left" in refused[0]
    fund.refresh_from_db()
    assert fund.committed == Decimal(1000) <= fund.budget
    assert Application.objects.filter(status=S.APPROVED).count() == 1
