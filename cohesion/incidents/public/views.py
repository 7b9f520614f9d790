"""The public report pages: start, one page per question, check answers, confirmation.

Works without JavaScript and without signing in. Answers live in the session
until the report is sent; a page asked for out of order sends the person to
the first question they have not answered yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.incidents import choices as c
from cohesion.incidents.public import forms as f
from cohesion.incidents.public import journey
from cohesion.incidents.public.submission import (
    RateLimited,
    SubmissionRejected,
    existing_report,
    submit_public_report,
)
from cohesion.lib.references import new_reference


def _step_url(step: journey.Step) -> str:
    return reverse("report-step", args=[step.slug])


def _next_url(current: dict[str, Any]) -> str:
    missing = journey.first_unanswered(current)
    return _step_url(missing) if missing else reverse("report-check")


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/report/start.html",
        {"first_step_url": _step_url(journey.STEPS[0])},
    )


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    this = journey.BY_SLUG.get(slug)
    if this is None:
        raise Http404
    current = journey.state(request.session, start=True)
    answers = current["answers"]
    if not this.applies(answers):
        return redirect(_next_url(current))
    missing = journey.first_unanswered(current)
    if missing is not None and journey.STEPS.index(missing) < journey.STEPS.index(this):
        return redirect(_step_url(missing))
    changing = request.GET.get("change") == "1"

    if request.method == "POST":
        if request.POST.get("website"):
            journey.mark_honeypot(request.session)
        if "skip" in request.POST and this.form_class is f.AboutForm:
            form = this.form_class({})
        else:
            form = this.form_class(request.POST)
        if form.is_valid():
            journey.save_step(request.session, this, form.to_answers())
            return redirect(_next_url(journey.state(request.session)))
    else:
        form = this.form_class(initial=this.form_class.initial_from(answers))

    before = journey.previous(this, answers)
    if changing:
        back_url = reverse("report-check")
    elif before is not None:
        back_url = _step_url(before)
    else:
        back_url = reverse("report-start")
    return render(
        request,
        f"incidents/report/{this.template}.html",
        {
            "form": form,
            "step": this,
            "back_url": back_url,
            "action_url": request.get_full_path(),
            "anonymous": answers.get("reporter_role") == c.ReporterRole.ANONYMOUS,
        },
    )


def _labels(choices: list[tuple[str, Any]], values: list[str]) -> list[str]:
    names = dict(choices)
    return [str(names.get(v, v)) for v in values]


def summary_rows(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-answers list: (question, answer lines, the step that changes it)."""
    rows: list[dict[str, Any]] = []

    def add(question: str, lines: list[str], slug: str) -> None:
        url = reverse("report-step", args=[slug]) + "?change=1"
        rows.append({"question": question, "lines": lines, "url": url})

    not_given = gettext("Not given")
    add(gettext("What happened"), [answers.get("narrative", "")], "what-happened")
    occurred = answers.get("occurred_on")
    add(
        gettext("When it happened"),
        [date_format(dt.date.fromisoformat(occurred), "j F Y")] if occurred else [],
        "when",
    )
    place_choices = f.flat_choices(f.WhereForm().fields["place"])
    place = _labels(place_choices, [answers.get("place", "")])
    lines = list(place)
    if answers.get("location_precision") == c.Precision.EXACT:
        lines.append(gettext("You marked the place on a map"))
    if answers.get("place_description"):
        lines.append(answers["place_description"])
    add(gettext("Where it happened"), lines, "where")
    targeted = f.TargetedForm()
    add(
        gettext("Why you think it happened"),
        _labels(f.flat_choices(targeted.fields["strands"]), answers.get("strands", [])),
        "why",
    )
    kinds = f.IncidentTypeForm()
    add(
        gettext("What they did"),
        _labels(f.flat_choices(kinds.fields["incident_types"]), answers.get("incident_types", [])),
        "what-they-did",
    )
    add(
        gettext("Who is reporting"),
        _labels(c.ReporterRole.choices, [answers.get("reporter_role", "")]),
        "who",
    )
    for key, question, choices in (
        ("victim_sex", gettext("Their sex"), c.Sex.choices),
        ("victim_age_band", gettext("Their age"), c.AgeBand.choices),
        ("victim_ethnicity", gettext("Their ethnic group"), c.Ethnicity.choices),
    ):
        value = answers.get(key) or ""
        add(question, _labels(choices, [value]) if value else [not_given], "about-them")
    if answers.get("reporter_role") != c.ReporterRole.ANONYMOUS:
        contact = answers.get("consent_to_contact") == f.YES
        lines = [gettext("Yes") if contact else gettext("No")]
        if contact:
            lines += [
                answers[k]
                for k in ("contact_name", "contact_phone", "contact_email")
                if answers.get(k)
            ]
        add(gettext("Can we contact you"), lines, "contact")
    share = answers.get("consent_to_share", [])
    share_choices = f.flat_choices(f.ShareForm().fields["consent_to_share"])
    add(gettext("Who we can share it with"), _labels(share_choices, share), "sharing")
    return rows


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    current = journey.state(request.session)
    if request.method == "POST":
        form = f.CheckForm(request.POST)
        if not form.is_valid():
            return redirect("report-check")
        key = str(form.cleaned_data["idempotency_key"])
        done = request.session.get(journey.DONE_KEY)
        if done and done.get("key") == key:
            return redirect("report-done")  # a second click on a report already sent
        if current["key"] != key:
            earlier = existing_report(key)
            if earlier is not None:
                request.session[journey.DONE_KEY] = {"key": key, "reference": earlier.reference}
                return redirect("report-done")
            return redirect("report-check")
        missing = journey.first_unanswered(current)
        if missing is not None:
            return redirect(_step_url(missing))
        if request.POST.get("website") or current.get("honeypot"):
            # Looks like a bot: it is thanked as a person would be, and nothing is stored.
            reference = new_reference("HR")
        else:
            try:
                incident = submit_public_report(
                    journey.final_answers(current["answers"]),
                    idempotency_key=key,
                    client_address=request.META.get("REMOTE_ADDR", ""),
                    language=getattr(request, "LANGUAGE_CODE", ""),
                )
            except RateLimited:
                return render(
                    request,
                    "incidents/report/rate_limited.html",
                    {"window_minutes": settings.PUBLIC_REPORT_RATE_WINDOW_MINUTES},
                    status=429,
                )
            except SubmissionRejected:
                return redirect("report-step", "where")
            reference = incident.reference
        request.session[journey.DONE_KEY] = {"key": key, "reference": reference}
        request.session.pop(journey.SESSION_KEY, None)
        return redirect("report-done")

    if not current["key"]:
        return redirect("report-start")
    missing = journey.first_unanswered(current)
    if missing is not None:
        return redirect(_step_url(missing))
    return render(
        request,
        "incidents/report/check.html",
        {
            "rows": summary_rows(current["answers"]),
            "form": f.CheckForm(initial={"idempotency_key": current["key"]}),
            "back_url": _step_url(journey.applicable(current["answers"])[-1]),
        },
    )


@require_GET
def done(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(journey.DONE_KEY)
    if not sent:
        return redirect("report-start")
    return render(request, "incidents/report/done.html", {"reference": sent["reference"]})
