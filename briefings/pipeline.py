"""The whole flow in order: load -> parse and anchor -> index -> render -> write.

gather() and check() make every file in memory; build() writes the site as it renders it (output.py
decides what a build keeps from the one before). With a cache folder, briefings whose files are
unchanged are neither read nor anchored again; with jobs > 1, anchoring and rendering run in
worker processes forked once the model is in memory. Neither changes a byte of the output.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .text.anchor import anchor
from .engine.cache import Cache, digest, generator, open_cache
from .errors import ContentError, flatten, raise_all
from .content.files import folder_files
from .index import Index, build_index
from .engine.lock import one_build
from .text.mentions import Mentions
from .model import Article, Briefing, Content, SiteConfig
from .engine.output import look_back, write_output
from .engine.parallel import collector_paused
from .pages.plan import Page, plan
from .outputs.publish import extra_files
from .engine.reading import Model, read_all
from .pages.render import search_path
from .engine.rendering import render_all, render_files, static_files
from .engine.write import WriteStats, check_out

__all__ = ["Options", "Result", "anchor_all", "anchor_one", "build", "check", "gather",
           "render_files", "render_pages", "static_files", "with_base_url"]


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
    """Load, anchor, index and render the whole site in memory; raise every content error."""
    cache = open_cache(opts.cache)
    try:
        with collector_paused():
            model, index, pages = prepare(opts, cache)
        files: dict[str, bytes] = {}
        for made in render_all(model, index, pages, opts.templates, opts.jobs):
            files.update(made)
    finally:
        gc.unfreeze()
        if cache is not None:
            cache.close()
    files.update(static_files(opts.templates))
    files.update(extra_files(model.content.site))
    return Result(content=model.content, files=files, pages=len(pages))


def prepare(opts: Options, cache: Cache | None, search: bool | None = None, before=None) -> tuple[Model, Index, list[Page]]:
    """Read and anchor every briefing, index them and plan the pages; raise every content error.

    search: whether the site has a search index (default: whether Pagefind is installed); before:
    what look_back() read already (files' bytes, the content folder's listing).
    """
    errors: list[ContentError] = []
    model = read_all(opts.content, errors, cache, opts.jobs, site_of=lambda s: with_base_url(s, opts.base_url),
                     read=before.read if before else None, files=before.listing or None if before else None,
                     hashes=before.hashes if before else None)
    if cache is not None:
        cache.commit()  # what was read is good even when another file has errors
    for folder in search_path(opts.templates):  # refuse links leaving it before Jinja reads a template
        folder_files(folder, errors, "templates folder")
    raise_all(errors)
    index = build_index(model.content, model.articles, related_memo(cache, model.content))
    return model, index, plan(model.content, index, search)


def related_memo(cache: Cache | None, content: Content):
    """Return a memo for build_index keeping the related ranking in the cache, or None without one."""
    if cache is None:
        return None
    slugs = {b.slug for b in content.briefings}

    def memo(inputs: str, compute):
        key = digest(generator(), inputs)
        value = cache.get("related", key)
        if (isinstance(value, dict) and value.keys() == slugs
                and all(isinstance(v, list) and set(v) <= slugs for v in value.values())):
            return {slug: tuple(value[slug]) for slug in value}
        result = compute()
        cache.put("related", key, {slug: list(v) for slug, v in result.items()})
        return result
    return memo


def with_base_url(site: SiteConfig, base_url: str | None) -> SiteConfig:
    """Return the settings with --base-url (when given) in place of site.yml's."""
    if not base_url:
        return site
    return dataclasses.replace(site, base_url=base_url if base_url.endswith("/") else base_url + "/")


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


def render_pages(env, common: dict, pages: list[Page]) -> dict[str, bytes]:
    """Render the given pages; collect template errors and raise them together."""
    files, errors = {}, []
    for page in pages:
        try:
            files.update(render_files(env, common, page))
        except ContentError as exc:
            errors.append(exc)
    raise_all(errors)
    return files


def check(opts: Options) -> Result:
    """Validate everything and render every page in memory, writing nothing (the cache is only read)."""
    cache = open_cache(opts.cache, readonly=True)
    try:
        with collector_paused():
            model, index, pages = prepare(opts, cache)
        render_all(model, index, pages, opts.templates, opts.jobs, put=lambda rel, data: None)
    finally:
        gc.unfreeze()
        if cache is not None:
            cache.close()
    return Result(content=model.content, files={}, pages=len(pages))


def build(opts: Options, search: bool = True) -> tuple[Result, WriteStats, float, str]:
    """Build the site and swap it into the output folder; nothing is written if anything fails.

    Returns what was built, what the write did, the seconds taken and the search status.
    """
    started = time.perf_counter()
    protected = {"project folder": Path.cwd(), "content folder": opts.content, "templates folder": opts.templates}
    check_out(opts.out, protected | ({"cache folder": opts.cache} if opts.cache is not None else {}))
    with one_build(opts.out, opts.cache):
        return locked_build(opts, search, started)


def locked_build(opts: Options, search: bool, started: float) -> tuple[Result, WriteStats, float, str]:
    """Build while holding the output and cache folders' locks (see build)."""
    cache = open_cache(opts.cache)
    try:
        with collector_paused():
            before = look_back(opts, cache, search and opts.search)
            if not before.unchanged:
                model, index, pages = prepare(opts, cache, before.searchable, before)
                before.read.clear()  # the content's bytes: read, hashed and decoded by now
        if before.unchanged:
            result, stats, status = Result(None, {}, before.record.pages), WriteStats(0, before.counted()), \
                "nothing changed"
        else:
            stats, status = write_output(opts, cache, before, model, index, pages)
            result = Result(model.content, {}, len(pages))
    finally:
        gc.unfreeze()
        if cache is not None:
            cache.close()
    return result, stats, time.perf_counter() - started, status
