"""Page-weight budget (issue 8): a briefing page with its CSS and JS stays under 60 KB uncompressed."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

BUDGET = 60_000  # bytes of HTML + linked stylesheets + scripts; images excluded


class Assets(HTMLParser):
    """Collect the stylesheets and scripts a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(a["href"])
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])


def weight(page: Path, site: Path) -> tuple[int, dict[str, int]]:
    """Return a page's total weight and the size of each part."""
    parser = Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    parts = {page.relative_to(site).as_posix(): page.stat().st_size}
    for url in parser.urls:
        assert not urlsplit(url).scheme, f"{page}: {url} is not on the site"
        asset = (page.parent / urldefrag(url)[0]).resolve()
        assert asset.is_file() and site.resolve() in asset.parents, f"{page}: {url} is missing"
        parts[asset.relative_to(site.resolve()).as_posix()] = asset.stat().st_size
    return sum(parts.values()), parts


def test_every_briefing_page_is_within_budget(demo_site: Path):
    pages = sorted(demo_site.glob("briefings/*/index.html"))
    assert len(pages) >= 5
    for page in pages:
        total, parts = weight(page, demo_site)
        assert total < BUDGET, f"{page.parent.name}: {total} bytes > {BUDGET}: {parts}"
        assert any(p.endswith(".css") for p in parts) and any(p.endswith(".js") for p in parts), parts
