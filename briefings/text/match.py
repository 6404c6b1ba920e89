"""Find a quote in visible text the way copy-paste needs: tolerant of spaces, quotes and dashes."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from ..errors import ContentError
from ..model import Annotation
from .passage import nearest
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
# Matches listed in an error; the rest are counted.
LISTED = 10


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
        return a.quote_where.error(not_found(t, a.quote))
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
    if not chosen:
        return a.at("prefix" if needle(a.prefix) else "suffix").error(
            f"quote found {times(len(starts))} but never with this prefix/suffix: "
            + listing(t, listed(starts, size), len(starts)))
    if a.occurrence:
        return a.at("occurrence").error(
            f"occurrence {a.occurrence} is out of range: the quote matches "
            f"{times(len(chosen))}{narrowed}: " + listing(t, listed(chosen, size), len(chosen)))
    return a.quote_where.error(
        f"quote is ambiguous: it matches {len(chosen)} places{narrowed}; add 'prefix', 'suffix' "
        f"or 'occurrence' to choose one: " + listing(t, listed(chosen, size), len(chosen)))


def listed(starts: list[int], size: int) -> list[tuple[int, int]]:
    """Return the (start, end) of the matches an error lists."""
    return [(p, p + size) for p in starts[:LISTED]]


def squash(text: str) -> str:
    """Collapse whitespace runs for a one-line message."""
    return " ".join(text.split())


def one_line(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a space at either edge."""
    return re.sub(r"\s+", " ", text)


def listing(t: Text, matches: list[tuple[int, int]], count: int | None = None) -> str:
    """Show the first LISTED matches with a few words of context, numbered for 'occurrence'.

    count is how many matches there are in all, when matches holds only the first ones.
    """
    count = len(matches) if count is None else count
    shown, text = [], t.text
    for n, (start, end) in enumerate(map(t.span, matches[:LISTED]), 1):
        lo, hi = cut(text, start - CONTEXT), cut(text, end + CONTEXT, -1)
        before = "..." + one_line(text[lo:start]).lstrip() if lo > 0 else one_line(text[:start])
        after = one_line(text[end:hi]).rstrip() + "..." if hi < len(text) else one_line(text[end:])
        shown.append(f'({n}) "{before}[{squash(text[start:end])}]{after}"')
    more = f" and {count - LISTED} more" if count > LISTED else ""
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
    span = nearest(t.lowered(), needle(quote).lower())
    return None if span is None else widen(t.text, *t.span(span))


def widen(text: str, start: int, end: int) -> str:
    """Extend a span to whole words and return it on one line."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return squash(text[start:end])
