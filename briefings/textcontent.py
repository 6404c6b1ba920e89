"""Read rendered HTML back as a browser's textContent, for plain-text fields and W3C offsets."""

from __future__ import annotations

from html.parser import HTMLParser


class _Text(HTMLParser):
    """Accumulate text nodes inside <body> and where each annotation's <mark> pieces start and end."""

    def __init__(self, body_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.inside = not body_only
        self.skip = 0
        self.marks: list[list[str]] = []
        self.spans: dict[str, list[int]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.inside = True
        elif tag in ("script", "style") and not self.inside:
            self.skip += 1
        elif tag == "mark":
            ids = (dict(attrs).get("data-annotations") or "").split()
            self.marks.append(ids)
            for aid in ids:
                self.spans.setdefault(aid, [self.length, self.length])

    def handle_endtag(self, tag):
        if tag == "body":
            self.inside = False
        elif tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag == "mark" and self.marks:
            for aid in self.marks.pop():
                self.spans[aid][1] = self.length

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.parts.append(data)
            self.length += len(data)


def body_text(html: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """Return document.body.textContent of a page and each annotation's [start, end) in it."""
    parser = _Text(body_only=True)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), {k: (v[0], v[1]) for k, v in parser.spans.items()}


def plain_text(html: str) -> str:
    """Return the text of an HTML fragment on one line."""
    parser = _Text(body_only=False)
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
