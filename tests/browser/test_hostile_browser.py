"""Hostile content in a real browser: no dialog fires and no request leaves the site (issue 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pw import ROOT, browser, serve  # noqa: F401 - fixture
from pw import _conftest

pytestmark = pytest.mark.browser

# Fire the events inline handlers listen for, on every element, to give any survivor its chance.
PROVOKE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'load', 'error', 'click']) {
      if (type === 'click' && el.matches('a[href], button, input, label, summary')) continue;
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
}"""


@pytest.mark.parametrize("allow_html", [False, True], ids=["escaped", "allow_html"])
def test_hostile_site_runs_no_script_and_requests_nothing_outside(browser, tmp_path: Path, allow_html):
    shutil.copytree(ROOT / "tests/sites/hostile/content", tmp_path / "content")
    if allow_html:
        site_yml = tmp_path / "content/site.yml"
        site_yml.write_text(site_yml.read_text() + "allow_html: true\n")
    site = tmp_path / "site"
    site.mkdir()
    with serve(site) as base:
        # Built for the address it is served at: the 404 page's absolute links point into the site.
        run = _conftest.run_cli("build", "--base-url", base, cwd=tmp_path)
        assert run.code == 0, run.err
        pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "pagefind" not in p.parts)
        context = browser.new_context()
        dialogs, outside = [], []
        context.on("request", lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url))
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            page.goto(base + path.removesuffix("index.html"), wait_until="load")
            page.evaluate(PROVOKE)
            page.wait_for_timeout(50)
        context.close()
    assert dialogs == []
    assert outside == []
    assert len(pages) > 10
