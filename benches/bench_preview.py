"""Benchmark the live preview: save a sidecar, see the change.

1. `disk`: on a generated 1,000-briefing site, the time from saving one briefing's sidecar to its
   rebuilt page being on disk, through the code path `serve` uses: the watcher notices the save,
   the incremental rebuild renders while the burst window runs out, then swaps the site in. The
   rebuild alone (called directly) is printed too. Target: median under 150 ms.
2. `browser`: on the demo site in headless Chromium (/usr/bin/chromium via playwright), the time
   from saving a sidecar to the open page showing the change. Target: median under 300 ms.

Run `python benches/bench_preview.py [disk|browser|all] [--runs N] [--briefings N]`; prints medians
in milliseconds. The generated site comes from a fixed seed, so every run measures the same work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.engine import explain  # noqa: E402
from briefings.pipeline import Options  # noqa: E402
from briefings.preview.serve import Preview, settle  # noqa: E402
from briefings.preview.watch import QUIET_MS, Watcher  # noqa: E402

FIRST = "Ada Bruno Celia Dario Elin Farid Greta Hugo Ines Jonas Kaia Lev".split()
LAST = "Arden Brask Corrin Dahl Emmer Falk Gorse Hallen Ivers Jarl".split()
WORDS = ("treaty force council article state security measure member resolution peace talks "
         "border defence claim minister report envoy ceasefire sanction vote region protocol "
         "delegation accord dispute mandate observer mission summit clause party").split()


def write(path: Path, text: str) -> None:
    """Write a text file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_corpus(root: Path, briefings: int = 1000, seed: int = 5) -> Path:
    """Write a content folder: speakers, documents, topics and briefings with every annotation kind."""
    rng = random.Random(seed)
    content = root / "content"
    write(content / "site.yml", "title: Bench desk\nbase_url: https://example.org/bench/\n")
    people = [(f"{f.lower()}-{last.lower()}", f"{f} {last}") for f in FIRST for last in LAST][:60]
    for sid, name in people:
        write(content / f"speakers/{sid}.yml", f"name: {name}\nrole: Spokesperson\n")
    for d in range(20):
        provs = "".join(f"  - id: art-{p}\n    label: Article {p}\n    text: Provision {p}.\n"
                        for p in range(1, 11))
        write(content / f"documents/doc-{d}.yml", f"title: Document {d}\nprovisions:\n{provs}")
    for t in range(10):
        write(content / f"topics/topic-{t}.yml", f"title: Topic {t}\n")
    day = dt.date(2020, 1, 1)
    for n in range(briefings):
        day += dt.timedelta(days=rng.randrange(0, 3))
        write_briefing(content / f"briefings/{day.year}", f"briefing-{n:04d}", day, rng, people)
    return content


def write_briefing(folder: Path, slug: str, day: dt.date, rng: random.Random, people) -> None:
    """Write one article of about 500 words and a sidecar with six annotations."""
    said = rng.sample(people, 2)
    named = rng.choice(people)
    paras, quotes = [], []
    for p in range(8):
        sentences = [f"Point {p}-{s} of {slug}: " + " ".join(rng.choice(WORDS) for _ in range(10)) + "."
                     for s in range(6)]
        quotes.append(sentences[rng.randrange(6)].rstrip("."))
        paras.append(" ".join(sentences))
    paras[1] = f"{said[0][1]} spoke first. " + paras[1]
    paras[3] = f"{said[1][1]} replied, and {named[1]} was named. " + paras[3]
    if rng.random() < 0.5:
        paras.insert(4, "## Background")
    write(folder / f"{slug}.md", "\n\n".join(paras) + "\n")
    kinds = [("statement", f"speaker: {said[0][0]}"), ("statement", f"speaker: {said[1][0]}"),
             ("provision", f"provision: doc-{rng.randrange(20)}/art-{rng.randrange(1, 11)}"),
             ("provision", f"provision: doc-{rng.randrange(20)}/art-{rng.randrange(1, 11)}"),
             ("note", "note: A note."), ("correction", "note: Corrected.")]
    notes = "".join(f"  - quote: \"{q}\"\n    kind: {k}\n    {extra}\n"
                    + (f"    note: Note {i} on {slug}.\n" if k in ("statement", "provision") else "")
                    for i, (q, (k, extra)) in enumerate(zip(quotes, kinds)))
    topics = ", ".join(sorted({f"topic-{rng.randrange(10)}", f"topic-{rng.randrange(30)}"}))
    write(folder / f"{slug}.yml", f"title: Briefing {slug}\ndate: {day.isoformat()}\n"
                                  f"summary: Summary of {slug}.\ntopics: [{topics}]\n"
                                  f"annotations:\n{notes}")


