"""The preview's incremental rebuild (the engine kept in memory): it renders exactly the affected
pages, its output is always the full build's, unchanged files are left alone, and its writer - a
spare copy of the site updated and swapped in - stays all-or-nothing."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from serve_helpers import DEMO, copy_demo, edit_note

from briefings import pipeline
from briefings.engine import write
from briefings.engine.changes import BRIEFINGS, CONTENT, TEMPLATES
from briefings.engine.rebuild import Engine
from briefings.errors import flatten
from briefings.index import build_index
from briefings.pages.plan import plan
from briefings.pipeline import Options, build, gather


def preview_engine(opts: Options) -> Engine:
    """Return an engine as the preview makes it (serve.Preview.new_engine), and build once."""
    engine = Engine(opts, None, keep=True, search=False)
    engine.update()
    return engine


@pytest.fixture
def engine(tmp_path):
    """The preview's engine on a copy of the demo content, built once; its spare dropped afterwards."""
    copy_demo(tmp_path)
    e = preview_engine(Options(content=tmp_path / "content", out=tmp_path / "site"))
    yield e
    e.drop()


def sidecar(engine: Engine, slug: str = DEMO) -> Path:
    """Return a briefing's sidecar path."""
    return next(engine.opts.content.rglob(f"{slug}.yml"))


def change(engine: Engine, path: Path, old: str, new: str):
    """Edit one file and update incrementally."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return engine.update({str(path.resolve())})


def disk(out: Path) -> dict[str, bytes]:
    """Return every file under the output folder but the marker."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != write.MARKER}


def full_build(opts: Options) -> dict[str, bytes]:
    """Return the files of the plain in-memory build (gather) with search off, as the preview has it."""
    with mock.patch.object(pipeline, "search_available", lambda: False):
        return gather(opts).files


def pages_of(engine: Engine) -> set[str]:
    """Return the output paths of every page the engine's site has."""
    return {p.path for p in engine.memory.pages}


def assert_same_as_full_build(engine: Engine) -> None:
    """The incremental result, on disk, in its index and in the pages it rendered from, equals a
    fresh full build."""
    full = full_build(engine.opts)
    files = disk(engine.opts.out)
    assert files.keys() == full.keys()
    stale = [path for path in full if files[path] != full[path]]
    assert stale == []
    content, articles = engine.memory.model.content, engine.memory.model.articles
    assert engine.index.result == build_index(content, articles)
    used = engine.memory.pages
    assert used == plan(content, engine.index.result, False)  # a patched plan is the fresh one


def test_a_note_edit_renders_exactly_the_pages_that_show_that_note(engine):
    outcome = change(engine, sidecar(engine), "largest rise in the cod quota since 2021",
                     "the largest rise since 2019")
    assert outcome.kind == BRIEFINGS
    # A note of kind 'note': its briefing's page and the annotation lists quoting it; listings
    # showing the briefing's title and summary are kept.
    assert set(outcome.rendered) == {f"briefings/{DEMO}/index.html", "annotations/index.html",
                                     "annotations/note/index.html"}
    assert_same_as_full_build(engine)


def test_a_statement_edit_renders_the_speakers_pages_too(engine):
    outcome = change(engine, sidecar(engine), "a distinction worth holding on to", "a distinction to keep")
    rendered = set(outcome.rendered)
    assert {f"briefings/{DEMO}/index.html", "speakers/ilse-marten/index.html",
            "speakers/ilse-marten/feed.xml", "annotations/statement/index.html"} <= rendered
    # Home and the listings of documents and other speakers do not show it. (The act's page quotes
    # the statement - it stands beside a citation of article 7 - so it reads it and may be rendered.)
    assert not {"index.html", "documents/index.html", "speakers/amara-quill/index.html"} & rendered
    assert_same_as_full_build(engine)


