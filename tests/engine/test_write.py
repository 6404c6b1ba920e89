"""Stage 6: the output folder is swapped in whole, unchanged files are kept, user folders are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.engine import write
from briefings.errors import ContentError
from briefings.engine.write import MARKER, check_out, clean_leftovers, write_site

FILES = {"index.html": b"<p>home</p>", "briefings/a/index.html": b"<p>a</p>", "static/s.css": b"p{}"}


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def dead_pid() -> int:
    """Return the id of a process that has just exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def siblings(out: Path) -> list[str]:
    """Return the names beside the output folder, other than the output itself."""
    return sorted(p.name for p in out.parent.iterdir() if p != out)


# --- write_site ---------------------------------------------------------------------------------

def test_first_write_creates_the_folder_with_a_marker(tmp_path):
    out = tmp_path / "site"
    stats = write_site(FILES, out)
    assert tree(out) == {**FILES, MARKER: tree(out)[MARKER]}
    assert (stats.written, stats.unchanged) == (3, 0)
    assert siblings(out) == []  # no temporary folder left behind


def test_unchanged_files_keep_their_inode_and_mtime(tmp_path):
    out = tmp_path / "site"
    write_site(FILES, out)
    before = {rel: os.stat(out / rel) for rel in FILES}
    os.utime(out / "index.html", (1_000_000, 1_000_000))  # an old mtime makes a rewrite visible
    old_mtime = os.stat(out / "index.html").st_mtime_ns
    stats = write_site({**FILES, "briefings/a/index.html": b"<p>changed</p>", "new.txt": b"n"}, out)
    assert (stats.written, stats.unchanged) == (2, 2)
    assert os.stat(out / "index.html").st_mtime_ns == old_mtime
    assert os.stat(out / "index.html").st_ino == before["index.html"].st_ino
    assert os.stat(out / "static/s.css").st_ino == before["static/s.css"].st_ino
    assert (out / "briefings/a/index.html").read_bytes() == b"<p>changed</p>"
    assert (out / "new.txt").read_bytes() == b"n"


def test_files_no_longer_built_disappear(tmp_path):
    out = tmp_path / "site"
    write_site(FILES, out)
    write_site({"index.html": b"<p>home</p>"}, out)
    assert set(tree(out)) == {"index.html", MARKER}
    assert siblings(out) == []


def test_a_failure_before_the_swap_leaves_the_old_site_exactly(tmp_path):
    out = tmp_path / "site"
    write_site(FILES, out)
    old = tree(out)

    def fail(folder: Path) -> None:
        assert (folder / "index.html").read_bytes() == b"<p>new</p>"  # the new site is complete here
        raise RuntimeError("indexer crashed")

    with pytest.raises(RuntimeError):
        write_site({"index.html": b"<p>new</p>"}, out, finish=fail)
    assert tree(out) == old
    assert siblings(out) == []


def test_finish_runs_on_the_new_folder_before_the_swap(tmp_path):
    out = tmp_path / "site"
    seen = []
    write_site(FILES, out, finish=lambda folder: (seen.append(folder != out), (folder / "extra").write_text("x")))
    assert seen == [True] and (out / "extra").read_text() == "x"


def test_leftovers_of_dead_builds_are_cleaned_by_the_next_build(tmp_path):
    out = tmp_path / "site"
    write_site(FILES, out)
    dead = dead_pid()
    for name in (f".site.tmp-{dead}-x", f".site.old-{dead}-deadbeef"):
        (tmp_path / name / "briefings").mkdir(parents=True)
        (tmp_path / name / "briefings/index.html").write_text("half a site")
    live = tmp_path / f".site.tmp-{os.getppid()}-x"  # a build still running (our parent process)
    live.mkdir()
    keep = [tmp_path / ".site.tmp-notapid-x", tmp_path / f".other.tmp-{dead}-x", tmp_path / "site-old"]
    for path in keep:
        path.mkdir()
    write_site(FILES, out)
    assert siblings(out) == sorted([live.name] + [p.name for p in keep])


