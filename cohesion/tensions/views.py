"""Tension pages: the dashboard, ward history, intelligence and assessments.

Every record is loaded through `cohesion.tensions.access`, so another
organisation's record, or one outside the person's areas, is a 404 exactly
like a missing one. Intelligence holds no personal data about individuals, so
viewing it is not a personal-data view; every change is audited by the actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.svg import outline
from cohesion.tensions import actions, queries
from cohesion.tensions.access import (
    assessments_visible_to,
    can_approve_assessment,
    can_edit_assessment,
    can_edit_item,
    get_assessment_for_user,
    get_item_for_user,
    items_visible_to,
)
from cohesion.tensions.forms import (
    AssessmentActionForm,
    AssessmentForm,
    CounterNarrativeForm,
    IntelligenceFilterForm,
    IntelligenceForm,
    VerificationForm,
)
from cohesion.tensions.models import IntelligenceItem, TensionAssessment

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permission: Permission) -> None:
    # Without the right, the section does not exist for this person.
    if not has_permission(user, permission):
        raise Http404


# --- Dashboard and ward history ---------------------------------------------------------


def _map(council_levels: queries.CouncilLevels) -> dict[str, Any] | None:
    rows = [r for r in council_levels.wards if r.area.geometry]
    if not rows:
        return None
    drawn = outline([r.area.geometry for r in rows])  # type: ignore[misc]
    for row, path in zip(rows, drawn.highlight, strict=True):
        row.path = path
    return {"view_box": drawn.view_box, "rows": rows}


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every ward's current tension level, on a map and in a table."""
    user = _user(request)
    _require(user, Permission.TENSION_DASHBOARD)
    councils = queries.current_levels(user)
    sections = [{"levels": c, "map": _map(c)} for c in councils]
    scale = list(queries.scale().values())
    return render(
        request,
        "tensions/dashboard.html",
        {
            "sections": sections,
            "scale": [(level, queries.level_colour(level.value)) for level in scale],
            "no_assessment_colour": queries.NO_ASSESSMENT_COLOUR,
            "today": timezone.localdate(),
            "can_view_intelligence": has_permission(user, Permission.TENSION_VIEW),
            "can_assess": actions.can_record_assessment(user),
        },
    )


@require_GET
@login_required
def ward_history(request: HttpRequest, code: str) -> HttpResponse:
    """All the assessments of one ward the person may see, over time."""
    user = _user(request)
    _require(user, Permission.TENSION_DASHBOARD)
    ward = queries.ward_in_scope(user, code)
    if ward is None:
        raise Http404
    history = queries.ward_history(user, ward)
    scale = queries.scale()
    approved = [a for a in history if a.is_approved]
    top = max([*scale.keys(), 1])
    bar_width = 24
    chart = [
        {
            "assessment": a,
            "x": i * (bar_width + 6) + 30,
            "height": a.level * 20,
            "y": (top - a.level) * 20 + 10,
            "colour": queries.level_colour(a.level),
        }
        for i, a in enumerate(approved)
    ]
    return render(
        request,
        "tensions/ward_history.html",
        {
            "ward": ward,
            "history": [(a, scale.get(a.level)) for a in reversed(history)],
            "chart": chart,
            "chart_width": max(len(chart) * (bar_width + 6) + 40, 200),
            "chart_height": top * 20 + 40,
            "bar_width": bar_width,
            "axis": [{"value": v, "y": (top - v) * 20 + 10} for v in range(top + 1)],
            "baseline": top * 20 + 10,
        },
    )


# --- Intelligence ------------------------------------------------------------------------


