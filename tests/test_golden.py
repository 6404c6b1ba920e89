"""Golden test of the demo build: the key fragments of each page type, checked against the content.

The expectations come from loading content/ itself, so editing the demo text does not break them;
what they pin down is the structure every page type must have (issue 2, section 4 and 5).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from briefings.content.load import load
from briefings.index import build_index
from briefings.model import KINDS, Content
from briefings.pipeline import anchor_all

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    """One parsed element: its tag, attributes and text content."""

    def __init__(self, tag: str, attrs: dict[str, str], pos: int) -> None:
        self.tag, self.attrs, self.pos, self.parts = tag, attrs, pos, []
        self.children: list[Element] = []

    @property
    def text(self) -> str:
        """Return the text content, whitespace collapsed."""
        return " ".join("".join(self.parts).split())

    @property
    def classes(self) -> set[str]:
        """Return the class names."""
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Return the descendants with this tag whose attributes contain these values (class: one name)."""
        out = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                    (v in child.classes if k == "class_" else child.attrs.get(k) == v) for k, v in attrs.items()):
                out.append(child)
            out.extend(child.find(tag, **attrs))
        return sorted(out, key=lambda e: e.pos)


class Page(HTMLParser):
    """A parsed page: a tree of Elements under a root."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = Element("#root", {}, -1)
        self.stack = [self.root]
        self.count = 0
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.count += 1
        el = Element(tag, {k: v or "" for k, v in attrs}, self.count)
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for el in self.stack:
            el.parts.append(data)

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Return the elements with this tag and attributes, in document order."""
        return self.root.find(tag, **attrs)

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        """Return the only such element."""
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def hrefs(self, within: Element | None = None) -> list[str]:
        """Return every link target, in order."""
        return [a.attrs["href"] for a in (within or self.root).find("a") if "href" in a.attrs]

    def ids(self) -> set[str]:
        """Return every id on the page."""
        return {m for m in re.findall(r'\sid="([^"]*)"', self.source)}


@pytest.fixture(scope="module")
def content() -> Content:
    """The demo content as the generator reads it."""
    errors = []
    loaded = load(ROOT / "content", errors)
    assert errors == []
    return loaded


@pytest.fixture(scope="module")
def read(demo_site):
    """Return a function that parses one page of the demo build."""
    def get(rel: str) -> Page:
        path = demo_site / rel
        assert path.is_file(), f"missing page {rel}"
        return Page(path.read_text(encoding="utf-8"))
    return get


def plain(markdown: str) -> str:
    """Return the words of a short Markdown text, without its emphasis marks."""
    return " ".join(re.sub(r"[*_`]", "", markdown).split())


def all_pages(demo_site: Path) -> list[Path]:
    """Return every HTML page of the build."""
    return sorted(demo_site.rglob("*.html"))


# --- home ---------------------------------------------------------------------------------------

def test_home_lists_briefings_newest_first_with_date_title_summary_and_speakers(read, content):
    home = read("index.html")
    newest = sorted(content.briefings, key=lambda b: (b.date, b.slug), reverse=True)
    links = [h for h in home.hrefs() if re.fullmatch(r"briefings/[a-z0-9-]+/", h)]
    assert list(dict.fromkeys(links)) == [f"briefings/{b.slug}/" for b in newest]
    entries = [el for el in home.find("li") if any(h.startswith("briefings/") for h in home.hrefs(el))]
    assert len(entries) == len(newest)
    for b, entry in zip(newest, entries):
        assert entry.find("time", datetime=b.date.isoformat()), b.slug
        assert b.title in entry.text
        assert plain(b.summary)[:60] in entry.text
        speakers = {a.speaker for a in b.annotations if a.kind == "statement"}
        for sid in speakers:
            assert f"speakers/{sid}/" in home.hrefs(entry), (b.slug, sid)
            assert content.speakers[sid].name in entry.text


# --- briefing pages -----------------------------------------------------------------------------

