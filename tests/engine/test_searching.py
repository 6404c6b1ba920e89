"""The search index in parts (engine/searching.py): an edit re-indexes only its year's part, unchanged
parts keep their files (bytes and mtimes), a year with no briefings left loses its part, a new output
folder takes the parts from the cache, and a build after edits equals a clean build, index included."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from briefings import pipeline
from briefings.engine import searching
from briefings.engine.record import Record
from briefings.outputs.publish import search_available
from briefings.pipeline import Options
from conftest import require

SITE = {
    "content/site.yml": "title: Test site\nbase_url: https://example.org/repo/\n",
    "content/speakers/ana-berg.yml": "name: Ana Berg\n",
    "content/briefings/old.md": "Ana Berg spoke of herring in 2023.\n",
    "content/briefings/old.yml": "title: Old\ndate: 2023-03-04\n",
    "content/briefings/older.md": "Cod, mostly.\n",
    "content/briefings/older.yml": "title: Older\ndate: 2023-01-02\n",
    "content/briefings/new.md": "Ana Berg said the talks would resume on Monday.\n",
    "content/briefings/new.yml": ("title: New\ndate: 2024-05-06\nannotations:\n"
                                  "  - quote: talks would resume\n    kind: statement\n    speaker: ana-berg\n"),
}


@pytest.fixture
def site(project):
    """Return a project with briefings in 2023 and 2024, and a speaker (the pages part)."""
    require(search_available(), "pagefind is not installed")
    return project(SITE, base=None)


@pytest.fixture
def indexed(monkeypatch):
    """Record the URLs of the records each indexer run gets, part by part."""
    runs: list[list[str]] = []
    real = searching.index_part

    def spy(records, language):
        runs.append([r.url for r in records])
        return real(records, language)

    monkeypatch.setattr(searching, "index_part", spy)
    return runs


def build(root: Path, out: str = "site", cache: str | None = "cache") -> str:
    """Build with search in this process; return the search status line."""
    opts = Options(content=root / "content", out=root / out, cache=root / cache if cache else None, search=True)
    return pipeline.build(opts, search=True)[3]


def times(folder: Path) -> dict[str, tuple[int, int]]:
    """Return every file of the search index with its mtime and inode."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted((folder / "pagefind").rglob("*")) if p.is_file()}


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_reindexes_only_its_year_and_the_other_parts_keep_their_files(site, indexed):
    assert build(site) == "search index built: 2024, 2023, pages indexed anew, 0 of 3 parts kept"
    assert (site / "site/pagefind/parts.json").read_text() == '{"parts": ["2024", "2023", "pages"]}\n'
    before = times(site / "site")
    indexed.clear()
    (site / "content/briefings/old.md").write_text("Ana Berg spoke of sprat in 2023.\n")
    assert build(site) == "search index built: 2023 indexed anew, 2 of 3 parts kept"
    assert indexed == [["/briefings/older/", "/briefings/old/"]]
    after = times(site / "site")
    for part in ("pagefind/2024/", "pagefind/pages/", "pagefind/pagefind-ui"):
        kept = {rel: t for rel, t in before.items() if rel.startswith(part)}
        assert kept and all(after.get(rel) == t for rel, t in kept.items()), part
    changed = {rel for rel in after if rel.startswith("pagefind/2023/") and after[rel] != before.get(rel)}
    assert changed and all(not rel.endswith(("pagefind.js", ".pagefind")) for rel in changed)  # the data alone
    assert build(site) == "nothing changed"


def test_a_shared_change_reindexes_the_parts_that_read_it(site, indexed):
    build(site)
    indexed.clear()
    (site / "content/speakers/ana-berg.yml").write_text("name: Ana Berg\nrole: Spokesperson\n")
    assert build(site) == "search index built: 2024, 2023, pages indexed anew, 0 of 3 parts kept"
    assert len(indexed) == 3


def test_deleting_every_briefing_of_a_year_removes_its_part(site, indexed):
    build(site)
    for slug in ("old", "older"):
        for ext in (".md", ".yml"):
            (site / f"content/briefings/{slug}{ext}").unlink()
    indexed.clear()
    assert build(site) == "search index unchanged: 2 parts kept"
    assert indexed == []
    assert not (site / "site/pagefind/2023").exists()
    assert (site / "site/pagefind/parts.json").read_text() == '{"parts": ["2024", "pages"]}\n'
    assert sorted(p.name for p in (site / "cache/search").iterdir()) == sorted(
        d for d, _ in Record.load(pipeline.open_cache(site / "cache"), site / "site").parts.values())


def test_a_new_output_folder_takes_the_parts_from_the_cache(site, indexed):
    build(site)
    indexed.clear()
    shutil.rmtree(site / "site")  # a fresh clone: no site, the cache restored
    assert build(site, out="fresh") == "search index unchanged: 3 parts kept"
    assert indexed == []
    assert tree(site / "fresh") == tree_of_clean(site)


def test_a_cache_restored_from_an_archive_still_gives_its_parts(site, indexed):
    build(site)
    indexed.clear()
    shutil.copytree(site / "cache", site / "restored")  # new inodes, as an unpacked archive has
    for path in (site / "restored").rglob("*"):
        os.utime(path)  # and new dates
    assert build(site, out="fresh", cache="restored") == "search index unchanged: 3 parts kept"
    assert indexed == []
    victim = next((site / "restored/search").rglob("*.pf_fragment"))  # in one year's part, or the pages'
    victim.write_bytes(b"damaged")
    shutil.rmtree(site / "fresh")
    assert build(site, out="fresh", cache="restored").startswith("search index built: ")
    assert len(indexed) == 1 and tree(site / "fresh") == tree_of_clean(site)


def tree_of_clean(root: Path) -> dict[str, bytes]:
    """Return the site a clean build (no cache, no earlier site) makes of root's content."""
    shutil.rmtree(root / "clean", ignore_errors=True)
    build(root, out="clean", cache=None)
    return tree(root / "clean")


def test_a_build_with_search_after_edits_equals_a_clean_build(site):
    build(site)
    edits = [("content/briefings/new.md", "Ana Berg said the talks would resume on Friday.\n"),
             ("content/briefings/later.md", "A new year begins.\n"),
             ("content/briefings/later.yml", "title: Later\ndate: 2025-01-01\n"),
             ("content/speakers/ana-berg.yml", "name: Ana Berg\nrole: Minister\n")]
    for rel, text in edits:
        (site / rel).write_text(text)
        if rel.endswith(".md") and not (site / rel).with_suffix(".yml").exists():
            continue  # its sidecar comes next
        build(site)
        assert tree(site / "site") == tree_of_clean(site), rel
    assert (site / "site/pagefind/parts.json").read_text() == '{"parts": ["2025", "2024", "2023", "pages"]}\n'


def test_a_record_with_malformed_parts_is_not_trusted(site):
    build(site)
    cache = pipeline.open_cache(site / "cache")
    record = Record.load(cache, site / "site")
    assert record is not None and set(record.parts) == {"ui", "2024", "2023", "pages"}
    for parts in ({"2024": ["digest", ["../../etc/passwd"]]}, {"2024": "digest"}, []):
        value = record.value() | {"parts": parts}
        cache.put("site", Record.key(site / "site"), value)
        assert Record.load(cache, site / "site") is None
    cache.close()
