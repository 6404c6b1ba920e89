"""The command line: briefings build | check | serve."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from . import __version__
from .content.settings import base_url_problem
from .engine.cache import DEFAULT
from .engine.parallel import WorkerDied, default_jobs
from .engine.progress import Progress
from .errors import ContentError, flatten
from .pipeline import Options, build, check


def parser() -> argparse.ArgumentParser:
    """Return the argument parser for every command."""
    ap = argparse.ArgumentParser(prog="briefings", description="Build annotated briefing sites.")
    ap.add_argument("--version", action="version", version=f"briefings {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    i = sub.add_parser("init", help="start a new site: write a starter site into a folder")
    i.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="where to write it (the current folder)")
    i.add_argument("--title", help="the site's title (made from the folder's name)")
    i.add_argument("--base-url", type=base_url, help="URL the site will be published at (else a placeholder says what to put)")
    b = sub.add_parser("build", help="build the site into the output folder")
    c = sub.add_parser("check", help="validate content and templates; write nothing")
    s = sub.add_parser("serve", help="build, serve and rebuild on change with live reload")
    f = sub.add_parser("fix", help="repair drifted quotes whose closest passage is clear; list the others")
    f.add_argument("--content", type=Path, default=Path("content"), help="content folder (content/)")
    f.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    for p in (b, c, s):
        p.add_argument("--content", type=Path, default=Path("content"), help="content folder (content/)")
        p.add_argument("--templates", type=Path, default=Path("templates"),
                       help="your templates folder, searched before the defaults (templates/)")
    for p in (b, s):
        p.add_argument("--out", type=Path, default=Path("site"), help="output folder (site/)")
        p.add_argument("--base-url", type=base_url, help="URL the site is published at (overrides site.yml)")
    for p in (b, c):
        p.add_argument("--cache-dir", type=Path, default=DEFAULT, metavar="DIR",
                       help=f"keep what builds read and made here, to reuse it ({DEFAULT}/)")
        p.add_argument("--no-cache", action="store_true", help="neither use nor update the cache")
        p.add_argument("--jobs", type=jobs, default=default_jobs(), metavar="N",
                       help=f"worker processes (the number of CPUs: {default_jobs()})")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    b.add_argument("--explain", action="store_true",
                   help="list each page rendered again with the reason, and how many were kept")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    s.add_argument("--allow-edits", action="store_true",
                   help="let the pages change the sidecars (annotate in the browser) although --host is not a "
                        "loopback address: anyone who can reach the preview can then edit")
    return ap


def base_url(text: str) -> str:
    """Parse --base-url: an absolute http(s) URL, given a trailing slash."""
    problem = base_url_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text if text.endswith("/") else text + "/"


def jobs(text: str) -> int:
    """Parse --jobs: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found '{text}'")
    return n


