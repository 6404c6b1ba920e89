"""A squeezed text indexed by its words: thousands of quotes then cost no scan of the text each."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

# The squeezed text holds no whitespace but single spaces, so this never occurs inside a word.
SEP = "\n"


class WordIndex:
    """Where each space-separated word of a text starts, with sorted views for partial words.

    A needle's inner words are whole words of the text, its last word begins one and its first
    word ends one; a needle of one word lies inside one. Each kind of lookup has its own view,
    built the first time a needle needs it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: dict[str, list[int]] = {}
        pos = 0
        for word in text.split(" "):  # twice as fast as re.finditer
            self.words.setdefault(word, []).append(pos)
            pos += len(word) + 1
        self._heads: Sorted | None = None
        self._tails: Sorted | None = None
        self._blob: tuple[str, list[int], list[str]] | None = None

    def find(self, needle: str) -> list[int]:
        """Return every offset of needle in the text, in order (overlapping ones included)."""
        words = needle.split(" ")
        if len(words) > 2:
            return self._inner(needle, words)
        if len(words) == 2:
            return self._pair(needle, words[0], words[1])
        return self._inside(needle)

    def _inner(self, needle: str, words: list[str]) -> list[int]:
        """Find a needle of three or more words through its rarest inner word."""
        offsets = list(accumulate((len(w) + 1 for w in words[:-1]), initial=0))
        j = min(range(1, len(words) - 1), key=lambda k: len(self.words.get(words[k], ())))
        hits = (p - offsets[j] for p in self.words.get(words[j], ()))
        return [p for p in hits if p >= 0 and self.text.startswith(needle, p)]

    def _pair(self, needle: str, first: str, last: str) -> list[int]:
        """Find 'A B' from whichever is rarer: words beginning with B, or words ending with A."""
        if self._heads is None:
            self._heads = Sorted(self.words, reverse=False)
            self._tails = Sorted(self.words, reverse=True)
        heads, tails = self._heads.range(last), self._tails.range(first[::-1])
        if self._heads.count(heads) <= self._tails.count(tails):
            back = len(first) + 1
            hits = (q - back for w in self._heads.keys(heads) for q in self.words[w])
        else:
            hits = (q + len(w) - len(first) for w in self._tails.keys(tails) for q in self.words[w])
        return sorted(p for p in hits if p >= 0 and self.text.startswith(needle, p))

    def _inside(self, needle: str) -> list[int]:
        """Find a one-word needle in the distinct words, each searched once however often used."""
        if self._blob is None:
            vocabulary = list(self.words)
            starts = list(accumulate((len(w) + 1 for w in vocabulary[:-1]), initial=0))
            self._blob = SEP.join(vocabulary), starts, vocabulary
        blob, starts, vocabulary = self._blob
        found, at = [], blob.find(needle)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            found.extend(q + at - starts[k] for q in self.words[vocabulary[k]])
            at = blob.find(needle, at + 1)
        found.sort()
        return found


class Sorted:
    """The distinct words (or each reversed) in sorted order, with running counts of their uses."""

    def __init__(self, words: dict[str, list[int]], reverse: bool) -> None:
        pairs = sorted(((w[::-1] if reverse else w), w) for w in words)
        self.sorted = [k for k, _ in pairs]
        self.original = [w for _, w in pairs]
        self.before = list(accumulate((len(words[w]) for w in self.original), initial=0))

    def range(self, start: str) -> tuple[int, int]:
        """Return the [lo, hi) indexes of the keys that begin with start."""
        lo = bisect_left(self.sorted, start)
        hi = lo
        if start and start[-1] < "\U0010ffff":
            # Every key beginning with start sorts before start with its last character increased.
            hi = bisect_left(self.sorted, start[:-1] + chr(ord(start[-1]) + 1), lo)
        else:
            while hi < len(self.sorted) and self.sorted[hi].startswith(start):
                hi += 1
        return lo, hi

    def count(self, span: tuple[int, int]) -> int:
        """Return how many uses the words in an index range have, without listing them."""
        return self.before[span[1]] - self.before[span[0]]

    def keys(self, span: tuple[int, int]) -> list[str]:
        """Return the (unreversed) words in an index range."""
        return self.original[span[0]:span[1]]
