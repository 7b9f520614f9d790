"""Fixed vocabularies of impact assessment (shared/reference/indices-and-assessment.md §5).

The nine protected characteristics and the three aims are the Equality Act
2010's own (s4 and s149); they are law, not a council's choice, so they are
code here. What a council may change (the questions) is data: see `bank.py`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What is being assessed (the seed: "policy, procedure, protocol, service or strategy")."""

    POLICY = "policy", _("Policy")
    SERVICE = "service", _("Service")
    PROCEDURE = "procedure", _("Procedure")
    STRATEGY = "strategy", _("Strategy")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    PUBLISHED = "published", _("Published")


# Once signed off, an assessment is the record of due regard: it is never changed.
FINAL = (Status.SIGNED_OFF, Status.PUBLISHED)


class Impact(models.TextChoices):
    """The likely direction of an effect. Not known is an answer, and it needs follow-up."""

    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    NOT_KNOWN = "not_known", _("Not known")


# Impacts that need evidence or a mitigation before sign-off (Bracking; Bridges).
NEEDS_FOLLOW_UP = (Impact.NEGATIVE, Impact.NOT_KNOWN)


class Characteristic(models.TextChoices):
    """The nine protected characteristics, Equality Act 2010 s4, in the Act's order."""

    AGE = "age", _("Age")
    DISABILITY = "disability", _("Disability")
    GENDER_REASSIGNMENT = "gender_reassignment", _("Gender reassignment")
    MARRIAGE = "marriage_civil_partnership", _("Marriage and civil partnership")
    PREGNANCY = "pregnancy_maternity", _("Pregnancy and maternity")
    RACE = "race", _("Race")
    RELIGION = "religion_belief", _("Religion or belief")
    SEX = "sex", _("Sex")
    SEXUAL_ORIENTATION = "sexual_orientation", _("Sexual orientation")


class Aim(models.TextChoices):
    """The three aims of the public sector equality duty, s149(1)(a) to (c)."""

    ELIMINATE = "a", _("Eliminate discrimination, harassment and victimisation")
    OPPORTUNITY = "b", _("Advance equality of opportunity")
    GOOD_RELATIONS = "c", _("Foster good relations")


AIM_HINTS = {
    Aim.ELIMINATE: _("Aim (a): could anyone be treated unfairly, harassed or victimised?"),
    Aim.OPPORTUNITY: _(
        "Aim (b): remove or minimise disadvantage, meet different needs, and encourage "
        "participation where it is low."
    ),
    Aim.GOOD_RELATIONS: _(
        "Aim (c): tackle prejudice and promote understanding between groups. This is the "
        "cohesion lens."
    ),
}


def aims_for(characteristic: str) -> list[Aim]:
    """Marriage and civil partnership is protected under aim (a) only (s149(7))."""
    if characteristic == Characteristic.MARRIAGE:
        return [Aim.ELIMINATE]
    return list(Aim)


def matrix_cells() -> list[tuple[Characteristic, Aim]]:
    """Every (characteristic, aim) cell the law asks about: 25 of them."""
    return [(ch, aim) for ch in Characteristic for aim in aims_for(ch)]


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Document or report")
    DATA = "data", _("Data or statistics")
    CONSULTATION = "consultation", _("Consultation or engagement")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """What the assessment concluded (the EHRC's four outcomes)."""

    NO_CHANGE = "no_change", _("No major change needed")
    ADJUST = "adjust", _("Adjust the proposal")
    CONTINUE = "continue", _("Continue despite adverse impact, with justification")
    STOP = "stop", _("Stop and rethink")


class CohesionTopic(models.TextChoices):
    """The cohesion part: effects the seed and the LGA briefing ask about."""

    RELATIONS = "relations", _("Relations between different groups")
    NEW_AND_SETTLED = "new_settled", _("New and settled communities")
    AREAS_AT_RISK = "areas_at_risk", _("Areas at risk of tension")


COHESION_HINTS = {
    CohesionTopic.RELATIONS: _(
        "Could it change who gets a resource in a way some groups see as unfair, or change "
        "shared spaces and chances to mix?"
    ),
    CohesionTopic.NEW_AND_SETTLED: _(
        "How will people who have recently arrived, and people long settled here, each "
        "experience it?"
    ),
    CohesionTopic.AREAS_AT_RISK: _(
        "Does it touch wards with a high cohesion risk score or current tension? Choose "
        "the wards below."
    ),
}
