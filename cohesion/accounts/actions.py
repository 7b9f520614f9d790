"""State changes to organisations and accounts, each audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction


@transaction.atomic
def create_organisation(
    *,
    by: User | None,
    name: str,
    type: OrganisationType,
    areas: Iterable[Area] = (),
    website: str = "",
    is_synthetic: bool = False,
) -> Organisation:
    """Add a partner organisation working in `areas`."""
    organisation = Organisation.objects.create(
        name=name, type=type, website=website, is_synthetic=is_synthetic
    )
    organisation.areas.set(list(areas))
    record(
        action=AuditAction.ORGANISATION_CREATED,
        by=by,
        target=organisation,
        detail={"type": str(type), "areas": [a.code for a in organisation.areas.all()]},
    )
    return organisation


@transaction.atomic
def create_user(
    *,
    by: User | None,
    username: str,
    password: str,
    organisation: Organisation,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    areas: Iterable[Area] = (),
    is_synthetic: bool = False,
) -> User:
    """Create an account in `organisation`; the password must pass the validators."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        organisation=organisation,
        role=role,
        is_synthetic=is_synthetic,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.areas.set(list(areas))
    record(
        action=AuditAction.USER_CREATED,
        by=by,
        target=user,
        detail={
            "organisation": organisation.name,
            "role": str(role),
            "areas": [a.code for a in user.areas.all()],
        },
    )
    return user
