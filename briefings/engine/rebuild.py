"""The one rebuild engine: what to read, anchor, index, plan, render and write again.

`briefings build` runs it once, starting from what the last build recorded in the cache; the
preview keeps it in memory and updates it after each burst of saves. Both go the same way:

1. look: which content and template files changed (every file hashed, or - in memory - only the
   saved ones), what the output folder holds;
2. read: briefings whose files are unchanged come from memory or the cache, the rest are read and
   anchored (in worker processes when there are many);
3. index and plan: made again only when what they read of the briefings changed (derived.py);
4. decide: a page is kept when its key (template, variables, settings) is the one recorded and
   nothing it read while it was rendered changed (reuse.py); the others are rendered into a spare
   copy of the site, which is then swapped in (output.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..content.settings import with_base_url
from ..errors import ContentError, raise_all
from ..index import build_index
from ..model import Briefing
from ..pages.plan import Page, plan
from ..pages.render import environment, search_path
from . import explain
from .cache import digest
from .changes import BRIEFINGS, CONTENT, TEMPLATES, classify
from .derived import Derived, holders, related_memo, with_briefings
from .look import Before, folder_inodes, look_back, rehash
from .outline import OUTLINE, outline_parts
from .output import Pending, commit_stage, render_stage, spare_folder
from .reading import Model, read_all
from .record import Record, search_stamp
from .reuse import changed_briefings, page_key, page_keys, site_key
from .write import delete


@dataclass
class Memory:
    """What the engine keeps between updates in the preview, to redo only what a save changed."""

    hashes: dict[Path, bytes]
    """Every content file's hash, as last read."""
    listing: dict[str, list[Path]]
    """The content folder's files by section."""
    model: Model
    """What was read: briefings, articles, shared content."""
    pages: list[Page] = field(default_factory=list)
    """The page plan the site was rendered from."""
    page_keys: dict[str, str | None] = field(default_factory=dict)
    """Page path -> its key."""
    parts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Slug -> the hashes of its outline's parts (outline.py), made when first needed."""
    by_file: dict[str, str] | None = None
    """The briefings' files (absolute paths) with their slugs, made when first needed."""


@dataclass(frozen=True)
class Outcome:
    """What one update did."""

    kind: str | None
    """CONTENT, TEMPLATES, BRIEFINGS (changes.py), or None when nothing that matters changed."""
    rendered: tuple[str, ...] = ()
    """Output paths of the pages rendered this time (the others kept their files)."""
    pages: int = 0
    """How many pages the site has."""
    stats: object = None
    """What the write did (write.WriteStats)."""
    seconds: float = 0.0
    """Wall time of the update."""
    search: str = ""
    """What became of the search index."""
    reasons: tuple[str, ...] = ()
    """Why each rendered page was rendered, and how many were kept (explain.py)."""


