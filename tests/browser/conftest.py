"""Playwright for Python driving Debian's chromium (/usr/bin/chromium) against live_server.

Screenshots land in artifacts/screenshots/ (git-ignored) so a reviewer can look at them.
"""

import os
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    # Plain http: under tests the settings turn the HTTPS redirect and secure cookies off
    # (config/settings.py, TESTING), before the live server builds its middleware.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    ctx.close()


def shot(page, name: str, *, width: int | None = None):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if width:
        page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page, email: str, password: str):
    page.goto(page.base_url + "/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
