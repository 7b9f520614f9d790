"""Who may see and configure a risk index: the one access helper for configurations.

Ranks can stigmatise an area, so nothing here is public. A configuration
belongs to a council: anyone with RISK_INDEX_VIEW who covers the whole council
may read it and its runs; RISK_INDEX_CONFIGURE over the council lets a person
change it and compute it. Anything else is the same 404 as a configuration
that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.riskindex.models import IndexConfiguration, IndexRun


def councils_for(user: User) -> QuerySet[Area]:
    """Councils whose risk index the person may read (the whole council in scope)."""
    if not has_permission(user, Permission.RISK_INDEX_VIEW):
        return Area.objects.none()
    # Only councils with wards loaded: an index ranks wards, and a superuser's scope is
    # every local authority in England.
    return (
        areas_in_scope(user)
        .filter(level=AreaLevel.LAD, pk__in=Area.objects.councils().values("pk"))
        .order_by("name")
    )


def visible_configurations(user: User) -> QuerySet[IndexConfiguration]:
    """Configurations of councils in the person's scope (every list starts here)."""
    if user.is_superuser:
        return IndexConfiguration.objects.select_related("council")
    return IndexConfiguration.objects.filter(
        council_id__in=councils_for(user).values("id")
    ).select_related("council")


def get_configuration_for(user: User, pk: int | str) -> IndexConfiguration:
    """The configuration if the person may see it; otherwise Http404, whether or not it exists."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    configuration = visible_configurations(user).filter(pk=key).first()
    if configuration is None:
        raise Http404
    return configuration


def can_configure(user: User, configuration: IndexConfiguration) -> bool:
    """Changing or computing an index is an analyst's right over the whole council."""
    return configuration.council.level == AreaLevel.LAD and has_permission(
        user, Permission.RISK_INDEX_CONFIGURE, area=configuration.council
    )


def latest_run(configuration: IndexConfiguration) -> IndexRun | None:
    return configuration.runs.order_by("-computed_at", "-pk").first()
