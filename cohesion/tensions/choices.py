"""Code lists for tension monitoring (shared/reference/tension-and-hate-crime.md sections 7 and 8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    COMMUNITY_INTELLIGENCE = "community_intelligence", _("Community intelligence")
    RUMOUR = "rumour", _("Rumour")
    PLANNED_EVENT = "planned_protest_event", _("Planned protest or event")
    TRIGGER_LOCAL = "trigger_event_local", _("Trigger event (local)")
    TRIGGER_NATIONAL = "trigger_event_national", _("Trigger event (national)")
    TRIGGER_INTERNATIONAL = "trigger_event_international", _("Trigger event (international)")
    ONLINE_CONTENT = "online_content", _("Online content")


TRIGGER_TYPES = (ItemType.TRIGGER_LOCAL, ItemType.TRIGGER_NATIONAL, ItemType.TRIGGER_INTERNATIONAL)


class Grading(models.TextChoices):
    """EEP: the police categories of tension information."""

    EVIDENCED = "evidenced", _("Evidenced")
    EXPERIENCED = "experienced", _("Experienced")
    POTENTIAL = "potential", _("Potential")


class SourceType(models.TextChoices):
    POLICE = "police", _("Police")
    COUNCIL_OFFICER = "council_officer", _("Council officer")
    COUNCILLOR = "councillor", _("Councillor")
    FAITH_LEADER = "faith_leader", _("Faith leader")
    VCS = "vcs", _("Voluntary or community group")
    SCHOOL = "school", _("School")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    PUBLIC_FORM = "public_form", _("Public report form")
    MEDIA = "media", _("Media")
    SOCIAL_MEDIA = "social_media", _("Social media")


class SourceReliability(models.TextChoices):
    """A local grading (configurable in a later release); the reference leaves the scheme open."""

    RELIABLE = "reliable", _("Reliable: a source with a good track record")
    UNTESTED = "untested", _("Untested: not used before, or mixed record")
    UNRELIABLE = "unreliable", _("Doubtful: has been wrong before")


class InformationCredibility(models.TextChoices):
    KNOWN_DIRECTLY = "known_directly", _("Known directly to the source")
    KNOWN_INDIRECTLY = "known_indirectly", _("Known indirectly but corroborated")
    NOT_CORROBORATED = "not_corroborated", _("Not corroborated")
    SUSPECTED_FALSE = "suspected_false", _("Suspected to be false")


class Handling(models.TextChoices):
    OFFICIAL = "official", _("OFFICIAL")
    OFFICIAL_SENSITIVE = "official_sensitive", _("OFFICIAL-SENSITIVE")


class Verification(models.TextChoices):
    """Rumour verification, after Meedan Check's default statuses."""

    UNSTARTED = "unstarted", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    VERIFIED = "verified", _("Verified (true)")
    FALSE = "false", _("False")


class OrganiserType(models.TextChoices):
    COMMUNITY_GROUP = "community_group", _("Community group")
    CAMPAIGN_GROUP = "campaign_group", _("Campaign or protest group")
    FAR_RIGHT = "far_right", _("Far-right group")
    FAITH_GROUP = "faith_group", _("Faith group")
    POLITICAL_PARTY = "political_party", _("Political party")
    UNKNOWN = "unknown", _("Unknown")


class AssessmentType(models.TextChoices):
    ROUTINE_WEEKLY = "routine_weekly", _("Routine (weekly)")
    ROUTINE_MONTHLY = "routine_monthly", _("Routine (monthly)")
    EVENT_CIA = "event_cia", _("Community impact assessment for an event")
    POST_INCIDENT = "post_incident", _("After an incident")


class Trend(models.TextChoices):
    RISING = "rising", _("Rising")
    STABLE = "stable", _("Stable")
    FALLING = "falling", _("Falling")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")
