# ruff: noqa: F811 (pytest fixtures imported from test_directory_fixtures)
"""Ward and council profiles list the directory's published services with a place in the area."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohesion.directory.models import Service
from cohesion.profiles.profile import build_profile
from tests.integration.test_directory_fixtures import (  # noqa: F401
    cara,
    community,
    directory,
    terms,
)

pytestmark = pytest.mark.django_db


def services_section(area, user):
    found = [s for s in build_profile(area, user).sections if s.key == "services"]
    return found[0] if found else None


def test_ward_profile_counts_published_services_by_category(directory, terms):
    from django.contrib.auth.models import AnonymousUser

    normanton = directory["wards"]["normanton"]
    section = services_section(normanton, AnonymousUser())
    assert section is not None and not section.restricted
    rows = {f.label: (f.value, f.url) for f in section.figures}
    search = reverse("directory-search")
    assert rows["Services with a place here"] == (2.0, f"{search}?ward={normanton.code}")
    assert rows["Advice"] == (1.0, f"{search}?ward={normanton.code}&category={terms['advice'].pk}")
    assert rows["Youth"][0] == 1.0
    assert "English language (ESOL)" not in rows  # that class is in Arboretum


def test_council_profile_counts_every_ward_and_skips_unpublished(directory):
    from django.contrib.auth.models import AnonymousUser

    derby = directory["wards"]["normanton"].council
    section = services_section(derby, AnonymousUser())
    # Police surgery and youth club (Normanton) and the ESOL class (Arboretum);
    # the advice line has no place, and the Sheffield project is in another council.
    assert section.figures[0].value == 3.0
    # A service taken off the public directory is not counted.
    Service.objects.filter(pk=directory["services"]["Police advice surgery"].pk).update(
        is_published=False
    )
    assert services_section(derby, AnonymousUser()).figures[0].value == 2.0


def test_profile_page_shows_the_section(client, directory):
    normanton = directory["wards"]["normanton"]
    html = client.get(reverse("area-profile", args=[normanton.code])).content.decode()
    assert "Community services" in html
    assert f"/directory/?ward={normanton.code}" in html


def test_ward_without_services_has_no_section(directory):
    from django.contrib.auth.models import AnonymousUser

    from cohesion.areas.models import Area, AreaLevel

    empty = (
        Area.objects.filter(level=AreaLevel.WARD, name="Spondon").order_by("-generation").first()
    )
    assert services_section(empty, AnonymousUser()) is None
