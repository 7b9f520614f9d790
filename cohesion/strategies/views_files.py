"""Strategy files: export and import of actions, and the scrutiny report with its downloads.

The file formats and the report are built elsewhere (`bulk.py`, `report.py`),
shared with the command line and the API; these views only check who may ask,
read the request and hand back the page or the file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.accounts.models import User
from cohesion.strategies import bulk
from cohesion.strategies import report as scrutiny
from cohesion.strategies.access import get_strategy_for_user
from cohesion.strategies.forms import ImportForm, ReportPeriodForm
from cohesion.strategies.views import can_import, filtered_actions


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Internal figures and commentary: not to be kept by shared caches or the browser.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The actions on the list, with its filters, in the import's own format."""
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    query = request.GET.copy()
    fmt = query.pop("format", ["csv"])[-1]
    query.pop("page", None)
    if fmt not in bulk.FORMATS:
        raise Http404
    form, actions = filtered_actions(user, strategy, query)
    if form.is_bound and not form.is_valid():
        raise Http404
    content = bulk.export_actions(strategy, actions, fmt, by=user)
    return _attachment(content, bulk.CONTENT_TYPES[fmt], bulk.export_filename(strategy, fmt))


@require_http_methods(["GET", "POST"])
@login_required
def import_actions(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a CSV or XLSX file: every row is applied, or none is."""
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    if not can_import(user, strategy):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = bulk.import_actions(
            by=user, strategy=strategy, filename=upload.name, content=upload.read()
        )
        if result.ok:
            messages.success(
                request,
                _("File imported: %(created)s, %(updated)s, %(unchanged)s.")
                % {
                    "created": ngettext("%(n)d action added", "%(n)d actions added", result.created)
                    % {"n": result.created},
                    "updated": ngettext("%(n)d updated", "%(n)d updated", result.updated)
                    % {"n": result.updated},
                    "unchanged": ngettext("%(n)d unchanged", "%(n)d unchanged", result.unchanged)
                    % {"n": result.unchanged},
                },
            )
            return redirect("strategy-detail", strategy.slug)
        form.add_error(
            "file",
            ngettext(
                "The file has %(n)d problem, listed below. Nothing has been changed: "
                "correct the file and upload it again.",
                "The file has %(n)d problems, listed below. Nothing has been changed: "
                "correct the file and upload it again.",
                len(result.errors),
            )
            % {"n": len(result.errors)},
        )
    context: dict[str, Any] = {
        "form": form,
        "strategy": strategy,
        "result": result,
        "columns": bulk.COLUMNS,
    }
    return render(request, "strategies/import.html", context, status=400 if form.errors else 200)


# --- The scrutiny report ---------------------------------------------------------------


@require_GET
@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The scrutiny report for a period, as a page, PDF or DOCX (`?from=&to=&format=`)."""
    user = _user(request)
    strategy = get_strategy_for_user(user, slug)
    query = request.GET.copy()
    fmt = query.pop("format", [""])[-1]
    if fmt not in ("", "pdf", "docx"):
        raise Http404
    form = ReportPeriodForm(query or None)
    period: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        period = form.cleaned_data
        start, end = period.get("from"), period.get("to")
        if start and not end and start > timezone.localdate():
            form.add_error("from", _("The start of the period must be today or in the past"))
    if form.errors:
        if fmt:
            raise Http404
        return render(
            request,
            "strategies/report.html",
            {"strategy": strategy, "form": form, "report": None},
            status=400,
        )
    data = scrutiny.build_scrutiny_report(
        strategy, period_start=period.get("from"), period_end=period.get("to"), by=user
    )
    if fmt == "pdf":
        content = scrutiny.render_pdf(data)
    elif fmt == "docx":
        content = scrutiny.render_docx(data)
    else:
        period_query = {"from": data.period_start.isoformat(), "to": data.period_end.isoformat()}
        return render(
            request,
            "strategies/report.html",
            {
                "strategy": strategy,
                "form": form,
                "report": data,
                "downloads": [
                    (fmt, urlencode(period_query | {"format": fmt})) for fmt in ("pdf", "docx")
                ],
            },
        )
    return _attachment(content, scrutiny.CONTENT_TYPES[fmt], scrutiny.report_filename(data, fmt))
