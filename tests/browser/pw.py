"""Browser helpers for the design and accessibility tests: serve a built site, drive Chromium.

Kept out of conftest.py on purpose (another conftest may live in this folder): tests import what
they need from here, and fixtures come in with `from pw import site_url, browser, open_page`.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest


def _shared_conftest():
    """Load tests/conftest.py under its own name, so no other conftest.py can shadow it."""
    spec = importlib.util.spec_from_file_location("_briefings_tests_conftest",
                                                  Path(__file__).resolve().parent.parent / "conftest.py")
    module = sys.modules.setdefault(spec.name, importlib.util.module_from_spec(spec))
    if not hasattr(module, "require"):
        spec.loader.exec_module(module)
    return module


_conftest = _shared_conftest()
require, ROOT, NODE_MODULES = _conftest.require, _conftest.ROOT, _conftest.NODE_MODULES
CHROMIUM = Path("/usr/bin/chromium")
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


serve = _conftest.serve_folder  # serve(folder) yields the base URL ending in '/'


def playwright_module():
    """Return playwright.sync_api, or None when it is not installed."""
    try:
        from playwright import sync_api
    except ImportError:
        return None
    return sync_api


@pytest.fixture(scope="session")
def site_url(demo_site: Path):
    """Serve the demo site built for this session; return its base URL."""
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Launch the system Chromium headless for one test module (skip or, under CI, fail if missing).

    Module scope, not session: only one playwright instance may run at a time, and other browser
    test modules start their own."""
    api = playwright_module()
    require(api is not None, "the playwright Python package is not installed")
    require(CHROMIUM.exists() or shutil.which("chromium") is not None, "Chromium is not installed")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
                              args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, site_url):
    """Return a function that opens a site path at a width (and colour scheme) in a fresh page."""
    contexts = []

    def make(path: str, width: int = 1280, height: int = 900, scheme: str = "light", js: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                      java_script_enabled=js)
        contexts.append(context)
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        return page

    yield make
    for context in contexts:
        context.close()


def inject_axe(page) -> None:
    """Put axe-core into a page (from node_modules; skip or fail when it is missing)."""
    require(AXE.exists(), f"axe-core is not installed ({AXE.relative_to(ROOT)} is missing)")
    page.add_script_tag(path=str(AXE))


OPEN_NOTE = """document.getElementById("toggle-volkan-fair-arrangement").checked = true;
document.getElementById("volkan-fair-arrangement").scrollIntoView({block: "start", behavior: "instant"});
scrollBy({top: -120, behavior: "instant"});"""
SHOTS = [  # (file, path, viewport width, height shown, colour scheme, scale, script to run first)
    ("home.png", "", 1280, 1000, "light", 0.75, ""),
    ("briefing.png", "briefings/quota-statement-2026/", 1280, 1150, "light", 0.72, ""),
    ("briefing-phone-dark.png", "briefings/korvask-access-statement/", 360, 900, "dark", 1, OPEN_NOTE),
    ("speaker.png", "speakers/ilse-marten/", 1280, 1000, "light", 0.75, ""),
]


def screenshots(out: Path = ROOT / "docs" / "screenshots") -> None:
    """Build the demo and write the README's screenshots (small PNGs) into docs/screenshots/."""
    import subprocess
    import tempfile

    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(ROOT / "content"),
                        "--out", str(site)], cwd=ROOT, check=True, capture_output=True)
        with serve(site) as url, sync_playwright() as p:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            for name, path, width, height, scheme, scale, script in SHOTS:
                page = b.new_page(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  device_scale_factor=scale)
                page.goto(url + path, wait_until="networkidle")
                if script:
                    page.evaluate(script)
                page.screenshot(path=str(out / name))
                print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")
            b.close()


if __name__ == "__main__":  # python tests/browser/pw.py - regenerate docs/screenshots/
    screenshots()
