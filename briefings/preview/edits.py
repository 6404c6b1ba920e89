"""Authoring in the preview, what it does: tell a page what its form offers, and add, change,
delete or repair one annotation in one sidecar - checked by the build's own loader and anchoring
before the file is replaced, refused when the sidecar changed since the page was built.

The model is the one the shown pages were built from: the engine's memory of its last good build
(the briefings, speakers, documents, settings, and the hash of every file it read). A page's digest
is that of the sidecar bytes on disk, given only while they are the bytes that build read; a write
must name that digest, so a sidecar changed since (its rebuild is coming) is never overwritten.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..authoring.selector import article_text, least_selector, locate_selection, prepared, trimmed
from ..authoring.sidecar import CHANGED, Sidecar, replace
from ..authoring.sidecar import digest as sha256
from ..authoring.validate import checked, sidecar_check
from ..content.files import shown
from ..content.ids import derive_id
from ..engine.cache import file_hash
from ..errors import ContentError
from ..model import KINDS, Briefing
from .http import inside
from .repairs import Offer, offers_for

FIELDS = ("quote", "kind", "id", "speaker", "provision", "prefix", "suffix", "occurrence", "note")
"""A new entry's keys, in the order they are written."""


class Refused(Exception):
    """A change not made, with the HTTP status that says why (see protocol.md)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Edits:
    """The changes the preview's pages ask for, made one at a time."""

    def __init__(self, preview) -> None:
        self.preview = preview
        self.lock = threading.Lock()
        """Held while a sidecar is read, changed and replaced: never two writes at once."""
        self.offered: tuple[object, list[Offer]] = (None, [])
        """The repair offers and the failure (preview.problems) they were made for."""

    def memory(self):
        """Return the engine's memory of the last good build, which the shown pages come from."""
        if self.preview.errors:
            raise Refused(409, "the site could not be rebuilt: the page shows why; fix that first")
        memory = self.preview.engine.memory
        if memory is None:
            raise Refused(409, "the preview is still building the site: reload the page in a moment")
        return memory

    def context(self, page: str) -> dict:
        """Return what a page's authoring form offers (protocol.md: GET /_briefings/context)."""
        memory = self.memory()
        slug = slug_of(page)
        found = find(memory, slug) if slug else None
        if found is None:
            return {"slug": None}
        b, _, yml = found
        content = memory.model.content
        return {
            "slug": b.slug, "digest": built_digest(memory, yml),
            "kinds": [[k, k.capitalize()] for k in KINDS],
            "speakers": [{"id": s.id, "name": s.name} for s in sorted(content.speakers.values(),
                                                                     key=lambda s: (s.name.casefold(), s.id))],
            "provisions": [{"id": f"{d.id}/{p.id}", "label": f"{d.title}: {p.label}"}
                           for d in content.documents.values() for p in d.provisions],
            "annotations": [{"id": a.id, "kind": a.kind, "note": a.note} for a in b.annotations]}

    def apply(self, change: dict) -> str:
        """Make one change (protocol.md: POST /_briefings/annotations); return what was done."""
        action = change.get("action")
        if action == "repair":
            return self.repair(number(change, "offer"), text(change, "quote"))
        if action not in ("add", "note", "delete"):
            raise Refused(400, "'action' must be add, note, delete or repair")
        memory = self.memory()
        found = find(memory, text(change, "slug"))
        if found is None:
            raise Refused(404, f"there is no briefing '{change.get('slug')}' in the site")
        b, md, yml = found
        with self.lock:
            sidecar = current(memory, yml, text(change, "digest"))
            if action == "add":
                same(memory, md, "the article")
            check, what = edited(action, sidecar, b, memory.model.content, change)
            self.write(yml, sidecar, change["digest"], check)
        return f"{shown(yml)}: {what}; the page reloads once the preview has rebuilt it"

    def repair(self, n: int, quote: str) -> str:
        """Apply repair offer n of the error page, if it is still offered with this passage."""
        offers = self.offers()
        if not 0 <= n < len(offers) or offers[n].passage != quote:
            raise Refused(409, "this repair is no longer offered (the files changed): reload the page")
        offer = offers[n]
        yml = Path(offer.repair.yml_path)
        with self.lock:
            sidecar = readable(yml)
            md, body = offer.article
            if sidecar.digest != offer.digest or sha256(read(md)) != body:
                raise Refused(409, f"{shown(yml)} or its article changed since the page was made: reload it")
            try:
                for key, _, new in offer.repair.field_changes:
                    sidecar.set_value(offer.repair.index, key, new)
            except ContentError as exc:
                raise Refused(422, str(exc)) from None
            check = sidecar_check(offer.briefing, offer.shared.speakers, offer.shared.documents,
                                  offer.shared.site.allow_html, only=offer.repair.index)
            self.write(yml, sidecar, offer.digest, check)
        return f"{shown(yml)}:{offer.repair.line}: quote now \"{quote}\"; the preview rebuilds"

    def write(self, yml: Path, sidecar: Sidecar, digest: str, check) -> None:
        """Replace a sidecar inside the content folder with its changed text, refusing what the
        build would reject."""
        if not inside(os.path.realpath(yml), os.path.realpath(self.preview.opts.content)):
            raise Refused(403, f"{shown(yml)} is not inside the content folder")  # a link out of it
        try:
            replace(yml, sidecar.text(), digest, check)
        except ContentError as exc:
            raise Refused(409 if exc.message == CHANGED else 422, str(exc)) from None

    def offers(self) -> list[Offer]:
        """Return the repair offers for the current failure (made once per failure)."""
        problems = getattr(self.preview, "problems", ())
        with self.lock:
            if self.offered[0] is not problems:
                self.offered = (problems, offers_for(self.preview.opts.content, list(problems)))
            return self.offered[1]

    def buttons(self) -> dict[int, tuple[int, str]]:
        """Return the error page's buttons: error number -> (offer number, passage)."""
        return {o.error: (n, o.passage) for n, o in enumerate(self.offers())}


