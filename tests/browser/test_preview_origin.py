"""In Chromium: a page from another origin can neither read the preview's drafts through a rebound
name nor open its live-reload websocket; the preview's own pages still reload live."""

from __future__ import annotations

import shutil

import pytest
from pw import CHROMIUM, LAUNCH_ARGS, playwright_module, require, serve
from serve_helpers import DEMO, start

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rebinding_browser():
    """Chromium where rebind.test resolves to 127.0.0.1, as a DNS-rebinding attacker's name would."""
    api = playwright_module()
    require(api is not None, "the playwright Python package is not installed")
    require(CHROMIUM.exists() or shutil.which("chromium") is not None, "Chromium is not installed")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
                              args=[*LAUNCH_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A running preview of the demo."""
    served = start(tmp_path_factory.mktemp("origin"))
    yield served
    assert served.stop() == 0, served.output


def test_a_rebound_name_gets_403_not_the_draft(rebinding_browser, preview):
    page = rebinding_browser.new_page()
    answer = page.goto(f"http://rebind.test:{preview.port}/briefings/{DEMO}/")
    assert answer.status == 403
    assert "cod quota" not in page.content()
    page.close()


WEBSOCKET = """url => new Promise(done => {
  const ws = new WebSocket(url);
  ws.onopen = () => { ws.close(); done("open"); };
  ws.onerror = () => done("refused");
  setTimeout(() => done("timeout"), 5000);
})"""


def test_another_origin_cannot_open_the_live_reload_socket(rebinding_browser, preview, tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>elsewhere</title><p>another site</p>")
    with serve(tmp_path) as elsewhere:
        page = rebinding_browser.new_page()
        page.goto(elsewhere)
        assert page.evaluate(WEBSOCKET, f"ws://127.0.0.1:{preview.port}/livereload") == "refused"
        page.close()
    own = rebinding_browser.new_page()
    own.goto(preview.url(f"briefings/{DEMO}/"))
    assert own.evaluate(WEBSOCKET, f"ws://127.0.0.1:{preview.port}/livereload") == "open"
    own.wait_for_function("() => window.LiveReload !== undefined")  # its own client loaded too
    own.close()
