"""Units of annotation ids: the ids the default theme puts on a briefing page, kept in one place."""

from __future__ import annotations

import re

from briefings.content.ids import NOTE_IDS, THEME_IDS, theme_clash
from briefings.pages.render import default_templates

BRIEFING_PAGE = ("base.html", "briefing.html", "_macros.html")
"""The templates a briefing page is made of."""


def theme_ids() -> tuple[set[str], set[str]]:
    """Return the fixed ids and the prefixes of annotation ids written in the briefing page's templates."""
    text = "".join((default_templates() / name).read_text(encoding="utf-8") for name in BRIEFING_PAGE)
    ids = re.findall(r'\bid="([^"]*)"', text)
    fixed = {i for i in ids if "{" not in i}
    prefixes = {m.group(1) for i in ids if (m := re.fullmatch(r"([a-z-]*)\{\{ a\.id \}\}", i))}
    return fixed, prefixes


def test_the_reserved_ids_are_exactly_those_of_the_default_briefing_page():
    fixed, prefixes = theme_ids()
    assert fixed == set(THEME_IDS)
    assert prefixes == set(NOTE_IDS)


def test_theme_clash_names_what_holds_the_id():
    ids = {"cod", "note-cod", "main"}
    assert theme_clash("main", ids) == "the page's main content"
    assert theme_clash("note-cod", ids) == "the note of annotation 'cod'"
    assert theme_clash("toggle-cod", ids) == "the checkbox that opens the note of annotation 'cod'"
    assert theme_clash("note-sprat", ids) == ""  # no annotation 'sprat' on this page
    assert theme_clash("cod", ids) == ""
