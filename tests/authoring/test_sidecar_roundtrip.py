"""What the sidecar writer writes reads back exactly: YAML's special values stay text, in every style
a sidecar may use, and random notes (hypothesis) change only their own lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring.test_sidecar import HANDMADE, LINE_BREAK, hunk, only_region_changed, place, raw
from conftest import ROOT, SITES
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.authoring.sidecar import Sidecar
from briefings.content.load import read_briefing

BASES = {
    "folded": (ROOT / "content/briefings/quota-statement-2026.yml").read_text(encoding="utf-8"),
    "plain": (SITES / "crosslinks/content/briefings/alpha.yml").read_text(encoding="utf-8"),
    "double-quoted": (SITES / "hostile/content/briefings/attack.yml").read_text(encoding="utf-8"),
    "literal-and-kept": HANDMADE["block-scalars"],
    "commented-crlf": HANDMADE["crlf"],
    "flow": HANDMADE["flow-list-lines"],
    "flow-entries": HANDMADE["flow-entries"],
    "no-final-newline": HANDMADE["no-final-newline"],
}
"""Sidecars whose notes are written in each style, by name."""
NOTES = st.one_of(st.text(), st.text(alphabet=st.sampled_from(list(":#'\"-?|>{}[],&*!%@`~ \n\t\\.0aé") + ["\r", "\u2028"])),
                  st.sampled_from(["yes", "null", "1.0", "2026-01-01", "- x", "# x", "a: b"]))
"""Random notes: any text, text made of YAML's special characters, and words YAML reads as other types."""
SPECIAL = ["yes", "No", "on", "null", "~", "", "1.0", "1e3", "0x1F", "012", "2026-01-01", "2026-01-01 10:00",
           "- a leading dash", "-", "# a hash", "a #hash inside", "key: value", "a:b", ": colon first",
           "? question", "'single'", '"double"', "it's", "trailing spaces  ", "  leading spaces", "tab\tinside",
           "two\nlines", "ends with a newline\n", "blank lines\n\n\nbetween\n\n", "ünïcødé ✓ 中文 🐟",
           "\u2028line separator", "\ufeffa byte order mark", "[not a list]", "{not: a map}", "*alias", "&anchor",
           "!tag", "%directive", "@at", "`tick", "|", ">", "...", "---", "a, b", "x " * 60 + "end"]


@pytest.mark.parametrize("value", SPECIAL, ids=repr)
@pytest.mark.parametrize("base", BASES)
def test_special_values_read_back_as_the_same_text(tmp_path, base, value):
    yml = place(tmp_path, BASES[base])
    old = BASES[base]
    count = len(raw(old)["annotations"])
    s = Sidecar.read(yml)
    for index in range(count):
        s.set_value(index, "note", value)
    s.add({"quote": "new quote", "note": value, "prefix": value})
    yml.write_bytes(s.text().encode("utf-8"))
    errors = []
    b = read_briefing("b", yml.with_suffix(".md"), yml, errors)
    assert errors == []
    assert [a.note for a in b.annotations] == [value] * (count + 1)
    assert b.annotations[-1].prefix == value


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from(sorted(BASES)), note=NOTES, index=st.integers(0, 20))
def test_a_random_note_reads_back_and_only_its_lines_change(base, note, index):
    old = BASES[base]
    index %= len(raw(old)["annotations"])
    s = Sidecar(Path("b.yml"), old.encode("utf-8"))
    s.set_value(index, "note", note)
    new = s.text()
    assert raw(new)["annotations"][index]["note"] == note
    expected = raw(old)
    expected["annotations"][index]["note"] = note
    assert raw(new) == expected
    if "\u2028" not in note and "\u2029" not in note and "\x85" not in note:  # PyYAML counts them as line breaks
        only_region_changed(old, new, index, "note", one_hunk=False)


@settings(max_examples=150, deadline=None)
@given(base=st.sampled_from(sorted(BASES)), quote=NOTES, note=NOTES)
def test_a_random_new_entry_reads_back_at_the_end(base, quote, note):
    old = BASES[base]
    s = Sidecar(Path("b.yml"), old.encode("utf-8"))
    s.add({"quote": quote, "kind": "note", "note": note, "occurrence": 2})
    expected = raw(old)
    expected["annotations"].append({"quote": quote, "kind": "note", "note": note, "occurrence": 2})
    assert raw(s.text()) == expected
    removed, _added = hunk(old, s.text())
    if "[" not in LINE_BREAK.split(old.partition("annotations:")[2])[0]:
        assert removed == []


@settings(max_examples=100, deadline=None)
@given(base=st.sampled_from(sorted(BASES)), steps=st.lists(st.tuples(st.sampled_from(["add", "set", "unset", "delete"]),
                                                                     st.integers(0, 20), NOTES),
                                                           max_size=6))
def test_edits_in_a_row_stay_exact(base, steps):
    old = BASES[base]
    s = Sidecar(Path("b.yml"), old.encode("utf-8"))
    expected = raw(old)["annotations"]
    for op, index, value in steps:
        if op == "add":
            s.add({"quote": value or "q", "note": value})
            expected.append({"quote": value or "q", "note": value})
            continue
        if not expected:
            continue
        index %= len(expected)
        if op == "set":
            s.set_value(index, "prefix", value)
            expected[index]["prefix"] = value
        elif op == "unset" and len(expected[index]) > 1:
            s.set_value(index, "note", None)
            expected[index].pop("note", None)
        elif op == "delete":
            s.delete(index)
            del expected[index]
    assert raw(s.text())["annotations"] == expected
    assert {k: v for k, v in raw(s.text()).items() if k != "annotations"} == \
        {k: v for k, v in raw(old).items() if k != "annotations"}

