"""The seed vocabularies, from shared/reference/tension-and-hate-crime.md sections 4 and 5.

Labels are marked for translation here so the public form shows them in the
reader's language; terms added later by a council show as typed.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.utils.translation import gettext_noop as _


class SeedTerm(TypedDict, total=False):
    code: str
    label: str
    hint: str
    national_code: str
    nationally_monitored: bool
    parent: str


HATE_STRANDS: list[SeedTerm] = [
    {
        "code": "race",
        "label": _("Race, ethnicity or nationality"),
        "hint": _("Including where someone was thought to be of a race or nationality"),
        "national_code": "race",
        "nationally_monitored": True,
    },
    {
        "code": "religion",
        "label": _("Religion or belief"),
        "hint": _("Including where someone was thought to follow a religion"),
        "national_code": "religion",
        "nationally_monitored": True,
    },
    {
        "code": "sexual_orientation",
        "label": _("Sexual orientation"),
        "hint": _("For example, being gay, lesbian or bisexual, or thought to be"),
        "national_code": "sexual_orientation",
        "nationally_monitored": True,
    },
    {
        "code": "disability",
        "label": _("Disability"),
        "hint": _("Including where someone was thought to be disabled"),
        "national_code": "disability",
        "nationally_monitored": True,
    },
    {
        "code": "transgender",
        "label": _("Transgender identity"),
        "hint": _("Including where someone was thought to be transgender"),
        "national_code": "transgender",
        "nationally_monitored": True,
    },
    {
        "code": "sex_gender",
        "label": _("Sex or gender"),
        "hint": _("For example, hostility towards women"),
    },
    {
        "code": "other_local",
        "label": _("Something else about them"),
        "hint": _("For example, their age, or because they are homeless"),
    },
]

STRAND_SUBCODES: list[SeedTerm] = [
    {"code": "antisemitic", "label": _("Antisemitic"), "parent": "religion"},
    {"code": "anti_muslim", "label": _("Anti-Muslim"), "parent": "religion"},
    {"code": "anti_sikh", "label": _("Anti-Sikh"), "parent": "religion"},
    {"code": "homophobic", "label": _("Homophobic"), "parent": "sexual_orientation"},
    {"code": "biphobic", "label": _("Biphobic"), "parent": "sexual_orientation"},
    {"code": "transphobic", "label": _("Transphobic"), "parent": "transgender"},
    {
        "code": "anti_roma_gypsy_traveller",
        "label": _("Anti-Roma, Gypsy or Traveller"),
        "parent": "race",
    },
]

INCIDENT_TYPES: list[SeedTerm] = [
    {"code": "verbal_abuse", "label": _("Verbal abuse, such as name-calling or insults")},
    {"code": "threats_intimidation", "label": _("Threats or intimidation")},
    {"code": "harassment", "label": _("Harassment, such as being repeatedly targeted")},
    {"code": "physical_assault", "label": _("Physical attack")},
    {"code": "extreme_violence", "label": _("Serious violence")},
    {"code": "damage_desecration", "label": _("Damage to property or a place of worship")},
    {"code": "graffiti", "label": _("Graffiti")},
    {"code": "literature_leaflets_posters", "label": _("Leaflets, posters or stickers")},
    {"code": "offensive_mail", "label": _("Offensive letters or mail")},
    {"code": "online_abuse_malicious_comms", "label": _("Online abuse or messages")},
    {
        "code": "discrimination_service_denial",
        "label": _("Being refused a service or treated unfairly"),
    },
    {"code": "arson", "label": _("Fire-setting")},
    {"code": "hoax_or_malicious_complaint", "label": _("A hoax or false complaint")},
    {
        "code": "information_gathering_suspicious",
        "label": _("Suspicious behaviour, such as someone watching a building"),
    },
]

SEED: dict[str, list[SeedTerm]] = {
    "hate_strand": HATE_STRANDS,
    "strand_subcode": STRAND_SUBCODES,
    "incident_type": INCIDENT_TYPES,
}

# The five nationally monitored strands, in the order exports and assessments use.
MONITORED_STRANDS = ("race", "religion", "sexual_orientation", "disability", "transgender")


def install(term_model: Any) -> int:
    """Create or refresh the seed terms; used by the data migration. Returns terms written."""
    written = 0
    for vocabulary, terms in SEED.items():
        for order, term in enumerate(terms):
            parent = None
            if "parent" in term:
                parent = term_model.objects.get(vocabulary="hate_strand", code=term["parent"])
            term_model.objects.update_or_create(
                vocabulary=vocabulary,
                code=term["code"],
                defaults={
                    "label": term["label"],
                    "hint": term.get("hint", ""),
                    "national_code": term.get("national_code", ""),
                    "nationally_monitored": term.get("nationally_monitored", False),
                    "parent": parent,
                    "sort_order": order,
                    "change_note": "Seeded from the tension and hate crime reference.",
                },
            )
            written += 1
    return written