def test_a_title_edit_renders_every_page_that_names_the_briefing(engine):
    outcome = change(engine, sidecar(engine), 'title: "Cod up, sprat down', 'title: "Cod way up, sprat down')
    rendered = set(outcome.rendered)
    index = engine.index.result
    assert f"briefings/{DEMO}/index.html" in rendered
    assert "index.html" in rendered  # home lists it
    prev, nxt = index.neighbours[DEMO]
    assert {f"briefings/{s}/index.html" for s in (prev, nxt) if s} <= rendered  # previous/next links
    assert "speakers/ilse-marten/index.html" in rendered  # her statement in it is quoted there
    assert "topics/fisheries-quotas/index.html" in rendered
    assert "documents/coastal-waters-act/index.html" in rendered  # it cites article 7
    unrelated = [s for s in index.statements
                 if DEMO not in {slug for slug, _ in index.statements[s]}
                 and DEMO not in index.mentioned_in[s]]
    assert unrelated, "the demo needs a speaker with nothing in this briefing"
    for s in unrelated:
        assert f"speakers/{s}/index.html" not in rendered
    assert "documents/index.html" not in rendered and "speakers/index.html" not in rendered
    assert len(rendered) < outcome.pages == len(pages_of(engine))
    assert_same_as_full_build(engine)


def test_unchanged_pages_are_not_rewritten(engine):
    out = engine.opts.out
    page = out / f"briefings/{DEMO}/index.html"
    other = [p for p in out.rglob("index.html") if DEMO not in p.read_text()][0]
    home = out / "index.html"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (page, other, home)}
    outcome = change(engine, sidecar(engine), "largest rise in the cod quota since 2021", "a big rise")
    assert (other.stat().st_ino, other.stat().st_mtime_ns) == before[other]
    assert (home.stat().st_ino, home.stat().st_mtime_ns) == before[home]
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
def test_any_sidecar_edit_gives_the_full_build(engine, old, new):
    outcome = change(engine, sidecar(engine), old, new)
    assert outcome.kind == BRIEFINGS
    assert_same_as_full_build(engine)


def test_an_article_edit_gives_the_full_build(engine):
    md = sidecar(engine).with_suffix(".md")
    text = md.read_text()
    md.write_text("A new opening paragraph naming Amara Quill.\n\n" + text)
    outcome = engine.update({str(md)})
    assert outcome.kind == BRIEFINGS
    assert_same_as_full_build(engine)


def test_a_body_edit_away_from_names_and_highlights_renders_its_own_page_alone(engine):
    md = sidecar(engine).with_suffix(".md")
    md.write_text(md.read_text() + "\nA closing paragraph the editors added later.\n")
    outcome = engine.update({str(md)})
    assert outcome.rendered == (f"briefings/{DEMO}/index.html",)  # listings show no body
    assert_same_as_full_build(engine)


def test_edits_in_a_row_and_back_again(engine):
    yml = sidecar(engine)
    original = yml.read_text()
    for n in range(4):
        edit_note(yml, f"Note number {n}.")
        engine.update({str(yml)})
    yml.write_text(original)
    engine.update({str(yml)})
    assert_same_as_full_build(engine)


def test_edits_to_two_briefings_in_turn_give_the_full_build(engine):
    """The second edit re-renders the first briefing's page (it lists the second as related): it
    must show the first edit still."""
    change(engine, sidecar(engine), "name: Ministry of Fisheries and Maritime Affairs, annual quota statement",
           "name: A renamed source")  # read by no listing: the plan is reused
    assert_same_as_full_build(engine)
    related = engine.index.result.related[DEMO][0]
    outcome = change(engine, sidecar(engine, related), "summary: >-\n", "summary: >-\n  A new first line.\n")
    assert f"briefings/{DEMO}/index.html" in outcome.rendered
    assert "A renamed source" in (engine.opts.out / f"briefings/{DEMO}/index.html").read_text()
    assert_same_as_full_build(engine)


def test_the_index_is_reused_only_while_its_inputs_stay_the_same(engine):
    index, version = engine.index.result, engine.version
    edit_note(sidecar(engine), "Only the note changes.")
    engine.update({str(sidecar(engine))})
    assert engine.index.result is index and engine.version == version
    change(engine, sidecar(engine), "date: 2026-01-19", "date: 2026-02-19")
    assert engine.index.result is not index and engine.version == version + 1
    assert_same_as_full_build(engine)


