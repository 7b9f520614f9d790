"""The production server configuration: gunicorn starts with it and serves pages over HTTP,
and each worker freezes the loaded application out of the garbage collector."""

from __future__ import annotations

import gc
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def test_each_worker_freezes_what_it_loaded():
    from cohesion import gunicorn_config

    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # Django, the apps and every view
    finally:
        gc.unfreeze()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_gunicorn_serves_pages_with_the_configuration(tmp_path):
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env = {
        **clean,
        "COHESION_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    command = [GUNICORN, "--config", "python:cohesion.gunicorn_config", "cohesion.wsgi"]
    command += [f"--bind=127.0.0.1:{port}", "--workers=1", "--log-level=warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(port, "/no-such-page/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # The whole stack answered: middleware, URLs and the GOV.UK 404 template.
        assert status == 404
        assert b"Page not found" in body
    finally:
        server.terminate()
        server.wait(timeout=30)
