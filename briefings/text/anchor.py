"""Stage 3: anchor each annotation's quote in the visible text and mark it up as <mark> pieces."""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from markdown_it.token import Token

from ..errors import ContentError, raise_all
from ..model import Article, Briefing
from .markdown import Segment, parse, render, render_markdown, visible_text
from .match import Text, resolve
from .mentions import Mentions

END = float("inf")


# A tuple, not a frozen dataclass: pieces are made by the thousand and build five times faster.
class Piece(NamedTuple):
    """A run of text inside one token, covered by one set of annotations."""

    text: str
    """The characters."""
    ids: tuple[str, ...] = ()
    """Ids of the annotations covering it, by start (an outer one before those nested in it)."""
    kinds: tuple[str, ...] = ()
    """Kinds of those annotations, deduplicated, for CSS classes."""
    starts: tuple[str, ...] = ()
    """Ids of the annotations whose first piece this is, in the order of their note numbers (the
    shorter first; equal spans by id): the theme numbers them in document order."""
    link_open: str = ""
    """Href of a mention link that opens before this piece."""
    link_close: bool = False
    """Whether a mention link closes after this piece."""

    def html(self, escape=html.escape) -> str:
        """Render the piece: text, <mark> when annotated, wrapped in a mention link when one opens."""
        out = escape(self.text)
        if self.ids:
            classes = " ".join(["hl"] + [f"hl-{k}" for k in self.kinds])
            described = " ".join(f"note-{i}" for i in self.ids)
            # The mark carries the last id; the others get empty anchors before it, in note order.
            first = f' id="{self.starts[-1]}" tabindex="0"' if self.starts else ""
            extra = "".join(f'<span class="hl-anchor" id="{i}"></span>' for i in self.starts[:-1])
            out = (f'{extra}<mark{first} class="{classes}" data-annotations="{" ".join(self.ids)}"'
                   f' aria-describedby="{described}">{out}</mark>')
        if self.link_open:
            out = f'<a class="mention" href="{escape(self.link_open)}">{out}'
        if self.link_close:
            out += "</a>"
        return out


def anchor(b: Briefing, allow_html: bool, mentions: Mentions) -> Article:
    """Render one briefing body with every annotation highlighted; raise all anchoring errors."""
    tokens = parse(b.body, allow_html)
    text, segments = visible_text(tokens)
    searchable = Text(text)
    spans: dict[str, tuple[int, int]] = {}
    errors: list[ContentError] = []
    for a in b.annotations:
        found = resolve(searchable, a)
        if isinstance(found, ContentError):
            errors.append(found)
        else:
            spans[a.id] = found
    raise_all(errors)
    named, links = mentions.find(text, segments)
    kinds = {a.id: a.kind for a in b.annotations}
    mark(segments, spans, kinds, links)
    slots = note_slots(segments, spans)
    pieces = chunks(tokens, slots, allow_html)
    return Article(
        slug=b.slug, text=text, spans=spans, chunks=pieces,
        notes={a.id: render_markdown(a.note, allow_html) for a in b.annotations},
        summary_html=render_markdown(b.summary, allow_html), mentioned=named,
        blocks={aid: n for n, (_, ids) in enumerate(pieces) for aid in ids})


