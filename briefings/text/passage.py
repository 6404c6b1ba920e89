"""The passages of a text most like a quote and its context, ranked, found in bounded time.

Pieces of the quote (its longest words, and for long quotes runs of words) vote for where it would
start, in BUCKET-character steps, by where they occur in the text; the CANDIDATES best places are
compared closely with difflib. Pieces found more than HITS times say little and are left out, and
a quote longer than CAP characters is compared by its head and its tail: difflib's cost grows with
the square of what it compares, so no quote costs more than a few CAP-sized comparisons. When no
place is GOOD and the quote holds a word of GLUED characters, the same search runs once more with
every space left out of the text and the quote, pieces of GRAM characters voting: a quote whose
spaces were lost in copying ("NetherfieldParkis") shares no word with the text.

A candidate's score weighs its likeness to the quote QUOTE and to the prefix and the suffix, when
given, CONTEXT each (Hypothesis weighs them 50/20/20): the text just before a candidate is compared
with the prefix, the text just after with the suffix. Exact matches of the quote are ranked by
their context alone; at most SCORED of them are compared.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .match import Text

WORDS, HITS, BUCKET, CANDIDATES = 12, 1000, 16, 5
# Runs of RUN words make rarer pieces than single words; at most RUNS of them, spread evenly.
RUN, RUNS = 3, 32
CAP = 500
SIMILAR = 0.4
# A quote whose spaces were lost has a "word" of GLUED characters at least: common words are shorter.
GOOD, GLUED, GRAM, GRAMS = 0.9, 12, 8, 12
QUOTE, CONTEXT = 50, 20
# A prefix or suffix is compared by the EDGE characters next to the quote.
SCORED, EDGE = 500, 64
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A passage of the text that a quote may mean, with how well it fits the quote and context."""

    score: float
    """Likeness 0..1 to the quote, prefix and suffix together (1: an exact match that fits)."""
    span: tuple[int, int]
    """(start, end) of the passage in the original text."""
    passage: str
    """The text of span on one line: whole words, unless it is an exact match of the quote."""


def rank(t: Text, key: str, prefix: str, suffix: str, limit: int) -> list[Candidate]:
    """Return up to limit candidates for a needle (prefix and suffix squeezed too), best first."""
    starts = t.starts(key) if key else []
    scored = exact(t, starts, len(key), prefix, suffix) if starts else fuzzy(t, key, prefix, suffix)
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]
    spans = [(score, t.span((lo, hi))) for score, lo, hi in best]
    return [Candidate(score, (s, e), squash(t.text[s:e])) for score, (s, e) in spans]


def exact(t: Text, starts: list[int], size: int, prefix: str,
          suffix: str) -> list[tuple[float, int, int]]:
    """Score the exact matches of a quote by their context: (score, start, end) in squeezed text."""
    if not prefix and not suffix:
        return [(1.0, p, p + size) for p in starts[:SCORED]]
    pool = starts if len(starts) <= SCORED else sampled(t, starts, size, prefix, suffix)
    return [(combined(1.0, t.squeezed, p, p + size, prefix, suffix), p, p + size) for p in pool]


def sampled(t: Text, starts: list[int], size: int, prefix: str, suffix: str) -> list[int]:
    """Choose SCORED of many matches: those next to the context's nearest word, then the first."""
    chosen: set[int] = set()
    word = prefix.rpartition(" ")[2]
    for at in t.starts(word)[:HITS] if word else ():
        i = bisect_left(starts, at + len(word))
        if i < len(starts) and starts[i] <= at + len(word) + 1:
            chosen.add(starts[i])
    word = suffix.partition(" ")[0]
    for at in t.starts(word)[:HITS] if word else ():
        i = bisect_left(starts, at - size - 1)
        if i < len(starts) and starts[i] <= at - size:
            chosen.add(starts[i])
    chosen = set(sorted(chosen)[:SCORED])
    chosen.update(starts[:SCORED - len(chosen)])
    return sorted(chosen)


def fuzzy(t: Text, key: str, prefix: str, suffix: str) -> list[tuple[float, int, int]]:
    """Score the places most like a quote that matches nowhere: (score, start, end), none overlapping."""
    found = [liken(t, key, ratio, span) for ratio, span in near(t.lowered(), key.lower())]
    if glued(key) and max((q for q, _, _ in found), default=0) < GOOD:
        found += [liken(t, key, ratio, span) for ratio, span in spaceless(t, key.lower())]
    scored = sorted(((combined(q, t.squeezed, lo, hi, prefix, suffix), lo, hi) for q, lo, hi in found),
                    key=lambda x: (-x[0], x[1]))
    return distinct(scored)


def glued(key: str) -> bool:
    """Tell whether a quote (not too long to search without spaces) has a word of GLUED characters."""
    return len(key) <= CAP and any(len(w) >= GLUED for w in key.split(" "))


