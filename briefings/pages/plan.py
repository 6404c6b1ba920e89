"""Which pages the site has and what each one shows: the plan the renderer follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..index import Index
from ..model import KINDS, Briefing, Content, Document


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


@dataclass(frozen=True)
class Pager:
    """Where a page sits in a paginated listing."""

    number: int
    """1-based number of this page."""
    count: int
    """How many pages the listing has."""
    prefix: str
    """URL of the listing's first page, relative to the site root."""
    total: int = 0
    """How many entries the whole listing has."""

    def url(self, n: int) -> str:
        """Return the URL of page n, relative to the site root."""
        return self.prefix if n == 1 else f"{self.prefix}page/{n}/"

    def shown(self) -> list[int]:
        """Return the page numbers a pagination bar can show: the first three, the last three and
        those within two of this one (looping over every number made long listings quadratic)."""
        near = range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)
        ends = (1, 2, 3, self.count - 2, self.count - 1, self.count)
        return sorted({*near, *(n for n in ends if 1 <= n <= self.count)})


def listing(prefix: str, template: str, items: tuple, size: int, context: dict, title: str) -> list[Page]:
    """Split a list into numbered pages at prefix, prefix/page/2/, ... (one page when empty)."""
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [()]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        pager = Pager(n, len(chunks), prefix, len(items))
        pages.append(Page(f"{pager.url(n)}index.html", template, {**context, "items": chunk, "pager": pager},
                          title if n == 1 else f"{title} (page {n})"))
    return pages


def plan(content: Content, index: Index, search: bool) -> list[Page]:
    """Return every page of the site with the variables it shows.

    search tells whether the site has a search index.
    """
    size = content.site.page_size
    pages = listing("", "index.html", index.newest, size, {}, content.site.title)
    pages += archives(content, index, size)
    pages += [briefing_page(b, index) for b in content.briefings]
    pages += speaker_pages(content, index, size)
    pages += document_pages(content, index, size)
    rows = tuple((t, len(index.topic_briefings[t])) for t in content.topics)
    pages.append(Page("topics/index.html", "topics.html", {"rows": rows}, "Topics"))
    for t in content.topics.values():
        pages += listing(f"topics/{t.id}/", "topic.html", index.topic_briefings[t.id], size, {"t": t},
                         t.title)
    pages += annotation_pages(index, size)
    pages.append(Page("search/index.html", "search.html", {"search": search}, "Search"))
    pages.append(Page("404.html", "404.html", {}, "Page not found", absolute=True))
    return pages + feeds(content, index, size) + [sitemap(content, pages)]


def briefing_page(b: Briefing, index: Index) -> Page:
    """Return a briefing's own page."""
    prev, nxt = index.neighbours[b.slug]
    return Page(f"briefings/{b.slug}/index.html", "briefing.html",
                {"b": b, "prev": prev, "next": nxt, "related": index.related[b.slug],
                 "speakers": index.speakers_of[b.slug], "also_mentioned": index.also_mentioned[b.slug]},
                b.title)


def archives(content: Content, index: Index, size: int) -> list[Page]:
    """Return the archive: a page listing every month, and each month's briefings."""
    months: dict[str, list[str]] = {}
    dates = {b.slug: b.date for b in content.briefings}
    for slug in index.newest:
        months.setdefault(f"{dates[slug]:%Y/%m}", []).append(slug)
    rows = tuple((m, len(slugs), dates[slugs[0]]) for m, slugs in months.items())
    pages = [Page("archive/index.html", "archive.html", {"rows": rows}, "Archive")]
    for month, slugs in months.items():
        pages += listing(f"archive/{month}/", "month.html", tuple(slugs), size,
                         {"when": dates[slugs[0]]}, f"{dates[slugs[0]]:%B %Y}")
    return pages


def speaker_pages(content: Content, index: Index, size: int) -> list[Page]:
    """Return the speakers index, each speaker's statements and the briefings that name them."""
    rows = tuple((s, len(index.statements[s]), len(index.mentioned_in[s])) for s in content.speakers)
    pages = [Page("speakers/index.html", "speakers.html", {"rows": rows}, "Speakers")]
    for s in content.speakers.values():
        named = index.mentioned_in[s.id]
        first = named[:size]
        pages += listing(f"speakers/{s.id}/", "speaker.html", index.statements[s.id], size,
                         {"s": s, "mentioned_in": first, "mentioned_total": len(named)}, s.name)
        if len(named) > size:
            pages += listing(f"speakers/{s.id}/mentioned/", "mentioned.html", named, size, {"s": s},
                             f"Briefings that mention {s.name}")
    return pages


