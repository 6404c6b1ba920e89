"""Search in a real browser: a speaker's name on /search/ lists that speaker's briefings (issue 6), over
an index in parts merged in the browser, and the filters narrow the results (issue 17)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import PagesHandler, run_cli
from pw import ROOT, browser, open_page, require, serve, site_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
RESULTS = ".pagefind-ui__result-link"
MOVED = {"quota-statement-2026": "2025-12-19", "korvask-access-statement": "2024-02-10"}
"""Briefings of the demo moved to other years for the site in three parts."""


def briefings_naming(site: Path, name: str) -> set[str]:
    """Return the URLs (relative to the site) of the briefings whose page names someone."""
    return {f"briefings/{p.parent.name}/" for p in site.glob("briefings/*/index.html") if name in p.read_text()}


def search(page, query: str, at_least: int) -> list[str]:
    """Type a query; return every result link's href (all pages of results) once at least that many
    are listed."""
    page.fill(".pagefind-ui__search-input", query)
    page.locator(RESULTS).first.wait_for(timeout=15000)
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length >= {min(at_least, 5)}", timeout=15000)
    return listed(page)


def listed(page) -> list[str]:
    """Return every result link's href, pressing "Load more results" until all are shown."""
    page.wait_for_timeout(500)  # the UI lists results as their fragments arrive
    more = page.locator(".pagefind-ui__button")
    while more.count() and more.first.is_visible():
        more.first.click()
        page.wait_for_timeout(500)
    return page.locator(RESULTS).evaluate_all("links => links.map(a => a.getAttribute('href'))")


def relative(hrefs: list[str], base: str) -> set[str]:
    """Return result hrefs as paths relative to the site's root (base: the site's path)."""
    assert all(h.startswith(base) for h in hrefs), hrefs
    return {h[len(base):].split("#")[0] for h in hrefs}


def others_are_pages(found: set[str]) -> bool:
    """Tell whether every result that is not a briefing is a speaker's, document's or topic's own page."""
    return all(re.fullmatch(r"(speakers|documents|topics)/[a-z0-9-]+/", p) for p in found if not p.startswith("briefings/"))


@pytest.mark.parametrize("name", ["Teodor Hask", "Volkan"])
def test_typing_a_speakers_name_lists_their_briefings(open_page, demo_site: Path, name: str):
    require((demo_site / "pagefind").is_dir(), "pagefind is not installed, so the demo has no search index")
    expected = briefings_naming(demo_site, name)
    assert expected
    page = open_page("search/")
    found = relative(search(page, name, len(expected)), "/")
    assert {p for p in found if p.startswith("briefings/")} == expected
    assert others_are_pages(found)


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory) -> Path:
    """Build the demo with two briefings moved to earlier years (an index of three year parts and the
    pages part), for a site served under /repo/ as GitHub Pages serves a project site."""
    root = tmp_path_factory.mktemp("parted")
    shutil.copytree(ROOT / "content", root / "content")
    for slug, date in MOVED.items():
        yml = next((root / "content/briefings").rglob(f"{slug}.yml"))
        yml.write_text(re.sub(r"(?m)^date: .*$", f"date: {date}", yml.read_text()))
    run = run_cli("build", "--base-url", "https://example.github.io/repo/", cwd=root)
    require(run.code == 0 and (root / "site/pagefind/parts.json").is_file(), "pagefind is not installed")
    return root / "site"


@pytest.fixture
def parted_page(browser, parted_site: Path):
    """Open the parted site's search page (served under /repo/) in a fresh page."""
    with serve(parted_site, PagesHandler, "/repo/") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url + "search/", wait_until="load")
        yield page
        context.close()


def test_the_parts_are_searched_at_once_and_a_filter_narrows_the_results(parted_page, parted_site: Path):
    assert (parted_site / "pagefind/parts.json").read_text() == '{"parts": ["2026", "2025", "2024", "pages"]}\n'
    expected = briefings_naming(parted_site, "Teodor Hask")
    assert "briefings/quota-statement-2026/" in expected and len(expected) >= 3  # from two parts
    found = relative(search(parted_page, "Teodor Hask", len(expected)), "/repo/")
    # Every briefing naming him, from each part; a part without either word can add a briefing
    # matched by a shorter word (Pagefind's prefix fallback works part by part: see the README).
    assert {p for p in found if p.startswith("briefings/")} >= expected and "speakers/teodor-hask/" in found
    assert others_are_pages(found - {"briefings/korvask-access-statement/"})
    parted_page.locator(".pagefind-ui__filter-name", has_text="Year").click()
    parted_page.locator(".pagefind-ui__filter-label", has_text="2025").click()
    parted_page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 1", timeout=15000)
    assert relative(listed(parted_page), "/repo/") == {"briefings/quota-statement-2026/"}


def test_a_speaker_filter_keeps_only_their_statements(parted_page, parted_site: Path):
    statements = {f"briefings/{p.parent.name}/" for p in parted_site.glob("briefings/*/index.html")
                  if "Dmitri Volkan" in p.read_text().partition("Speakers</h2>")[2].partition("</ul>")[0]}
    assert statements
    unfiltered = relative(search(parted_page, "fishing", 2), "/repo/")
    assert unfiltered - statements  # the filter has something to leave out
    parted_page.locator(".pagefind-ui__filter-name", has_text="Speaker").click()
    parted_page.locator(".pagefind-ui__filter-label", has_text="Dmitri Volkan").click()
    parted_page.wait_for_timeout(1000)
    found = relative(listed(parted_page), "/repo/")
    assert found and found <= statements | {"speakers/dmitri-volkan/"}


def test_hostile_text_in_search_results_stays_text(browser, tmp_path: Path):
    shutil.copytree(ROOT / "tests/sites/hostile/content", tmp_path / "content")
    run = run_cli("build", cwd=tmp_path)
    require(run.code == 0 and (tmp_path / "site/pagefind/parts.json").is_file(), "pagefind is not installed")
    with serve(tmp_path / "site") as url:
        context = browser.new_context()
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "search/", wait_until="load")
        for query in ("alert", "Mallory", "script"):
            hrefs = search(page, query, 1)
            assert hrefs and all(h.startswith("/") and "javascript" not in h.lower() for h in hrefs)
            assert page.locator(".pagefind-ui__results script, .pagefind-ui__results iframe, "
                                ".pagefind-ui__results svg[onload], .pagefind-ui__results img").count() == 0
        titles = page.locator(RESULTS).all_inner_texts()
        assert any("<script>" in t for t in titles)  # shown as text
        context.close()
    assert dialogs == []
