"""Repair drifted quotes (`briefings fix`): each quote that no longer anchors is compared with the
passages of the current text (text.match.ranked); when one is clearly the closest - its score at
least THRESHOLD and MARGIN above the runner-up's - the annotation's quote (and its prefix and
suffix, when they no longer single that passage out) is rewritten with the loss-free writer.
Anything less clear is left alone and listed with its candidates, best first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content.files import shown
from ..content.load import load, read_briefing, read_shared
from ..errors import ContentError, raise_all
from ..model import Annotation, Briefing
from ..text.markdown import parse, visible_text
from ..text.match import Candidate, Text, needle, ranked, resolve
from ..text.passage import squash
from .selector import least_selector
from .sidecar import Sidecar, replace
from .validate import sidecar_check

THRESHOLD = 0.8
"""The least score (0..1, text.match.ranked's) of a passage that replaces a quote by itself."""
MARGIN = 0.1
"""How far the best passage's score must be above the runner-up's: else the choice is the editor's."""
RANKED = 5
"""Candidates compared, and listed for a quote left broken."""
FIELDS = ("quote", "prefix", "suffix")
"""The only keys a repair changes (SPEC-NOTES 13)."""


@dataclass(frozen=True)
class Repair:
    """A quote that no longer matches, with one clearly closest passage: the fields that match it."""

    yml_path: str
    """The sidecar, as the build names it."""
    index: int
    """0-based annotation index in sidecar order."""
    line: int
    """Line of the quote value in the sidecar."""
    field_changes: tuple[tuple[str, str, str | None], ...]
    """(key, old, new or None = remove) for quote, prefix and suffix, those that change."""
    score: float
    """The chosen passage's score."""
    runner_up: float
    """The next passage's score (0 when there is none)."""
    change_lines: tuple[int, ...] = ()
    """For each field change, the line of its key's value (the quote's for a key added)."""


@dataclass(frozen=True)
class Unrepaired:
    """A broken quote that is not clearly repairable: listed with its candidates, best first."""

    yml_path: str
    """The sidecar, as the build names it."""
    index: int
    """0-based annotation index in sidecar order."""
    line: int
    """Line of the build's error (the quote, prefix, suffix or occurrence it is about)."""
    column: int
    """Column of the build's error."""
    quote: str
    """The quote as the sidecar has it."""
    message: str
    """The build's error message."""
    candidates: tuple[tuple[float, str], ...]
    """(score, passage) of the closest passages, best first."""
    reason: str = ""
    """Why it was not repaired."""


def diagnose(b: Briefing, allow_html: bool) -> list[Repair | Unrepaired]:
    """Return a Repair or an Unrepaired for each annotation of b whose quote does not anchor.

    Reads nothing and writes nothing: b's body and annotations are all it uses.
    """
    return examine(b, allow_html, writable=True)


def examine(b: Briefing, allow_html: bool, writable: bool) -> list[Repair | Unrepaired]:
    """Diagnose b's broken quotes; with writable False, list them all (b's sidecar has other errors)."""
    t = Text(visible_text(parse(b.body, allow_html))[0])
    found: list[Repair | Unrepaired] = []
    for index, a in enumerate(b.annotations):
        error = resolve(t, a)
        if isinstance(error, ContentError):
            found.append(judged(t, b.yml_path, index, a, error, writable))
    return found


def judged(t: Text, path: str, index: int, a: Annotation, error: ContentError,
           writable: bool) -> Repair | Unrepaired:
    """Repair one broken annotation when its closest passage is clear, else say why not."""
    found = ranked(t, a.quote, a.prefix, a.suffix, RANKED)
    best = found[0].score if found else 0.0
    runner = found[1].score if len(found) > 1 else 0.0
    if not found:
        reason = "no passage of the article is like it"
    elif best < THRESHOLD:
        reason = f"the closest passage scores {best:.2f}, below {THRESHOLD:.2f}"
    elif best - runner < MARGIN:
        reason = f"the two closest passages score {best:.2f} and {runner:.2f}: choose one by hand"
    elif not writable:
        reason = "the sidecar has other errors: fix them first"
    elif (fields := selector(t, a, found[0])) is None:
        reason = "no quote, prefix and suffix select that passage alone with this 'occurrence'"
    else:
        changes = [(k, getattr(a, k), fields[k] or None) for k in FIELDS if fields[k] != getattr(a, k)]
        lines = tuple(a.at(k).line if k in a.wheres else a.quote_where.line for k, _, _ in changes)
        return Repair(path, index, a.quote_where.line, tuple(changes), best, runner, lines)
    return Unrepaired(path, index, error.line, error.column, a.quote, error.message,
                      tuple((c.score, c.passage) for c in found), reason)


def selector(t: Text, a: Annotation, best: Candidate) -> dict[str, str] | None:
    """Return quote, prefix and suffix that anchor to the chosen passage (a's occurrence kept), or None.

    Tried in order, each with the build's resolver: the old prefix and suffix kept; both dropped;
    the least context that singles the passage out (authoring.selector).
    """
    quote = a.quote if needle(best.passage) == needle(a.quote) else best.passage
    tries = [(a.prefix, a.suffix), ("", "")]
    try:
        least = least_selector(t.text, best.span)
        if least.get("occurrence", a.occurrence) == a.occurrence:
            tries.append((least.get("prefix", ""), least.get("suffix", "")))
    except ValueError:  # no quote ends exactly there (it would cut a … character apart)
        pass
    for prefix, suffix in tries:
        moved = Annotation(id=a.id, quote=quote, kind=a.kind, prefix=prefix, suffix=suffix,
                           occurrence=a.occurrence)
        if resolve(t, moved) == best.span:
            return {"quote": quote, "prefix": prefix, "suffix": suffix}
    return None


def plan(content_dir: Path) -> tuple[list[Repair | Unrepaired], list[ContentError]]:
    """Read the content folder as the build does; return its broken quotes, diagnosed, and its other
    errors. A briefing with errors of its own is not repaired (its entries and annotations may not
    pair up), only listed."""
    errors: list[ContentError] = []
    content = load(content_dir, errors)
    troubled = {e.path for e in errors}
    found: list[Repair | Unrepaired] = []
    for b in content.briefings:
        writable = b.yml_path not in troubled and b.md_path not in troubled
        found += examine(b, content.site.allow_html, writable)
    return sorted(found, key=lambda r: (r.yml_path, r.line)), errors


def apply(repairs: list[Repair], dry_run: bool = False, content_dir: Path = Path("content"),
          errors: list[ContentError] | None = None) -> list[str]:
    """Write each sidecar's repairs (unless dry_run) and return the change lines, as fix prints them.

    Each new sidecar text is checked first by the build's loader, reference checks and anchoring
    of every repaired annotation; a sidecar that changed since it was diagnosed, or whose new text
    fails, is left as it was and its error added to errors (raised at the end when errors is None).
    """
    failed: list[ContentError] = []
    shared = read_shared(content_dir, []) if repairs else None
    lines: list[str] = []
    for path in sorted({r.yml_path for r in repairs}):
        mine = [r for r in repairs if r.yml_path == path]
        try:
            write(Path(path), mine, shared, dry_run)
        except ContentError as exc:
            failed.append(exc)
            continue
        except OSError as exc:  # the article went missing, say: this sidecar is left as it was
            failed.append(ContentError(path, 1, 1, f"cannot repair: {exc.filename}: {exc.strerror}"))
            continue
        lines += [line for r in mine for line in shown_changes(r)]
    if errors is None:
        raise_all(failed)
    else:
        errors.extend(failed)
    return lines


def write(yml: Path, repairs: list[Repair], shared, dry_run: bool) -> None:
    """Apply one sidecar's repairs to its text, check it and (unless dry_run) replace the file."""
    sidecar = Sidecar.read(yml)
    b = current(yml, sidecar.text(), repairs)
    for r in repairs:
        for key, _, new in r.field_changes:
            sidecar.set_value(r.index, key, new)
    checks = [sidecar_check(b, shared.speakers, shared.documents, shared.site.allow_html, only=r.index)
              for r in repairs]

    def check(text: str) -> None:
        """Raise the first error the build would report for a repaired annotation of text."""
        for one in checks:
            one(text)
    if dry_run:
        check(sidecar.text())
    else:
        replace(yml, sidecar.text(), sidecar.digest, check)


def current(yml: Path, text: str, repairs: list[Repair]) -> Briefing:
    """Read the briefing with the sidecar's current text; refuse when a repair no longer fits it."""
    errors: list[ContentError] = []
    b = read_briefing(yml.stem, yml.with_suffix(".md"), yml, errors, sidecar=text)
    for r in repairs:
        a = b.annotations[r.index] if b is not None and r.index < len(b.annotations) else None
        if errors or a is None or a.quote_where.line != r.line or any(
                getattr(a, key) != old for key, old, _ in r.field_changes):
            raise ContentError(shown(yml), r.line, 1, "the sidecar changed since fix read it; "
                                                      "run fix again (nothing was written)")
    return b


def shown_changes(r: Repair) -> list[str]:
    """Return a repair's change lines: PATH:LINE: quote "old" -> "new" (prefix, suffix alike)."""
    lines = r.change_lines or (r.line,) * len(r.field_changes)
    return [f'{r.yml_path}:{line}: {key} "{squash(old)}" -> '
            + ("(removed)" if new is None else f'"{squash(new)}"')
            for (key, old, new), line in zip(r.field_changes, lines)]


def listed(u: Unrepaired) -> list[str]:
    """Return the lines fix prints for a quote left broken: its error, why, and its candidates."""
    return ([f"{u.yml_path}:{u.line}:{u.column}: error: {u.message}", f"  not repaired: {u.reason}"]
            + [f'  candidate (score {score:.2f}): "{passage}"' for score, passage in u.candidates])
