"""The loss-free sidecar writer: add, change and delete annotations in a sidecar's text so that only
the changed entry differs - comments, key order, quoting, blank lines, line breaks and every other
annotation stay byte for byte - and replace the file atomically, refusing when it changed on disk.

Edits are spliced into the editor's own text at the nodes' positions, new values written by
ruamel.yaml (a full round-trip dump of ruamel's re-indents lists and moves comments); each result is
read back with the build's loader and must hold exactly the old content with the one change, or
nothing is changed."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..content.files import shown
from ..content.textfile import decode_text
from ..content.yamlschema import Loader
from ..errors import ContentError
from .yamlemit import QUOTED, Style, style_of
from .yamlflow import flow_add, flow_delete, flow_set
from .yamlsplice import Doc, block_add, block_delete, block_set, find, first_add

KEY = "annotations"
BOM = "\ufeff"
NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
CHANGED = ("the sidecar changed on disk since the page was shown; reload the page and make the "
           "change again (nothing was written)")


def digest(data: bytes) -> str:
    """sha256 hex of a sidecar's bytes: what the preview's form carries to detect a change on disk."""
    return hashlib.sha256(data).hexdigest()


class Sidecar:
    """One sidecar as read from disk (path, data, digest) and its text as edited so far (text())."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.digest = Path(path), data, digest(data)
        self.shown = shown(self.path)
        decode_text(data, self.shown)  # refuses UTF-16 and invalid UTF-8 as the build does
        body = data.decode("utf-8")
        self._bom = BOM if body.startswith(BOM) else ""
        self._body = body.removeprefix(BOM)
        self._doc: Doc | None = Doc(self._body, self.shown)  # the build's errors, at their positions
        self._data: dict | None = None

    @classmethod
    def read(cls, path: Path) -> Sidecar:
        """Read a sidecar file."""
        try:
            return cls(path, Path(path).read_bytes())
        except OSError as exc:
            raise ContentError(shown(Path(path)), 1, 1, f"cannot read the sidecar: {exc.strerror}") from None

    def text(self) -> str:
        """The new YAML text."""
        return self._bom + self._body

    def add(self, entry: dict) -> None:
        """Append an annotation (keys in the given order, values str or int) at the end of the
        `annotations:` list (the key is created when missing), in the list's own indentation and style."""
        check_entry(entry)

        def make(doc: Doc) -> str:
            """Return the text with the entry added."""
            found = find(doc.root, KEY)
            seq = listed(doc, found)
            if seq is None or not seq.value:
                return first_add(doc, found, entry, doc.width())
            if seq.flow_style:
                return flow_add(doc, seq, entry, styles(doc, seq, entry), doc.width())
            return block_add(doc, found[0], seq, entry, styles(doc, seq, entry), doc.width())
        self._edit(make, lambda entries: entries.append(dict(entry)))

    def set_value(self, index: int, key: str, value: str | int | None) -> None:
        """Set (or with None remove) one key of the index-th annotation (0-based, sidecar order) -
        used for note, quote, prefix, suffix, occurrence."""
        check_entry({key: "" if value is None else value})

        def make(doc: Doc) -> str:
            """Return the text with the value set."""
            seq, item = entry_at(doc, index)
            edit = flow_set if item.flow_style else block_set
            return edit(doc, item, key, value, styles(doc, seq, {key}), doc.width())

        def change(entries: list) -> None:
            """Apply the change to the loaded annotations."""
            changed = dict(entries[index])  # a copy: the list holds the old content's own entries
            if value is None:
                changed.pop(key, None)
            else:
                changed[key] = value
            entries[index] = changed
        self._edit(make, change)

    def delete(self, index: int) -> None:
        """Remove the index-th annotation's entry and the comment lines directly above it, nothing else."""
        def make(doc: Doc) -> str:
            """Return the text without the entry."""
            seq, _ = entry_at(doc, index)
            return flow_delete(doc, seq, index) if seq.flow_style else block_delete(doc, find(doc.root, KEY)[0], seq, index)
        self._edit(make, lambda entries: entries.pop(index))

    def _edit(self, make: Callable[[Doc], str], change: Callable[[list], None]) -> None:
        """Keep make's text as the new sidecar if the build's loader reads it as the old content with
        exactly the change - else make it again with every new value double-quoted (a block scalar
        at the file's end without a final line break loses its own), else refuse, keeping the old."""
        doc = self._doc = self._doc or Doc(self._body, self.shown)
        first = make(doc)  # refuses what cannot be edited (no such entry, not a list) before all else
        old = self._data = self._data or loaded(self._body)
        expected = dict(old, **{KEY: list(old[KEY])})
        change(expected[KEY])
        for quoted in (False, True):
            text = with_quotes(make, doc) if quoted else first
            try:
                if loaded(text) == expected:
                    self._body, self._doc, self._data = text, None, expected
                    return
            except yaml.YAMLError:
                pass
        raise doc.error(None, "this change cannot be written without touching other lines of the "
                              "sidecar; make it by hand")


