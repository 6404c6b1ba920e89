"""The document page's "who said what" view, rendered from the crosslinks fixture site: one section per
provision with the statements discussing it by speaker, its headings, labels and links."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefings.pipeline import Options, gather
from conftest import ROOT, SITES

PAGE = "documents/accord/index.html"


class Outline(HTMLParser):
    """The headings of a page (level, id, text), its labelled sections and its link targets."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[list] = []
        self.labelled: list[str] = []
        self.hrefs: list[str] = []
        self.open: list | None = None
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.open = [int(tag[1]), a.get("id"), ""]
            self.headings.append(self.open)
        if tag == "section" and "aria-labelledby" in a:
            self.labelled.append(a["aria-labelledby"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self.open = None

    def handle_data(self, data):
        if self.open is not None:
            self.open[2] += data


def build(content: Path) -> dict[str, str]:
    """Render a site in memory; return its HTML pages by path."""
    files = gather(Options(content=content, templates=ROOT / "templates")).files
    return {path: data.decode() for path, data in files.items() if path.endswith(".html")}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return build(SITES / "crosslinks/content")


def provision(html: str, pid: str) -> str:
    """Return the markup of one provision's section."""
    start = html.index(f'<section class="provision" id="{pid}"')
    end = html.find('<section class="provision"', start + 1)
    return html[start:end if end > 0 else html.index("</main>")]


def said_by(html: str, pid: str) -> str:
    """Return the markup of a provision's who-said-what section ('' when it has none)."""
    part = provision(html, pid)
    start = part.find('<section class="said-by"')
    return part[start:part.index("</section>", start)] if start >= 0 else ""


def test_speakers_by_their_newest_statement_each_with_role_and_link(pages):
    part = said_by(pages[PAGE], "art-1")
    assert 'aria-labelledby="art-1-said"' in part
    assert re.search(r'<h3 class="timeline-title" id="art-1-said">Who said what about Article 1: 2 statements, '
                     r"newest first</h3>", part)
    speakers = re.findall(r'<h4 class="said-speaker"><a href="([^"]+)">([^<]+)</a>(.*?)</h4>', part)
    # Petrov spoke in beta (20 February), Ek in alpha (10 January): the newer first.
    assert speakers == [("../../speakers/ivan-petrov/", "Ivan Petrov", '<span class="role">, Envoy</span>'),
                        ("../../speakers/lena-ek/", "Lena Ek", '<span class="role">, Spokesperson</span>')]


def test_each_statement_links_its_highlight_with_date_and_briefing(pages):
    part = said_by(pages[PAGE], "art-1")
    petrov = part[part.index("ivan-petrov"):part.index("lena-ek")]
    assert '<a href="../../briefings/beta/#petrov-fees">“fees would be shared equally”</a>' in petrov
    assert ('<time datetime="2024-02-20">20 February 2024</time> · '
            '<a href="../../briefings/beta/">Beta briefing</a>') in petrov
    assert '<a href="../../briefings/alpha/#ek-open">“the harbour will stay open all winter”</a>' in part
    for href in Outline(part).hrefs:  # every link lands on a built page, and a fragment on its id
        target, _, fragment = href.partition("#")
        page = pages[norm(f"documents/accord/{target}index.html")]
        assert not fragment or f'id="{fragment}"' in page, href


def norm(path: str) -> str:
    """Return a relative page path with '..' resolved."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part:
            parts.append(part)
    return "/".join(parts)


def test_a_provision_nobody_discussed_has_no_such_section(pages):
    assert said_by(pages[PAGE], "art-3") == ""
    art2 = said_by(pages[PAGE], "art-2")
    assert art2.count('class="said-speaker"') == 1 and "1 statement, newest first" in art2
    assert "The newest" not in pages[PAGE]  # nothing left out


def test_headings_do_not_skip_levels_and_labels_name_headings(pages):
    outline = Outline(pages[PAGE])
    levels = [level for level, _, _ in outline.headings]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    ids = {hid for _, hid, _ in outline.headings if hid}
    assert {"art-1-said", "art-2-said"} <= set(outline.labelled) <= ids


def test_a_long_view_shows_the_newest_page_size_statements(tmp_path):
    content = shutil.copytree(SITES / "crosslinks/content", tmp_path / "content")
    site = content / "site.yml"
    site.write_text(site.read_text() + "page_size: 1\n")
    part = said_by(build(content)[PAGE], "art-1")
    assert part.count('class="said-speaker"') == 1 and "ivan-petrov" in part and "lena-ek" not in part
    assert "2 statements, newest first" in part
    assert "The newest 1 of 2 statements; each speaker’s page lists all of theirs." in part
