"""The preview's incremental rebuild: the model stays in memory and a change re-renders only what shows it.

The stages are the pipeline's own (load, anchor, index, plan, render, write); this module only
decides what to run again. A change to one briefing's article or sidecar re-reads that pair,
re-anchors that briefing, rebuilds the index and the page plan, and renders again only the pages
whose variables changed or that read the briefing when they were last rendered (the build's own
record of reads, reuse.Reads: a page that read only the briefing's outline is kept when the body
alone changed); every other page keeps its bytes.
A template or static asset re-renders every page; site.yml, a speaker, document or topic, or a
briefing file that appears or disappears reloads everything.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .changes import CONTENT, TEMPLATES, classify, kind_of, widest
from ..errors import ContentError, flatten, raise_all
from ..content.files import pair_briefings
from ..index import build_index
from ..content.load import Shared, assemble, read_pair, read_shared
from ..pages.lookup import Lookup
from ..text.mentions import Mentions
from ..model import Article, Briefing, Content
from .outline import OUTLINE, outline_parts
from ..pages.plan import Page, briefing_page, plan
from ..pipeline import Options, anchor_one, render_pages, static_files, with_base_url
from ..outputs.publish import extra_files
from ..pages.render import environment, search_path
from .reuse import EVERYTHING, ContentView, Reads
from .twin import Twin
from .write import WriteStats

@dataclass
class Pair:
    """One briefing's two files and what the last reading of them gave."""

    slug: str
    """The briefing's slug (the file stem)."""
    md: Path
    """The article."""
    yml: Path
    """The sidecar."""
    briefing: Briefing | None = None
    """The loaded briefing; None when its files have errors."""
    article: Article | None = None
    """The anchored article; None when a quote could not be anchored."""
    errors: list[ContentError] = field(default_factory=list)
    """Errors found in this pair alone."""
    key: tuple = ()
    """What the cross-link index reads from this briefing (see index_inputs)."""
    outline: dict[str, str] = field(default_factory=dict)
    """The hashes of the briefing's outline and its parts, by name (outline.py); empty while it has errors."""


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did."""

    kind: str | None
    """CONTENT, TEMPLATES, BRIEFINGS, or None when no change mattered (nothing was written)."""
    rendered: tuple[str, ...] = ()
    """Output paths of the pages rendered this time (the others kept their bytes)."""
    pages: int = 0
    """How many pages the site has."""
    stats: WriteStats | None = None
    """What the write did."""
    seconds: float = 0.0
    """Wall time of the rebuild."""
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage: read, index, plan, render, write."""
    slowest: tuple[tuple[str, float], ...] = ()
    """The pages that took longest to render, with their seconds."""


@dataclass(frozen=True)
class Prepared:
    """A rendered site not yet written."""

    files: dict[str, bytes]
    """Every file of the site."""
    pages: list[Page]
    """The page plan."""
    outputs: dict[str, dict[str, bytes]]
    """Page output path -> the files rendering it gave."""
    rendered: tuple[str, ...]
    """Output paths of the pages rendered for it."""
    started: float
    """When its preparation began (perf_counter)."""
    index: object = None
    """The cross-link index the plan was made from."""


