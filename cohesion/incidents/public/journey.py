"""The steps of the public report, their order, and the answers kept in the session.

The session holds one dict: the journey's idempotency key (made when it starts),
the answers so far (plain JSON), which steps are done, and whether the honeypot
was filled. A step is reachable only when every step before it that applies is done.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cohesion.incidents import choices as c
from cohesion.incidents.public import forms as f

SESSION_KEY = "public_report"
DONE_KEY = "public_report_done"


def _always(answers: Mapping[str, Any]) -> bool:
    return True


def _not_anonymous(answers: Mapping[str, Any]) -> bool:
    return answers.get("reporter_role") != c.ReporterRole.ANONYMOUS


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type[f.StepForm]
    template: str
    title: str | Promise
    applies: Callable[[Mapping[str, Any]], bool] = _always


STEPS: list[Step] = [
    Step("what-happened", f.NarrativeForm, "narrative", _("What happened?")),
    Step("when", f.WhenForm, "when", _("When did it happen?")),
    Step("where", f.WhereForm, "where", _("Where did it happen?")),
    Step("why", f.TargetedForm, "checkboxes", _("Why do you think it happened?")),
    Step("what-they-did", f.IncidentTypeForm, "checkboxes", _("What did they do?")),
    Step("who", f.WhoForm, "radios", _("Who is making this report?")),
    Step("about-them", f.AboutForm, "about", _("About the person it happened to")),
    Step(
        "contact",
        f.ContactForm,
        "contact",
        _("Can we contact you about your report?"),
        _not_anonymous,
    ),
    Step("sharing", f.ShareForm, "checkboxes", _("Who can we share your report with?")),
]
BY_SLUG = {step.slug: step for step in STEPS}


def state(session: SessionBase, *, start: bool = False) -> dict[str, Any]:
    """The journey in this session; `start` begins one (with a new key) if there is none."""
    current = session.get(SESSION_KEY)
    if current is None and start:
        current = {"key": str(uuid.uuid4()), "answers": {}, "done": [], "honeypot": False}
        session[SESSION_KEY] = current
    return current or {"key": "", "answers": {}, "done": [], "honeypot": False}


def save_step(session: SessionBase, step: Step, answers: Mapping[str, Any]) -> None:
    current = state(session, start=True)
    current["answers"].update(answers)
    if step.slug not in current["done"]:
        current["done"].append(step.slug)
    session[SESSION_KEY] = current
    session.modified = True


def mark_honeypot(session: SessionBase) -> None:
    current = state(session, start=True)
    current["honeypot"] = True
    session[SESSION_KEY] = current


def applicable(answers: Mapping[str, Any]) -> list[Step]:
    return [step for step in STEPS if step.applies(answers)]


def first_unanswered(current: Mapping[str, Any]) -> Step | None:
    """The first step that applies and has no answer yet; None when all are answered."""
    done = set(current.get("done", []))
    for step in applicable(current.get("answers", {})):
        if step.slug not in done:
            return step
    return None


def previous(step: Step, answers: Mapping[str, Any]) -> Step | None:
    steps = applicable(answers)
    position = steps.index(step) if step in steps else 0
    return steps[position - 1] if position > 0 else None


def final_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as submitted: nothing kept from a step that no longer applies."""
    result = dict(answers)
    if not _not_anonymous(answers) or result.get("consent_to_contact") != f.YES:
        result.update(consent_to_contact=f.NO, contact_name="", contact_phone="", contact_email="")
    return result
