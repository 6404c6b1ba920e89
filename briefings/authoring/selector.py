"""From a browser selection to an annotation's selector: which span it means, and the least
quote/prefix/suffix/occurrence that makes the build's matcher find exactly that span again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..model import Annotation
from ..text.markdown import parse, visible_text
from ..text.match import Text, find_all, fold, needle, resolve

# A prefix or suffix grows a whole word at a time up to this many words and characters; beyond
# that a context is longer than anyone would read, and "occurrence" says it more briefly.
WORDS = 10
CHARS = 200
# What fold turns into a space (every str.isspace character, and the zero-width no-break space).
_SPACES = re.compile(r"[\s\ufeff]+")
# A word of folded text, where every kind of whitespace is already one plain space.
_WORD = re.compile(r"[^ ]+")


def article_text(body: str, allow_html: bool = False) -> str:
    """Return the visible text of a briefing's Markdown body exactly as the build anchors against it."""
    return visible_text(parse(body, allow_html))[0]


@lru_cache(maxsize=4)
def prepared(text: str) -> Text:
    """Return the matcher's view of a text, kept for the next call on the same article."""
    return Text(text)


def collapse(fragment: str) -> str:
    """Collapse whitespace runs to single spaces and drop them at the edges (SPEC-NOTES 12)."""
    return _SPACES.sub(" ", fragment).strip(" ")


def locate_selection(text: str, quote: str, before: str, after: str) -> tuple[int, int] | None:
    """Return the [start, end) span of text that a browser selection means, or None.

    The quote is matched as the build matches quotes (quotes, dashes and spaces folded); of several
    matches the one whose surrounding text agrees longest with before (read backwards) plus after
    wins, comparing with all whitespace left out, since a browser's context may join or split
    blocks differently from the visible text. None when nothing matches or the best is a tie.
    """
    t = prepared(text)
    found = find_all(t, quote)
    if len(found) <= 1:
        return found[0] if found else None
    back, ahead = plain(before), plain(after)
    scores = [agreement(t, span, back, ahead) for span in found]
    best = max(scores)
    return found[scores.index(best)] if scores.count(best) == 1 else None


def plain(fragment: str) -> str:
    """Return a fragment folded, without whitespace and with … as three dots, for comparing."""
    return fold(fragment).replace(" ", "").replace("…", "...")


def agreement(t: Text, span: tuple[int, int], back: str, ahead: str) -> int:
    """Count how many characters of the context agree with the text around a match."""
    return agreeing(t.text, span[0], back[::-1], -1) + agreeing(t.text, span[1], ahead, 1)


def agreeing(text: str, pos: int, want: str, step: int) -> int:
    """Count the plain characters of text from pos on (backwards when step < 0) agreeing with want.

    The window starts small and widens only while all of it agrees: most matches of a common
    quote differ from the context within a few characters.
    """
    width = 32
    while True:
        lo, hi = (max(0, pos - width), pos) if step < 0 else (pos, min(len(text), pos + width))
        got = plain(text[lo:hi])[::step]
        n = common_prefix(got, want)
        if n < len(got) or n == len(want) or hi - lo < width:
            return n
        width *= 4


