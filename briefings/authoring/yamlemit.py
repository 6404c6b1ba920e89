"""Write one YAML scalar in a chosen style (plain, quoted, folded, literal) as ruamel.yaml emits it,
checked against the build's own loader, so a value spliced into a sidecar reads back exactly."""

from __future__ import annotations

import contextvars
import io
import re
from dataclasses import dataclass

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      PlainScalarString, SingleQuotedScalarString)

from ..content.yamlschema import Loader

TYPES = {"": PlainScalarString, "'": SingleQuotedScalarString, '"': DoubleQuotedScalarString,
         ">": FoldedScalarString, "|": LiteralScalarString}
"""ruamel's string types, by the style character they are written in ('' is plain)."""
BLOCK = (">", "|")
NO_WRAP = 1 << 30
"""A line width no value reaches: ruamel must never wrap a plain or quoted value of the editor's."""
QUOTED = contextvars.ContextVar("QUOTED", default=False)
"""True while an edit is made again with every new value double-quoted: the style that always
reads back, wherever it stands."""
FOLDABLE = re.compile(r"\S+(?: \S+)*\Z")
"""One paragraph with single spaces between words: folded at any space, it reads back the same."""


@dataclass(frozen=True)
class Style:
    """How a value of a sidecar is written, so a new or changed value can be written alike."""

    char: str = ""
    """'' plain, "'" or '"' quoted, '>' folded or '|' literal block."""
    indent: int = 2
    """Spaces a block scalar's lines are indented beyond its key."""


def style_of(node: yaml.ScalarNode, text: str, key_column: int) -> Style:
    """Return the style of a scalar node, and its block indent, from the text it came from."""
    char = node.style or ""
    if char not in TYPES:
        char = ""
    if char in BLOCK:
        for line in re.split(r"\r\n|\r|\n", text[node.start_mark.index:node.end_mark.index])[1:]:
            if line.strip(" "):
                return Style(char, max(1, len(line) - len(line.lstrip(" ")) - key_column))
    return Style(char)


def candidates(value: str, style: Style, flow: bool) -> list[str]:
    """Return the styles to try, best first: the wanted one, then the ones that can always be read."""
    if QUOTED.get():
        return ['"']
    if flow and "\n" in value:
        return ['"']  # a flow entry stays on its line: only double quotes write a line break as \n
    if flow:
        return ["", "'", '"'] if style.char == "" else ["'", '"'] if style.char == "'" else ['"']
    first = {"": ["", "|", "'"] if "\n" in value else ["", "'"], "'": ["'"], '"': [], ">": [">", "|", "'"],
             "|": ["|", "'"]}
    if value.endswith("\n\n") or not value.strip():  # a kept block ('|+') would take in the blank
        # lines after it in the file; and a block of nothing but line breaks says nothing clearly
        return [char for char in first[style.char] if char not in BLOCK] + ['"']
    return first[style.char] + ['"']


def emit(value: str | int, style: Style, column: int, width: int, flow: bool = False) -> str:
    """Return value written as a YAML scalar for a key at column: its first line goes after 'key: ',
    later lines are indented in full. In the given style when the value allows it, else the closest
    one that reads back exactly (checked with the build's loader)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"a sidecar value is text or a whole number, not {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    for char in candidates(value, style, flow):
        written = write(value, char, style.indent, column, width, flow)
        if written is not None and written_as(written) == char and reads_back(written, value, column, flow):
            return written
    raise ValueError(f"no YAML style writes {value!r} so that it reads back")  # '"' escapes everything


def write(value: str, char: str, indent: int, column: int, width: int, flow: bool) -> str | None:
    """Return value in one style, as ruamel writes it (a folded paragraph wrapped at width here)."""
    if char == ">" and FOLDABLE.match(value):
        return ">-\n" + "\n".join(" " * (column + indent) + line for line in fold(value, max(20, width - column - indent)))
    dumper = YAML(typ="rt")
    dumper.width, dumper.allow_unicode = (max(20, width - column) if char == ">" else NO_WRAP), True
    dumper.indent(mapping=indent)
    out = io.StringIO()
    if flow:
        seq = CommentedSeq([TYPES[char](value)])
        seq.fa.set_flow_style()
        dumper.dump(seq, out)
        return out.getvalue().rstrip("\n")[1:-1]
    dumper.dump({"k": TYPES[char](value)}, out)
    lines = out.getvalue().removeprefix("k: ").split("\n")[:-1]  # the stream's final line break
    if lines[-1:] == ["..."]:
        lines.pop()  # the document's end marker, which ruamel writes after a kept '|+' block
    return "\n".join([lines[0]] + [" " * column + line if line else "" for line in lines[1:]])


def fold(words: str, width: int) -> list[str]:
    """Fill words into lines of at most width characters (a longer word has a line of its own)."""
    lines: list[str] = []
    for word in words.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def written_as(written: str) -> str:
    """Return the style a written scalar is in, from its first character."""
    return written[0] if written[:1] in ("'", '"', ">", "|") else ""


def reads_back(written: str, value: str, column: int, flow: bool) -> bool:
    """Whether the build's loader reads the written scalar, at a key at column, as exactly value."""
    doc = f"[{written}]" if flow else " " * column + "k: " + written + "\n"
    try:
        loaded = yaml.load(doc, Loader=Loader)
    except yaml.YAMLError:
        return False
    return loaded == ([value] if flow else {"k": value})


def new_style(style: Style | None, value: str | int, column: int, key: str, width: int) -> Style:
    """Return the style for a new value, like the same key's in the other entries: folded only when
    it would not fit on the key's line, literal only when it holds line breaks, plain where safe."""
    style = style or Style()
    if style.char == ">" and column + len(key) + 2 + len(str(value)) <= width:
        return Style("", style.indent)
    if style.char == "|" and "\n" not in str(value):
        return Style("", style.indent)
    return style


def entry_lines(entry: dict, dash: int, column: int, styles: dict[str, Style], width: int) -> str:
    """Return a new block list entry: its '- ' at column dash, its keys at column."""
    lines = []
    for n, (key, value) in enumerate(entry.items()):
        lead = " " * dash + "-" + " " * (column - dash - 1) if n == 0 else " " * column
        style = new_style(styles.get(key), value, column, key, width)
        lines.append(f"{lead}{key}: {emit(value, style, column, width)}")
    return "\n".join(lines)


def flow_entry(entry: dict, styles: dict[str, Style], width: int) -> str:
    """Return a new entry as a flow mapping, {key: value, ...}, quoted like the other entries."""
    pairs = (f"{key}: {emit(value, Style(styles.get(key, Style()).char.strip('>|')), 0, width, flow=True)}"
             for key, value in entry.items())
    return "{" + ", ".join(pairs) + "}"
