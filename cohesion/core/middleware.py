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


class TrustedProxyMiddleware:
    """Use the client address a trusted reverse proxy reports, when behind one.

    The proxy appends the address it saw to X-Forwarded-For, so the last entry is
    the one it vouches for; earlier entries came from the client and may be forged.
    Without COHESION_BEHIND_PROXY the header is ignored: audit rows and sign-in
    lock-outs then use the real socket address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.enabled = settings.BEHIND_PROXY
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                request.META["REMOTE_ADDR"] = last
        return self.get_response(request)
