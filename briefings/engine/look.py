"""What an update finds before it reads any content: what the last update left in the output
folder (by its record: from the cache, or kept in memory) and which inputs changed since."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import list_files
from ..outputs.search import FOLDER as SEARCH_FOLDER
from .cache import Cache, file_hash
from .record import Record, inputs_digest
from .write import MARKER, clean_leftovers


@dataclass
class Before:
    """What an update found of the last one, and which of its inputs changed."""

    record: Record | None
    """The last update's record (from the cache, or kept in memory)."""
    live: dict[str, list[int]]
    """The recorded files still as recorded in the output folder."""
    exact: bool
    """Whether the output folder is exactly as recorded."""
    inputs: str | None
    """Hash of every input of this update (None when not made: no cache, or the preview)."""
    stamp: str
    """What the search index depends on (see record.search_stamp)."""
    read: dict[Path, bytes] = field(default_factory=dict)
    """Content files' bytes, read for their hashes."""
    hashes: dict[Path, bytes] = field(default_factory=dict)
    """Every content file's hash (file_hash)."""
    listing: dict[str, list[Path]] = field(default_factory=dict)
    """The content folder's files by section (empty if not listed)."""
    kind: str | None = None
    """The widest kind of change (changes.py): CONTENT when every file was looked at."""
    changed: set[str] = field(default_factory=set)
    """The saved files whose bytes changed (the preview)."""
    relist: bool = False
    """Whether a file appeared or disappeared (the preview)."""
    nothing: bool = False
    """Whether nothing that matters changed: there is nothing to do."""
    site: str = ""
    """The hash of what every page may show besides its own variables (reuse.site_key)."""
    slugs: set[str] | None = None
    """The briefings whose files changed since the last update in memory (None: not known)."""
    replaced: list | None = None
    """The pages of a reused plan made anew (they hold a changed briefing); None when the plan is new."""
    changed_files: set[Path] = field(default_factory=set)
    """The content files among changed, as the listing names them."""
    hinted: bool = False
    """Whether only the saved files were looked at (the preview), the others known from memory."""
    trusted: bool = False
    """Whether the output folder and the spare are the very folders the last update left (same
    inodes: the preview's own), so their files are not stat'ed one by one."""

    @property
    def unchanged(self) -> bool:
        """Whether nothing changed since the last build: same inputs, output folder as it left it."""
        return self.record is not None and self.exact and self.inputs is not None and self.record.inputs == self.inputs

    @property
    def searchable(self) -> bool:
        """Whether the site gets a search index (wanted, and Pagefind installed)."""
        return bool(self.stamp) and self.stamp != "off"

    def counted(self) -> int:
        """Return how many files the last build counted (its pages' and static files)."""
        return sum(rel != MARKER and not rel.startswith(SEARCH_FOLDER) for rel in self.record.files)


def look_back(opts, cache: Cache | None, stamp: str, kept: Record | None = None, hash_all: bool = False,
              inodes: tuple | None = None) -> Before:
    """Remove dead builds' leftovers beside opts.out, find what the last update left (kept: its
    record, held in memory; inodes: of the output folder and the spare it left), and with a cache
    (or hash_all) hash every input of this update."""
    out = opts.out.resolve()
    # First, before out is compared with the record: a build killed in swap() may have left out's
    # .git in its temporary folder, and this puts it back (also when nothing else changed).
    clean_leftovers(out)
    record = kept if kept is not None else Record.load(cache, out)
    trusted = record is not None and inodes is not None and folder_inodes(out, inodes[1]) == inodes
    if trusted:
        live, exact = dict(record.files), True
    else:
        live, exact = record.intact(out) if record is not None else ({}, False)
    before = Before(record, live, exact, None, stamp, trusted=trusted)
    if cache is not None or hash_all:
        before.inputs = inputs_digest(opts.content, opts.templates, opts.base_url, before.stamp, before.read,
                                      before.hashes, before.listing)
        before.nothing = before.unchanged
    return before


def folder_inodes(out: Path, spare: Path | None) -> tuple:
    """Return the inodes of the output folder and the spare (None for a missing one) - and the spare."""
    def ino(path):
        try:
            return os.stat(path).st_ino if path is not None else None
        except OSError:
            return None
    return ino(out), spare, ino(spare)


def rehash(hints: set[str], before: Before, content: Path, content_dir: str, template_dirs: list[str]) -> set[str]:
    """Hash the saved files again (hints: absolute paths; content as the listing names the content
    folder, content_dir its absolute path); return those that changed, relisting the content folder
    when a file or folder appeared or disappeared."""
    changed = set()
    for hint in hints:
        if any(hint == d or hint.startswith(d + os.sep) for d in template_dirs):
            changed.add(hint)  # templates are hashed with the site key
            continue
        rel = os.path.relpath(hint, content_dir)
        if rel.startswith(".."):
            continue
        known = content / rel
        try:
            data = known.read_bytes() if known.is_file() else None
        except OSError:
            data = None
        old = before.hashes.get(known)
        new = file_hash(data) if data is not None else None
        if new != old or (old is None and data is None):  # a file's bytes, or a folder come or gone
            changed.add(hint)
            before.changed_files.add(known)
            if new is None:
                before.hashes.pop(known, None)
            else:
                before.hashes[known] = new
                before.read[known] = data
        if (old is None) != (new is None) or known.is_dir() or not os.path.exists(hint):
            before.relist = True
    if before.relist:
        before.listing = list_files(content, []) or {}
    return changed
