"""Annotation ids: derived from quotes when not given, and kept apart from the ids the theme uses."""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

from ..errors import ContentError
from ..model import Annotation

THEME_IDS = {
    "main": "the page's main content",                      # base.html, its skip link's target
    "body": "the article's text",                           # briefing.html; briefing.js finds it
    "endnotes-title": "the heading of the notes",           # briefing.html
    "related-title": "the heading of the related briefings",  # briefing.html
}
"""Every fixed id the default templates put on a briefing page, and what holds it."""
NOTE_IDS = {
    "note-": "the note of annotation '{}'",                 # _macros.html; briefing.js finds it
    "toggle-": "the checkbox that opens the note of annotation '{}'",  # _macros.html
}
"""Prefixes the theme puts before an annotation's id for the elements of its note."""


def derive_id(quote: str, prefix: str, suffix: str, occurrence: int) -> str:
    """Derive a stable id from what identifies the quote, so other annotations never change it."""
    words = re.findall(r"[a-z0-9]+", quote.lower())
    stem = "-".join(words[:5])[:40].strip("-") or "q"
    key = "\0".join((" ".join(quote.split()), " ".join(prefix.split()), " ".join(suffix.split()),
                     str(occurrence)))
    return f"{stem}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def theme_clash(aid: str, ids: set[str]) -> str:
    """Return what on the page already has id aid (ids: all annotation ids of the briefing), or nothing."""
    if aid in THEME_IDS:
        return THEME_IDS[aid]
    for prefix, holder in NOTE_IDS.items():
        if aid.startswith(prefix) and aid[len(prefix):] in ids:
            return holder.format(aid[len(prefix):])
    return ""


def clashes(annotations: Iterable[Annotation]) -> list[ContentError]:
    """Return an error for each annotation whose id is one the theme gives another element of its page."""
    annotations = list(annotations)
    ids = {a.id for a in annotations}
    errors = []
    for a in annotations:
        if holder := theme_clash(a.id, ids):
            # A derived id is not written anywhere: point at the quote it was made from.
            at = a.wheres.get("id", a.quote_where)
            errors.append(at.error(f"annotation id '{a.id}' collides with the id the theme gives {holder}; "
                                   f"give this annotation another 'id:'"))
    return errors
