"""Anchoring fixture cases: Markdown + annotations (YAML) -> the body HTML, or the errors.

Each file in tests/text/fixtures/anchor/ holds cases in the style of markdown-it-py's fixtures:

    title line
    .
    input Markdown
    .
    annotations: a YAML list of annotation mappings, as under 'annotations:' in a sidecar
    .
    expected body HTML, or the expected errors, one per line ("annotations.yml:LINE:COL: error: ...",
    LINE counted from the first line of the YAML section)
    .

Every case that anchors is also checked for what holds for any input: well-formed HTML, every
annotation reachable by its id, and the same text as the body rendered with no annotations.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from briefings.text.anchor import anchor
from briefings.errors import ContentError, flatten
from briefings.content.load import ANNOTATION, make_annotation
from briefings.text.match import Text, find_all
from briefings.text.mentions import Mentions
from briefings.model import Annotation, Article, Briefing, Speaker
from briefings.content.yamlschema import Checker, ListOf, Loader

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "anchor"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SPEAKERS = {"ana-berg": Speaker(id="ana-berg", name="Ana Berg", aliases=("Berg",)),
            "li-wei": Speaker(id="li-wei", name="Li Wei")}


@dataclass(frozen=True)
class Case:
    """One fixture case."""

    file: str
    line: int
    title: str
    markdown: str
    annotations: str
    expected: str


def read_cases(path: Path) -> list[Case]:
    """Parse a fixture file: title, '.', then three sections each closed by a '.' line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start, title = i + 1, lines[i].strip()
        assert lines[i + 1].rstrip("\n") == ".", f"{path.name}:{i + 2}: expected '.' after the title"
        sections, i = [], i + 2
        for _ in range(3):
            end = next((j for j in range(i, len(lines)) if lines[j].rstrip("\n") == "."), None)
            assert end is not None, f"{path.name}:{start}: case '{title}' is not closed by '.'"
            sections.append("".join(lines[i:end]))
            i = end + 1
        cases.append(Case(path.name, start, title, *sections))
    return cases


def annotations_from_yaml(source: str, path: str = "annotations.yml") -> tuple[Annotation, ...]:
    """Read a YAML list of annotations the way the loader reads a sidecar, positions included."""
    if not source.strip():
        return ()
    checker, errors = Checker(path), []
    items = checker.value(yaml.compose(source, Loader=Loader), ListOf(ANNOTATION), "annotations")
    assert not checker.errors, "\n".join(map(str, checker.errors))
    found = tuple(make_annotation(fields, at, errors) for fields, at in items)
    assert not errors, "\n".join(map(str, errors))
    return found


def briefing(body: str, annotations=(), slug: str = "x") -> Briefing:
    """Return a briefing with the given body and annotations."""
    return Briefing(slug=slug, title="T", date=dt.date(2024, 1, 1), body=body, md_path=f"{slug}.md",
                    yml_path="annotations.yml", annotations=tuple(annotations))


def render(body: str, annotations=(), speakers=None) -> Article:
    """Anchor a body; raise the ExceptionGroup of content errors if any."""
    return anchor(briefing(body, annotations), False, Mentions(speakers or {}))


def errors_of(body: str, annotations) -> list[str]:
    """Return the anchoring errors of a body as strings (empty when it anchors)."""
    try:
        render(body, annotations)
    except ExceptionGroup as group:
        return [str(e) for e in flatten(group)]
    return []


