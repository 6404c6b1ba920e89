"""Find a quote in visible text the way copy-paste needs: tolerant of spaces, quotes and dashes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from .model import Annotation

# One-for-one replacements keep offsets in the normalised text equal to offsets in the original.
_FOLD = {ord(c): "'" for c in "\"‘’‚‛“”„‟«»‹›′″"}
_FOLD.update({ord(c): "-" for c in "‐‑‒–—―−"})
_FOLD.update({c: " " for c in range(0x3001) if chr(c).isspace()})
_FOLD.update({0x3000: " ", 0x205F: " ", 0xFEFF: " "})
# Squeezing makes copy-paste variants identical: space runs become one space, … becomes three dots.
_SQUEEZE = re.compile(r"  +|…")  # not " {2,}|…": a literal first is several times faster
CONTEXT = 30
# Plain str.find scans cost about len(text) each; past this many scanned characters a word index
# of the text is cheaper (thousands of quotes on one long article).
INDEX_AFTER = 20_000_000
# The closest-passage search: the quote's longest words (at most WORDS, HITS places each) vote for
# where it would start, in BUCKET-character steps; the CANDIDATES best places are compared closely.
WORDS, HITS, BUCKET, CANDIDATES = 12, 1000, 16, 5


def fold(text: str) -> str:
    """Fold quotes, dashes and whitespace to one form each, keeping every offset."""
    return text.translate(_FOLD)


@lru_cache(maxsize=8192)
def needle(fragment: str) -> str:
    """Return a quote-like fragment folded and squeezed: what its matches squeeze to."""
    return " ".join(w for w in fold(fragment).split(" ") if w).replace("…", "...")


class Text:
    """An article's visible text prepared for matching: folded, and squeezed for fast search."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self.squeezed, self._starts, self._shifts = squeeze(self.folded)
        self._scanned = 0
        self._words: dict[str, list[int]] | None = None
        self._lowered: str | None = None

    def lowered(self) -> str:
        """Return the squeezed text in lower case (unchanged if that would move any offset)."""
        if self._lowered is None:
            low = self.squeezed.lower()
            self._lowered = low if len(low) == len(self.squeezed) else self.squeezed
        return self._lowered

    def to_folded(self, pos: int) -> int:
        """Map an offset in the squeezed text to the offset of the character it came from."""
        return pos + self._shifts[bisect_right(self._starts, pos) - 1]

    def span(self, match: tuple[int, int]) -> tuple[int, int]:
        """Map a squeezed (start, end) to the span of the original characters."""
        return self.to_folded(match[0]), self.to_folded(match[1] - 1) + 1

    def splits(self, pos: int) -> bool:
        """Tell whether a boundary at pos would cut the dots of one … character apart."""
        return 0 < pos < len(self.squeezed) and self.to_folded(pos - 1) == self.to_folded(pos)

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Return every squeezed (start, end) of needle, overlapping ones included."""
        if not needle:
            return []
        size = len(needle)
        return [(p, p + size) for p in self.candidates(needle)
                if not self.splits(p) and not self.splits(p + size)]

    def fits(self, match: tuple[int, int], prefix: str, suffix: str) -> bool:
        """Tell whether the squeezed prefix ends just before a match and the suffix starts after it."""
        start, end = match
        before = self.squeezed[max(0, start - len(prefix) - 1):start]
        after = self.squeezed[end:end + len(suffix) + 1]
        before = before[:-1] if before.endswith(" ") else before
        after = after[1:] if after.startswith(" ") else after
        return before.endswith(prefix) and after.startswith(suffix)

    def candidates(self, needle: str) -> list[int]:
        """Return every offset of needle in the squeezed text (overlapping ones included)."""
        words = needle.split(" ")
        if len(words) > 2 and self._indexed():
            return self._lookup(needle, words)
        self._scanned += len(self.squeezed)
        found, find = [], self.squeezed.find
        at = find(needle)
        while at >= 0:
            found.append(at)
            at = find(needle, at + 1)
        return found

    def _indexed(self) -> bool:
        """Build the word index once plain scans have cost more than building it would."""
        if self._words is None and self._scanned > INDEX_AFTER:
            self._words, pos = {}, 0
            for word in self.squeezed.split(" "):  # twice as fast as re.finditer
                self._words.setdefault(word, []).append(pos)
                pos += len(word) + 1
        return self._words is not None

    def _lookup(self, needle: str, words: list[str]) -> list[int]:
        """Find needle through its rarest inner word, which must be a whole word of the text."""
        offsets = [0]
        for w in words[:-1]:
            offsets.append(offsets[-1] + len(w) + 1)
        j = min(range(1, len(words) - 1), key=lambda k: len(self._words.get(words[k], ())))
        hits = (p - offsets[j] for p in self._words.get(words[j], ()))
        return [p for p in hits if p >= 0 and self.squeezed.startswith(needle, p)]


def squeeze(folded: str) -> tuple[str, list[int], list[int]]:
    """Squeeze folded text; return it with breakpoints and shifts mapping offsets back."""
    if "  " not in folded and "…" not in folded:
        return folded, [0], [0]
    parts, starts, shifts = [], [0], [0]
    last = size = 0
    for m in _SQUEEZE.finditer(folded):
        s, e = m.span()
        parts.append(folded[last:s])
        size += s - last
        if e - s == 1:  # the three dots of an ellipsis all come from the … character
            parts.append("...")
            starts += [size + 1, size + 2, size + 3]
            shifts += [s - size - 1, s - size - 2, e - size - 3]
            size += 3
        else:
            parts.append(" ")
            starts.append(size + 1)
            shifts.append(e - size - 1)
            size += 1
        last = e
    parts.append(folded[last:])
    return "".join(parts), starts, shifts


def find_all(t: Text, quote: str) -> list[tuple[int, int]]:
    """Return every (start, end) match of a quote in the visible text, overlapping ones included."""
    return [t.span(m) for m in t.find(needle(quote))]


def locate(t: Text, a: Annotation) -> tuple[int, int]:
    """Return the one span an annotation means, or raise a ContentError saying how to fix it."""
    matches = t.find(needle(a.quote))
    if not matches:
        raise a.quote_where.error(not_found(t, a.quote))
    prefix, suffix = needle(a.prefix), needle(a.suffix)
    chosen = [m for m in matches if t.fits(m, prefix, suffix)]
    narrowed = " with this prefix/suffix" if prefix or suffix else ""
    if not chosen:
        raise a.at("prefix" if prefix else "suffix").error(
            f"quote found {times(len(matches))} but never with this prefix/suffix: "
            + listing(t, matches))
    if a.occurrence:
        if a.occurrence > len(chosen):
            raise a.at("occurrence").error(
                f"occurrence {a.occurrence} is out of range: the quote matches "
                f"{times(len(chosen))}{narrowed}: " + listing(t, chosen))
        return t.span(chosen[a.occurrence - 1])
    if len(chosen) > 1:
        raise a.quote_where.error(
            f"quote is ambiguous: it matches {len(chosen)} places{narrowed}; add 'prefix', 'suffix' "
            f"or 'occurrence' to choose one: " + listing(t, chosen))
    return t.span(chosen[0])


def squash(text: str) -> str:
    """Collapse whitespace runs for a one-line message."""
    return " ".join(text.split())


def one_line(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a space at either edge."""
    return re.sub(r"\s+", " ", text)


