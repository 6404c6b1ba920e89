"""Read content files as text: UTF-8 only, and only characters every page and feed can show."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ContentError

BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"))
"""Byte order marks of the encodings an editor may have saved in instead of UTF-8 (UTF-32 first:
its little-endian mark begins with UTF-16's)."""
# What XML 1.0 forbids in a feed and HTML calls a parse error: C0 controls but tab, LF and CR,
# DEL and C1 controls, noncharacters (U+FDD0-U+FDEF and the last two of every plane), surrogates.
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff"
                        + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000))
                        + "]")
# The same for text known to hold no astral character, or no character beyond ASCII: a class of a
# few ranges is searched ten times faster than one listing the astral noncharacters one by one.
BMP_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff\ufffe\uffff]")
ASCII_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
SHOWN_AT = 10
"""At most this many unshowable characters of one article are reported."""


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file (BOM allowed), normalising CRLF and CR to LF."""
    return decode_text(path.read_bytes(), shown)


def decode_text(data: bytes, shown: str) -> str:
    """Decode a UTF-8 file's bytes as read_text() does; shown names the file in errors."""
    if problem := not_utf8(data):
        raise ContentError(shown, 1, 1, problem)
    # Drop the BOM first: utf-8-sig would report error offsets that no longer count it.
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        begin = data.rfind(b"\n", 0, exc.start) + 1
        # Columns count characters like YAML's marks do: decode the valid start of the line.
        column = len(data[begin:exc.start].decode("utf-8")) + 1
        bad = data[exc.start]
        raise ContentError(shown, line, column,
                           f"file is not valid UTF-8 (byte 0x{bad:02x}); save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def not_utf8(data: bytes) -> str:
    """Return why a file's bytes are UTF-16 or UTF-32 rather than UTF-8, or nothing."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return f"file is {name} (it starts with a {name} byte order mark); save it as UTF-8"
    if b"\0" not in data:
        return ""  # nearly every file: found at C speed
    # UTF-16 or UTF-32 without a BOM is valid UTF-8 when it is mostly ASCII, whose high bytes are
    # NULs: name the encoding whose columns of bytes (two or four) are at least half NUL.
    sample = data[:4096]
    if nul_columns(sample, 4) >= 3:
        return "file looks like UTF-32 (three bytes in every four are NUL); save it as UTF-8"
    if nul_columns(sample, 2) >= 1:
        return "file looks like UTF-16 (every other byte is NUL); save it as UTF-8"
    return ""


def nul_columns(sample: bytes, width: int) -> int:
    """Count the columns of bytes (offsets modulo width) that are at least half NUL."""
    return sum(0 < 2 * column.count(0) >= len(column) for column in (sample[k::width] for k in range(width)))


def pattern_for(text: str) -> re.Pattern:
    """Return the fastest pattern that finds every unshowable character text may hold."""
    if text.isascii():
        return ASCII_UNSHOWABLE
    return UNSHOWABLE if ASTRAL.search(text) else BMP_UNSHOWABLE


def unshowable(text: str, name: str) -> str:
    """Return why text cannot be published (name holds a control character...), or nothing."""
    bad = pattern_for(text).search(text)
    if bad is None:
        return ""
    code = ord(bad.group())
    what = ("lone surrogate" if 0xD800 <= code <= 0xDFFF else
            "control character" if code < 0xA0 else "noncharacter")
    return f"{name} holds the {what} U+{code:04X}, which no page or feed can show; remove it"


def article_problems(text: str, shown: str) -> list[ContentError]:
    """Return an error at each character of an article no page can show (the first SHOWN_AT of them)."""
    found = [m.start() for m in pattern_for(text).finditer(text)]
    errors = []
    for start in found[:SHOWN_AT]:
        line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
        errors.append(ContentError(shown, line, column, unshowable(text[start], "the article")))
    if len(found) > SHOWN_AT:  # a file this full of them is binary, or in another encoding
        errors[-1] = ContentError(shown, errors[-1].line, errors[-1].column,
                                  f"{errors[-1].message} ({len(found) - SHOWN_AT} more after this one)")
    return errors
