"""A short-lived, per-process memo of the reference data every public report reads.

Each report needs the councils and wards offered, the receiving organisations
and the strand and incident-type terms. They change a few times a year, but
reading them costs most of a report's queries, so a process keeps them for
`PUBLIC_FORM_REFERENCE_SECONDS` (60 by default; 0 turns the memo off, as in
tests). A change in this process forgets them at once (signals below); other
server processes see it within the memo's lifetime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings

T = TypeVar("T")

_memo: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def memoised(name: str, load: Callable[[], T]) -> T:
    lifetime = settings.PUBLIC_FORM_REFERENCE_SECONDS
    if lifetime <= 0:
        return load()
    now = time.monotonic()
    hit = _memo.get(name)
    if hit is not None and now - hit[0] < lifetime:
        return cast(T, hit[1])
    value = load()
    with _lock:
        _memo[name] = (now, value)
    return value


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop everything memoised (connected to the signals of the models it reads)."""
    with _lock:
        _memo.clear()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from cohesion.accounts.models import Organisation
    from cohesion.areas.models import Area
    from cohesion.vocabularies.models import Term

    for model in (Organisation, Area, Term):
        post_save.connect(forget, sender=model, dispatch_uid=f"public-reference-{model.__name__}")
        post_delete.connect(
            forget, sender=model, dispatch_uid=f"public-reference-del-{model.__name__}"
        )
    m2m_changed.connect(
        forget, sender=Organisation.areas.through, dispatch_uid="public-reference-org-areas"
    )
