"""Fixtures for the browser tests: the running app, Debian's headless Chromium and a fresh page per test.

Without Playwright or /usr/bin/chromium the browser tests are skipped on a developer's machine,
but fail when the CI environment variable is set, because CI installs Chromium and must not pass
by skipping them.
"""
from __future__ import annotations

import importlib.util
import os

import pytest

from .helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WAIT_MS, running_app, shot


def _browser_missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return ""


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright for the whole session."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the browser tests cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    for old in ARTIFACTS.glob("*.png"):  # screenshots from an earlier run would mislead
        old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_url(browser, tmp_path_factory):
    """The base URL of one app server shared by the tests that only read (fresh empty store: demo data)."""
    with running_app(tmp_path_factory.mktemp("store") / "store.sqlite") as base_url:
        yield base_url


@pytest.fixture
def fresh_app_url(browser, tmp_path):
    """The base URL of an app server of this test's own, never opened before, on an empty store."""
    with running_app(tmp_path / "store.sqlite") as base_url:
        yield base_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item so the page fixture can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A new 1920x1080 browser page with its own cookies and downloads; a screenshot is kept if the test fails."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot(tab, f"{request.node.name}-at-failure")
    context.close()
