"""Integrity of the built demo site: no broken link or fragment, every page reachable, stable bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, PagesHandler, run_cli, serve_folder
from linkcheck import crawl_disk, crawl_http, html_files

ORPHANS_ALLOWED = {"404.html"}  # GitHub Pages serves it for missing paths; nothing links to it


def test_demo_links_resolve_from_disk(demo_site: Path):
    pages, problems, seen = crawl_disk(demo_site)
    assert problems == []
    unreachable = {p for p in html_files(demo_site) - seen if p.name not in ORPHANS_ALLOWED}
    assert unreachable == set()
    assert len(pages) >= 18


@pytest.fixture
def served(demo_site: Path):
    with serve_folder(demo_site, PagesHandler, "/repo/") as url:
        yield url


def test_demo_links_resolve_under_sub_path(served: str, demo_site: Path):
    pages, problems = crawl_http(served)
    assert problems == []
    reached = {u.removeprefix(served) for u in pages}
    expected = {str(p.relative_to(demo_site.resolve()).as_posix()).removesuffix("index.html")
                for p in html_files(demo_site) if p.name not in ORPHANS_ALLOWED}
    assert expected <= reached


def test_links_checker_finds_a_broken_fragment(tmp_path: Path):
    (tmp_path / "index.html").write_text('<a href="a/#nowhere">x</a><a href="b/">y</a>')
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text('<p id="here">a</p>')
    _, problems, _ = crawl_disk(tmp_path)
    assert any("#nowhere" in p for p in problems)
    assert any("broken link b/" in p for p in problems)


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file of a folder by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path: Path):
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name / "site"
        run = run_cli("build", "--content", str(ROOT / "content"), "--out", str(out), cwd=tmp_path)
        assert run.code == 0, run.err
        outs.append(tree(out))
    assert outs[0] == outs[1]
