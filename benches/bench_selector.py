"""Benchmark: a browser selection on a 1 MB article whose quote occurs 2,000 times.

Run with `python benches/bench_selector.py`; prints seconds per call. The article is generated
from a fixed seed: random words in paragraphs, with the quote "the ceasefire holds" put in 2,000
times - 1,000 times inside one identical 30-word sentence (so no prefix or suffix within the caps
tells those apart and the selector falls back to "occurrence", the worst case) and 1,000 times
among random words (where a word or two of context suffices). Timed: the first call on the
article (the matcher's view of the text is built then), warm calls of least_selector for both
kinds, and locate_selection with the browser's 200 characters of context either side.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefings.authoring import selector  # noqa: E402
from briefings.authoring.selector import least_selector, locate_selection  # noqa: E402

WORDS = ("treaty force council article state security measure member resolution peace talks "
         "border defence claim minister report envoy ceasefire sanction vote region protocol "
         "delegation accord dispute mandate observer mission summit clause party").split()
QUOTE = "the ceasefire holds"
SAME = ("Officials from every delegation present at the summit repeated once more that in their "
        f"shared view {QUOTE} for now and that the talks on the border protocol go on as planned "
        "by the observers.")
SIZE = 1_000_000
REPEATS = 2_000


def article(rng: random.Random) -> str:
    """Return about SIZE characters of paragraphs holding QUOTE REPEATS times."""
    filler = SIZE // REPEATS
    parts = []
    for n in range(REPEATS):
        words = " ".join(rng.choice(WORDS) for _ in range(filler // 8))
        parts.append(words + (" " + SAME + "\n\n" if n % 2 else f" {QUOTE} " + words[:60] + "\n\n"))
    return "".join(parts)


def timed(call, runs: int = 5) -> float:
    """Return the median seconds of a call over a few runs."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Build the article, time the selector's calls and print them."""
    text = article(random.Random(16))
    spans = [(i, i + len(QUOTE)) for i in range(len(text)) if text.startswith(QUOTE, i)]
    assert len(spans) == REPEATS, len(spans)
    same, random_ = spans[REPEATS // 2 + 1], spans[REPEATS // 2]
    print(f"article: {len(text):,} characters, quote {len(spans):,} times")
    t0 = time.perf_counter()
    cold = least_selector(text, same)
    print(f"first call (builds the matcher's text): {time.perf_counter() - t0:.3f} s -> {cold}")
    for label, span in (("identical context", same), ("random context", random_)):
        fields = least_selector(text, span)
        print(f"least_selector, {label}: {timed(lambda: least_selector(text, span)):.3f} s"
              f" -> {fields}")
        before, after = text[max(0, span[0] - 200):span[0]], text[span[1]:span[1] + 200]
        found = locate_selection(text, QUOTE, before, after)
        assert found == span, (found, span)
        print(f"locate_selection, {label}: "
              f"{timed(lambda: locate_selection(text, QUOTE, before, after)):.3f} s")
    selector.prepared.cache_clear()
    print(f"least_selector on a new article of this size (cold): "
          f"{timed(lambda: (selector.prepared.cache_clear(), least_selector(text, same))):.3f} s")


if __name__ == "__main__":
    main()