def edit_note(yml: Path, i: int) -> str:
    """Change the first note of a sidecar to a new marker; return the marker."""
    marker = f"Edited note number {i}."
    lines = yml.read_text().splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.strip().startswith("note:"))
    lines[at] = lines[at].split("note:")[0] + f"note: {marker}\n"
    yml.write_text("".join(lines))
    return marker


def wait_for(path: Path, text: str, timeout: float = 10.0, pause: float = 0.001) -> None:
    """Poll a file until it contains text (looking every pause seconds)."""
    end = time.perf_counter() + timeout
    while text not in read_or_empty(path):
        if time.perf_counter() > end:
            raise TimeoutError(f"{path} never showed {text!r}")
        time.sleep(pause)


def read_or_empty(path: Path) -> str:
    """Return a file's text, or '' while it is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def bench_disk(runs: int, briefings: int) -> None:
    """Benchmark 1: save a sidecar -> its page on disk, on a generated site."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        content = make_corpus(base, briefings)
        print(f"generated {briefings} briefings in {time.perf_counter() - started:.1f} s")
        opts = Options(content=content, templates=ROOT / "templates", out=base / "site")
        started = time.perf_counter()
        preview = first_build(opts)
        took = time.perf_counter() - started
        print(f"first build: {sum(1 for p in opts.out.rglob('*.html'))} HTML pages in {took:.2f} s")
        slug = f"briefing-{briefings // 2:04d}"
        yml = next(content.rglob(f"{slug}.yml"))
        page = opts.out / "briefings" / slug / "index.html"
        try:
            rebuild_alone(preview.engine, yml, page, runs)
            print(f"save -> page on disk (watcher + burst window + rebuild): median "
                  f"{ms(watch_loop(preview, yml, page, runs))} ms over {runs} runs (target < 150)")
        finally:
            preview.engine.drop()


def first_build(opts: Options) -> Preview:
    """Make the preview serve() makes and build it as serve() does first (then settle the collector)."""
    preview = Preview(opts, out=open(os.devnull, "w"))
    preview.build()
    if preview.errors:
        raise SystemExit("the first build failed:\n" + "\n".join(preview.errors))
    settle()  # serve's build does this after every wide rebuild
    return preview


def rebuild_alone(engine, yml: Path, page: Path, runs: int) -> None:
    """Time the engine's incremental update after a note edit, called directly (no watcher)."""
    for i in range(3):
        edit_note(yml, 1000 + i)
        engine.update({str(yml.resolve())})  # warm-up
    times = []
    for i in range(runs):
        marker = edit_note(yml, i)
        t0 = time.perf_counter()
        out = engine.update({str(yml.resolve())})
        times.append(time.perf_counter() - t0)
        assert marker in page.read_text()
    print(f"rebuild alone (incremental, write and swap): median {ms(times)} ms over {runs} runs; "
          f"{len(out.rendered)} of {out.pages} pages rendered, {out.stats.written} files written")
    print(f"  why (last run): {explain.summary(out.reasons)}")


def watch(preview: Preview) -> Watcher:
    """Start watching the preview's content and template folders as serve() does; return the watcher."""
    opts = preview.opts
    watcher = Watcher([opts.content, *preview.engine.template_dirs], preview.build, matters=preview.matters)
    watcher.begin()
    return watcher


