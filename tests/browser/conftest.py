"""Real-browser tests: Debian's Chromium driven by Playwright against daphne.

pytest-django's live_server speaks WSGI only, so the page would load but its WebSocket
never open. Instead daphne runs in a subprocess on a free port against pytest-django's
test database (tests/daphne.py says why this beats ChannelsLiveServerTestCase).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.browser import pages
from tests.conftest import PASSWORD
from tests.daphne import DaphneProcess, database_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in this thread; the ORM in test
    # bodies and pytest-django's teardown would otherwise refuse to run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker):
    """daphne on the test database, for the whole session (tests/daphne.py)."""
    with django_db_blocker.unblock():
        server = DaphneProcess(database_url=database_url())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live(daphne_server, transactional_db):
    """The running server (`live.url` its base URL); the test's rows are visible to it
    (no transaction wraps the test), and are flushed after it. A test may stop() and
    start() it; one that failed while it was stopped leaves it to be started here."""
    if not daphne_server.running:
        daphne_server.start()
    yield daphne_server
    _wait_for_the_server_to_finish_with_the_database()


def _wait_for_the_server_to_finish_with_the_database() -> None:
    """Before pytest-django empties the tables: on PostgreSQL its TRUNCATE waits for the
    server's last queries, and one still reading when the browser closed deadlocked with it
    (seen once under load). Waits at most 5 s; ends nothing."""
    if connection.vendor != "postgresql":
        return
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)


@pytest.fixture(scope="session", autouse=True)
def _flush_tries_again_after_a_deadlock():
    """pytest-django empties the tables after each browser test with one TRUNCATE of all
    of them. On PostgreSQL a query the server still runs for a page that was closing can
    take its table locks in the other order: PostgreSQL then aborts one of the two as a
    deadlock, and when that is the flush, the next test found the last one's rows. The
    flush runs in one transaction, so trying it again is safe; up to five times."""
    from django.core.management.base import CommandError
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, **options):
        for attempt in range(5):
            try:
                return original(self, **options)
            except CommandError as error:
                cause = error.__cause__ or error.__context__
                if attempt == 4 or "deadlock" not in str(cause).lower():
                    raise
                time.sleep(0.2)
        return None

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture
def shot(request):
    """shot(page, "name"): a full-page screenshot under tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def open_board(browser: Browser, browser_context_args, live, board):
    """open_board(user) -> a page of its own browser context, logged in as `user`, on
    the board, connected live."""
    contexts = []

    def open_as(user) -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        page.goto(live.url + reverse("login"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(live.url + reverse("board_detail", args=[board.id]))
        expect(pages.status(page)).to_have_text("Connected")
        expect(pages.phase(page, "Awareness")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()
