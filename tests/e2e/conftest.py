"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every request that leaves the live server is aborted and recorded, so a page that still reaches for
a CDN fails its test.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (./dev test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.outside_requests = []
    allowed = urlsplit(live_server.url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc == allowed:
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    # The browser reports what the Content-Security-Policy blocked (an inline script, an eval) on the console.
    page.policy_violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.policy_violations.append(message.text),
    )
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert page.outside_requests == [], "the page tried to reach outside the server"
    assert page.policy_violations == [], "the page broke its Content-Security-Policy"
