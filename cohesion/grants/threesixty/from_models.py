"""Adapt the grant models to 360Giving records: awarded grants of published funds only."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from cohesion.areas.models import Area
from cohesion.grants.models import AWARDED_STATUSES, Application, Fund
from cohesion.grants.threesixty.records import (
    BeneficiaryLocation,
    Classification,
    Funder,
    Grant,
    Payment,
    Programme,
    Publisher,
    RecipientOrganisation,
)


def publisher(*, data_source: str = "", website: str = "") -> Publisher:
    return Publisher(
        prefix=str(settings.THREESIXTYGIVING_PREFIX),
        funder_id=str(settings.THREESIXTYGIVING_FUNDER_ID),
        funder_name=str(settings.THREESIXTYGIVING_FUNDER_NAME),
        data_source=data_source,
        website=website,
    )


def awarded_applications(
    *, fund: Fund | None = None, council: Area | None = None
) -> QuerySet[Application]:
    """Approved (with or without conditions), in monitoring or closed, in published funds."""
    queryset = Application.objects.filter(
        status__in=sorted(s.value for s in AWARDED_STATUSES),
        call__fund__is_published=True,
        amount_awarded__isnull=False,
        award_date__isnull=False,
    )
    if fund is not None:
        queryset = queryset.filter(call__fund=fund)
    if council is not None:
        queryset = queryset.filter(call__fund__council=council)
    return (
        queryset.select_related("call__fund", "organisation")
        .prefetch_related("wards", "payments", "call__fund__objectives__strategy")
        .order_by("award_date", "reference")
    )


def to_record(application: Application) -> Grant:
    fund = application.call.fund
    organisation = application.organisation
    assert application.amount_awarded is not None and application.award_date is not None
    recipient = RecipientOrganisation(
        key=str(organisation.uuid),
        name=application.legal_name or organisation.name,
        charity_number=application.charity_number,
        company_number=application.company_number,
        other_scheme=application.other_registration_scheme,
        other_number=application.other_registration_number,
        street_address=application.street_address,
        address_locality=application.address_locality,
        postal_code=application.postcode,
        url=application.website,
    )
    programme = (
        Programme(code=fund.programme_code, title=fund.name) if fund.programme_code else None
    )
    return Grant(
        key=application.reference,
        title=application.title,
        description=application.summary,
        amount_awarded=application.amount_awarded,
        award_date=application.award_date,
        recipient=recipient,
        funder=Funder(id=fund.funder_id, name=fund.funder_display_name),
        date_modified=application.updated_at,
        amount_applied_for=application.amount_requested,
        programme=programme,
        locations=tuple(
            BeneficiaryLocation(name=ward.name, geo_code=ward.code)
            for ward in sorted(application.wards.all(), key=lambda w: w.code)
        ),
        planned_start=application.planned_start,
        planned_end=application.planned_end,
        payments=tuple(
            Payment(key=str(p.pk), paid_on=p.paid_on, amount=p.amount)
            for p in application.payments.all()
        ),
        classifications=tuple(
            Classification(
                vocabulary=f"Cohesion strategy objectives: {objective.strategy.title}",
                code=objective.code,
                title=objective.title,
            )
            for objective in fund.objectives.all()
        ),
        from_open_call=True,
    )


def records(*, fund: Fund | None = None, council: Area | None = None) -> list[Grant]:
    return [to_record(a) for a in awarded_applications(fund=fund, council=council)]
