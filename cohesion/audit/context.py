"""Where the current action comes from, so audit rows can say without every caller passing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    channel: str = "system"
    ip_address: str | None = None
    request_path: str = ""


# AuditContext is a frozen dataclass, so sharing one default instance is safe.
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


def set_context(context: AuditContext) -> object:
    """Set the context; returns a token for `reset_context`."""
    return _current.set(context)


def reset_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def audit_channel(channel: str) -> Iterator[None]:
    """Attribute audit rows written inside the block to `channel` (e.g. "cli")."""
    token = set_context(AuditContext(channel=channel))
    try:
        yield
    finally:
        reset_context(token)
