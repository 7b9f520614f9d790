from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cohesion.audit.context import AuditContext, reset_context, set_context


class AuditContextMiddleware:
    """Record the request's address and path for any audit row written while it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = set_context(
            AuditContext(
                channel=channel,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                request_path=request.get_full_path()[:500],
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_context(token)
