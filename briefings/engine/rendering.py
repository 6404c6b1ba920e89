"""Stage 5 for a whole plan: each page's files rendered, in worker processes when there are several.

Workers are forked with the environment, the model and the plan in memory (see parallel.py); what
comes back is each page's files (or what the writer made of them) and the briefings it read.
"""

from __future__ import annotations

from pathlib import Path

from ..content.files import folder_files
from ..errors import ContentError, raise_all
from ..index import Index
from ..outputs.export import made_with
from ..pages.lookup import Lookup
from ..pages.plan import Page
from ..pages.render import environment, render_page, search_path
from . import parallel
from .reading import Model
from .reuse import ContentView, Reads

CHUNK = 16
"""Pages per task handed to a worker."""


def render_all(model: Model, index: Index, pages: list[Page], templates: Path, jobs: int, put=None,
               done=None, fine: bool = False, env=None) -> list:
    """Render pages (in worker processes when jobs > 1); raise every template error together.

    Returns, page by page, (files, briefings read) when put(rel, data) is given - files then maps
    each path to what put returned, the workers having written it - else the files' bytes.
    """
    content = model.content
    reads = Reads(Lookup(content, model.articles, index), fine=fine)
    common = {"site": content.site, "content": ContentView(content, reads), "lookup": reads}
    global RENDER
    env = env if env is not None else environment(templates, content.site.allow_html)
    RENDER = (env, common, reads, pages, put)
    try:
        results = parallel.run(render_task, range(len(pages)), jobs, CHUNK, done)
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


def render_files(env, common: dict, page: Page) -> dict[str, bytes]:
    """Render one page; return its file and the files made with it (outputs.export.made_with)."""
    root = common["site"].base_url if page.absolute else page.root
    html = render_page(env, page.template, {**common, **page.context, "page": page, "root": root})
    return {page.path: html.encode("utf-8"), **made_with(page, html, common)}


def static_files(templates: Path) -> dict[str, bytes]:
    """Collect static assets from every template folder; the user's file wins over a default.

    Any symbolic link in a template folder that leaves it (a template's too) fails the build here.
    """
    files: dict[str, bytes] = {}
    errors: list[ContentError] = []
    for folder in reversed(search_path(templates)):
        for path in folder_files(folder, errors, "templates folder"):
            rel = path.relative_to(folder)
            if rel.parts[0] == "static" and len(rel.parts) > 1:
                files[f"static/{rel.relative_to('static').as_posix()}"] = path.read_bytes()
    raise_all(errors)
    return files