def document_pages(content: Content, index: Index, size: int) -> list[Page]:
    """Return each document with its provisions; long provision timelines get pages of their own."""
    pages = [Page("documents/index.html", "documents.html", {}, "Documents")]
    for d in content.documents.values():
        context = document_context(d, index, size)
        pages.append(Page(f"documents/{d.id}/index.html", "document.html", context, d.title))
        for p in d.provisions:
            if context["totals"][p.id] > size:
                pages += listing(f"documents/{d.id}/{p.id}/", "provision.html", index.citations[f"{d.id}/{p.id}"],
                                 size, {"d": d, "p": p}, f"{p.label}, {d.title}")
    return pages


def document_context(d: Document, index: Index, size: int) -> dict:
    """Return a document page's variables: per provision, the first `size` annotations citing it and
    the newest `size` statements discussing it, by speaker (a speaker's page lists all of theirs),
    with the totals: the page does not grow with the archive."""
    cites = {p.id: index.citations.get(f"{d.id}/{p.id}", ()) for p in d.provisions}
    said = {p.id: index.discussed.get(f"{d.id}/{p.id}", ()) for p in d.provisions}
    return {"d": d, "citations": {pid: refs[:size] for pid, refs in cites.items()},
            "totals": {pid: len(refs) for pid, refs in cites.items()},
            "said_by": {pid: by_speaker(refs[:size]) for pid, refs in said.items()},
            "said_totals": {pid: len(refs) for pid, refs in said.items()}}


def by_speaker(said: tuple) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Group (speaker, slug, statement id) triples, newest first, by speaker: each speaker with their
    statements, speakers in the order of their newest statement."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for sid, slug, aid in said:
        groups.setdefault(sid, []).append((slug, aid))
    return tuple((sid, tuple(refs)) for sid, refs in groups.items())


def annotation_pages(index: Index, size: int) -> list[Page]:
    """Return the annotations index (newest of each kind) and one paginated list per kind."""
    by_kind = {k: index.by_kind[k][:size] for k in KINDS}
    totals = {k: len(index.by_kind[k]) for k in KINDS}
    pages = [Page("annotations/index.html", "annotations.html",
                  {"kinds": KINDS, "by_kind": by_kind, "totals": totals}, "Annotations")]
    for kind in KINDS:
        pages += listing(f"annotations/{kind}/", "annotations_kind.html", index.by_kind[kind], size,
                         {"kind": kind}, f"Annotations: {kind}s")
    return pages


def feeds(content: Content, index: Index, size: int) -> list[Page]:
    """Return the Atom feeds: the newest briefings, and each speaker's newest statements.

    A feed holds the newest `size` entries, like the first page of a listing: readers fetch it
    again and again, so it must not grow with the archive (the site's pages hold the rest).
    """
    dates = {b.slug: b.date.isoformat() for b in content.briefings}
    newest = dates[index.newest[0]] if index.newest else "1970-01-01"
    latest = index.newest[:size]
    pages = [Page("feed.xml", "feed.xml", {"slugs": latest, "updated": newest},
                  content.site.title)]
    for s in content.speakers.values():
        said = index.statements[s.id][:size]
        pages.append(Page(f"speakers/{s.id}/feed.xml", "speaker_feed.xml",
                          {"s": s, "statements": said, "updated": dates[said[0][0]] if said else newest},
                          s.name))
    return pages


def sitemap(content: Content, pages: list[Page]) -> Page:
    """Return the sitemap page listing every HTML page's URL (briefings with their date)."""
    dates = {f"briefings/{b.slug}/": b.date for b in content.briefings}
    urls = tuple((p.url, dates.get(p.url)) for p in pages
                 if p.path.endswith("index.html"))
    return Page("sitemap.xml", "sitemap.xml", {"urls": urls}, "Sitemap")
