"""Stage 4: the cross-link index - who said what where, which briefings cite which provision."""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass

from .model import Annotation, Article, Content

Ref = tuple[str, str]  # (briefing slug, annotation id)
Said = tuple[str, str, str]  # (speaker id, briefing slug, statement id)
RELATED = 5
"""How many related briefings a briefing lists."""
MINING_BUDGET = 256
"""Shared feature sets examined per briefing before related() falls back to counting."""


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
    discussed: dict[str, tuple[Said, ...]]
    """'document/provision' -> statements discussing it (see discussed_in), newest briefing first."""
    topic_briefings: dict[str, tuple[str, ...]]
    """Topic id -> its briefings, newest first."""
    related: dict[str, tuple[str, ...]]
    """Slug -> up to 5 related briefings, best first."""
    by_kind: dict[str, tuple[Ref, ...]]
    """Kind -> annotations of that kind, newest briefing first, in text order."""


def build_index(content: Content, articles: dict[str, Article], memo=None) -> Index:
    """Build every cross-link from the loaded content and the anchored articles.

    Of each article spans and mentioned are read, and the note ids of its chunks when it has both a
    statement and a citation (see discussed_in).
    memo(inputs, compute), when given, returns compute() or what it returned before for the same
    inputs (a text): the related ranking, the costliest part, is then redone only when it can change.
    """
    oldest = [b.slug for b in content.briefings]
    newest = tuple(reversed(oldest))
    by_slug = {b.slug: b for b in content.briefings}
    statements: dict[str, list[Ref]] = {s: [] for s in content.speakers}
    mentioned_in: dict[str, list[str]] = {s: [] for s in content.speakers}
    topics: dict[str, list[str]] = {t: [] for t in content.topics}
    citations: dict[str, list[Ref]] = {}
    by_kind: dict[str, list[Ref]] = {}
    discussed: dict[str, list[Said]] = {}
    speakers_of, also_mentioned, in_order = {}, {}, {}
    for slug in newest:  # one pass, so each list costs what it holds
        b, art = by_slug[slug], articles[slug]
        in_order[slug] = sorted(b.annotations, key=lambda a: art.spans[a.id])
        for a in in_order[slug]:
            by_kind.setdefault(a.kind, []).append((slug, a.id))
            if a.kind == "statement":
                statements[a.speaker].append((slug, a.id))
        speakers_of[slug] = tuple(dict.fromkeys(a.speaker for a in in_order[slug] if a.kind == "statement"))
        also_mentioned[slug] = tuple(s for s in art.mentioned if s not in speakers_of[slug])
        for s in also_mentioned[slug]:
            mentioned_in[s].append(slug)
        for t in b.topics:
            topics[t].append(slug)
        for a, ref in discussed_in(in_order[slug], art):
            discussed.setdefault(ref, []).append((a.speaker, slug, a.id))
    for slug in oldest:
        for a in in_order[slug]:
            if a.provision:
                citations.setdefault(a.provision, []).append((slug, a.id))
    return Index(
        newest=newest,
        neighbours={s: (oldest[i - 1] if i else None, oldest[i + 1] if i + 1 < len(oldest) else None)
                    for i, s in enumerate(oldest)},
        statements={k: tuple(v) for k, v in statements.items()},
        mentioned_in={k: tuple(v) for k, v in mentioned_in.items()},
        speakers_of=speakers_of, also_mentioned=also_mentioned,
        citations={k: tuple(v) for k, v in sorted(citations.items())},
        discussed={k: tuple(v) for k, v in sorted(discussed.items())},
        topic_briefings={k: tuple(v) for k, v in topics.items()}, related=related(content, speakers_of, memo),
        by_kind={k: tuple(by_kind.get(k, ())) for k in ("provision", "statement", "note", "correction")})


def discussed_in(in_order: list[Annotation], art: Article) -> list[tuple[Annotation, str]]:
    """Return (statement, 'document/provision') for each provision a statement of one briefing
    discusses, statements in text order.

    A statement discusses a provision when it overlaps an annotation citing it or stands in the same
    block of the text as one (paragraph, list item, heading, table): exactly when their notes follow
    the same block (Article.blocks). A highlight running across blocks joins them; how the
    Markdown source wraps its lines does not matter.
    """
    if not any(a.provision for a in in_order) or not any(a.kind == "statement" for a in in_order):
        return []
    block = art.blocks
    cited: dict[int, list[str]] = {}
    for a in in_order:
        if a.provision and a.id in block:
            cited.setdefault(block[a.id], []).append(a.provision)
    return [(a, ref) for a in in_order if a.kind == "statement" and a.id in block
            for ref in dict.fromkeys(cited.get(block[a.id], ()))]


def features(content: Content, speakers_of: dict[str, tuple[str, ...]]) -> tuple[list[tuple[int, ...]], list[int]]:
    """Return, by position in time, each briefing's provisions, speakers and topics as sorted
    feature numbers, and the level of each number (0 provision, 1 speaker, 2 topic)."""
    named = [{(0, a.provision) for a in b.annotations if a.provision}
             | {(1, s) for s in speakers_of[b.slug]} | {(2, t) for t in b.topics} for b in content.briefings]
    number = {f: n for n, f in enumerate(sorted(set().union(*named)))}
    return [tuple(sorted(number[f] for f in fs)) for fs in named], [level for level, _ in number]


