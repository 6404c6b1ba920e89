"""Search in a real browser (issue 6): a speaker's name on /search/ lists that speaker's briefings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pw import browser, open_page, require, site_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def briefings_naming(site: Path, name: str) -> set[str]:
    """Return the URLs (relative to the site) of the briefings whose page names someone."""
    return {f"briefings/{p.parent.name}/" for p in site.glob("briefings/*/index.html") if name in p.read_text()}


@pytest.mark.parametrize("name", ["Teodor Hask", "Volkan"])
def test_typing_a_speakers_name_lists_their_briefings(open_page, demo_site: Path, name: str):
    require((demo_site / "pagefind").is_dir(), "pagefind is not installed, so the demo has no search index")
    expected = briefings_naming(demo_site, name)
    assert expected
    page = open_page("search/")
    page.fill(".pagefind-ui__search-input", name)
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15000)
    page.wait_for_function(f"document.querySelectorAll('.pagefind-ui__result-link').length >= {len(expected)}",
                           timeout=15000)
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all("/briefings/" in href for href in hrefs)  # only briefings are indexed
    found = {"briefings/" + href.split("/briefings/", 1)[1].split("#")[0] for href in hrefs}
    assert found >= expected
