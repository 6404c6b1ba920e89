"""The output folder's .git (a repository, or a worktree's pointer file) survives every build untouched:
moved into each new site by rename, put back when a build dies or fails half-way through the swap."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require, run_cli

from briefings import pipeline
from briefings.engine import write
from briefings.engine.rebuild import Engine
from briefings.engine.write import MARKER, check_out, delete
from briefings.errors import ContentError
from briefings.pipeline import Options

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=gh-pages"]


@pytest.fixture(autouse=True)
def git_installed():
    """Every test here runs git."""
    require(shutil.which("git") is not None, "git is not installed")


def git(*args: str, cwd: Path) -> str:
    """Run git in cwd (with a fixed identity, whatever the machine's configuration); return its output."""
    # Not check=True: the assertion below shows git's own message.
    proc = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def snapshot(path: Path) -> dict[str, tuple]:
    """Return every entry of a .git folder, file or link: its bytes (or link target), inode, mode and mtime."""
    entries = {}
    found = [path]
    if path.is_dir() and not path.is_symlink():
        for top, dirs, files in os.walk(path):
            found += [Path(top, name) for name in dirs + files]
    for p in found:
        st = os.lstat(p)
        data = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
        entries[p.relative_to(path.parent).as_posix()] = (data, st.st_ino, st.st_mode, st.st_mtime_ns)
    return entries


def build(root: Path, *args: str) -> str:
    """Run `briefings build` in root; return its standard output."""
    run = run_cli("build", *args, cwd=root)
    assert run.code == 0, run.err
    return run.out


def leftovers(root: Path) -> list[str]:
    """Return the temporary folders beside site/."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))


def dead_pid() -> int:
    """Return the id of a process that has just exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def edit(root: Path, n: int) -> None:
    """Change the briefing's text, so that the next build writes its page."""
    text = f"Ana Berg said the talks would resume on Monday. Edit {n}.\n"
    (root / "content/briefings/first.md").write_text(text)


def preview(root: Path, out: Path | None = None) -> Engine:
    """Return the preview's engine (serve.Preview.new_engine) on root's content, built once."""
    engine = Engine(Options(content=root / "content", out=out or root / "site"), None, keep=True, search=False)
    engine.update()
    return engine


def edited(engine: Engine, n: int) -> None:
    """Edit the briefing's text and update the preview's site."""
    root = engine.opts.content.parent
    edit(root, n)
    assert engine.update({str(root / "content/briefings/first.md")}).rendered == ("briefings/first/index.html",)


def build_here(root: Path) -> None:
    """Build root's site in this process (briefings.pipeline.build, no cache, no search)."""
    pipeline.build(Options(content=root / "content", out=root / "site", cache=None, search=False), search=False)


def page(root: Path) -> bytes:
    """Return the briefing's page in root's site."""
    return (root / "site/briefings/first/index.html").read_bytes()


@pytest.mark.parametrize("mode", [[], ["--no-cache"], ["--cache-dir", "elsewhere/cache"]])
def test_a_repository_in_the_output_folder_survives_every_build(project, mode):
    root = project()
    search = [] if mode == [] else ["--no-search"]  # the indexer runs once: it must not see .git either
    build(root, *mode, *search)
    git("init", "-q", cwd=root / "site")
    git("add", "-A", cwd=root / "site")
    git("commit", "-qm", "Publish", cwd=root / "site")
    before = snapshot(root / "site/.git")
    for n in range(3):  # the second and third builds swap with the spare of the first and second
        edit(root, n)
        build(root, *mode, *search)
        assert snapshot(root / "site/.git") == before
        assert leftovers(root) == []
    assert " M briefings/first/index.html" in git("status", "--porcelain", cwd=root / "site").splitlines()
    if mode == []:
        assert (root / "site/pagefind").is_dir() and not list((root / "site/pagefind").rglob(".git"))
    git("commit", "-qam", "Publish again", cwd=root / "site")  # changes files in .git only
    if mode != ["--no-cache"]:
        assert "nothing changed" in build(root, *mode, *search)
    assert git("log", "--format=%s", cwd=root / "site") == "Publish again\nPublish\n"


def test_the_branch_route_with_a_worktree(project):
    """The README's recipe: a worktree of an orphan gh-pages branch as site/, built into, pushed."""
    root = project({".gitignore": "/site/\n/.briefings-cache/\n/remote.git/\n"})
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "Content", cwd=root)
    git("init", "-q", "--bare", str(root / "remote.git"), cwd=root)
    git("remote", "add", "origin", str(root / "remote.git"), cwd=root)
    git("worktree", "add", "-q", "--detach", "site", cwd=root)
    git("switch", "-q", "--orphan", "gh-pages", cwd=root / "site")
    assert [p.name for p in (root / "site").iterdir()] == [".git"]  # check_out accepts it
    pointer = snapshot(root / "site/.git")
    assert (root / "site/.git").is_file()
    for n in range(3):
        edit(root, n)
        build(root, "--base-url", "https://user.github.io/repo/", "--no-search")
        assert snapshot(root / "site/.git") == pointer
        git("add", "-A", cwd=root / "site")
        git("commit", "-qm", f"Publish {n}", cwd=root / "site")
        git("push", "-q", "origin", "gh-pages", cwd=root / "site")
    assert git("log", "--format=%s", "gh-pages", cwd=root / "remote.git") == "Publish 2\nPublish 1\nPublish 0\n"
    published = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=root / "remote.git").split()
    assert {".nojekyll", MARKER, "index.html", "briefings/first/index.html"} <= set(published)
    # The project's own checkout is untouched: on its branch, only the edit made here to commit.
    assert git("status", "--porcelain", "--branch", cwd=root) == "## main\n M content/briefings/first.md\n"


