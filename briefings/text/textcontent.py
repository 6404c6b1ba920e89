"""Read rendered HTML back as a browser's textContent, for plain-text fields and W3C offsets."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# The tags body_text acts on; it reads every other tag as a break between text nodes.
MARKUP = re.compile(r"<(/mark|mark(?: [^>]*)?|(?:script|style)[^>]*)>")
TAG = re.compile(r"<[^>]*>")


class _Text(HTMLParser):
    """Accumulate the text nodes of an HTML fragment, leaving out scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def body_text(html: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """Return document.body.textContent of a page we rendered and each annotation's [start, end) in it.

    A scan of our own output (quoted, escaped attributes; no comments in the body) instead of
    html.parser, which took most of a large build's time: a regular expression jumps from one
    <mark>, </mark>, <script> or <style> to the next, and the tags between are cut out in C.
    """
    i = html.find(">", html.find("<body")) + 1
    stop = html.rfind("</body>")
    parts: list[str] = []
    length = 0
    open_marks: list[list[str]] = []
    spans: dict[str, list[int]] = {}
    while (m := MARKUP.search(html, i, stop)) is not None:
        if m.start() > i:
            text = visible(html[i:m.start()])
            parts.append(text)
            length += len(text)
        tag, i = m.group(1), m.end()
        if tag == "/mark":
            if open_marks:
                for aid in open_marks.pop():
                    spans[aid][1] = length
        elif tag == "mark" or tag.startswith("mark "):
            ids = attribute(tag, "data-annotations").split()
            open_marks.append(ids)
            for aid in ids:
                spans.setdefault(aid, [length, length])
        else:
            # Raw text: the element's content counts as text, unescaped, up to its end tag.
            end = html.find(f"</{tag.split()[0]}", i)
            parts.append(html[i:end])
            length += end - i
            i = html.find(">", end) + 1
    if stop > i:
        parts.append(visible(html[i:stop]))
    return "".join(parts), {aid: (v[0], v[1]) for aid, v in spans.items()}


def visible(markup: str) -> str:
    """Return the text of a stretch of markup with no marks or scripts in it, unescaped node by node."""
    text = "".join(TAG.split(markup)) if "<" in markup else markup
    if "&" not in text:
        return text
    return "".join(unescape(node) if "&" in node else node for node in TAG.split(markup))


def attribute(tag: str, name: str) -> str:
    """Return an attribute's (unescaped) value from a start tag's source, or ''."""
    at = tag.find(f' {name}="')
    if at < 0:
        return ""
    start = at + len(name) + 3
    return unescape(tag[start:tag.find('"', start)])


def plain_text(html: str) -> str:
    """Return the text of an HTML fragment on one line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
