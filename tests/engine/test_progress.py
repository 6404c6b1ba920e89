"""`briefings build` shows pages done / total on a terminal (on stderr, in place) and ends with one line."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from briefings.engine.progress import Progress
from conftest import ROOT, write_files, MINIMAL


def test_progress_redraws_one_line_and_erases_it():
    stream = io.StringIO()
    bar = Progress(10, shown=True, stream=stream)
    bar.add(3)
    bar.add(7)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rpages: 3/10") and "\rpages: 10/10" in text and "\n" not in text
    assert text.endswith("\r" + " " * len("pages: 10/10") + "\r")


def test_progress_is_silent_off_a_terminal():
    stream = io.StringIO()
    bar = Progress(5, shown=False, stream=stream)
    bar.add(5)
    bar.close()
    assert stream.getvalue() == ""


def test_build_on_a_terminal_shows_progress_on_stderr_then_one_summary_line(tmp_path: Path):
    write_files(tmp_path, MINIMAL)
    main, side = pty.openpty()  # standard output is a terminal, as when a person runs the build
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-search"], cwd=tmp_path,
                          stdout=side, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          timeout=120)
    os.close(side)
    out = os.read(main, 65536).decode()
    os.close(main)
    assert proc.returncode == 0
    assert re.search(r"\rpages: (\d+)/\1", proc.stderr.decode())
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and re.fullmatch(
        r"built \d+ pages into site: \d+ files written, \d+ unchanged, in \d+\.\d+ s", lines[0].strip())
