"""A build killed at any moment leaves the old site or the new one, never a mix; leftovers go."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_cli


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_sigkill_during_build_leaves_old_or_new_site(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    assert run_cli("build", cwd=tmp_path).code == 0
    old = tree(tmp_path / "site")
    sidecar = next((tmp_path / "content/briefings").glob("*.yml"))
    sidecar.write_text(sidecar.read_text().replace("title: ", "title: Revised ", 1))
    reference = tmp_path / "reference"
    shutil.copytree(tmp_path / "content", reference / "content")
    assert run_cli("build", cwd=reference).code == 0
    new = tree(reference / "site")
    assert new != old
    rng = random.Random(1234)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build"], cwd=tmp_path,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree(tmp_path / "site")
        assert now in (old, new), "site/ holds a mix of two builds"
    assert run_cli("build", cwd=tmp_path).code == 0
    assert tree(tmp_path / "site") == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []
