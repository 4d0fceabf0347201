"""Browser test fixtures: one headless Chromium (Debian's, driven by Playwright) per test session,
a fresh browser context per test against pytest-django's live server, and an axe-core check.

Browser tests are skipped where Chromium is not installed, unless ONEDOOR_REQUIRE_BROWSER=1
(as in CI), when a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread, so Django would
# refuse ORM calls made by fixtures and tests ("SynchronousOnlyOperation"). Nothing here is async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SMALL_SCREEN = {"width": 375, "height": 667}
# How long a Playwright action or expectation waits before failing (milliseconds).
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# The front-end build (`make assets`: npm's Sass and JavaScript bundle); `make test` and `make run`
# build it, a bare `pytest` after `make install` does not.
ASSETS = Path(__file__).resolve().parents[2] / "onedoor" / "static" / "onedoor" / "onedoor.css"


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not installed: apt-get install chromium"
        if os.environ.get("ONEDOOR_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    if not ASSETS.is_file():
        # Pages would load without their styles and scripts, and journeys time out far from the cause.
        pytest.fail(f"the front-end assets are not built ({ASSETS.name} is missing): run `make assets` (or `make test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make a new browser context (its own cookies: a separate person) on the live server.

    Keyword arguments go to `browser.new_context()`; `bypass_csp` is on so that axe-core can be
    injected into pages served with our strict Content-Security-Policy. Uncaught JavaScript
    errors on any page, and any static asset (CSS, JavaScript, images) that fails to load, fail
    the test."""
    contexts, page_errors, missing_assets = [], [], []

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            missing_assets.append(f"{response.status} {response.url}")

    def make(**kwargs):
        options = {"base_url": live_server.url, "bypass_csp": True, "locale": "en-GB", **kwargs}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda error: page_errors.append(str(error.error)))
        context.on("response", on_response)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"
    assert not missing_assets, f"Static assets that did not load: {missing_assets}"


@pytest.fixture
def page(new_context):
    """A page in a new desktop-sized browser context."""
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def small_page(new_context):
    """A page in a new small-screen (375 × 667, touch) browser context."""
    return new_context(viewport=SMALL_SCREEN, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()


@pytest.fixture
def no_js_page(new_context):
    """A page in a new browser context with JavaScript turned off."""
    return new_context(java_script_enabled=False).new_page()


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']}  <{violation.get('helpUrl', '')}>"]
    for node in violation["nodes"]:
        lines.append(f"    target: {node['target']}")
        lines.append(f"      html: {node['html'][:300]}")
        summary = node.get("failureSummary")
        if summary:
            lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, *, label: str = "") -> None:
    """Run axe-core (WCAG 2.x A/AA and best practices) on the page as it is now; fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    if violations:
        report = "\n".join(_describe(violation) for violation in violations)
        print(f"axe-core violations on {label or page.url}:\n{report}")
        pytest.fail(f"{len(violations)} accessibility violation(s) on {label or page.url}:\n{report}", pytrace=False)
