"""Two builds of the same content on different days, in different folders, are byte-identical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require


def build(where: Path, fake_date: str | None) -> dict[str, bytes]:
    shutil.copytree(ROOT / "content", where / "content")
    command = [sys.executable, str(ROOT / "build.py"), "build"]
    if fake_date:
        command = ["faketime", fake_date, *command]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TZ="Pacific/Kiritimati" if fake_date else "UTC")
    proc = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    site = where / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_builds_on_different_days_and_folders_are_identical(tmp_path: Path):
    require(shutil.which("faketime") is not None, "faketime (Debian package) is not installed")
    today = build(tmp_path / "a", None)
    later = build(tmp_path / "elsewhere/b", "2031-03-04 05:06:07")
    assert today.keys() == later.keys()
    assert [k for k in today if today[k] != later[k]] == []
