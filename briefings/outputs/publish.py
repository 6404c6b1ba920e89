"""Files for publishing beside the pages: GitHub Pages markers, robots.txt, and the search index."""

from __future__ import annotations

import ctypes
import importlib.util
import signal
from pathlib import Path

from ..errors import ContentError
from ..model import SiteConfig

PR_SET_PDEATHSIG = 1


def extra_files(site: SiteConfig) -> dict[str, bytes]:
    """Return the non-page files every build writes."""
    files = {
        # GitHub Pages' branch route runs Jekyll unless told not to (it would hide _files).
        ".nojekyll": b"",
        "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode(),
    }
    if site.cname:
        files["CNAME"] = (site.cname.strip() + "\n").encode()
    return files


def search_available() -> bool:
    """Tell whether the Pagefind indexer (PyPI package 'pagefind' with its binary) is installed."""
    return importlib.util.find_spec("pagefind") is not None


def die_with_parent() -> None:
    """Ask Linux to kill the indexer if the build dies, so it never writes into a cleaned folder."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the next build still removes the folder once the indexer is gone


def indexer_problem(output: str) -> str:
    """Return the line of the indexer's output that says what went wrong."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for n, line in enumerate(lines):
        if " panicked at " in line:  # a Rust panic: its message is on the next line
            return f"pagefind crashed: {lines[n + 1] if n + 1 < len(lines) else line}"
    useful = [line for line in lines if not line.startswith(("note:", "stack backtrace"))]
    return (useful or ["pagefind exited with an error and said nothing"])[-1]
