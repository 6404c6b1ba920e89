"""Live reload in a real browser: `serve` runs, headless Chromium shows a briefing, the test edits
files on disk only - never touching the page - and waits for the page to change by itself."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from serve_helpers import DEMO, edit_note, save, start

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def need(ok: bool, reason: str) -> None:
    """Skip when a tool is missing - except under CI=true, where that is a failure."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must install it (scripts/setup-tests.sh)")
    pytest.skip(f"{reason}; run scripts/setup-tests.sh to install it")


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium driven by playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    need(sync_playwright is not None, "the playwright Python package is not installed")
    exe = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    need(exe is not None, "Chromium is not installed (/usr/bin/chromium from Debian's chromium package)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(exe), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser page."""
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def test_saving_a_note_updates_the_open_page(tmp_path, page):
    from playwright.sync_api import expect
    served = start(tmp_path)
    try:
        page.goto(served.url(f"briefings/{DEMO}/"))
        expect(page.locator("body")).to_contain_text("largest rise in the cod quota")
        page.wait_for_function("() => window.LiveReload !== undefined")  # connected
        edit_note(tmp_path / f"content/briefings/{DEMO}.yml", "A note saved while the page was open.")
        expect(page.locator("body")).to_contain_text("A note saved while the page was open.",
                                                     timeout=30000)
        expect(page.locator("body")).not_to_contain_text("largest rise in the cod quota")
    finally:
        assert served.stop() == 0, served.output


def test_a_broken_file_shows_its_error_and_the_fix_brings_the_page_back(tmp_path, page):
    from playwright.sync_api import expect
    served = start(tmp_path)
    yml = tmp_path / f"content/briefings/{DEMO}.yml"
    good = yml.read_text()
    try:
        page.goto(served.url(f"briefings/{DEMO}/"))
        title = page.title()
        page.wait_for_function("() => window.LiveReload !== undefined")
        save(yml, good.replace("topics: [fisheries-quotas]", "topics: [fisheries-quotas", 1))
        where = re.compile(rf"content/briefings/{DEMO}\.yml:\d+:\d+: error: ")
        expect(page.locator("#briefings-errors")).to_contain_text(where, timeout=30000)
        line = page.locator("#briefings-errors code").first.inner_text()
        served.wait_for_output(line)  # the same PATH:LINE:COLUMN line as in the terminal
        save(yml, good)
        expect(page).to_have_title(title, timeout=30000)
        expect(page.locator("#briefings-errors")).to_have_count(0)
        expect(page.locator("body")).to_contain_text("largest rise in the cod quota")
    finally:
        assert served.stop() == 0, served.output
