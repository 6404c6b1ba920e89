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

from .. import model
from ..model import Article, Briefing, Content, marked
from ..pages.render import search_path
from .cache import digest, generator
from .outline import OUTLINE

EVERYTHING = "*"


BODY = marked(Briefing, model.BODY) | marked(Article, model.BODY)
"""What a briefing or an article holds beyond its outline (the model marks it; attributes that are
no field, such as Article.html, count as body too)."""
EACH = marked(Briefing, model.EACH) | marked(Article, model.EACH)
"""Fields holding one entry per annotation (the model marks them)."""


class Reads:
    """The lookup helpers as templates see them, noting what the page being rendered reads of each
    briefing: the whole (its slug) or only its outline (OUTLINE + slug), or with fine=True (the
    preview, which keeps this in memory) the parts of the outline it read (see outline.py).

    What each helper reads is its own mark (model.reads), set where it is written: a helper without
    one counts as reading every briefing."""

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
        marks = getattr(getattr(type(self._lookup), name, None), "reads", None)
        if marks is None:
            self.everything = True  # unmarked: it may read anything
            return value
        tracked = self.tracked(value, frozenset(marks))
        self.__dict__[name] = tracked  # found directly from now on: templates ask thousands of times
        return tracked

    def tracked(self, helper, marks: frozenset[str]):
        """Return a helper that notes, on each call, what its marks say it reads."""
        if marks <= {"shared"}:
            return helper
        if "briefing" in marks:
            def view(slug, *rest):
                self.read(slug, "")
                key = (helper.__name__, slug, *rest)
                if key not in self._views:
                    self._views[key] = View(helper(slug, *rest), slug, self)
                return self._views[key]
            return view

        def noting(slug, *rest):
            if "annotation" in marks:
                self.read(slug, rest[0] if rest else None)
            if "outline" in marks:
                self.read(slug, "")
            return helper(slug, *rest)
        return noting


class View:
    """A briefing or an article as templates see it. Asking the helpers for it reads the outline's own
    part; reading its body from it reads the whole briefing, its annotations or notes each one read."""

    def __init__(self, of, slug: str, reads: Reads) -> None:
        # Copied in, so templates find them as fast as on the object itself; the body, and the
        # per-annotation fields (an article from the cache reads its notes when first asked), are not.
        fields = ({f.name for f in dataclasses.fields(of)} if dataclasses.is_dataclass(of) else set(vars(of))) - BODY - EACH
        self.__dict__.update({k: v for k, v in vars(of).items() if k in fields})
        self._of, self._slug, self._reads = of, slug, reads

    def __getattr__(self, name: str):
        value = getattr(self._of, name)
        if name in EACH:
            value = self.__dict__[name] = (Notes if isinstance(value, dict) else Annotations)(value, self._slug, self._reads)
        else:
            self._reads.slugs.add(self._slug)  # the body, or what is made from it (Article.html)
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
