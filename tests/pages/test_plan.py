"""Each page type of the crosslinks fixture site: counts, ordering, deep links, mentions."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from briefings.content.load import load
from briefings.errors import ContentError
from briefings.index import build_index
from briefings.pages.plan import by_speaker, plan
from briefings.pipeline import anchor_all
from conftest import SITES, run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xl") / "site"
    run = run_cli("build", "--content", str(SITES / "crosslinks/content"), "--out", str(out),
                  cwd=out.parent)
    assert run.code == 0, run.err
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def order(html: str, *needles: str) -> list[int]:
    """Return the positions of needles, asserting each is present."""
    positions = [html.index(n) for n in needles]
    return positions


def test_speakers_index_lists_everyone_with_counts(site):
    html = read(site, "speakers/index.html")
    assert 'href="lena-ek/"' in html and 'href="silent-sam/"' in html
    assert "2 statements · mentioned in 1 other briefing" in html
    assert "0 statements · mentioned in 0 other briefings" in html


def test_speaker_page_statements_newest_first_with_deep_links(site):
    html = read(site, "speakers/lena-ek/index.html")
    gamma, alpha = order(html, '../../briefings/gamma/#ek-home', '../../briefings/alpha/#ek-open')
    assert gamma < alpha
    assert "Spokesperson" in html
    assert "“Ek stayed home”" in html
    mentioned = html[html.index("Mentioned in"):]
    assert '../../briefings/beta/' in mentioned and "gamma" not in mentioned


def test_cyrillic_alias_counts_as_mention(site):
    html = read(site, "speakers/ivan-petrov/index.html")
    mentioned = html[html.index("Mentioned in"):]
    g, a = order(mentioned, "../../briefings/gamma/", "../../briefings/alpha/")
    assert g < a
    assert "Envoy since <em>2019</em>." in html


def test_first_mention_links_to_speaker_once(site):
    html = read(site, "briefings/gamma/index.html")
    body = html[html.index('id="body"'):html.index('class="endnotes"')]
    assert '<a class="mention" href="../../speakers/ivan-petrov/">Иван Петров</a>' in body
    assert body.count('class="mention" href="../../speakers/lena-ek/"') == 1
    assert "Also mentioned" in html


def test_briefing_lists_speakers_topics_and_related(site):
    html = read(site, "briefings/alpha/index.html")
    head = html[html.index("<h2 class=\"inline-heading\">Speakers"):]
    assert 'href="../../speakers/lena-ek/"' in head
    assert 'href="../../topics/shipping-lanes/">Shipping lanes</a>' in html
    related = html[html.index('id="related-title"'):]
    b, g = order(related, 'href="../beta/"', 'href="../gamma/"')
    assert b < g


def test_provision_note_shows_label_text_and_links_to_document(site):
    html = read(site, "briefings/alpha/index.html")
    note = html[html.index('id="note-alpha-art1"'):]
    note = note[:note.index("</aside>")]
    assert '<a href="../../documents/accord/#art-1">Article 1</a>' in note
    assert "The harbour stays <em>open</em>." in note


def test_document_page_timeline_oldest_first(site):
    html = read(site, "documents/accord/index.html")
    for pid in ("art-1", "art-2", "art-3"):
        assert f'id="{pid}"' in html
    art1 = html[html.index('id="art-1"'):html.index('id="art-2"')]
    a, b = order(art1, "../../briefings/alpha/#alpha-art1", "../../briefings/beta/#beta-art1")
    assert a < b
    assert "Discussed in 2 annotations" in art1
    art3 = html[html.index('id="art-3"'):]
    assert "Not yet discussed" in art3


def test_topics_pages(site):
    html = read(site, "topics/index.html")
    assert "Harbours and ports" in html and "Shipping lanes" in html
    topic = read(site, "topics/harbours/index.html")
    b, a = order(topic, "../../briefings/beta/", "../../briefings/alpha/")
    assert b < a
    assert "Everything about harbours." in topic


def test_annotations_index_grouped_by_kind(site):
    html = read(site, "annotations/index.html")
    for kind in ("provision", "statement", "note", "correction"):
        assert f'id="{kind}"' in html
    corrections = html[html.index('id="correction"'):]
    assert "../briefings/gamma/#gamma-fees" in corrections
    assert re.search(r"Corrections <span class=\"count\">\(1\)</span>", html)


def test_home_lists_newest_first(site):
    html = read(site, "index.html")
    g, b, a = order(html, 'href="briefings/gamma/"', 'href="briefings/beta/"', 'href="briefings/alpha/"')
    assert g < b < a


# --- the plan's variables for document pages ------------------------------------------------------

@pytest.fixture(scope="module")
def model():
    errors: list[ContentError] = []
    content = load(SITES / "crosslinks/content", errors)
    articles = anchor_all(content, errors)
    assert errors == []
    return content, build_index(content, articles)


def document_page(content, index):
    """Return the plan's page for the accord document."""
    return next(p for p in plan(content, index, search=False) if p.path == "documents/accord/index.html")


def test_document_page_gets_who_said_what_by_speaker(model):
    content, index = model
    context = document_page(content, index).context
    # Speakers in the order of their newest statement (beta is newer than alpha).
    assert context["said_by"] == {"art-1": (("ivan-petrov", (("beta", "petrov-fees"),)),
                                            ("lena-ek", (("alpha", "ek-open"),))),
                                  "art-2": (("ivan-petrov", (("beta", "petrov-fees"),)),), "art-3": ()}
    assert context["said_totals"] == {"art-1": 2, "art-2": 1, "art-3": 0}


def test_document_page_shows_the_newest_page_size_statements(model):
    content, index = model
    small = dataclasses.replace(content, site=dataclasses.replace(content.site, page_size=1))
    context = document_page(small, index).context
    assert context["said_by"]["art-1"] == (("ivan-petrov", (("beta", "petrov-fees"),)),)
    assert context["said_totals"]["art-1"] == 2


def test_by_speaker_keeps_each_speakers_statements_newest_first():
    said = (("bo", "c", "s3"), ("cy", "b", "s2"), ("bo", "b", "s1"), ("ann", "a", "s0"))
    assert by_speaker(said) == (("bo", (("c", "s3"), ("b", "s1"))), ("cy", (("b", "s2"),)),
                                ("ann", (("a", "s0"),)))
    assert by_speaker(()) == ()
