"""The search index's records: what each briefing, speaker, document and topic says to the indexer,
and which part of the index holds it.

Records are made from the model, never from the written pages. The index comes in parts, each a
folder of its own under pagefind/ that the search page merges in the browser: one per year of
briefings (pagefind/2024/ ...) and one for the speakers', documents' and topics' pages
(pagefind/pages/). A record reads only its briefing (files and anchored article) and the shared
content that shared_inputs() names, so a part can be kept while those are unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..model import KINDS, Article, Briefing, Content
from ..pages.render import kind_label, longdate
from ..text.markdown import render_markdown
from ..text.textcontent import plain_text

FOLDER = "pagefind/"
"""Where the index lives in the site: one folder per part, the search UI's files beside them."""
PAGES = "pages"
"""The part holding the speakers', documents' and topics' pages."""
PARTS_FILE = FOLDER + "parts.json"
"""Lists the parts, for the search page to merge."""
FILTERS = ("speaker", "kind", "topic", "year")
"""The filters records carry, as the search page offers them."""


@dataclass(frozen=True)
class SearchRecord:
    """One result the index can give: a page with its text, title and filter values."""

    url: str
    """The page's URL from the site's root, with a leading slash (the search page adds the
    site's own path)."""
    title: str
    """The result's title."""
    content: str
    """The plain text searched and quoted in excerpts."""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(filter, values) pairs: the values of each filter (FILTERS) the page is found under."""


def part_of(b: Briefing) -> str:
    """Return the name of the part holding a briefing: its year."""
    return f"{b.date.year:04d}"


def parts_of(content: Content) -> dict[str, list[Briefing]]:
    """Return the briefings of each part, newest part first, briefings oldest first in each."""
    parts: dict[str, list[Briefing]] = {}
    for b in content.briefings:
        parts.setdefault(part_of(b), []).append(b)
    return dict(sorted(parts.items(), reverse=True))


def shared_inputs(content: Content) -> str:
    """Return, as text, all that records read besides each briefing's own files and article: the
    speakers, documents and topics, the language and whether raw HTML passes."""
    site = content.site
    return repr((site.language, site.allow_html, content.speakers, content.documents, content.topics))


def filters(**values) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the filter pairs of the non-empty value lists given by filter name, in FILTERS order."""
    return tuple((name, tuple(values[name])) for name in FILTERS if values.get(name))


def briefing_record(b: Briefing, art: Article, content: Content) -> SearchRecord:
    """Return a briefing's record: the text its page shows (heading, people, summary, body, notes)
    and its speakers (those with statements), annotation kinds, topics and year."""
    speakers = {a.speaker: content.speakers[a.speaker].name for a in b.annotations if a.kind == "statement"}
    mentioned = [content.speakers[s].name for s in art.mentioned if s not in speakers]
    topics = [content.topics[t].title for t in b.topics]
    head = [" · ".join(topics), b.title, longdate(b.date), b.source.name if b.source else "",
            " ".join(speakers.values()), " ".join(mentioned), plain_text(art.summary_html) if art.summary_html else ""]
    text = "\n".join([*filter(None, head), art.text, *notes(b, art, content)])
    kinds = {a.kind for a in b.annotations}
    return SearchRecord(f"/briefings/{b.slug}/", b.title, text,
                        filters(speaker=sorted(set(speakers.values())), kind=[kind_label(k) for k in KINDS if k in kinds],
                                topic=sorted(set(topics)), year=[part_of(b)]))


def notes(b: Briefing, art: Article, content: Content) -> list[str]:
    """Return each annotation as the page's endnotes say it, in reading order: kind, speaker,
    provision, the quote and the note."""
    lines = []
    for a in sorted(b.annotations, key=lambda a: art.spans[a.id]):
        who = [kind_label(a.kind)]
        if a.speaker:
            who.append(content.speakers[a.speaker].name)
        if a.provision:
            doc, _, pid = a.provision.partition("/")
            who += [p.label for p in content.documents[doc].provisions if p.id == pid]
        start, end = art.spans[a.id]
        note = plain_text(art.notes[a.id]) if art.notes.get(a.id) else ""
        lines.append(f"{', '.join(who)}: “{' '.join(art.text[start:end].split())}” {note}".rstrip())
    return lines


def page_records(content: Content) -> list[SearchRecord]:
    """Return the records of the speakers', documents' and topics' own pages."""
    html = content.site.allow_html

    def text(*parts: str) -> str:
        return "\n".join(p for p in parts if p)

    def md(source: str) -> str:
        return plain_text(render_markdown(source, html)) if source else ""

    records = [SearchRecord(f"/speakers/{s.id}/", s.name, text(s.name, s.role, s.organization, " ".join(s.aliases),
                                                                md(s.bio)), filters(speaker=[s.name]))
               for s in content.speakers.values()]
    records += [SearchRecord(f"/documents/{d.id}/", d.title,
                             text(d.title, d.issuer, *(text(p.label, md(p.text)) for p in d.provisions)))
                for d in content.documents.values()]
    records += [SearchRecord(f"/topics/{t.id}/", t.title, text(t.title, md(t.description)), filters(topic=[t.title]))
                for t in content.topics.values()]
    return records


def parts_listing(names: list[str]) -> bytes:
    """Return the parts file: the parts' folder names, the first one the search page's primary index."""
    return (json.dumps({"parts": names}) + "\n").encode()