def common_prefix(a: str, b: str) -> int:
    """Return the length of the longest common prefix (binary search: few slices, no char loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.startswith(b[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def least_selector(text: str, span: tuple[int, int]) -> dict:
    """Return the annotation fields that select exactly span: the quote and the least context.

    Whitespace at the span's edges is left out. Preferred in this order: the quote alone; the
    shortest prefix; the shortest suffix; the shortest prefix and suffix together; else the
    occurrence among all matches. Each is checked with the build's own resolver.
    Raises ValueError when the span is out of range or holds no visible character.
    """
    t = prepared(text)
    start, end = trimmed(t, span)
    quote = collapse(text[start:end])
    key = needle(quote)
    starts = t.starts(key)
    mine = next((p for p in starts if t.span((p, p + len(key))) == (start, end)), None)
    if mine is None:  # the matcher never ends a match there (the build allows no such quote)
        raise ValueError(f"no quote can select exactly {span}")
    for fields in candidates(t, {"quote": quote}, starts, mine, len(key), (start, end)):
        if selects(t, fields, (start, end)):
            return fields
    raise AssertionError(f"occurrence {starts.index(mine) + 1} does not select {span}")


def trimmed(t: Text, span: tuple[int, int]) -> tuple[int, int]:
    """Return the span without whitespace at its edges; refuse an empty or out-of-range one."""
    start, end = span
    if not 0 <= start <= end <= len(t.text):
        raise ValueError(f"span {span} is outside the text (length {len(t.text)})")
    while start < end and t.folded[start] == " ":
        start += 1
    while end > start and t.folded[end - 1] == " ":
        end -= 1
    if start == end:
        raise ValueError(f"span {span} holds no visible text")
    return start, end


def candidates(t: Text, base: dict, starts: list[int], mine: int, size: int,
               span: tuple[int, int]) -> Iterator[dict]:
    """Yield the selectors that should pick the span, most preferred first, occurrence last.

    The other matches are screened with the build's Text.fits, a context word at a time, so a
    quote with thousands of matches costs one pass over them per word, not one resolve.
    """
    if len(starts) > 1:
        rivals = [p for p in starts if p != mine]
        prefixes = narrowing(t, rivals, size, prefix_values(t, span[0]), True)
        suffixes = narrowing(t, rivals, size, suffix_values(t, span[1]), False)
        yield from ({**base, "prefix": p} for p, left in prefixes if not left)
        yield from ({**base, "suffix": s} for s, left in suffixes if not left)
        pairs = sorted((len(p) + len(s), len(p), p, s) for p, lp in prefixes for s, ls in suffixes
                       if lp.isdisjoint(ls))
        yield from ({**base, "prefix": p, "suffix": s} for _, _, p, s in pairs)
        base = {**base, "occurrence": starts.index(mine) + 1}
    yield base


def narrowing(t: Text, rivals: list[int], size: int, values: list[str],
              is_prefix: bool) -> list[tuple[str, set[int]]]:
    """Pair each context value (shortest first) with the other matches it still lets through."""
    out, left = [], rivals
    for value in values:
        key = needle(value)
        prefix, suffix = (key, "") if is_prefix else ("", key)
        # A longer context lets through only matches a shorter one did: filter the survivors.
        left = [p for p in left if t.fits((p, p + size), prefix, suffix)]
        out.append((value, set(left)))
        if not left:
            break
    return out


def prefix_values(t: Text, start: int) -> list[str]:
    """Return the prefixes that end at start and begin at a word's start, shortest first."""
    lo = max(0, start - CHARS)
    heads = [m.start() for m in _WORD.finditer(t.folded, lo, start)]
    if heads and heads[0] == lo and lo > 0 and t.folded[lo - 1] != " ":
        heads.pop(0)  # that word is cut by the length cap
    return [collapse(t.text[h:start]) for h in reversed(heads[-WORDS:])]


def suffix_values(t: Text, end: int) -> list[str]:
    """Return the suffixes that begin at end and end at a word's end, shortest first."""
    hi = min(len(t.text), end + CHARS)
    tails = [m.end() for m in _WORD.finditer(t.folded, end, hi)]
    if tails and tails[-1] == hi < len(t.text) and t.folded[hi] != " ":
        tails.pop()  # that word is cut by the length cap
    return [collapse(t.text[end:e]) for e in tails[:WORDS]]


def selects(t: Text, fields: dict, span: tuple[int, int]) -> bool:
    """Tell whether an annotation with these fields resolves, as the build resolves it, to span."""
    a = Annotation(id="selection", kind="note", **fields)
    return resolve(t, a) == span
