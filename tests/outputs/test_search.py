"""The search index's records (outputs/search.py), Pagefind run as a service (indexer.py) and its
filter files put in a stable order (canonical.py)."""

from __future__ import annotations

import gzip
import json

import pytest

from briefings.engine.reading import read_all
from briefings.outputs import canonical
from briefings.outputs.indexer import index_part
from briefings.outputs.publish import search_available
from briefings.outputs.search import SearchRecord, briefing_record, page_records, parts_of, shared_inputs
from conftest import require

SITE = {
    "content/site.yml": "title: Test site\n",
    "content/speakers/ana-berg.yml": "name: Ana Berg\nrole: Spokesperson\nbio: Speaks for the *ministry*.\n",
    "content/speakers/li-wei.yml": "name: Li Wei\n",
    "content/documents/treaty.yml": "title: The Treaty\nissuer: The Assembly\nprovisions:\n"
                                    "  - id: art-1\n    label: Article 1\n    text: Peace **forever**.\n",
    "content/topics/fish.yml": "title: Fisheries\ndescription: Boats and quotas.\n",
    "content/briefings/first.md": "Ana Berg said the talks would resume on Monday. Li Wei agreed.\n",
    "content/briefings/first.yml": (
        "title: First talks\ndate: 2024-01-02\ntopics: [fish]\nsource: {name: The Ministry}\nannotations:\n"
        "  - quote: talks would resume\n    kind: statement\n    speaker: ana-berg\n    note: A *firm* date.\n"
        "  - quote: on Monday\n    kind: provision\n    provision: treaty/art-1\n"),
    "content/briefings/second.md": "Nothing was said.\n",
    "content/briefings/second.yml": "title: Second\ndate: 2023-05-06\n",
    "content/briefings/third.md": "Still nothing.\n",
    "content/briefings/third.yml": "title: Third\ndate: 2024-07-08\n",
}


def model_of(project, files: dict | None = None):
    """Read a site made of SITE (and files) into the model."""
    root = project({**SITE, **(files or {})}, base=None)
    errors: list = []
    model = read_all(root / "content", errors, None)
    assert errors == []
    return model


def test_a_briefings_record_holds_its_text_notes_and_filters(project):
    model = model_of(project)
    b = next(b for b in model.content.briefings if b.slug == "first")
    r = briefing_record(b, model.articles["first"], model.content)
    assert (r.url, r.title) == ("/briefings/first/", "First talks")
    lines = r.content.splitlines()
    assert lines[:5] == ["Fisheries", "First talks", "2 January 2024", "The Ministry", "Ana Berg"]
    assert "Li Wei" in lines  # named, not speaking: searchable, not a speaker filter
    assert "Ana Berg said the talks would resume on Monday. Li Wei agreed." in lines
    assert lines[-2:] == ["Statement, Ana Berg: “talks would resume” A firm date.", "Provision, Article 1: “on Monday”"]
    assert r.filters == (("speaker", ("Ana Berg",)), ("kind", ("Provision", "Statement")), ("topic", ("Fisheries",)),
                         ("year", ("2024",)))
    second = next(b for b in model.content.briefings if b.slug == "second")
    assert briefing_record(second, model.articles["second"], model.content).filters == (("year", ("2023",)),)


def test_parts_are_the_years_newest_first(project):
    parts = parts_of(model_of(project).content)
    assert {name: [b.slug for b in bs] for name, bs in parts.items()} == {"2024": ["first", "third"], "2023": ["second"]}
    assert list(parts) == ["2024", "2023"]


def test_speakers_documents_and_topics_have_records_of_their_own(project):
    records = {r.url: r for r in page_records(model_of(project).content)}
    assert list(records) == ["/speakers/ana-berg/", "/speakers/li-wei/", "/documents/treaty/", "/topics/fish/"]
    assert records["/speakers/ana-berg/"].content == "Ana Berg\nSpokesperson\nSpeaks for the ministry."
    assert records["/speakers/ana-berg/"].filters == (("speaker", ("Ana Berg",)),)
    assert records["/documents/treaty/"].content == "The Treaty\nThe Assembly\nArticle 1\nPeace forever."
    assert records["/topics/fish/"].filters == (("topic", ("Fisheries",)),)