def listing(t: Text, matches: list[tuple[int, int]], limit: int = 10) -> str:
    """Show each match with a few words of context, numbered for 'occurrence'."""
    shown, text = [], t.text
    for n, (start, end) in enumerate(map(t.span, matches[:limit]), 1):
        lo, hi = cut(text, start - CONTEXT), cut(text, end + CONTEXT, -1)
        before = "..." + one_line(text[lo:start]).lstrip() if lo > 0 else one_line(text[:start])
        after = one_line(text[end:hi]).rstrip() + "..." if hi < len(text) else one_line(text[end:])
        shown.append(f'({n}) "{before}[{squash(text[start:end])}]{after}"')
    more = f" and {len(matches) - limit} more" if len(matches) > limit else ""
    return "; ".join(shown) + more


def times(n: int) -> str:
    """Say how many times: 'once', '2 times'."""
    return "once" if n == 1 else f"{n} times"


def cut(text: str, pos: int, step: int = 1) -> int:
    """Move a context edge off a word it would split (forward, or backward with step -1)."""
    pos = min(max(pos, 0), len(text))
    while 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum():
        pos += step
    return pos


def not_found(t: Text, quote: str) -> str:
    """Explain a quote that does not match, quoting the closest passage of the current text."""
    passage = closest(t, quote)
    if passage is None:
        return "quote not found in the article, and no similar passage either"
    same = needle(passage).lower() == needle(quote).lower()
    hint = " (matching is case-sensitive)" if same else ""
    return f'quote not found; closest passage: "{passage}"{hint}'


def closest(t: Text, quote: str) -> str | None:
    """Return the passage of the text most similar to the quote (fuzzy), or None."""
    hay, want = t.lowered(), needle(quote).lower()
    if not hay or not want:
        return None
    best, span = 0.0, None
    for start, _ in votes(hay, want).most_common(CANDIDATES):
        ratio, found = align(hay, want, start * BUCKET)
        if ratio > best:
            best, span = ratio, found
    if span is None or best < 0.4:
        return None
    return widen(t.text, *t.span(span))


def votes(hay: str, want: str) -> Counter:
    """Vote for where the quote would start, by where its longer words occur in the text."""
    words = {m.group(): m.start() for m in re.finditer(r"\w+", want)}
    longest = sorted(words, key=len, reverse=True)[:WORDS]
    counts: Counter = Counter()
    for word in longest:
        at, seen = hay.find(word), 0
        while at >= 0 and seen < HITS:
            counts[(at - words[word]) // BUCKET] += len(word)
            at, seen = hay.find(word, at + 1), seen + 1
    return counts


def align(hay: str, want: str, start: int) -> tuple[float, tuple[int, int]]:
    """Line the quote up with the text near start; return the similarity and the matching span."""
    slack = len(want) // 2 + BUCKET
    lo = max(0, start - slack)
    window = hay[lo:start + len(want) + slack]
    blocks = [b for b in SequenceMatcher(None, window, want, autojunk=False).get_matching_blocks()
              if b.size >= 3]
    if not blocks:
        return 0.0, (start, start + 1)
    first, last = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
    return SequenceMatcher(None, hay[first:last], want, autojunk=False).ratio(), (first, last)


def widen(text: str, start: int, end: int) -> str:
    """Extend a span to whole words and return it on one line."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return squash(text[start:end])