def test_a_template_change_renders_every_page(engine, tmp_path):
    templates = tmp_path / "mine"
    templates.mkdir()
    e = preview_engine(Options(content=engine.opts.content, templates=templates, out=engine.opts.out))
    (templates / "base.html").write_text('{% extends "default:base.html" %}'
                                         '{% block title %}Changed {{ page.title }}{% endblock %}')
    outcome = e.update({str(templates / "base.html")})
    assert outcome.kind == TEMPLATES and set(outcome.rendered) == pages_of(e)
    assert len(outcome.rendered) == outcome.pages
    assert "<title>Changed " in (e.opts.out / "index.html").read_text()
    assert_same_as_full_build(e)
    e.drop()


@pytest.mark.parametrize("rel,old,new", [
    ("site.yml", "title: Briefings", "title: Briefings edited"),
    ("speakers/amara-quill.yml", "role: Opposition", "role: Former opposition"),
    ("documents/coastal-waters-act.yml", "issuer: National", "issuer: The National"),
    ("topics/fisheries-quotas.yml", "title: Fisheries and quotas", "title: Fisheries and catch quotas"),
])
def test_shared_content_changes_rebuild_everything(engine, rel, old, new):
    outcome = change(engine, engine.opts.content / rel, old, new)
    assert outcome.kind == CONTENT and set(outcome.rendered) == pages_of(engine)
    assert len(outcome.rendered) == outcome.pages
    assert_same_as_full_build(engine)


def test_new_and_deleted_briefings_rebuild_everything(engine):
    content = engine.opts.content
    md, yml = content / "briefings/added.md", content / "briefings/added.yml"
    md.write_text("Ilse Marten spoke again.\n")
    yml.write_text("title: Added\ndate: 2026-06-01\n")
    outcome = engine.update({str(md), str(yml)})
    assert outcome.kind == CONTENT and "briefings/added/index.html" in pages_of(engine)
    assert_same_as_full_build(engine)
    md.unlink()
    yml.unlink()
    outcome = engine.update({str(md), str(yml)})
    assert outcome.kind == CONTENT and "briefings/added/index.html" not in pages_of(engine)
    assert not (engine.opts.out / "briefings/added").exists()
    assert_same_as_full_build(engine)


def test_irrelevant_files_change_nothing(engine):
    content = engine.opts.content
    before = disk(engine.opts.out)
    for rel in ("notes.txt", "briefings/4913", "briefings/.x.yml.swp", "briefings/x.yml~"):
        path = content / rel
        path.write_text("scratch")
        assert engine.update({str(path)}).kind is None, rel
    assert disk(engine.opts.out) == before


def error_lines(engine: Engine, hints: set[str]) -> list[str]:
    """Update, expecting content errors; return them as lines."""
    with pytest.raises(ExceptionGroup) as info:
        engine.update(hints)
    return [str(e) for e in flatten(info.value)]


def test_errors_keep_the_old_site_and_clear_when_fixed(engine):
    yml = sidecar(engine)
    good = yml.read_text()
    before = disk(engine.opts.out)
    yml.write_text(good.replace("quote: set the cod quota", "quote: set the haddock quota", 1))
    lines = error_lines(engine, {str(yml)})
    assert len(lines) == 1 and re.match(rf".*{DEMO}\.yml:\d+:\d+: error: ", lines[0])
    assert disk(engine.opts.out) == before
    other = sidecar(engine, "korvask-access-statement")
    edit_note(other, "Edited while the other is broken.")
    # Still broken: the first briefing's error is remembered and reported again.
    assert error_lines(engine, {str(other)}) == lines
    assert disk(engine.opts.out) == before
    yml.write_text(good)
    outcome = engine.update({str(yml)})
    assert outcome.kind == BRIEFINGS
    assert "Edited while the other is broken." in (
        engine.opts.out / "briefings/korvask-access-statement/index.html").read_text()
    assert_same_as_full_build(engine)


# --- the writer: a spare copy of the site, updated and swapped in ---------------------------------

def inode(path: Path) -> int:
    """Return a file's or folder's inode."""
    return path.stat().st_ino


def file_id(path: Path) -> tuple[int, int]:
    """Return a file's inode and mtime: what a rewrite changes even with the same bytes."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def spare_of(engine: Engine) -> Path:
    """Return where the preview's engine keeps its spare site (beside the output folder)."""
    out = engine.opts.out
    return out.parent / f".{out.name}.tmp-{os.getpid()}-spare"


