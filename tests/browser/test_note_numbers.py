"""Every highlight shows its note's number in the text, also where several annotations start on the
same character (the numbers then stand side by side, in the notes' order)."""

from __future__ import annotations

import pytest

from pw import _conftest, browser, serve  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

SITE = {
    "content/site.yml": "title: Numbers\n",
    "content/briefings/together.md": "The talks would resume on Monday, the minister said.\n",
    "content/briefings/together.yml": (
        "title: Together\ndate: 2024-01-02\nannotations:\n"
        "  - {id: whole, quote: talks would resume, note: The whole phrase.}\n"
        "  - {id: first, quote: talks, note: One word.}\n"
        "  - {id: middle, quote: talks would, note: Two words.}\n"
        "  - {id: later, quote: the minister, note: Who said it.}\n"),
}

NUMBERS = """() => {
  const numbered = [...document.querySelectorAll("#body mark[id], #body .hl-anchor")];
  const notes = [...document.querySelectorAll("#body .note")].map(n =>
      [Number(n.querySelector(".note-num").textContent), n.id.slice(5)]).sort((a, b) => a[0] - b[0]);
  return {
    order: numbered.map(el => el.id),
    shown: numbered.map(el => getComputedStyle(el, "::before").content !== "none"
                               && getComputedStyle(el, "::before").display !== "none"),
    notes: notes.map(n => n[1]),
  };
}"""


def test_each_highlight_shows_its_number_in_note_order(browser, tmp_path):
    _conftest.write_files(tmp_path, SITE)
    run = _conftest.run_cli("build", "--no-search", cwd=tmp_path)
    assert run.code == 0, run.err
    with serve(tmp_path / "site") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(url + "briefings/together/", wait_until="load")
            found = page.evaluate(NUMBERS)
        finally:
            page.close()
    assert found["notes"] == ["first", "middle", "whole", "later"]
    assert found["order"] == found["notes"]  # the CSS counter counts them in this order
    assert all(found["shown"]), found
