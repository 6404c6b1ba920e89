"""Publishing outputs: feeds, sitemap, structured data, W3C export, 404 page."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefings.text.textcontent import body_text
from conftest import ROOT, SHARED, SITES, PagesHandler, run_cli, serve_folder
from linkcheck import crawl_http, parse

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.github.io/briefings/"


def slugs(site: Path) -> list[str]:
    return sorted(p.parent.name for p in site.glob("briefings/*/index.html"))


def test_atom_feed_lists_the_briefings_newest_first(demo_site: Path):
    feed = ET.parse(demo_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}id").text.split("/")[-2] for e in entries) == slugs(demo_site)
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    for e in entries:
        link = e.find(f"{ATOM}link").get("href")
        assert link.startswith(BASE + "briefings/")
        assert e.find(f"{ATOM}summary").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text


def test_speaker_feeds_list_their_statements(demo_site: Path):
    for feed_path in demo_site.glob("speakers/*/feed.xml"):
        feed = ET.parse(feed_path).getroot()
        speaker = feed_path.parent.name
        page = (demo_site / f"speakers/{speaker}/index.html").read_text()
        links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
        assert all(link.startswith(BASE + "briefings/") and "#" in link for link in links)
        assert page.count('class="statement"') == len(links)
        assert '<link rel="alternate" type="application/atom+xml"' in page


def test_sitemap_lists_every_page(demo_site: Path):
    root = ET.parse(demo_site / "sitemap.xml").getroot()
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {BASE + p.relative_to(demo_site).as_posix().removesuffix("index.html")
             for p in demo_site.rglob("index.html") if "pagefind" not in p.parts}
    assert locs == pages


def test_every_page_has_canonical_open_graph_and_valid_json_ld(demo_site: Path):
    for path in demo_site.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        html = path.read_text()
        assert '<link rel="canonical" href="https://' in html, path
        assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
        for block in html.split('<script type="application/ld+json">')[1:]:
            data = json.loads(block.split("</script>")[0])
            assert data["@context"] == "https://schema.org"


def ld(html: str) -> dict:
    return json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])


def test_json_ld_types(demo_site: Path):
    article = ld((demo_site / "briefings/quota-statement-2026/index.html").read_text())
    assert article["@type"] == "NewsArticle"
    assert {p["@type"] for p in article["about"] + article["mentions"]} == {"Person"}
    assert article["citation"][0]["@type"] == "Legislation"
    assert article["correction"][0]["@type"] == "CorrectionComment"
    assert ld((demo_site / "speakers/ilse-marten/index.html").read_text())["@type"] == "Person"
    assert ld((demo_site / "documents/coastal-waters-act/index.html").read_text())["@type"] == "Legislation"


def test_json_ld_cannot_close_its_script(project):
    root = project({"content/briefings/first.yml": (
        "title: 'Evil </script><script>alert(1)</script>'\ndate: 2024-01-02\n"
        "summary: '</script><b>x</b>'\n")})
    assert run_cli("build", cwd=root).code == 0
    html = (root / "site/briefings/first/index.html").read_text()
    block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == "Evil </script><script>alert(1)</script>"


def exports(site: Path):
    for path in sorted(site.glob("briefings/*/annotations.jsonld")):
        yield path, json.loads(path.read_text()), (path.parent / "index.html").read_text()


class MarkText(HTMLParser):
    """Collect the text inside each annotation's <mark> pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[list[str]] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.open.append((dict(attrs).get("data-annotations") or "").split())

    def handle_endtag(self, tag):
        if tag == "mark" and self.open:
            self.open.pop()

    def handle_data(self, data):
        for aid in (self.open[-1] if self.open else []):
            self.text[aid] = self.text.get(aid, "") + data


