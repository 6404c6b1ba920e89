"""Benchmark: anchor one 2,000-word article with 50 annotations (several overlapping).

Run with `python benches/bench_anchor.py`; prints the median of 30 runs in milliseconds.
The input is generated from a fixed seed, so every run measures the same work: headings,
paragraphs with emphasis, links and code, lists, block quotes and a table; 50 quotes of 15-90
characters (15 overlapping pairs), with notes, one in five written in Markdown. What is timed is
the whole of anchor(): parsing the Markdown, finding the quotes and mentions, splitting the marks
and rendering the body and notes. `--stages` times each of those; `--profile` runs cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefings.text.anchor import anchor, chunks, mark, note_slots  # noqa: E402
from briefings.text.markdown import parse, render_markdown, visible_text  # noqa: E402
from briefings.text.match import Text, find_all, locate  # noqa: E402
from briefings.text.mentions import Mentions  # noqa: E402
from briefings.model import Annotation, Briefing, Speaker  # noqa: E402

WORDS = ("treaty force council article state security measure member resolution peace talks "
         "border defence claim minister report envoy ceasefire sanction vote region protocol "
         "delegation accord dispute mandate observer mission summit clause party").split()
KINDS = ("note", "statement", "provision", "correction")


def sentence(rng: random.Random, n: int) -> str:
    """Return n words as a sentence, with some inline emphasis, code and links."""
    words = [rng.choice(WORDS) for _ in range(n)]
    for i in range(0, n - 2, 12):
        style = rng.randrange(6)
        if style < 2:
            words[i] = f"*{words[i]} {words[i + 1]}*"
            words[i + 1] = ""
        elif style == 1:
            words[i] = f"[{words[i]}](https://example.org/{i})"
        elif style == 2:
            words[i] = f"`{words[i]}`"
    words[0] = words[0].capitalize()
    return " ".join(w for w in words if w) + "."


def article(rng: random.Random, total: int = 2000) -> str:
    """Return Markdown of about `total` words: headings, paragraphs, lists, a quote and a table."""
    blocks, count = [], 0
    while count < total:
        kind = rng.randrange(10)
        if kind == 0:
            blocks.append("## " + sentence(rng, 5))
            count += 5
        elif kind == 1:
            blocks.append("\n".join("- " + sentence(rng, 8) for _ in range(3)))
            count += 24
        elif kind == 2:
            blocks.append("> " + sentence(rng, 20))
            count += 20
        else:
            blocks.append(sentence(rng, 30) + "\n" + sentence(rng, 20))
            count += 50
    blocks.insert(len(blocks) // 2, "| a | b |\n|---|---|\n| Ana Berg said | peace talks |")
    return "\n\n".join(blocks) + "\n"


def annotations(rng: random.Random, body: str, count: int = 50) -> tuple[Annotation, ...]:
    """Pick `count` quotes from the visible text, every fifth one overlapping the one before."""
    text, _ = visible_text(parse(body))
    searchable = Text(text)
    out, last = [], (0, 0)
    while len(out) < count:
        if len(out) % 5 == 4:  # overlap: start inside the previous quote
            start = rng.randrange(last[0], max(last[0] + 1, last[1] - 1))
        else:
            start = rng.randrange(0, len(text) - 200)
        while start < len(text) and (text[start].isspace() or (start and text[start - 1].isalnum())):
            start += 1
        end = text.find(" ", start + rng.randrange(15, 90))
        quote = text[start:end].strip()
        if not quote:
            continue
        matches = find_all(searchable, quote)
        starts = [m[0] for m in matches]
        occurrence = starts.index(start) + 1 if len(matches) > 1 else 0
        aid = f"a{len(out)}"
        note = f"Why {aid} matters: the council's position changed, and the envoy said so."
        if len(out) % 5 == 0:  # some notes use Markdown
            note = f"*Corrected.* An earlier version of {aid} gave [the date](https://example.org)."
        out.append(Annotation(id=aid, quote=quote, kind=KINDS[len(out) % 4], note=note,
                              occurrence=occurrence))
        last = (start, end)
    return tuple(out)


def fixture() -> tuple[Briefing, Mentions]:
    """Return the deterministic briefing and a mentions matcher with one speaker."""
    rng = random.Random(20240101)
    body = article(rng)
    b = Briefing(slug="bench", title="Bench", date=dt.date(2024, 1, 1), body=body, md_path="bench.md",
                 yml_path="bench.yml", annotations=annotations(rng, body))
    return b, Mentions({"ana-berg": Speaker(id="ana-berg", name="Ana Berg")})


def timed(fn, runs: int) -> tuple[float, float, float]:
    """Run fn `runs` times; return the median wall time, its minimum and the median CPU time (ms)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def stages(b: Briefing, mentions: Mentions) -> dict[str, object]:
    """Return one callable per stage of anchor(), each redoing only its own work."""
    tokens = parse(b.body)
    text, segments = visible_text(tokens)
    spans = {a.id: locate(Text(text), a) for a in b.annotations}
    kinds = {a.id: a.kind for a in b.annotations}
    named, links = mentions.find(text, segments)
    slots = note_slots(segments, spans)
    return {
        "parse Markdown (markdown-it-py)": lambda: parse(b.body),
        "visible text": lambda: visible_text(tokens),
        "find the quotes": lambda: [locate(t, a) for t in [Text(text)] for a in b.annotations],
        "find mentions": lambda: mentions.find(text, segments),
        "split into marks": lambda: mark(segments, spans, kinds, links),
        "render the body": lambda: chunks(tokens, slots, False),
        "render the notes": lambda: [render_markdown(a.note) for a in b.annotations],
    }


def main() -> None:
    """Time anchor() on the fixture and print the median; --stages and --profile say where it goes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--stages", action="store_true", help="also time each stage of anchor()")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of 200 runs")
    args = ap.parse_args()
    b, mentions = fixture()
    anchor(b, False, mentions)  # warm caches (parser construction, regex compilation)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(lambda: [anchor(b, False, mentions) for _ in range(200)])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        return
    median, fastest, cpu = timed(lambda: anchor(b, False, mentions), args.runs)
    print(f"anchor: {len(b.body.split())} words, {len(b.annotations)} annotations: "
          f"median {median:.2f} ms over {args.runs} runs (min {fastest:.2f}; median CPU time "
          f"{cpu:.2f} ms)")
    if args.stages:
        for name, fn in stages(b, mentions).items():
            median, fastest, cpu = timed(fn, args.runs)
            print(f"  {name:32} median {median:5.2f} ms  (min {fastest:5.2f}, CPU {cpu:5.2f})")


if __name__ == "__main__":
    main()
