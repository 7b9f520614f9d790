"""Impact assessment records for the tests, made through the actions as production does.

`make_department`, `start` (a draft with sensible details), `complete` (everything
the due-regard checks ask for), `signed_off` (complete, submitted by the owner and
signed off by a second person), `days`, `fresh` and `second_officer`. Test modules
define the `tess` and `libraries` fixtures from these (see test_impact_checks.py).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cohesion.accounts.models import Role
from cohesion.impact import actions
from cohesion.impact import choices as c
from cohesion.impact.checks import run_checks
from cohesion.impact.models import Department, ImpactAssessment
from tests.conftest import make_user

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def make_department(organisation, name, *members) -> Department:
    return actions.create_department(
        by=None, organisation=organisation, name=name, members=list(members)
    )


def start(by, department, **data) -> ImpactAssessment:
    details = {
        "subject": "Library opening hours",
        "kind": c.Kind.SERVICE,
        "proposal": "Three self-service days a week at seven branches.",
        "decision_maker": "Cabinet Member for Communities",
        "decision_date": days(30),
        "review_date": days(395),
    }
    details.update(data)
    return actions.create_assessment(by=by, department=department, data=details)


def fresh(a: ImpactAssessment) -> ImpactAssessment:
    return ImpactAssessment.objects.get(pk=a.pk)


def fill_matrix(by, a, overrides=None, default=("neutral", "No difference in usage data.", "")):
    overrides = overrides or {}
    for ch in c.Characteristic:
        cells = {}
        for aim in c.aims_for(ch):
            impact, evidence, mitigation = overrides.get((ch.value, aim.value), default)
            cells[aim.value] = {"impact": impact, "evidence": evidence, "mitigation": mitigation}
        actions.record_equality(by=by, assessment=a, characteristic=ch, cells=cells)


def complete(by, a, *, consultation=True) -> ImpactAssessment:
    """Everything the checks ask for, through the actions."""
    actions.record_screening(
        by=by, assessment=a, full_assessment_needed=True, reason="A universal service."
    )
    for principle in a.bank.principles.all():
        actions.record_principle_answers(
            by=by,
            assessment=a,
            principle=principle,
            answers={q.pk: f"Answer to {q.code}" for q in principle.questions.all()},
        )
    actions.add_evidence(
        by=by,
        assessment=a,
        data={
            "kind": c.EvidenceKind.DATA,
            "title": "Library visits by branch",
            "dated": days(-40),
            "summary": "Visits rose at Normanton.",
        },
    )
    if consultation:
        actions.add_evidence(
            by=by,
            assessment=a,
            data={
                "kind": c.EvidenceKind.CONSULTATION,
                "title": "Library futures survey",
                "dated": days(-20),
                "summary": "1,214 responses.",
            },
        )
    fill_matrix(
        by,
        a,
        {("age", "b"): ("negative", "Over-75s use kiosks least.", "Assisted hours.")},
    )
    actions.record_cohesion(
        by=by,
        assessment=a,
        answers={
            t.value: {"impact": "neutral", "effect": "", "evidence": "Survey.", "mitigation": ""}
            for t in c.CohesionTopic
        },
        wards=[],
    )
    actions.add_action_item(
        by=by,
        assessment=a,
        description="Report use by age after six months",
        owner_name="Library manager",
        due_on=days(180),
    )
    return fresh(a)


def signed_off(by, signer, a) -> ImpactAssessment:
    complete(by, a)
    actions.submit_assessment(by=by, assessment=a)
    actions.sign_off_assessment(by=signer, assessment=a, note="Read in full.")
    return fresh(a)


def failing_codes(a) -> set[str]:
    return {check.code for check in run_checks(a) if not check.passed}


def messages_of(a, code) -> list[str]:
    return [p.message for check in run_checks(a) if check.code == code for p in check.problems]


def second_officer(organisation):
    """Tess: a second cohesion officer, the second pair of eyes."""
    return make_user("tess", organisation, Role.COHESION_OFFICER)
