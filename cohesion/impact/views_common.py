"""What the impact pages share: who is asking, and whether the assessment may be changed now."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.impact import access
from cohesion.impact.actions import ImpactError
from cohesion.impact.models import ImpactAssessment


def posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


def current_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def require_view(user: User) -> None:
    # Without the right, the section does not exist for this person.
    if not has_permission(user, Permission.IMPACT_VIEW):
        raise Http404


class NotADraft(Exception):
    """The department's own assessment, but no longer a draft: say so on its page."""

    def __init__(self, assessment: ImpactAssessment) -> None:
        self.assessment = assessment


def editable(request: HttpRequest, assessment_uuid: str) -> ImpactAssessment:
    """The assessment, if this person may change it now.

    Someone who could edit it as a draft is sent back to its page with the reason
    (`not_a_draft`); anyone else gets the same 404 as for a missing record.
    """
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_edit(user, assessment):
        if access.in_department(user, assessment):
            raise NotADraft(assessment)
        raise Http404
    return assessment


def drafts_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn `NotADraft` from `_editable` into a message on the assessment's page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotADraft as refused:
            if refused.assessment.is_final:
                text = _(
                    "It has been signed off, so it can no longer be changed. Start a revision "
                    "instead."
                )
            else:
                text = _("It is awaiting sign-off. Return it to draft before changing it.")
            messages.error(request, text)
            return redirect("impact-detail", refused.assessment.uuid)
        except ImpactError as error:
            # Lost a race with sign-off between loading the page and saving it.
            messages.error(request, str(error))
            return redirect("impact-detail", kwargs["assessment_uuid"])

    return wrapped


def refused(request: HttpRequest, error: ImpactError, assessment: ImpactAssessment) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("impact-detail", assessment.uuid)
