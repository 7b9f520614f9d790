"""The sections of an assessment: screening, the principles, evidence, equality, cohesion, actions.

Each page edits a draft through one action (`views_common.editable` turns away
anything that is not the person's department's draft); the evidence, equality
and action plan pages can also be read by anyone who may see the assessment.
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

from cohesion.impact import access, actions
from cohesion.impact import choices as c
from cohesion.impact.forms import (
    ActionItemForm,
    CharacteristicForm,
    CohesionForm,
    CompleteActionForm,
    EvidenceForm,
    PrincipleForm,
    ScreeningForm,
)
from cohesion.impact.models import SuggestedAction
from cohesion.impact.report import build_report
from cohesion.impact.views_common import (
    current_user,
    drafts_only,
    editable,
    posted,
)
from cohesion.lib.ids import uuid_or_404
from cohesion.tensions.queries import wards_in_scope

# --- Sections --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def screening(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    current = getattr(assessment, "screening", None)
    initial = (
        {
            "full_assessment_needed": "yes" if current.full_assessment_needed else "no",
            "reason": current.reason,
        }
        if current
        else {}
    )
    form = ScreeningForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.record_screening(
            by=user,
            assessment=assessment,
            full_assessment_needed=form.cleaned_data["full_assessment_needed"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Screening saved."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/screening.html", {"form": form, "a": assessment})


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def principle(request: HttpRequest, assessment_uuid: str, number: int) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    found = assessment.bank.principles.filter(number=number).first()
    if found is None:
        raise Http404
    answers = {a.question_id: a.answer for a in assessment.principle_answers.all()}
    initial = {f"q{qid}": text for qid, text in answers.items()}
    form = PrincipleForm(posted(request), principle=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.record_principle_answers(
            by=user, assessment=assessment, principle=found, answers=form.answers()
        )
        messages.success(request, _("Principle %(n)s saved.") % {"n": found.number})
        following = assessment.bank.principles.filter(number__gt=number).order_by("number").first()
        if "continue" in request.POST and following is not None:
            return redirect("impact-principle", assessment.uuid, following.number)
        return redirect("impact-detail", assessment.uuid)
    return render(
        request,
        "impact/principle.html",
        {
            "form": form,
            "a": assessment,
            "principle": found,
            "suggested": found.suggested_actions.all(),
            "evidence": assessment.evidence.filter(principle=found),
            "has_next": assessment.bank.principles.filter(number__gt=number).exists(),
        },
    )


@require_GET
@login_required
def evidence_list(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    return render(
        request,
        "impact/evidence.html",
        {
            "a": assessment,
            "evidence": assessment.evidence.select_related("principle"),
            "can_edit": access.can_edit(user, assessment),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def evidence_new(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    initial: dict[str, Any] = {}
    if request.GET.get("principle"):
        initial["principle"] = assessment.bank.principles.filter(
            number=request.GET["principle"]
        ).first()
    if request.GET.get("kind") in c.EvidenceKind.values:
        initial["kind"] = request.GET["kind"]
    form = EvidenceForm(posted(request), assessment=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.add_evidence(by=user, assessment=assessment, data=form.cleaned_data)
        messages.success(request, _("Evidence added."))
        return redirect("impact-evidence", assessment.uuid)
    return render(request, "impact/evidence_form.html", {"form": form, "a": assessment})


@require_POST
@login_required
@drafts_only
def evidence_remove(request: HttpRequest, assessment_uuid: str, evidence_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    item = assessment.evidence.filter(uuid=uuid_or_404(evidence_uuid)).first()
    if item is None:
        raise Http404
    actions.remove_evidence(by=user, assessment=assessment, evidence=item)
    messages.success(request, _("Evidence removed."))
    return redirect("impact-evidence", assessment.uuid)


@require_GET
@login_required
def equality(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    report = build_report(assessment)
    return render(
        request,
        "impact/equality.html",
        {
            "a": assessment,
            "report": report,
            "aims": list(c.Aim),
            "can_edit": access.can_edit(user, assessment),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def characteristic(request: HttpRequest, assessment_uuid: str, code: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    if code not in c.Characteristic.values:
        raise Http404
    ch = c.Characteristic(code)
    initial: dict[str, str] = {}
    for cell in assessment.equality_impacts.filter(characteristic=ch):
        initial[f"impact_{cell.aim}"] = cell.impact
        initial[f"evidence_{cell.aim}"] = cell.evidence
        initial[f"mitigation_{cell.aim}"] = cell.mitigation
    form = CharacteristicForm(posted(request), characteristic=ch, initial=initial)
    order = list(c.Characteristic)
    following = order[order.index(ch) + 1] if ch != order[-1] else None
    if request.method == "POST" and form.is_valid():
        actions.record_equality(
            by=user, assessment=assessment, characteristic=ch, cells=form.cells()
        )
        messages.success(request, _("%(ch)s saved.") % {"ch": ch.label})
        if "continue" in request.POST and following is not None:
            return redirect("impact-characteristic", assessment.uuid, following.value)
        return redirect("impact-equality", assessment.uuid)
    return render(
        request,
        "impact/characteristic.html",
        {"form": form, "a": assessment, "characteristic": ch, "following": following},
    )


@require_http_methods(["GET", "POST"])
@login_required
@drafts_only
def cohesion(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    initial: dict[str, Any] = {"wards": list(assessment.wards.all())}
    for answer in assessment.cohesion_answers.all():
        for part in ("impact", "effect", "evidence", "mitigation"):
            initial[f"{part}_{answer.topic}"] = getattr(answer, part)
    form = CohesionForm(posted(request), wards=wards_in_scope(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.record_cohesion(
            by=user,
            assessment=assessment,
            answers=form.answers(),
            wards=form.cleaned_data["wards"],
        )
        messages.success(request, _("Cohesion part saved."))
        return redirect("impact-detail", assessment.uuid)
    return render(request, "impact/cohesion.html", {"form": form, "a": assessment})


@require_http_methods(["GET", "POST"])
@login_required
def action_plan(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    """The action plan, and (for a draft) the form to add to it, from a suggestion or not."""
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    can_edit = access.can_edit(user, assessment)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = None
    if can_edit:
        initial: dict[str, Any] = {"owner_name": assessment.owner.display_name}
        suggested_id = request.GET.get("suggested", "")
        if suggested_id.isdigit():
            suggestion = SuggestedAction.objects.filter(
                pk=int(suggested_id), principle__bank=assessment.bank
            ).first()
            if suggestion is not None:
                initial.update({"description": suggestion.text, "suggested": suggestion.pk})
        form = ActionItemForm(
            posted(request),
            strategy_actions=actions.strategy_actions_for(user),
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            suggestion = (
                SuggestedAction.objects.filter(
                    pk=data["suggested"], principle__bank=assessment.bank
                ).first()
                if data.get("suggested")
                else None
            )
            actions.add_action_item(
                by=user,
                assessment=assessment,
                description=data["description"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                suggested_action=suggestion,
                strategy_action=data.get("strategy_action"),
            )
            messages.success(request, _("Action added to the plan."))
            return redirect("impact-actions", assessment.uuid)
    suggestions = (
        SuggestedAction.objects.filter(principle__bank=assessment.bank)
        .select_related("principle")
        .order_by("principle__number", "order")
        if can_edit
        else SuggestedAction.objects.none()
    )
    used = set(assessment.action_items.values_list("suggested_action_id", flat=True))
    return render(
        request,
        "impact/actions.html",
        {
            "a": assessment,
            "items": assessment.action_items.select_related("strategy_action__strategy"),
            "form": form,
            "suggestions": [(s, s.pk in used) for s in suggestions],
            "can_edit": can_edit,
            "can_complete": access.can_complete_actions(user, assessment),
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
@drafts_only
def action_remove(request: HttpRequest, assessment_uuid: str, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = editable(request, assessment_uuid)
    item = access.get_action_item_for_user(user, assessment, item_uuid)
    actions.remove_action_item(by=user, assessment=assessment, item=item)
    messages.success(request, _("Action removed."))
    return redirect("impact-actions", assessment.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def action_complete(request: HttpRequest, assessment_uuid: str, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    assessment = access.get_assessment_for_user(user, assessment_uuid)
    if not access.can_complete_actions(user, assessment):
        raise Http404
    item = access.get_action_item_for_user(user, assessment, item_uuid)
    if item.completed_on is not None:
        raise Http404
    form = CompleteActionForm(posted(request), initial={"completed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        actions.complete_action_item(
            by=user,
            assessment=assessment,
            item=item,
            completed_on=form.cleaned_data["completed_on"],
        )
        messages.success(request, _("Action recorded as done."))
        return redirect("impact-actions", assessment.uuid)
    return render(
        request, "impact/action_complete.html", {"form": form, "a": assessment, "item": item}
    )
