"""What a build keeps from the last one into the same output folder.

With a cache, each build records (kind "site", under the output folder's path) the hash of all its
inputs, every page's key and the briefings it read, and the size, mtime and inode of every file
and folder it left. The next build then:

- does nothing when the inputs hash is the same and the output folder is exactly as recorded;
- otherwise keeps (hard-links, unread) the files of each page whose key and briefings are
  unchanged and whose files are as recorded, renders the rest, and reruns the search indexer only
  when an HTML file changed;
- assembles the new site in a spare folder in the cache - the site before last, updated file by
  file - instead of a new folder of thousands of links, and after the swap keeps the replaced site
  as the next spare instead of deleting it. A spare is used only when the record vouches for every
  file and folder in it; it is marked untrusted before it is touched, so a build killed half-way
  leaves one that the next build throws away.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from ..index import Index
from ..pages.plan import Page
from ..outputs.publish import extra_files, index_search
from .reading import Model
from .record import SEARCH_FOLDER, Record, folder_times, folders_unchanged, inputs_digest, search_files, search_stamp
from .rendering import render_all, static_files
from .reuse import changed_briefings, keepable, page_keys, site_key
from .write import MARKER, Stage, WriteStats, clean_leftovers, delete, new_folder, swap

MARKER_TEXT = b"This folder is made by briefings build; it is replaced on every build.\n"


def spare_folder(cache: Cache, out: Path) -> Path:
    """Return where the spare site for an output folder lives: in the cache folder."""
    return cache.folder / "spare" / Record.key(out)[:16]


def stage_for(out: Path, cache: Cache | None, record: Record | None, live: dict[str, list[int]]) -> Stage:
    """Return where to assemble the next site: the spare when the record vouches for it, else a new folder.

    The spare is this build's alone: the build holds the cache folder's lock (lock.py)."""
    spare = spare_folder(cache, out) if cache is not None else None
    if spare is not None and record is not None and record.spare is not None:  # shape checked on load
        files, dirs = record.spare["files"], record.spare["dirs"]
        if same_device(spare, out) and folders_unchanged(spare, dirs) and (spare / MARKER).is_file():
            return Stage(spare, out, live, dict(files))
    if spare is not None and spare.exists():
        delete(spare, out)  # untrusted: a build died updating it (perhaps holding out's .git), or it was touched
    return Stage(new_folder(out), out, live)


def same_device(a: Path, b: Path) -> bool:
    """Tell whether two paths (or b's nearest existing parent) are on one file system."""
    try:
        existing = next(p for p in (b, *b.parents) if p.exists())
        return os.stat(a).st_dev == os.stat(existing).st_dev
    except (OSError, StopIteration):
        return False


def keep_replaced(stage: Stage, out: Path, cache: Cache | None, exact_old: bool) -> Path | None:
    """After the swap the stage folder holds the replaced site: make it the next spare when its every
    file is known (exact_old), else delete it. Return the spare, if any."""
    folder = stage.folder
    if not folder.exists():
        return None  # there was no site before this one
    spare = spare_folder(cache, out) if cache is not None else None
    if spare is None or not exact_old:
        delete(folder, out)
        return None
    if folder != spare:
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder, spare)
        except OSError:  # another file system: no spare
            delete(folder, out)
            return None
    return spare


@dataclass
class Before:
    """What a build found of the last one before reading any content."""

    record: Record | None
    """The last build's record, when the cache holds one."""
    live: dict[str, list[int]]
    """The recorded files still as recorded in the output folder."""
    exact: bool
    """Whether the output folder is exactly as recorded."""
    inputs: str | None
    """Hash of every input of this build (None without a cache)."""
    stamp: str
    """What the search index depends on (see search_stamp)."""
    read: dict[Path, bytes] = field(default_factory=dict)
    """The content files' bytes, read for the inputs hash."""
    hashes: dict[Path, bytes] = field(default_factory=dict)
    """The content files' hashes (file_hash), made for the inputs hash."""
    listing: dict[str, list[Path]] = field(default_factory=dict)
    """The content folder's files by section, listed for the inputs hash (empty if not listed)."""

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


def look_back(opts, cache: Cache | None, search: bool) -> Before:
    """Remove dead builds' leftovers beside opts.out, find what the last build left, and hash this
    build's inputs."""
    out = opts.out.resolve()
    # First, before out is compared with the record: a build killed in swap() may have left out's
    # .git in its temporary folder, and this puts it back (also when nothing else changed).
    clean_leftovers(out)
    record = Record.load(cache, out)
    live, exact = record.intact(out) if record is not None else ({}, False)
    before = Before(record, live, exact, None, search_stamp(search))
    if cache is not None:
        before.inputs = inputs_digest(opts.content, opts.templates, opts.base_url, before.stamp, before.read,
                                      before.hashes, before.listing)
    return before


