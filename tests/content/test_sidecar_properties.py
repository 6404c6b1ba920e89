"""Property: random sidecars built from the schema either build or fail with content errors only."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefings.errors import ContentError, flatten
from briefings.pipeline import Options, check
from conftest import MINIMAL, write_files

BODY = "Ana Berg said the talks would resume on Monday. The “talks” — again — resume…\n"
KEYS = ["title", "date", "source", "summary", "topics", "annotations", "titel", "extra"]
ANNOTATION_KEYS = ["quote", "kind", "id", "note", "speaker", "provision", "prefix", "suffix",
                   "occurrence", "colour"]

text = st.one_of(
    st.sampled_from(["talks", "the talks would resume", "Monday", "resume", "“talks”", "- again -",
                     "resume...", "", " ", "Ana Berg", "nothing like it", "{{ x }}", "<b>x</b>",
                     "../x", "A B", "ana-berg", "treaty/art-1", "treaty/nope", "2024-01-02",
                     "yesterday", "statement", "provision", "note", "correction", "kind"]),
    st.text(max_size=12))
scalar = st.one_of(text, st.integers(-3, 5), st.booleans(), st.none(), st.floats(allow_nan=False),
                   st.dates())
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(text, inner, max_size=3)),
                     max_leaves=6)
annotation = st.dictionaries(st.sampled_from(ANNOTATION_KEYS),
                             st.one_of(text, value), min_size=0, max_size=6)
sidecar = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(value, text, st.lists(annotation, max_size=4),
              st.fixed_dictionaries({"name": text}, optional={"url": text})),
    max_size=6)

# Mostly valid sidecars, so the property also covers builds that succeed.
QUOTES = ["the talks would resume", "Monday", "“talks”", "- again -", "resume…", "Ana Berg",
          "talks", "not in the text"]
plausible = st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=20), "date": st.dates()},
    optional={
        "summary": st.text(max_size=30),
        "topics": st.lists(st.sampled_from(["peace", "talks", "Bad Id", "a-b"]), max_size=3),
        "source": st.fixed_dictionaries({"name": st.text(min_size=1, max_size=10)},
                                        optional={"url": st.sampled_from(["https://x.org", "javascript:x"])}),
        "annotations": st.lists(st.fixed_dictionaries(
            {"quote": st.sampled_from(QUOTES), "kind": st.sampled_from(["note", "correction", "statement"])},
            optional={"speaker": st.sampled_from(["ana-berg", "nobody"]), "note": st.text(max_size=20),
                      "occurrence": st.integers(0, 3), "prefix": st.sampled_from(["the", "said", "x"])}),
            max_size=4),
    })


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(plausible, sidecar, value))
def test_random_sidecars_build_or_fail_cleanly(data):
    folder = Path(tempfile.mkdtemp())
    try:
        files = dict(MINIMAL)
        files["content/briefings/first.md"] = BODY
        files["content/briefings/first.yml"] = yaml.safe_dump(data, allow_unicode=True)
        write_files(folder, files)
        try:
            check(Options(content=folder / "content", templates=folder / "templates"))
            event("built")
        except Exception as exc:  # noqa: BLE001 - the property is about what escapes
            errors = flatten(exc)
            event("content error")
            assert errors, f"{type(exc).__name__}: {exc}"
            assert all(isinstance(e, ContentError) for e in errors)
            for e in errors:
                assert str(e).startswith(f"{e.path}:{e.line}:{e.column}: error: ")
    finally:
        shutil.rmtree(folder)
