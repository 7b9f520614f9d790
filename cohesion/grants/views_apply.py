"""The applicant's pages: their applications, the task list and its sections, check
answers and submit, the status page, more information, withdrawal and monitoring
reports. Applications are loaded through `access`, so another group's
application is a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cohesion.accounts.models import User
from cohesion.grants import access, actions, workflow
from cohesion.grants.attachments import AttachmentError
from cohesion.grants.forms import (
    AttachmentForm,
    BudgetForm,
    GroupForm,
    ProjectForm,
    QuestionsForm,
    ReportForm,
    RespondForm,
    WithdrawForm,
)
from cohesion.grants.models import Application, Status
from cohesion.grants.views_public import open_calls
from cohesion.grants.workflow import WorkflowError

SECTIONS = {
    "group": gettext_lazy("About your group"),
    "project": gettext_lazy("Your project"),
    "questions": gettext_lazy("Questions about your project"),
    "budget": gettext_lazy("Budget"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """'Grants' home: staff go to the funds; groups see their applications."""
    user = _user(request)
    if access.is_staff(user) and not access.is_applicant(user):
        return redirect("grants-funds")
    if not access.is_applicant(user):
        raise Http404
    applications = (
        access.own_applications(user).select_related("call__fund").order_by("-created_at")
    )
    applied = set(applications.values_list("call_id", flat=True))
    return render(
        request,
        "grants/applicant_home.html",
        {
            "applications": applications,
            "calls": [c for c in open_calls() if c.pk not in applied],
            "labels": workflow.APPLICANT_LABELS,
            "colours": workflow.TAG_COLOURS,
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    if not access.is_applicant(user):
        raise Http404
    call = access.get_public_call(key)
    existing = access.own_applications(user).filter(call=call).first()
    if existing:
        return redirect("grants-tasks", existing.uuid)
    try:
        application = actions.start_application(
            by=user,
            call=call,
            organisation=user.organisation,  # type: ignore[arg-type]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("grants-call", call.uuid)
    return redirect("grants-tasks", application.uuid)


def _section_states(application: Application) -> list[dict[str, Any]]:
    a = application
    questions = list(a.call.questions.all())
    answered = [q for q in questions if str(a.answers.get(q.key, "")).strip()]
    required = [q for q in questions if q.required]

    def state(done: bool, started: bool) -> str:
        return "done" if done else ("started" if started else "todo")

    group = state(
        bool(a.legal_name and a.contact_name and a.contact_email and a.postcode),
        bool(a.contact_name or a.postcode),
    )
    project = state(
        bool(a.title and a.summary and a.planned_start and a.planned_end),
        bool(a.title or a.summary),
    )
    qs = state(
        all(str(a.answers.get(q.key, "")).strip() for q in required)
        and bool(answered or not questions),
        bool(answered),
    )
    budget = state(a.amount_requested is not None, bool(a.budget_breakdown))
    rows = [
        ("group", group),
        ("project", project),
        ("questions", qs),
        ("budget", budget),
    ]
    return [
        {
            "label": SECTIONS[name],
            "url": reverse("grants-section", args=[a.uuid, name]),
            "state": st,
        }
        for name, st in rows
        if name != "questions" or questions
    ]


def _editable_application(request: HttpRequest, key: str) -> Application:
    application = access.get_application_for_applicant(_user(request), key)
    if application.status not in workflow.APPLICANT_EDITABLE:
        raise Http404
    return application


@login_required
def tasks(request: HttpRequest, key: str) -> HttpResponse:
    application = access.get_application_for_applicant(_user(request), key)
    if application.status not in workflow.APPLICANT_EDITABLE:
        return redirect("grants-application", application.uuid)
    sections = _section_states(application)
    return render(
        request,
        "grants/tasks.html",
        {
            "application": application,
            "sections": sections,
            "attachments": application.attachments.count(),
            "completed": sum(1 for s in sections if s["state"] == "done"),
        },
    )


@login_required
def section(request: HttpRequest, key: str, name: str) -> HttpResponse:
    user = _user(request)
    application = _editable_application(request, key)
    if name not in SECTIONS:
        raise Http404
    data = request.POST or None
    form: Any
    if name == "group":
        form = GroupForm(data, instance=application)
    elif name == "project":
        form = ProjectForm(data, instance=application, council=application.call.fund.council)
    elif name == "budget":
        form = BudgetForm(data, instance=application, fund=application.call.fund)
    else:
        questions = list(application.call.questions.all())
        if not questions:
            raise Http404
        initial = {f"q{q.pk}": application.answers.get(q.key, "") for q in questions}
        form = QuestionsForm(data, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        fresh = Application.objects.get(pk=application.pk)
        if name == "questions":
            actions.save_draft(by=user, application=fresh, answers=form.answers())
        else:
            cleaned = dict(form.cleaned_data)
            wards = cleaned.pop("wards", None)
            actions.save_draft(by=user, application=fresh, wards=wards, **cleaned)
        messages.success(request, _("Your answers have been saved."))
        if request.POST.get("next") == "check":
            return redirect("grants-check", application.uuid)
        return redirect("grants-tasks", application.uuid)
    return render(
        request,
        "grants/section.html",
        {
            "application": application,
            "form": form,
            "title": SECTIONS[name],
            "name": name,
            "from_check": request.GET.get("from") == "check" or request.POST.get("next") == "check",
        },
    )


@login_required
def attachments(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = _editable_application(request, key)
    max_mb = int(settings.GRANT_ATTACHMENT_MAX_MB)
    form = AttachmentForm(request.POST or None, request.FILES or None, max_mb=max_mb)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > max_mb * 1024 * 1024:
            form.add_error(
                "file", _("The selected file must be smaller than %(mb)sMB") % {"mb": max_mb}
            )
        else:
            try:
                actions.add_attachment(
                    by=user,
                    application=application,
                    filename=upload.name,
                    data=upload.read(),
                    description=form.cleaned_data["description"],
                )
            except AttachmentError as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, _("Your file has been uploaded."))
                return redirect("grants-attachments", application.uuid)
    return render(
        request,
        "grants/attachments.html",
        {"application": application, "form": form, "files": application.attachments.all()},
    )


@login_required
@require_POST
def remove_attachment(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    attachment = access.get_attachment_for_user(user, key)
    application = attachment.application
    try:
        actions.remove_attachment(by=user, attachment=attachment)
    except WorkflowError:
        raise Http404 from None
    messages.success(request, _("The file has been removed."))
    return redirect("grants-attachments", application.uuid)


@login_required
def check(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = _editable_application(request, key)
    problems: list[str] = []
    if request.method == "POST":
        try:
            if application.status == Status.MORE_INFO_REQUIRED:
                return redirect("grants-respond", application.uuid)
            actions.submit(by=user, application=application)
        except WorkflowError as error:
            problems = str(error).split("; ")
        else:
            return redirect("grants-submitted", application.uuid)
    else:
        problems = []
    questions = [(q, application.answers.get(q.key, "")) for q in application.call.questions.all()]
    return render(
        request,
        "grants/check.html",
        {
            "application": application,
            "questions": questions,
            "files": application.attachments.all(),
            "problems": problems,
            "missing": actions.missing_items(application),
        },
    )


@login_required
def submitted(request: HttpRequest, key: str) -> HttpResponse:
    application = access.get_application_for_applicant(_user(request), key)
    if application.status == Status.DRAFT:
        return redirect("grants-tasks", application.uuid)
    return render(request, "grants/submitted.html", {"application": application})


@login_required
def application_status(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_applicant(user, key)
    return render(
        request,
        "grants/application_status.html",
        {
            "application": application,
            "label": workflow.APPLICANT_LABELS[Status(application.status)],
            "colour": workflow.TAG_COLOURS[Status(application.status)],
            "events": application.events.all(),
            "labels": workflow.APPLICANT_LABELS,
            "can_edit": application.status in workflow.APPLICANT_EDITABLE,
            "can_withdraw": Status.WITHDRAWN in workflow.allowed_moves(user, application),
            "can_report": application.status in workflow.REPORTABLE,
            "reports": application.monitoring_reports.all(),
            "payments": application.payments.all(),
            "files": application.attachments.all(),
        },
    )


@login_required
def respond(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_applicant(user, key)
    if application.status != Status.MORE_INFO_REQUIRED:
        raise Http404
    form = RespondForm(request.POST or None, initial={"response": application.more_info_response})
    if request.method == "POST" and form.is_valid():
        try:
            actions.resubmit(
                by=user, application=application, response=form.cleaned_data["response"]
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you. We have your answer and will look at it again.")
            )
            return redirect("grants-application", application.uuid)
    return render(request, "grants/respond.html", {"application": application, "form": form})


@login_required
def withdraw(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_applicant(user, key)
    if Status.WITHDRAWN not in workflow.allowed_moves(user, application):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.withdraw(by=user, application=application, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your application has been withdrawn."))
        return redirect("grants-application", application.uuid)
    return render(request, "grants/withdraw.html", {"application": application, "form": form})


@login_required
def report(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_applicant(user, key)
    if application.status not in workflow.REPORTABLE:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.record_monitoring_report(by=user, application=application, **form.cleaned_data)
        messages.success(request, _("Thank you. Your report has been sent."))
        return redirect("grants-application", application.uuid)
    return render(request, "grants/report.html", {"application": application, "form": form})


@login_required
def download(request: HttpRequest, key: str) -> HttpResponse:
    """An attachment, for its group or staff who may see the application."""
    attachment = access.get_attachment_for_user(_user(request), key)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    safe = attachment.filename.encode("ascii", "replace").decode().replace("?", "_")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