def test_exact_is_the_highlighted_text_and_nothing_else(demo_site: Path):
    for _, collection, html in exports(demo_site):
        marks = MarkText()
        marks.feed(html)
        for item in collection["first"]["items"]:
            exact = item["target"]["selector"][0]["exact"]
            aid = item["id"].rsplit("#", 1)[1]
            # Only whitespace between blocks may separate the pieces: never a note's text.
            assert "".join(exact.split()) == "".join(marks.text[aid].split())


def test_annotation_export_selectors_match_the_page_text(demo_site: Path):
    seen = 0
    for path, collection, html in exports(demo_site):
        assert collection["type"] == "AnnotationCollection"
        assert 'href="annotations.jsonld"' in html
        text, _ = body_text(html)
        items = collection["first"]["items"]
        assert collection["total"] == len(items) == html.count('role="note"')
        for item in items:
            quote, position = item["target"]["selector"]
            start, end = position["start"], position["end"]
            assert text[start:end] == quote["exact"]
            joined = quote["prefix"] + quote["exact"] + quote["suffix"]
            assert text[start - len(quote["prefix"]):end + len(quote["suffix"])] == joined
            assert item["@context"] == "http://www.w3.org/ns/anno.jsonld"
            seen += 1
    assert seen >= 30


def test_annotation_export_motivations(demo_site: Path):
    motivations = {}
    for _, collection, _ in exports(demo_site):
        for item in collection["first"]["items"]:
            motivations[item["id"].rsplit("#", 1)[1]] = item["motivation"]
    assert motivations["herring-correction"] == "assessing"
    assert set(motivations.values()) == {"commenting", "assessing", "linking", "identifying"}


def test_annotation_export_passes_the_w3c_checks(demo_site: Path):
    checker = SHARED / "w3c-annotation-tests/check.py"
    if not checker.exists():
        pytest.skip("../shared/w3c-annotation-tests is not beside this clone (it is in CI)")
    pytest.importorskip("jsonschema")
    for path, _, _ in exports(demo_site):
        proc = subprocess.run([sys.executable, str(checker), str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pages_files(project):
    root = project({"content/site.yml": "title: T\nbase_url: https://ex.org/r/\ncname: news.example.org\n"})
    assert run_cli("build", cwd=root).code == 0
    site = root / "site"
    assert (site / ".nojekyll").read_bytes() == b""
    assert (site / "CNAME").read_text() == "news.example.org\n"
    assert "Sitemap: https://ex.org/r/sitemap.xml" in (site / "robots.txt").read_text()
    html = (site / "404.html").read_text()
    assert 'href="https://ex.org/r/static/style.css"' in html
    assert 'href="https://ex.org/r/speakers/"' in html


def test_no_cname_without_setting(demo_site: Path):
    assert not (demo_site / "CNAME").exists()


def test_sub_path_crawl_including_404_page(tmp_path: Path):
    (tmp_path / "site").mkdir()
    with serve_folder(tmp_path / "site", PagesHandler, "/repo/") as base:
        run = run_cli("build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "site"),
                      "--base-url", base, cwd=tmp_path)
        assert run.code == 0, run.err
        _, problems = crawl_http(base)
        assert problems == []
        # Pages serves 404.html at any depth: its links must work from deep inside the site.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "no/such/deep/page/")
        links = [link for link in parse(missing.value.read().decode()).links if not link.startswith("#")]
        assert links and all(link.startswith(base) for link in links)
        _, problems = crawl_http(base + "404.html")
        assert problems == []


def test_search_page_says_when_search_is_unavailable(monkeypatch, tmp_path):
    from briefings.outputs import publish
    from briefings.pipeline import Options, gather
    monkeypatch.setattr(publish, "search_available", lambda: False)
    monkeypatch.setattr("briefings.pipeline.search_available", lambda: False)
    site = gather(Options(content=SITES / "crosslinks/content", templates=tmp_path))
    page = site.files["search/index.html"].decode()
    assert "Search is unavailable on this site" in page and "pagefind-ui.js" not in page
