"""Stages 1 to 3 for a whole build: every briefing read and anchored, from the cache where its files
are unchanged, the rest in worker processes.

A briefing's cache key is a hash of its two files' bytes and paths and of the generator; its
anchored article's key adds the settings anchoring reads (allow_html, every speaker's names). A
briefing from the cache is checked against the current speakers and documents like a fresh one;
should that find a problem, it is read again from its files, so every message has its exact line.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..content.files import pair_briefings, shown
from ..content.load import Shared, assemble, check_references, read_pair, read_shared, unusable
from ..content.yamlschema import decode_text, read_text
from ..errors import ContentError, flatten
from ..model import Article, Briefing, Content
from ..text.anchor import anchor
from ..text.mentions import Mentions
from . import parallel
from .cache import Cache, digest, encode, file_hash, generator
from .outline import OUTLINE, outline_key
from .stored import (article_from, briefing_from, briefing_value, chunks_from, chunks_value, meta_value,
                     outline_from, text_from, text_value)

CHUNK = 8
"""Briefings per task handed to a worker."""


@dataclasses.dataclass(frozen=True)
class Model:
    """Everything read for a build."""

    content: Content
    """The content, as load() gives it."""
    articles: dict[str, Article]
    """Slug -> anchored article (from the cache: text and body HTML read when first used)."""
    keys: dict[str, str]
    """Slug -> hash of the briefing's files, and OUTLINE + slug -> hash of its outline: what the
    pages that read it are kept by (see reuse.py)."""
    shared: Shared | None = None
    """site.yml, the speakers, documents and topics as read (the next update reuses them while
    their files are unchanged)."""
    settings: str = ""
    """The hash of what anchoring read besides a briefing's files (see anchoring_key)."""
    pairs: tuple = ()
    """Every briefing's files and their key, as paired (see Pair)."""
    outlines: dict[str, str] = dataclasses.field(default_factory=dict)
    """Slug -> the hash of its outline (keys holds the same under OUTLINE + slug)."""


@dataclasses.dataclass(frozen=True)
class Pair:
    """One briefing to read: its files, their key and what the cache knew of it."""

    slug: str
    md: Path
    yml: Path
    key: str
    """Hash of both files' bytes and paths and of the generator."""
    briefing: Briefing | None = None
    """The briefing from the cache (its article must be anchored), or None to read its files."""


def read_all(content_dir: Path, errors: list[ContentError], cache: Cache | None, jobs: int = 1,
             site_of=None, read: dict[Path, bytes] | None = None, files: dict | None = None,
             hashes: dict[Path, bytes] | None = None, known: Model | None = None,
             shared: Shared | None = None, changed: set[Path] | None = None) -> Model:
    """Read and anchor every briefing, adding every content error to errors.

    site_of(site) adjusts the settings from site.yml (the --base-url override) before anything
    reads them; read holds files' bytes already read this build, by path (hashes their
    file_hash), and files a listing of the content folder made without errors (see files.list_files).
    known is the model of the last update, kept in memory: a briefing whose files and settings are
    the same is taken from it as it is; shared, when given, is the shared content, read already;
    changed, when given, names every content file whose bytes changed since known was read.
    """
    if shared is None:
        shared = read_shared(content_dir, errors, files)
        if site_of is not None:
            shared = dataclasses.replace(shared, site=site_of(shared.site))
    mentions = Mentions(shared.speakers)
    pairs = known_pairs(known, shared, changed, read or {}, hashes or {})
    if pairs is None:
        pairs = [Pair(slug, md, yml, file_key(md, yml, read or {}, hashes or {})) for slug, md, yml in
                 pair_briefings(shared.files.get("briefings", []), errors)]
    briefings: dict[str, Briefing] = {}
    articles: dict[str, Article] = {}
    settings = anchoring_key(shared, mentions)
    outlines: dict[str, str] = {}
    pairs_left = from_memory(pairs, known, settings, briefings, articles, outlines)
    todo = from_cache(pairs_left, shared, mentions, settings, cache, briefings, articles, outlines, read or {})
    global TASK
    # Workers send back only the stored forms when the cache keeps them: the articles are then read
    # from it when pages need them, instead of travelling whole and filling the model that the
    # render workers are forked from.
    TASK = (shared, mentions, cache is None or cache.readonly or jobs <= 1, cache is not None and not cache.readonly,
            unusable(shared))
    try:
        for pair, done in zip(todo, parallel.run(read_one, todo, jobs, CHUNK)):
            keep(pair, done, shared, mentions, settings, cache, briefings, articles, outlines, errors)
    finally:
        TASK = None
    content = reassembled(known, shared, briefings) or assemble(
        shared, [briefings[p.slug] for p in pairs if p.slug in briefings])
    keys = {p.slug: p.key for p in pairs} | {OUTLINE + slug: key for slug, key in outlines.items()}
    kept = articles if known is not None and len(articles) == len(content.briefings) else \
        {b.slug: articles[b.slug] for b in content.briefings if b.slug in articles}
    return Model(content, kept, keys, shared, settings, tuple(pairs), outlines)


