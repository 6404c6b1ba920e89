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
from ..model import Briefing, Content
from .outline import OUTLINE
from ..pages.render import search_path

ONE_ANNOTATION = frozenset({"annotation", "quote_text"})
"""Lookup helpers reading one annotation of a briefing: (slug, id)."""
OUTLINE_HELPERS = frozenset({"note_numbers", "speakers_of"})
"""Lookup helpers reading what of a briefing's outline is no single annotation's."""
VIEWED = frozenset({"briefing", "article"})
"""Lookup helpers returning a briefing or its article: reading the body from it reads the whole."""
BODY = frozenset({"body", "text", "spans", "chunks", "html"})
"""What a briefing or an article holds beyond its outline."""
SHARED = frozenset({"speaker", "document", "provision", "topic", "jsonld"})
"""Lookup helpers that read only what every page's key holds."""
EVERYTHING = "*"


class Reads:
    """The lookup helpers as templates see them, noting what the page being rendered reads of each
    briefing: the whole (its slug) or only its outline (OUTLINE + slug), or with fine=True (the
    preview, which keeps this in memory) the parts of the outline it read (see outline.py)."""

    def __init__(self, lookup, fine: bool = False) -> None:
        self._lookup, self.fine = lookup, fine
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
        whole = {OUTLINE + slug for slug in self.slugs}
        return sorted(self.slugs) + sorted(n for n in self.outlines if n.partition(".")[0].partition(":")[0]
                                           not in whole)

    def read(self, slug: str, part: str | None = None) -> None:
        """Note a read of a briefing's outline: part "" for what is no annotation's, an annotation
        id, or None for all of it."""
        name = OUTLINE + slug
        if self.fine and part is not None:
            name += ":" + part if part else "."
        self.outlines.add(name)

    def __getattr__(self, name: str):
        value = getattr(self._lookup, name)
        if name in ONE_ANNOTATION:
            def one(slug, aid):
                self.read(slug, aid)
                return value(slug, aid)
            self.__dict__[name] = one  # found directly from now on: templates ask thousands of times
            return one
        if name == "statement_html":
            def statement(slug, aid):
                self.read(slug, aid)
                self.read(slug, "")  # it names the briefing too
                return value(slug, aid)
            self.__dict__[name] = statement
            return statement
        if name in OUTLINE_HELPERS:
            def meta(slug):
                self.read(slug, "")
                return value(slug)
            self.__dict__[name] = meta
            return meta
        if name in VIEWED:
            def view(slug):
                self.read(slug, "")
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
    """A briefing or an article as templates see it. Asking the helpers for it reads the outline's own
    part; reading its body from it reads the whole briefing, its annotations or notes each one read."""

    def __init__(self, of, slug: str, reads: Reads) -> None:
        # Copied in, so templates find them as fast as on the object itself; the body, and an
        # article's notes (which a cached article reads from the cache when first asked), are not.
        self.__dict__.update({k: v for k, v in vars(of).items() if k not in BODY and k != "notes"})
        if "annotations" in self.__dict__:
            self.annotations = Annotations(of.annotations, slug, reads)
        self._of, self._slug, self._reads = of, slug, reads

    def __getattr__(self, name: str):
        if name in BODY:
            self._reads.slugs.add(self._slug)
        value = getattr(self._of, name)
        if name == "notes":
            value = self.__dict__["notes"] = Notes(value, self._slug, self._reads)
        return value


class Annotations(tuple):
    """A briefing's annotations: counting them reads the outline's own part, going through them
    every annotation."""

    def __new__(cls, items, slug: str, reads: Reads):
        made = super().__new__(cls, items)
        made._slug, made._reads = slug, reads
        return made

    def __iter__(self):
        self._reads.read(self._slug)
        return super().__iter__()

    def __getitem__(self, i):
        self._reads.read(self._slug)
        return super().__getitem__(i)


class Notes(dict):
    """An article's notes: looking one up reads that annotation, going through them all of them."""

    def __init__(self, notes: dict, slug: str, reads: Reads) -> None:
        super().__init__(notes)
        self._slug, self._reads = slug, reads

    def __getitem__(self, aid):
        self._reads.read(self._slug, aid)
        return super().__getitem__(aid)

    def get(self, aid, default=None):
        self._reads.read(self._slug, aid)
        return super().get(aid, default)

    def __iter__(self):
        self._reads.read(self._slug)
        return super().__iter__()

    def items(self):
        self._reads.read(self._slug)
        return super().items()

    def values(self):
        self._reads.read(self._slug)
        return super().values()

    def keys(self):
        self._reads.read(self._slug)
        return super().keys()


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


def page_keys(pages: list, site: str, briefings: dict[str, str], record, changed: set[str]) -> dict[str, str | None]:
    """Return every page's key (page_key), taking the recorded ones where they must be the same.

    The plan reads the briefings only through their outlines (order, dates, titles, topics,
    annotations), save for the Briefing each briefing's own page gets. So while the settings, the
    templates, the shared content (site) and every briefing's outline are the ones the last build
    recorded, every page holding no Briefing has the variables, and the key, it had then; hashing
    thousands of listings' variables again was a good part of a rebuild after one edit.
    """
    same = record is not None and record.site == site and not any(n.startswith(OUTLINE) for n in changed)
    old = record.rendered if same else {}
    return {p.path: old[p.path][0] if p.path in old and not holds_briefing(p) else page_key(p, site, briefings)
            for p in pages}


def holds_briefing(page) -> bool:
    """Tell whether a page's variables hold a briefing (whose key is its files', body and all)."""
    return any(isinstance(v, Briefing) for v in page.context.values())


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
