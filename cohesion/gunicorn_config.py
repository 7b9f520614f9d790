"""gunicorn settings for Cohesion: `gunicorn --config python:cohesion.gunicorn_config
cohesion.wsgi` (see docs/how-to/deploy.md). Command-line options still win.

Why `post_worker_init` freezes the garbage collector: once Django and its apps are
loaded a worker holds about 270,000 long-lived objects (modules, functions, URL
patterns, templates). Python's full collections scan all of them, and each took
about 150 ms in the middle of a request: the slowest 5% of directory searches were
four times the median (benchmarks/directory_search.py). `gc.freeze()` moves what
exists after start-up out of the collector's way; later objects are collected as
usual. This is what CPython's documentation suggests for pre-forked servers.
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Any

bind = "127.0.0.1:8000"
workers = 2 * multiprocessing.cpu_count() + 1
keepalive = 30  # behind a proxy that keeps connections open


def post_worker_init(worker: Any) -> None:
    from django.urls import get_resolver

    # Import every view now (Django does it at the first request) so they are frozen too.
    get_resolver().url_patterns  # noqa: B018
    gc.freeze()