def edited(action: str, sidecar: Sidecar, b: Briefing, content, change: dict):
    """Make an add, note or delete change in the sidecar's text; return the check the new text must
    pass and what was done. Refuses what the writer cannot do without touching other lines."""
    try:
        if action == "add":
            return added(sidecar, b, content, change)
        index = position(b, text(change, "id"))
        check = sidecar_check(b, content.speakers, content.documents, content.site.allow_html)
        if action == "note":
            note = text(change, "note")
            sidecar.set_value(index, "note", note if note.strip() else None)
            return check, f"changed the note of '{b.annotations[index].id}'"
        sidecar.delete(index)
        return check, f"deleted '{b.annotations[index].id}'"
    except ContentError as exc:
        raise Refused(422, str(exc)) from None


def added(sidecar: Sidecar, b: Briefing, content, change: dict):
    """Append the entry that selects the page's selection; return the check of the new text
    (the build's, and that the entry highlights exactly the selection) and what was done."""
    allow_html = content.site.allow_html
    body = article_text(b.body, allow_html)
    span = locate_selection(body, text(change, "quote"), text(change, "before"), text(change, "after"))
    if span is None:
        raise Refused(422, f"{b.md_path}:1:1: error: the selected text is not in the article as the "
                           f"page shows it, or not told apart from another passage: reload and select again")
    try:
        fields = least_selector(body, span)
        wanted = trimmed(prepared(body), span)
    except ValueError as exc:
        raise Refused(422, f"{b.md_path}:1:1: error: this selection cannot be annotated: {exc}") from None
    entry = new_entry(fields, change)
    sidecar.add(entry)

    def check(new_text: str) -> None:
        """The build's check, and the new annotation's highlight exactly where it was selected."""
        new, article = checked(b, content.speakers, content.documents, allow_html, new_text)
        a = new.annotations[-1]
        if article.spans.get(a.id) != wanted:
            raise a.quote_where.error("the new annotation would highlight other text than the selection")
    return check, f"added '{entry.get('id') or derived(entry)}'"


