"""The build cache never changes the output: cold, warm, after edits, damaged, foreign or bypassed.

Every build here is compared byte for byte with a build of the same content without the cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benches"))
import corpus  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    """Return every file's mtime under a folder."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def build(root: Path, *args: str) -> str:
    """Run `briefings build` in root; return its standard output."""
    run = run_cli("build", *args, cwd=root)
    assert run.code == 0, run.err
    return run.out


def fresh(root: Path) -> dict[str, bytes]:
    """Build root's content without any cache into a separate folder and return the tree."""
    shutil.rmtree(root / "reference", ignore_errors=True)
    build(root, "--no-cache", "--out", "reference")
    return tree(root / "reference")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with the demo content and 30 generated briefings beside it."""
    corpus.write(30, tmp_path)
    for section in ("briefings", "speakers", "documents", "topics"):
        shutil.copytree(ROOT / "content" / section, tmp_path / "content" / section, dirs_exist_ok=True)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of old in a file."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_cold_warm_and_edited_builds_match_builds_without_cache(project: Path):
    build(project)
    assert (project / ".briefings-cache").is_dir()
    assert tree(project / "site") == fresh(project)
    before = mtimes(project / "site")
    again = build(project)
    assert "nothing changed" in again and ": 0 files written" in again
    assert mtimes(project / "site") == before
    edit(project / "content/briefings/b-7.md", "## ", "## Revised ")
    out = build(project)
    assert tree(project / "site") == fresh(project)
    written = int(re.search(r"(\d+) files written", out).group(1))
    assert 0 < written < 20  # the page, its export and the pages listing or linking it
    after = mtimes(project / "site")
    assert after["index.html"] == before["index.html"]  # a page without b-7 kept its bytes and mtime
    edit(project / "content/briefings/b-3.yml", "kind: statement", "kind: note")  # the index changes
    edit(project / "content/speakers/s-1.yml", "role: Role 1", "role: Chief of staff")
    build(project)
    assert tree(project / "site") == fresh(project)


def rendered_by_build(root: Path, monkeypatch) -> set[str]:
    """Build root (one process, with its cache) and return the output paths of the pages rendered."""
    from briefings.engine import output
    from briefings.pipeline import Options, build as run
    seen: set[str] = set()
    render_all = output.render_all

    def spy(model, index, pages, *args, **kwargs):
        seen.update(p.path for p in pages)
        return render_all(model, index, pages, *args, **kwargs)
    monkeypatch.setattr(output, "render_all", spy)
    monkeypatch.chdir(root)
    run(Options(content=Path("content"), templates=Path("templates"), out=Path("site"),
                cache=Path(".briefings-cache"), jobs=1))
    return seen


def test_a_body_edit_renders_its_page_alone_and_a_note_edit_every_page_showing_it(project: Path, monkeypatch):
    rendered_by_build(project, monkeypatch)
    md = project / "content/briefings/b-7.md"
    md.write_text(md.read_text() + "\nA closing paragraph the editors added later.\n")
    from briefings.engine import reuse
    hashed, page_key = [], reuse.page_key
    monkeypatch.setattr(reuse, "page_key", lambda page, *args: hashed.append(page.path) or page_key(page, *args))
    # Listings show its title, annotations and notes, not its body: only its own page changes.
    assert rendered_by_build(project, monkeypatch) == {"briefings/b-7/index.html"}
    assert tree(project / "site") == fresh(project)
    # With every outline as recorded, only the pages holding a briefing had their keys made again.
    assert hashed and all(re.fullmatch(r"briefings/[a-z0-9-]+/index\.html", path) for path in hashed)
    edit(project / "content/briefings/b-7.yml", "note: ", "note: Revised. ")
    again = rendered_by_build(project, monkeypatch)
    assert "briefings/b-7/index.html" in again and any(p.startswith("annotations/") for p in again)
    assert len(again) > 3  # and its neighbours, listings, speakers... every page quoting its notes
    assert tree(project / "site") == fresh(project)


def test_added_deleted_and_renamed_briefings(project: Path):
    build(project)
    (project / "content/briefings/b-5.md").rename(project / "content/briefings/b-99.md")
    (project / "content/briefings/b-5.yml").rename(project / "content/briefings/b-99.yml")
    (project / "content/briefings/b-6.md").unlink()
    (project / "content/briefings/b-6.yml").unlink()
    build(project)
    site = tree(project / "site")
    assert site == fresh(project)
    assert not any(rel.startswith(("briefings/b-5/", "briefings/b-6/")) for rel in site)
    build(project)  # twice: the second one updates the spare that held the first site
    assert tree(project / "site") == fresh(project)


def test_a_changed_or_extra_output_file_is_put_right(project: Path):
    build(project)
    page = project / "site/briefings/b-3/index.html"
    page.write_text("tampered")
    (project / "site/stray.html").write_text("not ours")
    out = build(project)
    assert "nothing changed" not in out
    assert tree(project / "site") == fresh(project)


def test_a_template_change_renders_again(project: Path):
    build(project)
    (project / "templates").mkdir()
    (project / "templates/base.html").write_text((ROOT / "templates/base.html").read_text().replace(
        '<meta name="generator" content="briefings">', '<meta name="generator" content="briefings, house">'))
    build(project)
    assert tree(project / "site") == fresh(project)
    assert 'content="briefings, house"' in (project / "site/index.html").read_text()


def test_a_template_reading_every_briefing_depends_on_every_briefing(project: Path):
    (project / "templates").mkdir()
    (project / "templates/base.html").write_text((ROOT / "templates/base.html").read_text().replace(
        "<main id=\"main\">", "<p>Latest: {{ content.briefings[-1].title }}</p>\n<main id=\"main\">"))
    build(project)
    latest = re.search(r"Latest: (.*?)</p>", (project / "site/index.html").read_text()).group(1)
    newest = next(p for p in (project / "content/briefings").rglob("*.yml") if latest in p.read_text())
    edit(newest, latest, "Newest, revised")
    build(project)
    assert tree(project / "site") == fresh(project)
    assert "Latest: Newest, revised" in (project / "site/speakers/index.html").read_text()


def damage(cache: Path, how: str) -> None:
    """Damage the cache database in one of several ways."""
    db_path = cache / "cache.sqlite"
    if how == "garbage":
        db_path.write_bytes(os.urandom(5000))
        return
    if how == "foreign":
        db_path.unlink()
        db = sqlite3.connect(db_path)
        db.execute("CREATE TABLE entry (kind TEXT, key TEXT, value BLOB)")
        db.execute("INSERT INTO entry VALUES ('briefing', 'x', x'00')")
        db.commit()
        db.close()
        return
    db = sqlite3.connect(db_path)
    if how == "values":  # well-formed JSON of the wrong shape, and bytes that are no JSON at all
        for kind, value in (("briefing", b'{"title": 1}'), ("meta", b"[[], [], 3]"), ("text", b"[1, 2]"),
                            ("chunks", b'"x"'), ("related", b"[]")):
            db.execute("UPDATE entry SET value = ? WHERE kind = ?", (value, kind))
        db.execute("UPDATE entry SET value = ? WHERE kind = 'site'", (b"\xff not json",))
    elif how == "stamp":  # the cache of another version of the generator
        db.execute("UPDATE meta SET value = 'someone else' WHERE name = 'generator'")
    db.commit()
    db.close()


@pytest.mark.parametrize("how", ["garbage", "foreign", "values", "stamp"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(project: Path, how: str):
    build(project)
    edit(project / "content/briefings/b-2.md", "## ", "## Edited ")
    damage(project / ".briefings-cache", how)
    run = run_cli("build", cwd=project)
    assert run.code == 0 and run.err == "", run.err
    assert tree(project / "site") == fresh(project)
    assert "nothing changed" in build(project)  # and the cache works again


def test_no_cache_and_cache_dir(project: Path):
    build(project, "--no-cache")
    assert not (project / ".briefings-cache").exists()
    build(project, "--cache-dir", "elsewhere/cache")
    assert (project / "elsewhere/cache/cache.sqlite").is_file() and not (project / ".briefings-cache").exists()
    assert "nothing changed" in build(project, "--cache-dir", "elsewhere/cache")
    run = run_cli("build", "--cache-dir", "site/cache", cwd=project)
    assert run.code == 1 and "it is or contains the cache folder" in run.err


def test_check_reads_the_cache_but_writes_nothing(project: Path):
    build(project)
    cache = tree(project / ".briefings-cache")
    run = run_cli("check", cwd=project)
    assert run.code == 0, run.err
    assert tree(project / ".briefings-cache") == cache


def test_errors_in_a_cached_briefing_point_at_their_line(project: Path):
    build(project)
    (project / "content/speakers/s-23.yml").unlink()  # quoted in b-3 and others, cached
    with_cache = run_cli("build", cwd=project)
    without = run_cli("build", "--no-cache", cwd=project)
    assert with_cache.code == without.code == 1
    assert with_cache.err == without.err
    assert re.search(r"b-\d+\.yml:\d+:\d+: error: unknown speaker 's-23'", with_cache.err)


def test_a_forged_record_cannot_reach_outside_the_site(project: Path):
    build(project)
    build(project, "--out", "site")  # nothing changed: the record stands
    edit(project / "content/briefings/b-4.md", "## ", "## Edited ")
    build(project)  # now the replaced site is the spare, and the record lists its files
    (project / "precious.txt").write_text("keep me")
    db = sqlite3.connect(project / ".briefings-cache/cache.sqlite")
    (value,) = db.execute("SELECT value FROM entry WHERE kind = 'site'").fetchone()
    (spare,) = db.execute("SELECT value FROM entry WHERE kind = 'spare'").fetchone()
    record, spare = json.loads(value), json.loads(spare)
    spare["files"]["../../../precious.txt"] = [7, 0, 1]
    record["files"]["../precious.txt"] = [7, 0, 1]
    db.execute("UPDATE entry SET value = ? WHERE kind = 'site'", (json.dumps(record).encode(),))
    db.execute("UPDATE entry SET value = ? WHERE kind = 'spare'", (json.dumps(spare).encode(),))
    db.commit()
    db.close()
    edit(project / "content/briefings/b-4.md", "## Edited ", "## Edited again ")
    build(project)
    assert (project / "precious.txt").read_text() == "keep me"
    assert tree(project / "site") == fresh(project)
