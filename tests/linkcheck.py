"""A small crawler: every internal link and #fragment of a built site must resolve."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"),
              ("form", "action"), ("iframe", "src")}


class PageParser(HTMLParser):
    """Collect the links and the ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS and value is not None:
                self.links.append(value)


def parse(html: str) -> PageParser:
    """Parse a page's links and ids."""
    p = PageParser()
    p.feed(html)
    return p


def crawl(fetch, start: str, is_internal) -> tuple[dict[str, PageParser], list[str]]:
    """Crawl from start with fetch(url) -> html|None; return pages seen and broken-link messages."""
    pages: dict[str, PageParser] = {}
    queue, problems, wanted = [start], [], []
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        html = fetch(url)
        if html is None:
            problems.append(f"missing page {url}")
            continue
        pages[url] = parse(html)
        for link in pages[url].links:
            target = urljoin(url, link)
            if not is_internal(target):
                continue
            page_url, fragment = urldefrag(target)
            wanted.append((url, link, page_url, fragment))
            if page_url.endswith("/") or page_url.endswith(".html"):
                queue.append(page_url)
            elif fetch(page_url, binary=True) is None:
                problems.append(f"{url}: broken link {link}")
    for source, link, page_url, fragment in wanted:
        page = pages.get(page_url)
        if page is None and (page_url.endswith("/") or page_url.endswith(".html")):
            problems.append(f"{source}: broken link {link}")
        elif page is not None and fragment and unquote(fragment) not in page.ids:
            problems.append(f"{source}: missing fragment #{fragment} in {page_url}")
    return pages, sorted(set(problems))


def crawl_disk(site: Path, start: str = "index.html"):
    """Crawl a site from disk (file: URLs); directory links resolve to index.html."""
    base = site.resolve().as_uri() + "/"

    def fetch(url: str, binary: bool = False):
        path = Path(unquote(urlsplit(url).path))
        if url.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return None
        return path.read_bytes() if binary else path.read_text(encoding="utf-8")

    pages, problems = crawl(fetch, base + start, lambda u: u.startswith(base))
    seen = {Path(unquote(urlsplit(u).path)).resolve() / ("index.html" if u.endswith("/") else "")
            for u in pages}
    return pages, problems, seen


def crawl_http(root_url: str):
    """Crawl a site served over HTTP from root_url (e.g. http://127.0.0.1:PORT/repo/)."""

    def fetch(url: str, binary: bool = False):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                data = response.read()
        except OSError:
            return None
        return data if binary else data.decode("utf-8")

    return crawl(fetch, root_url, lambda u: u.startswith(root_url))


def html_files(site: Path) -> set[Path]:
    """Return every HTML page of a built site (the search bundle excluded)."""
    return {p.resolve() for p in site.rglob("*.html") if "pagefind" not in p.parts}
