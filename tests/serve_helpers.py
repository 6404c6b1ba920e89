"""Run `python build.py serve` as a user would, on a copy of the demo content, and talk to it."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = "quota-statement-2026"
"""The demo briefing the tests open and edit."""


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_demo(base: Path) -> Path:
    """Copy the demo content folder into base; return the copy."""
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    return content


class Served:
    """A `serve` subprocess with its terminal output collected as it comes."""

    def __init__(self, cwd: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.lines: list[str] = []
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", *args, "--port", str(self.port)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        """Collect the terminal output line by line."""
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        """Return everything printed so far."""
        return "\n".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        """Wait until the terminal shows text (fail with the output if the server exits or it never does)."""
        end = time.time() + timeout
        while text not in self.output:
            if self.proc.poll() is not None:
                self.reader.join(5)
                if text in self.output:
                    return
                raise AssertionError(f"serve exited with {self.proc.returncode}:\n{self.output}")
            if time.time() > end:
                raise AssertionError(f"serve never printed {text!r}:\n{self.output}")
            time.sleep(0.02)

    def url(self, path: str = "") -> str:
        """Return the URL of a site path."""
        return f"http://127.0.0.1:{self.port}/{path}"

    def get(self, raw_path: str) -> tuple[int, str]:
        """Send GET with the path exactly as given (no normalising); return status and body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest("GET", raw_path, skip_accept_encoding=True)
            conn.putheader("Accept", "text/html")
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_until(self, raw_path: str, predicate, timeout: float = 30) -> tuple[int, str]:
        """Poll a path until predicate(status, body) holds; return the last answer."""
        end = time.time() + timeout
        while True:
            answer = self.get(raw_path)
            if predicate(*answer):
                return answer
            if time.time() > end:
                raise AssertionError(f"{raw_path} never matched; last answer {answer[0]}:\n"
                                     f"{answer[1][:2000]}\n--- terminal ---\n{self.output}")
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        """Send a signal (Ctrl-C by default) and return the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.reader.join(5)
        return self.proc.returncode


def start(base: Path, *extra: str, out: Path | None = None) -> Served:
    """Copy the demo content into base, start serve on it and wait until the site is served."""
    content = copy_demo(base)
    served = Served(base, "--content", str(content), "--out", str(out or base / "site"), *extra)
    served.wait_for_output("live reload is on")
    return served


def edit_note(yml: Path, marker: str) -> None:
    """Replace the first annotation note of a sidecar with one line holding marker."""
    lines = yml.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.lstrip().startswith("note:"))
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    end = at + 1
    while end < len(lines) and lines[end].startswith(indent + " "):
        end += 1  # the folded continuation lines of the old note
    lines[at:end] = [f"{indent}note: {marker}\n"]
    save(yml, "".join(lines))


def save(path: Path, text: str) -> None:
    """Save a file the way most editors do: a hidden temporary file renamed over it in one step.

    (A plain write truncates first; on a loaded machine the preview may then notice the empty file
    a moment before the text arrives - it rebuilds again when the text comes, but a test asserting
    on that moment would flake.)
    """
    tmp = path.with_name(f".{path.name}.saving")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
