"""Work spread over processes gives the output of one process, byte for byte, and the same errors;
a worker that dies or fails, or Ctrl-C, ends the build at once and writes nothing."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefings.engine import parallel
from briefings.pipeline import Options, gather
from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benches"))
import corpus  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_keeps_order_and_results_and_uses_workers():
    items = list(range(200))
    done: list[int] = []
    assert parallel.run(lambda n: n * n, items, 2, chunk=7, done=done.append) == [n * n for n in items]
    assert sum(done) == 200
    def slow_pid(n):
        time.sleep(0.003)  # long enough for both workers to take tasks
        return os.getpid()
    pids = set(parallel.run(slow_pid, items, 2, chunk=10))
    assert len(pids) == 2 and os.getpid() not in pids  # two forked workers did the work


def test_run_in_this_process_when_one_job_or_little_work():
    assert set(parallel.run(lambda n: os.getpid(), list(range(100)), 1)) == {os.getpid()}
    assert set(parallel.run(lambda n: os.getpid(), list(range(10)), 4, chunk=8)) == {os.getpid()}
    assert parallel.run(lambda n: n, [], 4) == []


def outcome(fn, n: int, chunk: int) -> BaseException | None:
    """Run fn over n items in two workers, in a thread given 30 s (a hang fails); return what it raised."""
    caught: list = []

    def attempt():
        try:
            parallel.run(fn, list(range(n)), 2, chunk=chunk)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            caught.append(exc)
        else:
            caught.append(None)
    runner = threading.Thread(target=attempt, daemon=True)
    runner.start()
    runner.join(30)
    assert not runner.is_alive(), "the run hangs"
    assert multiprocessing.active_children() == []  # every worker ended and was reaped
    return caught[0]


def fail(n):
    """Raise at item 57, as a bug would; take 20 ms an item (4 s a worker for 400)."""
    if n == 57:
        raise ValueError("item 57")
    time.sleep(0.02)
    return n


def test_a_failure_in_a_worker_reaches_the_caller_at_once_with_its_traceback():
    started = time.monotonic()
    exc = outcome(fail, 400, 5)
    assert time.monotonic() - started < 3  # the other tasks were not waited for
    assert isinstance(exc, ValueError) and str(exc) == "item 57"
    worker_side = str(exc.__cause__)  # the worker's own traceback
    assert ", in fail\n" in worker_side and 'raise ValueError("item 57")' in worker_side


def kill_self(n):
    """Kill this process (a worker) with SIGKILL at item 57, as the out-of-memory killer would."""
    if n == 57:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.005)
    return n


def exit_self(n):
    """End this process (a worker) with status 3 at item 57, as a library calling exit() would."""
    if n == 57:
        os._exit(3)
    return n


@pytest.mark.parametrize("fn, how", [(kill_self, "killed by SIGKILL, signal 9: out of memory? try fewer --jobs"),
                                     (exit_self, "it exited with status 3")])
def test_a_worker_that_dies_ends_the_run_at_once(fn, how):
    exc = outcome(fn, 400, 5)
    assert isinstance(exc, parallel.WorkerDied) and str(exc) == f"a worker process died ({how})"


SENT = 50_000_000
"""Bytes of a result big enough to fill the pipe many times over."""


def dies_sending(n):
    """Return a huge result for item 3 and die (SIGKILL) half-way through sending it."""
    if n != 3:
        time.sleep(0.01)
        return n
    tid = threading.get_native_id()

    def kill_once_sending():
        # The worker's thread is in write(2) with the whole message (its count is the third
        # argument) and blocks on the full pipe until the parent reads: part is sent, not all.
        while True:
            fields = Path(f"/proc/self/task/{tid}/syscall").read_text().split()
            if len(fields) > 3 and int(fields[3], 16) >= SENT:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(0.0005)
    threading.Thread(target=kill_once_sending, daemon=True).start()
    return b"x" * SENT


def test_a_worker_killed_while_sending_a_result_ends_the_run():
    """The executor alone would wait for ever for the rest of that message."""
    if not os.access(f"/proc/self/task/{threading.get_native_id()}/syscall", os.R_OK):
        pytest.skip("needs /proc/PID/task/TID/syscall")
    exc = outcome(dies_sending, 40, 1)
    assert isinstance(exc, parallel.WorkerDied) and "killed by SIGKILL" in str(exc)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A project of 60 generated briefings plus the demo's: enough tasks for two workers."""
    root = tmp_path_factory.mktemp("archive")
    corpus.write(60, root)
    for section in ("briefings", "speakers", "documents", "topics"):
        shutil.copytree(ROOT / "content" / section, root / "content" / section, dirs_exist_ok=True)
    return root


