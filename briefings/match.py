"""Find a quote in visible text the way copy-paste needs: tolerant of spaces, quotes and dashes."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import islice

from .model import Annotation
from .errors import ContentError

# One-for-one replacements keep offsets in the normalised text equal to offsets in the original.
_FOLD = {ord(c): "'" for c in "\"‘’‚‛“”„‟«»‹›′″"}
_FOLD.update({ord(c): "-" for c in "‐‑‒–—―−"})
_FOLD.update({c: " " for c in range(0x3001) if chr(c).isspace()})
_FOLD.update({0x3000: " ", 0x205F: " ", 0xFEFF: " "})
ELLIPSIS = r"(?:\.\.\.|…)"
CONTEXT = 30


def fold(text: str) -> str:
    """Fold quotes, dashes and whitespace to one form each, keeping every offset."""
    return text.translate(_FOLD)


def pattern(fragment: str) -> str:
    """Return a regex for a quote-like fragment: whitespace runs and ellipses match loosely."""
    parts = []
    for word in fold(fragment).split(" "):
        if word:
            pieces = re.split(r"\.\.\.|…", word)
            parts.append(ELLIPSIS.join(re.escape(p) for p in pieces))
    return " +".join(parts)


def find_all(folded: str, quote: str) -> list[tuple[int, int]]:
    """Return every (start, end) match of a quote, overlapping ones included."""
    regex = re.compile(f"(?=({pattern(quote)}))")
    return [(m.start(1), m.end(1)) for m in regex.finditer(folded)]


def fits(folded: str, span: tuple[int, int], prefix: str, suffix: str) -> bool:
    """Tell whether a match has the given prefix before it and suffix after it."""
    start, end = span
    if prefix.strip():
        window = folded[max(0, start - 4 * len(prefix) - 20):start]
        if not re.search(f"{pattern(prefix)} *\\Z", window):
            return False
    if suffix.strip():
        window = folded[end:end + 4 * len(suffix) + 20]
        if not re.match(f" *{pattern(suffix)}", window):
            return False
    return True


def locate(text: str, folded: str, a: Annotation) -> tuple[int, int]:
    """Return the one span an annotation means, or raise a ContentError saying how to fix it."""
    matches = find_all(folded, a.quote)
    if not matches:
        raise a.quote_where.error(not_found(text, folded, a.quote))
    chosen = [m for m in matches if fits(folded, m, a.prefix, a.suffix)]
    narrowed = " with this prefix/suffix" if (a.prefix.strip() or a.suffix.strip()) else ""
    if not chosen:
        raise a.where.error(f"quote found {len(matches)} time(s) but never with this prefix/suffix: "
                            + listing(text, matches))
    if a.occurrence:
        if a.occurrence > len(chosen):
            raise a.at("occurrence").error(
                f"occurrence {a.occurrence} is out of range: the quote matches {len(chosen)} "
                f"time(s){narrowed}: " + listing(text, chosen))
        return chosen[a.occurrence - 1]
    if len(chosen) > 1:
        raise a.quote_where.error(
            f"quote is ambiguous: it matches {len(chosen)} places{narrowed}; add 'prefix', 'suffix' "
            f"or 'occurrence' to choose one: " + listing(text, chosen))
    return chosen[0]


def squash(text: str) -> str:
    """Collapse whitespace runs for a one-line message."""
    return " ".join(text.split())


def listing(text: str, spans: list[tuple[int, int]], limit: int = 10) -> str:
    """Show each match with a few words of context, numbered for 'occurrence'."""
    shown = []
    for n, (start, end) in enumerate(spans[:limit], 1):
        before = squash(text[max(0, start - CONTEXT):start])
        after = squash(text[end:end + CONTEXT])
        shown.append(f'({n}) "...{before} [{squash(text[start:end])}] {after}..."')
    more = f" and {len(spans) - limit} more" if len(spans) > limit else ""
    return "; ".join(shown) + more


def not_found(text: str, folded: str, quote: str) -> str:
    """Explain a quote that does not match, quoting the closest passage of the current text."""
    passage = closest(text, folded, squash(fold(quote)))
    if passage is None:
        return "quote not found in the article, and no similar passage either"
    return f'quote not found; closest passage: "{passage}"'


def closest(text: str, folded: str, quote: str) -> str | None:
    """Return the passage of text most similar to the quote (fuzzy), or None."""
    words = sorted(set(re.findall(r"\w{3,}", quote)), key=len, reverse=True)[:8] or quote.split()[:3]
    best, best_start = 0.0, -1
    for word in words:
        offset = quote.find(word)
        for m in islice(re.finditer(re.escape(word), folded, re.I), 200):
            start = max(0, m.start() - offset)
            matcher = SequenceMatcher(None, folded[start:start + len(quote)].lower(), quote.lower(),
                                      autojunk=False)
            if matcher.real_quick_ratio() > best and matcher.ratio() > best:
                best, best_start = matcher.ratio(), start
    if best < 0.4:
        return None
    return widen(text, best_start, best_start + len(quote))


def widen(text: str, start: int, end: int) -> str:
    """Extend a span to whole words and return it on one line."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return squash(text[start:end])