class Site:
    """A site held in memory between rebuilds; rebuild() brings it and the output folder up to date."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.writer = Twin(opts.out)
        self.shared: Shared | None = None
        self.shared_errors: list[ContentError] = []
        self.pairs: dict[str, Pair] = {}
        self.by_file: dict[str, str] = {}
        self.mentions: Mentions | None = None
        self.env = None
        self.static: dict[str, bytes] = {}
        self.pages: dict[str, Page] = {}
        """The pages of the last write, by output path."""
        self.plan: list[Page] = []
        """The page plan of the last write, in order."""
        self.planned = None
        """The index that plan was made from."""
        self.outputs: dict[str, dict[str, bytes]] = {}
        """Page output path -> the files rendering it gave (the page and what is made with it)."""
        self.deps: dict[str, str | frozenset[str]] = {}
        """Page output path -> what it read when last rendered (reuse.Reads.deps())."""
        self.files: dict[str, bytes] = {}
        """Every file of the last write."""
        self.index = None
        """The last cross-link index, reused while no briefing changed what it reads."""
        self.index_keys: dict[str, tuple] = {}
        self.dirty: set[str] | None = None
        """Briefings changed since the last successful write: slugs, and OUTLINE + slug when the
        outline changed too (the names pages' reads are recorded under); None means every page."""
        self.kind: str | None = None
        """The widest change prepared since the last commit."""
        self.stages: dict[str, float] = {}
        self.times: dict[str, float] = {}
        self.content_dir = os.path.abspath(opts.content)
        self.template_dirs = [os.path.abspath(p) for p in search_path(opts.templates)]

    def rebuild(self, changed: set[str] | None = None) -> Outcome:
        """Apply changes to the given files (None: everything) and write the site; raise content errors."""
        prepared = self.prepare(changed)
        return self.commit(prepared) if prepared is not None else Outcome(None)

    def prepare(self, changed: set[str] | None = None) -> Prepared | None:
        """Read what changed and render what it affects, writing nothing; None when nothing matters.

        Until commit() the affected pages accumulate: preparing again after more changes renders
        everything either preparation would have. Raises every content error.
        """
        started = time.perf_counter()
        kind = CONTENT if self.shared is None or changed is None else self.classify(changed)
        if kind is None:
            return None
        self.kind = widest(self.kind, kind)
        self.stages, self.times = {}, {}
        if kind == CONTENT:
            self.read_all()
        elif kind == TEMPLATES:
            self.reset_templates()
        else:
            for slug in sorted({self.by_file[p] for p in changed if p in self.by_file}):
                self.read_one(self.pairs[slug])
        raise_all(self.errors())
        return self.render_all(self.lap("read", started), started)

    def commit(self, prepared: Prepared) -> Outcome:
        """Write a prepared site atomically and make it the one later changes are compared with."""
        t = time.perf_counter()
        stats = self.writer.write(prepared.files)
        self.lap("write", t)
        self.pages, self.outputs = {p.path: p for p in prepared.pages}, prepared.outputs
        self.plan, self.planned = prepared.pages, prepared.index
        self.deps = {p.path: self.deps[p.path] for p in prepared.pages if p.path in self.deps}
        self.files, self.dirty, kind, self.kind = prepared.files, set(), self.kind, None
        slowest = tuple(sorted(self.times.items(), key=lambda kv: -kv[1])[:3])
        return Outcome(kind, prepared.rendered, len(prepared.pages), stats,
                       time.perf_counter() - prepared.started, self.stages, slowest)

    def lap(self, stage: str, since: float) -> float:
        """Record the time spent in a stage since a moment; return now."""
        now = time.perf_counter()
        self.stages[stage] = now - since
        return now

    def classify(self, changed: set[str]) -> str | None:
        """Return the widest kind of change among these paths, or None if none matters."""
        return classify(changed, self.content_dir, self.template_dirs, self.by_file)

    def kind_of(self, path: str) -> str | None:
        """Return what a change to one file (an absolute path) means for the site."""
        return kind_of(path, self.content_dir, self.template_dirs, self.by_file)

    def read_all(self) -> None:
        """Read the whole content folder again, pair by pair, and forget every rendered page."""
        errors: list[ContentError] = []
        shared = read_shared(self.opts.content, errors)
        shared = Shared(with_base_url(shared.site, self.opts.base_url), shared.files, shared.speakers,
                        shared.documents, shared.topic_files)
        pairs = pair_briefings(shared.files.get("briefings", []), errors)
        self.shared, self.shared_errors = shared, errors
        self.mentions = Mentions(shared.speakers)
        self.pairs = {slug: Pair(slug, md, yml) for slug, md, yml in pairs}
        self.by_file = {os.path.abspath(f): slug for slug, md, yml in pairs for f in (md, yml)}
        for pair in self.pairs.values():
            self.read_one(pair)
        self.reset_templates()

    def reset_templates(self) -> None:
        """Make a fresh template environment and re-read static assets: every page renders again."""
        self.env = environment(self.opts.templates, self.shared.site.allow_html)
        self.static = static_files(self.opts.templates)
        self.dirty = None

    def read_one(self, pair: Pair) -> None:
        """Read and anchor one briefing again, keeping its errors apart from the others'."""
        pair.errors = []
        pair.briefing = read_pair(pair.slug, pair.md, pair.yml, self.shared, pair.errors)
        pair.article = None
        if pair.briefing is not None:
            pair.article = anchor_one(pair.briefing, self.shared.site, self.mentions, pair.errors)
        pair.key = index_inputs(pair.briefing, pair.article) if pair.article is not None else ()
        outline = outline_parts(pair.briefing, pair.article) if pair.article is not None else {}
        if self.dirty is not None:
            self.dirty.add(pair.slug)
            self.dirty.update(n for n in outline.keys() | pair.outline.keys() if outline.get(n) != pair.outline.get(n))
            if not outline:
                self.dirty.add(OUTLINE + pair.slug)
        pair.outline = outline

    def errors(self) -> list[ContentError]:
        """Return every content error currently known."""
        return self.shared_errors + [e for p in self.pairs.values() for e in p.errors]

    def model(self) -> tuple[Content, dict[str, Article]]:
        """Assemble the content model and the articles from the pairs held in memory."""
        briefings = [p.briefing for p in self.pairs.values() if p.briefing is not None]
        articles = {p.slug: p.article for p in self.pairs.values() if p.article is not None}
        return assemble(self.shared, briefings), articles

    def render_all(self, t: float, started: float) -> Prepared:
        """Index, plan and render the affected pages; reuse the other pages' bytes."""
        content, articles = self.model()
        keys = {p.slug: p.key for p in self.pairs.values()}
        if self.dirty is None or self.index is None or keys != self.index_keys:
            self.index, self.index_keys = build_index(content, articles), keys
        index = self.index
        t = self.lap("index", t)
        pages = self.patched(index) if self.dirty is not None and index is self.planned else plan(content, index)
        todo = self.affected(pages)
        t = self.lap("plan", t)
        fresh = self.render(content, articles, index, todo)
        outputs = {p.path: fresh[p.path] if p.path in fresh else self.outputs[p.path] for p in pages}
        files = {path: data for out in outputs.values() for path, data in out.items()}
        files.update(self.static)
        files.update(extra_files(content.site))
        self.lap("render", t)
        return Prepared(files, pages, outputs, tuple(p.path for p in todo), started, index)

    def patched(self, index) -> list[Page]:
        """Return the last plan with the changed briefings' own pages planned again.

        The plan reads the briefings only through the index (order, dates, topics, speakers), save
        for each briefing's own page: while the index is the one the last plan was made from, no
        other page can differ (a test compares the result with a fresh plan after every edit).
        """
        changed = {slug: pair.briefing for slug, pair in self.pairs.items() if slug in self.dirty}
        return [briefing_page(changed[p.context["b"].slug], index)
                if p.template == "briefing.html" and p.context["b"].slug in changed else p for p in self.plan]

    def render(self, content: Content, articles: dict[str, Article], index, pages: list[Page]
               ) -> dict[str, dict[str, bytes]]:
        """Render each page on its own, so that what it makes (and what it read) can be kept with it;
        raise all errors."""
        out: dict[str, dict[str, bytes]] = {}
        errors: list[ContentError] = []
        reads = Reads(Lookup(content, articles, index), fine=True)
        common = {"site": content.site, "content": ContentView(content, reads), "lookup": reads}
        for page in pages:
            started = time.perf_counter()
            reads.start()
            try:
                out[page.path] = render_pages(self.env, common, [page])
            except ExceptionGroup as group:
                errors.extend(flatten(group))
            deps = reads.deps()
            self.deps[page.path] = deps if deps == EVERYTHING else frozenset(deps)
            self.times[page.path] = time.perf_counter() - started
        raise_all(errors)
        return out

    def affected(self, pages: list[Page]) -> list[Page]:
        """Return the pages to render: all after a wide change, else the changed or dependent ones."""
        if self.dirty is None:
            return list(pages)
        dirty = self.dirty
        return [p for p in pages if self.pages.get(p.path) != p or reads_any(self.deps.get(p.path), dirty)]


def reads_any(deps, dirty: set[str]) -> bool:
    """Tell whether a page that read deps (None: not known) read one of the dirty briefings."""
    if deps is None:
        return True
    if deps == EVERYTHING:
        return bool(dirty)
    return not dirty.isdisjoint(deps)


def index_inputs(b: Briefing, art: Article) -> tuple:
    """Return all that build_index reads from one briefing: its place in time, topics, annotations in
    text order (id, kind, speaker, provision) and the speakers it names - not its text or notes.

    While these are the same for every briefing, the index is the same and is reused; a test checks
    that the reused index equals a fresh one after each kind of edit.
    """
    in_order = sorted(b.annotations, key=lambda a: art.spans[a.id])
    return (b.date, b.topics, tuple((a.id, a.kind, a.speaker, a.provision) for a in in_order),
            art.mentioned)
