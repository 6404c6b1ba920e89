"""Benchmark builds of generated archives, beside Hugo building the same articles.

For each size N (default 1,000, 4,000 and 10,000 briefings from benches/corpus.py, generated once
into a temporary folder and reused), prints the median of --runs runs of:

- cold full build: no cache, no output folder (a fresh clone);
- rebuild after editing one briefing (a sentence added to the article of the middle briefing);
- rebuild with nothing changed;

first for the site alone (`briefings build --no-search`, what Hugo's plain build compares with),
then with the Pagefind search index when Pagefind is installed (what `briefings build` does then).
Each build runs as `python build.py build` in its own process; wall time, CPU time (user + system,
workers and Pagefind included - the machine is shared, so compare CPU too) and peak resident
memory (the largest of the build's processes) come from the kernel (wait4). When `hugo` is on
PATH, the same articles, as plain Markdown with title and date, are built by Hugo into a minimal
site in the same run, and our/Hugo ratios are printed against the targets of issue 7. Last, at
N = 4,000 (when among the sizes), the live preview's save-to-disk time through the preview's own
code path (benches/bench_preview.py: watcher, burst window, incremental rebuild, swap).

Run `python benches/bench.py [--sizes N ...] [--runs N] [--no-search] [--no-preview]`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benches"))

import corpus  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "briefings-bench"
TARGETS = {"cold": 2.5, "edit": 0.5, "same": 0.3}
"""Our time over Hugo's plain build, at N = 4,000 (issue 7)."""
RSS_TARGET_MIB = 400
SCALING_TARGET = 2.7
PREVIEW_TARGET_MS = 150


class Run:
    """One timed process: wall and CPU seconds, peak resident memory of its largest process."""

    def __init__(self, wall: float, cpu: float, rss_mib: float, out: str) -> None:
        self.wall, self.cpu, self.rss_mib, self.out = wall, cpu, rss_mib, out


def timed(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run a command to its end; measure it (and every process it waited for) through wait4."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{text}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def fingerprint() -> str:
    """Return a hash of the corpus generator, so a changed generator makes a new corpus."""
    return hashlib.sha256((ROOT / "benches/corpus.py").read_bytes()).hexdigest()[:10]


def prepared(n: int) -> Path:
    """Return the folder holding the generated corpus of n briefings (content/) and its Hugo site."""
    folder = WORK / f"corpus-{n}-{fingerprint()}"
    if not (folder / "done").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        corpus.write(n, folder)
        hugo_site(folder / "content", folder / "hugo")
        (folder / "done").write_text("")
        print(f"  generated {n} briefings in {time.perf_counter() - started:.1f} s ({folder})")
    return folder


def hugo_site(content: Path, site: Path) -> None:
    """Write a minimal Hugo site holding the same articles as plain Markdown with title and date."""
    (site / "content/posts").mkdir(parents=True)
    (site / "layouts/_default").mkdir(parents=True)
    (site / "config.toml").write_text('baseURL = "https://example.org/bench/"\ntitle = "Bench"\n'
                                      'disableKinds = ["taxonomy", "term"]\n')
    page = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n"
    (site / "layouts/_default/baseof.html").write_text(page)
    (site / "layouts/_default/single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n')
    (site / "layouts/_default/list.html").write_text(
        '{{ define "main" }}<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        '</li>{{ end }}</ul>{{ end }}\n')
    for md in (content / "briefings").glob("*.md"):
        meta = dict(line.split(": ", 1) for line in md.with_suffix(".yml").read_text().splitlines()[:2])
        (site / "content/posts" / md.name).write_text(
            f"---\ntitle: {json.dumps(meta['title'].strip(chr(39)))}\ndate: {meta['date']}\n---\n\n{md.read_text()}")


def median(runs: list[Run]) -> Run:
    """Return a run of the median wall time, median CPU time and largest memory."""
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.rss_mib for r in runs), runs[-1].out)


def build_command(*args: str) -> list[str]:
    """Return the command that runs `briefings build` from this checkout."""
    return [sys.executable, str(ROOT / "build.py"), "build", *args]


def bench_ours(folder: Path, runs: int, search: bool) -> dict[str, Run]:
    """Time cold builds, one-edit rebuilds and no-change rebuilds of a corpus; return the medians."""
    work = folder / ("work-search" if search else "work")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder / "content", work / "content")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = () if search else ("--no-search",)
    cold = []
    for _ in range(runs):
        for leftover in (".briefings-cache", "site"):
            shutil.rmtree(work / leftover, ignore_errors=True)
        cold.append(timed(build_command(*args), work, env))
    article = work / f"content/briefings/b-{len(list((work / 'content/briefings').glob('*.md'))) // 2}.md"
    original = article.read_text()
    edits = []
    for i in range(runs + 1):
        article.write_text(original + f"\nAn editor added sentence number {i} to this briefing.\n")
        run = timed(build_command(*args), work, env)
        if i:  # the first edit also turns the replaced site into the spare: count the later ones
            edits.append(run)
    same = [timed(build_command(*args), work, env) for _ in range(runs)]
    assert all("nothing changed" in r.out for r in same), same[-1].out
    return {"cold": median(cold), "edit": median(edits), "same": median(same)}


