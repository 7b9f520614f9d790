"""Staff pages: funds with live budget figures, fund/call/question/criteria editing,
the application queue, and the application page with screening, assessors,
assessments, decision, payments and monitoring.

Funds and applications are loaded through `access`: another council's fund or
application, or (for an assessor) one not assigned to them, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.log import record_view
from cohesion.grants import access, actions, workflow
from cohesion.grants.forms import (
    AssessmentForm,
    AssignForm,
    CallForm,
    CriterionForm,
    DecisionForm,
    FundForm,
    NoteForm,
    PaymentForm,
    QuestionForm,
    ReportForm,
    ScreenForm,
)
from cohesion.grants.models import (
    Application,
    AssessmentCriterion,
    Call,
    CallQuestion,
    Fund,
    Status,
)
from cohesion.grants.workflow import WorkflowError
from cohesion.training.access import councils_of


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not access.is_staff(user):
        raise Http404
    return user


def _threesixty_url() -> str | None:
    try:
        return reverse("grants-360giving")
    except NoReverseMatch:
        return None


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = []
    for fund in access.funds_visible_to(user).select_related("council"):
        counts = dict(
            access.staff_applications(user)
            .filter(call__fund=fund)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        rows.append(
            {
                "fund": fund,
                "counts": [(Status(s).label, n) for s, n in sorted(counts.items())],
                "total": sum(counts.values()),
            }
        )
    return render(
        request,
        "grants/staff_funds.html",
        {
            "rows": rows,
            "can_manage": access.manages_council_funds(user),
            "threesixty_url": _threesixty_url(),
            "assigned": access.staff_applications(user).filter(
                assessors=user, status=Status.ASSESSMENT
            ),
        },
    )


@login_required
def fund_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    fund = access.get_fund_for_staff(user, key)
    apps = access.staff_applications(user).filter(call__fund=fund)
    by_status = dict(apps.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return render(
        request,
        "grants/staff_fund.html",
        {
            "fund": fund,
            "calls": fund.calls.annotate(
                n=Count("applications", filter=~Q(applications__status=Status.DRAFT))
            ),
            "by_status": [
                (s.label, s.value, by_status.get(s.value, 0)) for s in Status if s != Status.DRAFT
            ],
            "can_manage": has_permission(user, Permission.GRANTS_MANAGE, area=fund.council),
        },
    )


@login_required
def fund_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    user = _user(request)
    fund = access.get_fund_for_manager(user, key) if key else None
    if fund is None and not access.manages_council_funds(user):
        raise Http404
    councils = councils_of(user)
    form = FundForm(request.POST or None, instance=fund, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives", None)
        target = Fund.objects.get(pk=fund.pk) if fund else Fund(owner=user.organisation)
        saved = actions.save_fund(by=user, fund=target, objectives=objectives, **data)
        messages.success(request, _("Fund saved."))
        return redirect("grants-fund", saved.uuid)
    return render(
        request,
        "grants/staff_form.html",
        {
            "form": form,
            "title": _("Change the fund") if fund else _("Add a fund"),
            "back": reverse("grants-fund", args=[fund.uuid]) if fund else reverse("grants-funds"),
            "button": _("Save fund"),
        },
    )


@login_required
def call_edit(request: HttpRequest, key: str, call_key: str | None = None) -> HttpResponse:
    user = _user(request)
    fund = access.get_fund_for_manager(user, key)
    call = access.get_call_for_manager(user, call_key) if call_key else None
    if call is not None and call.fund_id != fund.pk:
        raise Http404
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        target = Call.objects.get(pk=call.pk) if call else Call(fund=fund)
        saved = actions.save_call(by=user, call=target, **form.cleaned_data)
        messages.success(request, _("Call saved."))
        return redirect("grants-call-manage", saved.uuid)
    return render(
        request,
        "grants/staff_form.html",
        {
            "form": form,
            "title": _("Change the call") if call else _("Add a call"),
            "back": reverse("grants-fund", args=[fund.uuid]),
            "button": _("Save call"),
        },
    )


@login_required
def call_manage(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    call = access.get_call_for_manager(user, key)
    return render(
        request,
        "grants/staff_call.html",
        {"call": call, "questions": call.questions.all(), "criteria": call.criteria.all()},
    )


@login_required
def question_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    call = access.get_call_for_manager(user, key)
    question = call.questions.filter(pk=pk).first() if pk else None
    if pk and question is None:
        raise Http404
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST":
        if "delete" in request.POST and question is not None:
            actions.delete_question(by=user, question=question)
            messages.success(request, _("Question removed."))
            return redirect("grants-call-manage", call.uuid)
        if form.is_valid():
            target = (
                CallQuestion.objects.get(pk=question.pk) if question else CallQuestion(call=call)
            )
            actions.save_question(by=user, question=target, **form.cleaned_data)
            messages.success(request, _("Question saved."))
            return redirect("grants-call-manage", call.uuid)
    return render(
        request,
        "grants/staff_form.html",
        {
            "form": form,
            "title": _("Change a question") if question else _("Add a question"),
            "back": reverse("grants-call-manage", args=[call.uuid]),
            "button": _("Save question"),
            "can_delete": question is not None,
        },
    )


@login_required
def criterion_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    call = access.get_call_for_manager(user, key)
    criterion = call.criteria.filter(pk=pk).first() if pk else None
    if pk and criterion is None:
        raise Http404
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST":
        if "delete" in request.POST and criterion is not None:
            actions.delete_criterion(by=user, criterion=criterion)
            messages.success(request, _("Criterion removed."))
            return redirect("grants-call-manage", call.uuid)
        if form.is_valid():
            target = (
                AssessmentCriterion.objects.get(pk=criterion.pk)
                if criterion
                else AssessmentCriterion(call=call)
            )
            actions.save_criterion(by=user, criterion=target, **form.cleaned_data)
            messages.success(request, _("Criterion saved."))
            return redirect("grants-call-manage", call.uuid)
    return render(
        request,
        "grants/staff_form.html",
        {
            "form": form,
            "title": _("Change a criterion") if criterion else _("Add a criterion"),
            "back": reverse("grants-call-manage", args=[call.uuid]),
            "button": _("Save criterion"),
            "can_delete": criterion is not None,
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = access.staff_applications(user).select_related("call__fund", "organisation")
    fund_key = request.GET.get("fund", "")
    fund = access.get_fund_for_staff(user, fund_key) if fund_key else None
    if fund is not None:
        qs = qs.filter(call__fund=fund)
    status = request.GET.get("status", "")
    if status and status in Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "grants/staff_queue.html",
        {
            "applications": qs.order_by("-submitted_at", "-created_at"),
            "fund": fund,
            "status": status,
            "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
            "colours": workflow.TAG_COLOURS,
        },
    )


def _review_context(user: User, application: Application, **forms: Any) -> dict[str, Any]:
    fund = application.call.fund
    manager = workflow.is_manager(user, application)
    moves = workflow.allowed_moves(user, application)
    criteria = list(application.call.criteria.all())
    mine = application.assessments.filter(assessor=user).first()
    assessments = list(application.assessments.select_related("assessor"))
    people = User.objects.filter(is_active=True, organisation__areas=fund.council).distinct()
    people = User.objects.filter(
        pk__in=[
            p.pk for p in people if has_permission(p, Permission.GRANTS_ASSESS, area=fund.council)
        ]
    )
    ctx: dict[str, Any] = {
        "application": application,
        "fund": fund,
        "colour": workflow.TAG_COLOURS[Status(application.status)],
        "questions": [
            (q, application.answers.get(q.key, "")) for q in application.call.questions.all()
        ],
        "files": application.attachments.all(),
        "events": application.events.select_related("by"),
        "criteria": criteria,
        "assessments": assessments,
        "counting": len(actions.counting_assessments(application)),
        "min_assessments": actions.MIN_ASSESSMENTS,
        "manager": manager,
        "eligibility_rules": fund.eligibility_rules,
        "can_screen": manager and Status.ASSESSMENT in moves,
        "can_assign": manager
        and application.status in (Status.SCREENING, Status.SUBMITTED, Status.ASSESSMENT),
        "can_assess": workflow.may_assess(user, application)
        and not (mine and mine.conflict_of_interest),
        "mine": mine,
        "can_move_to_decision": Status.READY_FOR_DECISION in moves,
        "can_return": Status.ASSESSMENT in moves
        and application.status == Status.READY_FOR_DECISION,
        "can_ask": Status.MORE_INFO_REQUIRED in moves and application.status == Status.ASSESSMENT,
        "can_decide": Status.APPROVED in moves,
        "can_pay": manager and application.status in workflow.REPORTABLE,
        "can_close": Status.CLOSED in moves,
        "payments": application.payments.all(),
        "reports": application.monitoring_reports.all(),
        "screen_form": forms.get("screen") or ScreenForm(),
        "assign_form": forms.get("assign")
        or AssignForm(people=people, initial={"assessors": list(application.assessors.all())}),
        "assess_form": forms.get("assess")
        or AssessmentForm(
            criteria=criteria,
            initial={
                "conflict": "no" if mine and mine.completed_at else None,
                "comment": mine.comment if mine else "",
                "recommendation": mine.recommendation if mine else "",
                **({f"c{k}": v for k, v in mine.scores.items()} if mine else {}),
            },
        ),
        "note_form": forms.get("note") or NoteForm(),
        "ask_form": forms.get("ask") or ScreenForm(initial={"outcome": "more_info"}),
        "decision_form": forms.get("decide") or DecisionForm(),
        "payment_form": forms.get("pay") or PaymentForm(),
        "report_form": forms.get("report") or ReportForm(),
        "remaining": fund.remaining,
    }
    # The error summary at the top shows the errors of whichever form was posted.
    ctx["form"] = next(iter(forms.values()), None)
    return ctx


@login_required
def review(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_staff(user, key)
    record_view(by=user, target=application, what="grant application (contact details, answers)")
    return render(request, "grants/staff_application.html", _review_context(user, application))


@login_required
@require_POST
def review_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for_staff(user, key)
    fund = application.call.fund
    form: Any
    try:
        if action == "screen":
            form = ScreenForm(request.POST)
            if form.is_valid():
                actions.screen(by=user, application=application, **form.cleaned_data)
                return _done(request, application, _("Eligibility check recorded."))
        elif action == "begin":
            form = NoteForm(request.POST)
            actions.begin_screening(by=user, application=application)
            return _done(request, application, _("Eligibility check started."))
        elif action == "assign":
            people = User.objects.filter(organisation__areas=fund.council).distinct()
            form = AssignForm(request.POST, people=people)
            if form.is_valid():
                actions.assign_assessors(
                    by=user, application=application, assessors=form.cleaned_data["assessors"]
                )
                return _done(request, application, _("Assessors saved."))
        elif action == "assess":
            form = AssessmentForm(request.POST, criteria=list(application.call.criteria.all()))
            if form.is_valid():
                conflict = form.cleaned_data["conflict"] == "yes"
                actions.record_assessment(
                    by=user,
                    application=application,
                    conflict_of_interest=conflict,
                    conflict_details=form.cleaned_data["conflict_details"],
                    scores=None if conflict else form.scores(),
                    comment=form.cleaned_data["comment"],
                    recommendation=form.cleaned_data["recommendation"],
                )
                return _done(request, application, _("Assessment saved."))
        elif action == "to_decision":
            form = NoteForm(request.POST)
            if form.is_valid():
                actions.move_to_decision(
                    by=user, application=application, note=form.cleaned_data["note"]
                )
                return _done(request, application, _("Application is ready for decision."))
        elif action == "return":
            form = NoteForm(request.POST)
            if form.is_valid():
                actions.return_to_assessment(
                    by=user, application=application, note=form.cleaned_data["note"]
                )
                return _done(request, application, _("Application returned to assessment."))
        elif action == "ask":
            form = ScreenForm(request.POST)
            if form.is_valid():
                actions.request_more_info(
                    by=user, application=application, request=form.cleaned_data["reason"]
                )
                return _done(
                    request, application, _("The group has been asked for more information.")
                )
        elif action == "decide":
            form = DecisionForm(request.POST)
            if form.is_valid():
                actions.decide(by=user, application=application, **form.cleaned_data)
                return _done(request, application, _("Decision recorded."))
        elif action == "pay":
            form = PaymentForm(request.POST)
            if form.is_valid():
                actions.record_payment(by=user, application=application, **form.cleaned_data)
                return _done(request, application, _("Payment recorded."))
        elif action == "report":
            form = ReportForm(request.POST)
            if form.is_valid():
                actions.record_monitoring_report(
                    by=user, application=application, **form.cleaned_data
                )
                return _done(request, application, _("Report recorded."))
        elif action == "close":
            form = NoteForm(request.POST)
            if form.is_valid():
                actions.close(by=user, application=application, note=form.cleaned_data["note"])
                return _done(request, application, _("Grant closed."))
        else:
            raise Http404
    except WorkflowError as error:
        form.add_error(None, str(error))
    application.refresh_from_db()
    return render(
        request,
        "grants/staff_application.html",
        _review_context(user, application, **{action: form}),
    )


def _done(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("grants-review", application.uuid)
