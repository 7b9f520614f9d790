"""Impact assessment pages: the register, starting one, its overview, the workflow, downloads.

Every assessment is loaded through `cohesion.impact.access`, so another
department's draft, or another organisation's assessment, is a 404 exactly
like a missing one. Each page that saves calls one action; a refused form is
shown again with what was typed and nothing is saved. The section pages are in
`views_sections.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.impact import access, actions, register
from cohesion.impact import choices as c
from cohesion.impact.actions import DueRegardNotShown, ImpactError
from cohesion.impact.forms import (
    AssessmentForm,
    PublishForm,
    ReturnForm,
    ShareForm,
    SignOffForm,
)
from cohesion.impact.models import Department, ImpactAssessment
from cohesion.impact.report import build_report, render_docx, render_pdf, report_filename
from cohesion.impact.views_common import (
    current_user,
    drafts_only,
    editable,
    posted,
    refused,
    require_view,
)
from cohesion.lib.ids import uuid_or_404

# --- The register ----------------------------------------------------------------------


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The register: every assessment the person may see, by department."""
    user = current_user(request)
    require_view(user)
    visible = access.assessments_visible_to(user)
    departments = Department.objects.filter(
        pk__in=visible.values("department_id")
    ) | access.my_departments(user)
    departments = departments.distinct().order_by("name")
    department = None
    if request.GET.get("department"):
        department = departments.filter(uuid=uuid_or_404(request.GET["department"])).first()
        if department is None:
            raise Http404
    status = request.GET.get("status", "")
    if status and status not in c.Status.values:
        status = ""
    rows = register.register_rows(visible, department=department, status=status)
    query = "&".join(
        f"{k}={v}"
        for k, v in (("department", department.uuid if department else ""), ("status", status))
        if v
    )
    return render(
        request,
        "impact/list.html",
        {
            "rows": rows,
            "departments": departments,
            "department": department,
            "status": status,
            "statuses": c.Status.choices,
            "query": query,
            "can_create": access.can_create(user),
            "can_manage": access.can_manage(user),
            "review_soon_days": register.REVIEW_SOON_DAYS,
        },
    )


