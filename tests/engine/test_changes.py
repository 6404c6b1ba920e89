"""What a changed file means for the preview: no rebuild, one briefing, the templates, or everything."""

from __future__ import annotations

import pytest

from briefings.engine.changes import BRIEFINGS, CONTENT, TEMPLATES, classify, kind_of, widest


@pytest.fixture
def where(tmp_path):
    """Return (content folder, template folders, briefing files) under tmp_path, as absolute strings."""
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    md = content / "briefings/one.md"
    md.write_text("x")
    templates = tmp_path / "templates"
    templates.mkdir()
    return str(content), [str(templates)], {str(md): "one", str(md.with_suffix(".yml")): "one"}


@pytest.mark.parametrize("rel,expected", [
    ("content/briefings/one.md", BRIEFINGS),
    ("content/briefings/one.yml", CONTENT),  # listed but gone: the pair is broken, read everything
    ("content/site.yml", CONTENT),
    ("content/speakers/ana.yml", CONTENT),
    ("content/briefings/new.md", CONTENT),
    ("content/briefings/.one.md.swp", None),
    ("content/briefings/one.md~", None),
    ("content/notes.txt", None),
    ("content/drafts/x.md", None),
    ("templates/base.html", TEMPLATES),
    ("elsewhere/base.html", None),
    ("content", CONTENT),  # the folder itself deleted or renamed away (or back)
    ("templates", TEMPLATES),
    ("contents", None),
])
def test_kind_of_each_file(where, tmp_path, rel, expected):
    content, templates, by_file = where
    assert kind_of(str(tmp_path / rel), content, templates, by_file) == expected


def test_the_widest_change_wins(where, tmp_path):
    content, templates, by_file = where
    assert classify({str(tmp_path / "content/briefings/one.md"), str(tmp_path / "templates/x.html")},
                    content, templates, by_file) == TEMPLATES
    assert classify({str(tmp_path / "content/notes.txt")}, content, templates, by_file) is None
    assert widest(None, BRIEFINGS) == BRIEFINGS and widest(CONTENT, TEMPLATES) == CONTENT
