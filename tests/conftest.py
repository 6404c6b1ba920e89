"""Shared fixtures: tiny sites written from dicts, the CLI run in a subprocess, the demo build."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"

MINIMAL = {
    "content/site.yml": "title: Test site\nbase_url: https://example.org/repo/\n",
    "content/speakers/ana-berg.yml": "name: Ana Berg\nrole: Spokesperson\n",
    "content/documents/treaty.yml": (
        "title: The Treaty\nprovisions:\n  - id: art-1\n    label: Article 1\n    text: Peace.\n"),
    "content/briefings/first.md": "Ana Berg said the talks would resume on Monday.\n",
    "content/briefings/first.yml": (
        "title: First\ndate: 2024-01-02\nannotations:\n"
        "  - quote: talks would resume\n    kind: statement\n    speaker: ana-berg\n"),
}


@dataclass
class Run:
    """The outcome of one CLI run."""

    code: int
    out: str
    err: str


def write_files(base: Path, files: dict[str, str | bytes]) -> Path:
    """Write a dict of relative path -> text (dedented) or bytes under base."""
    for rel, data in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return base


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> Run:
    """Run `python build.py ARGS` in cwd as a user would, returning exit code and output."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def project(tmp_path: Path):
    """Return a function that writes a site (MINIMAL overridden by the given files) into tmp_path."""
    def make(files: dict[str, str | bytes | None] | None = None, base: dict | None = MINIMAL) -> Path:
        merged = dict(base or {})
        merged.update(files or {})
        write_files(tmp_path, {k: v for k, v in merged.items() if v is not None})
        return tmp_path
    return make


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """Build the demo content once per session and return the output folder."""
    out = tmp_path_factory.mktemp("demo") / "site"
    run = run_cli("build", "--content", str(ROOT / "content"), "--templates", str(ROOT / "templates"),
                  "--out", str(out), cwd=ROOT)
    assert run.code == 0, run.err
    return out


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing - but under CI=true a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must install it: see scripts/setup-tests.sh)")
    pytest.skip(f"{reason}; run scripts/setup-tests.sh to install it")


SHARED = ROOT.parent / "shared"
NODE_MODULES = ROOT / "node_modules"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    def log_message(self, *args):
        pass


class PagesHandler(QuietHandler):
    """Serve a folder under /repo/ with 404.html for missing paths, as GitHub Pages serves a project site."""

    def translate_path(self, path):
        return super().translate_path(path[len("/repo"):] if path.startswith("/repo/") else "/missing")

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_folder(folder: Path, handler=QuietHandler, prefix: str = "/"):
    """Serve a folder over HTTP on 127.0.0.1 at a free port; yield the base URL (ending in prefix)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
