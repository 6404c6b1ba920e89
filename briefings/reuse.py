"""Which pages a rebuild may keep: a key for everything a page shows, and the briefings it read.

A page is kept when its key is the one recorded for it (the same template, variables, settings,
speakers, documents, topics, templates and generator) and none of the briefings it read while it
was rendered has changed. Reads are recorded, not declared, so any template - the user's own
included - is tracked: a template that reaches past the lookup helpers (lookup.index,
content.briefings, ...) is taken to read every briefing. A page that read only a briefing's
outline (its title, date, annotations, notes... not its body: see outline.py) depends on the
outline alone, so editing a briefing's body re-renders its own page and not every listing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from .cache import digest, generator
from .model import Briefing, Content
from .outline import OUTLINE
from .render import search_path

OUTLINE_HELPERS = frozenset({"annotation", "quote_text", "note_numbers", "speakers_of", "statement_html"})
"""Lookup helpers whose first argument names the briefing whose outline they read."""
VIEWED = frozenset({"briefing", "article"})
"""Lookup helpers returning a briefing or its article: reading the body from it reads the whole."""
BODY = frozenset({"body", "text", "spans", "chunks", "html"})
"""What a briefing or an article holds beyond its outline."""
SHARED = frozenset({"speaker", "document", "provision", "topic", "jsonld"})
"""Lookup helpers that read only what every page's key holds."""
EVERYTHING = "*"


class Reads:
    """The lookup helpers as templates see them, noting which briefings the page being rendered
    reads: whole (by slug) or only their outlines (OUTLINE + slug)."""

    def __init__(self, lookup) -> None:
        self._lookup = lookup
        self._views: dict[tuple[str, str], View] = {}
        self.slugs: set[str] = set()
        self.outlines: set[str] = set()
        self.everything = False

    def start(self) -> None:
        """Forget the reads of the previous page."""
        self.slugs, self.outlines, self.everything = set(), set(), False

    def deps(self) -> str | list[str]:
        """Return what was read since start(): slugs and outline names, or EVERYTHING."""
        if self.everything:
            return EVERYTHING
        return sorted(self.slugs) + sorted(OUTLINE + s for s in self.outlines - self.slugs)

    def __getattr__(self, name: str):
        value = getattr(self._lookup, name)
        if name in OUTLINE_HELPERS:
            def read(slug, *args):
                self.outlines.add(slug)
                return value(slug, *args)
            self.__dict__[name] = read  # found directly from now on: templates ask thousands of times
            return read
        if name in VIEWED:
            def view(slug):
                self.outlines.add(slug)
                if (name, slug) not in self._views:
                    self._views[name, slug] = View(value(slug), slug, self)
                return self._views[name, slug]
            self.__dict__[name] = view
            return view
        if name in SHARED:
            self.__dict__[name] = value
        else:
            self.everything = True
        return value


class View:
    """A briefing or article as templates see it: reading its body notes the whole briefing read."""

    __slots__ = ("_of", "_slug", "_reads")

    def __init__(self, of, slug: str, reads: Reads) -> None:
        self._of, self._slug, self._reads = of, slug, reads

    def __getattr__(self, name: str):
        if name in BODY:
            self._reads.slugs.add(self._slug)
        return getattr(self._of, name)


class ContentView:
    """The content as templates see it: reading its list of briefings reads every briefing."""

    def __init__(self, content: Content, reads: Reads) -> None:
        self._content, self._reads = content, reads

    def __getattr__(self, name: str):
        value = getattr(self._content, name)
        if name == "briefings":
            self._reads.everything = True
        else:
            self.__dict__[name] = value
        return value


def site_key(content: Content, templates: Path | None, search: bool) -> str:
    """Return a hash of what every page may show besides its own variables and briefings."""
    files = []
    for n, folder in enumerate(search_path(templates)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files += [f"{n}/{path.relative_to(folder).as_posix()}", path.read_bytes()]
    shared = [content.site, content.speakers, content.documents, content.topics, search]
    return digest(generator(), json.dumps(shared, ensure_ascii=False, default=lambda v: stand_in(v, {})), *files)


def page_key(page, site: str, briefings: dict[str, str]) -> str | None:
    """Return a hash of a page's template, place and variables (briefings by their key), or None
    when a variable is of a kind this cannot hash (the page is then always rendered)."""
    try:
        # The C encoder walks the plain values; stand_in() is asked only about the others.
        variables = json.dumps(page.context, ensure_ascii=False, default=lambda v: stand_in(v, briefings))
    except (TypeError, ValueError, KeyError):
        return None
    return digest(site, page.path, page.template, page.title, str(page.absolute), variables)


def stand_in(value, briefings: dict[str, str]):
    """Return a JSON-able stand-in for a variable JSON cannot write, that changes whenever it does."""
    if isinstance(value, Briefing):
        return ["briefing", value.slug, briefings[value.slug]]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, [getattr(value, f.name) for f in dataclasses.fields(value) if f.compare]]
    raise TypeError(type(value).__name__)


def changed_briefings(before: dict[str, str], now: dict[str, str]) -> set[str]:
    """Return the slugs whose key differs, appeared or disappeared between two builds."""
    return {s for s in before.keys() | now.keys() if before.get(s) != now.get(s)}


def keepable(record, key: str | None, changed: set[str]) -> bool:
    """Tell whether a page recorded as [key, deps, files] can be kept as it is."""
    if key is None or not isinstance(record, list) or len(record) != 3 or record[0] != key:
        return False
    deps = record[1]
    if deps == EVERYTHING:
        return not changed
    return isinstance(deps, list) and not changed.intersection(deps)
