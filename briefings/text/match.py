"""Find a quote in visible text the way copy-paste needs: tolerant of spaces, quotes and dashes."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ..errors import ContentError
from ..model import Annotation
from .passage import Candidate, rank, squash
from .textindex import WordIndex

# One-for-one replacements keep offsets in the normalised text equal to offsets in the original.
_FOLD = {ord(c): "'" for c in "\"‘’‚‛“”„‟«»‹›′″"}
_FOLD.update({ord(c): "-" for c in "‐‑‒–—―−"})
_FOLD.update({c: " " for c in range(0x3001) if chr(c).isspace()})
_FOLD.update({0x3000: " ", 0x205F: " ", 0xFEFF: " "})
# Squeezing makes copy-paste variants identical: space runs become one space, … becomes three dots.
_SQUEEZE = re.compile(r"  +|…")  # not " {2,}|…": a literal first is several times faster
CONTEXT = 30
# A str.find scan costs about len(text) and building the word index about SCANS of them: the index
# is built only once the scans have cost that much (hundreds of quotes on one article), so a few
# quotes on a long article never pay for it.
SCANS = 50
# Matches listed in an error; the rest are counted. A "not found" names NEXT runners-up after
# the closest passage, each cut to about SHORT characters.
LISTED, NEXT, SHORT = 10, 2, 80


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
        # Only the dots of an ellipsis character can be cut apart by a match's edge.
        self._dotted = "…" in self.folded
        self._scanned = 0
        self._index: WordIndex | None = None
        self._found: dict[str, list[int]] = {}
        self._lowered: str | None = None
        self._unspaced: tuple[str, list[int]] | None = None

    def lowered(self) -> str:
        """Return the squeezed text in lower case (unchanged if that would move any offset)."""
        if self._lowered is None:
            low = self.squeezed.lower()
            self._lowered = low if len(low) == len(self.squeezed) else self.squeezed
        return self._lowered

    def unspaced(self) -> tuple[str, list[int]]:
        """Return the lowered text without its spaces, and where in it the text after each space starts."""
        if self._unspaced is None:  # only for quotes that match nowhere: made once per article
            low = self.lowered()
            self._unspaced = (low.replace(" ", ""),
                              [m.start() - k for k, m in enumerate(re.finditer(" ", low))])
        return self._unspaced

    def to_folded(self, pos: int) -> int:
        """Map an offset in the squeezed text to the offset of the character it came from."""
        return pos + self._shifts[bisect_right(self._starts, pos) - 1]

    def span(self, match: tuple[int, int]) -> tuple[int, int]:
        """Map a squeezed (start, end) to the span of the original characters."""
        return self.to_folded(match[0]), self.to_folded(match[1] - 1) + 1

    def splits(self, pos: int) -> bool:
        """Tell whether a boundary at pos would cut the dots of one … character apart."""
        return 0 < pos < len(self.squeezed) and self.to_folded(pos - 1) == self.to_folded(pos)

    def starts(self, needle: str) -> list[int]:
        """Return the squeezed start of every match of needle, overlapping ones included."""
        if not needle:
            return []
        found = self._found.get(needle)
        if found is None:  # the same quote on one article is searched once
            found = self.candidates(needle)
            if self._dotted:
                size = len(needle)
                found = [p for p in found if not self.splits(p) and not self.splits(p + size)]
            self._found[needle] = found
        return found

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Return every squeezed (start, end) of needle, overlapping ones included."""
        size = len(needle)
        return [(p, p + size) for p in self.starts(needle)]

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
        if self._index is None and self._scanned > SCANS * len(self.squeezed):
            self.index()
        if self._index is not None:
            return self._index.find(needle)
        self._scanned += len(self.squeezed)
        found, find = [], self.squeezed.find
        at = find(needle)
        while at >= 0:
            found.append(at)
            at = find(needle, at + 1)
        return found

    def index(self) -> WordIndex:
        """Build the word index of the squeezed text (once) and return it."""
        if self._index is None:
            self._index = WordIndex(self.squeezed)
        return self._index


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
    found = resolve(t, a)
    if isinstance(found, ContentError):
        raise found
    return found


def resolve(t: Text, a: Annotation) -> tuple[int, int] | ContentError:
    """Return the one span an annotation means, or the ContentError saying how to fix it.

    The error is made, not raised: a raised one would keep its traceback, and with it this frame
    and every match, alive for as long as the error is kept.
    """
    key = needle(a.quote)
    starts = t.starts(key)
    if not starts:
        return a.quote_where.error(not_found(t, a))
    size = len(key)
    chosen = fitting(t, starts, size, needle(a.prefix), needle(a.suffix))
    pick = a.occurrence or 1
    if pick <= len(chosen) and (a.occurrence or len(chosen) == 1):
        return t.span((chosen[pick - 1], chosen[pick - 1] + size))
    return unresolved(t, a, starts, chosen, size)


def fitting(t: Text, starts: list[int], size: int, prefix: str, suffix: str) -> list[int]:
    """Return the matches (by start) that the prefix and suffix allow, in text order."""
    if not prefix and not suffix:
        return starts
    return [p for p in starts if t.fits((p, p + size), prefix, suffix)]


