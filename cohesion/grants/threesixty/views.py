"""Staff page: the 360Giving quality report for a council, and the audited downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.grants.models import Fund
from cohesion.grants.threesixty import from_models, publish


def _councils(user: User) -> list[Area]:
    """Councils with funds whose grants this person may publish."""
    if not has_permission(user, Permission.GRANTS_MANAGE):
        raise Http404
    ids = Fund.objects.values("council_id").distinct()
    return [
        area
        for area in Area.objects.filter(id__in=ids).order_by("name")
        if has_permission(user, Permission.GRANTS_MANAGE, area=area)
    ]


def _council(request: HttpRequest, councils: list[Area]) -> Area | None:
    code = request.GET.get("council", "")
    if not code:
        return councils[0] if councils else None
    for area in councils:
        if area.code == code:
            return area
    raise Http404


def _report(council: Area) -> publish.Report:
    return publish.check(
        from_models.records(council=council),
        from_models.publisher(),
        today=timezone.localdate(),
    )


@require_GET
@login_required
def report(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    councils = _councils(user)
    council = _council(request, councils)
    result = _report(council) if council is not None else None
    funds = Fund.objects.filter(council=council).order_by("name") if council is not None else None
    return render(
        request,
        "grants/threesixty/report.html",
        {
            "councils": councils,
            "council": council,
            "report": result,
            "funds": funds,
            "formats": publish.FORMATS,
            "prefix": from_models.publisher().prefix,
            "funder_id": from_models.publisher().funder_id,
        },
    )


@require_GET
@login_required
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if fmt not in publish.FORMATS:
        raise Http404
    council = _council(request, _councils(user))
    if council is None:
        raise Http404
    result = _report(council)
    if not result.can_publish:
        return redirect(f"{reverse('grants-360giving')}?council={council.code}")
    data = publish.render(result, fmt)
    record(
        action=AuditAction.GRANTS_PUBLISHED,
        by=user,
        target=council,
        detail={"format": fmt, "grants": result.grant_count, "warnings": len(result.warnings)},
    )
    response = HttpResponse(data, content_type=publish.CONTENT_TYPES[fmt])
    filename = f"{from_models.publisher().prefix}-{council.code}-grants.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
