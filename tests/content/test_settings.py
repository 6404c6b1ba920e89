"""Settings that reach file names, URLs and plain-text files are checked; a failed index fails the build."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from briefings.outputs import publish
from briefings.outputs.indexer import index_part
from briefings.outputs.search import SearchRecord
from briefings.errors import ContentError
from briefings.content.settings import base_url_problem, host_problem, language_problem
from conftest import ROOT, require, run_cli


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file under root with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def site_yml(extra: str) -> str:
    """Return a site.yml with one more line."""
    return f"title: Test site\nbase_url: https://example.org/repo/\n{extra}\n"


@pytest.mark.parametrize("line, expected", [
    ('language: "a/../../../../PWN"', "content/site.yml:3:11: error: 'language' must be a BCP 47 language "
                                      "tag such as en, en-GB, zh-Hant or es-419, found 'a/../../../../PWN'"),
    ("language: de-DE-u-co-phonebk-ka-shifted-x-custom",
     "content/site.yml:3:11: error: 'language' is a tag of 38 characters; the search indexer takes at most "
     "31: shorten it (for example to 'de')"),
    ('cname: "briefings.example.org\\nevil: yes"',
     "content/site.yml:3:8: error: 'cname' must be a host name such as briefings.example.org (letters, "
     "digits, hyphens and dots; no scheme or path), found 'briefings.example.org\\nevil: yes'"),
    ("cname: https://briefings.example.org/",
     "content/site.yml:3:8: error: 'cname' must be a host name such as briefings.example.org (letters, "
     "digits, hyphens and dots; no scheme or path), found 'https://briefings.example.org/'"),
])
def test_hostile_settings_are_errors_and_nothing_is_written(project, line: str, expected: str):
    root = project({"content/site.yml": site_yml(line)})
    run = run_cli("build", cwd=root)
    assert run.code == 1
    assert run.err.splitlines() == [expected, "1 error; nothing was written"]
    assert not (root / "site").exists()
    assert not [p for p in root.parent.rglob("*") if "pwn" in p.name.lower()]


@pytest.mark.parametrize("value, shown", [
    ('"javascript:alert(document.domain)//"', "found 'javascript:alert(document.domain)//'"),
    ('"https://example.org/\\nSitemap: https://evil.example/"',
     "without spaces, quotes or control characters, found 'https://example.org/\\nSitemap: https://evil.example/'"),
    ("//example.org/", "found '//example.org/'"),
    ("https://example.org/repo/#top", None),
])
def test_base_url_must_be_an_absolute_web_address(project, value: str, shown: str | None):
    root = project({"content/site.yml": f"title: Test site\nbase_url: {value}\n"})
    run = run_cli("build", cwd=root)
    assert run.code == 1
    first = run.err.splitlines()[0]
    assert first.startswith("content/site.yml:2:11: error: the base URL ")
    assert shown is None or first.endswith(shown)


def test_base_url_option_is_checked_too(project):
    root = project()
    run = run_cli("build", "--base-url", "javascript:alert(1)//", cwd=root)
    assert run.code == 2
    assert "argument --base-url: the base URL must be an absolute http:// or https:// URL" in run.err
    assert not (root / "site").exists()


@pytest.mark.parametrize("tag", ["en", "en-GB", "zh-Hant-TW", "es-419", "sr-Latn-RS", "de-CH-1901",
                                 "en-US-x-private", "de-DE-u-co-phonebk"])
def test_ordinary_language_tags_pass(tag: str):
    assert language_problem(tag) is None


@pytest.mark.parametrize("tag", ["en_US", "english!", "a/b", "en-", "", "x-klingon", "en-GB\n"])
def test_malformed_language_tags_fail(tag: str):
    assert language_problem(tag)


@pytest.mark.parametrize("url", ["https://user.github.io/repo/", "http://localhost:8000/", "https://a.b"])
def test_ordinary_base_urls_pass(url: str):
    assert base_url_problem(url) is None


@pytest.mark.parametrize("url", ["javascript:x//", "data:text/html,x", "ftp://a.b/", "https://", "/repo/",
                                 "https://a.b/ x", "https://a.b/\t", "https://a.b:99999/", "https://a.b/?q=1",
                                 'https://a.b/"onload=x', "https://a.b/\u00e9"])
def test_bad_base_urls_fail(url: str):
    assert base_url_problem(url)


@pytest.mark.parametrize("host, ok", [("briefings.example.org", True), ("a-b.example.org.", True),
                                      ("localhost", False), ("-a.example.org", False), ("a..org", False),
                                      ("a.org/x", False), ("a" * 64 + ".org", False)])
def test_cname_host_names(host: str, ok: bool):
    assert (host_problem(host) is None) is ok


def test_the_longest_language_tag_allowed_builds_a_search_index(project):
    require(publish.search_available(), "pagefind is not installed")
    tag = "sl-Latn-IT-rozaj-biske-1994-x-a"
    assert len(tag) == 31 and language_problem(tag) is None
    root = project({"content/site.yml": site_yml(f"language: {tag}")})
    run = run_cli("build", cwd=root)
    assert run.code == 0, run.err
    assert "search index built" in run.out
    assert (root / "site/pagefind/2024/pagefind.js").is_file()


PANIC = ("[Building search indexes]\n\nthread 'main' (1) panicked at pagefind/src/index/mod.rs:530:32:\n"
         "byte index 54 is out of bounds\nnote: run with `RUST_BACKTRACE=1`\n")


def fake_indexer(folder: Path, stderr: str, status: int) -> Path:
    """Write an executable standing in for the pagefind binary: it says stderr and exits with status."""
    exe = folder / "fake-pagefind"
    exe.write_text(f"#!/bin/sh\nprintf '%s' {shlex.quote(stderr)} >&2\nexit {status}\n")
    exe.chmod(0o755)
    return exe


def test_a_failing_search_indexer_fails_the_build_and_keeps_the_old_site(project, monkeypatch, tmp_path):
    require(publish.search_available(), "pagefind is not installed")
    root = project()
    assert run_cli("build", cwd=root).code == 0
    before = snapshot(root / "site")
    (root / "content/briefings/first.md").write_text("Ana Berg said the talks would resume on Tuesday.\n")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_indexer(tmp_path, PANIC, 101)))
    run = run_cli("build", cwd=root)
    assert run.code == 1, run.out
    lines = run.err.splitlines()
    assert lines[0] == ("pagefind:1:1: error: the search index could not be built: pagefind crashed: byte index 54 "
                        "is out of bounds (--no-search builds the site without it)")
    assert lines[1:] == ["1 error; nothing was written"]
    assert snapshot(root / "site") == before
    assert run_cli("build", "--no-search", cwd=root).code == 0


def test_indexer_messages_are_reduced_to_the_line_that_says_why(monkeypatch, tmp_path: Path):
    require(publish.search_available(), "pagefind is not installed")
    record = SearchRecord("/briefings/x/", "X", "text")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_indexer(tmp_path, "Error: no such folder\n", 1)))
    with pytest.raises(ContentError, match="could not be built: Error: no such folder "):
        index_part([record], "en")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    with pytest.raises(ContentError, match="could not be built: pagefind could not be started: "):
        index_part([record], "en")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)", " JaVaScRiPt:alert(1)"])
def test_structured_data_drops_unsafe_urls(project, url: str):
    root = project({
        "content/documents/treaty.yml": f"title: The Treaty\nurl: {json.dumps(url)}\nprovisions:\n"
                                        f"  - id: art-1\n    label: Article 1\n",
        "content/briefings/first.yml": f"title: First\ndate: 2024-01-02\nsource: {{name: Ministry, url: "
                                       f"{json.dumps(url)}}}\nannotations:\n  - quote: talks would resume\n"
                                       f"    kind: provision\n    provision: treaty/art-1\n",
    })
    run = run_cli("build", "--no-search", cwd=root)
    assert run.code == 0, run.err
    for page in ("briefings/first/index.html", "documents/treaty/index.html"):
        html = (root / "site" / page).read_text()
        data = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
        assert data and "isBasedOn" not in json.dumps(data) and "sameAs" not in json.dumps(data)
        assert "script:" not in html.lower().replace("application/ld+json", "")
