"""URL and raw-HTML safety: what may reach the output from untrusted text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from briefings.text.markdown import render_markdown
from briefings.text.safety import safe_url, sanitize_html

UNSAFE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)", "&#x6A;&#x61;vascript:x", "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>", "data:image/svg+xml,<svg onload=alert(1)>",
    "DATA:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "livescript:x",
]
SAFE_URLS = [
    "https://example.org/a?b=c#d", "http://example.org", "mailto:a@example.org", "tel:+3212345",
    "ftp://example.org/f", "../speakers/ana/", "page.html", "#fragment", "/abs/path", "?q=1",
    "data:image/png;base64,iVBORw0KGgo=", "data:image/webp,xyz", "DATA:IMAGE/JPEG;base64,AA",
]


class Urls(HTMLParser):
    """Collect every href and src of some HTML."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.urls += [v or "" for k, v in attrs if k in ("href", "src")]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls_are_refused(url):
    assert safe_url(url) is None


@pytest.mark.parametrize("url", SAFE_URLS)
def test_safe_urls_pass_unchanged(url):
    assert safe_url(url) == url


def test_none_is_not_a_url():
    assert safe_url(None) is None


@pytest.mark.parametrize("source", [
    "[click](javascript:alert(1))", "[click](JAVASCRIPT:alert(1))", "[click](&#106;avascript:alert(1))",
    "[click](vbscript:x)", "![img](data:image/svg+xml,x)", "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)", "[click](<java\tscript:alert(1)>)",
])
def test_markdown_links_never_carry_unsafe_urls(source):
    urls = Urls(render_markdown(source)).urls
    assert all(safe_url(u) is not None for u in urls), urls


def test_markdown_keeps_safe_links_and_images():
    out = render_markdown("[a](https://example.org) ![i](data:image/png;base64,AA) [r](../x/)")
    assert '<a href="https://example.org">a</a>' in out
    assert '<img src="data:image/png;base64,AA" alt="i" />' in out
    assert '<a href="../x/">r</a>' in out


def test_raw_html_is_escaped_when_html_is_off():
    out = render_markdown("<script>alert(1)</script>\n\nHi <b onclick=x>there</b>")
    assert "<script" not in out and "<b" not in out
    assert "&lt;script&gt;" in out and "&lt;b onclick=x&gt;" in out


@pytest.mark.parametrize("fragment, expected", [
    ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
    ("<SCRIPT>alert(1)</SCRIPT>ok", "ok"),
    ("<style>p{}</style><p>ok</p>", "<p>ok</p>"),
    ('<iframe src="https://e.org"></iframe>ok', "ok"),
    ("<noscript><p>x</p></noscript>ok", "ok"),
    ('<form action="https://e.org"><input name="a"></form>ok', "ok"),
    ('<img src="x.png" onerror="alert(1)" alt="a">', '<img src="x.png" alt="a">'),
    ('<a href="javascript:alert(1)" title="t">x</a>', '<a title="t">x</a>'),
    ('<a href=" &#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="https://e.org" style="color:red" onmouseover="x()">x</a>', '<a href="https://e.org">x</a>'),
    ('<button formaction="javascript:x">b</button>', "<button>b</button>"),
    ('<svg><a xlink:href="javascript:x"><text>t</text></a></svg>ok', "ok"),
    ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>ok', "ok"),
    ("<math><mi>x</mi></math>ok", "ok"),
    ('<object data="x.swf"></object><embed src="x.swf">ok', "ok"),
    ("<p>a</p><!-- comment --><![CDATA[x]]>", "<p>a</p>"),
    ("<p title='a\"b'>1 &lt; 2 &amp; 3</p>", '<p title="a&quot;b">1 &lt; 2 &amp; 3</p>'),
    ("<details open ontoggle=alert(1)><summary>s</summary></details>",
     "<details open><summary>s</summary></details>"),
])
def test_sanitizer(fragment, expected):
    assert sanitize_html(fragment) == expected


@pytest.mark.parametrize("fragment", [
    '<meta charset="utf-8"><p>kept</p>', '<link rel="stylesheet" href="x.css"><p>kept</p>',
    '<base href="https://evil.example/"><p>kept</p>', '<embed src="x"><p>kept</p>',
    "<svg/><p>kept</p>", "<meta/><p>kept</p>",
])
def test_dropped_void_elements_do_not_swallow_what_follows(fragment):
    assert sanitize_html(fragment) == "<p>kept</p>"


@pytest.mark.parametrize("fragment", [
    '<img src=x a"b=c onerror=alert(1)>', "<img src=x x'onerror=alert(1)>",
    '<a<b href="x">t</a<b>', "<img src=x =onerror=alert(1)>",
])
def test_odd_tag_and_attribute_names_are_dropped(fragment):
    out = sanitize_html(fragment)
    assert "onerror" not in out and '"' not in out.replace('="x"', "") and "<a<" not in out


def test_sanitised_html_blocks_render_with_allow_html():
    out = render_markdown('<div onclick="x()">\n\n*hi*\n\n</div>\n\n<script>bad()</script>\n', True)
    assert out == "<div>\n<p><em>hi</em></p>\n</div>\n\n"


def test_inline_html_is_sanitised_with_allow_html():
    out = render_markdown('Say <span onclick="x()" class="c">hi</span> <img src="javascript:x">', True)
    assert out == '<p>Say <span class="c">hi</span> <img></p>\n'
