"""The command line as a user runs it: build, check, the entry points, options and exit codes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Run, run_cli

from briefings import cli

TIMING = re.compile(r" in \d+\.\d+ s$", re.M)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file and folder under a folder with its bytes and mtime."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"/", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def run_module(*args: str, cwd: Path) -> Run:
    """Run `python -m briefings ARGS` in cwd."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "briefings", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def page(root: Path, slug: str = "first") -> str:
    """Return a built briefing page."""
    return (root / "site/briefings" / slug / "index.html").read_text(encoding="utf-8")


# --- build and check ----------------------------------------------------------------------------

def test_build_writes_the_site_and_says_what_it_did(project):
    root = project()
    run = run_cli("build", cwd=root)
    assert run.code == 0, run.err
    assert run.err == ""
    assert re.search(r"^built \d+ pages into site: \d+ files written, 0 unchanged, in \d+\.\d+ s$", run.out, re.M)
    for rel in ("index.html", "briefings/first/index.html", "speakers/ana-berg/index.html",
                "documents/treaty/index.html", "annotations/index.html", ".briefings-site"):
        assert (root / "site" / rel).is_file(), rel


def test_rebuilding_unchanged_content_rewrites_nothing(project):
    root = project()
    assert run_cli("build", cwd=root).code == 0
    # Every file briefings renders (the Pagefind index, when installed, is that tool's output).
    before = {p: s for p, s in snapshot(root / "site").items()
              if s[0] != b"/" and not p.startswith(("pagefind/", ".briefings-site"))}
    again = run_cli("build", cwd=root)
    assert again.code == 0, again.err
    assert re.search(r": 0 files written, \d+ unchanged", again.out)
    after = snapshot(root / "site")
    assert {p: after[p] for p in before} == before


def test_check_validates_and_writes_nothing(project):
    root = project()
    before = snapshot(root)
    run = run_cli("check", cwd=root)
    assert run.code == 0, run.err
    assert re.fullmatch(r"checked 1 briefing, 1 annotation and \d+ pages: no errors\n", run.out)
    assert snapshot(root) == before


def test_check_with_errors_writes_nothing_either(project):
    root = project({"content/briefings/first.yml": "title: First\ndate: yesterday\n"})
    before = snapshot(root)
    run = run_cli("check", cwd=root)
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "content/briefings/first.yml:2:7: error: 'date' must be a date written YYYY-MM-DD, found 'yesterday'")
    assert snapshot(root) == before


def test_all_errors_are_reported_in_one_run_in_file_order(project):
    root = project({
        "content/site.yml": "title: Test site\nlangauge: en\n",
        "content/speakers/ana-berg.yml": "name: Ana Berg\nrole: [x]\n",
        "content/briefings/first.yml": "title: First\ndate: 2024-01-02\nannotations:\n"
                                       "  - quote: talks would resume\n    kind: statement\n    speaker: bob\n",
    })
    run = run_cli("build", cwd=root)
    assert run.code == 1
    assert run.err.splitlines() == [
        "content/briefings/first.yml:6:14: error: unknown speaker 'bob'",
        "content/site.yml:2:1: error: unknown key 'langauge' in site.yml; did you mean 'language'?",
        "content/speakers/ana-berg.yml:2:7: error: 'role' must be text, found a list",
        "3 errors; nothing was written",
    ]
    assert not (root / "site").exists()


def test_bom_and_crlf_files_build(project):
    root = project({
        "content/site.yml": b"\xef\xbb\xbftitle: Test site\r\nbase_url: https://example.org/repo/\r\n",
        "content/speakers/ana-berg.yml": b"\xef\xbb\xbfname: Ana Berg\r\n",
        "content/briefings/first.md": b"\xef\xbb\xbfAna Berg said the talks\r\nwould resume on Monday.\r\n",
        "content/briefings/first.yml": b"\xef\xbb\xbftitle: First\r\ndate: 2024-01-02\r\nannotations:\r\n"
                                       b"  - quote: talks would resume\r\n    kind: statement\r\n"
                                       b"    speaker: ana-berg\r\n",
    })
    run = run_cli("build", cwd=root)
    assert run.code == 0, run.err
    html = page(root)
    assert "\ufeff" not in html and "\r" not in html
    assert re.search(r"<mark[^>]*>talks\s*would resume</mark>|<mark[^>]*>talks", html)


def test_derived_ids_on_the_page_survive_adding_another_annotation(project):
    root = project()
    assert run_cli("build", cwd=root).code == 0
    (mark_id,) = re.findall(r'<mark id="([^"]+)"', page(root))
    assert mark_id.startswith("talks-would-resume-")
    (root / "content/briefings/first.yml").write_text(
        "title: First\ndate: 2024-01-02\nannotations:\n  - quote: Ana Berg said\n"
        "  - quote: talks would resume\n    kind: statement\n    speaker: ana-berg\n  - quote: Monday\n")
    assert run_cli("build", cwd=root).code == 0
    assert f'id="{mark_id}"' in page(root)
    assert len(re.findall(r'<mark id="', page(root))) == 3


def test_options_choose_the_folders_and_base_url(project):
    root = project()
    shutil.move(root / "content", root / "src")
    (root / "theme").mkdir()  # an empty templates folder: the defaults serve every page
    run = run_cli("build", "--content", "src", "--templates", "theme", "--out", "public",
                  "--base-url", "https://news.example.com/b", cwd=root)
    assert run.code == 0, run.err
    assert "into public:" in run.out
    assert (root / "public/briefings/first/index.html").is_file()
    assert "Sitemap: https://news.example.com/b/sitemap.xml" in (root / "public/robots.txt").read_text()
    assert not (root / "site").exists()


