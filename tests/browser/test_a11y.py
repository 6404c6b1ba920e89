"""Accessibility in a real browser (issue 8): axe-core finds no violations on the main page types in
light and dark mode, and the keyboard reaches each highlight and then its note, in reading order."""

from __future__ import annotations

import pytest

from pw import browser, inject_axe, open_page, site_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PAGES = {"home": "", "briefing": "briefings/quota-statement-2026/", "speaker": "speakers/ilse-marten/",
         "document": "documents/coastal-waters-act/", "search": "search/"}

# Every focusable stop in the article body, in DOM order: a highlight (its first piece) or a note.
READING_ORDER = """() => [...document.querySelectorAll('#body mark[tabindex], #body .note')]
  .map(el => el.matches('mark') ? 'mark:' + el.id : 'note:' + el.id.slice(5))"""

# Where focus is now: the highlight or the note it is in, or null elsewhere (null also past the body).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('#body')) return el && el.closest('.pager, .related, .colophon') ? 'after' : null;
  if (el.matches('mark[tabindex]')) return 'mark:' + el.id;
  const note = el.closest('.note');
  return note ? 'note:' + note.id.slice(5) : null;
}"""


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at "
                     + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(open_page, name, scheme):
    page = open_page(PAGES[name], scheme=scheme)
    if name == "search" and page.locator(".pagefind-ui__search-input").count():
        page.fill(".pagefind-ui__search-input", "quota")  # check the results too
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
    inject_axe(page)
    result = page.evaluate("axe.run(document)")
    assert result["passes"], "axe ran no checks"
    assert not result["violations"], f"{name} ({scheme}):\n{describe(result['violations'])}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_a_phone_with_a_note_open(open_page, scheme):
    page = open_page(PAGES["briefing"], width=360, scheme=scheme)
    page.locator(".note-head").nth(3).click()
    inject_axe(page)
    result = page.evaluate("axe.run(document)")
    assert not result["violations"], describe(result["violations"])


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("js", [True, False])
def test_tab_reaches_each_highlight_and_its_note_in_reading_order(open_page, width, js):
    page = open_page(PAGES["briefing"], width=width, js=js)
    expected = page.evaluate(READING_ORDER)
    assert len([e for e in expected if e.startswith("note:")]) == 8
    seen: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUSED)
        if where == "after":
            break
        if where and (not seen or seen[-1] != where):
            seen.append(where)
    reached = [w for w in seen if w in expected]
    # Annotations that start where another does share that highlight's first piece.
    assert reached == [e for e in expected if e in reached], "focus left reading order"
    notes = [e for e in expected if e.startswith("note:")]
    assert [w for w in reached if w.startswith("note:")] == notes, "Tab missed a note"
    for note in notes:
        aid = note[5:]
        first = page.evaluate("""id => { let el = document.getElementById(id);
            while (el.matches('.hl-anchor')) el = el.nextElementSibling; return 'mark:' + el.id; }""", aid)
        assert first in reached and reached.index(first) < reached.index(note), \
            f"the highlight of {aid} is not reached before its note"


def test_highlights_are_described_by_their_notes(open_page):
    page = open_page(PAGES["briefing"])
    for mark in page.locator("#body mark[tabindex]").all():
        for ref in mark.get_attribute("aria-describedby").split():
            assert page.locator(f"#{ref}[role=note]").count() == 1
