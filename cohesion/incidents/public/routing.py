"""Which places the public form offers, and which organisation receives a report.

A council is offered only when a council-type organisation covers it: a report
must always land with someone who will read it. That organisation holds the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Min

from cohesion.accounts.models import Organisation, OrganisationType
from cohesion.areas.models import Area, AreaLevel
from cohesion.incidents.public.reference import memoised


@dataclass(frozen=True)
class CouncilPlaces:
    council: Area
    wards: list[Area]


@dataclass(frozen=True)
class Place:
    """A resolved answer to "where": the council, and the ward if the person knew it."""

    council: Area
    ward: Area | None


def _receiving_organisation_ids() -> dict[int, int]:
    """Council area pk → the (first-created) council organisation covering it."""
    rows = (
        Organisation.objects.filter(type=OrganisationType.COUNCIL, areas__level=AreaLevel.LAD)
        .values("areas")
        .annotate(first=Min("pk"))
        .order_by()
    )
    return {row["areas"]: row["first"] for row in rows}


def receiving_organisation(council: Area) -> Organisation | None:
    """The council organisation that receives reports about `council`, if there is one."""
    return memoised("receivers", _receivers).get(council.pk)


def _receivers() -> dict[int, Organisation]:
    ids = _receiving_organisation_ids()
    organisations = Organisation.objects.in_bulk(set(ids.values()))
    return {area: organisations[org] for area, org in ids.items() if org in organisations}


def offered_places() -> list[CouncilPlaces]:
    """Councils with a receiving organisation, each with its current wards by name.

    Memoised per process for a minute (see `reference.py`); three queries when not.
    """
    return memoised("places", _offered_places)


def _offered_places() -> list[CouncilPlaces]:
    councils = list(
        Area.objects.filter(pk__in=_receiving_organisation_ids().keys(), level=AreaLevel.LAD)
        .defer("geometry")
        .order_by("name")
    )
    wards: dict[int, list[Area]] = {}
    for ward in (
        Area.objects.filter(level=AreaLevel.WARD, council__in=councils)
        .defer("geometry")
        .order_by("-generation", "name")
    ):
        assert ward.council_id is not None
        same = wards.setdefault(ward.council_id, [])
        # Newest boundary set only: older wards stay in the database for history.
        if not same or same[0].generation == ward.generation:
            same.append(ward)
    return [CouncilPlaces(council=c, wards=wards.get(c.pk, [])) for c in councils]


def resolve_place(code: str) -> Place | None:
    """A ward or council code from the form, if the form offers it; None otherwise."""
    code = code.strip().upper()
    for places in offered_places():
        if places.council.code == code:
            return Place(council=places.council, ward=None)
        for ward in places.wards:
            if ward.code == code:
                return Place(council=places.council, ward=ward)
    return None


def offered_council_ids() -> set[int]:
    return set(_receiving_organisation_ids().keys())