@require_GET
@login_required
def intelligence_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Permission.TENSION_VIEW)
    form = IntelligenceFilterForm(request.GET or None, user=user)
    items = items_visible_to(user).select_related("council", "organisation")
    if form.is_bound and form.is_valid():
        items = queries.items_filtered(items, form.cleaned_data)
    elif form.is_bound:
        items = items.none()
    page = Paginator(items.prefetch_related("wards"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tensions/intelligence_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_record": actions.can_record_item(user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def intelligence_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Permission.TENSION_VIEW)
    if not actions.can_record_item(user):
        raise PermissionDenied
    form = IntelligenceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        item = actions.record_item(by=user, data=form.cleaned_data)
        messages.success(request, _("Intelligence %(ref)s recorded.") % {"ref": item.reference})
        return redirect("intelligence-detail", item.uuid)
    return render(request, "tensions/intelligence_form.html", {"form": form, "item": None})


@require_http_methods(["GET", "POST"])
@login_required
def intelligence_edit(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = get_item_for_user(user, item_uuid)
    if not can_edit_item(user, item):
        raise PermissionDenied
    form = IntelligenceForm(request.POST or None, instance=item, user=user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        item = IntelligenceItem.objects.get(pk=item.pk)
        actions.update_item(item=item, by=user, data=data, changed=form.changed_data)
        messages.success(request, _("Intelligence %(ref)s updated.") % {"ref": item.reference})
        return redirect("intelligence-detail", item.uuid)
    return render(request, "tensions/intelligence_form.html", {"form": form, "item": item})


def _item_page(
    request: HttpRequest,
    item: IntelligenceItem,
    verification_form: VerificationForm | None = None,
    counter_form: CounterNarrativeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    can_verify = actions.can_verify_item(user, item)
    can_counter = actions.can_record_counter_narrative(user, item)
    return render(
        request,
        "tensions/intelligence_detail.html",
        {
            "item": item,
            "wards": item.wards.order_by("name"),
            "communities": item.communities.all(),
            "counter_narratives": item.counter_narratives.select_related("issued_by"),
            "assessments": assessments_visible_to(user).filter(linked_items=item),
            "can_edit": can_edit_item(user, item),
            "can_verify": can_verify,
            "can_counter": can_counter,
            "verification_form": verification_form
            or (VerificationForm(instance=item) if can_verify else None),
            "counter_form": counter_form or (CounterNarrativeForm() if can_counter else None),
        },
        status=status,
    )


@require_GET
@login_required
def intelligence_detail(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = get_item_for_user(user, item_uuid)
    return _item_page(request, item)


@require_POST
@login_required
def intelligence_verify(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """Change a rumour's verification status: a separate right from editing it."""
    user = _user(request)
    item = get_item_for_user(user, item_uuid)
    if not actions.can_verify_item(user, item):
        raise PermissionDenied
    form = VerificationForm(request.POST, instance=IntelligenceItem.objects.get(pk=item.pk))
    if not form.is_valid():
        return _item_page(request, item, verification_form=form, status=400)
    actions.change_verification(
        item=item,
        by=user,
        status=form.cleaned_data["verification_status"],
        note=form.cleaned_data["verification_note"],
    )
    messages.success(request, _("Verification status changed."))
    return redirect("intelligence-detail", item.uuid)


@require_POST
@login_required
def counter_narrative_new(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = get_item_for_user(user, item_uuid)
    if not actions.can_record_counter_narrative(user, item):
        raise PermissionDenied
    form = CounterNarrativeForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, counter_form=form, status=400)
    actions.record_counter_narrative(item=item, by=user, data=form.cleaned_data)
    messages.success(request, _("Counter-narrative recorded."))
    return redirect("intelligence-detail", item.uuid)


# --- Assessments -------------------------------------------------------------------------


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Permission.TENSION_DASHBOARD)
    assessments = assessments_visible_to(user).select_related("area", "organisation")
    awaiting = request.GET.get("status") == "awaiting"
    if awaiting:
        assessments = assessments.filter(approved_by__isnull=True)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    scale = queries.scale()
    return render(
        request,
        "tensions/assessment_list.html",
        {
            "page": page,
            "rows": [(a, scale.get(a.level)) for a in page],
            "awaiting": awaiting,
            "query": "status=awaiting" if awaiting else "",
            "can_assess": actions.can_record_assessment(user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Permission.TENSION_DASHBOARD)
    if not actions.can_record_assessment(user):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if request.method == "GET" and request.GET.get("area"):
        initial["area"] = request.GET["area"]
    form = AssessmentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = actions.record_assessment(by=user, data=form.cleaned_data)
        messages.success(
            request,
            _("Assessment %(ref)s recorded. A second person must approve it before it counts.")
            % {"ref": assessment.reference},
        )
        return redirect("assessment-detail", assessment.uuid)
    return render(request, "tensions/assessment_form.html", {"form": form, "assessment": None})


@require_http_methods(["GET", "POST"])
@login_required
def assessment_edit(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_uuid)
    if not can_edit_assessment(user, assessment):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None, instance=assessment, user=user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        fresh = TensionAssessment.objects.select_related("area").get(pk=assessment.pk)
        actions.update_assessment(assessment=fresh, by=user, data=data, changed=form.changed_data)
        messages.success(request, _("Assessment %(ref)s updated.") % {"ref": fresh.reference})
        return redirect("assessment-detail", fresh.uuid)
    return render(
        request, "tensions/assessment_form.html", {"form": form, "assessment": assessment}
    )


def _assessment_page(
    request: HttpRequest,
    assessment: TensionAssessment,
    action_form: AssessmentActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    can_edit = can_edit_assessment(user, assessment)
    linked = assessment.linked_items.filter(pk__in=items_visible_to(user).values("pk"))
    return render(
        request,
        "tensions/assessment_detail.html",
        {
            "assessment": assessment,
            "level": queries.scale().get(assessment.level),
            "linked_items": linked,
            "hidden_linked": assessment.linked_items.count() - linked.count(),
            "communities": assessment.communities.all(),
            "actions": assessment.actions.select_related("owner_organisation"),
            "can_edit": can_edit,
            "can_approve": can_approve_assessment(user, assessment),
            "action_form": action_form or (AssessmentActionForm() if can_edit else None),
            "review_overdue": assessment.next_review_on < timezone.localdate(),
        },
        status=status,
    )


@require_GET
@login_required
def assessment_detail(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(_user(request), assessment_uuid)
    return _assessment_page(request, assessment)


@require_POST
@login_required
def assessment_action_new(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_uuid)
    if not can_edit_assessment(user, assessment):
        raise PermissionDenied
    form = AssessmentActionForm(request.POST)
    if not form.is_valid():
        return _assessment_page(request, assessment, action_form=form, status=400)
    actions.add_assessment_action(assessment=assessment, by=user, **form.cleaned_data)
    messages.success(request, _("Action added."))
    return redirect("assessment-detail", assessment.uuid)


@require_POST
@login_required
def assessment_approve(request: HttpRequest, assessment_uuid: str) -> HttpResponse:
    """The second person's sign-off. The assessor cannot approve their own."""
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_uuid)
    if not can_approve_assessment(user, assessment):
        raise PermissionDenied
    actions.approve_assessment(assessment=assessment, by=user)
    messages.success(request, _("Assessment approved. It now counts on the dashboard."))
    return redirect("assessment-detail", assessment.uuid)