def mark(segments: list[Segment], spans: dict[str, tuple[int, int]], kinds: dict[str, str],
         links: list[tuple[int, int, str]]) -> None:
    """Split the tokens under the spans and links into pieces, sweeping once through the text."""
    # Outer annotations before the ones nested in them, so data-annotations reads outside-in.
    ranked = sorted(spans, key=lambda i: (spans[i][0], -spans[i][1], i))
    order = {aid: n for n, aid in enumerate(ranked)}
    events = sorted([(s, 1, aid) for aid, (s, _) in spans.items()]
                    + [(e, 0, aid) for aid, (_, e) in spans.items()])
    links = sorted(links)
    at, link_at, ends = [e[0] for e in events], [s for s, _, _ in links], [seg.end for seg in segments]
    active: set[str] = set()
    ev = lk = i = 0
    while i < len(segments):
        if not active:  # jump straight to the token holding the next start or mention
            i = bisect_right(ends, min(at[ev] if ev < len(at) else END,
                                       link_at[lk] if lk < len(link_at) else END), i)
            if i == len(segments):
                break
        seg = segments[i]
        i += 1
        while ev < len(events) and events[ev][0] <= seg.start:
            apply(events[ev], active)
            ev += 1
        ev_end, lk_end = bisect_left(at, seg.end, ev), bisect_left(link_at, seg.end, lk)
        if active or ev_end > ev or lk_end > lk:
            pieces = split(seg, events[ev:ev_end], links[lk:lk_end], active, order, kinds, spans)
            seg.token.meta = dict(seg.token.meta or {}, pieces=pieces)
        ev, lk = ev_end, lk_end


def split(seg: Segment, events: list, links: list, active: set[str], order: dict[str, int],
          kinds: dict[str, str], spans: dict[str, tuple[int, int]]) -> list[Piece]:
    """Cut one token's text at the events and mention links inside it, applying the events."""
    cuts = sorted({seg.start, seg.end, *(e[0] for e in events),
                   *(p for s, e, _ in links for p in (s, e))})
    opens, closes = {s: href for s, _, href in links}, {e for _, e, _ in links}
    pieces, ev, ids, classes, starts = [], 0, None, (), ()
    for a, b in zip(cuts, cuts[1:]):
        fresh = ids is None or (ev < len(events) and events[ev][0] <= a)
        while ev < len(events) and events[ev][0] <= a:
            apply(events[ev], active)
            ev += 1
        if fresh:  # the covering set only changes at events: sort it once per change
            ids = tuple(sorted(active, key=order.__getitem__))
            classes = tuple(dict.fromkeys(kinds[i] for i in ids))
            starts = tuple(sorted((i for i in ids if spans[i][0] == a), key=lambda i: (spans[i][1], i)))
        pieces.append(Piece(
            text=seg.token.content[a - seg.start:b - seg.start], ids=ids, kinds=classes,
            starts=starts if fresh else (), link_open=opens.get(a, ""), link_close=b in closes))
    return pieces


def apply(event: tuple[int, int, str], active: set[str]) -> None:
    """Add (start event) or remove (end event) an annotation from the active set."""
    if event[1]:
        active.add(event[2])
    else:
        active.discard(event[2])


def note_slots(segments: list[Segment], spans: dict[str, tuple[int, int]]) -> dict[int, list[str]]:
    """Return block index -> ids of the notes that follow that block, in reading order.

    Annotations that overlap, or that start in the block where the previous ones end, form a group
    whose notes all follow the block where the group ends: no note ever sits inside a highlight
    that runs across blocks (so the W3C export's selectors cover exactly the highlighted text).
    """
    starts = [seg.start for seg in segments]

    def slot_of(pos: int) -> int:
        return segments[max(0, bisect_right(starts, pos) - 1)].slot

    slots: dict[int, list[str]] = {}
    group: list[str] = []
    group_end = 0
    for aid, (start, end) in sorted(spans.items(), key=lambda kv: (kv[1], kv[0])):
        if group and start >= group_end and slot_of(start) != slot_of(group_end - 1):
            slots.setdefault(slot_of(group_end - 1), []).extend(group)
            group = []
        group.append(aid)
        group_end = max(group_end, end)
    if group:
        slots.setdefault(slot_of(group_end - 1), []).extend(group)
    return slots


def chunks(tokens: list[Token], slots: dict[int, list[str]], allow_html: bool):
    """Render the body in slices, each followed by the ids of the notes that go after it."""
    out, begin = [], 0
    for slot in sorted(slots):
        out.append((render(tokens[begin:slot + 1], allow_html), tuple(slots[slot])))
        begin = slot + 1
    out.append((render(tokens[begin:], allow_html), ()))
    return tuple(out)
