"""Public grant pages: open calls, a call, and registration for a community group."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cohesion.accounts.models import OrganisationType, User
from cohesion.grants import access, actions
from cohesion.grants.forms import RegisterForm
from cohesion.grants.models import Call
from cohesion.grants.workflow import WorkflowError

# Registrations allowed from one address per hour (on top of CSRF and password checks).
REGISTRATIONS_PER_HOUR = 5


def open_calls() -> QuerySet[Call]:
    now = timezone.now()
    return (
        Call.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("fund__council")
        .order_by("closes_at")
    )


def calls_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "grants/public_calls.html",
        {
            "calls": open_calls(),
            "is_applicant": access.is_applicant(user),
            "is_staff": access.is_staff(user),
        },
    )


def call_detail(request: HttpRequest, key: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    call = access.get_public_call(key)
    existing = None
    if access.is_applicant(user):
        existing = access.own_applications(user).filter(call=call).first()
    return render(
        request,
        "grants/public_call.html",
        {
            "call": call,
            "fund": call.fund,
            "questions": call.questions.all(),
            "is_applicant": access.is_applicant(user),
            "existing": existing,
        },
    )


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def register(request: HttpRequest, key: str) -> HttpResponse:
    """Create an account for a community group, to apply to this call's fund."""
    call = access.get_public_call(key)
    if request.user.is_authenticated:
        return redirect("grants-call", call.uuid)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bucket = f"grants-register:{_client(request)}"
        count = cache.get_or_set(bucket, 0, timeout=3600) or 0
        if count >= REGISTRATIONS_PER_HOUR:
            form.add_error(
                None, _("Too many accounts have been created from here. Try again later.")
            )
        else:
            cache.set(bucket, count + 1, timeout=3600)
            data = form.cleaned_data
            try:
                user = actions.register_group(
                    by=None,
                    council=call.fund.council,
                    group_name=data["group_name"],
                    group_type=OrganisationType(data["group_type"]),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    username=data["username"],
                    password=data["password"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your group's account has been created."))
                return redirect("grants-call", call.uuid)
    return render(request, "grants/register.html", {"form": form, "call": call})
