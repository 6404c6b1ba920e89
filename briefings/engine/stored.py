"""What the build cache keeps of a briefing and its anchored article: plain JSON out, checked JSON in.

Reading back never trusts the shape: any value that is not exactly what this module writes raises
ValueError and counts as absent. Positions in the sidecar are not kept - they only serve error
messages, and a briefing with any error is read again from its files (see pipeline).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from ..model import Annotation, Article, Briefing, Source, Where

ANNOTATION_FIELDS = ("id", "quote", "kind", "note", "speaker", "provision", "prefix", "suffix", "occurrence")
ANNOTATION_TYPES = (str,) * 8 + (int,)
NO_POSITIONS: dict = {}
"""Shared by every annotation from the cache; no one writes to a frozen model's fields."""


def made(cls, pairs, **fields):
    """Return a frozen dataclass instance with every field given (as (name, value) pairs and
    keywords), without running its __init__.

    A cached archive holds tens of thousands of annotations, and __init__ setting twelve fields
    one by one through object.__setattr__ made rebuilding them a tenth of a rebuild's time; a test
    checks that the result equals the one __init__ makes.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(pairs, **fields)
    return obj


def briefing_value(b: Briefing) -> list:
    """Return the JSON-able form of a briefing, without its body and paths (the cache key holds them)."""
    return [b.title, b.date.isoformat(), [b.source.name, b.source.url] if b.source else None, b.summary,
            list(b.topics), [[getattr(a, f) for f in ANNOTATION_FIELDS] for a in b.annotations]]


def briefing_from(value, slug: str, body: str, md_path: str, yml_path: str) -> Briefing:
    """Rebuild a briefing from briefing_value() and what the key held; ValueError if malformed."""
    title, date, source, summary, topics, notes = shape(value, list, 6)
    at = Where(yml_path)
    annotations = []
    for note in shape(notes, list):
        if tuple(map(type, note)) != ANNOTATION_TYPES:
            raise ValueError("expected an annotation")
        annotations.append(made(Annotation, zip(ANNOTATION_FIELDS, note), where=at, quote_where=at,
                                wheres=NO_POSITIONS))
    if source is not None:
        source = Source(*strings(*shape(source, list, 2)))
    strings(title, date, summary, *shape(topics, list))
    return Briefing(slug=slug, title=title, date=dt.date.fromisoformat(date), body=body, md_path=md_path,
                    yml_path=yml_path, source=source, summary=summary, topics=tuple(topics),
                    annotations=tuple(annotations), topic_wheres=tuple(at for _ in topics))


def meta_value(art: Article, outline: str) -> list:
    """Return what the index and listings read of an article: spans, who is named, the summary,
    the briefing's outline key (see outline.py) and the block of each note."""
    return [{k: list(v) for k, v in art.spans.items()}, list(art.mentioned), art.summary_html, outline, art.blocks]


def outline_from(meta) -> str:
    """Return the outline key kept in meta_value(); ValueError if malformed."""
    return strings(shape(meta, list, 5)[3])[0]


def text_value(art: Article) -> list:
    """Return an article's visible text and its rendered notes (what listings quote)."""
    return [art.text, art.notes]


def chunks_value(art: Article) -> list:
    """Return an article's body HTML, in slices with the notes that follow each."""
    return [[html, list(ids)] for html, ids in art.chunks]


def text_from(value, ids: set[str]) -> tuple[str, dict[str, str]]:
    """Rebuild text and notes from text_value(); ValueError if malformed or not for these ids."""
    text, notes = shape(value, list, 2)
    strings(text, *shape(notes, dict).values())
    if set(notes) != ids:
        raise ValueError("notes of other annotations")
    return text, notes


def chunks_from(value, ids: set[str]) -> tuple:
    """Rebuild the chunks from chunks_value(); ValueError if malformed or naming other notes."""
    out = []
    for chunk in shape(value, list):
        html, after = shape(chunk, list, 2)
        if not set(strings(*shape(after, list))) <= ids:
            raise ValueError("notes of other annotations")
        out.append((strings(html)[0], tuple(after)))
    return tuple(out)


class StoredArticle(Article):
    """An article from the cache whose text and notes, and body HTML, are each read when first asked for.

    The index and the listings read spans, mentions and summaries, some listings quote the text;
    only the page of the article itself needs the body, so a rebuild after one edit reads a few
    bodies, not thousands.
    """

    def __getattr__(self, name: str):
        # Called only for attributes the instance lacks: the fields read lazily. Text and notes are
        # kept (listings quote them again and again); the body HTML is read each time it is asked
        # for - by the article's own page, once - so a render worker does not hoard every body.
        if name == "chunks":
            return self.__dict__["_read"]("chunks")
        if name not in ("text", "notes"):
            raise AttributeError(name)
        self.__dict__["text"], self.__dict__["notes"] = self.__dict__["_read"]("text")
        return self.__dict__[name]


def article_from(meta, b: Briefing, speakers, read: Callable[[str], tuple]) -> StoredArticle:
    """Rebuild an article from meta_value(); read("text") gives (text, notes) and read("chunks")
    the chunks, when first needed.

    ValueError when the value is malformed, or names annotations or speakers that do not exist.
    """
    spans, mentioned, summary, _, blocks = shape(meta, list, 5)
    ids = {a.id for a in b.annotations}
    if set(shape(spans, dict)) != ids or not set(strings(*shape(mentioned, list))) <= set(speakers):
        raise ValueError("spans or mentions of others")
    ranges = {}
    for aid, span in spans.items():
        start, end = shape(span, list, 2)
        ranges[aid] = (shape(start, int), shape(end, int))
    art = object.__new__(StoredArticle)  # a frozen dataclass: fill its fields directly
    if not set(shape(blocks, dict)) <= ids or not all(type(n) is int for n in blocks.values()):
        raise ValueError("blocks of others")
    art.__dict__.update(slug=b.slug, spans=ranges, mentioned=tuple(mentioned),
                        summary_html=strings(summary)[0], blocks=dict(blocks), _read=read)
    return art


def shape(value, kind: type, length: int | None = None):
    """Return value when it is of this JSON type (and length); raise ValueError otherwise."""
    if type(value) is not kind or (length is not None and len(value) != length):
        raise ValueError(f"expected {kind.__name__}")
    return value


def strings(*values) -> tuple:
    """Return the values when all are text; raise ValueError otherwise."""
    if values and set(map(type, values)) != {str}:
        raise ValueError("expected text")
    return values
