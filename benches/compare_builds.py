"""Show that two versions of briefings build the same bytes: the demo site and a bench corpus.

Run `python benches/compare_builds.py --before REV [--after REV|worktree] [--briefings 1000]
[--jobs N] [--keep DIR]`. Each version REV is unpacked with `git archive` into a temporary folder
(the repository and its working tree are left alone); `worktree` (the default for --after) is the
working tree as it is now, uncommitted changes included. Every build runs that version's own code:
`python build.py build --no-search ...` with the version's folder as working folder and PYTHONPATH
(checked: `import briefings` must come from there), so its default templates are its own too.

Both versions build the same inputs, taken from the *after* version: its demo content (content/)
and a corpus of N briefings from its benches/corpus.py. For each input and each version:

- clean: `--no-cache` into an empty folder;
- cold: with a new cache folder, into an empty folder;
- incremental: the same cache and output folder after an edit of a copy of the content (one
  article's body, one title, one note, one briefing deleted), the same edit for both versions.

The output trees are then compared file by file, byte for byte: files only in one of them and files
that differ are listed, with the first differing lines of a few. The exit status is 0 only when
every pair is identical.

Nothing is normalised. The outputs hold nothing that depends on the version or on where things are:
the generator is named without its version (`<meta name="generator" content="briefings">`, the
feeds' `<generator>briefings</generator>`), the output folder's marker file is a fixed sentence,
links are relative and dates come from the content. The two versions' builds read and write in
different folders, so a path leaking into the output would show up as a difference; and each build
runs with its own random hash seed, so output that depended on set order would too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHOWN_DIFFS = 3
"""How many differing files get their first differing lines shown."""
MODES = ("clean", "cold", "incremental")


@dataclass(frozen=True)
class Version:
    """One version of the generator: a label for reports and the folder holding its code."""

    label: str
    root: Path


def git(*args: str) -> bytes:
    """Run git in the repository and return its output; exit with its message when it fails."""
    proc = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def unpack(rev: str, into: Path) -> Version:
    """Write the tree of a revision into a folder with `git archive`; return it as a Version."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", commit))) as tar:
        tar.extractall(into, filter="data")
    return Version(f"{rev} ({commit[:10]})", into)


def version_of(rev: str, into: Path) -> Version:
    """Return the version named on the command line: `worktree` or a revision unpacked into a folder."""
    if rev == "worktree":
        return Version("worktree", ROOT)
    return unpack(rev, into)


