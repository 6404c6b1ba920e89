"""The cross-link index, built from the crosslinks fixture site without writing anything."""

from __future__ import annotations

import pytest

from briefings.errors import ContentError
from briefings.index import build_index
from briefings.content.load import load
from briefings.pipeline import anchor_all
from conftest import SITES, write_files


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


# --- who said what about which provision ---------------------------------------------------------

SAID = {
    "content/site.yml": "title: Said\n",
    "content/speakers/ann.yml": "name: Ann Aho\nrole: Mayor\n",
    "content/speakers/bo.yml": "name: Bo Berg\n",
    "content/speakers/cy.yml": "name: Cy Cole\n",
    "content/documents/code.yml": (
        "title: Harbour Code\nprovisions:\n  - {id: art-1, label: Article 1}\n"
        "  - {id: art-2, label: Article 2}\n  - {id: art-3, label: Article 3}\n"),
    # One paragraph wrapped over two lines; another paragraph; a list item.
    "content/briefings/one.md": ("Ann said the quay stays open, as\nthe code requires for every quay.\n\n"
                                 "Bo said fees will rise next year.\n\n- Fees are capped by the code.\n"),
    "content/briefings/one.yml": """\
        title: One
        date: 2024-01-01
        annotations:
          - {id: ann-quay, quote: the quay stays open, kind: statement, speaker: ann}
          - {id: one-art1, quote: the code requires for every quay, kind: provision, provision: code/art-1}
          - {id: bo-fees, quote: fees will rise next year, kind: statement, speaker: bo}
          - {id: one-art2, quote: Fees are capped by the code, kind: provision, provision: code/art-2}
        """,
    # Two citations of one provision in one paragraph, one of them nested in a statement.
    "content/briefings/two.md": ("Cy said the new rules apply from May and Bo said the fee cap will hold,"
                                 " as the code caps fees.\n"),
    "content/briefings/two.yml": """\
        title: Two
        date: 2024-02-01
        annotations:
          - {id: cy-rules, quote: the new rules apply from May, kind: statement, speaker: cy}
          - {id: bo-cap, quote: the fee cap will hold, kind: statement, speaker: bo}
          - {id: two-cap, quote: fee cap, kind: provision, provision: code/art-2}
          - {id: two-caps, quote: the code caps fees, kind: provision, provision: code/art-2}
        """,
    # A statement running into the next paragraph, where it overlaps a citation; art-1 apart.
    "content/briefings/three.md": "Bo said the cap is fixed.\n\nNobody disputes it.\n\nArticle 1 was not raised.\n",
    "content/briefings/three.yml": """\
        title: Three
        date: 2024-03-01
        annotations:
          - {id: bo-fixed, quote: the cap is fixed. Nobody, kind: statement, speaker: bo}
          - {id: three-art2, quote: Nobody disputes, kind: provision, provision: code/art-2}
          - {id: three-art1, quote: Article 1 was not raised, kind: provision, provision: code/art-1}
        """,
    # Statements, and no citation at all.
    "content/briefings/four.md": "Ann said the quay stays open.\n",
    "content/briefings/four.yml": """\
        title: Four
        date: 2024-04-01
        annotations:
          - {id: ann-again, quote: the quay stays open, kind: statement, speaker: ann}
        """,
}


@pytest.fixture(scope="module")
def said(tmp_path_factory):
    errors: list[ContentError] = []
    content = load(write_files(tmp_path_factory.mktemp("said"), SAID) / "content", errors)
    articles = anchor_all(content, errors)
    assert errors == []
    return content, articles, build_index(content, articles)


def test_a_statement_discusses_a_provision_cited_in_its_paragraph_however_the_lines_wrap(said):
    _, articles, index = said
    assert "\n" in articles["one"].text[:articles["one"].spans["one-art1"][0]]  # a soft line break
    assert index.discussed["code/art-1"] == (("ann", "one", "ann-quay"),)


def test_another_paragraph_or_a_list_item_is_not_discussed(said):
    _, _, index = said
    # bo-fees stands in the paragraph before the list item citing art-2; three-art1 in its own one.
    assert ("bo", "one", "bo-fees") not in index.discussed["code/art-2"]
    assert ("bo", "three", "bo-fixed") not in index.discussed["code/art-1"]


def test_overlap_joins_paragraphs_and_each_statement_counts_once(said):
    _, _, index = said
    # Newest briefing first; within a briefing in reading order; two citations, one entry each.
    assert index.discussed["code/art-2"] == (("bo", "three", "bo-fixed"), ("cy", "two", "cy-rules"),
                                             ("bo", "two", "bo-cap"))


def test_statements_without_citations_beside_them_discuss_nothing(said):
    _, _, index = said
    assert "code/art-3" not in index.discussed  # never cited
    listed = {aid for refs in index.discussed.values() for _, _, aid in refs}
    assert "ann-again" not in listed and "bo-fees" not in listed
    assert set(index.discussed) <= set(index.citations)


def test_crosslinks_discussions(built):
    _, _, index = built
    # alpha's statement holds its citation; beta's holds one and shares its paragraph with another.
    assert index.discussed == {
        "accord/art-1": (("ivan-petrov", "beta", "petrov-fees"), ("lena-ek", "alpha", "ek-open")),
        "accord/art-2": (("ivan-petrov", "beta", "petrov-fees"),)}