def slug_of(page: str) -> str | None:
    """Return the slug of a briefing page's path (/briefings/SLUG/ or its index.html), or None."""
    parts = page.split("?", 1)[0].strip("/").split("/")
    if parts[-1] == "index.html":
        parts.pop()
    return parts[1] if len(parts) == 2 and parts[0] == "briefings" and parts[1] else None


def find(memory, slug: str):
    """Return (briefing, article path, sidecar path) of a slug in the built model, or None."""
    pair = next((p for p in memory.model.pairs if p.slug == slug), None)
    b = next((b for b in memory.model.content.briefings if b.slug == slug), None)
    return (b, pair.md, pair.yml) if pair is not None and b is not None else None


def built_digest(memory, yml: Path) -> str:
    """Return the sha256 of the sidecar on disk, when it holds the bytes the last build read."""
    data = read(yml)
    if memory.hashes.get(yml) != file_hash(data):
        raise Refused(409, f"{shown(yml)} changed since this page was built: it reloads once rebuilt")
    return sha256(data)


def same(memory, path: Path, what: str) -> None:
    """Refuse when a file on disk is no longer what the last build read."""
    if memory.hashes.get(path) != file_hash(read(path)):
        raise Refused(409, f"{what} ({shown(path)}) changed since this page was built: it reloads once rebuilt")


def current(memory, yml: Path, digest: str) -> Sidecar:
    """Return the sidecar for changing, when it is still what the page was built from."""
    if built_digest(memory, yml) != digest:
        raise Refused(409, f"{shown(yml)} changed since this page was built: reload it")
    sidecar = readable(yml)
    if sidecar.digest != digest:  # saved again between the two reads
        raise Refused(409, f"{shown(yml)} changed since this page was built: reload it")
    return sidecar


def readable(yml: Path) -> Sidecar:
    """Return a sidecar read for changing; refuse one the writer cannot read."""
    try:
        return Sidecar.read(yml)
    except ContentError as exc:
        raise Refused(422, str(exc)) from None


def read(path: Path) -> bytes:
    """Return a content file's bytes; refuse when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Refused(409, f"{shown(path)} cannot be read now ({exc.strerror or exc}): reload the page") from None


def position(b: Briefing, aid: str) -> int:
    """Return the index in sidecar order of the annotation with this id."""
    for n, a in enumerate(b.annotations):
        if a.id == aid:
            return n
    raise Refused(404, f"{b.yml_path}: there is no annotation '{aid}'")


def new_entry(fields: dict, change: dict) -> dict:
    """Return a new entry's fields in FIELDS order; id only when given and not the derived one."""
    given = {k: text(change, k).strip() for k in ("kind", "id", "speaker", "provision")}
    given["note"] = text(change, "note") if text(change, "note").strip() else ""
    entry = {**fields, **{k: v for k, v in given.items() if v}}
    if entry.get("id") == derived(entry):
        del entry["id"]
    return {k: entry[k] for k in FIELDS if k in entry}


def derived(entry: dict) -> str:
    """Return the id the build derives for an entry."""
    return derive_id(entry["quote"], entry.get("prefix", ""), entry.get("suffix", ""), entry.get("occurrence", 0))


def text(change: dict, key: str) -> str:
    """Return a text field of a request ("" when absent); refuse any other type."""
    value = change.get(key, "")
    if not isinstance(value, str):
        raise Refused(400, f"'{key}' must be a string")
    return value


def number(change: dict, key: str) -> int:
    """Return a whole-number field of a request; refuse anything else."""
    value = change.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused(400, f"'{key}' must be a whole number")
    return value
