"""The data protection officer's pages: find, correct and erase records; the retention schedule.

Every page needs the data protection right (others get a 404, as for any page
they may not see). Searches are POSTed so names, dates of birth and email
addresses never land in URLs, browser history or server logs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohesion.accounts.models import User
from cohesion.audit.log import record_view
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.mediation.models import MediationCase
from cohesion.privacy import actions, retention
from cohesion.privacy.access import can_set_retention, get_held_case, get_held_incident, is_dpo
from cohesion.privacy.forms import CorrectIncidentForm, EraseForm, RetentionRuleForm, SearchForm
from cohesion.privacy.models import ALLOWED_ACTIONS, RetentionRule
from cohesion.privacy.search import search


def _dpo(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not (user.is_superuser or is_dpo(user)):
        raise Http404
    return user


@require_http_methods(["GET", "POST"])
@login_required
def data_protection(request: HttpRequest) -> HttpResponse:
    user = _dpo(request)
    form = SearchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = search(
            user,
            reference=data["reference"],
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            email=data["email"],
            phone=data["phone"],
        )
    return render(request, "privacy/search.html", {"form": form, "result": result})


@require_http_methods(["GET"])
@login_required
def incident_detail(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user = _dpo(request)
    incident = get_held_incident(user, incident_uuid)
    contact = ContactDetails.objects.filter(incident=incident).first()
    record_view(by=user, target=incident, what="data protection: all personal data held")
    return render(
        request,
        "privacy/incident_detail.html",
        {
            "incident": incident,
            "contact": contact,
            "strands": list(incident.strands.all()),
            "status_changes": list(incident.status_changes.all()),
            "referrals": list(incident.referrals.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_correct(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user = _dpo(request)
    incident = get_held_incident(user, incident_uuid)
    contact = ContactDetails.objects.filter(incident=incident).first()
    form = CorrectIncidentForm(request.POST or None, incident=incident, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.correct_incident(
                by=user,
                incident=incident,
                changes=form.changes(),
                contact=form.contact(),
                reason=form.cleaned_data["reason"],
            )
        except actions.DataProtectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Corrected %(count)d details on %(reference)s")
                % {"count": len(changed), "reference": incident.reference},
            )
            return redirect("data-protection-incident", incident_uuid=incident.uuid)
    else:
        record_view(by=user, target=incident, what="data protection: correction form")
    return render(request, "privacy/incident_correct.html", {"form": form, "incident": incident})


def _erase(
    request: HttpRequest, user: User, record: Incident | MediationCase, back: str
) -> HttpResponse:
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        whole = form.cleaned_data["what"] == EraseForm.WHOLE_RECORD
        reason = form.cleaned_data["reason"]
        try:
            if isinstance(record, Incident):
                if whole:
                    actions.delete_incident(by=user, incident=record, reason=reason)
                else:
                    actions.erase_incident_personal_data(by=user, incident=record, reason=reason)
            elif whole:
                actions.delete_case(by=user, case=record, reason=reason)
            else:
                actions.erase_case_personal_data(by=user, case=record, reason=reason)
        except actions.DataProtectionError as error:
            form.add_error(None, str(error))
        else:
            if whole:
                messages.success(
                    request, _("%(reference)s was deleted") % {"reference": record.reference}
                )
                return redirect("data-protection")
            messages.success(
                request,
                _("The personal data on %(reference)s was erased")
                % {"reference": record.reference},
            )
            return redirect(back, record.uuid)
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "record": record, "back": back},
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_erase(request: HttpRequest, incident_uuid: str) -> HttpResponse:
    user = _dpo(request)
    incident = get_held_incident(user, incident_uuid)
    return _erase(request, user, incident, "data-protection-incident")


@require_http_methods(["GET"])
@login_required
def case_detail(request: HttpRequest, case_uuid: str) -> HttpResponse:
    user = _dpo(request)
    case = get_held_case(user, case_uuid)
    record_view(by=user, target=case, what="data protection: all data held")
    return render(
        request,
        "privacy/case_detail.html",
        {
            "case": case,
            "parties": list(case.parties.select_related("organisation")),
            "sessions": list(case.sessions.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_erase(request: HttpRequest, case_uuid: str) -> HttpResponse:
    user = _dpo(request)
    case = get_held_case(user, case_uuid)
    return _erase(request, user, case, "data-protection-case")


@require_http_methods(["GET"])
@login_required
def retention_rules(request: HttpRequest) -> HttpResponse:
    _dpo(request)
    rules = list(RetentionRule.objects.all())
    rows = [
        {
            "rule": rule,
            "allowed": ALLOWED_ACTIONS.get(rule.record_kind, ()),
            "preview": retention.preview(rule) if rule.enabled else None,
        }
        for rule in rules
    ]
    return render(
        request,
        "privacy/retention_list.html",
        {"rows": rows, "can_change": can_set_retention(request.user)},  # type: ignore[arg-type]
    )


@require_http_methods(["GET", "POST"])
@login_required
def retention_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    user = _dpo(request)
    if not can_set_retention(user):
        raise PermissionDenied
    rule = get_object_or_404(RetentionRule, pk=rule_id)
    form = RetentionRuleForm(
        request.POST or None, initial={"after_days": rule.after_days, "enabled": rule.enabled}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_retention_rule(
                by=user,
                rule=rule,
                after_days=form.cleaned_data["after_days"],
                enabled=form.cleaned_data["enabled"],
            )
        except actions.DataProtectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Retention rule saved: %(rule)s") % {"rule": rule_label(rule)}
            )
            return redirect("data-protection-retention")
    return render(
        request,
        "privacy/retention_edit.html",
        {"form": form, "rule": rule, "preview": retention.preview(rule)},
    )


def rule_label(rule: RetentionRule) -> str:
    rule.refresh_from_db()
    return f"{rule.get_action_display()} — {rule.get_record_kind_display()}, {rule.after_days} days"
