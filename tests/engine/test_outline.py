"""A briefing's outline: what other pages show of it changes its hashes, its body alone does not."""

from __future__ import annotations

import dataclasses

from conftest import ROOT

from briefings.text.anchor import anchor
from briefings.content.load import load
from briefings.text.mentions import Mentions
from briefings.engine.outline import OUTLINE, outline_key, outline_parts


def demo():
    """Return the demo's first briefing with annotations, a function anchoring a briefing, and the briefing."""
    errors = []
    content = load(ROOT / "content", errors)
    assert errors == []
    mentions = Mentions(content.speakers)
    b = next(b for b in content.briefings if len(b.annotations) > 2)
    return b, lambda x: anchor(x, False, mentions)


def test_a_body_edit_away_from_the_highlights_keeps_the_outline():
    b, anchored = demo()
    longer = dataclasses.replace(b, body=b.body + "\n\nA closing paragraph added later.\n")
    assert outline_parts(longer, anchored(longer)) == outline_parts(b, anchored(b))
    assert outline_key(longer, anchored(longer)) == outline_key(b, anchored(b))


def test_a_note_edit_changes_that_annotation_and_the_whole_only():
    b, anchored = demo()
    first, *rest = b.annotations
    edited = dataclasses.replace(b, annotations=(dataclasses.replace(first, note="Another note."), *rest))
    before, after = outline_parts(b, anchored(b)), outline_parts(edited, anchored(edited))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {OUTLINE + b.slug, f"{OUTLINE}{b.slug}:{first.id}"}
    assert outline_key(edited, anchored(edited)) != outline_key(b, anchored(b))


def test_a_title_edit_changes_the_outlines_own_part():
    b, anchored = demo()
    edited = dataclasses.replace(b, title="Another title")
    before, after = outline_parts(b, anchored(b)), outline_parts(edited, anchored(edited))
    assert {name for name in before if before[name] != after[name]} == {OUTLINE + b.slug, f"{OUTLINE}{b.slug}."}