def test_briefing_page_has_title_date_source_and_summary(read, content):
    for b in content.briefings:
        page = read(f"briefings/{b.slug}/index.html")
        assert page.one("h1").text == b.title
        assert page.find("time", datetime=b.date.isoformat())
        if b.source:
            links = [a.text for a in page.find("a") if a.attrs.get("href") == b.source.url]
            assert b.source.name in links, b.slug  # the body may link the same URL as well
        details = page.one("details")
        assert details.find("summary")[0].text == "No time to read? Get a summary"
        assert plain(b.summary)[:60] in details.text


def test_every_annotation_is_highlighted_with_its_kind_and_deep_linkable(read, content):
    for b in content.briefings:
        page = read(f"briefings/{b.slug}/index.html")
        kinds = {a.id: a.kind for a in b.annotations}
        marks = [m for m in page.find("mark") if "data-annotations" in m.attrs]
        covered: dict[str, list[Element]] = {}
        for m in marks:
            ids = m.attrs["data-annotations"].split()
            assert ids and set(ids) <= set(kinds), (b.slug, ids)
            assert {f"hl-{kinds[i]}" for i in ids} <= m.classes, (b.slug, m.attrs)
            for i in ids:
                covered.setdefault(i, []).append(m)
        assert set(covered) == set(kinds), b.slug
        for a in b.annotations:
            assert a.id in page.ids(), (b.slug, a.id)
            # The pieces together are the quote (whitespace between blocks stays outside the marks).
            pieces = re.sub(r"\s", "", "".join(m.text for m in covered[a.id]))
            assert pieces == re.sub(r"\s", "", a.quote), (b.slug, a.id)


def test_every_kind_is_used_in_the_demo(content):
    assert {a.kind for b in content.briefings for a in b.annotations} == set(KINDS)


def test_notes_are_shown_and_linked_to_speakers_and_provisions(read, content):
    for b in content.briefings:
        page = read(f"briefings/{b.slug}/index.html")
        for a in b.annotations:
            if a.note:
                assert plain(a.note)[:40] in page.root.text, (b.slug, a.id)
            if a.speaker:
                assert f"../../speakers/{a.speaker}/" in page.hrefs()
            if a.provision:
                doc, _, prov = a.provision.partition("/")
                assert f"../../documents/{doc}/#{prov}" in page.hrefs()


def test_previous_and_next_link_by_date_and_are_left_out_at_the_ends(read, content):
    order = list(content.briefings)  # oldest first
    for n, b in enumerate(order):
        page = read(f"briefings/{b.slug}/index.html")
        prev = page.find("a", rel="prev")
        nxt = page.find("a", rel="next")
        if n == 0:
            assert prev == []
        else:
            assert [a.attrs["href"] for a in prev] == [f"../{order[n - 1].slug}/"]
            assert order[n - 1].title in prev[0].text
        if n == len(order) - 1:
            assert nxt == []
        else:
            assert [a.attrs["href"] for a in nxt] == [f"../{order[n + 1].slug}/"]
            assert order[n + 1].title in nxt[0].text


# --- the other page types -----------------------------------------------------------------------

def test_speaker_pages_show_the_person_and_link_their_statements(read, content):
    listing = read("speakers/index.html")
    for sid, s in content.speakers.items():
        assert f"{sid}/" in listing.hrefs()
        page = read(f"speakers/{sid}/index.html")
        assert page.one("h1").text == s.name
        if s.role:
            assert s.role in page.root.text
        for b in content.briefings:
            for a in b.annotations:
                if a.speaker == sid:
                    assert f"../../briefings/{b.slug}/#{a.id}" in page.hrefs(), (sid, a.id)


def test_document_pages_anchor_every_provision(read, content):
    listing = read("documents/index.html")
    for did, d in content.documents.items():
        assert f"{did}/" in listing.hrefs()
        page = read(f"documents/{did}/index.html")
        assert page.one("h1").text == d.title
        for p in d.provisions:
            assert p.id in page.ids(), (did, p.id)
            assert p.label in page.root.text


