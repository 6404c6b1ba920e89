"""One build at a time per output folder and per cache folder; a killed holder never blocks the next."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefings.errors import ContentError
from briefings.engine.lock import lock_files, one_build
from conftest import ROOT, run_cli


def test_a_second_build_waits_then_gives_up_with_an_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    said: list[str] = []
    with one_build(tmp_path / "site"):
        with pytest.raises(ContentError) as caught:
            with one_build(tmp_path / "site", wait=0.3, say=said.append):
                pass
    assert said == [f"waiting for another build to finish (process {os.getpid()}) (it holds .site.lock)"]
    assert str(caught.value) == (f".site.lock:1:1: error: another build held this lock for 0 s (process "
                                 f"{os.getpid()}); wait for it to finish, or stop it, then build again")
    assert not list(tmp_path.iterdir())  # no lock file is left behind


def test_the_waiting_build_goes_on_when_the_first_ends(tmp_path: Path):
    order: list[str] = []
    first_in = threading.Event()

    def first():
        with one_build(tmp_path / "site", tmp_path / "cache"):
            first_in.set()
            time.sleep(0.4)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    said: list[str] = []
    with one_build(tmp_path / "site", tmp_path / "cache", say=said.append):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"] and len(said) == 1


def test_builds_sharing_only_the_cache_folder_wait_too(tmp_path: Path):
    said: list[str] = []
    with one_build(tmp_path / "a", tmp_path / "cache"):
        with pytest.raises(ContentError):
            with one_build(tmp_path / "b", tmp_path / "cache", wait=0.2, say=said.append):
                pass
        with one_build(tmp_path / "b", tmp_path / "other-cache", wait=0.2, say=said.append):
            pass  # nothing shared: no waiting
    assert len(said) == 1 and "cache/lock" in said[0]


def test_never_two_holders_at_once(tmp_path: Path):
    inside, overlaps, rounds = [0], [], 30

    def contender():
        for _ in range(rounds):
            with one_build(tmp_path / "site", tmp_path / "cache", say=lambda line: None):
                inside[0] += 1
                if inside[0] != 1:
                    overlaps.append(inside[0])
                time.sleep(0.001)
                inside[0] -= 1

    threads = [threading.Thread(target=contender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert overlaps == [] and inside == [0]


def test_lock_files_are_ordered_by_path(tmp_path: Path):
    files = lock_files(tmp_path / "z-site", tmp_path / "a-cache")
    assert files == sorted(files, key=os.fspath) and {f.name for f in files} == {"lock", ".z-site.lock"}


HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from briefings.engine.lock import one_build
with one_build({out!r}, {cache!r}):
    print("held", flush=True)
    time.sleep(60)
"""


def holder(out: Path, cache: Path) -> subprocess.Popen:
    """Start a process that holds a build's locks until killed."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(root=str(ROOT), out=str(out), cache=str(cache))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_build_waits_for_a_running_one_and_a_killed_one_blocks_nothing(project):
    root = project()
    proc = holder(root / "site", root / ".briefings-cache")
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--no-search"], cwd=root,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    first = build.stderr.readline()
    assert re.fullmatch(rf"waiting for another build to finish \(process {proc.pid}\) \(it holds \S+\)\n", first)
    time.sleep(0.5)
    assert build.poll() is None and not (root / "site").exists()  # it waits, writing nothing
    proc.send_signal(signal.SIGKILL)  # killed, as the OOM killer would: the kernel drops its locks
    proc.wait()
    out, err = build.communicate(timeout=60)
    assert build.returncode == 0, err
    assert out.startswith("built ") and (root / "site/index.html").is_file()
    again = run_cli("build", "--no-search", cwd=root)
    assert again.code == 0 and "waiting" not in again.err


def test_two_builds_at_once_publish_one_site(project):
    root = project()
    assert run_cli("build", "--no-search", cwd=root).code == 0  # a record, so the next builds are incremental
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--no-search", "--base-url", base],
                               cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for base in ("https://one.example/", "https://two.example/")]
    for b in builds:
        b.communicate(timeout=120)
        assert b.returncode == 0
    bases = {m for p in (root / "site").rglob("*.html")
             for m in re.findall(r'<link rel="canonical" href="https://(one|two)\.example/', p.read_text())}
    assert len(bases) == 1  # every page from one build, never a mix
