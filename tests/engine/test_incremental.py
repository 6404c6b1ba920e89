"""The preview's incremental rebuild: it renders exactly the affected pages, its output is always the
full build's, unchanged files are left alone, and the twin-folder writer stays all-or-nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from serve_helpers import DEMO, copy_demo, edit_note

from briefings.errors import flatten
from briefings.engine.changes import BRIEFINGS, CONTENT, TEMPLATES
from briefings.engine.incremental import Site
from briefings.index import build_index
from briefings.pages.plan import plan
from briefings.pipeline import Options, gather
from briefings.engine.twin import Twin


@pytest.fixture
def site(tmp_path) -> Site:
    """A Site on a copy of the demo content, built once."""
    copy_demo(tmp_path)
    s = Site(Options(content=tmp_path / "content", out=tmp_path / "site"))
    s.rebuild()
    return s


def sidecar(site: Site, slug: str = DEMO) -> Path:
    """Return a briefing's sidecar path."""
    return next(site.opts.content.rglob(f"{slug}.yml"))


def change(site: Site, path: Path, old: str, new: str):
    """Edit one file and rebuild incrementally."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return site.rebuild({str(path.resolve())})


def disk(out: Path) -> dict[str, bytes]:
    """Return every file under the output folder but the marker."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != ".briefings-site"}


def assert_same_as_full_build(site: Site) -> None:
    """The incremental result, in memory, on disk and in its index, equals a fresh full build."""
    full = gather(site.opts)
    assert site.files.keys() == full.files.keys()
    stale = [path for path in full.files if site.files[path] != full.files[path]]
    assert stale == []
    assert disk(site.opts.out) == full.files
    content, articles = site.model()
    assert site.index == build_index(content, articles)
    assert site.plan == plan(content, site.index)  # a patched plan is the fresh one


def test_a_note_edit_renders_exactly_the_pages_that_show_that_note(site):
    outcome = change(site, sidecar(site), "largest rise in the cod quota since 2021",
                     "the largest rise since 2019")
    assert outcome.kind == BRIEFINGS
    # A note of kind 'note': its briefing's page and the annotation lists quoting it; listings
    # showing the briefing's title and summary are kept.
    assert set(outcome.rendered) == {f"briefings/{DEMO}/index.html", "annotations/index.html",
                                     "annotations/note/index.html"}
    assert_same_as_full_build(site)


def test_a_statement_edit_renders_the_speakers_pages_too(site):
    outcome = change(site, sidecar(site), "a distinction worth holding on to", "a distinction to keep")
    rendered = set(outcome.rendered)
    assert {f"briefings/{DEMO}/index.html", "speakers/ilse-marten/index.html",
            "speakers/ilse-marten/feed.xml", "annotations/statement/index.html"} <= rendered
    assert "index.html" not in rendered and "documents/coastal-waters-act/index.html" not in rendered
    assert_same_as_full_build(site)


def test_a_title_edit_renders_every_page_that_names_the_briefing(site):
    outcome = change(site, sidecar(site), 'title: "Cod up, sprat down', 'title: "Cod way up, sprat down')
    rendered = set(outcome.rendered)
    assert f"briefings/{DEMO}/index.html" in rendered
    assert "index.html" in rendered  # home lists it
    prev, nxt = site.index.neighbours[DEMO]
    assert {f"briefings/{s}/index.html" for s in (prev, nxt) if s} <= rendered  # previous/next links
    assert "speakers/ilse-marten/index.html" in rendered  # her statement in it is quoted there
    assert "topics/fisheries-quotas/index.html" in rendered
    assert "documents/coastal-waters-act/index.html" in rendered  # it cites article 7
    unrelated = [s for s in site.index.statements
                 if DEMO not in {slug for slug, _ in site.index.statements[s]}
                 and DEMO not in site.index.mentioned_in[s]]
    assert unrelated, "the demo needs a speaker with nothing in this briefing"
    for s in unrelated:
        assert f"speakers/{s}/index.html" not in rendered
    assert "documents/index.html" not in rendered and "speakers/index.html" not in rendered
    assert len(rendered) < len(site.pages)
    assert_same_as_full_build(site)