def test_an_output_folder_holding_only_git_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for kind in ("folder", "file", "link"):
        out = tmp_path / kind
        out.mkdir()
        if kind == "folder":
            git("init", "-q", cwd=out)
        elif kind == "file":
            (out / ".git").write_text("gitdir: /elsewhere/.git/worktrees/site\n")
        else:
            (out / ".git").symlink_to(tmp_path / "folder/.git")
        check_out(out, {"project folder": tmp_path / "project"})
        (out / "notes.txt").write_text("mine")
        with pytest.raises(ContentError, match="it is not empty and was not made by briefings"):
            check_out(out, {"project folder": tmp_path / "project"})


def test_git_init_before_the_first_build(project):
    root = project()
    (root / "site").mkdir()
    git("init", "-q", cwd=root / "site")
    before = snapshot(root / "site/.git")
    build(root, "--no-search")
    assert snapshot(root / "site/.git") == before and (root / "site/index.html").is_file()


def test_the_preview_writer_keeps_git_across_updates(project):
    root = project()
    engine = preview(root)
    out = root / "site"
    git("init", "-q", cwd=out)
    git("add", "-A", cwd=out)
    git("commit", "-qm", "Publish", cwd=out)
    before = snapshot(out / ".git")
    spare = root / f".site.tmp-{os.getpid()}-spare"
    for n in range(5):  # the first ones assemble new folders (git init touched site/), the others the spare
        edited(engine, n)
        assert snapshot(out / ".git") == before
        assert f"Edit {n}.".encode() in page(root)
        assert not os.path.lexists(spare / ".git")
    assert spare.is_dir()
    engine.drop()
    assert sorted(p.name for p in root.iterdir()) == ["content", "site"]
    # The briefing's page and its annotation export (its quotes' context) changed, nothing else.
    assert git("status", "--porcelain", cwd=out) == (" M briefings/first/annotations.jsonld\n"
                                                      " M briefings/first/index.html\n")


def test_the_preview_writer_follows_a_symlinked_output_folder(project):
    root = project()
    real, link = root / "www/site", root / "site"
    real.mkdir(parents=True)
    link.symlink_to(real)
    git("init", "-q", cwd=real)
    before = snapshot(real / ".git")
    engine = preview(root)
    for n in range(3):
        edited(engine, n)
    assert link.is_symlink() and b"Edit 2." in page(root)
    assert snapshot(real / ".git") == before
    engine.drop()
    assert sorted(p.name for p in root.iterdir()) == ["content", "site", "www"]
    assert os.listdir(root / "www") == ["site"]  # no spare left, and not the link put in its place


def site_with_git(root: Path) -> dict[str, tuple]:
    """Build root's site into a repository three times (the last keeps a spare in the cache), commit
    it; return the snapshot of its .git."""
    build(root, "--no-search")
    git("init", "-q", cwd=root / "site")
    for n in range(2):
        edit(root, n)
        build(root, "--no-search")
    git("add", "-A", cwd=root / "site")
    git("commit", "-qm", "Publish", cwd=root / "site")
    return snapshot(root / "site/.git")


