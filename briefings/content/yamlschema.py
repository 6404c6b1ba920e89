"""Read YAML files as composed nodes and check them against a small schema, keeping positions."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import ContentError
from ..model import Where

# reading.py takes read_text and decode_text from this module, where they were first.
from .textfile import decode_text, read_text, unshowable  # noqa: F401

# libyaml is about 12x faster; fall back to the pure-Python loader when it is missing.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ID_RULE = "ids use lowercase a-z, 0-9 and single hyphens between them"
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # not \d: that takes other scripts' digits
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
YAML_TAG = "tag:yaml.org,2002:"
# Tags the safe resolver gives plain scalars; anything else (e.g. !!python/object) is refused.
PLAIN_TAGS = {f"{YAML_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Explicit tags also reach mappings and lists (!!set, !!omap, !!python/object:x {..}); refuse those too.
SHAPE_TAGS = {yaml.MappingNode: {f"{YAML_TAG}map"}, yaml.SequenceNode: {f"{YAML_TAG}seq"},
              yaml.ScalarNode: PLAIN_TAGS}
MAX_DIGITS = 15
"""Digits a whole number may have: JavaScript and SQLite hold up to 15 exactly, and Python turns
no more than 4,300 into a number."""


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping: its value type and whether it must be present."""

    type: Any
    """'str', 'id', 'date', 'int', 'bool', ListOf(...) or a nested schema dict."""
    required: bool = False
    """Whether a missing key is an error."""


@dataclass(frozen=True)
class ListOf:
    """A YAML sequence whose items all have one type."""

    item: Any
    """Item type, as in Field.type."""


def where(node: yaml.Node, path: str) -> Where:
    """Return the 1-based position of a node."""
    return Where(path, node.start_mark.line + 1, node.start_mark.column + 1)


def compose(text: str, shown: str) -> yaml.MappingNode:
    """Parse YAML text into a node tree whose root must be a mapping."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if mark and tab_problem(text, mark.line, mark.column, problem):
            problem = "a tab character here; indent YAML with spaces, not tabs"
        raise ContentError(shown, line, col, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        # No mark here, and libyaml counts position in bytes: find the character itself instead.
        pos = max(0, text.find(chr(exc.character)))
        line, col = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
        raise ContentError(shown, line, col, f"invalid YAML: character U+{exc.character:04X} is not "
                                             f"allowed ({exc.reason})") from None
    except yaml.YAMLError as exc:
        first = (str(exc).strip().splitlines() or ["unreadable"])[0]  # one line per error, always
        raise ContentError(shown, 1, 1, f"invalid YAML: {first}") from None
    if root is None:
        raise ContentError(shown, 1, 1, "file is empty; expected a mapping of keys to values")
    if bad_tag(root):
        raise where(root, shown).error(bad_tag(root))
    if not isinstance(root, yaml.MappingNode):
        raise where(root, shown).error(
            f"expected a mapping of keys to values at the top level, found {describe(root)}")
    return root


def tab_problem(text: str, line: int, column: int, problem: str) -> bool:
    """Whether a YAML error (0-based mark) is a tab where YAML wants indentation spaces."""
    lines = text.split("\n")
    at = lines[line][column:column + 1] if line < len(lines) else ""
    # libyaml mostly names the tab ("found a tab character that violates indentation", "... where an
    # indentation space is expected"); where a token should start, e.g. at a line's start, it says
    # only that the character "cannot start any token", as the pure-Python scanner always does.
    return at == "\t" and ("tab character" in problem or "cannot start any token" in problem)


def bad_tag(node: yaml.Node) -> str:
    """Return why a node's tag is refused, or nothing when it is a plain value, list or mapping."""
    if node.tag in SHAPE_TAGS.get(type(node), ()):
        return ""
    tag = node.tag.replace(YAML_TAG, "!!", 1) if node.tag.startswith(YAML_TAG) else node.tag
    return f"YAML tag '{tag}' is not allowed; write plain values only"


def not_a_date(text: str) -> str:
    """Return why digits written YYYY-MM-DD are not a calendar date, or nothing when they are one."""
    year, month, day = (int(part) for part in text.split("-"))
    if year < dt.MINYEAR:
        return "there is no year 0000"
    if not 1 <= month <= 12:
        return f"there is no month {text[5:7]}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        # Month names spelled out here: calendar.month_name follows the locale.
        return "there is no day 00" if day == 0 else f"{MONTHS[month - 1]} {year} has {last} days"
    return ""


