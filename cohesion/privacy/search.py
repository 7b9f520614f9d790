"""Find the records held about a person: by reference, victim key, or contact details.

Every search is audited with its kind and the number of records found, never the
identifying values typed in (a name, a date of birth, an email address): the
trail must not become a second copy of the personal data it protects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.lib.crypto import victim_key
from cohesion.lib.references import normalise_reference
from cohesion.mediation.models import MediationCase
from cohesion.privacy.access import cases_held_for, incidents_held_for


class SearchKind:
    REFERENCE = "reference"
    VICTIM = "victim"
    CONTACT = "contact"


@dataclass
class SearchResult:
    kind: str
    incidents: list[Incident] = field(default_factory=list)
    cases: list[MediationCase] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.incidents) + len(self.cases)


def _digits(text: str) -> str:
    """A phone number as its digits, +44 and a leading 0 treated alike."""
    digits = "".join(ch for ch in text if ch.isdigit())
    digits = digits.removeprefix("44")
    return digits.lstrip("0")


def _by_contact(user: User, email: str, phone: str) -> list[Incident]:
    # The columns are encrypted (a fresh random token per write), so the database
    # cannot compare them: decrypt the organisation's contact details and compare in
    # Python. Contact details are deleted after 12 months, so this stays a bounded
    # set (a few thousand rows at most per organisation). A keyed blind index column
    # would be the next step if that ever stops being true.
    email = email.strip().casefold()
    phone = _digits(phone)
    matched: list[int] = []
    contacts = ContactDetails.objects.filter(incident__in=incidents_held_for(user)).only(
        "incident_id", "email", "phone"
    )
    for contact in contacts.iterator(chunk_size=500):
        if (email and contact.email.strip().casefold() == email) or (
            phone and _digits(contact.phone) == phone
        ):
            matched.append(contact.incident_id)
    return list(incidents_held_for(user).filter(pk__in=matched).select_related("ward"))


def search(
    by: User,
    *,
    reference: str = "",
    full_name: str = "",
    date_of_birth: dt.date | None = None,
    email: str = "",
    phone: str = "",
) -> SearchResult:
    """Search the records `by`'s organisation holds; exactly one kind of search at a time."""
    if reference.strip():
        wanted = normalise_reference(reference)
        result = SearchResult(
            kind=SearchKind.REFERENCE,
            incidents=list(incidents_held_for(by).filter(reference=wanted).select_related("ward")),
            cases=list(cases_held_for(by).filter(reference=wanted).select_related("area")),
        )
    elif full_name.strip() and date_of_birth is not None:
        # The same key the recording form makes (name, ISO date of birth), then forgotten.
        key = victim_key(full_name.strip(), date_of_birth.isoformat())
        result = SearchResult(
            kind=SearchKind.VICTIM,
            incidents=list(incidents_held_for(by).filter(victim_key=key).select_related("ward")),
        )
    else:
        result = SearchResult(kind=SearchKind.CONTACT, incidents=_by_contact(by, email, phone))
    record(
        action=AuditAction.DATA_PROTECTION_SEARCHED,
        by=by,
        detail={"search": result.kind, "results": result.count},
    )
    return result
