"""A briefing's outline: all that pages other than its own can show of it, hashed.

Listings, speaker, document and topic pages show a briefing's title, date, summary, topics and
annotations (with their notes and the text each one highlights), never the body around them. A
page that read only the outline is kept when a rebuild changes the body alone (a sentence added
between two highlights); a page that read the body (its own page) is rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

from .model import Article, Briefing

OUTLINE = "~"
"""Prefix of a briefing's slug naming its outline, among the keys of a build's briefings."""


def outline_key(b: Briefing, art: Article) -> str:
    """Return a hash of everything of a briefing other pages may show: all but its body."""
    fields = [getattr(b, f.name) for f in dataclasses.fields(b) if f.compare and f.name != "body"]
    order = sorted(art.spans, key=lambda aid: (art.spans[aid], aid))  # note numbers follow it
    quotes = {aid: " ".join(art.text[start:end].split()) for aid, (start, end) in art.spans.items()}
    value = [fields, order, quotes, art.notes, art.summary_html, list(art.mentioned)]
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


def plain(value):
    """Return a JSON-able form of a date or a dataclass (its compared fields)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value) if f.compare]
    raise TypeError(type(value).__name__)
