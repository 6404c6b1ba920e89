"""URL and raw-HTML safety: what may reach the output from untrusted text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

SAFE_SCHEMES = {"http", "https", "mailto", "tel", "ftp", "ftps"}
SAFE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.I)
# Characters browsers ignore inside a URL scheme (tabs, newlines, controls) are removed before judging.
IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SCHEME = re.compile(r"\A([a-zA-Z][a-zA-Z0-9+.-]*):")
# Dropped with their content. SVG and MathML go too: their animation elements can set URLs.
DROP_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link",
             "style", "template", "noscript", "form", "svg", "math"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
             "data", "srcset", "ping", "longdesc", "lowsrc", "dynsrc", "manifest", "codebase"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
DROP_ATTRS = {"style", "srcdoc", "formaction"}
# Names a browser reads the way they are written; anything else (quotes, '<', '=') is dropped.
TAG_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
ATTR_NAME = re.compile(r"[a-z_:][-a-z0-9_:.]*\Z")


def safe_url(url: str | None) -> str | None:
    """Return the URL if a reader may follow it, else None (javascript:, vbscript:, data: ...)."""
    if url is None:
        return None
    probe = IGNORED.sub("", html.unescape(url))
    match = SCHEME.match(probe)
    if not match:
        return url  # relative URL or fragment
    scheme = match.group(1).lower()
    if scheme in SAFE_SCHEMES or SAFE_DATA.match(probe):
        return url
    return None


class _Sanitizer(HTMLParser):
    """Re-emit HTML keeping harmless tags; drop scripts, frames, event handlers and unsafe URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs, closed=False):
        if tag in DROP_TAGS:
            # A void element or <svg/> has no content to skip; the skip depth only hides content.
            self.skip += tag not in VOID and not closed
            return
        if self.skip or not TAG_NAME.match(tag):
            return
        kept = []
        for name, value in attrs:
            if not ATTR_NAME.match(name) or name.startswith("on") or name in DROP_ATTRS:
                continue
            if name in URL_ATTRS and safe_url(value or "") is None:
                continue
            kept.append(f' {name}="{html.escape(value or "")}"' if value is not None else f" {name}")
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if tag in DROP_TAGS:
            self.skip = max(0, self.skip - (tag not in VOID))
        elif not self.skip and tag not in VOID and TAG_NAME.match(tag):
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(html.escape(data, quote=False))


def sanitize_html(fragment: str) -> str:
    """Return raw HTML with scripts, frames, styles, event handlers and unsafe URLs removed."""
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)
