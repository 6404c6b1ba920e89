"""The theme's icon (issue 13): every page links static/favicon.svg, so a first visit asks for no
missing /favicon.ico; a user's templates/static/favicon.svg replaces it."""

from __future__ import annotations

import pytest

from pw import ROOT, _conftest, browser, serve  # noqa: F401 - fixtures

DEFAULT = ROOT / "templates" / "static" / "favicon.svg"
PAGES = ["", "briefings/quota-statement-2026/", "no/such/deep/page/"]  # home, a briefing, the 404 page
ICON = "static/favicon.svg"


@pytest.fixture(scope="module")
def pages_url(tmp_path_factory):
    """Build the demo for a sub-path served as GitHub Pages serves it (404.html at any depth)."""
    site = tmp_path_factory.mktemp("favicon") / "site"
    site.mkdir()
    with serve(site, _conftest.PagesHandler, "/repo/") as base:
        # The 404 page links absolutely from base_url, so base_url must be this very server.
        run = _conftest.run_cli("build", "--content", str(ROOT / "content"), "--out", str(site),
                                "--base-url", base, "--no-search", cwd=site.parent)
        assert run.code == 0, run.err
        yield base


def visit(browser, url: str) -> tuple[list[tuple[int, str]], str, tuple[int, str, str]]:
    """Open a page in a fresh context; return its responses (status, URL), icon link and icon answer."""
    context = browser.new_context()
    responses: list[tuple[int, str]] = []
    context.on("response", lambda r: responses.append((r.status, r.url)))
    try:
        page = context.new_page()
        # Chromium asks for the icon after the page itself: wait for that request, not just for "load".
        with page.expect_response(lambda r: r.url.endswith("/" + ICON), timeout=15_000) as icon:
            page.goto(url, wait_until="load")
        link = page.evaluate("document.querySelector('link[rel=icon]')?.href ?? ''")
        answer = icon.value
        return responses, link, (answer.status, answer.url, answer.headers.get("content-type", ""))
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_first_visit_requests_nothing_missing_and_gets_the_icon(browser, pages_url, path):
    url = pages_url + path
    responses, link, icon = visit(browser, url)
    missing = [(status, u) for status, u in responses if status >= 400 and u != url]
    assert missing == [], missing
    expected_status = 404 if path.startswith("no/") else 200
    assert (expected_status, url) in responses  # the page itself (the 404 page says so)
    assert link == pages_url + ICON  # relative on pages, absolute on 404.html: the same file
    assert icon[:2] == (200, link) and icon[2].startswith("image/svg+xml"), icon


def test_the_theme_icon_is_a_small_svg():
    data = DEFAULT.read_bytes()
    assert data.startswith(b"<svg ") and b'viewBox="0 0 32 32"' in data and data.rstrip().endswith(b"</svg>")
    assert len(data) < 1024  # every first visit loads it


def test_a_users_favicon_wins_over_the_theme(tmp_path):
    mine = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="8"/></svg>\n'
    _conftest.write_files(tmp_path, {**_conftest.MINIMAL, "templates/static/favicon.svg": mine})
    run = _conftest.run_cli("build", "--no-search", cwd=tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "site" / ICON).read_bytes() == mine != DEFAULT.read_bytes()
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in home


def test_without_a_users_favicon_the_theme_icon_is_copied(tmp_path):
    _conftest.write_files(tmp_path, _conftest.MINIMAL)
    run = _conftest.run_cli("build", "--no-search", cwd=tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "site" / ICON).read_bytes() == DEFAULT.read_bytes()
    briefing = (tmp_path / "site/briefings/first/index.html").read_text(encoding="utf-8")
    assert f'<link rel="icon" href="../../{ICON}" type="image/svg+xml">' in briefing
