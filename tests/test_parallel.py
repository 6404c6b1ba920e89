"""Work spread over processes gives the output of one process, byte for byte, and the same errors."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from briefings import parallel
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


def test_a_failure_in_a_worker_reaches_the_caller():
    def fail(n):
        if n == 57:
            raise ValueError("item 57")
        return n
    with pytest.raises(ValueError, match="item 57"):
        parallel.run(fail, list(range(100)), 2, chunk=5)


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