def bench_hugo(folder: Path, runs: int) -> Run | None:
    """Time Hugo's plain build of the same articles (a clean public/ each time); None without Hugo."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = folder / "hugo"
    out = []
    for _ in range(runs):
        for leftover in ("public", "resources", ".hugo_build.lock"):
            path = site / leftover
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        out.append(timed([hugo, "--quiet"], site))
    return median(out)


def bench_preview(folder: Path, runs: int) -> str:
    """Time save -> page on disk in the live preview (bench_preview's path), in its own process."""
    script = (
        "import sys, statistics, os\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benches')!r}]\n"
        "from pathlib import Path\n"
        "from bench_preview import first_build, watch_loop\n"
        "from briefings.pipeline import Options\n"
        "base = Path(sys.argv[1]); runs = int(sys.argv[2])\n"
        "opts = Options(content=base / 'content', templates=Path(sys.argv[3]), out=base / 'preview-site')\n"
        "preview = first_build(opts)\n"
        "slug = 'b-%d' % (len(list((base / 'content/briefings').glob('*.md'))) // 2)\n"
        "yml = base / 'content/briefings' / (slug + '.yml')\n"
        "times = watch_loop(preview, yml, opts.out / 'briefings' / slug / 'index.html', runs)\n"
        "preview.engine.drop()\n"
        "print('RESULT', statistics.median(times) * 1000, max(times) * 1000)\n")
    work = folder / "work-preview"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder / "content", work / "content")
    run = timed([sys.executable, "-c", script, str(work), str(runs), str(ROOT / "templates")], work)
    line = next(line for line in run.out.splitlines() if line.startswith("RESULT"))
    med, worst = map(float, line.split()[1:])
    verdict = "met" if med < PREVIEW_TARGET_MS else "MISSED"
    return (f"preview save -> page on disk: median {med:.0f} ms, worst {worst:.0f} ms over {runs} saves "
            f"(target < {PREVIEW_TARGET_MS} ms: {verdict})")


def row(label: str, run: Run, hugo: Run | None, target: float | None) -> str:
    """Format one measurement, with its ratio to Hugo and the target when there is one."""
    text = f"  {label:<28} {run.wall:7.2f} s wall {run.cpu:7.2f} s CPU {run.rss_mib:7.0f} MiB"
    if hugo is not None:
        ratio = run.wall / hugo.wall
        text += f"   {ratio:5.2f}x Hugo (CPU {run.cpu / hugo.cpu:4.2f}x)"
        if target is not None:
            text += f"  target <= {target}x: {'met' if ratio <= target else 'MISSED'}"
    return text


def machine() -> str:
    """Describe the machine and the tools, for the record."""
    hugo = shutil.which("hugo")
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1] if hugo else "absent"
    try:
        from importlib.metadata import version as pkg_version
        pagefind = pkg_version("pagefind")
    except Exception:
        pagefind = "absent"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.platform()}, {os.cpu_count()} CPUs, load {load}; Python {platform.python_version()}, "
            f"Hugo {version}, Pagefind {pagefind}")


def main() -> None:
    """Run the benchmark for every size and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown (3)")
    ap.add_argument("--no-search", action="store_true", help="skip the builds with the Pagefind index")
    ap.add_argument("--no-preview", action="store_true", help="skip the live preview measurement")
    args = ap.parse_args()
    print(f"briefings bench: {machine()}")
    search = not args.no_search and importlib.util.find_spec("pagefind") is not None
    cold: dict[int, Run] = {}
    for n in args.sizes:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\nN = {n} briefings (median of {args.runs}; memory: the largest process, peak; load {load})")
        folder = prepared(n)
        hugo = bench_hugo(folder, args.runs)
        if hugo is not None:
            print(f"  {'Hugo, plain build':<28} {hugo.wall:7.2f} s wall {hugo.cpu:7.2f} s CPU "
                  f"{hugo.rss_mib:7.0f} MiB")
        ours = bench_ours(folder, args.runs, search=False)
        cold[n] = ours["cold"]
        at_target = n == 4000
        for key, label in (("cold", "cold full build"), ("edit", "one briefing edited"),
                           ("same", "nothing changed")):
            print(row(label, ours[key], hugo, TARGETS[key] if at_target else None))
        peak = max(r.rss_mib for r in ours.values())
        if at_target:
            print(f"  peak memory {peak:.0f} MiB (target <= {RSS_TARGET_MIB} MiB: "
                  f"{'met' if peak <= RSS_TARGET_MIB else 'MISSED'})")
        if search:
            found = bench_ours(folder, args.runs, search=True)
            for key, label in (("cold", "cold, with search index"), ("edit", "one edit, with search index"),
                               ("same", "nothing changed, with search")):
                print(row(label, found[key], hugo, None))
        if n == 4000 and not args.no_preview:
            print("  " + bench_preview(folder, max(9, 3 * args.runs)))
    if 4000 in cold and 10000 in cold:
        ratio = cold[10000].wall / cold[4000].wall
        print(f"\ncold build, N = 10,000 over N = 4,000: {ratio:.2f}x wall, "
              f"{cold[10000].cpu / cold[4000].cpu:.2f}x CPU (target <= {SCALING_TARGET}x: "
              f"{'met' if ratio <= SCALING_TARGET else 'MISSED'})")


if __name__ == "__main__":
    main()
