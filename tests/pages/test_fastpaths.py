"""Shortcuts taken for speed make exactly what the slow way makes: indented JSON, emphasis in short
notes, and the model rebuilt from the cache."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given, settings, strategies as st

from briefings.pages import fastjson
from briefings.errors import ContentError
from briefings.content.load import load
from briefings.text.markdown import parser, render_markdown
from briefings.model import Annotation
from briefings.pipeline import anchor_all
from briefings.engine.outline import outline_key
from briefings.engine.stored import (ANNOTATION_FIELDS, article_from, briefing_from, briefing_value, chunks_from,
                              chunks_value, meta_value, outline_from, text_from, text_value)
from conftest import ROOT, SITES

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(values, st.integers(0, 3))
def test_json_same_bytes_as_json_dumps(value, indent):
    assert fastjson.dumps(value, indent) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)


def test_json_tuples_and_what_it_leaves_to_json_dumps():
    for value in ({"a": (1, "x")}, {"f": 1.5}, {1: "int key"}, [float("nan")], {"t": ("<", "\u2028")}):
        assert fastjson.dumps(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


words = st.text(alphabet=st.sampled_from(list("ab1 .,:;!?'\"()-é*")), min_size=1, max_size=8)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(words, words.map(lambda w: f"*{w}*"), words.map(lambda w: f"**{w}**")),
                max_size=6).map(" ".join))
def test_emphasis_shortcut_renders_what_the_parser_renders(note):
    assert render_markdown(note) == (parser(False).render(note) if note.strip() else "")


def test_emphasis_shortcut_cases():
    for note in ("Note 1 on *briefing 3*.", "**Bold** start and *end*", "x *a* *b* y", "a *b c*: d",
                 "*a*b", "*a**b*", "**a*", "*1 note*", "* not emphasis*", "*a* (b)", "*a_b*", "*a & b*"):
        assert render_markdown(note) == parser(False).render(note), note


def test_the_model_comes_back_from_its_stored_form_unchanged():
    errors: list[ContentError] = []
    content = load(ROOT / "content", errors)
    articles = anchor_all(content, errors)
    assert errors == []
    assert {f.name for f in dataclasses.fields(Annotation)} == {*ANNOTATION_FIELDS, "where", "quote_where", "wheres"}
    for b in content.briefings:
        value = json.loads(json.dumps(briefing_value(b)))
        again = briefing_from(value, b.slug, b.body, b.md_path, b.yml_path)
        assert again == b
        assert [dataclasses.asdict(a) | {"where": 0, "quote_where": 0, "wheres": 0} for a in again.annotations] == \
               [dataclasses.asdict(a) | {"where": 0, "quote_where": 0, "wheres": 0} for a in b.annotations]
        art = articles[b.slug]
        ids = {a.id for a in b.annotations}
        parts = {"text": text_from(json.loads(json.dumps(text_value(art))), ids),
                 "chunks": chunks_from(json.loads(json.dumps(chunks_value(art))), ids)}
        asked = []
        meta = json.loads(json.dumps(meta_value(art, outline_key(b, art))))
        stored = article_from(meta, b, content.speakers, lambda part: asked.append(part) or parts[part])
        assert outline_from(meta) == outline_key(b, art)
        assert stored.summary_html == art.summary_html and asked == []  # the body is read when needed
        fields = [f.name for f in dataclasses.fields(art)]
        assert [getattr(stored, f) for f in fields] == [getattr(art, f) for f in fields]
        assert stored.html == art.html and asked.count("text") == 1  # text and notes kept once read
        assert asked.count("chunks") == 2  # the body HTML is read each time, not kept


def test_malformed_stored_forms_are_refused():
    errors: list[ContentError] = []
    content = load(SITES / "crosslinks/content", errors)
    b = content.briefings[0]
    value = briefing_value(b)
    for bad in (value[:5], [1] + value[1:], value[:5] + [[["id"] * 9]], value[:5] + [[value[5][0][:8]]], "x"):
        try:
            briefing_from(bad, b.slug, b.body, b.md_path, b.yml_path)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")
