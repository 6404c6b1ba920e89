"""Which pages an update renders and which it keeps - and why, for `briefings build --explain` and
the preview's line per save.

A page is kept when its key (template, variables, settings, templates, generator) is the one
recorded and none of what it read while it was last rendered changed; every other page is rendered
with the first reason that applies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .outline import OUTLINE
from .reuse import EVERYTHING, keepable


@dataclass(frozen=True)
class Decided:
    """What an update renders and keeps."""

    keys: dict[str, str | None]
    """Page path -> its key."""
    todo: list
    """The pages to render."""
    keepers: list
    """The pages whose files are kept as they are."""
    reasons: tuple[str, ...]
    """'PATH: why' for each page rendered."""
    fine: bool
    """Whether reads are recorded annotation by annotation (the preview) or briefing by briefing."""


def decide(pages: list, keys: dict, record, before, changed: set[str], fine: bool,
           readers: dict[str, set[str]] | None = None) -> Decided:
    """Split the plan into pages to keep and pages to render, with the reason for each rendered one.

    readers, when the update knows them (the preview, whose folders are its own: before.trusted),
    names the pages that read each name: only those that read a changed one are checked in full."""
    todo, keepers, reasons = [], [], []
    live, rendered = before.live, record.rendered if record is not None else {}
    suspects = None
    if readers is not None and before.trusted:
        suspects = set().union(*(readers.get(n, ()) for n in changed), readers.get(EVERYTHING, ()) if changed else ())
    for page in pages:
        old = rendered.get(page.path)
        if suspects is not None and old is not None and page.path not in suspects and old[0] == keys[page.path] \
                and old[0] is not None:
            keepers.append(page)  # read nothing that changed, same key, its files are the preview's own
        elif (old is not None and keepable(old, keys[page.path], changed)
                and all(rel in live for rel in old[2])):
            keepers.append(page)
        else:
            todo.append(page)
            reasons.append(f"{page.path}: {why(old, keys[page.path], record, before, changed, live)}")
    return Decided(keys, todo, keepers, tuple(reasons), fine)


def readers_of(rendered: dict[str, list], readers: dict[str, set[str]] | None = None,
               old: dict[str, list] | None = None, paths=None) -> dict[str, set[str]]:
    """Return which pages read each name, from what pages recorded (rendered: path -> [key, reads,
    files]); with readers and old (what the same pages recorded before), update it for paths only."""
    if readers is None:
        readers, paths, old = {}, rendered.keys(), {}
    for path in paths:
        before = old.get(path)
        if isinstance(before, list):
            for name in ([EVERYTHING] if before[1] == EVERYTHING else before[1]):
                readers.get(name, set()).discard(path)
        now = rendered.get(path)
        if isinstance(now, list):
            for name in ([EVERYTHING] if now[1] == EVERYTHING else now[1]):
                readers.setdefault(name, set()).add(path)
    return readers


def why(old, key, record, before, changed: set[str], live: dict) -> str:
    """Return why a page is rendered again."""
    if record is None:
        return "no earlier build to compare with"
    if not isinstance(old, list) or len(old) != 3:
        return "a new page"
    if key is None:
        return "its variables cannot be compared"
    if old[0] != key:
        return ("the templates, settings, speakers, documents or topics changed" if record.site != before.site
                else "what it shows changed (its variables)")
    if old[1] == EVERYTHING:
        return "it read every briefing, and one changed"
    read = sorted(set(old[1]) & changed) if isinstance(old[1], list) else []
    if read:
        return f"it read {named(read[0])}" + (f" (and {len(read) - 1} more that changed)" if len(read) > 1 else "")
    return "its file in the output folder is not as the last build left it"


def named(name: str) -> str:
    """Return a recorded read as a reader says it."""
    if not name.startswith(OUTLINE):
        return f"briefing {name}, which changed"
    slug, sep, part = name[len(OUTLINE):].partition(":")
    if sep:
        return f"annotation {part} of {slug}, which changed"
    if slug.endswith("."):
        return f"the title, date, summary or annotation list of {slug[:-1]}, which changed"
    return f"the outline of {slug} (title, date, annotations, notes), which changed"


def summary(reasons: tuple[str, ...], limit: int = 3) -> str:
    """Return the reasons in one line: the commonest first, counted."""
    if not reasons:
        return "nothing to render"
    counts = Counter(r.partition(": ")[2] for r in reasons)
    parts = [f"{n} because {why_}" if n > 1 else f"{first(reasons, why_)} because {why_}"
             for why_, n in counts.most_common(limit)]
    more = len(counts) - limit
    return "; ".join(parts) + (f"; {more} other reasons" if more > 0 else "")


def first(reasons: tuple[str, ...], reason: str) -> str:
    """Return the page of the first reason given."""
    return next(r.partition(": ")[0] for r in reasons if r.partition(": ")[2] == reason)
