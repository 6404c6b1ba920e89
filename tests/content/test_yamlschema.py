"""Units of the YAML layer without a content folder: compose, read_text and the schema Checker."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from briefings.content import yamlschema
from briefings.errors import ContentError
from briefings.content.yamlschema import Checker, Field, ListOf, compose, read_text

SCHEMA = {
    "title": Field("str", True), "slug": Field("id"), "date": Field("date"), "count": Field("int"),
    "flag": Field("bool"), "tags": Field(ListOf("id")), "names": Field(ListOf("str")),
    "source": Field({"name": Field("str", True), "url": Field("str")}),
    "items": Field(ListOf({"quote": Field("str", True), "kind": Field("str")})),
}


def check(text: str, schema: dict = SCHEMA, what: str = "thing") -> tuple[dict, list[str]]:
    """Check YAML text against a schema; return the values and the error lines."""
    checker = Checker("x.yml")
    fields = checker.mapping(compose(text, "x.yml"), schema, what)
    return {k: v for k, (v, _) in fields.items()}, [str(e) for e in checker.errors]


def errors(text: str, schema: dict = SCHEMA) -> list[str]:
    """Return only the error lines."""
    return check(text, schema)[1]


def compose_error(text: str) -> str:
    """Return the error compose raises for text."""
    with pytest.raises(ContentError) as info:
        compose(text, "x.yml")
    return str(info.value)


# --- values -------------------------------------------------------------------------------------

def test_plain_values_are_converted():
    values, errs = check(
        "title: Hello\nslug: a-b-1\ndate: 2024-02-29\ncount: 3\nflag: true\ntags: [a, b]\n"
        "names: [Ana, 'Бе рг']\nsource: {name: N, url: 'https://x'}\n"
        "items:\n  - quote: q\n    kind: note\n")
    assert errs == []
    assert values["title"] == "Hello" and values["slug"] == "a-b-1"
    assert values["date"] == dt.date(2024, 2, 29) and values["count"] == 3 and values["flag"] is True
    assert [v for v, _ in values["tags"]] == ["a", "b"]
    assert [v for v, _ in values["names"]] == ["Ana", "Бе рг"]
    assert values["source"]["name"][0] == "N" and values["source"]["url"][0] == "https://x"
    assert values["items"][0][0]["quote"][0] == "q"


def test_positions_are_one_based_and_point_at_the_value():
    checker = Checker("x.yml")
    fields = checker.mapping(compose("title: Hello\ntags:\n  - a\n  -   b\n", "x.yml"), SCHEMA, "thing")
    assert (fields["title"][1].line, fields["title"][1].column) == (1, 8)
    (_, first), (_, second) = fields["tags"][0]
    assert (first.line, first.column) == (3, 5)
    assert (second.line, second.column) == (4, 7)


def test_numbers_and_dates_written_as_text_are_still_text_for_str_fields():
    values, errs = check("title: 2024-01-02\nnames: [5, true, 1.5]\n")
    assert errs == []
    assert values["title"] == "2024-01-02"
    assert [v for v, _ in values["names"]] == ["5", "true", "1.5"]


def test_quoted_date_is_accepted():
    assert check("title: t\ndate: '2024-01-02'\n")[0]["date"] == dt.date(2024, 1, 2)


def test_blank_optional_text_is_empty_and_blank_optional_list_is_none():
    values, errs = check("title: t\nsource:\n  name: n\n  url:\ntags:\nnames: []\n")
    assert errs == []
    assert values["source"]["url"][0] == "" and values["tags"] == [] and values["names"] == []


# --- errors -------------------------------------------------------------------------------------

def test_unknown_key_suggests_the_closest_known_key():
    assert errors("title: t\ntilte: u\n") == [
        "x.yml:2:1: error: unknown key 'tilte' in thing; did you mean 'title'?"]


def test_unknown_key_without_a_close_match_lists_the_known_keys():
    assert errors("title: t\nzzz: u\n", {"title": Field("str", True), "url": Field("str")}) == [
        "x.yml:2:1: error: unknown key 'zzz' in thing; known keys: title, url"]


def test_unknown_key_in_a_nested_mapping_names_it():
    assert errors("title: t\nsource: {name: n, ulr: u}\n") == [
        "x.yml:2:19: error: unknown key 'ulr' in 'source'; did you mean 'url'?"]


def test_duplicate_key_is_an_error():
    assert errors("title: t\ntitle: u\n") == ["x.yml:2:1: error: duplicate key 'title' in thing"]


def test_missing_required_key_points_at_the_mapping():
    assert errors("slug: s\n") == ["x.yml:1:1: error: thing is missing required key 'title'"]
    assert errors("title: t\nitems:\n  - kind: note\n") == [
        "x.yml:3:5: error: 'items' item is missing required key 'quote'"]


def test_blank_required_text_is_an_error():
    assert errors("title:\n") == ["x.yml:1:7: error: 'title' is empty; thing needs it"]
    assert errors("title: '  '\n") == ["x.yml:1:8: error: 'title' is empty; thing needs it"]


@pytest.mark.parametrize("value", ["../x", "A B", "Upper", "a--b", "-a", "a-", "a_b", "é"])
def test_illegal_ids(value):
    assert errors(f"title: t\nslug: '{value}'\n") == [
        f"x.yml:2:7: error: 'slug' has illegal id '{value}': "
        "ids use lowercase a-z, 0-9 and single hyphens between them"]


def test_illegal_id_in_a_list_names_the_list():
    assert errors("title: t\ntags: [ok, ../x, A B]\n") == [
        "x.yml:2:12: error: 'tags' item has illegal id '../x': "
        "ids use lowercase a-z, 0-9 and single hyphens between them",
        "x.yml:2:18: error: 'tags' item has illegal id 'A B': "
        "ids use lowercase a-z, 0-9 and single hyphens between them"]


@pytest.mark.parametrize("value", ["yesterday", "2024-1-2", "2024-01-02T10:00:00", "20240102", "2024-01-0",
                                   "٢٠٢٤-01-02"])
def test_dates_not_written_yyyy_mm_dd(value):
    assert errors(f"title: t\ndate: {value}\n") == [
        f"x.yml:2:7: error: 'date' must be a date written YYYY-MM-DD, found '{value}'"]


@pytest.mark.parametrize("value, why", [
    ("2024-02-30", "February 2024 has 29 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("2100-02-29", "February 2100 has 28 days"),   # a century year, not divisible by 400
    ("2024-04-31", "April 2024 has 30 days"),
    ("2024-12-32", "December 2024 has 31 days"),
    ("2024-13-01", "there is no month 13"),
    ("2024-00-10", "there is no month 00"),
    ("2024-01-00", "there is no day 00"),
    ("0000-01-01", "there is no year 0000"),
])
def test_dates_written_yyyy_mm_dd_but_not_on_the_calendar(value, why):
    assert errors(f"title: t\ndate: {value}\n") == [f"x.yml:2:7: error: 'date' is not a real date: {value} ({why})"]


@pytest.mark.parametrize("value", ["2000-02-29", "2024-02-29", "0001-01-01", "9999-12-31", "2024-12-31"])
def test_edge_dates_on_the_calendar_are_accepted(value):
    values, errs = check(f"title: t\ndate: {value}\n")
    assert errs == [] and values["date"] == dt.date.fromisoformat(value)


@pytest.mark.parametrize("text, message", [
    ("count: x", "'count' must be a whole number, found 'x'"),
    ("count: 1.5", "'count' must be a whole number, found '1.5'"),
    ("count: true", "'count' must be a whole number, found 'true'"),
    ("count: '3'", "'count' must be a whole number, found '3'"),
    ("flag: maybe", "'flag' must be true or false, found 'maybe'"),
    ("flag: 1", "'flag' must be true or false, found '1'"),
    ("date:", "'date' is empty; it must be a date written YYYY-MM-DD"),
    ("slug: [a]", "'slug' must be an id, found a list"),
    ("names: 5", "'names' must be a list, found '5'"),
    ("names: x", "'names' must be a list, found 'x'"),
    ("tags: {a: 1}", "'tags' must be a list, found a mapping"),
    ("items: 'x'", "'items' must be a list, found 'x'"),
    ("items: [5]", "'items' item must be a mapping of keys to values, found '5'"),
    ("names: [[a]]", "'names' item must be text, found a list"),
    ("source: n", "'source' must be a mapping of keys to values, found 'n'"),
])
def test_wrong_types(text, message):
    errs = errors(f"title: t\n{text}\n")
    assert len(errs) == 1 and errs[0].startswith("x.yml:2:") and errs[0].endswith(f": error: {message}")


def test_every_error_of_a_file_is_collected():
    errs = errors("tilte: t\ndate: yesterday\ncount: x\ntags: [A]\n")
    assert [e.split(": error: ")[0] for e in errs] == [
        "x.yml:1:1", "x.yml:2:7", "x.yml:3:8", "x.yml:4:8", "x.yml:1:1"]


# --- tags and aliases ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, column", [
    ("title: !!python/object/apply:os.system ['echo hi']", 8),
    ("title: !!python/object/apply:os.system\n  args: ['echo hi']", 8),
    ("title: !!python/name:os.system ''", 8),
    ("title: !!binary aGk=", 8),
    ("title: !custom x", 8),
    ("names: !!set {a: null}", 8),
    ("names: !!omap [{a: 1}]", 8),
    ("source: !!python/object:os.system {name: n}", 9),
])
def test_explicit_tags_are_refused(text, column):
    errs = errors(text + "\n")
    assert errs and errs[0].startswith(f"x.yml:1:{column}: error: YAML tag '")
    assert errs[0].endswith("' is not allowed; write plain values only")


def test_tag_names_are_shown_as_written():
    assert errors("title: !!python/object/apply:os.system ['x']\n") == [
        "x.yml:1:8: error: YAML tag '!!python/object/apply:os.system' is not allowed; "
        "write plain values only"]


def test_tagged_key_is_refused():
    assert errors("title: t\n!!python/name:os.system slug: x\n")[0].startswith(
        "x.yml:2:1: error: YAML tag '!!python/name:os.system' is not allowed")


def test_tagged_top_level_is_refused():
    assert compose_error("!!python/object/apply:os.system ['echo hi']\n") == (
        "x.yml:1:1: error: YAML tag '!!python/object/apply:os.system' is not allowed; "
        "write plain values only")
    assert compose_error("--- !!set {a: null}\n").startswith("x.yml:1:5: error: YAML tag '!!set'")


def test_aliases_are_refused():
    errs = errors("title: &t Hello\nnames: [*t]\n")
    assert errs == ["x.yml:1:8: error: this value is reused through a YAML alias (*name); aliases are not "
                    "supported, write the value out each time"]


def test_plain_explicit_tags_are_fine():
    values, errs = check("title: !!str 5\ncount: !!int 3\n")
    assert errs == [] and values == {"title": "5", "count": 3}


# --- compose ------------------------------------------------------------------------------------

def test_malformed_yaml_is_located():
    assert compose_error("title: t\nitems: [a\n") == (
        "x.yml:3:1: error: invalid YAML: did not find expected ',' or ']'")
    assert compose_error("title: t\n  role: x\n") == (
        "x.yml:2:7: error: invalid YAML: mapping values are not allowed in this context")


TAB = "invalid YAML: a tab character here; indent YAML with spaces, not tabs"


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
@pytest.mark.parametrize("text, position", [
    ("title: t\n\tx: y\n", "2:1"),                 # libyaml: "found a tab character that violates indentation"
    ("title: t\nitems:\n\t- a\n", "3:1"),          # libyaml: "found character that cannot start any token"
    ("title: t\nx:\n  y: 1\n  \tz: 2\n", "4:3"),   # after spaces: the column is the tab's
    ("title: t\nitems:\n  - a\n  -\tb: 1\n", "4:4"),  # mid-line, where a token should start
    ("title: é\nx:\n  ü: 1\n  \tz: 2\n", "4:3"),    # columns count characters
    ("title: |\n  ab\n\tc\n", "3:1"),               # libyaml: "... where an indentation space is expected"
])
def test_a_tab_in_the_indentation_is_named_at_the_tab(monkeypatch, loader, text, position):
    if not hasattr(yaml, loader):
        pytest.skip(f"PyYAML has no {loader} here")
    monkeypatch.setattr(yamlschema, "Loader", getattr(yaml, loader))
    message = compose_error(text)
    assert message == f"x.yml:{position}: error: {TAB}"
    line, column = map(int, position.split(":"))
    assert text.split("\n")[line - 1][column - 1] == "\t"


def test_libyaml_still_words_the_two_tab_errors_as_expected():
    # The replacement keys on libyaml's wording: if a new libyaml words these differently, say so here.
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML was built without libyaml")
    problems = []
    for text in ("title: t\n\tx: y\n", "title: t\nitems:\n\t- a\n"):
        with pytest.raises(yaml.MarkedYAMLError) as info:
            yaml.compose(text, Loader=yaml.CSafeLoader)
        problems.append(info.value.problem)
    assert problems == ["found a tab character that violates indentation",
                        "found character that cannot start any token"]


def test_errors_not_at_a_tab_keep_their_own_wording():
    # "cannot start any token" at something other than a tab is not a tab problem ...
    assert compose_error("title: t\n@x: y\n") == (
        "x.yml:2:1: error: invalid YAML: found character that cannot start any token")
    # ... nor is an error elsewhere in a file that has a tab (inside quotes, where tabs are fine).
    assert compose_error("title: 'a\tb'\nx: [1\n") == (
        "x.yml:3:1: error: invalid YAML: did not find expected ',' or ']'")


@pytest.mark.parametrize("text, message", [
    ("", "x.yml:1:1: error: file is empty; expected a mapping of keys to values"),
    ("# only a comment\n", "x.yml:1:1: error: file is empty; expected a mapping of keys to values"),
    ("- a\n- b\n", "x.yml:1:1: error: expected a mapping of keys to values at the top level, found a list"),
    ("hello\n", "x.yml:1:1: error: expected a mapping of keys to values at the top level, found 'hello'"),
    ("\n\n  42\n", "x.yml:3:3: error: expected a mapping of keys to values at the top level, found '42'"),
])
def test_top_level_must_be_a_mapping(text, message):
    assert compose_error(text) == message


def test_control_character_is_located_on_one_line():
    message = compose_error("title: é\nrole: a\x07b\n")
    # libyaml and the pure-Python reader word the reason differently; the place is the same.
    assert message.startswith("x.yml:2:8: error: invalid YAML: character U+0007 is not allowed (")
    assert "\n" not in message


def test_compose_errors_are_always_one_line():
    for text in ("a: [\n", "a: 'x\n", "a: b: c\n", "a: \x00\n", "{a: 1, a\n", "a: \"\\q\"\n", "? [a]\n: b\n"):
        try:
            compose(text, "x.yml")
        except ContentError as exc:
            assert "\n" not in str(exc), repr(text)


def test_keys_must_be_plain_names():
    assert errors("title: t\n[a]: b\n") == ["x.yml:2:1: error: keys in thing must be plain names"]


# --- read_text ----------------------------------------------------------------------------------

def test_read_text_strips_bom_and_normalises_line_endings(tmp_path):
    path = tmp_path / "a.yml"
    path.write_bytes(b"\xef\xbb\xbftitle: t\r\nrole: r\rend: e\n")
    assert read_text(path, "a.yml") == "title: t\nrole: r\nend: e\n"


@pytest.mark.parametrize("data, position", [
    (b"title: caf\xe9\n", "1:11"),
    (b"title: t\nrole: caf\xe9\n", "2:10"),
    (b"title: t\nrole: \xc3\xa9\xc3\xa9 \xff\n", "2:10"),      # columns count characters, not bytes
    (b"\xef\xbb\xbftitle: \xff\n", "1:8"),                   # the BOM is not a column
    (b"title: t\r\nrole: \xc3\n", "2:7"),                      # truncated sequence
])
def test_invalid_utf8_is_located(tmp_path, data, position):
    path = tmp_path / "a.yml"
    path.write_bytes(data)
    with pytest.raises(ContentError) as info:
        read_text(path, "a.yml")
    assert str(info.value).startswith(f"a.yml:{position}: error: file is not valid UTF-8 (byte 0x")
    assert str(info.value).endswith("); save it as UTF-8")


def test_a_line_break_in_a_quoted_key_or_value_keeps_the_error_on_one_line():
    assert errors('"ti\\ntle": t\ndate: "2024\\n01"\n', {"title": Field("str"), "date": Field("date")}) == [
        "x.yml:1:1: error: unknown key 'ti\\ntle' in thing; did you mean 'title'?",
        "x.yml:2:7: error: 'date' must be a date written YYYY-MM-DD, found '2024\\n01'"]


# --- values no page can hold --------------------------------------------------------------------

@pytest.mark.parametrize("digits", [16, 4300, 4301, 100_000])
def test_a_whole_number_of_too_many_digits_is_refused_not_converted(digits):
    # Past 4,300 digits Python's int() raises ValueError; past 15 no reader of the site counts exactly.
    assert errors(f"title: t\ncount: {'7' * digits}\n") == [
        f"x.yml:2:8: error: 'count' is too large ({digits:,} digits); write a whole number of at most 15 digits"]


@pytest.mark.parametrize("text, value", [("count: 999999999999999", 999_999_999_999_999),
                                         ("count: -999999999999999", -999_999_999_999_999),
                                         ("count: 0000000000000000042", 42)])  # leading zeros are no size
def test_whole_numbers_up_to_15_digits_are_read(text, value):
    assert check(f"title: t\n{text}\n") == ({"title": "t", "count": value}, [])


@pytest.mark.parametrize("text, position, name, what", [
    ('title: "a\\x01\\0\\uFFFE"', "1:8", "'title'", "control character U+0001"),
    ('title: t\nnames: [ok, "b\\x85"]', "2:13", "'names' item", "control character U+0085"),
    ('title: t\nsource: {name: "\\x7f"}', "2:16", "'name'", "control character U+007F"),
    ('title: "\\uFFFF"', "1:8", "'title'", "noncharacter U+FFFF"),
    ('title: "\\U0010FFFE"', "1:8", "'title'", "noncharacter U+10FFFE"),
])
def test_escaped_control_characters_and_noncharacters_are_refused_at_the_value(text, position, name, what):
    assert errors(text + "\n") == [
        f"x.yml:{position}: error: {name} holds the {what}, which no page or feed can show; remove it"]


def test_a_lone_surrogate_is_refused_where_the_reader_lets_it_through(monkeypatch):
    monkeypatch.setattr(yamlschema, "Loader", yaml.SafeLoader)  # libyaml itself refuses "\uD800"
    assert errors('title: "a\\uD800"\n') == [
        "x.yml:1:8: error: 'title' holds the lone surrogate U+D800, which no page or feed can show; remove it"]


def test_tabs_and_line_breaks_from_escapes_are_fine():
    values, errs = check('title: "a\\tb\\nc\\r"\nnames: ["\\u00e9\\u2028"]\n')
    assert (values["title"], [v for v, _ in values["names"]], errs) == ("a\tb\nc\r", ["é\u2028"], [])
