"""The search index in parts (outputs/search.py says what each part holds): which parts an update
makes anew and which it keeps.

Each part is known by a digest of all its records are made from: for a year, every briefing's
files (their key, which holds the generator's hash too) and the anchoring settings; for every part,
the shared content records read (search.shared_inputs) and the indexer's version. So a part's
digest is found without reading a single article. Each update, part by part:

- keeps the part's files from the live site (linked, bytes and mtimes as they are) when the record
  of the last update says the part is there with this digest and its files are intact;
- else links them from the cache's copy of that digest (cache folder search/<digest>/), when the
  cache holds one whose every file is as the cache recorded it;
- else makes the part anew: its records, and only those, go to an indexer process of its own, one
  part after another, so no process holds more than one part's index.

Every part of the site is kept in the cache too (hard links: no copy), so that a build into a new
output folder - a deploy from a fresh clone with the cache restored - indexes only what changed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..model import Briefing
from ..outputs.indexer import index_part, ui_files
from ..outputs.publish import search_available
from ..outputs.search import (FOLDER, PAGES, PARTS_FILE, briefing_record, page_records, parts_listing, parts_of,
                              shared_inputs)
from .cache import Cache, digest, file_hash, generator
from .reading import Model
from .record import inside, stat_id
from .write import Stage

UI = "ui"
"""The pseudo-part holding the search UI's files, in pagefind/ itself."""
KIND = "searchpart"
"""The cache's kind for the account of a part's cached copy: path -> hash of its bytes."""


@dataclass(frozen=True)
class Part:
    """One part of the index the site is to have."""

    name: str
    """Its folder in pagefind/ (a year, or PAGES), or UI."""
    digest: str
    """A hash of everything its records are made from."""
    briefings: tuple[Briefing, ...] = ()
    """The briefings it holds (a year's)."""


def wanted(model: Model, stamp: str) -> list[Part]:
    """Return the parts the site is to have, each with its digest: the UI, the years newest first,
    then the other pages (when there are any)."""
    content = model.content
    base = (stamp, generator(), digest(shared_inputs(content)))
    parts = [Part(UI, digest("search ui", stamp, generator()))]
    for name, briefings in parts_of(content).items():
        keys = (f"{b.slug}\0{model.keys[b.slug]}" for b in briefings)
        parts.append(Part(name, digest("search part", name, *base, model.settings, *keys), tuple(briefings)))
    if content.speakers or content.documents or content.topics:
        parts.append(Part(PAGES, digest("search pages", *base)))
    return parts


def made_files(part: Part, model: Model) -> dict[str, bytes]:
    """Index one part anew; return its files by path in the site."""
    content, language = model.content, index_language(model.content.site.language)
    if part.name == UI:
        return {FOLDER + name: data for name, data in ui_files(language).items()}
    if part.name == PAGES:
        records = page_records(content)
    else:
        records = [briefing_record(b, model.articles[b.slug], content) for b in part.briefings]
    return {f"{FOLDER}{part.name}/{path}": data for path, data in index_part(records, language).items()}


def index_language(tag: str) -> str:
    """Return the language an index is made in: the tag's primary language subtag ('en' for en-GB).

    The indexer stems by it alone, and the search page finds an index by the page's full tag or
    its primary subtag; a long tag would make it panic on some contents (it cuts file names out of
    a hash, which is sometimes shorter than it assumes)."""
    return tag.split("-")[0].lower()