def test_unchanged_pages_are_not_rewritten(site):
    out = site.opts.out
    page = out / f"briefings/{DEMO}/index.html"
    other = [p for p in out.rglob("index.html") if DEMO not in p.read_text()][0]
    home = out / "index.html"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (page, other, home)}
    outcome = change(site, sidecar(site), "largest rise in the cod quota since 2021", "a big rise")
    assert (other.stat().st_ino, other.stat().st_mtime_ns) == before[other]
    assert (home.stat().st_ino, home.stat().st_mtime_ns) == before[home]  # re-rendered, same bytes
    assert page.stat().st_ino != before[page][0] and "a big rise" in page.read_text()
    assert outcome.stats.written < 5


@pytest.mark.parametrize("old,new", [
    ("date: 2026-01-19", "date: 2026-05-30"),  # moves it: neighbours, home order, archives
    ("topics: [fisheries-quotas]", "topics: [fisheries-quotas, brand-new-topic]"),
    ("speaker: ilse-marten", "speaker: amara-quill"),
    ("title: \"Cod up, sprat down", "title: \"Cod way up, sprat down"),
    ("provision: coastal-waters-act/art-7", "provision: coastal-waters-act/art-3"),
    ("  - quote: set the cod quota at 38,400 tonnes for the 2026 season\n    kind: note\n",
     "  - quote: set the cod quota at 38,400 tonnes for the 2026 season\n    kind: correction\n"),
])
def test_any_sidecar_edit_gives_the_full_build(site, old, new):
    outcome = change(site, sidecar(site), old, new)
    assert outcome.kind == BRIEFINGS
    assert_same_as_full_build(site)


def test_an_article_edit_gives_the_full_build(site):
    md = sidecar(site).with_suffix(".md")
    text = md.read_text()
    md.write_text("A new opening paragraph naming Amara Quill.\n\n" + text)
    outcome = site.rebuild({str(md)})
    assert outcome.kind == BRIEFINGS
    assert_same_as_full_build(site)


def test_a_body_edit_away_from_names_and_highlights_renders_its_own_page_alone(site):
    md = sidecar(site).with_suffix(".md")
    md.write_text(md.read_text() + "\nA closing paragraph the editors added later.\n")
    outcome = site.rebuild({str(md)})
    assert outcome.rendered == (f"briefings/{DEMO}/index.html",)  # listings show no body
    assert_same_as_full_build(site)


def test_edits_in_a_row_and_back_again(site):
    yml = sidecar(site)
    original = yml.read_text()
    for n in range(4):
        edit_note(yml, f"Note number {n}.")
        site.rebuild({str(yml)})
    yml.write_text(original)
    site.rebuild({str(yml)})
    assert_same_as_full_build(site)


def test_the_index_is_reused_only_while_its_inputs_stay_the_same(site):
    index = site.index
    edit_note(sidecar(site), "Only the note changes.")
    site.rebuild({str(sidecar(site))})
    assert site.index is index
    change(site, sidecar(site), "date: 2026-01-19", "date: 2026-02-19")
    assert site.index is not index
    assert_same_as_full_build(site)


def test_a_template_change_renders_every_page(site, tmp_path):
    templates = tmp_path / "mine"
    templates.mkdir()
    s = Site(Options(content=site.opts.content, templates=templates, out=site.opts.out))
    s.rebuild()
    (templates / "base.html").write_text('{% extends "default:base.html" %}'
                                         '{% block title %}Changed {{ page.title }}{% endblock %}')
    outcome = s.rebuild({str(templates / "base.html")})
    assert outcome.kind == TEMPLATES and set(outcome.rendered) == set(s.pages)
    assert "<title>Changed " in (s.opts.out / "index.html").read_text()
    assert_same_as_full_build(s)


@pytest.mark.parametrize("rel", ["site.yml", "speakers/amara-quill.yml",
                                 "documents/coastal-waters-act.yml", "topics/fisheries-quotas.yml"])
def test_shared_content_changes_rebuild_everything(site, rel):
    path = site.opts.content / rel
    path.write_text(path.read_text() + "\n")
    outcome = site.rebuild({str(path)})
    assert outcome.kind == CONTENT and set(outcome.rendered) == set(site.pages)


