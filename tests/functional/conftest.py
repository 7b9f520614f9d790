"""Browser tests: Debian's Chromium driven by Playwright, checked with axe-core.

Every test here runs against pytest-django's ``live_server``, which serves the
site from another thread and so sees only committed rows. These tests are
therefore transactional: the database is flushed after each one, and the
``geography`` fixture puts the bundled Derby and Sheffield areas back.

Loading the bundled geography from its files takes seconds, so the first load
is kept in memory and later tests copy those rows back (about half a second).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.db import connection, connections, transaction
from django.db.models import Model
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread. Without this,
# Django raises SynchronousOnlyOperation on test-thread database access (e.g. flush).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.2 AA, which the Public Sector Bodies Accessibility Regulations require.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# How long (ms) Playwright waits for a page, an element or an expectation before failing.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# --- Geography -------------------------------------------------------------------------

Snapshot = list[tuple[type[Model], list[Model]]]


def _area_models() -> list[type[Model]]:
    """The areas app's models, in definition order (areas before the links between them)."""
    return list(apps.get_app_config("areas").get_models())


def _statistics_models() -> list[type[Model]]:
    """The area statistics (datasets before their ~90,000 figures)."""
    return list(apps.get_app_config("profiles").get_models())


def _take_snapshot(models: list[type[Model]]) -> Snapshot:
    return [(model, list(model._default_manager.all())) for model in models]


def _restore(snapshot: Snapshot) -> None:
    """Copy the remembered rows back into empty tables, keeping their primary keys."""
    if not snapshot or any(model._default_manager.exists() for model, _ in snapshot):
        return
    with transaction.atomic():
        for model, rows in snapshot:
            if model._meta.label == "profiles.Figure":
                _insert_plain_rows(model, rows)
            else:
                model._default_manager.bulk_create(rows, batch_size=500)


def _insert_plain_rows(model: type[Model], rows: list[Model]) -> None:
    """Insert rows of a model with only plain columns (numbers, text), fast.

    The ~90,000 area-statistics figures take seconds through bulk_create (SQL
    compiled per row). PostgreSQL takes them by COPY (well under a second);
    SQLite by executemany, about ten times quicker than bulk_create.
    """
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    values = [tuple(getattr(row, f.attname) for f in fields) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


@pytest.fixture(scope="session")
def _geography_snapshot() -> Snapshot:
    """Filled by the first test that loads the geography; empty until then."""
    return []


@pytest.fixture(scope="session")
def _statistics_snapshot() -> Snapshot:
    """Filled by the first test that asks for the area statistics; empty until then."""
    return []


@pytest.fixture
def _geography_restored(transactional_db, _geography_snapshot: Snapshot) -> None:
    _restore(_geography_snapshot)


@pytest.fixture
def geography(_geography_restored, geography, _geography_snapshot: Snapshot):
    """The shared ``geography`` fixture, made fast for transactional tests.

    ``_geography_restored`` runs first (after ``transactional_db``), so the shared
    fixture finds the areas already there and only loads from files the first time.
    The statistics are left out: most browser tests do not need them, and putting
    ~90,000 rows back after every flush was most of the PostgreSQL run's time.
    """
    if not _geography_snapshot:
        _geography_snapshot.extend(_take_snapshot(_area_models()))
    return geography


@pytest.fixture
def area_statistics(geography, _statistics_snapshot: Snapshot) -> list[str]:
    """The shared ``area_statistics``, put back from memory after a flush."""
    from cohesion.profiles.bundled import load_bundled_statistics
    from cohesion.profiles.models import Dataset

    if _statistics_snapshot:
        _restore(_statistics_snapshot)
    else:
        if not Dataset.objects.exists():
            load_bundled_statistics()
        _statistics_snapshot.extend(_take_snapshot(_statistics_models()))
    return list(Dataset.objects.order_by("topic", "geography").values_list("title", flat=True))


@pytest.fixture(scope="module", autouse=True)
def _leave_geography_loaded(
    django_db_blocker, _geography_snapshot: Snapshot, _statistics_snapshot: Snapshot
) -> Iterator[None]:
    """Put the geography and statistics back after the last flush, as the session
    started with them. Tests outside this folder rely on what ``django_db_setup`` loaded.

    The statistics are remembered before the module's first flush (a copy in memory
    takes about a second; loading them from their files again takes ten).
    """
    from cohesion.profiles.models import Dataset

    with django_db_blocker.unblock():
        if not _statistics_snapshot and Dataset.objects.exists():
            _statistics_snapshot.extend(_take_snapshot(_statistics_models()))
    yield
    with django_db_blocker.unblock():
        _restore(_geography_snapshot)
        if _statistics_snapshot:
            _restore(_statistics_snapshot)
        elif _geography_snapshot and not Dataset.objects.exists():
            from cohesion.profiles.bundled import load_bundled_statistics

            load_bundled_statistics()
        # The test database's own teardown closes only the connections it opened, and
        # PostgreSQL will not drop a database while another session is still open.
        connections.close_all()


# --- Browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run; each test gets its own context."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run `make browser`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser: Browser, **options) -> BrowserContext:
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page with no cookies, JavaScript on."""
    context = _new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    """A fresh page with JavaScript switched off. axe-core cannot run in it."""
    context = _new_context(browser, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def goto_without_scripts() -> Callable[[Page, str], None]:
    """Load a page as a browser without JavaScript shows it, but leave axe able to run.

    axe-core is JavaScript, so it hangs in a context made with
    ``java_script_enabled=False``. Instead, script execution is switched off only
    while the page loads (none of its scripts run, as with JavaScript off) and
    switched back on afterwards, which does not run them late.
    """

    def goto(page: Page, url: str) -> None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.goto(url)
        cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
        cdp.detach()

    return goto


@pytest.fixture
def site(live_server, geography) -> str:
    """The live server's address, with the geography committed where it can see it.

    ``live_server`` comes before ``geography`` so the test is transactional (and an
    earlier test's flush has happened) before the areas are put back.
    """
    return live_server.url


# --- Checks and journeys ---------------------------------------------------------------


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def run_axe(axe: Axe) -> Callable[[Page], AxeResults]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page as shown (JavaScript must be on)."""

    def run(page: Page) -> AxeResults:
        options = {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        }
        return axe.run(page, options=options)

    return run


@pytest.fixture
def check_axe(run_axe: Callable[[Page], AxeResults]) -> Callable[[Page], None]:
    """Assert that axe-core finds no WCAG 2.2 A or AA violations on the page as shown."""

    def check(page: Page) -> None:
        results = run_axe(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def sign_in(site: str) -> Callable[[Page, str], None]:
    """Sign in through the real login form, as a person would, and reach the dashboard."""

    def sign_in(page: Page, username: str) -> None:
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{site}/dashboard/")

    return sign_in
