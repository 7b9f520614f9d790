from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit import queries
from cohesion.audit.forms import AuditSearchForm
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction

PAGE_SIZE = 50


@require_GET
@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    """Administrators search their organisation's audit trail (operators: all of it)."""
    user: User = request.user  # type: ignore[assignment]
    if not has_permission(user, Permission.AUDIT_VIEW):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    events = queries.events_visible_to(user)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        events = queries.search(events, filters)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Searching the trail reveals who did what: that itself is audited.
    record(
        action=AuditAction.AUDIT_SEARCHED,
        by=user,
        detail={k: str(v) for k, v in filters.items() if v},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