def test_new_and_deleted_briefings_rebuild_everything(site):
    content = site.opts.content
    md, yml = content / "briefings/added.md", content / "briefings/added.yml"
    md.write_text("Ilse Marten spoke again.\n")
    yml.write_text("title: Added\ndate: 2026-06-01\n")
    outcome = site.rebuild({str(md), str(yml)})
    assert outcome.kind == CONTENT and "briefings/added/index.html" in site.pages
    assert_same_as_full_build(site)
    md.unlink()
    yml.unlink()
    outcome = site.rebuild({str(md), str(yml)})
    assert outcome.kind == CONTENT and "briefings/added/index.html" not in site.pages
    assert not (site.opts.out / "briefings/added").exists()
    assert_same_as_full_build(site)


def test_irrelevant_files_change_nothing(site):
    content = site.opts.content
    for rel in ("notes.txt", "briefings/4913", "briefings/.x.yml.swp", "briefings/x.yml~"):
        path = content / rel
        path.write_text("scratch")
        assert site.rebuild({str(path)}).kind is None, rel


def test_errors_keep_the_old_site_and_clear_when_fixed(site):
    yml = sidecar(site)
    good = yml.read_text()
    before = disk(site.opts.out)
    yml.write_text(good.replace("quote: set the cod quota", "quote: set the haddock quota", 1))
    with pytest.raises(ExceptionGroup) as info:
        site.rebuild({str(yml)})
    lines = [str(e) for e in flatten(info.value)]
    assert len(lines) == 1 and re.match(rf".*{DEMO}\.yml:\d+:\d+: error: ", lines[0])
    assert disk(site.opts.out) == before
    other = sidecar(site, "korvask-access-statement")
    edit_note(other, "Edited while the other is broken.")
    with pytest.raises(ExceptionGroup):  # still broken: the first briefing's error is remembered
        site.rebuild({str(other)})
    yml.write_text(good)
    outcome = site.rebuild({str(yml)})
    assert outcome.kind == BRIEFINGS
    assert "Edited while the other is broken." in (
        site.opts.out / "briefings/korvask-access-statement/index.html").read_text()
    assert_same_as_full_build(site)


def test_twin_writer_is_all_or_nothing_and_keeps_mtimes(tmp_path):
    out = tmp_path / "site"
    twin = Twin(out)
    files = {f"p{n}/index.html": f"page {n}".encode() for n in range(5)}
    twin.write(files)
    files["p0/index.html"] = b"changed 0"
    twin.write(files)
    assert twin.spare is not None and twin.spare.name.startswith(".site.tmp-")
    kept = (out / "p3/index.html").stat()
    for n in range(6):  # alternate between the two folders several times
        files = dict(files, **{"p1/index.html": f"v{n}".encode(), f"new{n}.txt": b"x"})
        files.pop(f"new{n - 1}.txt", None)
        stats = twin.write(files)
        assert disk(out) == files and stats.written == 2
    assert (out / "p3/index.html").stat().st_ino == kept.st_ino
    assert (out / "p3/index.html").stat().st_mtime_ns == kept.st_mtime_ns
    assert not (out / "new0.txt").exists()


def test_twin_writer_falls_back_when_someone_else_builds_into_the_folder(tmp_path):
    from briefings.engine.write import write_site
    out = tmp_path / "site"
    twin = Twin(out)
    twin.write({"a.html": b"1"})
    twin.write({"a.html": b"2"})
    write_site({"b.html": b"from a build"}, out)  # another build swaps its own folder in
    twin.write({"a.html": b"3"})
    assert disk(out) == {"a.html": b"3"}
    twin.close()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_twin_writer_failure_leaves_the_site_whole(tmp_path, monkeypatch):
    out = tmp_path / "site"
    twin = Twin(out)
    twin.write({"a.html": b"1", "b.html": b"1"})
    twin.write({"a.html": b"2", "b.html": b"1"})

    def broken(*args):
        raise OSError("disk full")
    monkeypatch.setattr(Twin, "put", staticmethod(broken))
    with pytest.raises(OSError):
        twin.write({"a.html": b"3", "b.html": b"3"})
    assert disk(out) == {"a.html": b"2", "b.html": b"1"}
    monkeypatch.undo()
    twin.write({"a.html": b"4", "b.html": b"4"})
    assert disk(out) == {"a.html": b"4", "b.html": b"4"}
    twin.close()
    assert not [p for p in tmp_path.iterdir() if p.name != "site" and os.path.exists(p)]
