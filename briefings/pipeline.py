"""The whole flow, stage by stage:

1. content (content/): read the content folder into the model, checking everything;
2. text (text/): each article's Markdown to HTML, every annotation's quote anchored in it;
3. index (index.py): the cross-links between briefings, speakers, documents and topics;
4. pages (pages/): the page plan, each page rendered through the templates;
5. outputs (outputs/): the W3C annotation export beside each briefing, the files GitHub Pages
   wants, the search index;
then the site is written all at once, swapped in whole.

gather() runs the stages as plainly as they go, in memory. build() and check() run the same
stages through the engine (engine/), which reads from the cache what did not change, works in
several processes, and renders and writes again only what a change affects; the preview keeps
that engine in memory between saves. None of this changes a byte of the output.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .content.files import folder_files
from .content.load import load
from .content.settings import with_base_url
from .engine.cache import open_cache
from .engine.lock import one_build
from .engine.parallel import collector_paused
from .engine.reading import read_all
from .engine.rebuild import Engine
from .engine.rendering import render_all, render_files, static_files
from .engine.reuse import ContentView, Reads
from .engine.write import WriteStats, check_out
from .errors import ContentError, flatten, raise_all
from .index import build_index
from .model import Article, Briefing, Content, SiteConfig
from .outputs.publish import extra_files, search_available
from .pages.lookup import Lookup
from .pages.plan import plan
from .pages.render import environment, search_path
from .text.anchor import anchor
from .text.mentions import Mentions


@dataclass(frozen=True)
class Options:
    """Where to read from and write to, and how."""

    content: Path = Path("content")
    """The content folder."""
    templates: Path = Path("templates")
    """The user's templates folder (searched before the defaults)."""
    out: Path = Path("site")
    """The output folder."""
    base_url: str | None = None
    """Overrides site.yml's base_url when given."""
    cache: Path | None = None
    """The build cache folder; None keeps nothing between builds."""
    jobs: int = 1
    """Worker processes for anchoring and rendering; 1 does everything in this process."""
    search: bool = True
    """Whether build() makes the search index (when Pagefind is installed)."""
    progress: Callable[[int], object] | None = None
    """progress(total pages) -> an object told add(n) as build() finishes pages and close() at the end."""


@dataclass(frozen=True)
class Result:
    """What a build produced."""

    content: Content | None
    """The loaded content (None when a build found nothing changed and read nothing)."""
    files: dict[str, bytes]
    """Output path -> bytes, for every file of the site (empty after build(), which writes as it goes)."""
    pages: int
    """How many HTML pages were rendered."""


def gather(opts: Options) -> Result:
    """Run every stage in memory, one after the other; raise every content error."""
    errors: list[ContentError] = []
    content = load(opts.content, errors)  # 1. content
    content = Content(with_base_url(content.site, opts.base_url), content.briefings, content.speakers,
                      content.documents, content.topics)
    articles = anchor_all(content, errors)  # 2. text
    template_links(opts.templates, errors)
    raise_all(errors)
    index = build_index(content, articles)  # 3. index
    pages = plan(content, index, search_available())  # 4. pages
    env = environment(opts.templates, content.site.allow_html)
    reads = Reads(Lookup(content, articles, index))
    common = {"site": content.site, "content": ContentView(content, reads), "lookup": reads}
    files = render_pages(env, common, pages)
    files.update(static_files(opts.templates))  # 5. outputs
    files.update(extra_files(content.site))
    return Result(content=content, files=files, pages=len(pages))


def anchor_all(content: Content, errors: list[ContentError]) -> dict[str, Article]:
    """Parse and anchor every briefing, collecting the errors of all of them."""
    mentions = Mentions(content.speakers)
    articles = {}
    for b in content.briefings:
        if (art := anchor_one(b, content.site, mentions, errors)) is not None:
            articles[b.slug] = art
    return articles


def anchor_one(b: Briefing, site: SiteConfig, mentions: Mentions, errors: list[ContentError]) -> Article | None:
    """Parse and anchor one briefing; None (with its errors added) when a quote cannot be anchored."""
    try:
        return anchor(b, site.allow_html, mentions)
    except ExceptionGroup as group:
        errors.extend(flatten(group))
        return None


def render_pages(env, common: dict, pages: list) -> dict[str, bytes]:
    """Render the given pages; collect template errors and raise them together."""
    files, errors = {}, []
    for page in pages:
        try:
            files.update(render_files(env, common, page))
        except ContentError as exc:
            errors.append(exc)
    raise_all(errors)
    return files


def template_links(templates: Path, errors: list[ContentError]) -> None:
    """Refuse links that leave a templates folder, before Jinja reads any template."""
    for folder in search_path(templates):
        folder_files(folder, errors, "templates folder")


def check(opts: Options) -> Result:
    """Validate everything and render every page in memory, writing nothing (the cache is only read)."""
    cache = open_cache(opts.cache, readonly=True)
    try:
        with collector_paused():
            errors: list[ContentError] = []
            model = read_all(opts.content, errors, cache, opts.jobs, site_of=lambda s: with_base_url(s, opts.base_url))
            template_links(opts.templates, errors)
            raise_all(errors)
            index = build_index(model.content, model.articles)
            pages = plan(model.content, index, search_available())
        render_all(model, index, pages, opts.templates, opts.jobs, put=lambda rel, data: None)
    finally:
        gc.unfreeze()
        if cache is not None:
            cache.close()
    return Result(content=model.content, files={}, pages=len(pages))


def build(opts: Options, search: bool = True) -> tuple[Result, WriteStats, float, str, tuple[str, ...]]:
    """Build the site and swap it into the output folder; nothing is written if anything fails.

    Returns what was built, what the write did, the seconds taken, the search status and why each
    page was rendered again (the others were kept).
    """
    started = time.perf_counter()
    protected = {"project folder": Path.cwd(), "content folder": opts.content, "templates folder": opts.templates}
    check_out(opts.out, protected | ({"cache folder": opts.cache} if opts.cache is not None else {}))
    with one_build(opts.out, opts.cache):
        cache = open_cache(opts.cache)
        try:
            engine = Engine(opts, cache, search=search)
            with collector_paused():
                pending = engine.prepare()
            if pending is None:  # nothing changed since the last build
                record = engine.record_of()
                return (Result(None, {}, record.pages), WriteStats(0, engine.counted()),
                        time.perf_counter() - started, "nothing changed", ())
            outcome = engine.commit(pending)
        finally:
            gc.unfreeze()
            if cache is not None:
                cache.close()
    return (Result(pending.model.content, {}, outcome.pages), outcome.stats, time.perf_counter() - started,
            outcome.search, outcome.reasons)