@require_GET
@login_required
def register_csv(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user)
    visible = access.assessments_visible_to(user)
    department = None
    if request.GET.get("department"):
        department = Department.objects.filter(
            uuid=uuid_or_404(request.GET["department"]),
            pk__in=visible.values("department_id"),
        ).first()
        if department is None:
            raise Http404
    rows = register.register_rows(visible, department=department)
    response = HttpResponse(register.register_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"impact-register-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Starting and the overview ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user)
    if not access.can_create(user):
        return render(request, "impact/no_department.html", status=404)
    departments = access.my_departments(user)
    initial = {}
    if departments.count() == 1:
        initial["department"] = departments.first()
    form = AssessmentForm(
        posted(request),
        user=user,
        departments=departments,
        creating=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "department"}
        assessment = actions.create_assessment(
            by=user, department=form.cleaned_data["department"], data=data
        )
        messages.success(
            request,
            _("Assessment %(ref)s started. Work through each section, then check and submit.")
            % {"ref": assessment.reference},
        )
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/details_form.html", {"form": form, "assessment": None})


def _sections(report: Any) -> list[dict[str, Any]]:
    """The task list: each part of the assessment with how far it has got."""
    a = report.assessment
    done, todo, optional = "done", "todo", "optional"
    labels = {done: _("Completed"), todo: _("Incomplete"), optional: _("Not needed")}

    def item(label: str, url: str, state: str, hint: str = "") -> dict[str, Any]:
        return {"label": label, "url": url, "state": state, "text": labels[state], "hint": hint}

    from django.urls import reverse

    details_done = bool(a.decision_maker and a.decision_date and a.review_date)
    sections = [
        item(
            _("The proposal and the decision"),
            reverse("impact-edit", args=[a.uuid]),
            done if details_done else todo,
        ),
        item(
            _("Screening"),
            reverse("impact-screening", args=[a.uuid]),
            done if report.screening else todo,
        ),
    ]
    for section in report.principles:
        p = section.principle
        total = len(section.answers)
        state = optional if not report.full else (done if section.answered == total else todo)
        sections.append(
            item(
                _("Principle %(n)s: %(title)s") % {"n": p.number, "title": p.title},
                reverse("impact-principle", args=[a.uuid, p.number]),
                state,
                _("%(n)s of %(total)s questions answered")
                % {"n": section.answered, "total": total},
            )
        )
    sections.append(
        item(
            _("Evidence"),
            reverse("impact-evidence", args=[a.uuid]),
            done if report.evidence else (todo if report.full else optional),
            _("%(n)s recorded") % {"n": len(report.evidence)},
        )
    )
    answered = sum(row.answered for row in report.matrix)
    needed = sum(row.needed for row in report.matrix)
    sections.append(
        item(
            _("Equality impacts"),
            reverse("impact-equality", args=[a.uuid]),
            optional if not report.full else (done if answered == needed else todo),
            _("%(n)s of %(total)s answered") % {"n": answered, "total": needed},
        )
    )
    cohesion_done = sum(1 for _, answer in report.cohesion if answer)
    sections.append(
        item(
            _("Cohesion"),
            reverse("impact-cohesion", args=[a.uuid]),
            optional
            if not report.full
            else (done if cohesion_done == len(report.cohesion) else todo),
            _("%(n)s of %(total)s answered") % {"n": cohesion_done, "total": len(report.cohesion)},
        )
    )
    sections.append(
        item(
            _("Action plan"),
            reverse("impact-actions", args=[a.uuid]),
            done if report.actions else todo,
            _("%(n)s actions") % {"n": len(report.actions)},
        )
    )
    return sections


@require_GET
@login_required
def assessment_detail(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    report = build_report(assessment)
    versions = ImpactAssessment.objects.filter(
        series=assessment.series,
        pk__in=access.assessments_visible_to(user).values("pk"),
    ).order_by("-version")
    return render(
        request,
        "impact/detail.html",
        {
            "a": assessment,
            "report": report,
            "sections": _sections(report),
            "versions": versions,
            "can_edit": access.can_edit(user, assessment),
            "can_share": access.can_share(user, assessment),
            "can_sign_off": access.can_sign_off(user, assessment),
            "may_sign_off": access.may_sign_off_in_principle(user, assessment),
            "can_return": access.can_return(user, assessment),
            "can_publish": access.can_publish(user, assessment),
            "can_revise": access.can_revise(user, assessment),
            "can_complete": access.can_complete_actions(user, assessment),
            "is_latest": access.is_latest_version(assessment),
            "shared_with": assessment.shared_with.order_by("name"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def details_edit(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    form = AssessmentForm(
        posted(request),
        instance=ImpactAssessment.objects.get(pk=assessment.pk),
        user=user,
        departments=None,
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "owner"}
        try:
            actions.update_details(
                by=user, assessment=assessment, data=data, owner=form.cleaned_data["owner"]
            )
        except ImpactError as error:
            return refused(request, error, assessment)
        messages.success(request, _("The proposal and the decision are saved."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/details_form.html", {"form": form, "assessment": assessment})


# --- Workflow --------------------------------------------------------------------------


@require_GET
@login_required
def check(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    """The due-regard checks in plain words, and (for a draft that passes) the submit button."""
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    report = build_report(assessment)
    return render(
        request,
        "impact/check.html",
        {"a": assessment, "report": report, "can_submit": access.can_edit(user, assessment)},
    )


@require_POST
@login_required
@drafts_only
def submit(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    try:
        actions.submit_assessment(by=user, assessment=assessment)
    except DueRegardNotShown:
        messages.error(request, _("It cannot be submitted yet: put right the problems below."))
        return redirect("impact-check", assessment.uuid)
    except ImpactError as error:
        return refused(request, error, assessment)
    messages.success(
        request,
        _("Sent for sign-off. Someone other than you and the owner must sign it off."),
    )
    return redirect("impact-detail", assessment.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def sign_off(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_sign_off(user, assessment):
        raise Http404
    report = build_report(assessment)
    form = SignOffForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_off_assessment(
                by=user, assessment=assessment, note=form.cleaned_data["note"]
            )
        except DueRegardNotShown:
            messages.error(request, _("It cannot be signed off: the checks below are not met."))
            return redirect("impact-check", assessment.uuid)
        except ImpactError as error:
            return refused(request, error, assessment)
        messages.success(request, _("Signed off. The assessment can no longer be changed."))
        return redirect("impact-detail", assessment.uuid)
    return render(
        request, "impact/sign_off.html", {"form": form, "a": assessment, "report": report}
    )


@require_http_methods(["GET", "POST"])
@login_required
def return_for_changes(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_return(user, assessment):
        raise Http404
    form = ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.return_assessment(by=user, assessment=assessment, note=form.cleaned_data["note"])
        messages.success(request, _("Returned to the department as a draft."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/return.html", {"form": form, "a": assessment})


@require_http_methods(["GET", "POST"])
@login_required
def publish(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_publish(user, assessment):
        raise Http404
    form = PublishForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.publish_assessment(
            by=user, assessment=assessment, public_summary=form.cleaned_data["public_summary"]
        )
        messages.success(request, _("Published. Anyone can now read the summary."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/publish.html", {"form": form, "a": assessment})


@require_POST
@login_required
def revise(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_revise(user, assessment):
        raise Http404
    try:
        new = actions.revise_assessment(by=user, assessment=assessment)
    except ImpactError as error:
        return refused(request, error, assessment)
    messages.success(
        request,
        _(
            "Version %(n)s started as a draft, with everything from version %(old)s. Enter the "
            "new decision and review dates."
        )
        % {"n": new.version, "old": assessment.version},
    )
    return redirect("impact-detail", new.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def share(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_share(user, assessment):
        raise Http404
    others = Department.objects.filter(organisation_id=assessment.organisation_id).exclude(
        pk=assessment.department_id
    )
    form = ShareForm(
        posted(request),
        departments=others,
        initial={"departments": list(assessment.shared_with.all())},
    )
    if request.method == "POST" and form.is_valid():
        actions.share_assessment(
            by=user, assessment=assessment, departments=form.cleaned_data["departments"]
        )
        messages.success(request, _("Sharing saved."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/share.html", {"form": form, "a": assessment})


# --- Downloads -------------------------------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
@login_required
def report_download(request: HttpRequest, assessment_uuid: str, fmt: str) -> HttpResponse:
    """The full report as PDF or Word."""
    user = current_user(request)
    if fmt not in CONTENT_TYPES:
        raise Http404
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    report = build_report(assessment)
    content = render_pdf(report) if fmt == "pdf" else render_docx(report)
    record(
        action=AuditAction.REPORT_PRODUCED,
        by=user,
        target=assessment,
        detail={"report": "impact assessment", "format": fmt, "version": assessment.version},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(assessment, fmt)}"'
    # Drafts and internal evidence: not to be kept by shared caches.
    response["Cache-Control"] = "no-store"
    return response