def liken(t: Text, key: str, ratio: float, span: tuple[int, int]) -> tuple[float, int, int]:
    """Widen a place to whole words (and whole … characters); return its likeness to the quote."""
    lo, hi = widen(t.squeezed, *span)
    if len(key) <= CAP:
        lo, hi = trimmed(t.squeezed, lo, hi, key)
    while t.splits(lo):
        lo -= 1
    while t.splits(hi):
        hi += 1
    return (likeness(t.squeezed[lo:hi], key) if len(key) <= CAP else ratio), lo, hi


def trimmed(hay: str, lo: int, hi: int, want: str) -> tuple[int, int]:
    """Drop the words at a place's edges that the quote hardly matches (widening took them whole)."""
    found = hay[lo:hi].lower()
    matched = [0] * len(found)
    for block in SequenceMatcher(None, found, want.lower(), autojunk=False).get_matching_blocks():
        matched[block.a:block.a + block.size] = [1] * block.size
    start, end = 0, len(found)
    while (cut := found.find(" ", start, end)) >= 0 and 2 * sum(matched[start:cut]) < cut - start:
        start = cut + 1
    while (cut := found.rfind(" ", start, end)) >= 0 and 2 * sum(matched[cut + 1:end]) < end - cut - 1:
        end = cut
    return lo + start, lo + end


def likeness(found: str, want: str) -> float:
    """Return how alike a passage and a quote are, 0..1; a difference of case counts half."""
    cased = similarity(found, want)
    return cased if cased == 1.0 else (cased + similarity(found.lower(), want.lower())) / 2


def similarity(found: str, want: str) -> float:
    """Return 1 - the edits that make found into want per character of want, 0 at the least.

    The edits are estimated from the characters difflib matches in order: a letter typed wrong
    or lost costs one, and so does each character of a word moved elsewhere (difflib's own ratio
    counts a moved half of a quote as half a difference, and would take a reordered sentence for
    a close one).
    """
    if not want:
        return 0.0
    blocks = SequenceMatcher(None, found, want, autojunk=False).get_matching_blocks()
    edits = max(len(found), len(want)) - sum(b.size for b in blocks)
    return max(0.0, 1 - edits / len(want))


def combined(q: float, hay: str, lo: int, hi: int, prefix: str, suffix: str) -> float:
    """Weigh the quote's likeness with the prefix's and suffix's, those given, into one score."""
    total, weight = QUOTE * q, QUOTE
    if prefix:
        prefix = prefix[-EDGE:]
        before = hay[max(0, lo - len(prefix) - 1):lo]
        before = before[:-1] if before.endswith(" ") else before
        total, weight = total + CONTEXT * similarity(before[-len(prefix):], prefix), weight + CONTEXT
    if suffix:
        suffix = suffix[:EDGE]
        after = hay[hi:hi + len(suffix) + 1]
        after = after[1:] if after.startswith(" ") else after
        total, weight = total + CONTEXT * similarity(after[:len(suffix)], suffix), weight + CONTEXT
    return total / weight