def test_leftovers_of_an_interrupted_build_are_cleaned(project):
    root = project()
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    leftover = root / f".site.tmp-{proc.pid}-1234abcd"
    (leftover / "briefings").mkdir(parents=True)
    assert run_cli("build", cwd=root).code == 0
    assert not leftover.exists()


def test_a_template_error_in_check_names_the_template(project):
    root = project({"templates/index.html": "<!DOCTYPE html>\n<p>{{ site.title }}</p>\n<p>{{ nope.x }}</p>\n"})
    run = run_cli("check", cwd=root)
    assert run.code == 1
    assert run.err.splitlines()[0] == "templates/index.html:3:1: error: template error: 'nope' is undefined"


# --- entry points -------------------------------------------------------------------------------

@pytest.mark.parametrize("command, files", [
    ("check", {}),
    ("check", {"content/briefings/first.yml": "title: First\n"}),
    ("build", {"content/briefings/first.yml": "title: First\n"}),
    ("build", {}),
])
def test_build_py_and_the_module_behave_the_same(project, tmp_path, command, files):
    root = project(files)
    by_script = run_cli(command, cwd=root)
    script_site = snapshot(root / "site") if (root / "site").exists() else None
    for left in ("site", ".briefings-cache"):  # the same start: no site, no cache (it keeps the search index's parts)
        shutil.rmtree(root / left, ignore_errors=True)
    by_module = run_module(command, cwd=root)
    assert (by_module.code, TIMING.sub("", by_module.out), by_module.err) == (
        by_script.code, TIMING.sub("", by_script.out), by_script.err)
    module_site = snapshot(root / "site") if (root / "site").exists() else None
    strip = (lambda s: {k: v[0] for k, v in s.items()}) if script_site else (lambda s: s)
    assert strip(module_site) == strip(script_site)


def test_the_console_script_behaves_like_build_py(project):
    script = shutil.which("briefings", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the package is not installed (pip install -e .)")
    root = project({"content/briefings/first.yml": "title: First\n"})
    proc = subprocess.run([script, "check"], cwd=root, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (1, run_cli("check", cwd=root).err)


@pytest.mark.parametrize("args", [[], ["bild"], ["build", "--nope"], ["check", "--out", "x"]])
def test_usage_errors_exit_2_without_a_traceback(project, args):
    run = run_cli(*args, cwd=project())
    assert run.code == 2
    assert "usage: briefings" in run.err and "Traceback" not in run.err


def test_help_lists_the_commands(project):
    run = run_cli("--help", cwd=project())
    assert run.code == 0 and all(c in run.out for c in ("build", "check", "serve"))


# --- error handling inside main -----------------------------------------------------------------

def test_a_system_error_on_a_path_is_one_error_line(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)

    def refuse(opts):
        raise PermissionError(13, "Permission denied", str(tmp_path / "site" / "x.html"))

    monkeypatch.setattr(cli, "build", refuse)
    assert cli.main(["build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "site/x.html:1:1: error: cannot use this path: Permission denied", "1 error; nothing was written"]


def test_a_bug_is_not_disguised_as_a_content_error(monkeypatch):
    def crash(opts):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "check", crash)
    with pytest.raises(ZeroDivisionError):
        cli.main(["check"])


def test_errors_nested_in_groups_are_all_printed(monkeypatch, capsys):
    from briefings.errors import ContentError

    def fail(opts):
        raise ExceptionGroup("outer", [ContentError("b.yml", 2, 3, "two"),
                                       ExceptionGroup("inner", [ContentError("a.yml", 1, 1, "one")])])

    monkeypatch.setattr(cli, "check", fail)
    assert cli.main(["check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "b.yml:2:3: error: two", "a.yml:1:1: error: one", "2 errors"]


def limited_build(root: Path, limit: int) -> subprocess.CompletedProcess:
    """Run a build whose process may write files of at most limit bytes (as a full disk would stop it)."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: writes fail

    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-cache", "--no-search", "--jobs", "1"],
                          cwd=root, env=env, capture_output=True, text=True, preexec_fn=cap, timeout=120)


def test_a_disk_that_refuses_writes_is_one_error_line_and_the_old_site_stays(project):
    root = project()
    assert run_cli("build", "--no-cache", "--no-search", cwd=root).code == 0
    before = snapshot(root / "site")
    article = root / "content/briefings/first.md"
    article.write_text(article.read_text() + "\nA long paragraph. " * 2000)
    run = limited_build(root, 16_000)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        "site:1:1: error: cannot write the site: a file grew past the size allowed (File too large); the "
        "previous site is unchanged", "1 error; nothing was written"]
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == ["content", "site"]  # no half-written folder left


def test_a_full_disk_is_one_error_line(project, tmp_path_factory):
    disk = tmp_path_factory.mktemp("tiny-disk")
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                                   capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("needs root and permission to mount a small tmpfs")
    try:
        root = project()
        run = run_cli("build", "--no-cache", "--no-search", "--out", str(disk / "site"), cwd=root)
        assert run.code == 1 and "Traceback" not in run.err
        assert run.err.splitlines()[0].endswith(
            "error: cannot write the site: the disk is full (No space left on device); the previous site is unchanged")
        assert not list(disk.iterdir())
    finally:
        subprocess.run(["umount", str(disk)], check=True)