def test_document_pages_show_who_said_what_about_each_provision(read, content):
    errors = []
    index = build_index(content, anchor_all(content, errors))
    assert errors == []
    discussed = 0
    for did, d in content.documents.items():
        page = read(f"documents/{did}/index.html")
        for p in d.provisions:
            section = page.one("section", id=p.id)
            views = section.find("section", class_="said-by")
            said = index.discussed.get(f"{did}/{p.id}", ())
            if not said:
                assert views == [], (did, p.id)
                continue
            discussed += 1
            view = views[0]
            assert view.attrs["aria-labelledby"] == f"{p.id}-said" and view.find("h3", id=f"{p.id}-said")
            # Speakers by their newest statement, and under each their statements, newest first.
            order = list(dict.fromkeys(sid for sid, _, _ in said))
            speakers = [page.hrefs(h)[0] for h in view.find("h4", class_="said-speaker")]
            assert speakers == [f"../../speakers/{sid}/" for sid in order]
            links = [h for h in page.hrefs(view) if "#" in h]
            grouped = sorted(said, key=lambda r: order.index(r[0]))  # stable: newest first within each
            assert links == [f"../../briefings/{slug}/#{aid}" for _, slug, aid in grouped], (did, p.id)
    assert discussed >= 3, "the demo should show statements discussing several provisions"


def test_topic_pages_list_their_briefings(read, content):
    listing = read("topics/index.html")
    assert len(content.topics) >= 2
    for tid, t in content.topics.items():
        assert f"{tid}/" in listing.hrefs()
        page = read(f"topics/{tid}/index.html")
        assert page.one("h1").text == t.title
        for b in content.briefings:
            linked = f"../../briefings/{b.slug}/" in page.hrefs()
            assert linked == (tid in b.topics), (tid, b.slug)


def test_annotations_page_links_every_annotation(read, content):
    page = read("annotations/index.html")
    for b in content.briefings:
        for a in b.annotations:
            assert f"../briefings/{b.slug}/#{a.id}" in page.hrefs(), a.id


# --- every page ---------------------------------------------------------------------------------

def test_no_page_has_an_empty_link_a_placeholder_or_a_root_relative_link(demo_site):
    for path in all_pages(demo_site):
        rel = path.relative_to(demo_site).as_posix()
        page = Page(path.read_text(encoding="utf-8"))
        for href in page.hrefs():
            assert href.strip(), f"{rel}: empty link"
            if rel != "404.html":  # the 404 page is served at any depth, so it uses base_url
                assert not href.startswith("/") or href.startswith("//"), f"{rel}: {href}"
        for leftover in ("{}", "{{", "}}", "{%", "None</", ">None<", "Undefined"):
            assert leftover not in page.source, f"{rel}: {leftover!r}"


def test_internal_links_resolve_to_built_pages(demo_site):
    for path in all_pages(demo_site):
        if path.name == "404.html":
            continue
        page = Page(path.read_text(encoding="utf-8"))
        for href in page.hrefs():
            if re.match(r"[a-z]+:|//|#", href):
                continue
            target, _, fragment = href.partition("#")
            dest = (path.parent / html.unescape(target)).resolve()
            if dest.is_dir():
                dest = dest / "index.html"
            assert dest.is_file(), f"{path.relative_to(demo_site)}: broken link {href}"
            if fragment and dest.suffix == ".html":
                assert f'id="{fragment}"' in dest.read_text(encoding="utf-8"), f"{href} has no #{fragment}"


def test_every_page_links_the_site_icon_where_it_is_built(demo_site, content):
    assert (demo_site / "static/favicon.svg").is_file()
    for path in all_pages(demo_site):
        rel = path.relative_to(demo_site).as_posix()
        icons = [el.attrs for el in Page(path.read_text(encoding="utf-8")).find("link", rel="icon")]
        # 404.html is served at any depth, so its icon, like its other links, starts at base_url.
        root = content.site.base_url if rel == "404.html" else "../" * rel.count("/")
        assert icons == [{"rel": "icon", "href": f"{root}static/favicon.svg", "type": "image/svg+xml"}], rel
