"""No request leaves the site (issue 8): every resource a built page loads is the site's own.

Resources (stylesheets, icons, scripts, images, frames, media, objects, form targets) must be
relative URLs or data: images. `<a>` links to sources outside the site are navigation, not requests,
so http(s) and mailto are allowed there. Canonical and alternate links and og:url are absolute by
design and must start with the site's base_url; so may everything on 404.html, which is served at
any depth and uses absolute links built from base_url.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from conftest import ROOT

URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "poster", "data", "background", "cite",
             "longdesc", "manifest", "icon", "ping", "xlink:href", "imagesrcset"}
NAVIGATION = {"a", "area"}
LOCAL_LINKS = {"canonical", "alternate"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
DATA_IMAGE = re.compile(r"data:image/(png|gif|jpeg|webp|svg\+xml)[;,]")


class Refs(HTMLParser):
    """Collect (tag, attribute, url, rel) for every URL-bearing attribute and inline style."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower()
        for name, value in a.items():
            if name in URL_ATTRS:
                urls = [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in name else [value]
                self.refs += [(tag, name, u.strip(), rel) for u in urls]
            if name == "style":
                self.refs += [(tag, "style", m[0] or m[1], rel) for m in CSS_URL.findall(value)]
        if tag == "meta" and (a.get("property") or a.get("name") or "").lower() in ("og:url", "og:image",
                                                                                   "twitter:image"):
            self.refs.append((tag, a.get("property") or a.get("name"), a.get("content", ""), "meta-url"))
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.refs.append((tag, "http-equiv", a.get("content", "").partition("url=")[2], ""))


def base_url() -> str:
    return yaml.safe_load((ROOT / "content/site.yml").read_text(encoding="utf-8"))["base_url"]


def is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("/", "\\"))


def problem(page: str, tag: str, attr: str, url: str, rel: str, base: str) -> str | None:
    """Return why a reference leaves the site, or None when it is fine."""
    if is_relative(url) or (DATA_IMAGE.match(url) and tag in ("img", "source")):
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("javascript", "vbscript", "file"):
        return f"{page}: <{tag} {attr}> uses a {scheme}: URL: {url}"
    own = url.startswith(base)
    if tag in NAVIGATION and attr == "href" and scheme in ("http", "https", "mailto"):
        return None
    if own and (page == "404.html" or rel in LOCAL_LINKS or rel == "meta-url"):
        return None
    return f"{page}: <{tag} {attr}{' rel=' + rel if rel else ''}> loads {url} from outside the site"


def test_no_page_references_a_resource_outside_the_site(demo_site: Path):
    base = base_url()
    problems, seen = [], 0
    for path in sorted(demo_site.rglob("*.html")):
        parser = Refs()
        parser.feed(path.read_text(encoding="utf-8"))
        page = path.relative_to(demo_site).as_posix()
        seen += len(parser.refs)
        problems += filter(None, (problem(page, *ref, base) for ref in parser.refs))
    assert seen > 500
    assert not problems, "\n".join(problems)


def test_stylesheets_and_scripts_load_nothing_from_outside(demo_site: Path):
    problems = []
    for css in sorted(demo_site.rglob("*.css")):
        for m in CSS_URL.findall(css.read_text(encoding="utf-8")):
            url = m[0] or m[1]
            if not is_relative(url) and not url.startswith("data:"):
                problems.append(f"{css.relative_to(demo_site)}: {url}")
    for js in sorted((demo_site / "static").glob("*.js")):
        problems += [f"{js.name}: {u}" for u in re.findall(r"(?:https?:)?//[\w.-]+\.\w+/", js.read_text())]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_what_it_should():
    base = "https://example.org/site/"
    bad = [("link", "href", "https://fonts.googleapis.com/css", "stylesheet"),
           ("script", "src", "//cdn.example.com/x.js", ""), ("img", "src", "/static/x.png", ""),
           ("link", "href", "https://example.org/site/static/style.css", "stylesheet"),
           ("a", "href", "javascript:alert(1)", ""), ("iframe", "src", "https://youtube.com/embed/x", ""),
           ("link", "href", "https://elsewhere.org/", "canonical")]
    good = [("a", "href", "https://example.org/source", ""), ("link", "href", "../../static/style.css", "stylesheet"),
            ("link", "href", base + "x/", "canonical"), ("meta", "og:url", base, "meta-url"),
            ("img", "src", "data:image/png;base64,AAAA", ""), ("a", "href", "#note-1", "")]
    assert all(problem("x.html", *ref, base) for ref in bad)
    assert not any(problem("x.html", *ref, base) for ref in good)
    assert problem("404.html", "link", "href", base + "static/style.css", "stylesheet", base) is None
