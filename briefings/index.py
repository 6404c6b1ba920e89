"""Stage 4: the cross-link index - who said what where, which briefings cite which provision."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Article, Content

Ref = tuple[str, str]  # (briefing slug, annotation id)


@dataclass(frozen=True)
class Index:
    """Everything pages need to link briefings, speakers, documents and topics both ways."""

    newest: tuple[str, ...]
    """Briefing slugs, newest first."""
    neighbours: dict[str, tuple[str | None, str | None]]
    """Slug -> (previous = older slug, next = newer slug)."""
    statements: dict[str, tuple[Ref, ...]]
    """Speaker id -> their statements, newest first."""
    mentioned_in: dict[str, tuple[str, ...]]
    """Speaker id -> briefings naming them without a statement of theirs, newest first."""
    speakers_of: dict[str, tuple[str, ...]]
    """Slug -> ids of speakers with statements in it."""
    also_mentioned: dict[str, tuple[str, ...]]
    """Slug -> ids of speakers only named in it."""
    citations: dict[str, tuple[Ref, ...]]
    """'document/provision' -> annotations citing it, oldest first."""
    topic_briefings: dict[str, tuple[str, ...]]
    """Topic id -> its briefings, newest first."""
    related: dict[str, tuple[str, ...]]
    """Slug -> up to 5 related briefings, best first."""
    by_kind: dict[str, tuple[Ref, ...]]
    """Kind -> annotations of that kind, newest briefing first, in text order."""


def build_index(content: Content, articles: dict[str, Article]) -> Index:
    """Build every cross-link from the loaded content and the anchored articles."""
    oldest = [b.slug for b in content.briefings]
    newest = tuple(reversed(oldest))
    by_slug = {b.slug: b for b in content.briefings}
    statements: dict[str, list[Ref]] = {s: [] for s in content.speakers}
    citations: dict[str, list[Ref]] = {}
    by_kind: dict[str, list[Ref]] = {}
    speakers_of, also_mentioned = {}, {}
    for slug in newest:
        b, art = by_slug[slug], articles[slug]
        in_order = sorted(b.annotations, key=lambda a: art.spans[a.id])
        for a in in_order:
            by_kind.setdefault(a.kind, []).append((slug, a.id))
            if a.kind == "statement":
                statements[a.speaker].append((slug, a.id))
        speakers_of[slug] = tuple(dict.fromkeys(a.speaker for a in in_order if a.kind == "statement"))
        also_mentioned[slug] = tuple(s for s in art.mentioned if s not in speakers_of[slug])
    for slug in oldest:
        art = articles[slug]
        for a in sorted(by_slug[slug].annotations, key=lambda a: art.spans[a.id]):
            if a.provision:
                citations.setdefault(a.provision, []).append((slug, a.id))
    mentioned_in = {s: tuple(slug for slug in newest if s in also_mentioned[slug]) for s in content.speakers}
    topics = {t: tuple(slug for slug in newest if t in by_slug[slug].topics) for t in content.topics}
    return Index(
        newest=newest,
        neighbours={s: (oldest[i - 1] if i else None, oldest[i + 1] if i + 1 < len(oldest) else None)
                    for i, s in enumerate(oldest)},
        statements={k: tuple(v) for k, v in statements.items()},
        mentioned_in=mentioned_in, speakers_of=speakers_of, also_mentioned=also_mentioned,
        citations={k: tuple(v) for k, v in sorted(citations.items())},
        topic_briefings=topics, related=related(content, speakers_of),
        by_kind={k: tuple(by_kind.get(k, ())) for k in ("provision", "statement", "note", "correction")})


def related(content: Content, speakers_of: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Rank other briefings by shared provisions, then shared speakers, then shared topics; keep 5."""
    keys = {}
    for b in content.briefings:
        keys[b.slug] = (
            {a.provision for a in b.annotations if a.provision},
            set(speakers_of[b.slug]),
            set(b.topics))
    postings: list[dict[str, list[str]]] = [{}, {}, {}]
    for slug, sets in keys.items():
        for level, values in enumerate(sets):
            for v in values:
                postings[level].setdefault(v, []).append(slug)
    position = {b.slug: i for i, b in enumerate(content.briefings)}
    out = {}
    for slug, sets in keys.items():
        scores: dict[str, list[int]] = {}
        for level, values in enumerate(sets):
            counts = Counter(o for v in values for o in postings[level][v] if o != slug)
            for other, n in counts.items():
                scores.setdefault(other, [0, 0, 0])[level] = n
        # Ties go to the briefing closest in time, then the newer one.
        ranked = sorted(scores, key=lambda o: ([-n for n in scores[o]],
                                               abs(position[o] - position[slug]), -position[o]))
        out[slug] = tuple(ranked[:5])
    return out