@pytest.mark.parametrize("where", ["temporary folder", "fallback", "cache spare"])
def test_a_git_left_by_a_killed_build_is_put_back(project, where):
    """A build killed between moving .git into its new folder and the exchange leaves it there; the
    next build, even one with nothing to change, puts it back before deleting that folder."""
    root = project()
    before = site_with_git(root)
    dead = dead_pid()
    if where == "cache spare":
        spares = [p for p in (root / ".briefings-cache/spare").iterdir() if p.is_dir()]
        assert len(spares) == 1
        os.rename(root / "site/.git", spares[0] / ".git")
    else:
        stage = root / f".site.tmp-{dead}-0badc0de"
        shutil.copytree(root / "site", stage, ignore=shutil.ignore_patterns(".git"))  # the new site, complete
        os.rename(root / "site/.git", stage / ".git")
        if where == "fallback":  # killed between the two renames of the fallback: no site/ at all
            os.rename(root / "site", root / f".site.old-{dead}-0badc0de")
    assert not os.path.lexists(root / "site/.git")
    build(root, "--no-search")
    assert snapshot(root / "site/.git") == before
    assert leftovers(root) == []
    assert git("status", "--porcelain", cwd=root / "site") == ""


def test_a_git_left_beside_a_preview_is_put_back(project):
    root = project()
    out = root / "site"
    engine = preview(root)
    (out / ".git").mkdir()
    (out / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    before = snapshot(out / ".git")
    edited(engine, 0)
    edited(engine, 1)  # now with a spare
    spare = root / f".site.tmp-{os.getpid()}-spare"
    os.rename(out / ".git", spare / ".git")  # as a kill inside the exchange leaves it
    engine.drop()
    assert snapshot(out / ".git") == before and sorted(p.name for p in root.iterdir()) == ["content", "site"]


@pytest.mark.parametrize("how", ["exchange fails", "fallback rename fails"])
def test_a_failure_during_the_swap_puts_git_back(project, monkeypatch, how):
    root = project()
    out = root / "site"
    build_here(root)
    git("init", "-q", cwd=out)
    before, site = snapshot(out / ".git"), page(root)
    if how == "exchange fails":
        def broken(new, old):
            raise OSError("no space left on device")
        monkeypatch.setattr(write, "exchange_folders", broken)
    else:
        rename = os.rename

        def broken(src, dst):
            if Path(dst) == out and Path(src).name.startswith(".site.tmp-"):  # not the rename back
                raise OSError("no space left on device")
            rename(src, dst)
        monkeypatch.setattr(write, "exchange", lambda a, b: False)
        monkeypatch.setattr(os, "rename", broken)
    edit(root, 0)
    with pytest.raises(OSError, match="no space left"):
        build_here(root)
    monkeypatch.undo()
    assert snapshot(out / ".git") == before and page(root) == site
    assert sorted(p.name for p in root.iterdir()) == ["content", "site"]


def test_without_an_atomic_exchange_git_is_kept_too(project, monkeypatch):
    root = project()
    out = root / "site"
    build_here(root)
    git("init", "-q", cwd=out)
    before = snapshot(out / ".git")
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    edit(root, 0)
    build_here(root)
    assert snapshot(out / ".git") == before and b"Edit 0." in page(root)
    assert sorted(p.name for p in root.iterdir()) == ["content", "site"]


def test_a_git_is_never_deleted(tmp_path):
    out, stray = tmp_path / "site", tmp_path / ".site.tmp-1-x"
    for folder in (out, stray):
        (folder / ".git").mkdir(parents=True)
        (folder / ".git/HEAD").write_text(f"ref: refs/heads/{folder.name}\n")
    delete(stray, out)  # out has a .git of its own: the stray one goes beside it
    assert not stray.exists() and (out / ".git/HEAD").read_text() == "ref: refs/heads/site\n"
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("site.git-")]
    assert (kept / "HEAD").read_text() == "ref: refs/heads/.site.tmp-1-x\n"
    (stray / ".git").mkdir(parents=True)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    delete(stray, blocked)  # nowhere to put it back: the folder stays, .git and all
    assert (stray / ".git").is_dir()