class Store:
    """The cache's copies of the parts (none without a cache)."""

    def __init__(self, cache: Cache | None) -> None:
        self.cache = cache if cache is not None and not cache.readonly and cache.connect() is not None else None
        self.folder = self.cache.folder / "search" if self.cache is not None else None

    def files(self, part: Part) -> dict[str, list[int]] | None:
        """Return the cached copy's files of a part with their file_id, when the cache holds one
        whose every file has the bytes recorded (by hash: a cache restored from an archive has new
        inodes and perhaps new mtimes), else None."""
        hashes = self.hashes(part)
        if not hashes:
            return None
        top, found = self.folder / part.digest, {}
        for rel, known in hashes.items():
            try:
                data = (top / rel).read_bytes()
                found[rel] = stat_id(os.fspath(top / rel))
            except OSError:
                return None
            if file_hash(data).hex() != known or found[rel] is None:
                return None
        return found

    def hashes(self, part: Part) -> dict[str, str] | None:
        """Return what the cache recorded of a part's copy: path -> hash of its bytes; None if nothing."""
        value = self.cache.get(KIND, part.digest) if self.cache is not None else None
        if type(value) is not dict or not all(inside(rel) and type(h) is str for rel, h in value.items()):
            return None
        return value

    def keep(self, part: Part, site: Path, rels: list[str]) -> None:
        """Make the cache hold a copy of a part (hard links to its files in the site), unless it has one."""
        if self.cache is None or self.hashes(part):
            return
        final = self.folder / part.digest
        tmp = self.folder / f".{part.digest}.tmp-{os.getpid()}"
        for folder in (tmp, final):
            shutil.rmtree(folder, ignore_errors=True)
        try:
            hashes = {}
            for rel in rels:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(site / rel, dest)
                except OSError:  # no hard links here: a copy
                    shutil.copy2(site / rel, dest)
                hashes[rel] = file_hash(dest.read_bytes()).hex()
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            return  # only a cache: the next build makes the part again
        self.cache.put(KIND, part.digest, hashes)

    def prune(self, parts: list[Part]) -> None:
        """Delete the cached copies of parts the site no longer has (and leftovers of dead builds)."""
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = {p.digest for p in parts}
        for entry in self.folder.iterdir():
            if entry.name not in wanted:
                shutil.rmtree(entry, ignore_errors=True)


def search_step(stage: Stage, wrote: dict, before, model: Model, cache: Cache | None) -> tuple[str, dict]:
    """Put the search index's parts in the stage - kept, from the cache, or made anew - then clear the
    stage of every file the new site lacks. Returns the status line and the parts for the record
    (name -> [digest, paths])."""
    if not before.searchable or not search_available():
        stage.clear(set(wrote))
        skipped = "search skipped: pagefind is not installed (pip install 'pagefind[bin]')"
        return ("" if before.stamp == "off" else skipped), {}
    record = before.record
    old = record.parts if record is not None and record.search == before.stamp else {}
    store, parts, made = Store(cache), {}, []
    todo = wanted(model, before.stamp)
    for part in todo:
        rels = kept(part, old, before.live, stage, wrote)
        if rels is None:
            rels = cached(part, store, before.live, stage, wrote)
        if rels is None:
            files = made_files(part, model)
            wrote.update((rel, stage.put(rel, data)) for rel, data in files.items())
            rels = sorted(files)
            made.append(part.name)
        store.keep(part, stage.folder, rels)
        parts[part.name] = [part.digest, rels]
    names = [p.name for p in todo if p.name != UI]
    wrote[PARTS_FILE] = stage.put(PARTS_FILE, parts_listing(names))
    store.prune(todo)
    stage.clear(set(wrote))
    return status(names, [n for n in made if n != UI]), parts


def kept(part: Part, old: dict, live: dict, stage: Stage, wrote: dict) -> list[str] | None:
    """Keep a part's files from the live site when the last record has it with this digest and its
    files are intact; return their paths, or None."""
    entry = old.get(part.name)
    if entry is None or entry[0] != part.digest or not all(rel in live for rel in entry[1]):
        return None
    for rel in entry[1]:
        wrote[rel] = (False, stage.keep(rel))
    return entry[1]


def cached(part: Part, store: Store, live: dict, stage: Stage, wrote: dict) -> list[str] | None:
    """Link a part's files from the cache's copy when it holds one intact; return their paths, or None."""
    files = store.files(part)
    if files is None:
        return None
    top = store.folder / part.digest
    for rel, fid in files.items():
        wrote[rel] = (live.get(rel) != fid, stage.adopt(rel, top / rel, fid))
    return sorted(files)


def status(names: list[str], made: list[str]) -> str:
    """Return the status line: which parts were indexed anew, how many kept."""
    if not made:
        return f"search index unchanged: {len(names)} parts kept"
    shown = ", ".join(made[:5]) + (f" and {len(made) - 5} more" if len(made) > 5 else "")
    return f"search index built: {shown} indexed anew, {len(names) - len(made)} of {len(names)} parts kept"