def write_output(opts, cache: Cache | None, before: Before, model: Model, index: Index,
                 pages: list[Page]) -> tuple[WriteStats, str]:
    """Write the site into opts.out: render what changed, keep the rest; return what the write did
    and the search status."""
    out, record, live = opts.out.resolve(), before.record, before.live
    site = site_key(model.content, opts.templates, before.searchable)
    changed = changed_briefings(record.briefings, model.keys) if record is not None else set()
    keys = page_keys(pages, site, model.keys, record, changed)
    keepers = [p for p in pages if record is not None and keepable(record.rendered.get(p.path), keys[p.path], changed)
               and all(rel in live for rel in record.rendered[p.path][2])]
    kept = {p.path for p in keepers}
    todo = [p for p in pages if p.path not in kept]
    stage = stage_for(out, cache, record, live)
    spare_was = record.spare if stage.held else None
    if stage.held:  # from here the spare is half-updated until the swap: stop vouching for it
        record.spare = None
        Record.vouch(cache, out, None)
        cache.commit()
    bar = opts.progress(len(pages)) if opts.progress is not None else None
    try:
        if bar is not None:
            bar.add(len(keepers))
        wrote, rendered = write_pages(opts, model, index, todo, keepers, keys, record, stage, bar)
        wrote.update({rel: stage.put(rel, data) for rel, data in
                      {**static_files(opts.templates), **extra_files(model.content.site)}.items()})
        wrote[MARKER] = stage.put(MARKER, MARKER_TEXT)
        status = search_step(stage, wrote, record, live, before.stamp)
        swap(stage.folder, out)
    except BaseException:
        delete(stage.folder, out)  # a temporary folder, or a spare now untrusted
        raise
    finally:
        if bar is not None:
            bar.close()
    spare = keep_replaced(stage, out, cache, before.exact)
    if cache is not None:
        new = Record({"inputs": before.inputs or "", "pages": len(pages), "rendered": rendered,
                      "briefings": model.keys, "search": before.stamp, "site": site})
        remember(cache, out, spare, new, wrote, record if before.exact else None, spare_was)
    counted = [w for rel, (w, _) in wrote.items() if rel != MARKER and not rel.startswith(SEARCH_FOLDER)]
    return WriteStats(sum(counted), len(counted) - sum(counted)), status


def remember(cache: Cache, out: Path, spare: Path | None, record: Record, wrote: dict, old: Record | None,
             spare_was: dict | None) -> None:
    """Record what this build left in the output folder and in the spare, for the next build.

    old is the last build's record when the output folder was exactly as it says (it now
    describes the spare), spare_was what the record said of the folder this build was assembled
    in (a spare), if it was one: folders whose entries did not change keep the mtimes recorded
    there, so only the folders that did are stat'ed.
    """
    record.files = {rel: fid for rel, (_, fid) in wrote.items()}
    try:
        record.dirs = folder_times(out, record.files, *unchanged_folders(record.files, spare_was))
        if spare is not None and old is not None:
            record.spare = {"files": old.files, "dirs": folder_times(spare, old.files, old.dirs, {"."})}
    except OSError:  # something changed them already: the next build starts afresh
        return
    record.save(cache, out)
    cache.commit(prune=("briefing", "meta", "text", "chunks", "related", "site", "spare"))


def unchanged_folders(files: dict[str, list[int]], spare_was: dict | None) -> tuple[dict[str, int], set[str]]:
    """Return the folder mtimes recorded for the spare the site was assembled in, and the folders
    whose entries changed since (a file added, replaced or removed; their parents too)."""
    if spare_was is None:
        return {}, set()
    held: dict = spare_was["files"]
    changed = {rel for rel, fid in files.items() if held.get(rel) != fid}  # not the inode alone: reused
    changed |= held.keys() - files.keys()
    touched = {"."}
    for rel in changed:
        while rel not in ("", "."):
            rel = os.path.dirname(rel) or "."
            touched.add(rel)
    return spare_was["dirs"], touched


def write_pages(opts, model: Model, index: Index, todo: list[Page], keepers: list[Page], keys: dict,
                record: Record | None, stage: Stage, bar) -> tuple[dict, dict]:
    """Render the pages to do into the stage and link the kept ones from the live site.

    Returns rel -> (written, file id) for every file, and path -> [key, briefings read, files] for
    every page (what the next build compares with).
    """
    wrote: dict[str, tuple[bool, list[int]]] = {}
    rendered: dict[str, list] = {}
    results = render_all(model, index, todo, opts.templates, opts.jobs, put=stage.put,
                         done=bar.add if bar is not None else None)
    for page, (files, deps) in zip(todo, results):
        wrote.update(files)
        rendered[page.path] = [keys[page.path], deps, sorted(files)]
    for page in keepers:
        rendered[page.path] = record.rendered[page.path]
        for rel in rendered[page.path][2]:
            wrote[rel] = (False, stage.keep(rel))
    return wrote, rendered


def search_step(stage: Stage, wrote: dict, record: Record | None, live: dict, stamp: str) -> str:
    """Make the search index in the stage: kept from the live site when no HTML file changed, else
    made anew (after clearing the stage of every file the new site lacks). Returns its status."""
    old = {rel for rel in live if rel.startswith(SEARCH_FOLDER)}
    html = {rel for rel in wrote if rel.endswith(".html")}
    same = (record is not None and stamp and record.search == stamp and old and old <= live.keys()
            and html == {rel for rel in record.files if rel.endswith(".html") and not rel.startswith(SEARCH_FOLDER)}
            and not any(wrote[rel][0] for rel in html))
    if same:
        wrote.update({rel: (False, stage.keep(rel)) for rel in old})
    stage.clear(set(wrote))
    if stamp == "off":
        return ""
    if same:
        return "search index unchanged"
    status = index_search(stage.folder)
    wrote.update({rel: (True, fid) for rel, fid in search_files(stage.folder).items()})
    return status


