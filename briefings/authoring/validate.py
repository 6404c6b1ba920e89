"""Check a sidecar's new text as the build would - its own loader, reference checks and anchoring -
before the text replaces the file, so a write never leaves a sidecar the build rejects."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

from ..content.load import check_references, read_briefing
from ..errors import ContentError, flatten
from ..model import Article, Briefing, Document, Speaker
from ..text.anchor import anchor
from ..text.mentions import Mentions


def checked(b: Briefing, speakers: dict[str, Speaker], documents: dict[str, Document], allow_html: bool,
            text: str, only: int | None = None) -> tuple[Briefing, Article]:
    """Read text as b's sidecar (b's body unchanged) and anchor the body with it; return the briefing
    and its article, or raise the first error in file order. With only, of the annotations only the
    one at that index in sidecar order is anchored (a repair of one quote, others still broken)."""
    errors: list[ContentError] = []
    new = read_briefing(b.slug, Path(b.md_path), Path(b.yml_path), errors, body=b.body, sidecar=text)
    if new is not None:
        check_references(new, speakers, documents, errors)
    raise_first(errors)
    if only is not None and not 0 <= only < len(new.annotations):
        raise ContentError(b.yml_path, 1, 1, f"the sidecar has no annotation number {only + 1}")
    anchored = new if only is None else dataclasses.replace(new, annotations=(new.annotations[only],))
    try:
        return new, anchor(anchored, allow_html, Mentions(speakers))
    except (ContentError, ExceptionGroup) as exc:
        raise_first(flatten(exc))
        raise  # not the content's fault: a bug, with its traceback


def sidecar_check(b: Briefing, speakers: dict[str, Speaker], documents: dict[str, Document],
                  allow_html: bool, only: int | None = None) -> Callable[[str], None]:
    """Return check(text), raising the first ContentError the build would report for text as b's
    sidecar (see checked)."""
    def check(text: str) -> None:
        """Raise the first error the build would report for this sidecar text."""
        checked(b, speakers, documents, allow_html, text, only)
    return check


def raise_first(errors: list[ContentError]) -> None:
    """Raise the first error in file order, if there is one."""
    if errors:
        raise min(errors, key=ContentError.sort_key)
