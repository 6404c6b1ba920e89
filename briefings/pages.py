"""Which pages the site has and what each one shows: the plan the renderer follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from .index import Index
from .publish import search_available
from .structured import jsonld
from .model import KINDS, Annotation, Article, Briefing, Content, Document, Provision, Speaker


@dataclass(frozen=True)
class Page:
    """One output file to render."""

    path: str
    """Output path relative to the site root, e.g. 'briefings/x/index.html'."""
    template: str
    """Template name."""
    context: dict = field(hash=False)
    """Template variables specific to this page."""
    title: str = ""
    """Page title (for the sitemap, feeds and the <title>)."""
    deps: frozenset[str] = frozenset()
    """Slugs of the briefings whose content the page shows (a change to one re-renders it)."""
    absolute: bool = False
    """Whether links must be absolute (built from base_url), as on 404.html, served at any depth."""

    @property
    def root(self) -> str:
        """Return the relative prefix that leads from this page to the site root."""
        return "../" * self.path.count("/")

    @property
    def url(self) -> str:
        """Return the page's URL relative to the site root ('' for home, 'briefings/x/')."""
        return self.path.removesuffix("index.html")


class Lookup:
    """Helpers templates call to follow ids to objects."""

    def __init__(self, content: Content, articles: dict[str, Article], index: Index) -> None:
        self.content, self.articles, self.index = content, articles, index
        self.briefings = {b.slug: b for b in content.briefings}
        self.annotations = {(b.slug, a.id): a for b in content.briefings for a in b.annotations}
        self.provisions = {f"{d.id}/{p.id}": p for d in content.documents.values() for p in d.provisions}

    def briefing(self, slug: str) -> Briefing:
        """Return a briefing by slug."""
        return self.briefings[slug]

    def article(self, slug: str) -> Article:
        """Return a briefing's anchored article."""
        return self.articles[slug]

    def annotation(self, slug: str, aid: str) -> Annotation:
        """Return an annotation by briefing slug and id."""
        return self.annotations[(slug, aid)]

    def quote_text(self, slug: str, aid: str) -> str:
        """Return the text an annotation highlights, as it stands in the article."""
        start, end = self.articles[slug].spans[aid]
        return " ".join(self.articles[slug].text[start:end].split())

    def note_numbers(self, slug: str) -> dict[str, int]:
        """Return annotation id -> note number, numbered in reading order."""
        spans = self.articles[slug].spans
        return {aid: n for n, aid in enumerate(sorted(spans, key=lambda i: (spans[i], i)), 1)}

    def speakers_of(self, slug: str) -> tuple[str, ...]:
        """Return the ids of the speakers with statements in a briefing."""
        return self.index.speakers_of[slug]

    def statement_html(self, slug: str, aid: str) -> str:
        """Return a statement as HTML for feeds: the quote, where it was said, and the note."""
        from html import escape
        b = self.briefings[slug]
        return (f"<blockquote><p>{escape(self.quote_text(slug, aid))}</p></blockquote>"
                f"<p>{escape(b.title)}, {b.date.isoformat()}</p>{self.articles[slug].notes[aid]}")

    def jsonld(self, page: Page) -> dict | None:
        """Return a page's schema.org structured data."""
        return jsonld(page, self.content.site, self)

    def speaker(self, sid: str) -> Speaker:
        """Return a speaker by id."""
        return self.content.speakers[sid]

    def document(self, did: str) -> Document:
        """Return a document by id."""
        return self.content.documents[did]

    def provision(self, ref: str) -> Provision:
        """Return a provision by 'document/provision' reference."""
        return self.provisions[ref]

    def topic(self, tid: str):
        """Return a topic by id."""
        return self.content.topics[tid]


def plan(content: Content, index: Index) -> list[Page]:
    """Return every page of the site with the variables it shows and the briefings it depends on."""
    pages = [Page("index.html", "index.html", {"slugs": index.newest}, content.site.title,
                  frozenset(index.newest))]
    for b in content.briefings:
        prev, nxt = index.neighbours[b.slug]
        related = index.related[b.slug]
        pages.append(Page(
            f"briefings/{b.slug}/index.html", "briefing.html",
            {"b": b, "prev": prev, "next": nxt, "related": related,
             "speakers": index.speakers_of[b.slug], "also_mentioned": index.also_mentioned[b.slug]},
            b.title, frozenset(filter(None, (b.slug, prev, nxt, *related)))))
    rows = tuple((s, len(index.statements[s]), len(index.mentioned_in[s])) for s in content.speakers)
    pages.append(Page("speakers/index.html", "speakers.html", {"rows": rows}, "Speakers"))
    for s in content.speakers.values():
        said, named = index.statements[s.id], index.mentioned_in[s.id]
        pages.append(Page(f"speakers/{s.id}/index.html", "speaker.html",
                          {"s": s, "statements": said, "mentioned_in": named}, s.name,
                          frozenset([slug for slug, _ in said] + list(named))))
    pages.append(Page("documents/index.html", "documents.html", {}, "Documents"))
    for d in content.documents.values():
        cites = {p.id: index.citations.get(f"{d.id}/{p.id}", ()) for p in d.provisions}
        pages.append(Page(f"documents/{d.id}/index.html", "document.html", {"d": d, "citations": cites},
                          d.title, frozenset(slug for refs in cites.values() for slug, _ in refs)))
    rows = tuple((t, len(index.topic_briefings[t])) for t in content.topics)
    pages.append(Page("topics/index.html", "topics.html", {"rows": rows}, "Topics"))
    for t in content.topics.values():
        slugs = index.topic_briefings[t.id]
        pages.append(Page(f"topics/{t.id}/index.html", "topic.html", {"t": t, "slugs": slugs}, t.title,
                          frozenset(slugs)))
    by_kind = {k: index.by_kind[k] for k in KINDS}
    pages.append(Page("annotations/index.html", "annotations.html", {"kinds": KINDS, "by_kind": by_kind},
                      "Annotations", frozenset(slug for refs in by_kind.values() for slug, _ in refs)))
    pages.append(Page("search/index.html", "search.html", {"search": search_available()}, "Search"))
    pages.append(Page("404.html", "404.html", {}, "Page not found", absolute=True))
    return pages + feeds(content, index) + [sitemap(content, pages)]


def feeds(content: Content, index: Index) -> list[Page]:
    """Return the Atom feeds: every briefing, and each speaker's statements."""
    dates = {b.slug: b.date.isoformat() for b in content.briefings}
    newest = dates[index.newest[0]] if index.newest else "1970-01-01"
    pages = [Page("feed.xml", "feed.xml", {"slugs": index.newest, "updated": newest},
                  content.site.title, frozenset(index.newest))]
    for s in content.speakers.values():
        said = index.statements[s.id]
        pages.append(Page(f"speakers/{s.id}/feed.xml", "speaker_feed.xml",
                          {"s": s, "statements": said, "updated": dates[said[0][0]] if said else newest},
                          s.name, frozenset(slug for slug, _ in said)))
    return pages


def sitemap(content: Content, pages: list[Page]) -> Page:
    """Return the sitemap page listing every HTML page's URL (briefings with their date)."""
    dates = {f"briefings/{b.slug}/": b.date for b in content.briefings}
    urls = tuple((p.url, dates.get(p.url)) for p in pages
                 if p.path.endswith("index.html"))
    return Page("sitemap.xml", "sitemap.xml", {"urls": urls}, "Sitemap")
