"""Staff consultation pages: list, create and edit with the question editor,
responses (list, detail, paper and event entry), theming, answers and
publishing. Everything is loaded through `access`, so a consultation in
another council is the same 404 as a missing one; changes go through `actions`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission
from cohesion.audit.log import record_view
from cohesion.consultations import access, actions
from cohesion.consultations.forms import (
    AnswerForm,
    ConsultationForm,
    MergeForm,
    PaperResponseForm,
    QuestionForm,
    TagForm,
    ThemeForm,
)
from cohesion.consultations.models import (
    Answer,
    Consultation,
    Question,
    Response,
    ResponseContact,
    Status,
    Theme,
    ThemeAnswer,
)
from cohesion.consultations.views_public import add_action_errors

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _viewer(request: HttpRequest) -> User:
    user = _user(request)
    if not access.can_view_any(user):
        raise Http404
    return user


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    consultations = access.consultations_visible_to(user).annotate(
        response_count=Count("responses", distinct=True)
    )
    return render(
        request,
        "consultations/manage_list.html",
        {"consultations": consultations, "can_create": access.can_manage_any(user)},
    )


@login_required
def manage_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key) if key else None
    councils = access.councils_for(user, Permission.CONSULTATION_MANAGE)
    if not councils.exists():
        raise Http404
    organisations = access.owner_organisations_for(user)
    initial = (
        ConsultationForm.initial_for(consultation)
        if consultation
        else {
            "organisation": user.organisation,
            "council": councils.first() if councils.count() == 1 else None,
            "channels": ["online"],
        }
    )
    form = ConsultationForm(
        request.POST or None, initial=initial, councils=councils, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_consultation(
                by=user, consultation=consultation, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect("consultations-manage-detail", saved.uuid)
    return render(
        request, "consultations/manage_form.html", {"form": form, "consultation": consultation}
    )


@login_required
def manage_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_user(user, key)
    return render(
        request,
        "consultations/manage_detail.html",
        {
            "consultation": consultation,
            "questions": consultation.questions.all(),
            "can_manage": access.can_manage(user, consultation),
            "questions_fixed": consultation.responses.exists(),
            "response_count": consultation.responses.count(),
            "theme_count": consultation.themes.count(),
            "publications": consultation.publications.all(),
            "impact_assessments": consultation.impact_assessments.all(),
            "strategy_actions": consultation.strategy_actions.select_related("strategy"),
        },
    )


@login_required
@require_POST
def change_status(request: HttpRequest, key: str, to: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    try:
        if to == "open":
            actions.open_consultation(by=user, consultation=consultation)
            messages.success(request, _("The consultation is open for responses."))
        elif to == "close":
            actions.close_consultation(by=user, consultation=consultation)
            messages.success(request, _("The consultation is closed."))
        else:
            raise Http404
    except actions.ConsultationError as refused:
        messages.error(request, str(refused))
    return redirect("consultations-manage-detail", consultation.uuid)


@login_required
def question_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    question = None
    if pk is not None:
        question = Question.objects.filter(consultation=consultation, pk=pk).first()
        if question is None:
            raise Http404
    if consultation.responses.exists():
        messages.error(request, _("Questions cannot change once responses have been received"))
        return redirect("consultations-manage-detail", consultation.uuid)
    form = QuestionForm(
        request.POST or None, initial=QuestionForm.initial_for(question) if question else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_question(
                by=user, consultation=consultation, question=question, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("consultations-manage-detail", consultation.uuid)
    return render(
        request,
        "consultations/question_form.html",
        {"form": form, "consultation": consultation, "question": question},
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    question = Question.objects.filter(consultation=consultation, pk=pk).first()
    if question is None:
        raise Http404
    try:
        actions.delete_question(by=user, question=question)
        messages.success(request, _("Question removed."))
    except actions.ConsultationError as refused:
        messages.error(request, str(refused))
    return redirect("consultations-manage-detail", consultation.uuid)


@login_required
def response_list(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_user(user, key)
    responses = (
        consultation.responses.select_related("entered_by")
        .prefetch_related("themes")
        .order_by("-received_at", "-id")
    )
    theme = request.GET.get("theme", "")
    if theme == "none":
        responses = responses.filter(themes=None)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/response_list.html",
        {
            "consultation": consultation,
            "page": page,
            "untagged_only": theme == "none",
            "query": "theme=none" if theme == "none" else "",
            "can_manage": access.can_manage(user, consultation),
        },
    )


@login_required
def response_new(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    if consultation.status not in (Status.OPEN, Status.CLOSED):
        messages.error(request, _("Responses can be entered only while open or before answering"))
        return redirect("consultations-manage-detail", consultation.uuid)
    form = PaperResponseForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received = dt.datetime.combine(
            data["received_on"], dt.time(12), tzinfo=timezone.get_current_timezone()
        )
        try:
            response = actions.record_response(
                by=user,
                consultation=consultation,
                channel=data["channel"],
                answers=form.answers(),
                wants_feedback=data["wants_feedback"],
                contact_name=data["name"],
                contact_email=data["email"],
                received_at=received,
                event_name=data["event_name"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        except actions.ConsultationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Response %(ref)s saved.") % {"ref": response.reference})
            if "another" in request.POST:
                return redirect("consultations-response-new", consultation.uuid)
            return redirect("consultations-response-detail", consultation.uuid, response.uuid)
    return render(
        request,
        "consultations/response_form.html",
        {"form": form, "consultation": consultation, "max_text": actions.MAX_TEXT},
    )


@login_required
def response_detail(request: HttpRequest, key: str, response_key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_user(user, key)
    response = access.get_response_for_user(user, consultation, response_key)
    can_manage = access.can_manage(user, consultation)
    form = None
    if can_manage and consultation.status != Status.DRAFT:
        form = TagForm(
            request.POST or None,
            initial={"themes": list(response.themes.all())},
            themes=consultation.themes.all(),
        )
        if request.method == "POST" and form.is_valid():
            actions.tag_response(by=user, response=response, themes=form.cleaned_data["themes"])
            messages.success(request, _("Themes saved."))
            following = (
                consultation.responses.filter(themes=None, received_at__lt=response.received_at)
                .order_by("-received_at")
                .first()
            )
            if following is not None and "next" in request.POST:
                return redirect("consultations-response-detail", consultation.uuid, following.uuid)
            return redirect("consultations-response-detail", consultation.uuid, response.uuid)
    elif request.method == "POST":
        raise Http404
    contact = ResponseContact.objects.filter(response=response).first()
    if contact is not None:
        record_view(by=user, target=response, what="consultation respondent's name and email")
    answers = Answer.objects.filter(response=response).select_related("question")
    return render(
        request,
        "consultations/response_detail.html",
        {
            "consultation": consultation,
            "response": response,
            "answers": answers,
            "contact": contact,
            "form": form,
        },
    )


def _themes(consultation: Consultation) -> list[Theme]:
    return list(
        consultation.themes.annotate(response_count=Count("responses", distinct=True))
        .select_related("answer")
        .order_by("title")
    )


@login_required
def theme_list(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    form = ThemeForm(request.POST if "add" in request.POST else None)
    merge = MergeForm(
        request.POST if "merge-keep" in request.POST or "do_merge" in request.POST else None,
        themes=consultation.themes.all(),
    )
    if request.method == "POST":
        try:
            if "add" in request.POST and form.is_valid():
                actions.save_theme(by=user, consultation=consultation, **form.cleaned_data)
                messages.success(request, _("Theme added."))
                return redirect("consultations-themes", consultation.uuid)
            if "do_merge" in request.POST and merge.is_valid():
                actions.merge_themes(
                    by=user, keep=merge.cleaned_data["keep"], merge=merge.cleaned_data["merge"]
                )
                messages.success(request, _("Themes merged."))
                return redirect("consultations-themes", consultation.uuid)
        except ValidationError as error:
            add_action_errors(form if "add" in request.POST else merge, error)
        except actions.ConsultationError as refused:
            (form if "add" in request.POST else merge).add_error(None, str(refused))
    themes = _themes(consultation)
    unpublished = ThemeAnswer.objects.filter(
        theme__consultation=consultation, published_at=None
    ).count()
    return render(
        request,
        "consultations/themes.html",
        {
            "consultation": consultation,
            "themes": themes,
            "form": form,
            "merge": merge,
            "untagged": consultation.responses.filter(themes=None).count(),
            "unpublished": unpublished,
            "can_publish": consultation.status in (Status.CLOSED, Status.ANSWERED)
            and unpublished > 0,
        },
    )


@login_required
def theme_detail(request: HttpRequest, key: str, theme_key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    theme = access.get_theme_for_manager(user, consultation, theme_key)
    existing = ThemeAnswer.objects.filter(theme=theme).first()
    theme_form = ThemeForm(
        request.POST if "save_theme" in request.POST else None,
        initial={"title": theme.title, "summary": theme.summary},
    )
    answer_form = AnswerForm(
        request.POST if "save_answer" in request.POST else None,
        initial={"outcome": existing.outcome, "we_did": existing.we_did} if existing else None,
    )
    if request.method == "POST":
        try:
            if "save_theme" in request.POST and theme_form.is_valid():
                actions.save_theme(
                    by=user, consultation=consultation, theme=theme, **theme_form.cleaned_data
                )
                messages.success(request, _("Theme saved."))
                return redirect("consultations-theme", consultation.uuid, theme.uuid)
            if "save_answer" in request.POST and answer_form.is_valid():
                actions.save_answer(by=user, theme=theme, **answer_form.cleaned_data)
                messages.success(request, _("Answer saved. Publish it from the themes page."))
                return redirect("consultations-themes", consultation.uuid)
        except ValidationError as error:
            add_action_errors(theme_form if "save_theme" in request.POST else answer_form, error)
        except actions.ConsultationError as refused:
            answer_form.add_error(None, str(refused))
    free_text = (
        Answer.objects.filter(response__themes=theme, question__kind="free_text")
        .select_related("question", "response")
        .order_by("response__received_at")
    )
    return render(
        request,
        "consultations/theme_detail.html",
        {
            "consultation": consultation,
            "theme": theme,
            "answer": existing,
            "theme_form": theme_form,
            "answer_form": answer_form,
            "form": theme_form if theme_form.errors else answer_form,
            "free_text": free_text[:200],
            "response_count": theme.responses.count(),
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    consultation = access.get_consultation_for_manager(user, key)
    try:
        publication = actions.publish_answers(by=user, consultation=consultation)
    except actions.ConsultationError as refused:
        messages.error(request, str(refused))
        return redirect("consultations-themes", consultation.uuid)
    waiting = (
        Response.objects.filter(consultation=consultation, wants_feedback=True)
        .filter(~Q(contact=None))
        .count()
    )
    messages.success(
        request,
        _(
            "%(n)s answers published. Contributors who asked to be told (%(w)s responses) are "
            "being emailed."
        )
        % {"n": publication.themes_answered, "w": waiting},
    )
    return redirect("consultations-themes", consultation.uuid)
