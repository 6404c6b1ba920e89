"""Long listings paginate with numbered pages and month archives (page_size from site.yml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITES, run_cli
from linkcheck import crawl_disk, html_files


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(SITES / "crosslinks/content", root / "content")
    site_yml = root / "content/site.yml"
    site_yml.write_text(site_yml.read_text() + "page_size: 1\n")
    run = run_cli("build", cwd=root)
    assert run.code == 0, run.err
    return root / "site"


def test_home_paginates_newest_first(paged: Path):
    first = (paged / "index.html").read_text()
    assert 'href="briefings/gamma/"' in first and "briefings/beta/" not in first
    second = (paged / "page/2/index.html").read_text()
    assert 'href="../../briefings/beta/"' in second
    assert "Page 2 of 3" in second
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../../page/3/"' in second
    assert not (paged / "page/4").exists()


def test_month_archives(paged: Path):
    archive = (paged / "archive/index.html").read_text()
    for month in ("2024/01/", "2024/02/", "2024/03/"):
        assert f'href="{month}"' in archive
    assert "January 2024" in (paged / "archive/2024/01/index.html").read_text()


def test_listings_paginate(paged: Path):
    assert (paged / "topics/harbours/page/2/index.html").is_file()
    assert (paged / "speakers/lena-ek/page/2/index.html").is_file()
    assert (paged / "speakers/ivan-petrov/mentioned/page/2/index.html").is_file()
    assert (paged / "documents/accord/art-1/page/2/index.html").is_file()
    assert (paged / "annotations/statement/page/3/index.html").is_file()
    doc = (paged / "documents/accord/index.html").read_text()
    assert 'href="art-1/">All 2 annotations on Article 1' in doc


def test_feeds_hold_the_newest_page_size_entries(paged: Path):
    feed = (paged / "feed.xml").read_text()
    assert feed.count("<entry>") == 1 and "briefings/gamma/" in feed
    speaker = (paged / "speakers/lena-ek/feed.xml").read_text()
    assert speaker.count("<entry>") == 1


def test_every_paginated_page_is_linked(paged: Path):
    _, problems, seen = crawl_disk(paged)
    assert problems == []
    assert {p for p in html_files(paged) if p.name != "404.html"} <= seen


def test_default_page_size_keeps_small_sites_on_one_page(demo_site: Path):
    assert not (demo_site / "page").exists()
    assert "Page 1 of" not in (demo_site / "index.html").read_text()