def test_shared_inputs_change_with_what_records_read_of_the_shared_content(project):
    before = shared_inputs(model_of(project).content)
    renamed = shared_inputs(model_of(project, {"content/speakers/ana-berg.yml": "name: Ana Berg-Li\n"}).content)
    retitled = shared_inputs(model_of(project, {"content/topics/fish.yml": "title: Fish\n"}).content)
    assert len({before, renamed, retitled}) == 3
    assert shared_inputs(model_of(project).content) == before


# --- filter files in a stable order ---------------------------------------------------------------

def pf(value) -> bytes:
    """Return a pagefind-style file holding a value."""
    return gzip.compress(canonical.MAGIC + canonical.encode(value), mtime=0)


def index_with(values: list) -> dict[str, bytes]:
    """Return the files of an index (as pagefind lays them out) with one filter of these values."""
    return {"pagefind-entry.json": b'{"version":"1.5.2","languages":{"en":{"hash":"en_0123456789",'
                                   b'"wasm":"en","page_count":3}},"include_characters":["_","\xe2\x80\xbf"]}',
            "pagefind.en_0123456789.pf_meta": pf(["1.5.2", [["en_aaaaaaa", 12]], [["a", "z", "en_bbbbbbb"]],
                                                  [["year", "en_ccccccc"]], [], ["title"]]),
            "filter/en_ccccccc.pf_filter": pf(["year", values]),
            "index/en_bbbbbbb.pf_index": b"index"}


def test_filter_values_are_sorted_and_the_files_renamed_to_match():
    one = canonical.canonical(index_with([["2024", [0, 2]], ["2023", [1]], ["20000", [300]]]))
    other = canonical.canonical(index_with([["2023", [1]], ["20000", [300]], ["2024", [0, 2]]]))
    assert one == other
    [name] = [p for p in one if p.startswith("filter/")]
    assert canonical.unpack(one[name]) == ["year", [["20000", [300]], ["2023", [1]], ["2024", [0, 2]]]]  # as text
    entry = json.loads(one["pagefind-entry.json"])
    meta = canonical.unpack(one[f"pagefind.{entry['languages']['en']['hash']}.pf_meta"])
    assert meta[3] == [["year", name.removeprefix("filter/").removesuffix(".pf_filter")]]
    assert one["index/en_bbbbbbb.pf_index"] == b"index" and len(one) == 4


def test_files_in_an_unknown_form_are_left_as_pagefind_wrote_them():
    files = index_with([["b", [0]], ["a", [1]]])
    files["filter/en_ccccccc.pf_filter"] = gzip.compress(canonical.MAGIC + b"\x9f\xff")  # indefinite length
    assert canonical.canonical(files) == files
    longer = index_with([["b", [0]], ["a", [1]]])
    longer["filter/en_ccccccc.pf_filter"] = gzip.compress(canonical.MAGIC + b"\x82\x78\x04year\x80")  # not shortest
    assert canonical.canonical(longer) == longer


@pytest.mark.parametrize("n", [0, 23, 24, 255, 256, 65535, 65536, 2**32])
def test_cbor_integers_round_trip_in_their_shortest_form(n):
    data = canonical.encode([n, "x" * (n % 300)])
    assert canonical.decode(data) == ([n, "x" * (n % 300)], len(data))
    assert len(canonical.head(0, n)) == 1 + (0 if n < 24 else 1 if n < 256 else 2 if n < 65536 else 4 if n < 2**32 else 8)


def test_the_same_records_give_the_same_files():
    require(search_available(), "pagefind is not installed")
    records = [SearchRecord(f"/briefings/b-{i}/", f"B {i}", f"text {i} about boats",
                            (("speaker", (f"S{i % 7}", f"S{(i + 3) % 7}")), ("year", (str(2000 + i % 5),))))
               for i in range(60)]
    first, second = index_part(records, "en"), index_part(records, "en")
    assert first == second
    assert sum(p.startswith("filter/") for p in first) == 2
    assert not any(p.startswith(("pagefind-ui", "pagefind-highlight")) for p in first)
    assert {"pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"} <= first.keys()


def test_record_text_reaches_the_index_as_it_is():
    require(search_available(), "pagefind is not installed")
    files = index_part([SearchRecord("/x/", "<b>T</b>", "a <script>alert(1)</script> & more")], "en")
    fragment = gzip.decompress(next(v for p, v in files.items() if p.startswith("fragment/")))
    # Kept raw: Pagefind's own script escapes < and > of excerpts; the UI shows titles as text.
    assert b'"content":"a <script>alert(1)</script> & more"' in fragment and b'"title":"<b>T</b>"' in fragment