def test_one_and_two_jobs_build_identical_sites(archive: Path):
    for jobs in ("1", "2"):
        run = run_cli("build", "--no-cache", "--jobs", jobs, "--out", f"site-{jobs}", cwd=archive)
        assert run.code == 0, run.err
    one, two = tree(archive / "site-1"), tree(archive / "site-2")
    assert len(one) > 300 and one == two


def test_one_and_two_jobs_gather_identical_files(archive: Path):
    opts = Options(content=archive / "content", templates=ROOT / "templates")
    one = gather(opts).files
    assert gather(Options(content=opts.content, templates=opts.templates, jobs=2)).files == one


def test_errors_are_the_same_with_any_number_of_jobs(archive: Path, tmp_path: Path):
    shutil.copytree(archive / "content", tmp_path / "content")
    for n in (3, 17, 41):
        yml = tmp_path / f"content/briefings/b-{n}.yml"
        yml.write_text(yml.read_text().replace("kind: statement", "kind: statment", 1))
    md = tmp_path / "content/briefings/b-50.md"
    md.write_text(md.read_text().replace("m0x0x1", "mangled", 1))
    runs = [run_cli("build", "--no-cache", "--jobs", jobs, cwd=tmp_path) for jobs in ("1", "2")]
    assert runs[0].code == runs[1].code == 1
    assert runs[0].err == runs[1].err
    assert runs[0].err.count("error: unknown kind 'statment'") == 3
    assert "b-50.yml" in runs[0].err and "quote not found" in runs[0].err
    assert not (tmp_path / "site").exists()


def test_jobs_must_be_a_positive_number(tmp_path: Path):
    run = run_cli("build", "--jobs", "0", cwd=tmp_path)
    assert run.code == 2 and "expected a whole number of at least 1" in run.err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project of 300 generated briefings, built once with its cache: rendering takes a few seconds."""
    root = tmp_path_factory.mktemp("built")
    corpus.write(300, root)
    assert run_cli("build", "--jobs", "2", "--no-search", cwd=root).code == 0
    return root


def children(pid: int) -> list[int]:
    """Return the ids of a process's child processes, from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            pass  # that thread has ended
    return found


def alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def build_while_rendering(tmp_path: Path, built: Path) -> tuple[Path, subprocess.Popen, list[int]]:
    """Start a --jobs 2 build of a copy of the built project and return once its two workers are
    rendering (files are arriving in the new site's folder): the project, the build and its workers."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    if not (root / "site").exists():
        pytest.fail("the first build made no site")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--jobs", "2", "--no-search"],
                            cwd=root, env=dict(os.environ, PYTHONPATH=str(ROOT)), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        workers = children(proc.pid)
        stage = next(root.glob(".site.tmp-*"), None)
        if len(workers) == 2 and stage is not None and any(stage.iterdir()):  # the first pages are in
            return root, proc, workers
        time.sleep(0.005)
    proc.kill()
    pytest.fail(f"never saw two workers rendering (the build ended with {proc.wait()})")


def ended(proc: subprocess.Popen, limit: float = 30) -> tuple[int, str, str]:
    """Wait (within limit seconds) for the build to end; return its status, stdout and stderr."""
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the build still ran {limit} s later")
    return proc.returncode, out, err


def test_a_worker_killed_while_rendering_fails_the_build_and_writes_nothing(tmp_path: Path, built: Path):
    site_before = tree(built / "site")
    root, proc, workers = build_while_rendering(tmp_path, built)
    os.kill(workers[0], signal.SIGKILL)
    code, out, err = ended(proc)
    assert code == 1 and out == ""
    assert err == ("error: a worker process died (killed by SIGKILL, signal 9: out of memory? try fewer --jobs); "
                   "nothing was written\n")
    assert tree(root / "site") == site_before
    assert sorted(os.listdir(root)) == sorted(os.listdir(built))  # the half-made site is gone
    assert not any(alive(pid) for pid in workers)


def test_ctrl_c_during_a_parallel_build_stops_it_and_every_worker(tmp_path: Path, built: Path):
    site_before = tree(built / "site")
    root, proc, workers = build_while_rendering(tmp_path, built)
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal does: to the build and its workers
    code, _, err = ended(proc)
    assert code == 130 and err == ""
    assert tree(root / "site") == site_before
    assert sorted(os.listdir(root)) == sorted(os.listdir(built))
    assert not any(alive(pid) for pid in workers)


def test_a_build_killed_from_outside_leaves_no_worker_behind(tmp_path: Path, built: Path):
    _, proc, workers = build_while_rendering(tmp_path, built)
    proc.kill()  # SIGKILL: the build cleans nothing up
    proc.communicate()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "workers outlived the build"