def related(content: Content, speakers_of: dict[str, tuple[str, ...]], memo=None) -> dict[str, tuple[str, ...]]:
    """Rank other briefings by shared provisions, then shared speakers, then shared topics; keep 5.

    Ties go to the briefing closest in time, then the newer one. Counting every pair of briefings
    that share a topic is quadratic; instead the sets of features that at least two briefings
    share are listed once (each a list of positions in time), and each briefing looks up only
    the nearest few members of the lists of its own shared sets.
    """
    slugs = [b.slug for b in content.briefings]
    feats, levels = features(content, speakers_of)
    if memo is not None:  # the ranking reads nothing but these three
        return memo(json.dumps([slugs, feats, levels]), lambda: rank(slugs, feats, levels))
    return rank(slugs, feats, levels)


def rank(slugs: list[str], feats: list[tuple], levels: list[int]) -> dict[str, tuple[str, ...]]:
    """Return the related briefings of each briefing, from their features (see related())."""
    lists = shared_sets(feats, MINING_BUDGET * len(feats) + 4096)
    if lists is None:  # pathological content (many briefings sharing very many features)
        return ranked_by_counting(slugs, feats, levels)
    return {slugs[x]: tuple(slugs[o] for o in nearest_best(x, feats[x], lists, levels))
            for x in range(len(slugs))}


def shared_sets(feats: list[tuple], budget: int) -> dict[tuple, list[int]] | None:
    """Return every set of features shared by two briefings or more -> their positions, ascending.

    Sets grow one feature at a time and only from shared sets (a superset of an unshared set is
    unshared too); None when that takes more than budget steps.
    """
    lists: dict[tuple, list[int]] = {}
    for pos, fs in enumerate(feats):
        for f in fs:
            lists.setdefault((f,), []).append(pos)
    level = {k: v for k, v in lists.items() if len(v) > 1}
    lists = dict(level)
    while level:
        grown: dict[tuple, int | list[int]] = {}
        for key, members in level.items():
            for pos in members:
                for f in feats[pos]:
                    if f > key[-1]:
                        budget -= 1
                        bigger = key + (f,)
                        seen = grown.get(bigger)
                        if seen is None:  # most sets have one holder: keep a number, not a list
                            grown[bigger] = pos
                        elif isinstance(seen, int):
                            grown[bigger] = [seen, pos]
                        else:
                            seen.append(pos)
            if budget < 0:
                return None
        level = {k: v for k, v in grown.items() if isinstance(v, list)}
        lists.update(level)
    return lists


def nearest_best(x: int, fs: tuple, lists: dict[tuple, list[int]], kinds: list[int]) -> list[int]:
    """Return the best-ranked briefings for the one at position x, best first.

    Score levels are visited best first; a briefing found in the list of one of x's shared sets
    holds at least that set, so one holding more sits on a better level, already taken whole.
    """
    levels: dict[tuple[int, int, int], list[tuple]] = {}
    for key in own_shared_sets(fs, lists):
        score = [0, 0, 0]
        for f in key:
            score[kinds[f]] += 1
        levels.setdefault(tuple(score), []).append(key)
    best: list[int] = []
    for score in sorted(levels, reverse=True):
        need = RELATED - len(best)
        found = {o for key in levels[score] for o in closest(lists[key], x, need, best)}
        best += sorted(found, key=lambda o: (abs(o - x), -o))[:need]
        if len(best) == RELATED:
            break
    return best


def own_shared_sets(fs: tuple, lists: dict[tuple, list[int]]) -> list[tuple]:
    """Return the shared sets made of a briefing's own features (each extends a shared prefix)."""
    out, stack = [], [(f,) for f in fs if (f,) in lists]
    while stack:
        key = stack.pop()
        out.append(key)
        stack += [key + (f,) for f in fs if f > key[-1] and key + (f,) in lists]
    return out


def closest(members: list[int], x: int, need: int, taken: list[int]) -> list[int]:
    """Return up to need positions from an ascending list, nearest x first (newer on a tie),
    leaving out x and those already taken."""
    i = bisect_left(members, x)
    lo, hi = i - 1, i + 1 if i < len(members) and members[i] == x else i
    out: list[int] = []
    while len(out) < need and (lo >= 0 or hi < len(members)):
        if hi < len(members) and (lo < 0 or members[hi] - x <= x - members[lo]):
            o, hi = members[hi], hi + 1
        else:
            o, lo = members[lo], lo - 1
        if o not in taken:
            out.append(o)
    return out


def ranked_by_counting(slugs: list[str], feats: list[tuple], kinds: list[int]) -> dict[str, tuple[str, ...]]:
    """Rank by counting shared features with every briefing sharing any: exact, but quadratic."""
    postings: dict[tuple, list[int]] = {}
    for pos, fs in enumerate(feats):
        for f in fs:
            postings.setdefault(f, []).append(pos)
    out = {}
    for x, fs in enumerate(feats):
        scores: dict[int, list[int]] = {}
        for f in fs:
            for o in postings[f]:
                if o != x:
                    scores.setdefault(o, [0, 0, 0])[kinds[f]] += 1
        ranked = sorted(scores, key=lambda o: ([-n for n in scores[o]], abs(o - x), -o))
        out[slugs[x]] = tuple(slugs[o] for o in ranked[:RELATED])
    return out
