"""Find where speakers are named in visible text: whole words, any script, name or alias."""

from __future__ import annotations

import bisect
import re

from ..model import Speaker

# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese kana, Chinese)
# and Korean, whose particles join the name: there a name is found inside a run of letters.
UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                      "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
WORD = re.compile(r"\w")


class Mentions:
    """A matcher for every speaker's names, built once per site."""

    def __init__(self, speakers: dict[str, Speaker], href: str = "../../speakers/{}/") -> None:
        self.owner: dict[str, str] = {}
        for s in speakers.values():
            for name in (s.name, *s.aliases):
                self.owner.setdefault(" ".join(name.split()), s.id)
        names = sorted(self.owner, key=len, reverse=True)
        body = "|".join(alternative(n) for n in names if n)
        self.regex = re.compile(body) if body else None
        self.href = href

    def find(self, text: str, segments) -> tuple[tuple[str, ...], list[tuple[int, int, str]]]:
        """Return the ids of everyone named, and a link span at each person's first linkable mention."""
        if self.regex is None:
            return (), []
        starts = [s.start for s in segments]
        named: dict[str, None] = {}
        links: dict[str, tuple[int, int, str]] = {}
        for m in self.matches(text):
            sid = self.owner[" ".join(m.group().split())]
            named.setdefault(sid)
            if sid not in links and linkable(segments, starts, m.start(), m.end()):
                links[sid] = (m.start(), m.end(), self.href.format(sid))
        return tuple(sorted(named)), sorted(links.values())

    def matches(self, text: str):
        """Yield every mention of a name, each starting a word unless its script has no spaces."""
        # Checked here, not by a lookbehind: one would stop the regex skipping ahead to the
        # names' first letters, about 30 times slower.
        pos = 0
        while m := self.regex.search(text, pos):
            start = m.start()
            if start and not UNSPACED.match(text[start]) and WORD.match(text[start - 1]):
                pos = start + 1
                continue
            yield m
            pos = m.end()


def alternative(name: str) -> str:
    """Return the regex for one name: any whitespace between its words, ending a word where spaced."""
    body = r"\s+".join(map(re.escape, name.split()))
    return body + ("" if UNSPACED.match(name[-1]) else r"(?!\w)")


def linkable(segments, starts: list[int], start: int, end: int) -> bool:
    """Tell whether a span lies inside one plain text segment that is not already a link."""
    i = bisect.bisect_right(starts, start) - 1
    if i < 0:
        return False
    seg = segments[i]
    return end <= seg.end and not seg.in_link and seg.token.type == "text"
