"""Property test: random Markdown and random spans of its visible text anchor into sound HTML.

For any document and any spans of what the reader sees, the body HTML is well formed, its text is
exactly the text of the body rendered with no annotations, every annotation has an element with its
id, and the <mark> pieces carrying an annotation's id hold exactly its match (the whitespace between
blocks left out).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.text.markdown import parse, visible_text
from briefings.text.match import Text, find_all
from briefings.model import Annotation
from test_anchor import SPEAKERS, Shape, render

WORDS = st.sampled_from([
    "treaty", "force", "council", "the", "a", "of", "Ana Berg", "Berg", "Li Wei", "it's", "don’t",
    "“quoted”", '"straight"', "«guillemets»", "2024–2025", "self-defence", "—", "wait…", "so...",
    "&", "<b>", "a&amp;b", "x<y", "1.", "#", "é", "Ωμέγα", "中文", "\u00a0nbsp", "tab\there",
    "\\*", "_", "~", "|",
])


@st.composite
def inline(draw, max_words: int = 12) -> str:
    """Draw a line of inline Markdown: words, some emphasised, linked, struck or code."""
    parts = []
    for _ in range(draw(st.integers(1, max_words))):
        word = draw(WORDS)
        style = draw(st.integers(0, 9))
        if style == 0:
            word = f"*{word} {draw(WORDS)}*"
        elif style == 1:
            word = f"**{word}**"
        elif style == 2:
            word = f"[{word} {draw(WORDS)}](https://example.org/{draw(st.integers(0, 9))})"
        elif style == 3:
            word = f"`{word.replace('`', '')} {draw(WORDS)}`"
        elif style == 4:
            word = f"~~{word}~~"
        parts.append(word)
        gap = draw(st.sampled_from([" ", " ", " ", "  ", "\n", "  \n", "\\\n"]))
        parts.append(gap)
    return "".join(parts[:-1]).strip() or "word"


@st.composite
def block(draw) -> str:
    """Draw one block: paragraph, heading, list, quote, fenced code or table."""
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return "#" * draw(st.integers(1, 3)) + " " + draw(inline(6)).replace("\n", " ")
    if kind == 1:
        marker = draw(st.sampled_from(["-", "*", "1."]))
        items = draw(st.lists(inline(6), min_size=1, max_size=4))
        return "\n".join(f"{marker} {item.replace(chr(10), ' ')}" for item in items)
    if kind == 2:
        return "> " + draw(inline()).replace("\n", "\n> ")
    if kind == 3:
        lines = draw(st.lists(st.lists(WORDS, min_size=1, max_size=4), min_size=1, max_size=3))
        return "```\n" + "\n".join(" ".join(line) for line in lines) + "\n```"
    if kind == 4:
        cells = [draw(inline(3)).replace("\n", " ").replace("|", "/") for _ in range(4)]
        return f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |"
    return draw(inline())


DOCUMENTS = st.lists(block(), min_size=1, max_size=6).map(lambda blocks: "\n\n".join(blocks) + "\n")


def spans_of(text: str, draw, count: int) -> list[tuple[int, int]]:
    """Draw spans of the text that start and end on a non-space character."""
    spans = []
    for _ in range(count):
        a, b = sorted((draw(st.integers(0, len(text) - 1)), draw(st.integers(0, len(text)))))
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def annotate(text: str, spans: list[tuple[int, int]]) -> list[Annotation]:
    """Return one annotation per span, its quote the span's text and occurrence when needed."""
    searchable, annotations = Text(text), []
    for n, (a, b) in enumerate(spans):
        matches = find_all(searchable, text[a:b])
        assert (a, b) in matches, (text[a:b], matches)
        occurrence = matches.index((a, b)) + 1 if len(matches) > 1 else 0
        annotations.append(Annotation(id=f"a{n}", quote=text[a:b], kind="note",
                                      occurrence=occurrence))
    return annotations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.data())
def test_random_spans_anchor_into_sound_html(body: str, data):
    text, segments = visible_text(parse(body))
    if not text.strip():
        return
    spans = spans_of(text, data.draw, data.draw(st.integers(1, 5)))
    annotations = annotate(text, spans)
    article = render(body, annotations, SPEAKERS)
    shape = Shape(article.html)
    assert not shape.problems, (shape.problems, article.html)
    assert len(shape.ids) == len(set(shape.ids))
    assert shape.text == Shape(render(body, (), SPEAKERS).html).text
    # The theme numbers highlights in document order: that order must be the note numbers'.
    spans_now = article.spans
    assert [i for i in shape.ids if i in spans_now] == sorted(spans_now, key=lambda i: (spans_now[i], i))
    for a, (start, end) in zip(annotations, spans):
        assert article.spans[a.id] == (start, end)
        assert a.id in shape.ids
        marked = "".join(shape.marked[a.id])
        covered = "".join(text[max(start, s.start):min(end, s.end)] for s in segments)
        assert marked == covered
        # Only the line breaks between blocks (and soft/hard breaks) are left out of the marks.
        assert marked.replace("\n", "") == text[start:end].replace("\n", "")


@settings(max_examples=150, deadline=None)
@given(DOCUMENTS)
def test_visible_text_is_the_text_a_reader_sees(body: str):
    text, _ = visible_text(parse(body))
    shown = Shape(render(body).html).text
    # The rendered text holds the visible text's characters in order (HTML adds only whitespace).
    assert "".join(shown.split()) == "".join(text.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.data())
def test_the_word_index_finds_each_span_as_a_scan_does(body: str, data):
    # Thousands of quotes on one article are found through the index: it must agree everywhere.
    text, _ = visible_text(parse(body))
    if not text.strip():
        return
    indexed = Text(text)
    indexed.index()
    for a, b in spans_of(text, data.draw, data.draw(st.integers(1, 5))):
        assert find_all(indexed, text[a:b]) == find_all(Text(text), text[a:b])