def environment(version: Version) -> dict[str, str]:
    """Return the environment a version's builds run in: its folder first on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH", "PYTHONHOME")}
    return dict(env, PYTHONPATH=str(version.root))


def check_import(version: Version) -> None:
    """Exit unless `import briefings` in a version's environment finds that version's package."""
    found = run([sys.executable, "-c", "import briefings; print(briefings.__file__)"], version).strip()
    if not Path(found).resolve().is_relative_to(version.root.resolve()):
        sys.exit(f"{version.label}: `import briefings` found {found}, not the code in {version.root}")


def run(command: list[str], version: Version) -> str:
    """Run a command with a version's folder as working folder; return its output, exit if it fails."""
    proc = subprocess.run(command, cwd=version.root, env=environment(version), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{version.label}: {' '.join(command)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def build(version: Version, content: Path, out: Path, *options: str) -> str:
    """Build content into out with a version's own code; return its last line of output."""
    command = [sys.executable, str(version.root / "build.py"), "build", "--no-search",
               "--content", str(content), "--out", str(out), *options]
    return run(command, version).strip().splitlines()[-1]


def corpus(version: Version, n: int, into: Path) -> Path:
    """Generate the bench corpus of n briefings with a version's benches/corpus.py; return its content folder."""
    run([sys.executable, str(version.root / "benches/corpus.py"), str(n), str(into)], version)
    return into / "content"


def replace_value(path: Path, key: str, new) -> None:
    """Give the first text value of `key` in a YAML file (at any depth) the value new(old), as a JSON string."""
    text = path.read_text(encoding="utf-8")
    node = first_value(yaml.compose(text), key)
    if node is None:
        sys.exit(f"{path}: no text value of {key}: to edit")
    old = text[node.start_mark.index:node.end_mark.index]
    ending = old[len(old.rstrip()):]  # a block scalar's value takes its line break with it
    text = text[:node.start_mark.index] + json.dumps(new(node.value), ensure_ascii=False) + ending \
        + text[node.end_mark.index:]
    path.write_text(text, encoding="utf-8")


def first_value(node, key: str):
    """Return the first scalar node that is the value of `key` in a composed YAML tree, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key and isinstance(v, yaml.ScalarNode):
                return v
    children = [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else \
        node.value if isinstance(node, yaml.SequenceNode) else []
    return next((found for child in children if (found := first_value(child, key)) is not None), None)


def edit(content: Path) -> None:
    """Edit a content folder as an editor might between builds (the same edit for every version)."""
    articles = sorted((content / "briefings").rglob("*.md"))
    if len(articles) < 4:
        sys.exit(f"{content}: the edit needs at least 4 briefings")
    body = articles[len(articles) // 2]
    body.write_text(body.read_text(encoding="utf-8") + "\nAn editor added this paragraph later.\n",
                    encoding="utf-8")
    replace_value(articles[0].with_suffix(".yml"), "title", lambda old: old + " (revised)")
    replace_value(articles[1].with_suffix(".yml"), "note", lambda old: "A note rewritten after the first build.")
    articles[-1].unlink()
    articles[-1].with_suffix(".yml").unlink()


def build_all(version: Version, content: Path, work: Path, jobs: tuple[str, ...] = ()) -> dict[str, Path]:
    """Make the clean, cold and incremental builds of one input with one version; return their trees."""
    started = time.perf_counter()
    lines = {"clean": build(version, content, work / "clean", "--no-cache", *jobs)}
    shutil.copytree(content, work / "content")
    cache = ("--cache-dir", str(work / "cache"), *jobs)
    lines["cold"] = build(version, work / "content", work / "site", *cache)
    shutil.copytree(work / "site", work / "cold", symlinks=True)
    edit(work / "content")
    lines["incremental"] = build(version, work / "content", work / "site", *cache)
    print(f"  {version.label}: built in {time.perf_counter() - started:.1f} s")
    for mode, line in lines.items():
        print(f"    {mode:<12} {line}")
    return {"clean": work / "clean", "cold": work / "cold", "incremental": work / "site"}


def files(tree: Path) -> dict[str, Path]:
    """Return every file under a folder (hidden ones too) by its path relative to it."""
    return {p.relative_to(tree).as_posix(): p for p in sorted(tree.rglob("*")) if not p.is_dir()}


def compare(before: Path, after: Path) -> list[str]:
    """Compare two output trees byte for byte; return the report's lines (empty when identical)."""
    old, new = files(before), files(after)
    removed = sorted(old.keys() - new.keys())
    added = sorted(new.keys() - old.keys())
    differing = [rel for rel in sorted(old.keys() & new.keys()) if old[rel].read_bytes() != new[rel].read_bytes()]
    report = [f"{label} ({len(paths)}): " + ", ".join(paths[:10]) + (" ..." if len(paths) > 10 else "")
              for label, paths in (("only before", removed), ("only after", added), ("differing", differing))
              if paths]
    if differing:
        html = [rel for rel in new if rel.endswith(".html")]
        report.append(f"HTML pages differing: {sum(rel.endswith('.html') for rel in differing)} of {len(html)}")
    for rel in differing[:SHOWN_DIFFS]:
        report.append(f"--- {rel}")
        report += first_difference(old[rel].read_bytes(), new[rel].read_bytes())
    return report


def first_difference(a: bytes, b: bytes, lines: int = 3, width: int = 100) -> list[str]:
    """Return the first differing lines of two files (up to `lines` of each), clipped around the change."""
    if b"\0" in a or b"\0" in b:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return [f"    binary files differ from byte {at} ({len(a)} and {len(b)} bytes)"]
    old, new = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    n = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
    x, y = (old[n] if n < len(old) else ""), (new[n] if n < len(new) else "")
    col = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    start = max(0, col - width // 2)
    out = [f"    line {n + 1}, column {col + 1}:"]
    out += [f"    - {line[start:start + width]}" for line in old[n:n + lines]]
    out += [f"    + {line[start:start + width]}" for line in new[n:n + lines]]
    return out


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="the revision before the change")
    ap.add_argument("--after", default="worktree", help="a revision, or `worktree` (the default)")
    ap.add_argument("--briefings", type=int, default=1000, help="size of the bench corpus (1000)")
    ap.add_argument("--jobs", help="--jobs for every build (default: each build's own)")
    ap.add_argument("--keep", type=Path, help="work in this new folder and keep it (default: a temporary one)")
    return ap.parse_args()


def compare_versions(args: argparse.Namespace, tmp: Path) -> int:
    """Build every input with both versions and compare the trees; return how many pairs differ."""
    before = version_of(args.before, tmp / "before-code")
    after = version_of(args.after, tmp / "after-code")
    for version in (before, after):
        check_import(version)
    jobs = ("--jobs", args.jobs) if args.jobs else ()
    inputs = {"demo": after.root / "content",
              f"corpus of {args.briefings}": corpus(after, args.briefings, tmp / "corpus")}
    differ = 0
    for name, content in inputs.items():
        print(f"{name} ({content}):")
        trees = [build_all(v, content, tmp / side / name.replace(" ", "-"), jobs)
                 for v, side in ((before, "before"), (after, "after"))]
        for mode in MODES:
            report = compare(trees[0][mode], trees[1][mode])
            count = len(files(trees[1][mode]))
            print(f"  {mode:<12} {'identical' if not report else 'DIFFERENT'} ({count} files)")
            print("".join(f"    {line}\n" for line in report), end="")
            differ += bool(report)
    return differ


def main() -> int:
    """Compare the two versions' builds and say whether they are byte-identical."""
    args = parse_args()
    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True)
        differ = compare_versions(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
            differ = compare_versions(args, Path(tmp))
    verdict = "byte-identical" if not differ else f"{differ} of {2 * len(MODES)} pairs of trees DIFFER"
    print(f"{args.before} vs {args.after}: {verdict} ({time.perf_counter() - started:.0f} s)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
