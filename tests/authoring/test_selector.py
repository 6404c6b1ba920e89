"""A browser selection becomes the least selector that the build's matcher resolves to exactly it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.authoring.selector import article_text, least_selector, locate_selection
from briefings.model import Annotation
from briefings.text.match import Text, find_all, fold, resolve


def resolved(text: str, fields: dict) -> tuple[int, int]:
    """Resolve selector fields as the build would, failing the test on an error."""
    found = resolve(Text(text), Annotation(id="x", kind="note", **fields))
    assert isinstance(found, tuple), found
    return found


def span_of(text: str, quote: str, n: int = 1) -> tuple[int, int]:
    """Return the span of the n-th literal occurrence of quote in text."""
    spans = [m.span() for m in re.finditer(re.escape(quote), text)]
    return spans[n - 1]


def test_a_unique_quote_needs_nothing_more():
    text = "The council met.\nThe envoy spoke at length."
    assert least_selector(text, span_of(text, "envoy spoke")) == {"quote": "envoy spoke"}


def test_a_repeated_quote_gets_the_least_prefix():
    text = "The cat sat. A cat ran."
    assert least_selector(text, span_of(text, "cat", 1)) == {"quote": "cat", "prefix": "The"}
    assert least_selector(text, span_of(text, "cat", 2)) == {"quote": "cat", "prefix": "A"}


def test_the_prefix_grows_a_word_at_a_time_and_may_start_inside_a_word():
    text = "the red cat. a red cat. concatenate"
    assert least_selector(text, span_of(text, "cat", 1)) == {"quote": "cat", "prefix": "the red"}
    assert least_selector(text, span_of(text, "cat", 2)) == {"quote": "cat", "prefix": "a red"}
    assert least_selector(text, span_of(text, "cat", 3)) == {"quote": "cat", "prefix": "con"}


def test_a_suffix_when_no_prefix_tells_them_apart():
    text = "said: no deal. said: no way."
    # The first has no word before it; the second's prefix would be two words, its suffix one.
    assert least_selector(text, span_of(text, "no", 1)) == {"quote": "no", "suffix": "deal."}
    assert least_selector(text, span_of(text, "no", 2)) == {"quote": "no", "prefix": "deal. said:"}


def test_a_prefix_and_suffix_together_when_neither_alone_does():
    # Each context is twelve identical words: more than a prefix or suffix may grow to.
    lines = ["one " * 12 + "cat " + "two " * 12, "one " * 12 + "cat " + "three " * 12,
             "four " * 12 + "cat " + "three " * 12]
    text = "\n".join(lines)
    assert least_selector(text, span_of(text, "cat", 2)) == {
        "quote": "cat", "prefix": "one", "suffix": "three"}


def test_identical_contexts_fall_back_to_occurrence():
    para = " ".join(["w"] * 15) + " cat " + " ".join(["w"] * 15)
    text = "\n\n".join([para] * 3)
    for n in (1, 2, 3):
        assert least_selector(text, span_of(text, "cat", n)) == {"quote": "cat", "occurrence": n}


def test_a_quote_at_the_very_edges_of_the_text():
    text = "cat and cat"
    assert least_selector(text, (0, 3)) == {"quote": "cat", "suffix": "and"}
    assert least_selector(text, (8, 11)) == {"quote": "cat", "prefix": "and"}


def test_whitespace_at_the_edges_is_trimmed_and_runs_inside_collapsed():
    text = "alpha  beta\n\ngamma delta"
    assert least_selector(text, (5, 18)) == {"quote": "beta gamma"}
    assert resolved(text, {"quote": "beta gamma"}) == (7, 18)


@pytest.mark.parametrize("span", [(3, 3), (5, 7), (-1, 2), (2, 99), (4, 2)])
def test_a_span_with_nothing_to_select_is_refused(span):
    with pytest.raises(ValueError):
        least_selector("abc \n  def", span)


MARKDOWN = """The *quick* brown [fox](https://example.org/fox) jumps.

Over the **lazy** dog, the fox sleeps.
"""


def test_article_text_is_what_the_build_anchors_against():
    assert article_text(MARKDOWN) == "The quick brown fox jumps.\nOver the lazy dog, the fox sleeps."


def test_a_selection_across_emphasis_links_and_paragraphs():
    text = article_text(MARKDOWN)
    # selection.toString() shows a paragraph break as a blank line.
    span = locate_selection(text, "quick brown fox jumps.\n\nOver the lazy", "The ", " dog, the")
    assert span is not None and text[span[0]:span[1]] == "quick brown fox jumps.\nOver the lazy"
    fields = least_selector(text, span)
    assert fields == {"quote": "quick brown fox jumps. Over the lazy"}
    assert resolved(text, fields) == span


def test_the_repeated_word_in_markdown_is_the_one_selected():
    text = article_text(MARKDOWN)
    second = locate_selection(text, "fox", "lazy dog, the ", " sleeps.")
    assert second == span_of(text, "fox", 2)
    assert least_selector(text, second) == {"quote": "fox", "prefix": "the"}
    first = locate_selection(text, "fox", "The quick brown ", " jumps.\n\nOver")
    assert least_selector(text, first) == {"quote": "fox", "prefix": "brown"}


def test_curly_quotes_and_dashes_in_the_text_match_straight_ones_selected():
    text = "He said “no” — twice. She said “no” — and left."
    span = locate_selection(text, '"no" - and', 'She said ', ' left.')
    assert span == span_of(text, "“no” — and")
    assert least_selector(text, span) == {"quote": "“no” — and"}
    first = locate_selection(text, '"no"', "He said ", " - twice")
    assert least_selector(text, first) == {"quote": "“no”", "prefix": "He said"}


def test_locate_picks_the_occurrence_whose_context_agrees():
    text = "Talks resumed. The vote failed in May. Later the vote failed again in June."
    assert locate_selection(text, "vote failed", "Later the ", " again") == span_of(
        text, "vote failed", 2)
    assert locate_selection(text, "vote failed", "resumed. The ", " in May") == span_of(
        text, "vote failed", 1)
    # Context that only partly agrees still decides (matching is case-sensitive: "the" is closer
    # to "the" than to "The"); the browser may join blocks without spaces.
    assert locate_selection(text, "vote failed", "XXX the ", "") == span_of(text, "vote failed", 2)
    assert locate_selection(text, "vote failed", "resumed.The ", "") == span_of(text, "vote failed")


def test_locate_says_none_when_not_found_or_tied():
    text = "a cat b. a cat b."
    assert locate_selection(text, "dog", "", "") is None
    assert locate_selection(text, " \n ", "", "") is None
    assert locate_selection(text, "cat", "a ", " b") is None
    assert locate_selection(text, "cat", "b. a ", "") == span_of(text, "cat", 2)
    assert locate_selection("one cat here", "  cat\n", "", "") == (4, 7)


# A small vocabulary, so quotes repeat often; with curly quotes, dashes and an ellipsis to fold.
WORDS = ["a", "cat", "sat", "on", "the", "mat", "“hi”", "it’s", "—", "so…", "no-go"]
GAPS = [" ", " ", " ", "  ", "\n", "\n\n", " \n ", "\t", "\u00a0"]


@st.composite
def texts(draw) -> str:
    """Draw a text of repeating words with random whitespace between them."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=len(words), max_size=len(words)))
    edge = draw(st.sampled_from(["", " ", "\n"]))
    return edge + "".join(w + g for w, g in zip(words, gaps)).rstrip() + edge


@st.composite
def selections(draw) -> tuple[str, tuple[int, int]]:
    """Draw a text and a span of it starting and ending at a visible character."""
    text = draw(texts())
    visible = [i for i, c in enumerate(fold(text)) if c != " "]
    a, b = sorted(draw(st.lists(st.sampled_from(visible), min_size=2, max_size=2)))
    return text, (a, b + 1)


def as_copied(draw, fragment: str) -> str:
    """Redraw a fragment the way a browser might copy it: other whitespace, straight quotes."""
    pieces = re.split(r"\s+", fragment)
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(st.sampled_from([" ", "\n", "\n\n", "\t ", "\u00a0"])) + piece
    if draw(st.booleans()):
        out = out.replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "-")
    return draw(st.sampled_from(["", " ", "\n"])) + out + draw(st.sampled_from(["", " ", "\n"]))


def bare(fragment: str) -> str:
    """Return a fragment folded and without whitespace, the way contexts are compared."""
    return re.sub(r"\s", "", fold(fragment).replace("…", "..."))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selections())
def test_the_least_selector_always_resolves_to_the_span(case):
    text, span = case
    fields = least_selector(text, span)
    assert resolved(text, fields) == span
    assert fields["quote"] == " ".join(text[span[0]:span[1]].split())
    if len(find_all(Text(text), fields["quote"])) == 1:
        assert fields == {"quote": fields["quote"]}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selections(), st.integers(0, 30), st.data())
def test_locate_finds_the_span_whenever_its_context_is_unique(case, k, data):
    text, span = case
    start, end = span
    before, after = text[max(0, start - k):start], text[end:end + k]
    quote = as_copied(data.draw, text[start:end])
    matches = find_all(Text(text), quote)
    assert span in matches
    agreeing = [m for m in matches if bare(text[:m[0]]).endswith(bare(before))
                and bare(text[m[1]:]).startswith(bare(after))]
    expected = span if agreeing == [span] else None
    assert locate_selection(text, quote, before, after) == expected
