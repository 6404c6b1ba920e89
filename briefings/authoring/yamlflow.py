"""Splice edits into YAML written in flow style - annotations: [{quote: ..., kind: note}, ...] or an
entry written {quote: ..., note: ...} - changing only the characters of the changed entry or value."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, SequenceNode

from .yamlemit import Style, emit, flow_entry, style_of
from .yamlsplice import Doc, find, splice


def braced(doc: Doc, item: Node) -> MappingNode:
    """Return a flow entry, which must be a mapping written in braces to be edited here."""
    if not isinstance(item, MappingNode) or doc.text[item.start_mark.index] != "{":
        raise doc.error(item, "this annotation is not written as {key: value, ...}; edit it by hand")
    return item


def flow_add(doc: Doc, seq: SequenceNode, entry: dict, styles: dict, width: int) -> str:
    """Append an entry to a non-empty flow list: after a comma, on a line of its own when the
    entries have lines of their own."""
    last = seq.value[-1]
    end = last.end_mark.index
    own_lines = doc.line_of(last.start_mark.index) != doc.line_of(
        seq.value[-2].end_mark.index if len(seq.value) > 1 else seq.start_mark.index)
    space = "\n" + " " * doc.column(last) if own_lines else " "
    text = flow_entry(entry, styles, width)
    between = doc.text[end:seq.end_mark.index - 1]
    if "," in between:  # a trailing comma: the new entry keeps one after it
        at = end + between.index(",") + 1
        return splice(doc, at, at, f"{space}{text},")
    return splice(doc, end, end, f",{space}{text}")


def flow_delete(doc: Doc, seq: SequenceNode, index: int) -> str:
    """Remove an entry of a flow list with the comma that separates it from the next (or previous)."""
    items = seq.value
    if len(items) == 1:
        return splice(doc, seq.start_mark.index + 1, seq.end_mark.index - 1, "")
    if index + 1 < len(items):
        return splice(doc, items[index].start_mark.index, items[index + 1].start_mark.index, "")
    return splice(doc, items[index - 1].end_mark.index, items[index].end_mark.index, "")


def flow_set(doc: Doc, item: Node, key: str, value: str | int | None, styles: dict, width: int) -> str:
    """Set, add or with None remove one key of an entry written {key: value, ...}."""
    item = braced(doc, item)
    found = find(item, key)
    if found is None:
        if value is None:
            return doc.text
        written = emit(value, Style(styles.get(key, Style()).char.strip(">|")), 0, width, flow=True)
        if not item.value:
            return splice(doc, item.start_mark.index + 1, item.start_mark.index + 1, f"{key}: {written}")
        at = max(doc.last(item.value[-1][0]), doc.last(item.value[-1][1]))
        return splice(doc, at, at, f", {key}: {written}")
    k, v = found
    if value is None:
        return flow_remove(doc, item, k)
    written = emit(value, Style(style_of(v, doc.text, 0).char.strip(">|")), 0, width, flow=True)
    if doc.last(v) < 0:  # 'key:' with no value
        return splice(doc, doc.colon(k), doc.colon(k), " " + written)
    return splice(doc, v.start_mark.index, v.end_mark.index, written)


def flow_remove(doc: Doc, item: MappingNode, key: Node) -> str:
    """Remove one key of a {key: value, ...} entry with the comma that separates it."""
    keys = [k for k, _ in item.value]
    at = keys.index(key)
    if len(keys) == 1:
        raise doc.error(key, f"'{key.value}' is the annotation's only key; delete the annotation instead")
    if at + 1 < len(keys):
        return splice(doc, key.start_mark.index, keys[at + 1].start_mark.index, "")
    before = max(doc.last(keys[at - 1]), doc.last(item.value[at - 1][1]))
    end = max(doc.last(item.value[at][1]), doc.colon(key))
    return splice(doc, before, end, "")
