"""Units of reading content files as text: encodings other than UTF-8, and unshowable characters."""

from __future__ import annotations

import pytest

from briefings.errors import ContentError
from briefings.content.textfile import SHOWN_AT, article_problems, decode_text, not_utf8, unshowable

TEXT = "Ana Berg said the talks would resume on Monday.\n"


def decode_error(data: bytes) -> str:
    """Return the error line decode_text gives for a file's bytes."""
    with pytest.raises(ContentError) as info:
        decode_text(data, "a.md")
    return str(info.value)


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-32", "UTF-32"),
                                            ("utf-16-be", "UTF-16"), ("utf-32-be", "UTF-32")])
def test_a_byte_order_mark_names_the_encoding(encoding, name):
    data = ("\ufeff" + TEXT).encode(encoding) if encoding.endswith("be") else TEXT.encode(encoding)
    assert decode_error(data) == (f"a.md:1:1: error: file is {name} (it starts with a {name} byte order mark); "
                                  f"save it as UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised_by_its_nuls(encoding):
    data = TEXT.encode(encoding)
    assert data.decode("utf-8")  # valid UTF-8: without the check it would build as T\0e\0x\0t
    assert decode_error(data) == (
        "a.md:1:1: error: file looks like UTF-16 (every other byte is NUL); save it as UTF-8")


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_without_a_bom_is_recognised_by_its_nuls(encoding):
    assert decode_error(TEXT.encode(encoding)) == (
        "a.md:1:1: error: file looks like UTF-32 (three bytes in every four are NUL); save it as UTF-8")


def test_utf16_with_some_text_outside_ascii_is_still_recognised():
    assert "UTF-16" in not_utf8("Café, Łódź and Zürich: the talks resume on Monday.".encode("utf-16-le"))


@pytest.mark.parametrize("data", [TEXT.encode(), b"\xef\xbb\xbf" + TEXT.encode(), b"", b"a\0b c d e f\n",
                                  "Ильзе Мартен\n".encode()])
def test_utf8_is_not_taken_for_another_encoding(data):
    assert not_utf8(data) == ""  # a stray NUL is left to the check for unshowable characters


@pytest.mark.parametrize("text, what", [
    ("a\x01", "control character U+0001"), ("\x00", "control character U+0000"),
    ("a\x1fb", "control character U+001F"), ("\x7f", "control character U+007F"),
    ("\x85", "control character U+0085"), ("\x9f", "control character U+009F"),
    ("\ufffe", "noncharacter U+FFFE"), ("\uffff", "noncharacter U+FFFF"), ("\ufdd0", "noncharacter U+FDD0"),
    ("\U0001fffe", "noncharacter U+1FFFE"), ("\U0010ffff", "noncharacter U+10FFFF"),
    ("\ud800", "lone surrogate U+D800"), ("x\udfff", "lone surrogate U+DFFF"),
])
def test_unshowable_characters_are_named(text, what):
    assert unshowable(text, "'title'") == f"'title' holds the {what}, which no page or feed can show; remove it"


@pytest.mark.parametrize("text", ["tab\tnew\nline\rreturn", "\xa0\u00e9\u200b\ufeff\ufffd\U0001f600",
                                  "\ufdcf\ufdf0"])
def test_showable_characters_pass(text):
    assert unshowable(text, "'title'") == ""


def test_each_unshowable_character_of_an_article_is_located():
    text = "First line.\nA form feed\x0c and a NUL \x00.\n\tTabs are fine.\n"
    rest = "which no page or feed can show; remove it"
    assert [str(e) for e in article_problems(text, "a.md")] == [
        f"a.md:2:12: error: the article holds the control character U+000C, {rest}",
        f"a.md:2:24: error: the article holds the control character U+0000, {rest}"]


def test_an_article_full_of_them_gets_a_few_lines_and_a_count():
    lines = [str(e) for e in article_problems("ok\n" + "\x01" * (SHOWN_AT + 5), "a.md")]
    assert len(lines) == SHOWN_AT
    assert lines[0].startswith("a.md:2:1: error: the article holds the control character U+0001")
    assert lines[-1].endswith("remove it (5 more after this one)")


def test_the_fast_patterns_find_what_the_full_one_finds():
    """Every character, alone and beside ASCII, other BMP and astral text, is found exactly when the
    full pattern finds it."""
    from briefings.content.textfile import UNSHOWABLE, pattern_for
    for code in range(0x110000):
        for text in (chr(code), "a" + chr(code), "\u00e9" + chr(code), "\U0001f600" + chr(code)):
            assert bool(pattern_for(text).search(text)) == bool(UNSHOWABLE.search(text)), hex(code)
