"""The fast indented JSON writer makes exactly the bytes json.dumps makes."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from briefings import fastjson

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(values, st.integers(0, 3))
def test_same_bytes_as_json_dumps(value, indent):
    assert fastjson.dumps(value, indent) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)


def test_tuples_and_what_it_leaves_to_json_dumps():
    for value in ({"a": (1, "x")}, {"f": 1.5}, {1: "int key"}, [float("nan")], {"t": ("<", "\u2028")}):
        assert fastjson.dumps(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
