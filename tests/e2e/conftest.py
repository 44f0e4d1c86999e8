"""Browser tests: Playwright's sync API driving the system Chromium against the app on a loopback server.

No browser is ever downloaded. Without Chromium (or without the playwright package) these tests are not
collected at all; with REQUIRE_SERVICES=1 (CI) they are collected and fail, saying what is missing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from tests.live_site import make_site, site  # noqa: F401
from tests.services import services_required

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    return path if path and os.access(path, os.X_OK) else None


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    if chromium_path() is None:
        return "no Chromium: set CHROMIUM_PATH or put `chromium` on PATH"
    return None


MISSING = _missing()
# Not collected rather than skipped: a machine without a browser simply has no browser tests.
collect_ignore_glob = ["test_*.py"] if MISSING and not services_required() else []


@pytest.fixture(scope="session")
def browser():
    if MISSING:
        pytest.fail(f"REQUIRE_SERVICES=1 but the browser tests cannot run: {MISSING}.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def db_url(sqlite_url):
    """SQLite only: these tests are about the pages; the store is tested on every backend elsewhere."""
    return sqlite_url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(10_000)
    yield context
    context.close()
