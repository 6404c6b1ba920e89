"""What a page reads of each briefing, as the rebuilds record it to decide which pages to keep."""

from __future__ import annotations

import jinja2
import pytest

from briefings.engine.reuse import EVERYTHING, Reads
from briefings.model import reads


class Thing:
    """A stand-in for a briefing or an article: plain attributes."""

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)


class FakeLookup:
    """Lookup helpers, over one briefing 'b1' with annotations 'a1' and 'a2', each marked with what it
    reads as the real ones are (model.reads); 'unmarked' has no mark."""

    def __init__(self) -> None:
        self.b = Thing(slug="b1", title="T", body="Body", annotations=("x", "y"))
        self.art = Thing(notes={"a1": "n1", "a2": "n2"}, chunks=(), summary_html="S")
        self.index = object()

    @reads("briefing")
    def briefing(self, slug):
        return self.b

    @reads("briefing")
    def article(self, slug):
        return self.art

    @reads("annotation")
    def annotation(self, slug, aid):
        return aid

    @reads("annotation")
    def quote_text(self, slug, aid):
        return "q"

    @reads("outline")
    def note_numbers(self, slug):
        return {"a1": 1, "a2": 2}

    @reads("shared")
    def speaker(self, sid):
        return sid

    def unmarked(self, slug):
        return slug


def reads_of(source: str, fine: bool = True):
    """Render a template with the helpers; return what it read."""
    reads = Reads(FakeLookup(), fine=fine)
    reads.start()
    jinja2.Environment().from_string(source).render(lookup=reads)
    return reads.deps()


@pytest.mark.parametrize("source,expected", [
    ("{{ lookup.briefing('b1').title }}", ["~b1."]),
    ("{{ lookup.briefing('b1').annotations|length }}", ["~b1."]),
    ("{% for a in lookup.briefing('b1').annotations %}{{ a }}{% endfor %}", ["~b1", "~b1."]),
    ("{{ lookup.article('b1').notes['a2'] }}", ["~b1.", "~b1:a2"]),
    ("{% for k, v in lookup.article('b1').notes.items() %}{{ v }}{% endfor %}", ["~b1", "~b1."]),
    ("{{ lookup.annotation('b1', 'a1') }}{{ lookup.quote_text('b1', 'a2') }}", ["~b1:a1", "~b1:a2"]),
    ("{{ lookup.note_numbers('b1') }}", ["~b1."]),
    ("{{ lookup.briefing('b1').body }}{{ lookup.annotation('b1', 'a1') }}", ["b1"]),
    ("{{ lookup.article('b1').chunks }}", ["b1"]),
    ("{{ lookup.index }}", EVERYTHING),
    ("{{ lookup.unmarked('b1') }}", EVERYTHING),  # a new helper without a mark: every page depends on it all
    ("{{ lookup.speaker('ana') }}", []),
])
def test_fine_reads(source, expected):
    assert reads_of(source) == expected


def test_coarse_reads_name_the_whole_outline():
    assert reads_of("{{ lookup.annotation('b1', 'a1') }}{{ lookup.briefing('b1').title }}", fine=False) == ["~b1"]
    assert reads_of("{{ lookup.briefing('b1').body }}{{ lookup.briefing('b1').title }}", fine=False) == ["b1"]


def test_reads_are_per_page():
    reads = Reads(FakeLookup())
    reads.start()
    assert reads.briefing("b1").body == "Body"
    reads.start()
    assert reads.briefing("b1").title == "T" and reads.deps() == ["~b1"]
