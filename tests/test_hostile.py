"""Hostile input builds, with everything dangerous escaped or dropped - in every text field."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefings.text.safety import safe_url
from conftest import SITES, run_cli

URL_ATTRS = {"href", "src", "action", "formaction", "poster", "srcset", "data", "xlink:href", "background"}
OWN_SCRIPTS = {"static/briefing.js", "static/search.js", "pagefind/pagefind-ui.js"}


class Audit(HTMLParser):
    """Record every dangerous construct of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script: str | None = None
        self.ld: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("iframe", "object", "embed", "svg", "frame", "base", "form"):
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self.in_script = a.get("type") or a.get("src")
            src = a.get("src") or ""
            if a.get("type") != "application/ld+json" and not src.endswith(tuple(OWN_SCRIPTS)):
                self.problems.append(f"script {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in URL_ATTRS and value is not None and safe_url(value) is None:
                self.problems.append(f"{tag} {name}={value!r}")
            if name == "style":
                self.problems.append(f"{tag} style=")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = None

    def handle_data(self, data):
        if self.in_script == "application/ld+json":
            self.ld.append(data)
        elif self.in_script:
            self.problems.append(f"inline script {data[:40]!r}")


def build(tmp_path: Path, allow_html: bool) -> Path:
    shutil.copytree(SITES / "hostile/content", tmp_path / "content")
    if allow_html:
        site = tmp_path / "content/site.yml"
        site.write_text(site.read_text() + "allow_html: true\n")
    run = run_cli("build", cwd=tmp_path)
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    return tmp_path / "site"


@pytest.mark.parametrize("allow_html", [False, True], ids=["escaped", "allow_html"])
def test_hostile_input_is_neutralised(tmp_path: Path, allow_html: bool):
    site = build(tmp_path, allow_html)
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 10
    for page in pages:
        audit = Audit()
        audit.feed(page.read_text())
        assert audit.problems == [], page
        for block in audit.ld:
            json.loads(block)  # </script> inside values cannot end the block
            assert "<" not in block


def test_text_fields_render_literally(tmp_path: Path):
    site = build(tmp_path, allow_html=False)
    page = (site / "briefings/attack/index.html").read_text()
    # Jinja syntax in content is text, never evaluated.
    assert "{{ site.title }}" in page and "{% if true %}jinja{% endif %}" in page
    assert "Attack &lt;/script&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; {{ 1+1 }}" in page
    assert "<p>&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;</p>" in page
    speaker = (site / "speakers/mallory/index.html").read_text()
    assert "{{ 7*7 }}" in speaker and "49" not in speaker
    # An unsafe source URL is dropped, the name is kept as text.
    assert "alert(&#39;source&#39;)" not in page.split('class="source"')[1].split("</p>")[0]


def test_allow_html_keeps_harmless_markup(tmp_path: Path):
    site = build(tmp_path, allow_html=True)
    page = (site / "briefings/attack/index.html").read_text()
    assert "<p><a>raw</a></p>" in page  # the javascript: href and the onclick handler are removed
    assert "<svg" not in page and "<iframe" not in page
