"""No step grows quadratically with the archive: related briefings, mentions, listings, pagination.

Counted, not timed: the index and the page plan are traced line by line for a generated archive
and for one twice its size; linear work about doubles, quadratic work quadruples.
Related briefings are found without comparing every pair, and must rank exactly as counting does.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from briefings import index as index_module
from briefings.errors import ContentError
from briefings.index import build_index, features, ranked_by_counting, related
from briefings.content.load import load
from briefings.model import Annotation, Article, Briefing, Content, SiteConfig
from briefings.pages.plan import Pager, plan
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benches"))
import corpus  # noqa: E402


def briefing(slug: str, day: int, provisions, speakers, topics) -> Briefing:
    """Return a briefing citing these provisions, quoting these speakers, on these topics."""
    notes = [Annotation(id=f"p{i}", quote="q", kind="provision", provision=p) for i, p in enumerate(provisions)]
    notes += [Annotation(id=f"s{i}", quote="q", kind="statement", speaker=s) for i, s in enumerate(speakers)]
    return Briefing(slug=slug, title=slug, date=dt.date(2024, 1, 1) + dt.timedelta(days=day), body="x",
                    md_path="x.md", yml_path="x.yml", topics=tuple(dict.fromkeys(topics)),
                    annotations=tuple(notes))


def content_of(briefings: list[Briefing]) -> Content:
    """Return content holding these briefings in the model's order."""
    ordered = tuple(sorted(briefings, key=lambda b: (b.date, b.slug)))
    return Content(site=SiteConfig(title="t"), briefings=ordered, speakers={}, documents={}, topics={})


def speakers_of(content: Content) -> dict[str, tuple[str, ...]]:
    """Return each briefing's quoted speakers."""
    return {b.slug: tuple(dict.fromkeys(a.speaker for a in b.annotations if a.speaker))
            for b in content.briefings}


few = st.lists(st.sampled_from("abcde"), max_size=4)
archives = st.lists(st.tuples(st.integers(0, 12), few, st.lists(st.sampled_from("xyz"), max_size=3),
                              st.lists(st.sampled_from("tuv"), max_size=3)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(archives)
def test_related_ranks_exactly_as_counting_every_pair(rows):
    # Few distinct values and many equal dates: ties at every level, and sets shared by many.
    content = content_of([briefing(f"b{n}", day, [f"doc/{p}" for p in ps], ss, ts)
                          for n, (day, ps, ss, ts) in enumerate(rows)])
    said = speakers_of(content)
    feats, kinds = features(content, said)
    assert related(content, said) == ranked_by_counting([b.slug for b in content.briefings], feats, kinds)


def test_pathological_sharing_falls_back_to_counting(monkeypatch):
    rows = [briefing(f"b{n}", n % 3, [f"doc/{p}" for p in "abcdefgh"], ["x", "y"], ["t"]) for n in range(6)]
    content = content_of(rows)
    expected = related(content, speakers_of(content))
    monkeypatch.setattr(index_module, "MINING_BUDGET", 0)
    assert index_module.shared_sets(features(content, speakers_of(content))[0], 0) is None
    assert related(content, speakers_of(content)) == expected


def test_pagination_shows_a_bounded_number_of_pages():
    assert Pager(1, 1, "").shown() == [1]
    assert Pager(3, 4, "").shown() == [1, 2, 3, 4]
    assert Pager(50, 1000, "").shown() == [1, 2, 3, 48, 49, 50, 51, 52, 998, 999, 1000]
    assert all(len(Pager(n, 1000, "").shown()) <= 11 for n in range(1, 1001))


def traced_lines(content: Content, articles: dict[str, Article]) -> int:
    """Count the lines executed in the index and page-plan modules while indexing and planning."""
    watched = {str(Path(index_module.__file__)), str(ROOT / "briefings/pages/plan.py")}
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename not in watched:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        plan(content, build_index(content, articles), False)
    finally:
        sys.settrace(None)
    return count


def archive(tmp_path: Path, n: int) -> tuple[Content, dict[str, Article]]:
    """Load a generated archive of n briefings, with stand-in articles (spans in sidecar order)."""
    errors: list[ContentError] = []
    content = load(corpus.write(n, tmp_path / str(n)), errors)
    assert errors == []
    articles = {b.slug: Article(slug=b.slug, text="", spans={a.id: (i, i + 1) for i, a in enumerate(b.annotations)},
                                notes={}, chunks=(), mentioned=("s-1", "s-2")) for b in content.briefings}
    return content, articles


def test_indexing_and_planning_grow_linearly(tmp_path):
    small = traced_lines(*archive(tmp_path, 600))
    large = traced_lines(*archive(tmp_path, 1200))
    # Measured: 2.3 (sets shared by two briefings still multiply at this size); counting every
    # pair of briefings that share a topic made it 3.7.
    assert large / small < 3.0, (small, large)
