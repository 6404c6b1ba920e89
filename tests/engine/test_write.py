"""Stage 6: the output folder is swapped in whole, unchanged files are kept, user folders are refused.

The writer (engine/output.py and write.py) is tested through builds of a small site into www/site,
so that nothing else lies beside the output folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from briefings import pipeline
from briefings.engine import searching, write
from briefings.engine.output import MARKER_TEXT
from briefings.engine.write import MARKER, check_out, clean_leftovers
from briefings.errors import ContentError
from briefings.pipeline import Options, gather

SECOND = {"content/briefings/second.md": "Ana Berg said it again.\n",
          "content/briefings/second.yml": "title: Second\ndate: 2024-01-03\n"}


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


def build(root: Path, out: Path | None = None, cache: Path | None = None, search: bool = False) -> tuple:
    """Build root's content into out (www/site) in this process; return (what the write did, search status)."""
    opts = Options(content=root / "content", templates=root / "templates", out=out or root / "www/site",
                   cache=cache, search=search)
    _, stats, _, status, _ = pipeline.build(opts, search=search)
    return stats, status


def full_site(root: Path) -> dict[str, bytes]:
    """Return the site the plain in-memory stages (gather) make of root's content, search off, with the marker."""
    with mock.patch.object(pipeline, "search_available", lambda: False):
        files = gather(Options(content=root / "content", templates=root / "templates")).files
    return {**files, MARKER: MARKER_TEXT}


def edit(root: Path) -> None:
    """Change the briefing's text, so that its page and annotation export change."""
    (root / "content/briefings/first.md").write_text("Ana Berg said the talks would resume on Monday. Edited.\n")


def stat_all(out: Path) -> dict[str, os.stat_result]:
    """Return every file's stat under a folder, by relative path."""
    return {p.relative_to(out).as_posix(): p.stat() for p in out.rglob("*") if p.is_file()}


# --- the writer, through builds -----------------------------------------------------------------

def test_first_write_creates_the_folder_with_a_marker(project):
    root = project()
    out = root / "www/site"
    stats, _ = build(root)
    assert tree(out) == full_site(root) and tree(out)[MARKER] == MARKER_TEXT
    assert (stats.written, stats.unchanged) == (len(tree(out)) - 1, 0)  # the marker is not counted
    assert siblings(out) == []  # no temporary folder left behind


def test_unchanged_files_keep_their_inode_and_mtime(project):
    root = project()
    out = root / "www/site"
    build(root)
    old = tree(out)
    os.utime(out / "index.html", (1_000_000, 1_000_000))  # an old mtime makes a rewrite visible
    before = stat_all(out)
    edit(root)
    (root / "templates/static").mkdir(parents=True)
    (root / "templates/static/new.txt").write_text("n")
    stats, _ = build(root)
    new = tree(out)
    assert new == full_site(root)
    changed = {rel for rel in new if old.get(rel) != new[rel] and rel != MARKER}
    assert changed == {"briefings/first/index.html", "briefings/first/annotations.jsonld", "static/new.txt"}
    assert (stats.written, stats.unchanged) == (len(changed), len(new) - 1 - len(changed))
    after = stat_all(out)
    for rel in new.keys() - changed:
        assert (after[rel].st_ino, after[rel].st_mtime_ns) == (before[rel].st_ino, before[rel].st_mtime_ns), rel
    assert after["index.html"].st_mtime_ns == 1_000_000 * 10**9
    assert new["briefings/first/index.html"] != old["briefings/first/index.html"]


@pytest.mark.parametrize("cache", [None, "cache"], ids=["a new folder", "the cache's spare"])
def test_files_no_longer_built_disappear(project, cache):
    root = project(SECOND)
    out = root / "www/site"
    cache = root / cache if cache else None
    build(root, cache=cache)
    edit(root)
    build(root, cache=cache)  # with a cache, the replaced site is now the spare the next build updates
    assert (out / "briefings/second/index.html").is_file()
    for rel in SECOND:
        (root / rel).unlink()
    build(root, cache=cache)
    assert tree(out) == full_site(root) and not (out / "briefings/second").exists()
    assert siblings(out) == []


def test_a_failure_before_the_swap_leaves_the_old_site_exactly(project, monkeypatch):
    root = project()
    out = root / "www/site"
    build(root)
    old = tree(out)
    seen = []

    def fail(records, language: str) -> dict:
        stage = [p for p in out.parent.iterdir() if p.is_dir() and p != out]  # the new site, but its index
        seen.extend(b"Edited." in (p / "briefings/first/index.html").read_bytes() for p in stage)
        raise RuntimeError("indexer crashed")

    monkeypatch.setattr(searching, "index_part", fail)
    edit(root)
    with pytest.raises(RuntimeError, match="indexer crashed"):
        build(root, search=True)
    assert seen == [True]
    assert tree(out) == old
    assert siblings(out) == []


def test_the_search_index_is_made_in_the_new_folder_before_the_swap(project, monkeypatch):
    root = project()
    out = root / "www/site"
    seen = []

    def indexer(records, language: str) -> dict:
        seen.append((not out.exists(), [r.url for r in records], language))
        return {"extra.js": b"x"}

    monkeypatch.setattr(searching, "index_part", indexer)
    monkeypatch.setattr(searching, "ui_files", lambda language: {"pagefind-ui.js": b"ui"})
    _, status = build(root, search=True)
    assert seen == [(True, ["/briefings/first/"], "en"), (True, ["/speakers/ana-berg/", "/documents/treaty/"], "en")]
    assert status == "search index built: 2024, pages indexed anew, 0 of 2 parts kept"
    assert (out / "pagefind/2024/extra.js").read_text() == "x" and (out / "pagefind/pagefind-ui.js").read_text() == "ui"
    assert siblings(out) == []


def test_leftovers_of_dead_builds_are_cleaned_by_the_next_build(project):
    root = project()
    out = root / "www/site"
    build(root)
    www = out.parent
    dead = dead_pid()
    for name in (f".site.tmp-{dead}-x", f".site.old-{dead}-deadbeef"):
        (www / name / "briefings").mkdir(parents=True)
        (www / name / "briefings/index.html").write_text("half a site")
    live = www / f".site.tmp-{os.getppid()}-x"  # a build still running (our parent process)
    live.mkdir()
    keep = [www / ".site.tmp-notapid-x", www / f".other.tmp-{dead}-x", www / "site-old"]
    for path in keep:
        path.mkdir()
    build(root)
    assert siblings(out) == sorted([live.name] + [p.name for p in keep])


def test_swap_without_an_atomic_exchange_still_replaces_the_site(project, monkeypatch):
    root = project()
    out = root / "www/site"
    build(root)
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    edit(root)
    build(root)
    assert tree(out) == full_site(root)
    assert b"Edited." in (out / "briefings/first/index.html").read_bytes()
    assert siblings(out) == []


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not write.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_symlinked_output_folder_is_followed(project):
    root = project()
    real = root / "www" / "site"
    build(root, out=real)
    (root / "site").symlink_to(real)
    edit(root)
    build(root, out=root / "site")
    assert (root / "site").is_symlink()
    assert tree(real) == full_site(root) and b"Edited." in (real / "briefings/first/index.html").read_bytes()
    assert siblings(real) == [] and sorted(p.name for p in root.iterdir()) == ["content", "site", "www"]


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
        pipeline.build(Options(content=Path("content"), templates=Path("templates"), out=out, search=False),
                       search=False)
        assert (tmp_path / "site" / MARKER).is_file()
    elif prepare == "nested-new":
        out = Path("build/html/site")
    check_out(out, layout)  # no error
