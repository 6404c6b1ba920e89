"""Markdown stage: the visible text and its segments, rendering, and the plain-note shortcut."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.text.markdown import parse, parser, render, render_markdown, visible_text


def text_of(body: str) -> str:
    """Return the visible text of a body."""
    return visible_text(parse(body))[0]


@pytest.mark.parametrize("body, text", [
    ("One *two* **three** [four](https://e.org) `five`.\n", "One two three four five."),
    ("Para one.\n\nPara two.\n", "Para one.\nPara two."),
    ("soft\nbreak and hard  \nbreak and slash\\\nbreak\n", "soft\nbreak and hard\nbreak and slash\nbreak"),
    ("# Head\n\n- a\n- b\n\n> quote\n", "Head\na\nb\nquote"),
    ("```py\nx = 1\ny = 2\n```\nafter\n", "x = 1\ny = 2\nafter"),
    ("    indented\n\ntext\n", "indented\ntext"),
    ("| a | b |\n|---|---|\n| c | d |\n", "a\nb\nc\nd"),
    ("![alt text](i.png) caption\n", " caption"),
    ("a &amp; b &nbsp;c &#x2014; \\*d\\*\n", "a & b \u00a0c \u2014 *d*"),
    ("<b>raw</b> html\n", "<b>raw</b> html"),
    ("`a  b\nc`\n", "a  b c"),
    ("~~struck~~ text\n", "struck text"),
    ("", ""),
])
def test_visible_text(body, text):
    assert text_of(body) == text


def test_segments_hold_their_tokens_text_where_it_is():
    body = "Intro [link *em*](https://e.org) `code`\n\n```\nblock\n```\n\n| x |\n|---|\n| y |\n"
    tokens = parse(body)
    text, segments = visible_text(tokens)
    for seg in segments:
        assert text[seg.start:seg.end] == seg.token.content
    assert [s.in_link for s in segments] == [False, True, True, False, False, False, False, False]
    # Everything outside the segments is the line breaks between blocks.
    covered = {i for s in segments for i in range(s.start, s.end)}
    assert {text[i] for i in range(len(text)) if i not in covered} == {"\n"}


def test_notes_of_a_table_go_after_the_table():
    tokens = parse("Before.\n\n| x |\n|---|\n| y |\n\nAfter.\n")
    _, segments = visible_text(tokens)
    slots = {seg.token.content: tokens[seg.slot].type for seg in segments}
    assert slots == {"Before.": "paragraph_close", "x": "table_close", "y": "table_close",
                     "After.": "paragraph_close"}


def test_render_of_complete_slices_joins_to_the_whole():
    tokens = parse("# H\n\n- a\n- b\n\n> q\n\n```\nc\n```\n\npara\n")
    whole = render(tokens)
    cuts = [i for i, t in enumerate(tokens) if t.type.endswith("_close") or t.type == "fence"]
    parts, begin = [], 0
    for cut in cuts:
        parts.append(render(tokens[begin:cut + 1]))
        begin = cut + 1
    parts.append(render(tokens[begin:]))
    assert "".join(parts) == whole


def test_code_block_language_is_escaped():
    out = render_markdown('```"><script>x\ncode\n```\n')
    assert out == '<pre><code class="language-&quot;&gt;&lt;script&gt;x">code\n</code></pre>\n'


def test_code_blocks_and_inline_code_are_escaped():
    assert render_markdown("`<b>`\n") == "<p><code>&lt;b&gt;</code></p>\n"
    assert render_markdown("    <b> & c\n") == "<pre><code>&lt;b&gt; &amp; c\n</code></pre>\n"


def test_text_is_escaped_including_quotes():
    assert render_markdown("a < b & \"c\" 'd'\n\nx*") == (
        "<p>a &lt; b &amp; &quot;c&quot; &#x27;d&#x27;</p>\n<p>x*</p>\n")


@pytest.mark.parametrize("note", [
    "The Minister's reply came late: sixty days is sixty days, however careful.",
    "Plain words only", "Ends with a question?", "Ça va très bien, merci.", "中文注释。",
    "Quotes \"double\" and 'single' are escaped.", "A 50% rise (from 2 to 3) - roughly.",
    "  leading spaces", "\tleading tab", "1. a list", "- a list", "# heading", "> quote",
    "+ list", "= not setext", "trailing spaces   ", "two\nlines", "*em*", "a_b", "a & b",
    "x < y", "[link](u)", "`code`", "~~s~~", "a | b", "\\escape", "",
    "   ", "\n\nafter blank lines", "a\u00a0b", "nul\x00char", "cr\rlf", "end\x85",
])
def test_plain_note_shortcut_renders_what_the_parser_renders(note):
    expected = parser(False).render(note) if note.strip() else ""
    assert render_markdown(note) == expected
    assert render_markdown(note, True) == (parser(True).render(note) if note.strip() else "")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,:;!?'\"-#>+*=_|~`\\<&[]()1\n\r\t\x00\xa0\x85é中")),
               max_size=24))
def test_plain_note_shortcut_never_changes_the_html(note):
    assert render_markdown(note) == (parser(False).render(note) if note.strip() else "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_plain_note_shortcut_on_any_text(note):
    assert render_markdown(note) == (parser(False).render(note) if note.strip() else "")