def distinct(scored: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Keep, best first, only the places that overlap no better one: one passage is one candidate."""
    kept: list[tuple[float, int, int]] = []
    for s in scored:
        if all(s[2] <= k[1] or s[1] >= k[2] for k in kept):
            kept.append(s)
    return kept


def near(hay: str, want: str) -> list[tuple[float, tuple[int, int]]]:
    """Return the places of hay most similar to want: (similarity, (start, end)), best first."""
    if not hay or not want:
        return []
    if len(want) <= CAP:
        found = places(hay, want, 0, len(hay))
    else:  # the tail should start about where a head's place says, give or take an edit
        found = [joined(hay, want, head) for head in places(hay, want[:CAP], 0, len(hay))[:2]]
    return [f for f in found if f[0] >= SIMILAR]


def joined(hay: str, want: str, head: tuple[float, tuple[int, int]]) -> tuple[float, tuple[int, int]]:
    """Extend the place of a long quote's head with its tail's; average their similarities."""
    first = head[1][0]
    tails = places(hay, want[-CAP:], first, first + 2 * len(want))
    if not tails or tails[0][1][1] <= first:
        return head[0] / 2, head[1]
    return (head[0] + tails[0][0]) / 2, (first, tails[0][1][1])


def places(hay: str, want: str, lo: int, hi: int) -> list[tuple[float, tuple[int, int]]]:
    """Align want at the best voted places starting in [lo, hi): (similarity, span), best first."""
    return aligned(hay, want, votes(hay, want, lo, hi))


def aligned(hay: str, want: str, counts: Counter) -> list[tuple[float, tuple[int, int]]]:
    """Align want at the CANDIDATES best voted buckets, best first, no two places overlapping.

    A bucket is aligned only with the text beside the places found before it: a neighbour of
    the best bucket would otherwise line up with the same passage, and hide the runner-up.
    """
    found: list[tuple[float, tuple[int, int]]] = []
    for bucket, _ in counts.most_common(CANDIDATES):
        start, lo, hi = bucket * BUCKET, 0, len(hay)
        for _, (s, e) in found:
            lo, hi = (max(lo, e), hi) if start >= s else (lo, min(hi, s))
        place = align(hay, want, start, lo, hi)
        if place[0] > 0:
            found.append(place)
    return sorted(found, key=lambda f: -f[0])


def spaceless(t: Text, want: str) -> list[tuple[float, tuple[int, int]]]:
    """Search with every space left out of text and quote; return places in the squeezed text."""
    hay, gaps = t.unspaced()
    bare = want.replace(" ", "")
    if len(bare) < GRAM or not hay:
        return []
    step = max(1, -(-(len(bare) - GRAM) // (GRAMS - 1)))
    grams = [(bare[i:i + GRAM], i) for i in range(0, len(bare) - GRAM + 1, step)]
    found = aligned(hay, bare, tally(located(hay, grams, 0, len(hay))))
    # A character's place in the squeezed text: its own plus the spaces before it.
    back = lambda p: p + bisect_right(gaps, p)  # noqa: E731
    return [(r, (back(s), back(e - 1) + 1)) for r, (s, e) in found if r >= SIMILAR]


def runs(want: str, found: list[re.Match]) -> list[tuple[str, int]]:
    """Return up to RUNS runs of RUN words, spread over want, with their offsets."""
    last = len(found) - RUN
    if last < 0:
        return []
    step = max(1, -(-last // RUNS))
    return [(want[found[i].start():found[i + RUN - 1].end()], found[i].start())
            for i in range(0, last + 1, step)]


def hits(hay: str, piece: str, lo: int, hi: int) -> list[int]:
    """Return where piece occurs in hay[lo:hi], stopping after HITS + 1 places (too common)."""
    found, at = [], hay.find(piece, lo, hi)
    while at >= 0 and len(found) <= HITS:
        found.append(at)
        at = hay.find(piece, at + 1, hi)
    return found


def votes(hay: str, want: str, lo: int, hi: int) -> Counter:
    """Vote, weighted by length, for where want would start in [lo, hi) by where its pieces occur.

    Only pieces found at most HITS times vote: a common one would vote everywhere. When every
    piece is that common, each votes with its first HITS places (the text repeats itself).
    """
    found = list(WORD.finditer(want))
    words = {m.group(): m.start() for m in found}
    chosen = [(w, words[w]) for w in sorted(words, key=len, reverse=True)[:WORDS]]
    if len(words) > WORDS:  # the longest words leave much of the quote out: runs cover it all
        chosen += runs(want, found)
    placed = located(hay, chosen, lo, hi)
    if not any(0 < len(x[2]) <= HITS for x in placed) and len(words) <= WORDS:
        placed += located(hay, runs(want, found), lo, hi)  # every word too common: runs are rarer
    return tally(placed)


def tally(placed: list[tuple[str, int, list[int]]]) -> Counter:
    """Count the votes of placed pieces, the rare ones only when there are any."""
    rare = [x for x in placed if 0 < len(x[2]) <= HITS]
    counts: Counter = Counter()
    for piece, offset, where in rare or placed:
        for at in where[:HITS]:
            counts[(at - offset) // BUCKET] += len(piece)
    return counts


def located(hay: str, chosen: list[tuple[str, int]], lo: int,
            hi: int) -> list[tuple[str, int, list[int]]]:
    """Return each piece with its offset in want and where it occurs, for starts in [lo, hi)."""
    # From the text's start when lo is 0: a quote may begin before it (a start below 0).
    return [(p, o, hits(hay, p, lo and lo + o, hi + o + len(p))) for p, o in chosen]


def align(hay: str, want: str, start: int, lo: int = 0,
          hi: int | None = None) -> tuple[float, tuple[int, int]]:
    """Line want up with the text near start, within [lo, hi); return the similarity and span."""
    slack = len(want) // 2 + BUCKET
    lo = max(lo, start - slack)
    window = hay[lo:min(start + len(want) + slack, len(hay) if hi is None else hi)]
    blocks = [b for b in SequenceMatcher(None, window, want, autojunk=False).get_matching_blocks()
              if b.size >= 3]
    if not blocks:
        return 0.0, (start, start + 1)
    first, last = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
    return similarity(hay[first:last], want), (first, last)


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a span to whole words, without spaces at its edges."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def squash(text: str) -> str:
    """Collapse whitespace runs for a one-line message."""
    return " ".join(text.split())
