"""Subcommands of `cohesion strategy` and `cohesion report`, one module per concern.

Each module has `register(subparsers) -> dict[action name, handler]`; a handler
takes the parsed options and raises `CommandError` with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], None]
