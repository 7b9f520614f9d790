"""The ORUK `postcode` and `proximity` query parameters.

`postcode` keeps places whose address is in that postcode, or in that sector
("DE23 8") or district ("DE23") when only part is given. `proximity` (metres)
keeps places within that distance of an origin and orders results nearest
first. The origin is the postcode's centre, taken from the directory's own
geocoded addresses in that postcode (Cohesion ships no national postcode
directory), or `lat` and `lon` given directly (an extension the profile allows:
extra parameters are ignored by clients that do not know them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, QuerySet, Value
from django.db.models.functions import Length, Replace, Upper

from cohesion.directory.models import Address

# Outward code ("DE23") then, optionally, the inward code or just its sector digit.
POSTCODE = re.compile(r"^(?P<outward>[A-Z]{1,2}[0-9][0-9A-Z]?)\s*(?P<inward>[0-9](?:[A-Z]{2})?)?$")
MAX_PROXIMITY_METRES = 50_000


class PlaceProblem(ValueError):
    """A bad or unusable postcode, proximity or point (the API answers 400)."""


@dataclass(frozen=True)
class PlaceFilter:
    postcode: str = ""  # normalised (see normalise_postcode)
    proximity_m: int | None = None
    origin: tuple[float, float] | None = None

    @property
    def active(self) -> bool:
        return bool(self.postcode) or self.proximity_m is not None


def normalise_postcode(raw: str) -> str:
    """ "DE23 8LX", "DE23 8" or "DE23" as typed; upper case, one space before the inward part."""
    found = POSTCODE.match(" ".join(raw.upper().split()))
    if found is None:
        raise PlaceProblem(
            "postcode must be a UK postcode (DE23 8LX), sector (DE23 8) or district (DE23)."
        )
    return " ".join(part for part in (found["outward"], found["inward"]) if part)


def _addresses_in(postcode: str) -> QuerySet[Address]:
    """Addresses in a postcode, or in a sector or district (a normalised `postcode`).

    Compared without spaces; a part matches only full postcodes of the right
    length, so district "DE2" does not match "DE23 8LX".
    """
    outward, _, inward = postcode.partition(" ")
    qs = Address.objects.annotate(
        _postcode=Replace(Upper("postal_code"), Value(" "), Value(""))
    ).annotate(_length=Length("_postcode"))
    prefix = outward + inward
    if len(inward) == 3:
        return qs.filter(_postcode=prefix)
    return qs.filter(_postcode__startswith=prefix, _length=len(outward) + 3)


def read(params: dict[str, str]) -> PlaceFilter:
    """The place filter from query parameters; `PlaceProblem` for anything unusable."""
    raw_postcode = (params.get("postcode") or "").strip()
    postcode = normalise_postcode(raw_postcode) if raw_postcode else ""
    raw_proximity = (params.get("proximity") or "").strip()
    proximity: int | None = None
    if raw_proximity:
        try:
            proximity = int(float(raw_proximity))
        except ValueError:
            raise PlaceProblem("proximity must be a distance in metres.") from None
        if not 1 <= proximity <= MAX_PROXIMITY_METRES:
            raise PlaceProblem(f"proximity must be between 1 and {MAX_PROXIMITY_METRES} metres.")
    origin = _point(params)
    if proximity is not None and origin is None:
        if not postcode:
            raise PlaceProblem("proximity needs a postcode (or lat and lon) to measure from.")
        centre = (
            _addresses_in(postcode)
            .filter(location__latitude__isnull=False, location__longitude__isnull=False)
            .aggregate(lat=Avg("location__latitude"), lon=Avg("location__longitude"))
        )
        if centre["lat"] is None:
            raise PlaceProblem(
                f"No place in this directory has the postcode {raw_postcode.upper()}, so its "
                "centre is not known: give lat and lon instead."
            )
        origin = (float(centre["lat"]), float(centre["lon"]))
        # Measured from the postcode's centre, so the postcode itself no longer limits.
        postcode = ""
    return PlaceFilter(postcode=postcode, proximity_m=proximity, origin=origin)


def _point(params: dict[str, str]) -> tuple[float, float] | None:
    raw_lat, raw_lon = (params.get("lat") or "").strip(), (params.get("lon") or "").strip()
    if not raw_lat and not raw_lon:
        return None
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        raise PlaceProblem("lat and lon must both be decimal degrees.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceProblem("lat must be within ±90 and lon within ±180.")
    return (lat, lon)


def location_ids_in(postcode: str) -> QuerySet[Address, Any]:
    """Ids of the locations with an address in `postcode` (normalised), for a subquery."""
    return _addresses_in(postcode).values("location_id")
