"""body_text reads pages as a browser's document.body.textContent does."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from briefings.text.textcontent import body_text, plain_text


class Reference(HTMLParser):
    """A slow, obviously right textContent of <body> with the span of each annotation's marks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.inside, self.stack, self.spans = "", False, [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.inside = True
        if tag == "mark":
            ids = (dict(attrs).get("data-annotations") or "").split()
            self.stack.append(ids)
            for aid in ids:
                self.spans.setdefault(aid, [len(self.text), len(self.text)])

    def handle_endtag(self, tag):
        if tag == "body":
            self.inside = False
        if tag == "mark":
            for aid in self.stack.pop():
                self.spans[aid][1] = len(self.text)

    def handle_data(self, data):
        if self.inside:
            self.text += data


def test_body_text_matches_a_full_html_parser_on_every_demo_page(demo_site: Path):
    for path in demo_site.rglob("*.html"):
        html = path.read_text()
        ref = Reference()
        ref.feed(html)
        text, spans = body_text(html)
        assert text == ref.text, path
        assert spans == {k: tuple(v) for k, v in ref.spans.items()}, path


def test_body_text_decodes_entities_and_keeps_script_text():
    html = ('<html><head><title>x</title></head><body><p>a &amp; b&#x27;s</p>'
            '<script>if (a < b) {}</script><mark data-annotations="q r">hi</mark></body></html>')
    text, spans = body_text(html)
    assert text == "a & b's" + "if (a < b) {}" + "hi"
    assert spans == {"q": (len(text) - 2, len(text)), "r": (len(text) - 2, len(text))}


def test_plain_text_drops_tags_and_scripts():
    assert plain_text("<p>One <em>two</em></p>\n<script>x()</script><p>three</p>") == "One two three"
