"""Placeholder replaced by the module's owner."""

from __future__ import annotations

from typing import Any

from cohesion.strategies.commands import Handler


def register(sub: Any) -> dict[str, Handler]:
    return {}
