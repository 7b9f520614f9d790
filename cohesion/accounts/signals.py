"""Audit sign-ins, failed sign-ins and sign-outs."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=AuditAction.LOGIN, by=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=AuditAction.LOGOUT, by=user)


def _account(username: str) -> Any:
    return get_user_model().objects.select_related("organisation").filter(username=username).first()


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Only the username is kept; the password never reaches the audit trail. A known
    # account is the target, so its organisation's administrator sees attempts on it.
    username = str(credentials.get("username", ""))[:150]
    account = _account(username)
    record(
        action=AuditAction.LOGIN_FAILED,
        by=None,
        username=username,
        target=account,
        detail={"known_username": account is not None},
    )


@receiver(user_locked_out)
def audit_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    username = str(username or "")[:150]
    record(action=AuditAction.LOCKED_OUT, by=None, username=username, target=_account(username))
