"""Stage 2: parse Markdown with markdown-it-py and expose the text a reader sees, token by token."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .safety import safe_url, sanitize_html

# Inline tokens whose content a reader sees; code blocks hold theirs in the block token.
LINK_TYPES = ("text", "code_inline")
# One line that no Markdown rule can touch: no inline markup, entity, escape or raw HTML anywhere,
# and no block marker (heading, quote, list, fence, table) at its start.
PLAIN = re.compile(r"(?![\s#>+=\d-])[^\n\r\\`*_\[\]<>&~|\x00]+(?<!\s)")
BLOCK_TEXT = ("fence", "code_block")
# *emphasis* or **strong** that CommonMark cannot read otherwise: after a space or at the start,
# letters or digits at both inner ends, no * inside, then the end, a space or a sentence mark.
SIMPLE_EMPHASIS = re.compile(r"(?<![^ ])(\*\*?)([A-Za-z0-9](?:[^*\n]*[A-Za-z0-9])?)\1(?![^ .,;:!?])")


@dataclass
class Segment:
    """A run of visible text held by one token, located in the article's visible text."""

    start: int
    """Offset of the first character in the visible text."""
    end: int
    """Offset after the last character."""
    token: Token
    """The text, code_inline, fence or code_block token holding the characters."""
    slot: int
    """Index of the block token after which notes for this text go."""
    in_link: bool
    """Whether the text is inside a link (so no mention link may be added)."""


@lru_cache(maxsize=4)
def parser(allow_html: bool) -> MarkdownIt:
    """Return the shared markdown-it instance: CommonMark plus tables and strikethrough."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: safe_url(url) is not None
    md.add_render_rule("text", render_text)
    md.add_render_rule("code_inline", render_code_inline)
    md.add_render_rule("fence", render_code_block)
    md.add_render_rule("code_block", render_code_block)
    md.add_render_rule("html_block", render_html)
    md.add_render_rule("html_inline", render_html)
    return md


def render_markdown(source: str, allow_html: bool = False) -> str:
    """Render a short Markdown text (note, summary, bio) to HTML."""
    line = source.lstrip("\n").rstrip(" \t\n")
    if PLAIN.fullmatch(line):  # most notes are one plain sentence: skip the parser (same HTML)
        return f"<p>{html.escape(line)}</p>\n"
    if "*" in line and PLAIN.fullmatch(SIMPLE_EMPHASIS.sub(r"\2", line)):  # and many stress a word or two
        return f"<p>{emphasized(line)}</p>\n"
    return parser(allow_html).render(source) if source.strip() else ""


def emphasized(line: str) -> str:
    """Render a plain line whose only markup is SIMPLE_EMPHASIS, as the parser would."""
    out, at = [], 0
    for m in SIMPLE_EMPHASIS.finditer(line):
        tag = "em" if len(m.group(1)) == 1 else "strong"
        out += [html.escape(line[at:m.start()]), f"<{tag}>{html.escape(m.group(2))}</{tag}>"]
        at = m.end()
    out.append(html.escape(line[at:]))
    return "".join(out)


def render_pieces(token: Token, escape=html.escape) -> str:
    """Render a token's text, wrapping the pieces the anchor stage marked."""
    pieces = token.meta.get("pieces") if token.meta else None
    if not pieces:
        return escape(token.content)
    return "".join(piece.html(escape) for piece in pieces)


def render_text(self, tokens, idx, options, env) -> str:
    """Render a text token, with its highlight marks if any."""
    return render_pieces(tokens[idx])


def render_code_inline(self, tokens, idx, options, env) -> str:
    """Render inline code, with its highlight marks if any."""
    token = tokens[idx]
    return f"<code{self.renderAttrs(token)}>{render_pieces(token)}</code>"


def render_code_block(self, tokens, idx, options, env) -> str:
    """Render a fenced or indented code block, with its highlight marks if any."""
    token = tokens[idx]
    lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    cls = f' class="language-{html.escape(lang)}"' if lang else ""
    return f"<pre><code{cls}>{render_pieces(token)}</code></pre>\n"


def render_html(self, tokens, idx, options, env) -> str:
    """Pass raw HTML through the sanitizer (only reached when allow_html is on)."""
    return sanitize_html(tokens[idx].content)


def parse(source: str, allow_html: bool = False) -> list[Token]:
    """Parse an article body into block tokens."""
    return parser(allow_html).parse(source)


def render(tokens: list[Token], allow_html: bool = False) -> str:
    """Render block tokens (a whole body or a slice of complete blocks) to HTML."""
    md = parser(allow_html)
    return md.renderer.render(tokens, md.options, {})


def visible_text(tokens: list[Token]) -> tuple[str, list[Segment]]:
    """Return the text a reader sees (blocks separated by newlines) and the segments holding it."""
    parts: list[str] = []
    segments: list[Segment] = []
    length = 0
    pending_table: list[Segment] = []
    in_table = False

    def add(text: str, token: Token | None, slot: int, in_link: bool = False) -> None:
        nonlocal length
        if token is not None and text:
            seg = Segment(length, length + len(text), token, slot, in_link)
            segments.append(seg)
            if in_table:
                pending_table.append(seg)
        parts.append(text)
        length += len(text)

    for i, block in enumerate(tokens):
        if block.type == "table_open":
            in_table = True
        elif block.type == "table_close":
            in_table = False
            for seg in pending_table:
                seg.slot = i  # notes cannot sit inside a table: they follow it
            pending_table.clear()
        if block.type not in ("inline", *BLOCK_TEXT):
            continue
        if parts and not parts[-1].endswith("\n"):
            add("\n", None, i)
        if block.type in BLOCK_TEXT:
            add(block.content, block, i)
            continue
        depth = 0
        for child in block.children or []:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type in LINK_TYPES:
                add(child.content, child, i + 1, depth > 0)
            elif child.type in ("softbreak", "hardbreak"):
                add("\n", None, i + 1)
    return "".join(parts), segments


