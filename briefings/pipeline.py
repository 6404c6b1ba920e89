"""The whole flow in order: load -> parse and anchor -> index -> render -> write."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from .anchor import anchor
from .errors import ContentError, flatten, raise_all
from .index import Index, build_index
from .load import load
from .mentions import Mentions
from .model import Article, Briefing, Content, SiteConfig
from .export import annotation_collection, export_json
from .lookup import Lookup
from .pages import Page, plan
from .publish import extra_files, index_search
from .render import environment, render_page, search_path
from .write import WriteStats, check_out, write_site


@dataclass(frozen=True)
class Options:
    """Where to read from and write to."""

    content: Path = Path("content")
    """The content folder."""
    templates: Path = Path("templates")
    """The user's templates folder (searched before the defaults)."""
    out: Path = Path("site")
    """The output folder."""
    base_url: str | None = None
    """Overrides site.yml's base_url when given."""


@dataclass(frozen=True)
class Result:
    """What a build produced."""

    content: Content
    """The loaded content."""
    files: dict[str, bytes]
    """Output path -> bytes, for every file of the site."""
    pages: int
    """How many HTML pages were rendered."""


def gather(opts: Options) -> Result:
    """Load, anchor, index and render the whole site in memory; raise every content error."""
    errors: list[ContentError] = []
    content = load(opts.content, errors)
    content = dataclasses.replace(content, site=with_base_url(content.site, opts.base_url))
    articles = anchor_all(content, errors)
    raise_all(errors)
    index = build_index(content, articles)
    pages = plan(content, index)
    files = render_all(content, articles, index, pages, opts.templates)
    files.update(static_files(opts.templates))
    files.update(extra_files(content.site))
    return Result(content=content, files=files, pages=len(pages))


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


def render_all(content: Content, articles: dict[str, Article], index: Index, pages: list[Page],
               templates: Path) -> dict[str, bytes]:
    """Render every page; collect template errors (one per template line) and raise them together."""
    env = environment(templates, content.site.allow_html)
    return render_pages(env, common_context(content, articles, index), pages)


def common_context(content: Content, articles: dict[str, Article], index: Index) -> dict:
    """Return the variables every page gets."""
    return {"site": content.site, "content": content, "lookup": Lookup(content, articles, index)}


def render_pages(env, common: dict, pages: list[Page]) -> dict[str, bytes]:
    """Render the given pages; collect template errors and raise them together."""
    files, errors = {}, []
    for page in pages:
        try:
            root = common["site"].base_url if page.absolute else page.root
            html = render_page(env, page.template, {**common, **page.context, "page": page,
                                                     "root": root})
            files[page.path] = html.encode("utf-8")
            if page.template == "briefing.html":
                files.update(annotation_export(page, html, common["lookup"]))
        except ContentError as exc:
            errors.append(exc)
    raise_all(errors)
    return files


def annotation_export(page: Page, html: str, lookup: Lookup) -> dict[str, bytes]:
    """Return a briefing's W3C annotation export, anchored in its rendered page."""
    b = page.context["b"]
    names = {sid: s.name for sid, s in lookup.content.speakers.items()}
    collection = annotation_collection(b, html, lookup.content.site, lookup.article(b.slug).notes, names)
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
    """Build the site and swap it into the output folder; nothing is written if anything fails."""
    started = time.perf_counter()
    check_out(opts.out, {"project folder": Path.cwd(), "content folder": opts.content,
                         "templates folder": opts.templates})
    result = gather(opts)
    status = []
    finish = (lambda folder: status.append(index_search(folder))) if search else None
    stats = write_site(result.files, opts.out, finish=finish)
    return result, stats, time.perf_counter() - started, "".join(status)


def check(opts: Options) -> Result:
    """Validate everything and render every page in memory, writing nothing."""
    return gather(opts)