def describe(node: yaml.Node) -> str:
    """Name a node's shape for an error message."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return f"'{node.value}'" if len(node.value) <= 40 else "a text value"


class Checker:
    """Convert nodes of one file to plain values, collecting every error."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ContentError] = []
        self._seen: set[int] = set()

    def fail(self, node: yaml.Node, message: str) -> None:
        """Record an error at a node."""
        self.errors.append(where(node, self.path).error(message))

    def mapping(self, node: yaml.Node, schema: dict[str, Field], what: str) -> dict[str, tuple[Any, Where]]:
        """Check a mapping node; return key -> (value, position) for valid keys."""
        if not self._fresh(node) or not self._plain(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values, found {describe(node)}")
            return {}
        out: dict[str, tuple[Any, Where]] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and not self._plain(key_node):
                continue
            if key is None or key not in schema:
                self._unknown_key(key_node, key, schema, what)
            elif key in seen:
                self.fail(key_node, f"duplicate key '{key}' in {what}")
            else:
                seen.add(key)
                value = self.value(value_node, schema[key].type, f"'{key}'")
                if schema[key].required and isinstance(value, str) and not value.strip():
                    # A required text left blank is as missing as an absent key.
                    self.fail(value_node, f"'{key}' is empty; {what} needs it")
                if value is not None:
                    out[key] = (value, where(value_node, self.path))
        for key, spec in schema.items():
            if spec.required and key not in seen:
                self.fail(node, f"{what} is missing required key '{key}'")
        return out

    def _unknown_key(self, key_node: yaml.Node, key: str | None, schema: dict, what: str) -> None:
        """Record an unknown key, suggesting the closest known one."""
        if key is None:
            self.fail(key_node, f"keys in {what} must be plain names")
            return
        close = difflib.get_close_matches(key, list(schema), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(schema)}"
        self.fail(key_node, f"unknown key '{key}' in {what}{hint}")

    def value(self, node: yaml.Node, kind: Any, name: str) -> Any:
        """Convert one value node to the given type, or record an error and return None.

        name labels the value in messages, quoted as the user sees it: "'title'", "'topics' item".
        """
        if isinstance(kind, dict):
            return self.mapping(node, kind, name)
        if not self._fresh(node) or not self._plain(node):
            return None
        if isinstance(kind, ListOf):
            return self._list(node, kind.item, name)
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{name} must be {KIND_TEXT[kind]}, found {describe(node)}")
            return None
        return self._scalar(node, kind, name)

    def _list(self, node: yaml.Node, item: Any, name: str) -> list | None:
        """Convert a sequence node, each item to the item type; a blank value is an empty list."""
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []  # 'topics:' with nothing after it means none, like leaving the key out
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{name} must be a list, found {describe(node)}")
            return None
        out = []
        for child in node.value:
            value = self.value(child, item, f"{name} item")
            if value is not None:
                out.append((value, where(child, self.path)))
        return out

    def _scalar(self, node: yaml.ScalarNode, kind: str, name: str) -> Any:
        """Convert a scalar node by kind; None (with an error) when it does not fit."""
        raw = node.value
        if node.tag.endswith(":null") and kind != "str":
            self.fail(node, f"{name} is empty; it must be {KIND_TEXT[kind]}")
            return None
        if kind == "str":
            if node.tag.endswith(":null"):
                return ""
            if problem := unshowable(raw, name):  # "\x01" and "\uFFFE" escapes, or a raw C1 control
                self.fail(node, problem)
                return None
            return raw
        if kind == "id":
            if not ID_RE.match(raw):
                self.fail(node, f"{name} has illegal id '{raw}': {ID_RULE}")
                return None
            return raw
        if kind == "date":
            return self._date(node, name)
        if kind == "int":
            if node.tag.endswith(":int") and re.fullmatch(r"[+-]?\d+", raw):
                return self._int(node, name)
        elif kind == "bool":
            if node.tag.endswith(":bool"):
                return raw.lower() in ("true", "yes", "on", "y")
        self.fail(node, f"{name} must be {KIND_TEXT[kind]}, found '{raw}'")
        return None

    def _int(self, node: yaml.ScalarNode, name: str) -> int | None:
        """Convert a scalar of digits to a whole number, refusing more digits than MAX_DIGITS."""
        digits = len(node.value.lstrip("+-").lstrip("0"))
        if digits > MAX_DIGITS:
            self.fail(node, f"{name} is too large ({digits:,} digits); write a whole number of at most "
                            f"{MAX_DIGITS} digits")
            return None
        return int(node.value)

    def _date(self, node: yaml.ScalarNode, name: str) -> dt.date | None:
        """Convert a YYYY-MM-DD scalar to a date."""
        raw = node.value
        if not DATE_RE.match(raw):
            self.fail(node, f"{name} must be a date written YYYY-MM-DD, found '{raw}'")
            return None
        problem = not_a_date(raw)
        if problem:
            # Written right but not on the calendar: saying "write YYYY-MM-DD" would mislead.
            self.fail(node, f"{name} is not a real date: {raw} ({problem})")
            return None
        return dt.date.fromisoformat(raw)

    def _plain(self, node: yaml.Node) -> bool:
        """Refuse explicit YAML tags other than the plain ones, which could mean code or odd types."""
        problem = bad_tag(node)
        if problem:
            self.fail(node, problem)
        return not problem

    def _fresh(self, node: yaml.Node) -> bool:
        """Refuse YAML aliases (a node seen twice), which could expand without bound."""
        if id(node) in self._seen:
            # The node is shared, so its position is the anchor's (&name): say so, not "here".
            self.fail(node, "this value is reused through a YAML alias (*name); aliases are not "
                            "supported, write the value out each time")
            return False
        self._seen.add(id(node))
        return True


KIND_TEXT = {
    "str": "text", "id": "an id", "date": "a date written YYYY-MM-DD",
    "int": "a whole number", "bool": "true or false",
}