def reassembled(known: Model | None, shared: Shared, briefings: dict[str, Briefing]) -> Content | None:
    """Return the last content with the new briefings in their places - when that is what assemble
    would make (the same shared content and briefings, none moved in time or between topics) - or None."""
    if known is None or known.shared is not shared or len(known.content.briefings) != len(briefings):
        return None
    out = []
    for b in known.content.briefings:
        new = briefings.get(b.slug)
        if new is None or (new is not b and (new.date != b.date or new.topics != b.topics)):
            return None
        out.append(new)
    return dataclasses.replace(known.content, briefings=tuple(out))


def known_pairs(known: Model | None, shared: Shared, changed: set[Path] | None, read: dict, hashes: dict):
    """Return the last model's pairs with new keys for the changed files, when the list of briefing
    files is the one they were paired from; else None (pair them again)."""
    if known is None or changed is None or known.shared is None or \
            shared.files.get("briefings") is not known.shared.files.get("briefings"):
        return None
    return [p if p.md not in changed and p.yml not in changed else
            dataclasses.replace(p, key=file_key(p.md, p.yml, read, hashes), briefing=None) for p in known.pairs]


def from_memory(pairs: list[Pair], known: Model | None, settings: str, briefings: dict, articles: dict,
                outlines: dict) -> list[Pair]:
    """Take the briefings the last model holds unchanged (same files, same settings); return the others."""
    if known is None or known.settings != settings:
        return pairs
    # Take them all at once (dict copies), then put back the few that changed.
    briefings.update((b.slug, b) for b in known.content.briefings if b.slug in known.articles)
    articles.update(known.articles)
    outlines.update(known.outlines)
    left = []
    for pair in pairs:
        if known.keys.get(pair.slug) != pair.key or pair.slug not in briefings:
            briefings.pop(pair.slug, None), articles.pop(pair.slug, None), outlines.pop(pair.slug, None)
            left.append(pair)
    if len(briefings) > len(pairs) - len(left):  # briefings of the last model that are gone now
        wanted = {p.slug for p in pairs}
        for gone in [slug for slug in briefings if slug not in wanted]:
            briefings.pop(gone), articles.pop(gone, None), outlines.pop(gone, None)
    return left


def file_key(md: Path, yml: Path, read: dict[Path, bytes], hashes: dict[Path, bytes]) -> str:
    """Return the cache key of a briefing's files (an unreadable file gives a key nothing matches);
    read and hashes hold the bytes and hashes of files read already."""
    try:
        parts = [hashes[p] if p in hashes else file_hash(read[p] if p in read else p.read_bytes()) for p in (md, yml)]
    except OSError as exc:
        return digest("unreadable", str(exc))
    return digest(generator(), shown(md), shown(yml), *parts)


def anchoring_key(shared: Shared, mentions: Mentions) -> str:
    """Return a hash of the settings anchoring reads: allow_html and every speaker's names."""
    return digest(str(shared.site.allow_html), mentions.href,
                  *(f"{name}\0{sid}" for name, sid in sorted(mentions.owner.items())))


def article_key(key: str, settings: str) -> str:
    """Return the cache key of a briefing's anchored article (settings: anchoring_key())."""
    return digest(key, settings)


