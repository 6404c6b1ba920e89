"""The passage of a text most like a quote that matches nowhere, found in bounded time.

Pieces of the quote (its longest words, and for long quotes runs of words) vote for where it would
start, in BUCKET-character steps, by where they occur in the text; the CANDIDATES best places are
compared closely with difflib. Pieces found more than HITS times say little and are left out, and
a quote longer than CAP characters is compared by its head and its tail: difflib's cost grows with
the square of what it compares, so no quote costs more than a few CAP-sized comparisons.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

WORDS, HITS, BUCKET, CANDIDATES = 12, 1000, 16, 5
# Runs of RUN words make rarer pieces than single words; at most RUNS of them, spread evenly.
RUN, RUNS = 3, 32
CAP = 500
SIMILAR = 0.4
WORD = re.compile(r"\w+")


def nearest(hay: str, want: str) -> tuple[int, int] | None:
    """Return the (start, end) in hay of the passage most similar to want, or None."""
    if not hay or not want:
        return None
    if len(want) <= CAP:
        found = place(hay, want, 0, len(hay))
        return found[1] if found and found[0] >= SIMILAR else None
    head = place(hay, want[:CAP], 0, len(hay))
    if head is None:
        return None
    # The tail should start about where the head's place says it would, give or take an edit.
    first = head[1][0]
    tail = place(hay, want[-CAP:], first, first + 2 * len(want))
    if tail is None or tail[1][1] <= first:
        return head[1] if head[0] / 2 >= SIMILAR else None
    ratio = (head[0] + tail[0]) / 2
    return (first, tail[1][1]) if ratio >= SIMILAR else None


def place(hay: str, want: str, lo: int, hi: int) -> tuple[float, tuple[int, int]] | None:
    """Return the similarity and span of the best place for want starting in [lo, hi), or None."""
    best, span = 0.0, None
    for start, _ in votes(hay, want, lo, hi).most_common(CANDIDATES):
        ratio, found = align(hay, want, start * BUCKET)
        if ratio > best:
            best, span = ratio, found
    return None if span is None else (best, span)


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
    rare = [x for x in placed if 0 < len(x[2]) <= HITS]
    if not rare and len(words) <= WORDS:  # every word too common to say where: runs are rarer
        placed += located(hay, runs(want, found), lo, hi)
        rare = [x for x in placed if 0 < len(x[2]) <= HITS]
    counts: Counter = Counter()
    for piece, offset, places in rare or placed:
        for at in places[:HITS]:
            counts[(at - offset) // BUCKET] += len(piece)
    return counts


def located(hay: str, chosen: list[tuple[str, int]], lo: int,
            hi: int) -> list[tuple[str, int, list[int]]]:
    """Return each piece with its offset in want and where it occurs, for starts in [lo, hi)."""
    # From the text's start when lo is 0: a quote may begin before it (a start below 0).
    return [(p, o, hits(hay, p, lo and lo + o, hi + o + len(p))) for p, o in chosen]


def align(hay: str, want: str, start: int) -> tuple[float, tuple[int, int]]:
    """Line want up with the text near start; return the similarity and the matching span."""
    slack = len(want) // 2 + BUCKET
    lo = max(0, start - slack)
    window = hay[lo:start + len(want) + slack]
    blocks = [b for b in SequenceMatcher(None, window, want, autojunk=False).get_matching_blocks()
              if b.size >= 3]
    if not blocks:
        return 0.0, (start, start + 1)
    first, last = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
    return SequenceMatcher(None, hay[first:last], want, autojunk=False).ratio(), (first, last)
