"""Fixed code lists for incidents (from shared/reference/tension-and-hate-crime.md sections 5, 6 and 9).

Demographic codes match the Strategic Intelligence Assessment's CSV contract
(docs/incident-export.md); every demographic accepts "prefer not to say" and
"not known". Lists that change with law or practice (strands, incident types)
are data instead: see `cohesion.vocabularies`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    HATE_CRIME = "hate_crime_reported_to_police", _("Hate crime reported to police")
    HATE_INCIDENT = "hate_incident_non_crime", _("Hate incident (not a crime)")
    POLICE_NCHI_SHARED = "police_nchi_shared", _("Police non-crime hate incident (shared)")
    ASB = "asb", _("Anti-social behaviour")


class AsbQualifier(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    NUISANCE = "nuisance", _("Nuisance")
    ENVIRONMENTAL = "environmental", _("Environmental")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    UNDER_REVIEW = "under_review", _("Under review")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


class ReporterRole(models.TextChoices):
    VICTIM = "victim", _("It happened to me")
    WITNESS = "witness", _("I saw it happen to someone else")
    THIRD_PARTY = "third_party_agency", _("I am reporting for someone else, or for an organisation")
    ANONYMOUS = "anonymous", _("I do not want to say who I am")


class ReportingChannel(models.TextChoices):
    WEB_FORM = "web_form", _("Online form")
    PHONE = "phone", _("Phone")
    TEXT = "text", _("Text message")
    WEBCHAT = "webchat", _("Web chat")
    IN_PERSON = "in_person_centre", _("In person at a reporting centre")
    PARTNER_REFERRAL = "partner_referral", _("Referral from a partner")
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social media")


class ShareConsent(models.TextChoices):
    POLICE = "police", _("The police")
    COUNCIL = "council", _("The council")
    NAMED_PARTNERS = "named_partners", _("Support organisations working with the council")


class Precision(models.TextChoices):
    EXACT = "exact", _("Exact point")
    STREET = "street", _("Street")
    POSTCODE = "postcode", _("Postcode area")
    WARD = "ward", _("Ward")
    LOCAL_AUTHORITY = "local_authority", _("Council area")


# Coarsest first: display precision may never be finer than stored precision.
PRECISION_RANK = {
    Precision.LOCAL_AUTHORITY: 0,
    Precision.WARD: 1,
    Precision.POSTCODE: 2,
    Precision.STREET: 3,
    Precision.EXACT: 4,
}


class LocationType(models.TextChoices):
    HOME = "home", _("At or near home")
    STREET = "street", _("In the street")
    PUBLIC_TRANSPORT = "public_transport", _("On public transport")
    SHOP = "shop", _("In a shop")
    PUB_RESTAURANT = "pub_restaurant", _("In a pub, bar or restaurant")
    PARK = "park", _("In a park")
    EDUCATION = "place_of_education", _("At a school, college or university")
    WORKPLACE = "workplace", _("At work")
    PLACE_OF_WORSHIP = "place_of_worship", _("At a place of worship")
    RESIDENTIAL_CARE = "residential_care", _("In a care home or supported housing")
    PUBLIC_BUILDING = "public_building", _("In a public building")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Somewhere else")


class StrandBasis(models.TextChoices):
    VICTIM_PERCEPTION = "victim_perception", _("The victim's perception")
    OTHER_PERSON_PERCEPTION = "other_person_perception", _("Another person's perception")
    EVIDENCE = "evidence", _("Evidence")


class Typology(models.TextChoices):
    MISSION = "mission", _("Mission (sought out the target)")
    OPPORTUNISTIC = "opportunistic", _("Opportunistic")
    AGGRAVATED = "aggravated", _("Aggravated (prejudice surfaced in a dispute)")
    UNKNOWN = "unknown", _("Unknown")


class VictimType(models.TextChoices):
    INDIVIDUAL = "individual", _("A person")
    GROUP = "group", _("A group of people")
    ORGANISATION = "organisation", _("An organisation")
    PLACE_OF_WORSHIP = "place_of_worship", _("A place of worship")
    PROPERTY = "property", _("Property")


PREFER_NOT = ("prefer_not_to_say", _("Prefer not to say"))
NOT_KNOWN = ("not_known", _("Not known"))


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class GenderIdentity(models.TextChoices):
    SAME = "same_as_registered", _("The same as the sex registered at birth")
    DIFFERENT = "different_from_registered", _("Different from the sex registered at birth")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class AgeBand(models.TextChoices):
    UNDER_16 = "0-15", _("15 or under")
    AGE_16_24 = "16-24", _("16 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_44 = "35-44", _("35 to 44")
    AGE_45_54 = "45-54", _("45 to 54")
    AGE_55_64 = "55-64", _("55 to 64")
    AGE_65_PLUS = "65+", _("65 or over")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class Ethnicity(models.TextChoices):
    """Census 2021's five high-level groups."""

    ASIAN = "asian", _("Asian or Asian British")
    BLACK = "black", _("Black, Black British, Caribbean or African")
    MIXED = "mixed", _("Mixed or multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Another ethnic group")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class Religion(models.TextChoices):
    NO_RELIGION = "no_religion", _("No religion")
    CHRISTIAN = "christian", _("Christian")
    BUDDHIST = "buddhist", _("Buddhist")
    HINDU = "hindu", _("Hindu")
    JEWISH = "jewish", _("Jewish")
    MUSLIM = "muslim", _("Muslim")
    SIKH = "sikh", _("Sikh")
    OTHER = "other", _("Another religion")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class Disability(models.TextChoices):
    LIMITED_A_LOT = "limited_a_lot", _("Yes, limited a lot")
    LIMITED_A_LITTLE = "limited_a_little", _("Yes, limited a little")
    NO = "no", _("No")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", _("Straight or heterosexual")
    GAY_LESBIAN = "gay_lesbian", _("Gay or lesbian")
    BISEXUAL = "bisexual", _("Bisexual")
    OTHER = "other", _("Another sexual orientation")
    PREFER_NOT_TO_SAY = PREFER_NOT
    NOT_KNOWN = NOT_KNOWN


class SuspectSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    MIXED = "mixed", _("Both (more than one person)")
    NOT_KNOWN = NOT_KNOWN


class DescribedEthnicity(models.TextChoices):
    """How others described a suspect's appearance; never a self-identification."""

    ASIAN = "asian", _("Asian (as described)")
    BLACK = "black", _("Black (as described)")
    MIXED = "mixed", _("Mixed (as described)")
    WHITE = "white", _("White (as described)")
    OTHER = "other", _("Other (as described)")
    NOT_KNOWN = NOT_KNOWN


class KnownToVictim(models.TextChoices):
    KNOWN = "known", _("Known to the victim")
    UNKNOWN = "unknown", _("A stranger")
    NOT_KNOWN = NOT_KNOWN


class ReferralTarget(models.TextChoices):
    POLICE = "police", _("Police")
    VICTIM_SUPPORT = "victim_support", _("Victim Support")
    COUNCIL_ASB = "council_asb", _("Council anti-social behaviour team")
    HOUSING = "housing", _("Housing")
    SCHOOL = "school", _("School")
    VCS = "vcs", _("Voluntary or community group")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for a response")
    ACCEPTED = "accepted", _("Accepted")
    SUPPORT_GIVEN = "support_given", _("Support given")
    DECLINED_BY_VICTIM = "declined_by_victim", _("Declined by the victim")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
