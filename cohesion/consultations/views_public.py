"""Public consultation pages: no account needed.

The list shows every consultation that is not a draft; the response form
works without JavaScript, keeps what was typed on an error, is protected by
CSRF and a honeypot, and is rate limited like the public report form.
Results are shown once answers are published, with disclosure control.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.consultations import access, actions
from cohesion.consultations.forms import ResponseForm
from cohesion.consultations.models import Status
from cohesion.consultations.results import results_for
from cohesion.lib.references import new_reference

THANKS_KEY = "consultation_thanks"


def add_action_errors(form: Any, error: ValidationError) -> None:
    """Show an action's refusal on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = list(access.public_consultations().order_by("-closes_on", "title"))
    return render(
        request,
        "consultations/public_list.html",
        {
            "open": [c for c in consultations if c.status == Status.OPEN],
            "closed": [c for c in consultations if c.status != Status.OPEN],
        },
    )


@require_GET
def consultation_detail(request: HttpRequest, key: str) -> HttpResponse:
    consultation = access.get_public_consultation(key)
    return render(
        request,
        "consultations/public_detail.html",
        {
            "consultation": consultation,
            "questions": consultation.questions.all(),
            "themes_answered": consultation.themes.filter(answer__published_at__isnull=False)
            .distinct()
            .count(),
        },
    )


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, key: str) -> HttpResponse:
    consultation = access.get_public_consultation(key)
    if not consultation.accepts_responses:
        return render(
            request, "consultations/not_open.html", {"consultation": consultation}, status=410
        )
    form = ResponseForm(request.POST or None, consultation=consultation)
    if request.method == "POST":
        if request.POST.get("website"):
            # Looks like a bot: thanked as a person would be, and nothing is stored.
            request.session[THANKS_KEY] = {"c": str(consultation.uuid), "ref": new_reference("CR")}
            return redirect("consultations-thanks", consultation.uuid)
        if form.is_valid():
            try:
                response = actions.submit_online_response(
                    consultation=consultation,
                    answers=form.answers(),
                    client_address=request.META.get("REMOTE_ADDR", ""),
                    wants_feedback=form.cleaned_data["wants_feedback"],
                    contact_name=form.cleaned_data["name"],
                    contact_email=form.cleaned_data["email"],
                )
            except actions.RateLimited:
                return render(
                    request,
                    "consultations/rate_limited.html",
                    {
                        "consultation": consultation,
                        "window_minutes": settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES,
                    },
                    status=429,
                )
            except actions.ConsultationError:
                return render(
                    request,
                    "consultations/not_open.html",
                    {"consultation": consultation},
                    status=410,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                request.session[THANKS_KEY] = {
                    "c": str(consultation.uuid),
                    "ref": response.reference,
                    "told": response.wants_feedback,
                }
                return redirect("consultations-thanks", consultation.uuid)
    return render(
        request,
        "consultations/respond.html",
        {"consultation": consultation, "form": form, "max_text": actions.MAX_TEXT},
    )


@require_GET
def thanks(request: HttpRequest, key: str) -> HttpResponse:
    consultation = access.get_public_consultation(key)
    sent = request.session.get(THANKS_KEY)
    if not sent or sent.get("c") != str(consultation.uuid):
        return redirect("consultations-detail", consultation.uuid)
    return render(
        request,
        "consultations/thanks.html",
        {"consultation": consultation, "reference": sent["ref"], "told": sent.get("told")},
    )


@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    consultation = access.get_public_consultation(key)
    if consultation.status != Status.ANSWERED:
        raise Http404
    return render(
        request,
        "consultations/results.html",
        {"consultation": consultation, "results": results_for(consultation)},
    )