def unresolved(t: Text, a: Annotation, starts: list[int], chosen: list[int],
               size: int) -> ContentError:
    """Say why the matches of a quote do not come down to one: none fits, or several do."""
    narrowed = " with this prefix/suffix" if needle(a.prefix) or needle(a.suffix) else ""
    if not chosen:  # the context tells the matches apart: the closest first
        found = ranked(t, a.quote, a.prefix, a.suffix, LISTED)
        return a.at("prefix" if needle(a.prefix) else "suffix").error(
            f"quote found {times(len(starts))} but never with this prefix/suffix; closest first: "
            + ranking(t, found, starts, len(starts)))
    # Each match left fits the quote and its context exactly: ranking them finds a tie.
    tie = ", all equally close (score 1.00)" if len(chosen) > 1 else " (score 1.00)"
    shown = listing(t, [(p, p + size) for p in chosen[:LISTED]], len(chosen))
    if a.occurrence:
        return a.at("occurrence").error(
            f"occurrence {a.occurrence} is out of range: the quote matches "
            f"{times(len(chosen))}{narrowed}{tie}: " + shown)
    return a.quote_where.error(
        f"quote is ambiguous: it matches {len(chosen)} places{narrowed}{tie}; add 'prefix', "
        f"'suffix' or 'occurrence' to choose one: " + shown)


def one_line(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a space at either edge."""
    return re.sub(r"\s+", " ", text)


def listing(t: Text, matches: list[tuple[int, int]], count: int | None = None) -> str:
    """Show the first LISTED matches with a few words of context, numbered for 'occurrence'.

    count is how many matches there are in all, when matches holds only the first ones.
    """
    count = len(matches) if count is None else count
    shown = [showing(t.text, n, t.span(m)) for n, m in enumerate(matches[:LISTED], 1)]
    return "; ".join(shown) + more(count)


def ranking(t: Text, found: list[Candidate], starts: list[int], count: int) -> str:
    """Show ranked exact matches, best first, each with its number in text order and its score."""
    shown = [f"{showing(t.text, bisect_left(starts, c.span[0], key=t.to_folded) + 1, c.span)} "
             f"(score {c.score:.2f})" for c in found]
    return "; ".join(shown) + more(count)


def showing(text: str, n: int, span: tuple[int, int]) -> str:
    """Show match n with a few words of context, the match in brackets: (n) "...a [match] b..."."""
    start, end = span
    lo, hi = cut(text, start - CONTEXT), cut(text, end + CONTEXT, -1)
    before = "..." + one_line(text[lo:start]).lstrip() if lo > 0 else one_line(text[:start])
    after = one_line(text[end:hi]).rstrip() + "..." if hi < len(text) else one_line(text[end:])
    return f'({n}) "{before}[{squash(text[start:end])}]{after}"'


def more(count: int) -> str:
    """Say how many matches an error leaves out."""
    return f" and {count - LISTED} more" if count > LISTED else ""


def times(n: int) -> str:
    """Say how many times: 'once', '2 times'."""
    return "once" if n == 1 else f"{n} times"


def cut(text: str, pos: int, step: int = 1) -> int:
    """Move a context edge off a word it would split (forward, or backward with step -1)."""
    pos = min(max(pos, 0), len(text))
    while 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum():
        pos += step
    return pos


def not_found(t: Text, a: Annotation) -> str:
    """Explain a quote that does not match, naming the closest passages of the current text."""
    found = ranked(t, a.quote, a.prefix, a.suffix, 1 + NEXT)
    if not found:
        return "quote not found in the article, and no similar passage either"
    best = found[0]
    same = needle(best.passage).lower() == needle(a.quote).lower()
    hint = " (matching is case-sensitive)" if same else ""
    rest = ", ".join(f'"{shorten(c.passage)}" ({c.score:.2f})' for c in found[1:])
    return (f'quote not found; closest passage (score {best.score:.2f}): "{best.passage}"{hint}'
            + (f"; next: {rest}" if rest else ""))


def shorten(passage: str) -> str:
    """Cut a long passage to its first and last words, about SHORT characters in all."""
    if len(passage) <= SHORT:
        return passage
    return (passage[:SHORT * 2 // 3].rpartition(" ")[0] + " ... "
            + passage[-SHORT // 3:].partition(" ")[2])


def ranked(t: Text, quote: str, prefix: str = "", suffix: str = "", limit: int = 5) -> list[Candidate]:
    """Return up to limit passages that a quote with this prefix and suffix may mean, best first.

    Exact matches of the quote are ranked by how well the text around them fits the prefix and
    suffix; when there are none, the passages most like the quote, widened to whole words, by
    their likeness to the quote and the context together (see passage.py).
    """
    return rank(t, needle(quote), needle(prefix), needle(suffix), limit)


def closest(t: Text, quote: str) -> str | None:
    """Return the passage of the text most similar to the quote (fuzzy), or None."""
    found = ranked(t, quote, limit=1)
    return found[0].passage if found else None
