"""Where the current action comes from, so audit rows can say without every caller passing it."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    channel: str = "system"
    ip_address: str | None = None
    request_path: str = ""


_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())


def current() -> AuditContext:
    return _current.get()


def set_context(context: AuditContext) -> object:
    """Set the context; returns a token for `reset_context`."""
    return _current.set(context)


def reset_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
