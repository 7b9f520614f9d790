"""Access helpers: one per sensitive object type.

Each loads the object and checks the viewer may see it. "Missing" and
"not yours" raise the same Http404, so nobody can learn that a record exists
in another organisation by probing identifiers.
"""

from __future__ import annotations

import uuid

from django.http import Http404

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.lib.ids import uuid_or_404


def get_organisation_for_user(viewer: User, organisation_uuid: str | uuid.UUID) -> Organisation:
    """The organisation, if it is the viewer's own (operators may see any)."""
    organisation = Organisation.objects.filter(uuid=uuid_or_404(organisation_uuid)).first()
    if organisation is None:
        raise Http404
    if not viewer.is_superuser and organisation.pk != viewer.organisation_id:
        raise Http404
    if not has_permission(viewer, Permission.ORGANISATION_VIEW_MEMBERS):
        raise Http404
    return organisation


def get_person_for_user(viewer: User, person_uuid: str | uuid.UUID) -> User:
    """A person's account, for themselves or for someone in their organisation allowed to see people."""
    person = (
        User.objects.select_related("organisation").filter(uuid=uuid_or_404(person_uuid)).first()
    )
    if person is None:
        raise Http404
    if person.pk == viewer.pk or viewer.is_superuser:
        return person
    same_organisation = (
        person.organisation_id is not None and person.organisation_id == viewer.organisation_id
    )
    if not same_organisation or not has_permission(viewer, Permission.PERSON_VIEW):
        raise Http404
    return person
