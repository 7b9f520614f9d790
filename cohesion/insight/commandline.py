"""What the analytics layer's commands share: usage errors without SystemExit, atomic output.

Kept apart from `cohesion.insight.cli` so that `cohesion detect` does not load the
whole assessment stack to start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

USAGE_ERROR = 2
INPUT_ERROR = 1


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit code 2, as argparse, but no SystemExit
        raise UsageError(message)


@contextlib.contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file to write `path` through: a temporary file in the same folder, renamed at the end.

    Readers never see half a file, and a failure (or an exception in the caller's
    block) leaves whatever was at `path` untouched.
    """
    folder = path.resolve().parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if binary:
            with os.fdopen(fd, "wb") as out:
                yield out
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as text:
                yield text
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
