"""Published impact assessment summaries: public pages, no sign-in.

Only what the department chose to publish is shown: the summary written for
the public, the equality and cohesion findings with their mitigations, and the
action plan. Internal evidence notes, officers' names and drafts never appear.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohesion.impact import access
from cohesion.impact import choices as c
from cohesion.impact.report import build_report


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """The newest published version of each assessment."""
    # Newest *published* version: a later draft revision does not hide the published one.
    newest = access.published_assessments().latest_versions()
    return render(
        request,
        "impact/public_list.html",
        {
            "assessments": newest.select_related("organisation", "department").order_by(
                "-published_at"
            )
        },
    )


@require_GET
def public_detail(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    assessment = access.get_published(assessment_uuid)
    newer = (
        access.published_assessments()
        .filter(series=assessment.series, version__gt=assessment.version)
        .order_by("-version")
        .first()
    )
    older = access.published_assessments().filter(
        series=assessment.series, version__lt=assessment.version
    )
    return render(
        request,
        "impact/public_detail.html",
        {
            "a": assessment,
            "report": build_report(assessment),
            "aims": list(c.Aim),
            "newer": newer,
            "older": older.order_by("-version"),
        },
    )