def watch_loop(preview: Preview, yml: Path, page: Path, runs: int) -> list[float]:
    """Run serve's watcher thread on the preview; time each save until its rebuild has swapped the
    page in (the moment it is on disk; the main thread waits on an event, so it takes no CPU from
    the watcher's thread meanwhile)."""
    started: list[float] = []
    ended: list[float] = []
    done = threading.Event()
    engine = preview.engine
    prepare, commit = engine.prepare, engine.commit

    def timed_prepare(hints=None):
        started.append(time.perf_counter())
        return prepare(hints)

    def timed_commit(pending, *args):
        try:
            return commit(pending, *args)
        finally:
            ended.append(time.perf_counter())
            done.set()
    engine.prepare, engine.commit = timed_prepare, timed_commit
    watcher = watch(preview)
    try:
        times, waits, took = [], [], []
        for i in range(runs):
            time.sleep(0.15)
            done.clear()
            marker = edit_note(yml, 5000 + i)
            t0 = time.perf_counter()
            if not done.wait(10):
                raise TimeoutError(f"no rebuild after a save; the preview says {preview.errors}")
            assert marker in page.read_text()
            times.append(ended[-1] - t0)
            waits.append(started[-1] - t0)
            took.append(ended[-1] - started[-1])
        print(f"  of which save -> rebuild starts (change notice): median {ms(waits)} ms, rebuild start "
              f"-> swapped in (render overlaps the {QUIET_MS} ms burst window): median {ms(took)} ms")
        if preview.engine is not engine:
            raise SystemExit("the preview replaced its engine (an internal error): the times are not its own")
        return times
    finally:
        watcher.end()
        del engine.prepare, engine.commit


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_browser(runs: int) -> None:
    """Benchmark 2: save a sidecar -> the open page in Chromium shows it, on the demo site."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        port = free_port()
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                                 "--out", str(Path(tmp) / "site"), "--port", str(port)],
                                cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)))
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
        try:
            wait_port(port)
            yml = content / "briefings/quota-statement-2026.yml"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync"])
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/briefings/quota-statement-2026/")
                times, observed = [], []
                for i in range(runs + 2):
                    time.sleep(0.3)
                    marker = edit_note(yml, i)
                    t0 = time.time()
                    page.wait_for_function("m => document.body && document.body.innerText.includes(m)",
                                           arg=marker, timeout=10000, polling="raf")
                    t1 = time.time()
                    if i >= 2:  # the first two warm the browser and server up
                        times.append(painted(page) - t0)
                        observed.append(t1 - t0)
                browser.close()
            print(f"save -> open page shows it (Chromium, demo site): median {ms(times)} ms over "
                  f"{runs} runs, max {max(times) * 1000:.0f} ms (target < 300); measured to the "
                  f"reloaded page's first paint")
            print(f"  as seen by the test harness (playwright polling, +its own lag after a "
                  f"navigation): median {ms(observed)} ms")
            builds = [int(m.group(1)) / 1000 for line in lines if (m := re.search(r" in (\d+) ms", line))]
            print(f"  of which the rebuild (serve's own report): median {ms(builds[-runs:])} ms")
        finally:
            proc.terminate()
            proc.wait(10)


def painted(page) -> float:
    """Return when (epoch seconds) the page's current document first painted its content."""
    return page.evaluate("""() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const nav = performance.getEntriesByType('navigation')[0];
        return (performance.timeOrigin + (fcp ? fcp.startTime : nav.domContentLoadedEventEnd)) / 1000;
    }""")


def wait_port(port: int, timeout: float = 30) -> None:
    """Wait until something listens on the port."""
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def ms(values: list[float]) -> str:
    """Format the median of seconds as milliseconds."""
    return f"{statistics.median(values) * 1000:.0f}"


def main() -> None:
    """Run the chosen benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("which", nargs="?", default="all", choices=("disk", "browser", "all"))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--briefings", type=int, default=1000)
    args = ap.parse_args()
    if args.which in ("disk", "all"):
        bench_disk(args.runs, args.briefings)
    if args.which in ("browser", "all"):
        bench_browser(args.runs)


if __name__ == "__main__":
    main()