class Shape(HTMLParser):
    """Parse HTML, recording nesting errors, ids, text, and the text under each annotation id."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.chunks: list[str] = []
        self.marked: dict[str, list[str]] = defaultdict(list)
        self.feed(source)
        self.close()
        self.problems += [f"<{tag}> never closed" for tag, _ in self.stack]

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "id" in found:
            self.ids.append(found["id"])
        if tag not in VOID:
            self.stack.append((tag, found))

    def handle_startendtag(self, tag, attrs):
        found = dict(attrs)
        if "id" in found:
            self.ids.append(found["id"])
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            open_ = self.stack[-1][0] if self.stack else "nothing"
            self.problems.append(f"</{tag}> closes {open_}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.chunks.append(data)
        covering = {i for tag, a in self.stack if tag == "mark"
                    for i in (a.get("data-annotations") or "").split()}
        for aid in covering:
            self.marked[aid].append(data)

    @property
    def text(self) -> str:
        """The text content, tags stripped and entities decoded."""
        return "".join(self.chunks)


def check_invariants(body: str, article: Article, annotations) -> Shape:
    """Assert what must hold for any anchored body; return its parsed shape."""
    shape = Shape(article.html)
    assert not shape.problems, shape.problems
    assert len(shape.ids) == len(set(shape.ids)), f"duplicate ids: {shape.ids}"
    for a in annotations:
        assert a.id in shape.ids, f"no element with id={a.id}"
        assert "".join(shape.marked[a.id]), f"annotation {a.id} highlights nothing"
    assert shape.text == Shape(render(body).html).text
    return shape


CASES = [c for path in sorted(FIXTURES.glob("*.md")) for c in read_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.line}" for c in CASES])
def test_fixture(case: Case):
    annotations = annotations_from_yaml(case.annotations)
    try:
        article = render(case.markdown, annotations, SPEAKERS)
    except ExceptionGroup as group:
        got = "".join(f"{e}\n" for e in flatten(group))
        assert got == case.expected, f"{case.file}:{case.line} {case.title}"
        return
    assert article.html == case.expected, f"{case.file}:{case.line} {case.title}"
    check_invariants(case.markdown, article, annotations)


def test_fixture_files_parse():
    assert len(CASES) >= 40
    titles = [(c.file, c.title) for c in CASES]
    assert len(titles) == len(set(titles)), "two cases share a title"


def test_error_cases_point_at_the_yaml_field():
    body = "The council met. The council agreed.\n"
    source = textwrap.dedent("""\
        - id: a
          quote: the council met
        - id: b
          kind: note
          quote: The council
        - id: c
          quote: The council
          occurrence: 5
        """)
    errors = errors_of(body, annotations_from_yaml(source))
    assert [e.split(": error: ")[0] for e in errors] == [
        "annotations.yml:2:10", "annotations.yml:5:10", "annotations.yml:8:15"]
    assert 'closest passage (score 0.97): "The council met"' in errors[0]
    assert "matches 2 places" in errors[1] and "'occurrence'" in errors[1]
    assert "occurrence 5 is out of range: the quote matches 2 times" in errors[2]


def test_every_error_of_a_briefing_is_reported_at_once():
    annotations = annotations_from_yaml("".join(f"- {{id: a{i}, quote: missing words {i}}}\n"
                                                for i in range(5)))
    assert len(errors_of("Some text.\n", annotations)) == 5


def test_ambiguous_lists_every_match_with_context():
    body = "Alpha said yes. Beta said yes. Gamma said yes.\n"
    [error] = errors_of(body, annotations_from_yaml("- {id: a, quote: said yes}\n"))
    assert "matches 3 places" in error
    for n, who in enumerate(("Alpha", "Beta", "Gamma"), 1):
        assert f'({n}) "' in error and f"{who} [said yes]" in error
    for field in ("'prefix'", "'suffix'", "'occurrence'"):
        assert field in error


def test_ambiguous_listing_is_capped_and_counts_the_rest():
    body = "x. " * 25 + "\n"
    [error] = errors_of(body, annotations_from_yaml("- {id: a, quote: x.}\n"))
    assert "matches 25 places" in error and "(10) " in error and "(11) " not in error
    assert error.endswith("and 15 more")


def test_prefix_that_never_fits_is_reported_at_the_prefix():
    body = "One vote. Two votes.\n"
    source = "- id: a\n  quote: vote\n  prefix: Three\n"
    [error] = errors_of(body, annotations_from_yaml(source))
    assert error.startswith("annotations.yml:3:11: error: quote found 2 times but never")


def test_occurrence_counts_among_the_matches_that_fit():
    body = "A yes. B yes. A yes. B yes.\n"
    source = "- {id: a, quote: yes, prefix: B, occurrence: 2}\n"
    article = render(body, annotations_from_yaml(source))
    assert article.spans["a"] == (23, 26)


def test_not_found_without_any_similar_passage():
    [error] = errors_of("Short text.\n", annotations_from_yaml("- {id: a, quote: zzzz qqqq}\n"))
    assert "quote not found" in error and "closest passage" not in error


def test_closest_passage_is_the_current_text_after_an_edit():
    body = ("The delegation rejected the preventive use of force and asked the council to "
            "reconsider the mandate of the observer mission before the summit.\n")
    cases = {
        "pre-emptive use of force": "preventive use of force",
        "asked the Council to reconsider the mandate": "asked the council to reconsider the mandate",
        "reconsider the mandate of the observation mission":
            "reconsider the mandate of the observer mission",
        "the delegation strongly rejected the preventive use":
            "The delegation rejected the preventive use",
    }
    for quote, passage in cases.items():
        [error] = errors_of(body, [Annotation(id="a", quote=quote, kind="note")])
        assert re.search(rf'closest passage \(score 0\.\d\d\): "{re.escape(passage)}"', error), error


def test_spans_are_offsets_into_the_visible_text():
    body = "Intro *with emphasis* here.\n\n- one\n- two\n"
    article = render(body, annotations_from_yaml("- {id: a, quote: here. one}\n"))
    start, end = article.spans["a"]
    assert article.text[start:end] == "here.\none"


def test_two_links_in_one_text_token_both_link():
    body = "Ana Berg met Li Wei on Monday.\n"
    html = render(body, (), SPEAKERS).html
    assert html.count('<a class="mention"') == 2
    assert '<a class="mention" href="../../speakers/li-wei/">Li Wei</a>' in html


def test_mention_link_wraps_the_marks_inside_it():
    body = "Yesterday Ana Berg spoke.\n"
    annotations = annotations_from_yaml(
        "- {id: a, quote: Yesterday Ana}\n- {id: b, quote: Berg spoke}\n")
    article = render(body, annotations, SPEAKERS)
    shape = check_invariants(body, article, annotations)
    assert "".join(shape.marked["a"]) == "Yesterday Ana"
    assert '<a class="mention" href="../../speakers/ana-berg/"><mark' in article.html


def test_notes_are_placed_after_the_block_where_the_highlight_ends():
    body = "# Head line\n\nFirst para.\n\n| a | b |\n|---|---|\n| cell one | cell two |\n\nLast.\n"
    source = "- {id: h, quote: Head}\n- {id: f, quote: First}\n- {id: t, quote: cell two}\n"
    article = render(body, annotations_from_yaml(source))
    notes = [ids for _, ids in article.chunks if ids]
    assert notes == [("h",), ("f",), ("t",)]
    assert article.chunks[1][0].endswith("</p>\n") and article.chunks[2][0].endswith("</table>\n")


def test_no_note_splits_a_highlight_that_runs_across_blocks():
    body = "First para.\n\nSecond para.\n\nThird para.\n"
    source = ("- {id: long, quote: para. Second para. Third}\n- {id: inner, quote: First}\n"
              "- {id: mid, quote: Second}\n- {id: after, quote: Third para.}\n")
    article = render(body, annotations_from_yaml(source))
    # 'long' overlaps 'mid' and 'after' and touches 'inner''s paragraph: one group, notes after it.
    assert [ids for _, ids in article.chunks if ids] == [("inner", "long", "mid", "after")]
    assert article.chunks[0][0].count("<p>") == 3


def test_chunks_join_to_the_whole_body():
    body = "- a one\n- a two\n\n> quoted text\n\n1. first\n2. second\n\n```\ncode\n```\n"
    source = ("- {id: x, quote: one}\n- {id: y, quote: quoted}\n- {id: z, quote: second}\n"
              "- {id: w, quote: code}\n")
    annotations = annotations_from_yaml(source)
    article = render(body, annotations)
    assert len(article.chunks) == 5
    plain = render(body).html
    assert Shape(article.html).text == Shape(plain).text
    assert article.html.replace("\n", "").count("<li>") == plain.count("<li>")


def test_derived_ids_are_stable_and_reachable():
    source = "- quote: Talks resume\n  occurrence: 1\n- quote: Talks resume\n  occurrence: 2\n"
    annotations = annotations_from_yaml(source)
    article = render("Talks resume. Talks resume.\n", annotations)
    shape = check_invariants("Talks resume. Talks resume.\n", article, annotations)
    assert {a.id for a in annotations} <= set(shape.ids)
    assert annotations[0].id.startswith("talks-resume-")


def test_content_error_is_a_content_error():
    with pytest.raises(ExceptionGroup) as info:
        render("Text.\n", [Annotation(id="a", quote="nope nope", kind="note")])
    assert all(isinstance(e, ContentError) for e in flatten(info.value))


def test_big_article_anchors():
    paragraph = ("The council met on day {i} and *agreed* to [act](https://example.org/{i}) on "
                 "`item {i}` after a long debate about the mandate of the mission.\n\n")
    body = "".join(paragraph.format(i=i) for i in range(7000))  # about 1 MB
    assert len(body) > 1_000_000
    annotations = [Annotation(id=f"a{i}", quote=f"met on day {i} and agreed", kind="note")
                   for i in range(0, 7000, 700)]
    article = render(body, annotations)
    assert len(article.spans) == 10


def test_many_annotations_anchor():
    body = "".join(f"Item {i} of the list says *something* about topic {i}.\n\n" for i in range(2000))
    annotations = [Annotation(id=f"a{i}", quote=f"Item {i} of the list says", kind="note")
                   for i in range(2000)]
    annotations += [Annotation(id=f"b{i}", quote=f"says something about topic {i}.", kind="note",
                               note="A *short* note.") for i in range(2000)]
    article = render(body, annotations)
    assert len(article.spans) == 4000
    assert article.html.count('data-annotations="a1999 b1999"') == 1


def test_quotes_found_through_the_word_index_are_the_quotes_a_scan_finds():
    # Enough quotes for the index to be built part way through; each kind of lookup is used.
    body = "".join(f"Sentence {i} says token{i} here, and group{i // 4} agrees.\n\n"
                   for i in range(300))
    quotes = [(f"token{i} here", 0) if i % 3 == 0 else (f"group{i // 4} agrees.", i % 4 + 1)
              if i % 3 == 1 else (f"oken{i} he", 0) for i in range(300)]
    quotes += [("says token1", 5), ("n12 here", 0), ("299 says token299 here, and", 0)]
    annotations = [Annotation(id=f"a{n}", quote=q, kind="note", occurrence=o)
                   for n, (q, o) in enumerate(quotes)]
    article = render(body, annotations)
    for a in annotations:
        matches = find_all(Text(article.text), a.quote)  # a fresh text: scanned, never indexed
        assert article.spans[a.id] == matches[max(a.occurrence, 1) - 1], a.quote


def test_many_ambiguous_quotes_give_small_errors_with_no_traceback():
    body = "A word and a word and a word. " * 400 + "\n"
    annotations = annotations_from_yaml("".join(f"- {{id: a{i}, quote: a}}\n" for i in range(300)))
    with pytest.raises(ExceptionGroup) as info:
        render(body, annotations)
    errors = flatten(info.value)
    assert len(errors) == 300
    for e in errors:
        assert e.__traceback__ is None and e.__context__ is None
        assert vars(e).keys() == {"path", "line", "column", "message"} and len(str(e)) < 1000
        assert "it matches 1600 places, all equally close (score 1.00);" in e.message and e.message.endswith("and 1590 more")
