"""The cross-link index, built from the crosslinks fixture site without writing anything."""

from __future__ import annotations

import pytest

from briefings.errors import ContentError
from briefings.index import build_index
from briefings.content.load import load
from briefings.pipeline import anchor_all
from conftest import SITES


@pytest.fixture(scope="module")
def built():
    errors: list[ContentError] = []
    content = load(SITES / "crosslinks/content", errors)
    articles = anchor_all(content, errors)
    assert errors == []
    return content, articles, build_index(content, articles)


def test_statements_newest_first(built):
    _, _, index = built
    assert index.statements["lena-ek"] == (("gamma", "ek-home"), ("alpha", "ek-open"))
    assert index.statements["ivan-petrov"] == (("beta", "petrov-fees"),)
    assert index.statements["silent-sam"] == ()


def test_mentions_by_alias_in_any_script(built):
    _, articles, index = built
    # Beta names Petrov in Cyrillic and quotes him; gamma names him in Cyrillic only; alpha in Latin.
    assert "ivan-petrov" in articles["gamma"].mentioned
    assert index.mentioned_in["ivan-petrov"] == ("gamma", "alpha")
    assert index.mentioned_in["lena-ek"] == ("beta",)
    assert index.also_mentioned["beta"] == ("lena-ek",)
    assert index.speakers_of["beta"] == ("ivan-petrov",)


def test_citations_oldest_first(built):
    _, _, index = built
    assert index.citations["accord/art-1"] == (("alpha", "alpha-art1"), ("beta", "beta-art1"))
    assert index.citations["accord/art-2"] == (("beta", "beta-art2"),)
    assert "accord/art-3" not in index.citations


def test_topics_include_those_without_files(built):
    content, _, index = built
    assert content.topics["shipping-lanes"].title == "Shipping lanes"
    assert content.topics["harbours"].title == "Harbours and ports"
    assert index.topic_briefings["harbours"] == ("beta", "alpha")


def test_related_ranks_provisions_then_speakers_then_topics(built):
    _, _, index = built
    # alpha shares art-1 and a topic with beta, and a speaker (Lena Ek) with gamma.
    assert index.related["alpha"] == ("beta", "gamma")
    assert index.related["gamma"] == ("alpha",)
    assert all(len(r) <= 5 for r in index.related.values())


def test_neighbours_by_date(built):
    _, _, index = built
    assert index.neighbours["alpha"] == (None, "beta")
    assert index.neighbours["beta"] == ("alpha", "gamma")
    assert index.neighbours["gamma"] == ("beta", None)
    assert index.newest == ("gamma", "beta", "alpha")


def test_annotations_by_kind(built):
    _, _, index = built
    assert index.by_kind["correction"] == (("gamma", "gamma-fees"),)
    assert ("alpha", "alpha-art1") in index.by_kind["provision"]
    assert index.by_kind["note"] == ()
