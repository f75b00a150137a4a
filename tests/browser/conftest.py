"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright for Python.

The app runs in a uvicorn server thread on 127.0.0.1 against the test's fresh database.
Chromium is the system one (``/usr/bin/chromium``, or ``TRUSTLANE_CHROMIUM``); nothing is
downloaded. ``make test`` installs it where it is missing (``.ci/ensure-chromium``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import factories as f

CHROMIUM = os.environ.get("TRUSTLANE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: Generous waits: CI runs these on two loaded cores next to the rest of the suite. A passing
#: step does not wait; only a failing one takes this long to report.
STEP_TIMEOUT_MS = 30_000
expect.set_options(timeout=STEP_TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run .ci/ensure-chromium")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The app served on a free local port; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(STEP_TIMEOUT_MS)
    yield tab
    context.close()


def log_in(page: Page, base: str, email: str, password: str = f.PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # The first request of a fresh server thread can be slow on a loaded CI machine.
    page.wait_for_url(f"{base}/", timeout=2 * STEP_TIMEOUT_MS)


def screenshot(page: Page, name: str) -> None:
    """Save a screenshot for the README when ``TRUSTLANE_SCREENSHOTS=1``."""
    if os.environ.get("TRUSTLANE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def go(page: Page, link: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
