"""Helpers templates call to follow ids to objects (briefings, speakers, provisions...)."""

from __future__ import annotations

from html import escape

from ..index import Index
from ..model import Annotation, Article, Briefing, Content, Document, Provision, Speaker, reads
from .structured import jsonld


class Lookup:
    """Helpers templates call to follow ids to objects.

    Each helper's mark (model.reads) says what it reads of the briefing it is asked about, so the
    engine knows which pages an edit affects; a new helper without a mark is taken to read every
    briefing."""

    def __init__(self, content: Content, articles: dict[str, Article], index: Index) -> None:
        self.content, self.articles, self.index = content, articles, index
        self.briefings = {b.slug: b for b in content.briefings}
        self._annotations: dict[str, dict[str, Annotation]] = {}
        """Slug -> its annotations by id, made when first asked for (a page reads a few briefings)."""
        self.provisions = {f"{d.id}/{p.id}": p for d in content.documents.values() for p in d.provisions}

    @reads("briefing")
    def briefing(self, slug: str) -> Briefing:
        """Return a briefing by slug."""
        return self.briefings[slug]

    @reads("briefing")
    def article(self, slug: str) -> Article:
        """Return a briefing's anchored article."""
        return self.articles[slug]

    @reads("annotation")
    def annotation(self, slug: str, aid: str) -> Annotation:
        """Return an annotation by briefing slug and id."""
        found = self._annotations.get(slug)
        if found is None:
            found = self._annotations[slug] = {a.id: a for a in self.briefings[slug].annotations}
        return found[aid]

    @reads("annotation")
    def quote_text(self, slug: str, aid: str) -> str:
        """Return the text an annotation highlights, as it stands in the article."""
        start, end = self.articles[slug].spans[aid]
        return " ".join(self.articles[slug].text[start:end].split())

    @reads("outline")
    def note_numbers(self, slug: str) -> dict[str, int]:
        """Return annotation id -> note number, numbered in reading order."""
        spans = self.articles[slug].spans
        return {aid: n for n, aid in enumerate(sorted(spans, key=lambda i: (spans[i], i)), 1)}

    @reads("outline")
    def speakers_of(self, slug: str) -> tuple[str, ...]:
        """Return the ids of the speakers with statements in a briefing."""
        return self.index.speakers_of[slug]

    @reads("annotation", "outline")
    def statement_html(self, slug: str, aid: str) -> str:
        """Return a statement as HTML for feeds: the quote, where it was said, and the note."""
        b = self.briefings[slug]
        return (f"<blockquote><p>{escape(self.quote_text(slug, aid))}</p></blockquote>"
                f"<p>{escape(b.title)}, {b.date.isoformat()}</p>{self.articles[slug].notes[aid]}")

    @reads("shared")
    def jsonld(self, page) -> dict | None:
        """Return a page's schema.org structured data."""
        return jsonld(page, self.content.site, self)

    @reads("shared")
    def speaker(self, sid: str) -> Speaker:
        """Return a speaker by id."""
        return self.content.speakers[sid]

    @reads("shared")
    def document(self, did: str) -> Document:
        """Return a document by id."""
        return self.content.documents[did]

    @reads("shared")
    def provision(self, ref: str) -> Provision:
        """Return a provision by 'document/provision' reference."""
        return self.provisions[ref]

    @reads("shared")
    def topic(self, tid: str):
        """Return a topic by id."""
        return self.content.topics[tid]
