"""The whole flow in order: load -> parse and anchor -> index -> render -> write.

gather() and check() make every file in memory; build() writes the site as it renders it (output.py
decides what a build keeps from the one before). With a cache folder, briefings whose files are
unchanged are neither read nor anchored again; with jobs > 1, anchoring and rendering run in
worker processes forked once the model is in memory. Neither changes a byte of the output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import shutil
import time

from . import parallel
from .anchor import anchor
from .cache import Cache, digest, generator, open_cache
from .errors import ContentError, flatten, raise_all
from .export import annotation_collection, export_json
from .index import Index, build_index
from .lookup import Lookup
from .mentions import Mentions
from .model import Article, Briefing, Content, SiteConfig
from .output import (SEARCH_FOLDER, Record, folder_times, inputs_digest, keep_replaced, lock, search_files,
                     search_stamp, stage_for)
from .pages import Page, plan
from .publish import extra_files, index_search
from .reading import Model, read_all
from .render import environment, render_page, search_path
from .reuse import ContentView, Reads, changed_briefings, keepable, page_key, site_key
from .write import MARKER, WriteStats, check_out, swap

CHUNK = 16
"""Pages per task handed to a worker."""
MARKER_TEXT = b"This folder is made by briefings build; it is replaced on every build.\n"


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
        model, index, pages = prepare(opts, cache)
        files: dict[str, bytes] = {}
        for path, made in zip([p.path for p in pages], render_all(model, index, pages, opts)):
            files.update(made)
    finally:
        if cache is not None:
            cache.close()
    files.update(static_files(opts.templates))
    files.update(extra_files(model.content.site))
    return Result(content=model.content, files=files, pages=len(pages))


def prepare(opts: Options, cache: Cache | None, search: bool | None = None,
            read: dict[Path, bytes] | None = None) -> tuple[Model, Index, list[Page]]:
    """Read and anchor every briefing, index them and plan the pages; raise every content error.

    search: whether the site has a search index (default: whether Pagefind is installed); read:
    files' bytes already read.
    """
    errors: list[ContentError] = []
    model = read_all(opts.content, errors, cache, opts.jobs, site_of=lambda s: with_base_url(s, opts.base_url),
                     read=read)
    if cache is not None:
        cache.commit()  # what was read is good even when another file has errors
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


def render_all(model: Model, index: Index, pages: list[Page], opts: Options, put=None,
               done=None) -> list:
    """Render pages (in worker processes when opts.jobs > 1); raise every template error together.

    Returns, page by page, (files, briefings read) when put(rel, data) is given - files then maps
    each path to what put returned, the workers having written it - else the files' bytes.
    """
    content = model.content
    reads = Reads(Lookup(content, model.articles, index))
    common = {"site": content.site, "content": ContentView(content, reads), "lookup": reads}
    global RENDER
    RENDER = (environment(opts.templates, content.site.allow_html), common, reads, pages, put)
    try:
        results = parallel.run(render_task, range(len(pages)), opts.jobs, CHUNK, done)
    finally:
        RENDER = None
    raise_all([ContentError(*r[1]) for r in results if r[0] is None])
    return results if put is not None else [r[0] for r in results]


RENDER: tuple | None = None
"""The environment, variables, plan and writer of the render in progress (forked workers read it)."""


def render_task(i: int):
    """Render page i of the current plan; return (files, briefings read) or (None, error as a tuple)."""
    env, common, reads, pages, put = RENDER
    reads.start()
    try:
        files = render_files(env, common, pages[i])
    except ContentError as e:
        return None, (e.path, e.line, e.column, e.message)
    if put is not None:
        return {rel: put(rel, data) for rel, data in files.items()}, reads.deps()
    return files, reads.deps()


def common_context(content: Content, articles: dict[str, Article], index: Index) -> dict:
    """Return the variables every page gets."""
    return {"site": content.site, "content": content, "lookup": Lookup(content, articles, index)}


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


def render_files(env, common: dict, page: Page) -> dict[str, bytes]:
    """Render one page; return its file and the files made with it (a briefing's W3C export)."""
    root = common["site"].base_url if page.absolute else page.root
    html = render_page(env, page.template, {**common, **page.context, "page": page, "root": root})
    files = {page.path: html.encode("utf-8")}
    if page.template == "briefing.html":
        files.update(annotation_export(page, html, common))
    return files


def annotation_export(page: Page, html: str, common: dict) -> dict[str, bytes]:
    """Return a briefing's W3C annotation export, anchored in its rendered page."""
    b = page.context["b"]
    names = {sid: s.name for sid, s in common["content"].speakers.items()}
    notes = common["lookup"].article(b.slug).notes
    collection = annotation_collection(b, html, common["site"], notes, names)
    return {f"briefings/{b.slug}/annotations.jsonld": export_json(collection)}


def static_files(templates: Path) -> dict[str, bytes]:
    """Collect static assets from every template folder; the user's file wins over a default."""
    files: dict[str, bytes] = {}
    for folder in reversed(search_path(templates)):
        static = folder / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[f"static/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    return files


def build(opts: Options, search: bool = True) -> tuple[Result, WriteStats, float, str]:
    """Build the site and swap it into the output folder; nothing is written if anything fails.

    Returns what was built, what the write did, the seconds taken and the search status.
    """
    started = time.perf_counter()
    protected = {"project folder": Path.cwd(), "content folder": opts.content, "templates folder": opts.templates}
    check_out(opts.out, protected | ({"cache folder": opts.cache} if opts.cache is not None else {}))
    cache = open_cache(opts.cache)
    try:
        result, stats, status = build_with(opts, cache, search and opts.search, opts.progress)
    finally:
        if cache is not None:
            cache.close()
    return result, stats, time.perf_counter() - started, status


def build_with(opts: Options, cache: Cache | None, search: bool, progress) -> tuple[Result, WriteStats, str]:
    """Build with this cache (or none): see output.py for what is kept from the last build."""
    out = opts.out.resolve()
    stamp = search_stamp(search)
    record = Record.load(cache, out)
    live, exact = record.intact(out) if record is not None else ({}, False)
    read: dict[Path, bytes] = {}
    inputs = inputs_digest(opts.content, opts.templates, opts.base_url, stamp, read) if cache is not None else None
    if record is not None and exact and inputs is not None and record.inputs == inputs:
        counted = [rel for rel in record.files if rel != MARKER and not rel.startswith(SEARCH_FOLDER)]
        return Result(None, {}, record.pages), WriteStats(0, len(counted)), "nothing changed"
    model, index, pages = prepare(opts, cache, search=bool(stamp) and stamp != "off", read=read)
    site = site_key(model.content, opts.templates, bool(stamp) and stamp != "off")
    keys = {p.path: page_key(p, site, model.keys) for p in pages}
    changed = changed_briefings(record.briefings, model.keys) if record is not None else set()
    keepers = [p for p in pages if record is not None and keepable(record.rendered.get(p.path), keys[p.path], changed)
               and all(rel in live for rel in record.rendered[p.path][2])]
    kept = {p.path for p in keepers}
    todo = [p for p in pages if p.path not in kept]
    held = lock(cache, out) if cache is not None else None
    stage = stage_for(out, cache, record, live, held)
    if stage.held:  # from here the spare is half-updated until the swap: stop vouching for it
        record.spare = None
        cache.put("site", Record.key(out), record.value())
        cache.commit()
    bar = progress(len(pages)) if progress is not None else None
    try:
        if bar is not None:
            bar.add(len(keepers))
        wrote, rendered = write_pages(opts, model, index, todo, keepers, keys, record, stage, bar)
        wrote.update({rel: stage.put(rel, data) for rel, data in
                      {**static_files(opts.templates), **extra_files(model.content.site)}.items()})
        wrote[MARKER] = stage.put(MARKER, MARKER_TEXT)
        status = search_step(stage, wrote, record, live, stamp)
        swap(stage.folder, out)
    except BaseException:
        shutil.rmtree(stage.folder, ignore_errors=True)  # a temporary folder, or a spare now untrusted
        raise
    finally:
        if bar is not None:
            bar.close()
    spare = keep_replaced(stage, out, cache, held, exact)
    if cache is not None:
        remember(cache, out, spare, Record({"inputs": inputs or "", "pages": len(pages), "rendered": rendered,
                                            "briefings": model.keys, "search": stamp}), wrote, live)
    counted = [w for rel, (w, _) in wrote.items() if rel != MARKER and not rel.startswith(SEARCH_FOLDER)]
    return Result(model.content, {}, len(pages)), WriteStats(sum(counted), len(counted) - sum(counted)), status


def remember(cache: Cache, out: Path, spare: Path | None, record: Record, wrote: dict, live: dict) -> None:
    """Record what this build left in the output folder (and the spare) for the next build."""
    record.files = {rel: fid for rel, (_, fid) in wrote.items()}
    try:
        record.dirs = folder_times(out, record.files)
        record.spare = {"files": live, "dirs": folder_times(spare, live)} if spare is not None else None
    except OSError:  # something changed them already: the next build starts afresh
        return
    cache.put("site", Record.key(out), record.value())
    cache.commit(prune=("briefing", "meta", "text", "chunks", "related"))


def write_pages(opts: Options, model: Model, index: Index, todo: list[Page], keepers: list[Page], keys: dict,
                record, stage, bar) -> tuple[dict, dict]:
    """Render the pages to do into the stage and link the kept ones from the live site.

    Returns rel -> (written, file id) for every file, and path -> [key, briefings read, files] for
    every page (what the next build compares with).
    """
    wrote: dict[str, tuple[bool, list[int]]] = {}
    rendered: dict[str, list] = {}
    results = render_all(model, index, todo, opts, put=stage.put, done=bar.add if bar is not None else None)
    for page, (files, deps) in zip(todo, results):
        wrote.update(files)
        rendered[page.path] = [keys[page.path], deps, sorted(files)]
    for page in keepers:
        rendered[page.path] = record.rendered[page.path]
        for rel in rendered[page.path][2]:
            wrote[rel] = (False, stage.keep(rel))
    return wrote, rendered


def search_step(stage, wrote: dict, record, live: dict, stamp: str) -> str:
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


def check(opts: Options) -> Result:
    """Validate everything and render every page in memory, writing nothing (the cache is only read)."""
    cache = open_cache(opts.cache, readonly=True)
    try:
        model, index, pages = prepare(opts, cache)
        render_all(model, index, pages, opts, put=lambda rel, data: None)
    finally:
        if cache is not None:
            cache.close()
    return Result(content=model.content, files={}, pages=len(pages))
