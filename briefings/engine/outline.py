"""A briefing's outline: all that pages other than its own can show of it, hashed.

Listings, speaker, document and topic pages show a briefing's title, date, summary, topics and
annotations (with their notes and the text each one highlights), never the body around them. A
page that read only the outline is kept when a rebuild changes the body alone (a sentence added
between two highlights); a page that read the body (its own page) is rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from ..model import BODY, EACH, Article, Briefing, marked
from .cache import digest

OUTLINE = "~"
"""Prefix of a briefing's slug naming its outline, among the keys of a build's briefings. The
preview also names the parts of an outline: OUTLINE + slug + "." for what is not one annotation's
(title, date, summary, the annotations' order, kinds and speakers), and OUTLINE + slug + ":" + id
for each annotation (its fields, the text it highlights, its note)."""


def outline_key(b: Briefing, art: Article) -> str:
    """Return a hash of everything of a briefing other pages may show: all but its body."""
    meta, annotations = pieces(b, art)
    return hashed([meta, annotations])


def outline_parts(b: Briefing, art: Article) -> dict[str, str]:
    """Return the hashes of a briefing's outline by name: the whole (as outline_key gives it), the
    part that is no single annotation's, and each annotation's."""
    meta, annotations = pieces(b, art)
    parts = {f"{OUTLINE}{b.slug}:{aid}": hashed(value) for aid, value in annotations.items()}
    parts[f"{OUTLINE}{b.slug}."] = hashed(meta)
    parts[OUTLINE + b.slug] = hashed([meta, annotations])
    return parts


def pieces(b: Briefing, art: Article) -> tuple[list, dict[str, list]]:
    """Return a briefing's outline as JSON-able values: the part that is no single annotation's,
    and each annotation's by id."""
    order = sorted(art.spans, key=lambda aid: (art.spans[aid], aid))  # note numbers follow it
    by_id = {a.id: a for a in b.annotations}
    apart = marked(Briefing, BODY) | marked(Briefing, EACH)  # the body, and the annotations' own parts
    fields = [getattr(b, f.name) for f in dataclasses.fields(b) if f.compare and f.name not in apart]
    meta = [fields, [[aid, by_id[aid].kind, by_id[aid].speaker, by_id[aid].provision] for aid in order],
            art.summary_html, list(art.mentioned)]
    annotations = {a.id: [a, " ".join(art.text[slice(*art.spans[a.id])].split()), art.notes.get(a.id, "")]
                   for a in b.annotations}
    return meta, annotations


def hashed(value) -> str:
    """Return the hash of a JSON-able value (dates and dataclasses allowed)."""
    return digest(json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain))


def plain(value):
    """Return a JSON-able form of a date or a dataclass (its compared fields)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value) if f.compare]
    raise TypeError(type(value).__name__)
