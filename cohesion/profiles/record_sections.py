"""Profile sections from Cohesion's own records, each read by its own app's rules.

Hate incidents (with disclosure control for readers without incident access),
the current tension assessment, the council's strategy actions and the
directory's services. The restricted ones are built only for a person with
the right over the area; otherwise they are left out without a word, since a
heading saying "you may not see this" would itself tell an outsider that there
is something to see.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.insight.disclosure import DEFAULT_RULE, SUPPRESSED, is_primary, publish_count
from cohesion.profiles.profile_model import (
    RECORDS_SOURCE,
    ProfileFigure,
    ProfileSection,
    Value,
    area_values,
    as_number,
)

# The residents a rate is per (census 2021 usual residents, by best-fit LSOAs).
RATE_DENOMINATOR_KEYS = ("residents_2021", "population")

if TYPE_CHECKING:
    from cohesion.accounts.models import User
    from cohesion.profiles.figures import AreaMeasures
    from cohesion.tensions.models import TensionAssessment

# --- Cross-app reads ------------------------------------------------------------------------


def _year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: the first day of "the last 12 months"."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + dt.timedelta(days=1)


def _hate_incident_count(area: Area, start: dt.date, end: dt.date) -> int:
    """Hate incidents that occurred in the area between start and end (incidents app).

    Counted as early warning counts them (`cohesion.earlywarning.counts`): the hate
    record kinds, anti-social behaviour left out, every status ("closed" means dealt
    with, not "did not happen"), anonymised records kept (they keep date and ward).
    An aggregate for the area, whichever organisation holds each record, like the
    early-warning series; who may see it is decided by `_incident_section`.
    """
    from cohesion.earlywarning.counts import COUNTED_KINDS
    from cohesion.incidents.models import Incident

    incidents = Incident.objects.filter(record_kind__in=COUNTED_KINDS).in_period(start, end)
    if area.level == AreaLevel.LAD:
        return incidents.filter(council=area).count()
    # A ward code can have one row per boundary generation; the code is the ward.
    return incidents.filter(ward__code=area.code, ward__level=AreaLevel.WARD).count()


def _current_assessment(user: User, area: Area, today: dt.date) -> TensionAssessment | None:
    """The area's current tension assessment as the dashboard shows it (tensions app).

    `assessments_visible_to` applies the dashboard right, the person's scope and the
    release rules; like `cohesion.tensions.queries.latest_approved`, only approved
    assessments whose period has started count.
    """
    from cohesion.tensions.access import assessments_visible_to

    return (
        assessments_visible_to(user)
        .filter(area=area, approved_by__isnull=False, period_start__lte=today)
        .order_by("-period_start", "-period_end", "-id")
        .first()
    )


def _level_label(value: int) -> str:
    """'3 Elevated' from the tension scale (tensions app; the scale is editable)."""
    from cohesion.tensions.models import TensionLevel

    level = TensionLevel.objects.filter(value=value).first()
    return f"{value} {level.label}" if level else str(value)


# --- Restricted sections --------------------------------------------------------------------


def _rate(count: int, residents: float | None) -> float | None:
    if residents is None or residents <= 0:
        return None
    return 1000.0 * count / residents


def _published(
    count: int, rate: float | None, residents: float | None, exact: bool
) -> tuple[Value, Value]:
    """The count and rate as this person may see them.

    With INCIDENT_VIEW over the area the figures are exact (the person may read the
    records anyway). Otherwise the disclosure rule applies (counts 1-9 hidden, the
    rest rounded to 5), and a rate is not shown where its count is hidden or its
    denominator is too small; a shown rate is still computed from the exact count.
    """
    if exact:
        return count, rate
    shown_count = publish_count(count, DEFAULT_RULE)
    if (
        is_primary(count, DEFAULT_RULE)
        or residents is None
        or residents < DEFAULT_RULE.rate_denominator_floor
    ):
        return shown_count, SUPPRESSED if rate is not None else None
    return shown_count, rate


def _residents(values: pd.Series) -> float | None:
    for key in RATE_DENOMINATOR_KEYS:
        number = as_number(values.get(key))
        if number:
            return number
    return None


def incident_section(
    user: User | AnonymousUser, area: Area, council: Area, data: AreaMeasures, today: dt.date
) -> ProfileSection | None:
    """Hate incidents in the last 12 months and the rate per 1,000 residents.

    Shown to people who may see incidents in the area (exact), or the tension
    dashboard for it (councillors: disclosure-controlled); nobody else.
    """
    exact = has_permission(user, Permission.INCIDENT_VIEW, area=area)
    if not exact and not has_permission(user, Permission.TENSION_DASHBOARD, area=area):
        return None
    start = _year_before(today)
    period = _("12 months to %(date)s") % {"date": date_format(today, "j F Y")}
    is_council = area.level == AreaLevel.LAD
    residents = _residents(area_values(data, area))
    count = _hate_incident_count(area, start, today)
    shown_count, shown_rate = _published(count, _rate(count, residents), residents, exact)
    council_count: Value = None
    council_rate: Value = None
    if not is_council:
        council_residents = _residents(data.council_values)
        n = _hate_incident_count(council, start, today)
        # Exact only for someone who may read the council's records; anyone else (e.g. a
        # partner covering two wards) sees the council's figure under the rule.
        council_exact = has_permission(user, Permission.INCIDENT_VIEW, area=council)
        council_count, council_rate = _published(
            n, _rate(n, council_residents), council_residents, council_exact
        )
    section = ProfileSection(
        key="incidents",
        title=_("Hate incidents"),
        restricted=True,
        figures=[
            ProfileFigure(
                key="hate_incidents_12m",
                label=_("Hate incidents recorded (occurred in the last 12 months)"),
                unit="incidents",
                decimals=0,
                value=shown_count,
                council=council_count,
                england=None,
                source=RECORDS_SOURCE,
                date=period,
            ),
            ProfileFigure(
                key="incident_rate",
                label=_("Hate incidents per 1,000 residents (last 12 months)"),
                unit="per 1,000",
                decimals=1,
                value=shown_rate,
                council=council_rate,
                england=None,
                source=RECORDS_SOURCE + _("; residents: ONS Census 2021"),
                date=period,
            ),
        ],
        notes=[
            _(
                "Hate crimes reported to the police, hate incidents that are not crimes and "
                "police non-crime hate incidents shared with the partnership, whatever their "
                "status; anti-social behaviour is not counted. Rates use Census 2021 usual residents."
            )
        ],
    )
    if not exact:
        section.notes.append(
            _(
                'Disclosure control: counts from 1 to 9 are shown as "%(symbol)s" and other counts '
                "are rounded to the nearest 5; a rate is not shown where its count is hidden."
            )
            % {"symbol": SUPPRESSED}
        )
    return section


def tension_section(
    user: User | AnonymousUser, area: Area, council: Area, today: dt.date
) -> ProfileSection | None:
    """The current tension level and trend, as on the tension dashboard."""
    if not has_permission(user, Permission.TENSION_DASHBOARD, area=area):
        return None
    assert not isinstance(user, AnonymousUser)  # has_permission is False for anonymous
    current = _current_assessment(user, area, today)
    council_current = (
        None if area.level == AreaLevel.LAD else _current_assessment(user, council, today)
    )
    none = _("No approved assessment")
    date = (
        _("%(start)s to %(end)s")
        % {
            "start": date_format(current.period_start, "j M Y"),
            "end": date_format(current.period_end, "j M Y"),
        }
        if current
        else date_format(today, "j F Y")
    )
    council_level: Value = None
    council_trend: Value = None
    if area.level != AreaLevel.LAD:
        council_level = _level_label(council_current.level) if council_current else none
        council_trend = council_current.get_trend_display() if council_current else none
    section = ProfileSection(
        key="tensions",
        title=_("Community tension"),
        restricted=True,
        figures=[
            ProfileFigure(
                key="tension_level",
                label=_("Current tension level"),
                unit="level",
                decimals=0,
                value=_level_label(current.level) if current else none,
                council=council_level,
                england=None,
                source=_("Approved tension assessment, Cohesion"),
                date=date,
            ),
            ProfileFigure(
                key="tension_trend",
                label=_("Trend"),
                unit="",
                decimals=0,
                value=current.get_trend_display() if current else none,
                council=council_trend,
                england=None,
                source=_("Approved tension assessment, Cohesion"),
                date=date,
            ),
        ],
    )
    if current:
        section.notes.append(
            _("Next review due %(date)s.") % {"date": date_format(current.next_review_on, "j F Y")}
        )
    return section


def strategy_section(
    user: User | AnonymousUser, area: Area, today: dt.date
) -> ProfileSection | None:
    """Open actions of the council's strategies the reader may see (the strategies app's rules).

    Actions name their owner organisation and objectives, not wards, so this
    appears on the council's profile only; a ward profile would have to guess.
    """
    if area.level != AreaLevel.LAD or not has_permission(user, Permission.STRATEGY_VIEW):
        return None
    assert not isinstance(user, AnonymousUser)
    from django.db.models import Count, Q

    from cohesion.strategies.access import strategies_visible_to
    from cohesion.strategies.choices import Rag, Status

    open_statuses = [Status.NOT_STARTED, Status.IN_PROGRESS]
    strategies = (
        strategies_visible_to(user)
        .filter(council=area)
        .annotate(
            open_actions=Count("actions", filter=Q(actions__status__in=open_statuses)),
            red=Count(
                "actions", filter=Q(actions__status=Status.IN_PROGRESS, actions__rag=Rag.RED)
            ),
            amber=Count(
                "actions", filter=Q(actions__status=Status.IN_PROGRESS, actions__rag=Rag.AMBER)
            ),
        )
        .order_by("title")
    )
    figures = [
        ProfileFigure(
            key=f"strategy_{strategy.slug}",
            label=strategy.title,
            unit="",
            decimals=0,
            value=_("%(open)s open actions (%(red)s red, %(amber)s amber)")
            % {"open": strategy.open_actions, "red": strategy.red, "amber": strategy.amber},
            council=None,
            england=None,
            source=_("Cohesion strategies and action plans"),
            date=today.isoformat(),
            url=reverse("strategy-detail", args=[strategy.slug]),
        )
        for strategy in strategies
    ]
    if not figures:
        return None
    return ProfileSection(
        key="strategies", title=_("Strategy actions"), restricted=True, figures=figures
    )


def services_section(area: Area, today: dt.date) -> ProfileSection | None:
    """Published community directory services with a place in the area, by category.

    Public, like the directory itself. Each figure links to the directory's search
    for the ward (a council's profile links to the whole directory).
    """
    from cohesion.directory.access import published_services
    from cohesion.directory.models import Attribute, TaxonomyTerm

    in_area = (
        {"service_at_locations__location__ward": area}
        if area.level == AreaLevel.WARD
        else {"service_at_locations__location__ward__council": area}
    )
    services = published_services().filter(**in_area).distinct()
    total = services.count()
    if not total:
        return None
    search = reverse("directory-search")
    ward_query = {"ward": area.code} if area.level == AreaLevel.WARD else {}
    source = _("Cohesion community directory (published entries)")

    def figure(key: str, label: str, count: int, query: dict[str, Any]) -> ProfileFigure:
        return ProfileFigure(
            key=key,
            label=label,
            unit="",
            decimals=0,
            value=float(count),
            council=None,
            england=None,
            source=source,
            date=today.isoformat(),
            url=f"{search}?{urlencode(query)}" if query else search,
        )

    figures = [figure("services_total", _("Services with a place here"), total, ward_query)]
    # Top-level categories, as the directory's category filter reads them (a term
    # and its children); a service counts once under each category it is filed in.
    links = Attribute.objects.filter(service__in=services.values("id")).values_list(
        "service_id", "taxonomy_term_id", "taxonomy_term__parent_id"
    )
    per_category: dict[Any, set[Any]] = {}
    for service_id, term_id, parent_id in links:
        per_category.setdefault(parent_id or term_id, set()).add(service_id)
    names = dict(
        TaxonomyTerm.objects.filter(pk__in=per_category, parent__isnull=True).values_list(
            "pk", "name"
        )
    )
    ranked = sorted(
        ((len(per_category[pk]), name, pk) for pk, name in names.items()),
        key=lambda row: (-row[0], row[1]),
    )
    figures += [
        figure(f"services_{pk}", name, count, {**ward_query, "category": str(pk)})
        for count, name, pk in ranked
    ]
    return ProfileSection(
        key="services",
        title=_("Community services"),
        figures=figures,
        notes=[
            _(
                "Counted from the directory's published entries with a place in the area; "
                "services that work across the whole city without a place here are not counted."
            )
        ],
    )
