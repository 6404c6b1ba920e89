"""A sidecar's new text is checked with the build's own loader, reference checks and anchoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.authoring.validate import checked, sidecar_check
from briefings.content.load import load
from briefings.errors import ContentError
from conftest import MINIMAL, write_files

SIDECAR = "title: First\ndate: 2024-01-02\nannotations:\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch):
    """The minimal site, loaded; returns (briefing, speakers, documents)."""
    write_files(tmp_path, MINIMAL)
    monkeypatch.chdir(tmp_path)
    errors: list[ContentError] = []
    content = load(Path("content"), errors)
    assert not errors
    return content.briefings[0], content.speakers, content.documents


def entry(quote: str, *lines: str) -> str:
    """Return one annotation entry of the list, as YAML lines."""
    return f"  - quote: {quote}\n" + "".join(f"    {line}\n" for line in lines)


def test_a_good_sidecar_passes_and_anchors(site):
    b, speakers, documents = site
    text = SIDECAR + entry("talks would resume", "kind: statement", "speaker: ana-berg") + entry("on Monday")
    new, article = checked(b, speakers, documents, False, text)
    assert [a.quote for a in new.annotations] == ["talks would resume", "on Monday"]
    start, end = article.spans[new.annotations[1].id]
    assert article.text[start:end] == "on Monday"
    sidecar_check(b, speakers, documents, False)(text)  # says nothing


@pytest.mark.parametrize("text, line, message", [
    (SIDECAR + entry("talks would resume", "kind: statement", "speaker: nobody"), 6, "unknown speaker 'nobody'"),
    (SIDECAR + entry("talks would resume", "kind: provision", "provision: treaty/art-9"), 6,
     "unknown provision 'treaty/art-9'"),
    (SIDECAR + entry("talks would resume", "kind: gossip"), 5, "unknown kind 'gossip'"),
    (SIDECAR + entry("not in the article"), 4, "not found"),
    (SIDECAR + "  - quote: [unclosed\n", 5, "invalid YAML"),
    ("title: First\nannotations: []\n", 1, "date"),
])
def test_what_the_build_would_reject_raises_its_error_at_the_sidecar(site, text, line, message):
    b, speakers, documents = site
    with pytest.raises(ContentError) as caught:
        sidecar_check(b, speakers, documents, False)(text)
    error = caught.value
    assert error.path == str(Path("content/briefings/first.yml")) and error.line == line, str(error)
    assert message in error.message
    assert str(error).startswith(f"content/briefings/first.yml:{line}:")


def test_the_first_error_in_file_order_is_raised(site):
    b, speakers, documents = site
    text = SIDECAR + entry("talks would resume", "kind: statement", "speaker: nobody") + entry("x", "kind: gossip")
    with pytest.raises(ContentError) as caught:
        sidecar_check(b, speakers, documents, False)(text)
    assert caught.value.line == 6 and "unknown speaker" in caught.value.message


def test_only_anchors_one_annotation_and_still_loads_all(site):
    b, speakers, documents = site
    text = SIDECAR + entry("still drifted") + entry("on Monday")
    sidecar_check(b, speakers, documents, False, only=1)(text)  # the drifted one is not this repair's
    with pytest.raises(ContentError, match="not found"):
        sidecar_check(b, speakers, documents, False, only=0)(text)
    with pytest.raises(ContentError, match="unknown kind"):
        sidecar_check(b, speakers, documents, False, only=1)(text + entry("x", "kind: gossip"))
    with pytest.raises(ContentError, match="no annotation number 3"):
        sidecar_check(b, speakers, documents, False, only=2)(text)


def test_the_body_checked_against_is_the_briefings_not_the_file_on_disk(site):
    b, speakers, documents = site
    Path("content/briefings/first.md").write_text("Something else entirely.\n", encoding="utf-8")
    sidecar_check(b, speakers, documents, False)(SIDECAR + entry("on Monday"))
