"""Browser tests: Playwright for Python driving Debian's Chromium.

Never downloads a browser: it launches /usr/bin/chromium (`apt-get install
chromium`; .ci/run installs it). axe-core comes from node_modules.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the Django
# ORM calls the tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(node["html"][:160] for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"Accessibility violations on {page.url}:\n" + "\n".join(serious)


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages in fresh browser contexts: separate cookie jars, as two
    different browsers (or a second computer) would have."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _no_code_throttle(settings):
    """django-otp makes each wrong code wait longer before the next is tried;
    a test gives the right code straight after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in(page, user, password: str | None = None, *, check: bool = True) -> None:
    """Signs in through the sign-in page, checking it with axe on the way,
    and waits for the home page (unless `check` is off, for a second step)."""
    from tests.factories import TEST_PASSWORD

    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if check:
        page.get_by_role("heading", name=f"Welcome, {user.first_name or user.username}").wait_for()
        assert_accessible(page)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Lantern").wait_for()


def menu(page, name: str):
    """A link in the primary navigation (the menu), by its exact words."""
    return page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name=name, exact=True)