def beside(engine: Engine) -> list[str]:
    """Return the names beside the output folder."""
    return sorted(p.name for p in engine.opts.out.parent.iterdir())


def test_the_writer_alternates_with_its_spare_and_keeps_unchanged_files(tmp_path):
    copy_demo(tmp_path)
    static = tmp_path / "mine/static"
    static.mkdir(parents=True)
    for n in range(5):
        (static / f"p{n}.txt").write_text(f"page {n}")
    engine = preview_engine(Options(content=tmp_path / "content", templates=tmp_path / "mine",
                                    out=tmp_path / "site"))
    out, spare = engine.opts.out, spare_of(engine)
    (static / "p0.txt").write_text("changed 0")
    engine.update({str(static / "p0.txt")})
    assert spare.is_dir()
    kept = {rel: file_id(out / rel) for rel in ("static/p3.txt", "speakers/teodor-hask/index.html")}
    for n in range(6):  # alternate between the two folders several times
        folders = inode(out), inode(spare)
        (static / "p1.txt").write_text(f"v{n}")
        (static / f"new{n}.txt").write_text("x")
        (static / f"new{n - 1}.txt").unlink(missing_ok=True)
        outcome = engine.update({str(static / name) for name in ("p1.txt", f"new{n}.txt", f"new{n - 1}.txt")})
        assert (inode(out), inode(spare)) == folders[::-1]  # the spare became the site, the site the spare
        assert outcome.kind == TEMPLATES and outcome.stats.written == 2
        assert_same_as_full_build(engine)
    assert {rel: file_id(out / rel) for rel in kept} == kept
    assert not (out / "static/new0.txt").exists() and (out / "static/new5.txt").read_text() == "x"
    engine.drop()
    assert beside(engine) == ["content", "mine", "site"]


def add_paragraph(engine: Engine, text: str):
    """Add a paragraph to the demo briefing's article and update."""
    md = sidecar(engine).with_suffix(".md")
    md.write_text(md.read_text() + f"\n{text}\n")
    return engine.update({str(md)})


def test_a_build_swapped_in_by_someone_else_is_replaced_correctly(engine, tmp_path):
    add_paragraph(engine, "Before the other build.")  # now with a spare
    other = tmp_path / "other"
    shutil.copytree(engine.opts.content, other)
    (other / "briefings/elsewhere.md").write_text("Only the other build has this.\n")
    (other / "briefings/elsewhere.yml").write_text("title: Elsewhere\ndate: 2026-06-01\n")
    build(Options(content=other, out=engine.opts.out, search=False), search=False)  # swaps its own folder in
    assert (engine.opts.out / "briefings/elsewhere/index.html").is_file()
    for n in range(2):
        add_paragraph(engine, f"After the other build, {n}.")
        assert not (engine.opts.out / "briefings/elsewhere").exists()
        assert_same_as_full_build(engine)
    engine.drop()
    assert beside(engine) == ["content", "other", "site"]


def broken(*args):
    """Stand in for a write the disk refuses."""
    raise OSError("disk full")


@pytest.mark.parametrize("updates", [1, 2], ids=["into a new folder", "into the spare"])
@pytest.mark.parametrize("during", ["render", "commit"])
def test_a_write_failure_leaves_the_site_whole(engine, monkeypatch, during, updates):
    for n in range(updates - 1):
        add_paragraph(engine, f"Written {n}.")
    before = disk(engine.opts.out)
    md = sidecar(engine).with_suffix(".md")
    md.write_text(md.read_text() + "\nNever written.\n")
    with pytest.raises(OSError, match="disk full"):
        if during == "render":
            monkeypatch.setattr(write.Stage, "put", broken)
            engine.update({str(md)})
        else:
            pending = engine.prepare({str(md)})
            monkeypatch.setattr(write.Stage, "put", broken)
            engine.commit(pending)
    assert disk(engine.opts.out) == before
    monkeypatch.undo()
    for n in range(2):  # the next updates work
        add_paragraph(engine, f"After the failure, {n}.")
        assert_same_as_full_build(engine)
    assert "Never written." in (engine.opts.out / f"briefings/{DEMO}/index.html").read_text()
    engine.drop()
    assert beside(engine) == ["content", "site"]