def with_quotes(make: Callable[[Doc], str], doc: Doc) -> str:
    """Return make's text with every new value written double-quoted."""
    token = QUOTED.set(True)
    try:
        return make(doc)
    finally:
        QUOTED.reset(token)


def loaded(text: str) -> dict:
    """Read a sidecar's text as the build's loader does, an absent or empty list as []."""
    data = yaml.load(text, Loader=Loader)
    data[KEY] = data.get(KEY) or []
    return data


def check_entry(entry: dict) -> None:
    """Refuse keys that are not plain names and values that are not text or whole numbers (a bug)."""
    for key, value in entry.items():
        if not isinstance(key, str) or not NAME.match(key):
            raise ValueError(f"an annotation's key must be a plain name, not {key!r}")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError(f"an annotation's value is text or a whole number, not {value!r}")


def listed(doc: Doc, found: tuple[Node, Node] | None) -> SequenceNode | None:
    """Return the annotations list, None when the key is missing or empty; refuse anything else."""
    if found is None or (isinstance(found[1], ScalarNode) and found[1].tag.endswith(":null")):
        return None
    if not isinstance(found[1], SequenceNode):
        raise doc.error(found[1], "'annotations' must be a list of annotations")
    return found[1]


def entry_at(doc: Doc, index: int) -> tuple[SequenceNode, MappingNode]:
    """Return the annotations list and its index-th entry, which must be a mapping."""
    found = find(doc.root, KEY)
    seq = listed(doc, found)
    count = len(seq.value) if seq is not None else 0
    if not 0 <= index < count:
        raise doc.error(found[1] if found else None,
                        f"the sidecar has no annotation number {index + 1} (it has {count})")
    item = seq.value[index]
    if not isinstance(item, MappingNode):
        raise doc.error(item, f"annotation number {index + 1} is not a mapping of keys to values")
    return seq, item


def styles(doc: Doc, seq: SequenceNode, keys) -> dict[str, Style]:
    """Return the style of each of keys in the list's entries: the last entry that has it decides."""
    found: dict[str, Style] = {}
    for item in reversed(seq.value):
        for key, value in item.value if isinstance(item, MappingNode) else ():
            if isinstance(key, ScalarNode) and key.value in keys and key.value not in found \
                    and isinstance(value, ScalarNode) and doc.last(value) >= 0:
                found[key.value] = style_of(value, doc.text, doc.column(key))
        if len(found) == len(keys):
            break
    return found


def replace(path: Path, text: str, expected: str, check: Callable[[str], None]) -> None:
    """Write text as the sidecar at path: refuse (ContentError, path:1:1, a clear message saying the
    file changed on disk since the page was shown and to reload) when digest(current bytes) !=
    expected; call check(text) first (it raises ContentError when the build's loader/anchoring reject
    the text; then nothing is written); write a temporary file in the same folder, fsync, keep the
    file's mode, os.replace, fsync the folder. A failure leaves the old file exactly as it was."""
    path = Path(path)
    name = shown(path)
    unchanged(path, expected, name)
    check(text)
    target = Path(os.path.realpath(path))  # a linked sidecar: replace the file, not the link
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise ContentError(name, 1, 1, f"cannot write the sidecar: {exc.strerror} (nothing was written)") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        unchanged(path, expected, name)  # a save while the file was written
        os.replace(tmp, target)
    except BaseException as exc:
        os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ContentError(name, 1, 1, f"cannot write the sidecar: {exc.strerror} (nothing was written)") from None
        raise
    sync_folder(target.parent)


def unchanged(path: Path, expected: str, name: str) -> None:
    """Refuse when the file's bytes are no longer the ones the page was made from."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise ContentError(name, 1, 1, f"cannot read the sidecar: {exc.strerror} (nothing was written)") from None
    if digest(current) != expected:
        raise ContentError(name, 1, 1, CHANGED)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so the rename survives a crash (where the system allows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows, where a folder cannot be opened: the rename is as durable as it gets
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
