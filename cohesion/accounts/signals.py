"""Audit sign-ins, failed sign-ins and sign-outs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from axes.signals import user_locked_out

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=AuditAction.LOGIN, by=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=AuditAction.LOGOUT, by=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Only the username is kept; the password never reaches the audit trail.
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).exists()
    record(
        action=AuditAction.LOGIN_FAILED,
        by=None,
        username=username,
        detail={"known_username": known},
    )


@receiver(user_locked_out)
def audit_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    record(action=AuditAction.LOCKED_OUT, by=None, username=str(username or "")[:150])
