"""Who may see, acknowledge and configure early warning: the one access helper per type.

An alert is visible to a person with EARLY_WARNING_VIEW who covers its area: the
ward or council of the series, or, for a space-time cluster, any ward in the
cluster (an officer covering one of its wards needs to know). Anything else is
the same 404 as an alert that does not exist. Alerts are aggregate counts, so
unlike incidents they do not depend on which organisation recorded the
incidents behind them.

Settings belong to a council: seen by anyone who may view early warning for the
whole council, changed by those with EARLY_WARNING_CONFIGURE over it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.earlywarning.defaults import ensure_default_settings
from cohesion.earlywarning.models import Alert, AlertStatus, DetectionSetting
from cohesion.tensions.access import assessments_visible_to
from cohesion.tensions.models import TensionAssessment


def visible_alerts(user: User) -> QuerySet[Alert]:
    """Alerts in the person's scope (every list, count and API call starts here)."""
    if user.is_superuser:
        return Alert.objects.all()
    if not has_permission(user, Permission.EARLY_WARNING_VIEW):
        return Alert.objects.none()
    scope = areas_in_scope(user).values("id")
    in_cluster = Alert.cluster_areas.through.objects.filter(area_id__in=scope).values("alert_id")
    return Alert.objects.filter(Q(area_id__in=scope) | Q(pk__in=in_cluster))


def get_alert_for(user: User, pk: int | str) -> Alert:
    """The alert if the person may see it; otherwise Http404, whether or not it exists."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    alert = (
        visible_alerts(user)
        .select_related("area", "council", "strand", "acknowledged_by", "tension_assessment")
        .filter(pk=key)
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def open_alerts_waiting(user: User) -> QuerySet[Alert]:
    """Open alerts the person could acknowledge (the dashboard's "what is waiting")."""
    if not has_permission(user, Permission.EARLY_WARNING_ACKNOWLEDGE):
        return Alert.objects.none()
    return visible_alerts(user).filter(status=AlertStatus.OPEN)


def can_acknowledge(user: User, alert: Alert) -> bool:
    """Acknowledging or linking needs the right and the alert in scope."""
    return has_permission(user, Permission.EARLY_WARNING_ACKNOWLEDGE) and (
        visible_alerts(user).filter(pk=alert.pk).exists()
    )


def councils_for(user: User) -> QuerySet[Area]:
    """Councils whose early-warning settings the person may read (the whole council in scope)."""
    if not has_permission(user, Permission.EARLY_WARNING_VIEW):
        return Area.objects.none()
    return areas_in_scope(user).filter(level=AreaLevel.LAD).order_by("name")


def can_view_council(user: User, council: Area) -> bool:
    return has_permission(user, Permission.EARLY_WARNING_VIEW, area=council)


def can_configure(user: User, council: Area) -> bool:
    """Choosing methods is an analyst's right over the whole council, not one ward."""
    return council.level == AreaLevel.LAD and has_permission(
        user, Permission.EARLY_WARNING_CONFIGURE, area=council
    )


def settings_for(user: User, council: Area) -> QuerySet[DetectionSetting]:
    """The council's settings (defaults created when first needed); Http404 out of scope."""
    if council.level != AreaLevel.LAD or not can_view_council(user, council):
        raise Http404
    ensure_default_settings(council)
    return DetectionSetting.objects.filter(council=council).order_by("level", "method")


def linkable_assessments(user: User, alert: Alert) -> QuerySet[TensionAssessment]:
    """Tension assessments the person can see for the alert's council or any of its areas."""
    in_council = Q(area_id=alert.council_id) | Q(area__council_id=alert.council_id)
    return assessments_visible_to(user).filter(in_council).order_by("-period_end", "-pk")


def require_view(user: User) -> None:
    """Without the right, early warning does not exist for this person: 404."""
    if not has_permission(user, Permission.EARLY_WARNING_VIEW):
        raise Http404