def main(argv: list[str] | None = None) -> int:
    """Run a command; report content errors as PATH:LINE:COLUMN lines and return 1."""
    args = parser().parse_args(argv)
    if args.command == "init":
        return run_init(args)
    if args.command == "fix":
        return run_fix(args)
    opts = Options(content=args.content, templates=args.templates,
                   out=getattr(args, "out", Path("site")), base_url=getattr(args, "base_url", None),
                   cache=None if getattr(args, "no_cache", True) else args.cache_dir,
                   jobs=getattr(args, "jobs", 1), search=not getattr(args, "no_search", False),
                   progress=Progress)
    try:
        if args.command == "build":
            result, stats, seconds, search, reasons = build(opts)
            if args.explain:
                explained(reasons, result.pages)
            if search:
                print(search)
            print(f"built {result.pages} pages into {opts.out}: {stats.written} files written, "
                  f"{stats.unchanged} unchanged, in {seconds:.2f} s")
        elif args.command == "check":
            result = check(opts)
            b = result.content.briefings
            notes = sum(len(x.annotations) for x in b)
            print(f"checked {counted(len(b), 'briefing')}, {counted(notes, 'annotation')} and "
                  f"{counted(result.pages, 'page')}: no errors")
        else:
            from .preview.serve import serve
            return serve(opts, args.host, args.port, args.allow_edits)
    except WorkerDied as exc:  # not the content's fault, nor a bug to show a traceback for
        print(f"error: {exc}{'' if args.command == 'check' else '; nothing was written'}", file=sys.stderr)
        return 1
    except (Exception, ExceptionGroup) as exc:
        errors = flatten(exc) or os_error(exc, None if args.command == "check" else opts.out)
        if not errors:
            raise
        for e in errors:
            print(e, file=sys.stderr)
        count = counted(len(errors), "error")
        print(count if args.command == "check" else f"{count}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def explained(reasons: tuple[str, ...], pages: int) -> None:
    """Print why each page was rendered again, then how many were kept."""
    for line in reasons:
        print(f"rendered {line}")
    print(f"kept {pages - len(reasons)} of {pages} pages: nothing they read changed")


def run_fix(args) -> int:
    """Repair drifted quotes: print each change, then each quote left broken and every other error."""
    from .authoring.repair import Repair, apply, listed, plan
    failed: list[ContentError] = []
    try:
        found, errors = plan(args.content)
        repairs = [r for r in found if isinstance(r, Repair)]
        changes = apply(repairs, args.dry_run, args.content, failed)
    except (Exception, ExceptionGroup) as exc:
        if not (errors := flatten(exc) or os_error(exc)):
            raise
        return refused(errors)
    done = len([r for r in repairs if r.yml_path not in {e.path for e in failed}])
    print("\n".join(changes + [f"{'would repair' if args.dry_run else 'repaired'} {counted(done, 'quote')}"]))
    left = [(u.yml_path, u.line, u.column, "\n".join(listed(u))) for u in found if not isinstance(u, Repair)]
    left += [(e.path, e.line, e.column, str(e)) for e in errors + failed]
    for *_, text in sorted(left):
        print(text, file=sys.stderr)
    if left:
        print(f"{counted(len(left), 'error')} left", file=sys.stderr)
    return 1 if left else 0


def run_init(args) -> int:
    """Write a starter site and say what to do next; report what is in the way and return 1."""
    from .starter import init, next_steps
    try:
        written = init(args.folder, args.title, args.base_url)
    except (ContentError, ExceptionGroup, OSError) as exc:
        if not (errors := flatten(exc) or os_error(exc)):
            raise
        return refused(errors)
    print(f"wrote a starter site into {shown(args.folder)}: {counted(len(written), 'file')}")
    print(next_steps(args.folder))
    return 0


def refused(errors: list[ContentError]) -> int:
    """Print errors that stopped a command before it wrote anything, and return 1."""
    for e in errors:
        print(e, file=sys.stderr)
    print(f"{counted(len(errors), 'error')}; nothing was written", file=sys.stderr)
    return 1


def counted(n: int, noun: str) -> str:
    """Return '1 briefing' or '3 briefings'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


DISK_ERRORS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
               errno.EFBIG: "a file grew past the size allowed", errno.EROFS: "the file system is read-only",
               errno.EIO: "the disk reported an input/output error"}
"""Errors of a write that name no file: they are the disk's, wherever the write went."""


def os_error(exc: BaseException, out: Path | None = None) -> list[ContentError]:
    """Turn a file the system refused (unreadable, unwritable, wrong type) or a failing disk into a
    located error; out is the folder being written."""
    if not isinstance(exc, OSError):
        return []  # anything else is a bug in briefings: let its traceback through
    if exc.filename:
        return [ContentError(shown(exc.filename), 1, 1, f"cannot use this path: {exc.strerror or exc}")]
    if exc.errno in DISK_ERRORS and out is not None:
        return [ContentError(shown(out), 1, 1, f"cannot write the site: {DISK_ERRORS[exc.errno]} "
                                               f"({exc.strerror}); the previous site is unchanged")]
    return []


def shown(path) -> str:
    """Return a path relative to the working folder when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
