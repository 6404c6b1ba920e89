"""Values derived from every briefing (the cross-link index, the page plan), made again only when
what they read changed.

A derived value is computed from stand-ins of the briefings and articles that note each attribute
read, by type ('Briefing.date', 'Annotation.kind', 'Article.spans'). Each briefing's print is then
a hash of the values of exactly those attributes. While the set of briefings (in order), the
shared content and every briefing's print are the same, the value is the same: nothing is
declared, so a feature reading a new field is tracked by itself. The attributes read are those of
the last computation over all the current briefings: a briefing can only take a new path through
the code after a change to something it read, which changes its print.
"""

from __future__ import annotations

import dataclasses

from ..model import EACH, Annotation, Article, Briefing, Content, marked
from ..pages.plan import Page
from .cache import digest, generator
from .outline import hashed

NAMES = {Briefing: "Briefing", Annotation: "Annotation", Article: "Article"}
PER_ANNOTATION = marked(Briefing, EACH)
"""A briefing's fields of Annotation objects (the model marks them): each one is noted too."""


class Noted:
    """A model object as a derived computation sees it: each attribute read is noted by name."""

    __slots__ = ("_of", "_seen", "_kind")

    def __init__(self, of, seen: set[str], kind: str) -> None:
        object.__setattr__(self, "_of", of)
        object.__setattr__(self, "_seen", seen)
        object.__setattr__(self, "_kind", kind)

    def __getattr__(self, name: str):
        self._seen.add(f"{self._kind}.{name}")
        value = getattr(self._of, name)
        if name in PER_ANNOTATION and type(value) is tuple:
            return tuple(Noted(a, self._seen, "Annotation") for a in value)
        return value

    def __eq__(self, other):
        return self._of == (other._of if isinstance(other, Noted) else other)

    def __hash__(self):
        return hash(self._of)


def unwrapped(value):
    """Return a value with every stand-in replaced by the object it stands for (in tuples too)."""
    if isinstance(value, Noted):
        return value._of
    if type(value) is tuple and any(isinstance(v, (Noted, tuple)) for v in value):
        return tuple(unwrapped(v) for v in value)
    return value


def noted_content(content: Content, articles: dict[str, Article], seen: set[str]) -> tuple[Content, dict]:
    """Return stand-ins of the content (its briefings noted) and of the articles."""
    briefings = tuple(Noted(b, seen, "Briefing") for b in content.briefings)
    return (dataclasses.replace(content, briefings=briefings),
            {slug: Noted(art, seen, "Article") for slug, art in articles.items()})


def prints(content: Content, articles: dict[str, Article], seen: frozenset[str], slugs=None) -> dict[str, str]:
    """Return each briefing's print (only those in slugs, when given): a hash of the attributes in seen."""
    fields = {kind: sorted(n.partition(".")[2] for n in seen if n.startswith(kind + ".")) for kind in NAMES.values()}
    out = {}
    for b in content.briefings:
        if slugs is not None and b.slug not in slugs:
            continue
        art = articles.get(b.slug)
        values = [[value(b, n, fields) for n in fields["Briefing"]],
                  [getattr(art, n, None) for n in fields["Article"]] if art is not None else None]
        out[b.slug] = hashed(values)
    return out


def value(b: Briefing, name: str, fields: dict[str, list[str]]):
    """Return one attribute of a briefing as its print sees it (annotations: their noted attributes)."""
    if name in PER_ANNOTATION:
        return [[getattr(a, n) for n in fields["Annotation"]] for a in getattr(b, name)]
    return getattr(b, name)


@dataclasses.dataclass
class Derived:
    """One derived value with what it read: reused while the briefings' prints stay the same."""

    seen: frozenset[str] = frozenset()
    """The attributes the last computation read."""
    prints: dict[str, str] = dataclasses.field(default_factory=dict)
    """Each briefing's print over seen, as of the last computation."""
    shared: str = ""
    """The hash of everything else the computation was given (shared content, other inputs)."""
    result: object = None
    """What it gave."""

    def get(self, compute, content: Content, articles: dict, shared: str, changed: set[str] | None,
            keep: bool = True):
        """Return compute(content, articles) - the last result while nothing it read changed - and
        whether it was computed now.

        changed names the briefings that may differ from the last call (None: any of them). Without
        keep (a build, which makes it once) nothing is noted: there is no next call to compare with."""
        if not keep:
            return compute(content, articles), True
        if self.result is not None and shared == self.shared and list(self.prints) == [b.slug for b in content.briefings]:
            now = prints(content, articles, self.seen, changed)
            if all(self.prints[slug] == p for slug, p in now.items()):
                return self.result, False
        seen: set[str] = set()
        result = unwrapped_result(compute(*noted_content(content, articles, seen)))
        self.seen, self.shared, self.result = frozenset(seen), shared, result
        self.prints = prints(content, articles, self.seen)
        return result, True


def unwrapped_result(result):
    """Return a computation's result with stand-ins replaced: a plan's pages hold briefings in their
    variables (changed in place: the pages are new, and nothing else holds their variables yet)."""
    if isinstance(result, list):
        for page in result:
            context = getattr(page, "context", None)
            if isinstance(context, dict):
                for key, v in context.items():
                    if isinstance(v, (Noted, tuple)):
                        context[key] = unwrapped(v)
    return result


def related_memo(cache, content: Content):
    """Return a memo for build_index keeping the related ranking in the cache (the costliest part
    of the index, reused by builds that start without the index in memory)."""
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


def holders(pages: list[Page]) -> dict[str, list[int]]:
    """Return, by slug, the positions in the plan of the pages whose variables hold that briefing."""
    held: dict[str, list[int]] = {}
    for n, p in enumerate(pages):
        for v in p.context.values():
            if isinstance(v, Briefing):
                held.setdefault(v.slug, []).append(n)
    return held


def with_briefings(pages: list[Page], briefings: dict[str, Briefing], held: dict[str, list[int]]) -> list[Page]:
    """Return the plan with the given briefings in place of the ones its pages hold (a reused plan;
    held: holders(pages))."""
    out = list(pages)
    for n in sorted({n for slug in briefings for n in held.get(slug, ())}):
        p = out[n]
        new = {k: briefings[v.slug] if isinstance(v, Briefing) and v.slug in briefings else v for k, v in p.context.items()}
        out[n] = Page(p.path, p.template, new, p.title, p.absolute)
    return out
