"""Settings fail loudly when misconfigured; the embedded database really runs in WAL mode."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COHESION = str(Path(sys.executable).with_name("cohesion"))


def _run(
    *args: str, env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    return subprocess.run(
        args,
        check=False,
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


def _python_settings(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cohesion.settings'; "
        "from django.conf import settings; " + code
    )
    return _run(sys.executable, "-c", script, env=env)


def test_production_without_a_secret_key_fails_loudly_with_a_hint():
    result = _python_settings("settings.DEBUG", {"COHESION_ENV": "production"})
    assert result.returncode != 0
    assert "Missing environment variable SECRET_KEY" in result.stderr
    assert "See .env.example" in result.stderr


def test_production_settings_are_secure_by_default():
    result = _python_settings(
        "print(settings.PASSWORD_HASHERS[0], settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.DEBUG, settings.SECURE_HSTS_SECONDS)",
        {
            "COHESION_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "cohesion.example.org",
            "COHESION_FIELD_ENCRYPTION_KEYS": "A" * 43 + "=",
            "COHESION_VICTIM_KEY_SECRET": "y" * 40,
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "True",
        "False",
        "31536000",
    ]


def test_production_needs_the_personal_data_keys():
    base = {"COHESION_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    result = _python_settings("settings.DEBUG", base)
    assert "Missing environment variable COHESION_FIELD_ENCRYPTION_KEYS" in result.stderr
    result = _python_settings(
        "settings.DEBUG", {**base, "COHESION_FIELD_ENCRYPTION_KEYS": "A" * 43 + "="}
    )
    assert "Missing environment variable COHESION_VICTIM_KEY_SECRET" in result.stderr


def test_a_mistyped_boolean_is_refused():
    result = _python_settings("settings.DEBUG", {"COHESION_ENV": "demo", "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe': use true or false" in result.stderr


def test_an_unknown_mode_is_refused():
    result = _python_settings("settings.DEBUG", {"COHESION_ENV": "staging"})
    assert (
        "COHESION_ENV='staging': expected one of production, demo, development, test"
        in result.stderr
    )


def test_cohesion_help_lists_the_commands():
    result = _run(COHESION, "--help", env={"COHESION_ENV": "test"})
    assert result.returncode == 0
    for command in ("areas", "users", "demo", "migrate", "serve", "worker"):
        assert f"\n  {command} " in result.stdout


def test_unknown_command_says_so():
    result = _run(COHESION, "frobnicate", env={"COHESION_ENV": "test"})
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


@pytest.mark.slow
def test_fresh_embedded_database_uses_wal_and_accounts_can_be_created(tmp_path):
    """A fresh on-disk SQLite database, set up with the real commands, runs in WAL mode."""
    env = {"COHESION_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    assert _run(COHESION, "migrate", "--verbosity", "0", env=env).returncode == 0
    with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    made = _run(COHESION, "users", "add-organisation", "Derby Homes", "--type", "housing", env=env)
    assert made.returncode == 0, made.stderr
    create_hana = (
        COHESION, "users", "create", "hana", "--organisation", "Derby Homes",
        "--role", "viewer", "--password-stdin",
    )  # fmt: skip
    weak = _run(*create_hana, env=env, input="password\n")
    assert weak.returncode != 0
    assert "Password not accepted" in weak.stderr
    # A refused password saves nothing: the same username can be used straight away.
    assert "hana" not in _run(COHESION, "users", "list", env=env).stdout
    strong = _run(*create_hana, env=env, input="a-long-unusual-passphrase\n")
    assert strong.returncode == 0, strong.stderr
    listed = _run(COHESION, "users", "list", env=env)
    assert "hana" in listed.stdout and "Derby Homes" in listed.stdout


@pytest.mark.slow
def test_demo_mode_serves_pages_without_collectstatic(tmp_path):
    """`make demo` runs in demo mode without collectstatic: pages must still render."""
    env = {"COHESION_ENV": "demo", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    assert _run(COHESION, "migrate", "--verbosity", "0", env=env).returncode == 0
    result = _python_settings(
        "django.setup(); from django.test import Client; c = Client(); "
        "print(*(c.get(u).status_code for u in ('/', '/areas/', '/accounts/login/', '/nope/')))",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "200", "404"]