def test_swap_without_an_atomic_exchange_still_replaces_the_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(FILES, out)
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    write_site({"index.html": b"<p>other</p>"}, out)
    assert set(tree(out)) == {"index.html", MARKER}
    assert (out / "index.html").read_bytes() == b"<p>other</p>"
    assert siblings(out) == []


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not write.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_symlinked_output_folder_is_followed(tmp_path):
    real = tmp_path / "www" / "site"
    write_site(FILES, real)
    (tmp_path / "site").symlink_to(real)
    write_site({"index.html": b"<p>new</p>"}, tmp_path / "site")
    assert (tmp_path / "site").is_symlink()
    assert set(tree(real)) == {"index.html", MARKER} and (real / "index.html").read_bytes() == b"<p>new</p>"
    assert siblings(real) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["site", "www"]


def test_clean_leftovers_without_any_is_harmless(tmp_path):
    clean_leftovers(tmp_path / "site")
    assert list(tmp_path.iterdir()) == []


# --- check_out ----------------------------------------------------------------------------------

@pytest.fixture
def layout(tmp_path, monkeypatch):
    """A project folder with content/ and templates/, as the working folder."""
    for name in ("content/briefings", "templates"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "content/site.yml").write_text("title: t\n")
    monkeypatch.chdir(tmp_path)
    return {"project folder": tmp_path, "content folder": Path("content"), "templates folder": Path("templates")}


def refusal(out: Path, protected: dict) -> str:
    """Return the error check_out raises."""
    with pytest.raises(ContentError) as info:
        check_out(out, protected)
    return str(info.value)


@pytest.mark.parametrize("out, what", [
    ("content", "content folder"), ("templates", "templates folder"), (".", "project folder"),
    ("..", "project folder"), ("content/../content", "content folder"),
])
def test_user_folders_are_refused(layout, out, what):
    assert refusal(Path(out), layout) == (
        f"{out}:1:1: error: refusing to build into {out}: it is or contains the {what}; choose another --out")


def test_a_folder_containing_the_content_folder_is_refused(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "books/content").mkdir(parents=True)
    monkeypatch.chdir(project)
    protected = {"project folder": project, "content folder": Path("books/content")}
    assert refusal(Path("books"), protected) == (
        "books:1:1: error: refusing to build into books: it is or contains the content folder; "
        "choose another --out")


def test_a_symlink_to_the_content_folder_is_refused(layout, tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "content")
    assert "it is or contains the content folder" in refusal(Path("link"), layout)


def test_a_non_empty_folder_not_made_by_briefings_is_refused(layout, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine/thesis.docx").write_bytes(b"years of work")
    assert refusal(Path("mine"), layout) == (
        "mine:1:1: error: refusing to replace mine: it is not empty and was not made by briefings "
        f"(no {MARKER} file in it); choose another --out or empty it yourself")
    assert (tmp_path / "mine/thesis.docx").read_bytes() == b"years of work"


def test_a_file_is_refused(layout):
    assert refusal(Path("content/site.yml"), layout) == (
        "content/site.yml:1:1: error: refusing to build into content/site.yml: it is a file, not a folder")
    assert refusal(Path("content/site.yml/out"), layout) == (
        "content/site.yml/out:1:1: error: refusing to build into content/site.yml/out: content/site.yml is a "
        "file, not a folder")


@pytest.mark.parametrize("prepare", ["missing", "empty", "made-by-briefings", "nested-new"])
def test_acceptable_output_folders(layout, tmp_path, prepare):
    out = Path("site")
    if prepare == "empty":
        out.mkdir()
    elif prepare == "made-by-briefings":
        write_site(FILES, tmp_path / "site")
    elif prepare == "nested-new":
        out = Path("build/html/site")
    check_out(out, layout)  # no error
