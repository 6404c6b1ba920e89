"""`briefings init`: the starter site builds, checks and serves; init never overwrites anything."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

from briefings import __version__
from briefings.errors import flatten
from briefings.starter import default_title, init
from conftest import run_cli

EXPECTED = [".github/workflows/pages.yml", ".gitignore", "content/briefings/welcome.md",
            "content/briefings/welcome.yml", "content/documents/harbour-plan.yml", "content/site.yml",
            "content/speakers/jo-rivera.yml", "content/topics/harbour.yml", "templates/README.md"]


def tree(root: Path) -> dict[str, bytes | None]:
    """Return every path under root with its bytes (None for folders)."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


def test_init_writes_a_site_that_checks_and_builds(tmp_path: Path):
    folder = tmp_path / "coastal-desk"
    run = run_cli("init", str(folder), cwd=tmp_path)
    assert run.code == 0, run.err
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == EXPECTED
    assert run.out.startswith("wrote a starter site into coastal-desk: 9 files\nNext steps:\n  cd coastal-desk\n")
    for step in ("briefings serve", "push", "Settings > Pages", "GitHub Actions"):
        assert step in run.out
    site = yaml.safe_load((folder / "content/site.yml").read_text())
    assert site["title"] == "Coastal Desk"
    assert "base_url" not in site and "# base_url: https://USER.github.io/REPO/" in (folder / "content/site.yml").read_text()
    checked = run_cli("check", cwd=folder)
    assert checked.code == 0, checked.err
    assert checked.out.startswith("checked 1 briefing, 6 annotations and ")
    built = run_cli("build", "--no-search", cwd=folder)
    assert built.code == 0, built.err
    page = (folder / "site/briefings/welcome/index.html").read_text()
    for kind in ("provision", "statement", "note", "correction"):
        assert f'class="hl hl-{kind}"' in page
    assert (folder / "site/speakers/jo-rivera/index.html").is_file()
    assert (folder / "site/documents/harbour-plan/index.html").is_file()
    assert (folder / "site/topics/harbour/index.html").is_file()


def test_the_example_sidecar_shows_every_kind_and_key_with_a_comment(tmp_path: Path):
    init(tmp_path)
    text = (tmp_path / "content/briefings/welcome.yml").read_text()
    notes = yaml.safe_load(text)["annotations"]
    assert {a["kind"] for a in notes} == {"provision", "statement", "note", "correction"}
    keys = {"quote", "kind", "speaker", "provision", "id", "note", "prefix", "suffix", "occurrence"}
    assert set().union(*notes) == keys
    for key in keys - {"quote", "note"}:  # quote and note are on every entry; the comment is on the first
        assert re.search(rf"^\s+(- )?{key}: .*#\s*\S", text, re.M), key
    assert yaml.safe_load(text)["date"] == dt.date.today()


def test_title_and_base_url_options(tmp_path: Path):
    run = run_cli("init", "--title", 'Desk: "Coast"', "--base-url", "https://user.github.io/repo", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.out.startswith("wrote a starter site into .: 9 files\nNext steps:\n  1. Edit")
    site = yaml.safe_load((tmp_path / "content/site.yml").read_text())
    assert site["title"] == 'Desk: "Coast"' and site["base_url"] == "https://user.github.io/repo/"
    built = run_cli("build", "--no-search", cwd=tmp_path)
    assert built.code == 0, built.err
    assert "https://user.github.io/repo/feed.xml" in (tmp_path / "site/feed.xml").read_text()


def test_a_base_url_that_is_not_a_web_address_is_refused(tmp_path: Path):
    run = run_cli("init", "--base-url", "javascript:alert(1)", cwd=tmp_path)
    assert run.code == 2
    assert run.err.splitlines()[-1] == (
        "briefings init: error: argument --base-url: the base URL must be an absolute http:// or https:// "
        "URL such as https://user.github.io/repo/, found 'javascript:alert(1)'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, title", [("coastal-desk", "Coastal Desk"), ("policy_desk 2", "Policy Desk 2"),
                                         ("élan", "Élan"), ("---", "Briefings")])
def test_default_title_from_the_folder_name(tmp_path: Path, name: str, title: str):
    assert default_title(tmp_path / name) == title


@pytest.mark.parametrize("existing, expected", [
    ({"content/notes.txt": b"mine"}, ["content:1:1: error: init writes nothing: a content folder exists already"]),
    ({".github/workflows/pages.yml": b"on: push"},
     [".github/workflows/pages.yml:1:1: error: init writes nothing: this file exists already"]),
    ({".github": b"a file"},
     [".github:1:1: error: init writes nothing: this is a file, where init would make a folder"]),
    ({".gitignore": b"*.pyc\n", "templates/README.md": b"mine"},
     [".gitignore:1:1: error: init writes nothing: this file exists already",
      "templates/README.md:1:1: error: init writes nothing: this file exists already"]),
])
def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, existing: dict, expected: list[str]):
    for rel, data in existing.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    before = tree(tmp_path)
    run = run_cli("init", cwd=tmp_path)
    assert run.code == 1
    assert sorted(run.err.splitlines()[:-1]) == sorted(expected)
    assert run.err.splitlines()[-1] == f"{len(expected)} error{'s' if len(expected) > 1 else ''}; nothing was written"
    assert tree(tmp_path) == before


def test_init_into_a_folder_with_other_files(tmp_path: Path):
    (tmp_path / "notes.md").write_text("mine")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/tests.yml").write_text("on: push")
    init(tmp_path)
    assert (tmp_path / "notes.md").read_text() == "mine"
    assert (tmp_path / ".github/workflows/tests.yml").read_text() == "on: push"
    assert (tmp_path / "content/site.yml").is_file()


def test_init_into_a_file_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("mine")
    with pytest.raises(Exception) as caught:
        init(Path("x"))
    assert [str(e) for e in flatten(caught.value)] == [
        "x:1:1: error: init makes a site in a folder, and this is a file"]
    assert (tmp_path / "x").read_text() == "mine"


def test_starter_files_are_ordinary_files(tmp_path: Path):
    old = os.umask(0o022)
    try:
        init(tmp_path)
    finally:
        os.umask(old)
    assert {oct((tmp_path / rel).stat().st_mode & 0o777) for rel in EXPECTED} == {"0o644"}
    assert not [p for p in tmp_path.rglob(".*") if p.name not in (".github", ".gitignore")]


def test_init_workflow_installs_the_version_that_wrote_it(tmp_path: Path):
    init(tmp_path)
    workflow = (tmp_path / ".github/workflows/pages.yml").read_text()
    pins = re.findall(r'pip install "briefings==([^"]+)"', workflow)
    assert pins == [__version__]
    assert f"git+https://github.com/OWNER/briefings@v{__version__}" in workflow
    steps = yaml.safe_load(workflow)["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert ".briefings-cache" in cache["with"]["path"] and "hashFiles('content/**'" in cache["with"]["key"]
    assert cache["with"]["restore-keys"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["include-hidden-files"] is True
    build = next(s for s in steps if s.get("name") == "Build the site")
    assert "--base-url" in build["run"]


def test_version_has_one_source(tmp_path: Path):
    run = run_cli("--version", cwd=tmp_path)
    assert (run.code, run.out) == (0, f"briefings {__version__}\n")
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    from importlib.metadata import version
    assert version("briefings") == __version__  # the installed metadata reads the same attribute


def test_build_in_an_empty_folder_says_how_to_begin(tmp_path: Path):
    run = run_cli("build", cwd=tmp_path)
    assert run.code == 1
    assert "run 'briefings init'" in run.err.splitlines()[0]
