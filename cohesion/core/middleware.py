"""Security headers Django 5.2 does not set itself."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The one inline script GOV.UK Frontend needs: it marks the body before any
# component JavaScript runs. It is allowed by hash, so no other inline script runs.
GOVUK_BODY_SCRIPT = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(GOVUK_BODY_SCRIPT.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_SCRIPT_HASH}'",
        # Leaflet positions map panes with inline styles.
        "style-src 'self' 'unsafe-inline'",
        # Map tiles may come from a configured tile server over HTTPS.
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Add a Content Security Policy and a Permissions Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API's interactive docs bring their own scripts; everything else is strict.
        if not request.path.startswith("/api/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response
