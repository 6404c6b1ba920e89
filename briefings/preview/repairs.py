"""The repairs the preview's error page offers: for each "quote not found" in a sidecar, the clear
repair that authoring.repair.diagnose finds, with what is needed to apply it later unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..authoring.repair import Repair, diagnose
from ..authoring.sidecar import digest as sha256
from ..content.files import pair_briefings, shown
from ..content.load import read_briefing, read_shared
from ..content.textfile import decode_text
from ..errors import ContentError
from ..model import Briefing


@dataclass(frozen=True)
class Offer:
    """A repair the error page offers: one annotation's quote (and context) made to match again."""

    error: int
    """Which of the preview's errors it repairs (its number in preview.errors)."""
    repair: Repair
    """What repair.diagnose proposes."""
    passage: str
    """The new quote, shown on the button and sent back with the click."""
    digest: str
    """The sha256 of the sidecar bytes it was made from: a changed sidecar is not repaired."""
    article: tuple[Path, str]
    """The article and the sha256 of its bytes then: the repair was found in that text."""
    briefing: Briefing
    """The briefing as read then, which the repaired sidecar is checked with."""
    shared: object
    """The speakers and documents (content.load.Shared) read then."""


def offers_for(content_dir: Path, problems: list[ContentError]) -> list[Offer]:
    """Diagnose the briefings whose sidecars have errors; return the clear repairs, in error order."""
    paths = {e.path for e in problems}
    if not paths:
        return []
    shared = read_shared(content_dir, [])
    offers = []
    for slug, md, yml in pair_briefings(shared.files.get("briefings", []), []):
        if shown(yml) not in paths:
            continue
        try:
            data, body = yml.read_bytes(), md.read_bytes()
            errors: list[ContentError] = []
            b = read_briefing(slug, md, yml, errors, body=decode_text(body, shown(md)),
                              sidecar=decode_text(data, shown(yml)))
        except (OSError, ContentError):
            continue
        if b is None or errors:  # the loader's own errors first: entries and annotations may not pair up
            continue
        digest, article = sha256(data), (md, sha256(body))
        for repair in diagnose(b, shared.site.allow_html):
            error = matching(problems, repair) if isinstance(repair, Repair) else None
            if error is not None:
                quote = dict((k, new) for k, _, new in repair.field_changes).get("quote")
                passage = quote if quote is not None else b.annotations[repair.index].quote
                offers.append(Offer(error, repair, passage, digest, article, b, shared))
    return sorted(offers, key=lambda o: o.error)


def matching(problems: list[ContentError], repair: Repair) -> int | None:
    """Return the number of the error a repair is for (the build's, at its quote), or None."""
    path = shown(Path(repair.yml_path))
    return next((n for n, e in enumerate(problems) if e.path == path and e.line == repair.line), None)
