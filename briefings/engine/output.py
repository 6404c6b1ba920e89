"""The one writer: what an update keeps of the site before it, and how the new site is swapped in.

Each update records the hash of all its inputs, every page's key, files and what it read, and the
size, mtime and inode of every file and the mtime of every folder it left - in the cache for the
next build (kind "site", under the output folder's path), in memory for the preview's next save.
The next update then:

- does nothing when the inputs are the same and the output folder is exactly as recorded;
- otherwise keeps (hard-links, unread) the files of each page whose key and reads are unchanged and
  whose files are as recorded, renders the rest, and makes anew only the parts of the search
  index whose records changed (searching.py);
- assembles the new site in a spare folder - the site before last, updated file by file - instead
  of a new folder of thousands of links, and after the swap keeps the replaced site as the next
  spare. The spare lives in the cache folder, or without a cache (the preview), beside the output
  folder, named like a temporary folder of this process. It is used only when the record vouches
  for every file and folder in it; it is marked untrusted before it is touched, so an update killed
  half-way leaves one that the next throws away.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..index import Index
from ..outputs.publish import extra_files
from ..outputs.search import FOLDER as SEARCH_FOLDER
from ..pages.plan import Page
from .cache import Cache
from .look import Before
from .reading import Model
from .record import Record, folder_times, folders_unchanged
from .rendering import render_all, static_files
from .searching import search_step
from .write import MARKER, Stage, WriteStats, delete, new_folder, swap

MARKER_TEXT = b"This folder is made by briefings build; it is replaced on every build.\n"


def spare_folder(cache: Cache | None, out: Path, keep: bool) -> Path | None:
    """Return where the spare site of an output folder lives: in the cache folder, or - kept in
    memory (the preview) without a cache - beside it, named so that the next build removes it
    once this process is gone; None when there is none (a build without a cache)."""
    if cache is not None:
        return cache.folder / "spare" / Record.key(out)[:16]
    return out.parent / f".{out.name}.tmp-{os.getpid()}-spare" if keep else None


def stage_for(out: Path, spare: Path | None, record: Record | None, live: dict[str, list[int]],
              trusted: bool = False) -> Stage:
    """Return where to assemble the next site: the spare when the record vouches for it (or it is
    trusted: the preview's own, unchanged), else a new folder.

    The spare is this update's alone: it holds the output and cache folders' locks (lock.py)."""
    if spare is not None and record is not None and record.spare is not None:  # shape checked on load
        files, dirs = record.spare["files"], record.spare["dirs"]
        if trusted or (same_device(spare, out) and folders_unchanged(spare, dirs) and (spare / MARKER).is_file()):
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


def keep_replaced(stage: Stage, out: Path, spare: Path | None, exact_old: bool) -> Path | None:
    """After the swap the stage folder holds the replaced site: make it the next spare when its every
    file is known (exact_old), else delete it. Return the spare, if any."""
    folder = stage.folder
    if not folder.exists():
        return None  # there was no site before this one
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
class Pending:
    """A site rendered into the stage, not yet swapped in."""

    before: Before
    """What the update started from."""
    model: Model
    """What it read."""
    pages: list[Page]
    """The page plan."""
    decided: object
    """Which pages it rendered and kept, and why (explain.Decided)."""
    stage: Stage
    """Where the new site is assembled."""
    wrote: dict[str, tuple[bool, list[int]]]
    """Path -> (written anew, file id) of every file in the stage so far."""
    rendered: dict[str, list]
    """Page path -> [key, reads, files]: what the next update compares with."""
    spare: Path | None
    """Where the spare lives."""
    spare_was: dict | None
    """What the record said of the spare the stage was made from, if it was one."""
    started: float = 0.0
    """When the update began (perf_counter)."""


def render_stage(opts, cache: Cache | None, before: Before, model: Model, index: Index, pages: list[Page],
                 decided, pending: Pending | None, keep: bool, started: float, env=None) -> Pending:
    """Render the pages to do into the stage (the one prepared before, when there is one), linking
    the kept ones from the live site."""
    out, record, live = opts.out.resolve(), before.record, before.live
    spare = spare_folder(cache, out, keep)
    if pending is not None:  # a second pass into the same stage: it holds what the first one put there
        stage, spare_was = pending.stage, pending.spare_was
        stage.held.update((rel, fid) for rel, (_, fid) in pending.wrote.items())
    else:
        stage = stage_for(out, spare, record, live, before.trusted)
        spare_was = record.spare if stage.held else None
        if stage.held:  # from here the spare is half-updated until the swap: stop vouching for it
            record.spare = None
            if cache is not None:
                Record.vouch(cache, out, None)
                cache.commit()
    bar = opts.progress(len(pages)) if opts.progress is not None else None
    try:
        if bar is not None:
            bar.add(len(decided.keepers))
        wrote, rendered = write_pages(opts, model, index, decided, record, stage, bar, env)
    except BaseException:
        if pending is None:
            delete(stage.folder, out)  # a temporary folder, or a spare now untrusted
        raise
    finally:
        if bar is not None:
            bar.close()
    return Pending(before, model, pages, decided, stage, wrote, rendered, spare, spare_was,
                   pending.started if pending is not None else started)


def commit_stage(opts, cache: Cache | None, p: Pending, keep: bool) -> tuple[WriteStats, str, Record]:
    """Finish the stage (static files, search index) and swap it in; record what it holds."""
    out, before, stage, wrote = opts.out.resolve(), p.before, p.stage, p.wrote
    try:
        wrote.update({rel: stage.put(rel, data) for rel, data in
                      {**static_files(opts.templates), **extra_files(p.model.content.site)}.items()})
        wrote[MARKER] = stage.put(MARKER, MARKER_TEXT)
        status, parts = search_step(stage, wrote, before, p.model, cache)
        swap(stage.folder, out)
    except BaseException:
        delete(stage.folder, out)
        raise
    spare = keep_replaced(stage, out, p.spare, before.exact)
    record = Record({"inputs": before.inputs or "", "pages": len(p.pages), "rendered": p.rendered,
                     "briefings": p.model.keys, "search": before.stamp, "site": before.site, "parts": parts})
    remember(cache, out, spare, record, wrote, before.record if before.exact else None, p.spare_was,
             times=cache is not None)
    # Counted: the pages' and static files, not the marker or the search index's files.
    search = 0 if before.stamp == "off" else sum(rel.startswith(SEARCH_FOLDER) for rel in wrote)
    counted = len(wrote) - (MARKER in wrote) - search
    made = sum(1 for rel, (w, _) in wrote.items() if w and rel != MARKER and not rel.startswith(SEARCH_FOLDER))
    return WriteStats(made, counted - made), status, record


def remember(cache: Cache | None, out: Path, spare: Path | None, record: Record, wrote: dict, old: Record | None,
             spare_was: dict | None, times: bool = True) -> None:
    """Record what this update left in the output folder and in the spare (in the cache, when
    there is one), for the next update.

    old is the last record when the output folder was exactly as it says (it now describes the
    spare), spare_was what the record said of the folder this update was assembled in (a spare),
    if it was one: folders whose entries did not change keep the mtimes recorded there, so only the
    folders that did are stat'ed.
    """
    record.files = {rel: fid for rel, (_, fid) in wrote.items()}
    if not times:  # kept in memory only: the next update trusts the folders by their inodes
        record.spare = {"files": old.files, "dirs": {}} if spare is not None and old is not None else None
        return
    try:
        record.dirs = folder_times(out, record.files, *unchanged_folders(record.files, spare_was))
        if spare is not None and old is not None:
            record.spare = {"files": old.files, "dirs": folder_times(spare, old.files, old.dirs, {"."})}
    except OSError:  # something changed them already: the next update starts afresh
        record.dirs, record.spare = {}, None
        return
    if cache is not None:
        record.save(cache, out)
        cache.commit(prune=("briefing", "meta", "text", "chunks", "related", "site", "spare", "searchpart"))


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


def write_pages(opts, model: Model, index: Index, decided, record: Record | None, stage: Stage,
                bar, env=None) -> tuple[dict, dict]:
    """Render the pages to do into the stage and link the kept ones from the live site.

    Returns rel -> (written, file id) for every file, and path -> [key, what it read, files] for
    every page (what the next update compares with).
    """
    wrote: dict[str, tuple[bool, list[int]]] = {}
    rendered: dict[str, list] = {}
    results = render_all(model, index, decided.todo, opts.templates, opts.jobs, put=stage.put,
                         done=bar.add if bar is not None else None, fine=decided.fine, env=env)
    for page, (files, deps) in zip(decided.todo, results):
        wrote.update(files)
        rendered[page.path] = [decided.keys[page.path], deps, sorted(files)]
    held, live, kept = stage.held, stage.live_files, record.rendered if record is not None else {}
    for page in decided.keepers:
        entry = rendered[page.path] = kept[page.path]
        for rel in entry[2]:
            fid = live[rel]  # inlined stage.keep(): thousands of kept files, most of them shared already
            wrote[rel] = (False, fid if held.get(rel) == fid else stage.keep(rel))
    return wrote, rendered
