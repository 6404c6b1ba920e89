"""Where a cold build's time goes: one process, each stage timed, per briefing and in all.

Runs `briefings build --no-search --jobs 1` (a cold build: no cache folder, no site) on the bench
corpus of N briefings (benches/corpus.py, the one bench.py uses) with timers around the functions
each stage is made of, and prints a table: the stage, its seconds, its share, and milliseconds per
briefing. One process, so the figures add up; `--jobs N` divides the CPU-bound stages among
workers (bench.py measures that). The timers cost a little: the total is a few percent above an
untimed build.

Run `python benches/profile_build.py [--briefings N] [--cache]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benches")]

from bench import WORK, prepared  # noqa: E402

SPENT: Counter = Counter()
"""Stage name -> seconds spent in it (outermost timer only: nested ones are subtracted)."""
_stack: list[list] = []
CALLED: dict[str, int] = {}
"""Stage name -> how many times its functions were called (0: the build no longer calls them there)."""


def timed(module, name: str, stage: str) -> None:
    """Wrap module.name so that its time counts for stage (less the time of timers inside it)."""
    fn = getattr(module, name)
    CALLED.setdefault(stage, 0)

    def wrapper(*args, **kwargs):
        CALLED[stage] += 1
        frame = [stage, 0.0]
        _stack.append(frame)
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            took = time.perf_counter() - started
            _stack.pop()
            SPENT[stage] += took - frame[1]
            if _stack:
                _stack[-1][1] += took
    setattr(module, name, wrapper)


def instrument() -> None:
    """Put timers around the functions of each stage, in the modules that call them (by those names)."""
    from briefings.text import anchor
    from briefings.engine import output, reading, rebuild, rendering, write
    timed(reading, "read_pair", "read and check YAML sidecars and articles")
    timed(anchor, "parse", "parse Markdown (markdown-it-py)")
    timed(anchor, "chunks", "render article bodies to HTML")
    timed(anchor, "render_markdown", "render notes and summaries (markdown-it-py)")
    timed(reading, "anchor", "anchor annotations (match quotes, mark, mentions)")
    timed(reading, "encode", "encode stored forms for the cache")
    timed(rebuild, "build_index", "cross-link index")
    timed(rebuild, "plan", "page plan")
    timed(rendering, "render_page", "render pages through Jinja")
    timed(rendering, "made_with", "W3C annotation exports")
    timed(write.Stage, "put", "write files")
    timed(output, "remember", "record the build for the next one")
    timed(reading, "read_shared", "read site.yml, speakers, documents, topics")


def main() -> None:
    """Profile one cold build and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--briefings", type=int, default=1000)
    ap.add_argument("--cache", action="store_true", help="keep a cache (cold: it starts empty)")
    args = ap.parse_args()
    folder = prepared(args.briefings)
    work = WORK / f"profile-{args.briefings}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder / "content", work / "content")
    os.chdir(work)
    started = time.perf_counter()
    from briefings import cli
    imported = time.perf_counter() - started
    instrument()
    sys.argv = ["briefings", "build", "--no-search", "--jobs", "1"] + ([] if args.cache else ["--no-cache"])
    cli.main()
    total = time.perf_counter() - started
    SPENT["import the generator and its libraries"] = imported
    SPENT["everything else (listing files, page keys, swap...)"] = total - sum(SPENT.values())
    print(f"\ncold build of {args.briefings} briefings in one process: {total:.2f} s")
    for stage, seconds in SPENT.most_common():
        print(f"  {stage:<52} {seconds:6.2f} s {seconds / total:6.1%} {seconds / args.briefings * 1000:6.2f} ms/briefing")
    idle = [stage for stage, n in CALLED.items() if n == 0]
    if idle:
        print("  never called in this build (moved elsewhere? see instrument()): " + "; ".join(idle))


if __name__ == "__main__":
    main()