def from_cache(pairs: list[Pair], shared: Shared, mentions: Mentions, settings: str, cache: Cache | None,
               briefings: dict, articles: dict, outlines: dict, read: dict[Path, bytes]) -> list[Pair]:
    """Take what the cache holds for each pair (its briefing, article and outline key); return the
    pairs still to read or anchor."""
    if cache is None:
        return pairs
    stored = cache.get_many("briefing", [p.key for p in pairs])
    keys = {p.slug: article_key(p.key, settings) for p in pairs}
    metas = cache.get_many("meta", list(keys.values()))
    broken = unusable(shared)
    todo = []
    for pair in pairs:
        b = cached_briefing(pair, stored.get(pair.key), shared, broken, read)
        if b is None:
            todo.append(pair)
            continue
        briefings[pair.slug] = b
        try:
            articles[pair.slug] = article_from(metas[keys[pair.slug]], b, shared.speakers,
                                               reader(cache, keys[pair.slug], b, shared, mentions))
            outlines[pair.slug] = outline_from(metas[keys[pair.slug]])
            # Read lazily, if at all: keep them all the same.
            cache.used.update((("text", keys[pair.slug]), ("chunks", keys[pair.slug])))
        except (KeyError, ValueError):
            todo.append(dataclasses.replace(pair, briefing=b))
    return todo


def cached_briefing(pair: Pair, value, shared: Shared, broken: set[str], read: dict[Path, bytes]) -> Briefing | None:
    """Return the cached briefing of a pair when it decodes and passes the reference checks
    (broken: ids of speaker and document files that failed to load; read: bytes read already)."""
    if value is None:
        return None
    md = shown(pair.md)
    try:
        body = decode_text(read[pair.md], md) if pair.md in read else read_text(pair.md, md)
        b = briefing_from(value, pair.slug, body, md, shown(pair.yml))
    except (ValueError, TypeError, ContentError, OSError):
        return None
    problems: list[ContentError] = []
    check_references(b, shared.speakers, shared.documents, problems, broken)
    return None if problems else b  # read it again: its messages need the sidecar's lines


def reader(cache: Cache, key: str, b: Briefing, shared: Shared, mentions: Mentions):
    """Return read(part) giving an article's (text, notes) or chunks: from the cache, else anchored anew."""
    def read(part: str):
        ids = {a.id for a in b.annotations}
        try:
            if part == "text":
                return text_from(cache.get("text", key), ids)
            return chunks_from(cache.get("chunks", key), ids)
        except (ValueError, TypeError):
            art = anchor(b, shared.site.allow_html, mentions)
            return (art.text, art.notes) if part == "text" else art.chunks
    return read


TASK: tuple[Shared, Mentions, bool, bool, set[str]] | None = None
"""What workers read besides their pairs, whether to send articles back, whether to make the
stored forms for the cache, and the ids of speaker and document files that failed to load (set
before forking)."""


def read_one(pair: Pair):
    """Read (unless cached) and anchor one briefing; return (briefing, article, errors, stored forms).

    Errors travel as tuples and stored forms as bytes, encoded here so the workers share that work.
    """
    shared, mentions, send_article, store, broken = TASK
    problems: list[ContentError] = []
    b = pair.briefing or read_pair(pair.slug, pair.md, pair.yml, shared, problems, broken)
    art = None
    if b is not None:
        try:
            art = anchor(b, shared.site.allow_html, mentions)
        except ExceptionGroup as group:
            problems.extend(flatten(group))
    if problems and pair.briefing is not None:
        return read_one(dataclasses.replace(pair, briefing=None))  # from its files, for exact lines
    errors = [(e.path, e.line, e.column, e.message) for e in problems]
    if b is None or art is None or problems:
        return b, art, errors, None, None
    outline = outline_key(b, art)
    if not store:
        return b, art, errors, None, outline
    stored = [encode(v) for v in (briefing_value(b), meta_value(art, outline), text_value(art), chunks_value(art))]
    return b, art if send_article else None, errors, stored, outline


def keep(pair: Pair, done, shared: Shared, mentions: Mentions, settings: str, cache: Cache | None,
         briefings: dict, articles: dict, outlines: dict, errors: list[ContentError]) -> None:
    """Take one worker result: its briefing, article and outline key, its errors, and its stored
    forms for the cache."""
    b, art, problems, stored, outline = done
    errors.extend(ContentError(*p) for p in problems)
    if b is not None:
        briefings[pair.slug] = b
    if art is not None:
        articles[pair.slug] = art
    if outline is not None:
        outlines[pair.slug] = outline
    if cache is not None and stored is not None:
        key = article_key(pair.key, settings)
        cache.put_encoded("briefing", pair.key, stored[0])
        for kind, blob in zip(("meta", "text", "chunks"), stored[1:]):
            cache.put_encoded(kind, key, blob)
        if art is None:
            articles[pair.slug] = article_from(json.loads(stored[1]), b, shared.speakers,
                                               reader(cache, key, b, shared, mentions))