class Engine:
    """Brings an output folder up to date with the content and templates, doing only what changed."""

    def __init__(self, opts, cache=None, keep: bool = False, search: bool = True) -> None:
        self.opts, self.cache, self.keep = opts, cache, keep
        self.search = search and opts.search
        self.memory: Memory | None = None
        self.record: Record | None = None
        """What the output folder holds, kept in memory when keep (else the cache has it)."""
        self.index, self.plan = Derived(), Derived()
        self.version = 0
        """Counts the indexes made: the plan is reused only with the index it was made from."""
        self.pending: Pending | None = None
        self.before: Before | None = None
        """What the last prepare() found."""
        self.unsettled: set[str] = set()
        """Files saved since the last commit (a failed update looks at them again next time)."""
        self.inodes: tuple | None = None
        """The output folder's and the spare's inodes as the last commit left them (kept in memory)."""
        self.env = None
        """The template environment, kept while no template or setting changed (kept in memory)."""
        self.holders: dict[str, list[int]] = {}
        """Which pages of the plan hold each briefing (see holders)."""
        self.readers: dict[str, set[str]] | None = None
        """Which pages read each name, as recorded (explain.readers_of; kept in memory)."""
        self.content_dir = os.path.abspath(opts.content)
        self.template_dirs = [os.path.abspath(p) for p in search_path(opts.templates)]

    def kind_of(self, path: str) -> str | None:
        """Return what a change to one file (an absolute path) means: the one classification of saves."""
        return classify({path}, self.content_dir, self.template_dirs, self.by_file())

    def by_file(self) -> dict[str, str]:
        """Return the briefings' files (absolute) with their slugs, as last read."""
        if self.memory is None:
            return {}
        if self.memory.by_file is None:
            self.memory.by_file = {os.path.abspath(p): p.stem for p in self.memory.listing.get("briefings", [])}
        return self.memory.by_file

    def drop(self) -> None:
        """Delete what this engine keeps on disk beside the output folder (a prepared site, the spare)."""
        out = self.opts.out.resolve()
        for folder in (self.pending.stage.folder if self.pending is not None else None,
                       spare_folder(self.cache, out, self.keep) if self.cache is None else None):
            if folder is not None and folder.exists():
                delete(folder, out)
        self.pending = None

    def update(self, hints: set[str] | None = None) -> Outcome:
        """Prepare and write in one go (build): see prepare."""
        started = time.perf_counter()
        pending = self.prepare(hints)
        return self.commit(pending, started) if pending is not None else Outcome(None)

    def prepare(self, hints: set[str] | None = None) -> Pending | None:
        """Read what changed and render what it affects into the spare, not yet swapped in; None
        when nothing that matters changed. hints name the files saved since the last update (None:
        look at every file). Raises every content error; preparing again before commit() redoes
        the union of both."""
        started = time.perf_counter()
        if hints is not None:  # what failed or was not written yet is to be looked at again
            self.unsettled |= hints
            hints = set(self.unsettled)
        before = self.before = self.look(hints)
        if before.nothing:
            self.unsettled.clear()
            return None
        errors: list[ContentError] = []
        model = self.read(before, errors)
        raise_all(errors)
        index, pages = self.derive(model, before)
        decided = self.decide(before, model, pages)
        if self.env is None or before.kind != BRIEFINGS or self.env.allow_html != model.content.site.allow_html:
            self.env = environment(self.opts.templates, model.content.site.allow_html)
        self.pending = render_stage(self.opts, self.cache, before, model, index, pages, decided, self.pending,
                                    self.keep, started, self.env)
        return self.pending

    def record_of(self) -> Record | None:
        """Return the record the last prepare() started from."""
        return self.before.record if self.before is not None else None

    def counted(self) -> int:
        """Return how many files (pages and static files) the last build left."""
        return self.before.counted() if self.before is not None and self.before.record is not None else 0

    def commit(self, pending: Pending, started: float | None = None) -> Outcome:
        """Swap the prepared site in, and remember what it holds for the next update."""
        try:
            stats, status, record = commit_stage(self.opts, self.cache, pending, self.keep)
        finally:
            self.pending = None  # written, or deleted by the failure: either way not to be built on
        self.unsettled.clear()
        if self.keep:
            self.inodes = folder_inodes(self.opts.out.resolve(), pending.spare)
            old = self.record
            self.readers = (explain.readers_of(record.rendered) if self.readers is None or old is None else
                            explain.readers_of(record.rendered, self.readers, old.rendered,
                                               [p.path for p in pending.decided.todo]))
            self.record = record
            kept = self.memory if self.memory is not None and self.memory.listing is pending.before.listing else None
            self.memory = Memory(pending.before.hashes, pending.before.listing, pending.model, pending.pages,
                                 pending.decided.keys, self.memory.parts if self.memory is not None else {},
                                 kept.by_file if kept is not None else None)
        seconds = time.perf_counter() - (started if started is not None else pending.started)
        return Outcome(pending.before.kind, tuple(p.path for p in pending.decided.todo), len(pending.pages),
                       stats, seconds, status, pending.decided.reasons)

    def look(self, hints: set[str] | None) -> Before:
        """Find what the last update left and which inputs changed since."""
        stamp = search_stamp(self.search)
        if self.memory is None or hints is None:
            before = look_back(self.opts, self.cache, stamp, self.record, hash_all=self.keep)
            before.kind = CONTENT
            return before
        before = look_back(self.opts, None, stamp, self.record, inodes=self.inodes)
        before.hashes, before.listing, before.hinted = dict(self.memory.hashes), self.memory.listing, True
        changed = rehash(hints, before, Path(self.opts.content), self.content_dir, self.template_dirs)
        before.kind = classify(changed, self.content_dir, self.template_dirs, self.by_file()) if changed else None
        before.changed = changed
        before.nothing = before.kind is None and before.exact
        return before

    def read(self, before: Before, errors: list[ContentError]) -> Model:
        """Read and anchor every briefing, taking the unchanged ones from memory or the cache."""
        memory = self.memory
        shared = None
        if memory is not None and before.kind in (BRIEFINGS, TEMPLATES) and not before.relist:
            shared = memory.model.shared  # no shared file changed
        listing = before.listing or None
        model = read_all(self.opts.content, errors, self.cache, self.opts.jobs,
                         site_of=lambda s: with_base_url(s, self.opts.base_url), read=before.read,
                         files=listing, hashes=before.hashes or None,
                         known=memory.model if memory is not None else None, shared=shared,
                         changed=before.changed_files if before.hinted else None)
        if self.cache is not None:
            self.cache.commit()  # what was read is good even when another file has errors
        before.read.clear()
        return model

    def derive(self, model: Model, before: Before):
        """Return the cross-link index and the page plan, made again only when what they read changed."""
        content, articles = model.content, model.articles
        before.site = site_key(content, self.opts.templates, before.searchable)
        changed = before.slugs = self.changed_slugs(model)
        memo = related_memo(self.cache, content) if self.cache is not None else None
        index, fresh = self.index.get(lambda c, a: build_index(c, a, memo), content, articles, before.site, changed,
                                      self.keep)
        self.version += fresh
        searchable = before.searchable
        pages, planned = self.plan.get(lambda c, a: plan(c, index, searchable), content, articles,
                                       digest(before.site, str(self.version)), changed, self.keep)
        before.replaced = None
        if planned:
            self.holders = holders(pages)
        else:  # the plan as it was: its pages still hold the briefings before the change
            new = with_briefings(pages, {b.slug: b for b in content.briefings if b.slug in changed},
                                 self.holders) if changed else pages
            if self.memory is not None and pages is self.memory.pages:  # what the keys in memory are of
                before.replaced = [p for p, q in zip(new, pages) if p is not q]
            pages = self.plan.result = new
        return index, pages

    def changed_slugs(self, model: Model) -> set[str] | None:
        """Return the slugs whose files changed since the last update in memory (None: not known)."""
        if self.memory is None:
            return None
        old = self.memory.model.keys
        slugs = {p.slug for p in model.pairs if old.get(p.slug) != p.key}
        return slugs | ({p.slug for p in self.memory.model.pairs} - {p.slug for p in model.pairs})

    def decide(self, before: Before, model: Model, pages: list[Page]):
        """Return which pages to render and which to keep, with each one's key and the reasons."""
        record, memory = before.record, self.memory
        if memory is not None and record is not None:
            changed = self.fine_changes(model, before.slugs)
            if before.replaced is not None and record.site == before.site:  # the plan as it was, a few pages new
                keys = dict(memory.page_keys)
                keys.update((p.path, page_key(p, before.site, model.keys)) for p in before.replaced)
            else:
                keys = {p.path: page_key(p, before.site, model.keys) for p in pages}
        else:
            changed = changed_briefings(record.briefings, model.keys) if record is not None else set()
            keys = page_keys(pages, before.site, model.keys, record, changed)
        return explain.decide(pages, keys, record, before, changed, fine=self.keep,
                              readers=self.readers if memory is not None else None)

    def fine_changes(self, model: Model, slugs: set[str] | None) -> set[str]:
        """Return the names of what changed in the briefings since the last update in memory: their
        slugs, outlines and each part of an outline (the preview tracks single annotations)."""
        old_model, parts = self.memory.model, self.memory.parts
        old = {b.slug: b for b in old_model.content.briefings}
        new = {b.slug: b for b in model.content.briefings}
        names: set[str] = set()
        for slug in slugs or ():
            names |= {slug, OUTLINE + slug}
            before = parts.pop(slug, None) or self.parts_of(old.get(slug), old_model)
            after = parts[slug] = self.parts_of(new.get(slug), model)
            names |= {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        return names

    @staticmethod
    def parts_of(b: Briefing | None, model: Model) -> dict[str, str]:
        """Return a briefing's outline part hashes (empty when it is gone or failed to anchor)."""
        art = model.articles.get(b.slug) if b is not None else None
        return outline_parts(b, art) if art is not None else {}
