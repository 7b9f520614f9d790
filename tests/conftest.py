"""Shared fixtures: the real geography and a small cast of named people.

The cast (build through actions, as production does):

- Alice: administrator at Derby City Council. Sees Derby's people and audit trail.
- Olu: cohesion officer at Derby City Council.
- Vic: viewer (scrutiny member) at Derby City Council.
- Pat: partner officer at Derbyshire Constabulary, covering Normanton and Arboretum.
- Sam: cohesion officer at Sheffield City Council. Must see nothing of Derby's.
"""

from __future__ import annotations

import pytest

from cohesion.accounts import actions
from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.areas.bundled import DERBY, SHEFFIELD, load_bundled_geography
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.reference_data import install_reference_data
from cohesion.profiles.bundled import BUNDLED_TABLES, load_bundled_statistics
from cohesion.profiles.models import Dataset

PASSWORD = "correct-horse-battery-staple"


def _geography_loaded() -> bool:
    return Area.objects.filter(level=AreaLevel.WARD).count() >= 46


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real Derby and Sheffield geography once per test database."""
    with django_db_blocker.unblock():
        if not _geography_loaded():
            load_bundled_geography()
        if not _statistics_loaded():
            load_bundled_statistics()


def _statistics_loaded() -> bool:
    return Dataset.objects.count() >= len(BUNDLED_TABLES)


@pytest.fixture
def geography(db):
    """The bundled geography; reloaded if a transactional test flushed it."""
    if not _geography_loaded():
        load_bundled_geography()
    # A transactional test's flush also empties what migrations seeded.
    install_reference_data()
    return {
        a.code: a for a in Area.objects.filter(level=AreaLevel.LAD, code__in=[DERBY, SHEFFIELD])
    }


@pytest.fixture
def area_statistics(geography) -> list[str]:
    """The bundled census, IoD 2019 and mid-2020 statistics; reloaded if a test flushed them."""
    if not _statistics_loaded():
        load_bundled_statistics()
    return list(Dataset.objects.order_by("topic", "geography").values_list("title", flat=True))


@pytest.fixture
def derby(geography) -> Area:
    return geography[DERBY]


@pytest.fixture
def sheffield(geography) -> Area:
    return geography[SHEFFIELD]


def make_organisation(name: str, type: OrganisationType, *areas: Area) -> Organisation:
    return actions.create_organisation(by=None, name=name, type=type, areas=areas)


def make_user(username: str, organisation: Organisation, role: Role, areas=(), **names) -> User:
    return actions.create_user(
        by=None,
        username=username,
        password=PASSWORD,
        organisation=organisation,
        role=role,
        first_name=names.get("first_name", username.title()),
        last_name=names.get("last_name", "Tester"),
        email=f"{username}@example.org",
        areas=areas,
    )


@pytest.fixture
def derby_council(derby) -> Organisation:
    return make_organisation("Derby City Council", OrganisationType.COUNCIL, derby)


@pytest.fixture
def derbyshire_police(derby) -> Organisation:
    return make_organisation("Derbyshire Constabulary", OrganisationType.POLICE, derby)


@pytest.fixture
def sheffield_council(sheffield) -> Organisation:
    return make_organisation("Sheffield City Council", OrganisationType.COUNCIL, sheffield)


@pytest.fixture
def alice(derby_council) -> User:
    """Administrator at Derby City Council."""
    return make_user("alice", derby_council, Role.ADMINISTRATOR)


@pytest.fixture
def olu(derby_council) -> User:
    """Cohesion officer at Derby City Council."""
    return make_user("olu", derby_council, Role.COHESION_OFFICER)


@pytest.fixture
def vic(derby_council) -> User:
    """Viewer at Derby City Council."""
    return make_user("vic", derby_council, Role.VIEWER)


@pytest.fixture
def pat(derbyshire_police) -> User:
    """Partner officer at Derbyshire Constabulary covering Normanton and Arboretum."""
    wards = Area.objects.filter(level=AreaLevel.WARD, name__in=["Normanton", "Arboretum"])
    return make_user("pat", derbyshire_police, Role.PARTNER_OFFICER, areas=list(wards))


@pytest.fixture
def sam(sheffield_council) -> User:
    """Cohesion officer at Sheffield City Council."""
    return make_user("sam", sheffield_council, Role.COHESION_OFFICER)
