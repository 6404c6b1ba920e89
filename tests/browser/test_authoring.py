"""Authoring in the preview, in Chromium (issue 16, item 1): a real `briefings serve` on a copy of
the crosslinks site; the page is driven with the mouse or the keyboard, and the tests read the
sidecar on disk: a saved passage is one added entry and shows as a highlight after the live
reload, a passage found twice is saved as the occurrence selected, a note is edited and an
annotation deleted from its note, a sidecar changed on disk meanwhile (or a refused change, or a
request without the secret) is refused with the server's message in the page and the file kept;
axe finds nothing with the form open; everything works from the keyboard alone."""

from __future__ import annotations

import difflib
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from pw import AXE, CHROMIUM, LAUNCH_ARGS, ROOT, playwright_module, require

if __name__ == "__main__":  # run as a script (to make the screenshot), tests/ is not on the path yet
    sys.path.insert(0, str(ROOT / "tests"))
from serve_helpers import Served, save

pytestmark = pytest.mark.browser

SITE = ROOT / "tests" / "sites" / "crosslinks" / "content"
# Added to the copy of alpha.md: "the fleet left" twice, a passage across emphasis and a link.
MORE = ("\n\nAt dawn the fleet left the harbour. By noon the fleet left the bay, and the *crews* were "
        "[told](https://example.org/port) to wait.\n")
COMMENT = "# The editors' own comment: a write must keep it.\n"
TIMEOUT = 30_000  # ms for a write, the rebuild and the live reload together

# The article text as a reader's script sees it - #body's text nodes outside the notes and the
# authoring UI - and where each of the page's highlight ids lies in it.
TEXT = """() => {
  const body = document.getElementById("body"), nodes = [];
  const walk = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode())
    if (!n.parentElement.closest("aside.note, .briefings-ui, [role=status]")) nodes.push(n);
  return nodes;
}"""
# Select from the nth occurrence of first to the end of the next last (across blocks and notes).
SELECT = f"""([first, last, nth]) => {{
  const nodes = ({TEXT})(), text = nodes.map(n => n.data).join("");
  let start = -1;
  for (let i = 0; i <= nth; i++) {{ start = text.indexOf(first, start + 1); if (start < 0) throw new Error("no " + first); }}
  const end = text.indexOf(last, start) + last.length;
  const point = (off, closing) => {{
    for (const n of nodes) {{ if (off < n.length || (closing && off === n.length)) return [n, off]; off -= n.length; }}
  }};
  const [a, ao] = point(start, false), [b, bo] = point(end, true);
  getSelection().setBaseAndExtent(a, ao, b, bo);
  return [start, end];
}}"""
OCCURRENCE = f"""([quote, nth]) => {{
  const text = ({TEXT})().map(n => n.data).join("");
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(quote, at + 1);
  return at;
}}"""
SPAN = f"""id => {{
  let at = 0, start = null, end = null;
  for (const n of ({TEXT})()) {{
    const mark = n.parentElement.closest("mark[data-annotations]");
    if (mark && mark.getAttribute("data-annotations").split(" ").includes(id)) {{
      if (start === null) start = at;
      end = at + n.length;
    }}
    at += n.length;
  }}
  return [start, end];
}}"""
EDGES = """quote => {
  const r = getSelection().getRangeAt(0), rects = [...r.getClientRects()].filter(x => x.width > 0);
  const a = rects[0], b = rects[rects.length - 1];
  return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
}"""
NOTES = "() => [...document.querySelectorAll('#body aside.note')].map(n => n.id.slice(5))"
SCRIPT_ERRORS: list[str] = []
"""Uncaught errors in the pages a test opened (each test must leave none)."""


@pytest.fixture(autouse=True)
def no_script_errors():
    """Fail a test whose pages threw an uncaught error."""
    SCRIPT_ERRORS.clear()
    yield
    assert not SCRIPT_ERRORS, SCRIPT_ERRORS


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium with caret browsing, so the keyboard can select text (F7 in a desktop browser)."""
    api = playwright_module()
    require(api is not None and CHROMIUM.exists(), "the playwright package or /usr/bin/chromium is missing")
    with api.sync_playwright() as p:
        yield p.chromium.launch(executable_path=str(CHROMIUM), args=[*LAUNCH_ARGS, "--enable-caret-browsing"])


def start_preview(base: Path) -> Served:
    """Copy the crosslinks site into base (with MORE and COMMENT in alpha) and serve it."""
    content = base / "content"
    shutil.copytree(SITE, content)
    md, yml = content / "briefings" / "alpha.md", content / "briefings" / "alpha.yml"
    md.write_text(md.read_text(encoding="utf-8") + MORE, encoding="utf-8")
    yml.write_text(COMMENT + yml.read_text(encoding="utf-8"), encoding="utf-8")
    served = Served(base, "--content", str(content), "--out", str(base / "site"))
    served.wait_for_output("live reload is on")
    return served


@pytest.fixture
def preview(tmp_path):
    """A preview of its own for a test that writes."""
    served = start_preview(tmp_path)
    yield served
    assert served.stop() == 0, served.output


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview for the tests that only look."""
    served = start_preview(tmp_path_factory.mktemp("authoring"))
    yield served
    assert served.stop() == 0, served.output


def sidecar(served: Served) -> Path:
    """Return the served copy of alpha.yml."""
    return Path(served.proc.args[served.proc.args.index("--content") + 1]) / "briefings" / "alpha.yml"


def open_alpha(chromium, served: Served, width: int = 1280, scheme: str = "light", reload: bool = True):
    """Open the alpha briefing; wait until the authoring script has its context (and live reload is on)."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.on("pageerror", lambda e: SCRIPT_ERRORS.append(str(e)))
    if not reload:
        page.route("**/livereload.js*", lambda route: route.abort())
    page.goto(served.url("briefings/alpha/"))
    page.locator(".briefings-note-tools").first.wait_for(state="attached")
    if reload:
        page.wait_for_function("() => window.LiveReload !== undefined")
    return page


def select(page, quote: str, nth: int = 0, until: str | None = None) -> list[int]:
    """Select the nth occurrence of quote (on to the end of until, if given); return its span."""
    return page.evaluate(SELECT, [quote, until or quote, nth])


def annotate(page, quote: str, nth: int = 0) -> None:
    """Select the nth occurrence of quote in the article and press Annotate."""
    select(page, quote, nth)
    page.locator(".briefings-annotate").click()
    page.get_by_role("dialog", name="Annotate").wait_for()


def added_entry(before: str, after: str) -> dict:
    """Assert that after is before plus one annotation entry, appended as a block; return the entry."""
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[0] in "+-"]
    assert diff and all(d.startswith("+ ") for d in diff), "\n".join(diff)
    lines = [d[2:] for d in diff]
    assert after.splitlines()[:len(before.splitlines())] == before.splitlines(), "the entry is not appended"
    assert lines[0].startswith("  - ") and all(line.startswith("    ") for line in lines[1:]), "\n".join(lines)
    old, new = yaml.safe_load(before)["annotations"], yaml.safe_load(after)["annotations"]
    assert new[:-1] == old and len(new) == len(old) + 1
    return new[-1]


def new_note(page, old: list[str]) -> str:
    """Wait for the page to show one more note; return the new annotation's id."""
    from playwright.sync_api import expect
    expect(page.locator("#body aside.note")).to_have_count(len(old) + 1, timeout=TIMEOUT)
    page.locator(".briefings-note-tools").first.wait_for(state="attached")
    (new,) = set(page.evaluate(NOTES)) - set(old)
    return new


def test_a_selected_passage_is_saved_as_one_entry_and_highlighted(chromium, preview):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    old = page.evaluate(NOTES)
    quote = "the crews were told to wait"  # across <em> and <a>
    select(page, quote)
    x1, y1, x2, y2 = page.evaluate(EDGES, quote)
    page.evaluate("getSelection().removeAllRanges()")
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=8)
    page.mouse.up()
    assert page.evaluate("getSelection().toString()") == quote
    page.locator(".briefings-annotate").click()
    dialog = page.get_by_role("dialog", name="Annotate")
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null"), "focus is not in the form"
    assert quote in dialog.locator("blockquote").inner_text()
    dialog.get_by_label("Kind").select_option(label="Note")
    dialog.get_by_label("Note (Markdown)").fill("Checked with the *port office*.")
    dialog.get_by_role("button", name="Save", exact=True).click()
    aid = new_note(page, old)
    entry = added_entry(before, yml.read_text(encoding="utf-8"))
    assert entry["quote"] == quote and entry["kind"] == "note"
    assert entry["note"] == "Checked with the *port office*."
    assert "".join(page.locator(f"mark[data-annotations~='{aid}']").all_inner_texts()) == quote
    assert page.locator(f"#note-{aid} .note-text em").inner_text() == "port office"
    site = Path(preview.proc.args[preview.proc.args.index("--out") + 1])
    assert "_briefings" not in (site / "briefings" / "alpha" / "index.html").read_text(encoding="utf-8")


def test_a_triple_clicked_paragraph_is_saved_whole(chromium, preview):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    old = page.evaluate(NOTES)
    page.locator("#body > p").nth(1).click(click_count=3)  # the selection ends between blocks
    page.locator(".briefings-annotate").click()
    page.get_by_role("dialog", name="Annotate").get_by_role("button", name="Save", exact=True).click()
    aid = new_note(page, old)
    paragraph = MORE.strip().replace("*", "").replace("[told](https://example.org/port)", "told")
    assert added_entry(before, yml.read_text(encoding="utf-8"))["quote"] == paragraph
    assert "".join(page.locator(f"mark[data-annotations~='{aid}']").all_text_contents()) == paragraph


@pytest.mark.parametrize("width", [360, 1280])
def test_a_passage_across_two_paragraphs_leaves_the_notes_between_out(chromium, preview, width):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview, width=width)
    old = page.evaluate(NOTES)
    if width < 1100:
        page.locator(".note-head").first.click()  # an open note between the paragraphs
    span = select(page, "not present.", until="At dawn")
    assert "Echoes Article 1." in page.evaluate("getSelection().toString()")  # the browser's own text has it
    page.locator(".briefings-annotate").click()
    page.get_by_role("dialog", name="Annotate").get_by_role("button", name="Save", exact=True).click()
    aid = new_note(page, old)
    assert added_entry(before, yml.read_text(encoding="utf-8"))["quote"] == "not present. At dawn"
    # The new note adds whitespace between the blocks: compare where it starts and what it marks.
    assert page.evaluate(SPAN, aid)[0] == span[0]
    assert page.locator(f"mark[data-annotations~='{aid}']").all_text_contents() == ["not present.", "At dawn"]


@pytest.mark.parametrize("nth", [0, 1])
def test_a_passage_found_twice_is_saved_as_the_one_selected(chromium, preview, nth):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    old = page.evaluate(NOTES)
    at = page.evaluate(OCCURRENCE, ["the fleet left", nth])
    annotate(page, "the fleet left", nth)
    dialog = page.get_by_role("dialog", name="Annotate")
    dialog.get_by_label("Kind").select_option(label="Statement")
    dialog.get_by_label("Speaker").select_option(label="Lena Ek")
    dialog.get_by_label("Id (optional)").fill(f"fleet-{nth}")
    dialog.get_by_role("button", name="Save", exact=True).click()
    assert new_note(page, old) == f"fleet-{nth}"
    entry = added_entry(before, yml.read_text(encoding="utf-8"))
    assert entry["quote"] == "the fleet left" and entry["speaker"] == "lena-ek" and entry["id"] == f"fleet-{nth}"
    assert set(entry) & {"prefix", "suffix", "occurrence"}, entry  # one of them tells the two apart
    assert page.evaluate(SPAN, f"fleet-{nth}") == [at, at + len("the fleet left")]


def test_a_note_is_edited_from_the_note(chromium, preview):
    from playwright.sync_api import expect
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    edit = page.get_by_role("button", name="Edit note 1")
    edit.click()
    dialog = page.get_by_role("dialog", name="Edit note 1")
    box = dialog.get_by_label("Note (Markdown)")
    assert box.input_value() == "Echoes Article 1."
    assert page.evaluate("document.activeElement.id") == "briefings-note"
    box.fill("Echoes Article 1, *word for word*.")
    dialog.get_by_role("button", name="Save note").click()
    expect(page.locator("#note-ek-open .note-text")).to_have_text("Echoes Article 1, word for word.", timeout=TIMEOUT)
    diff = [d for d in difflib.ndiff(before.splitlines(), yml.read_text(encoding="utf-8").splitlines()) if d[0] in "+-"]
    assert len(diff) == 2 and diff[0].startswith("- ") and "Echoes Article 1." in diff[0], diff
    assert yaml.safe_load(yml.read_text(encoding="utf-8"))["annotations"][0]["note"] == "Echoes Article 1, *word for word*."


def test_an_annotation_is_deleted_from_its_note(chromium, preview):
    from playwright.sync_api import expect
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    page.get_by_role("button", name="Delete annotation 2").click()
    dialog = page.get_by_role("dialog", name="Delete annotation 2")
    assert "stay open" in dialog.locator("blockquote").inner_text()
    dialog.get_by_role("button", name="Delete annotation", exact=True).click()
    expect(page.locator("#note-alpha-art1")).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator("#note-ek-open")).to_have_count(1)
    after = yml.read_text(encoding="utf-8")
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[0] in "+-"]
    assert diff and all(d.startswith("- ") for d in diff), diff
    assert [a["id"] for a in yaml.safe_load(after)["annotations"]] == ["ek-open"]
    assert after.startswith(COMMENT)


def refused(page, status: int) -> str:
    """Press Save, check the answer's status; return the message the form shows."""
    dialog = page.get_by_role("dialog", name="Annotate")
    with page.expect_response("**/_briefings/annotations") as answer:
        dialog.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == status
    message = dialog.locator("[role=status]")
    page.wait_for_function("el => el.textContent.startsWith('Not saved: ')", arg=message.element_handle())
    return message.inner_text()


def test_a_sidecar_changed_on_disk_meanwhile_is_refused_and_kept(chromium, preview):
    yml = sidecar(preview)
    page = open_alpha(chromium, preview, reload=False)  # the page stays as built from the old file
    annotate(page, "the bay")
    page.get_by_label("Note (Markdown)").fill("Written while the file changed.")
    changed = yml.read_text(encoding="utf-8").replace("Echoes Article 1.", "Echoes Article 1 closely.")
    save(yml, changed)
    preview.wait_for_output("alpha.yml changed")  # the preview has the new file; the page does not
    message = refused(page, 409)
    assert len(message) > len("Not saved: ") + 10
    assert yml.read_text(encoding="utf-8") == changed
    assert page.get_by_role("dialog", name="Annotate").is_visible(), "the form (and what was typed) is gone"
    assert page.get_by_label("Note (Markdown)").input_value() == "Written while the file changed."


def test_a_refused_change_shows_why_and_writes_nothing(chromium, preview):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview, reload=False)
    annotate(page, "the bay")
    page.get_by_label("Id (optional)").fill("ek-open")  # the id of another annotation
    message = refused(page, 422)
    assert "ek-open" in message
    assert yml.read_text(encoding="utf-8") == before


def test_a_request_without_the_secret_is_refused_in_the_page(chromium, preview):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview, reload=False)
    page.route("**/_briefings/annotations", lambda route: route.continue_(
        headers={**route.request.headers, "x-briefings-secret": "not-the-secret"}))
    annotate(page, "the bay")
    message = refused(page, 403)
    assert len(message) > len("Not saved: ")
    assert yml.read_text(encoding="utf-8") == before


def describe(violations: list[dict]) -> str:
    """Return axe's violations one per line."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
                     for v in violations)


@pytest.mark.parametrize("form", ["add", "edit", "delete"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_violations_with_the_form_open(chromium, shared_preview, form, scheme, width):
    require(AXE.exists(), f"axe-core is not installed ({AXE.relative_to(ROOT)} is missing)")
    page = open_alpha(chromium, shared_preview, width=width, scheme=scheme)
    if form == "add":
        annotate(page, "the fleet left", 1)
    else:
        if width < 1100:
            page.locator(".note-head").first.click()  # a phone opens the note first
        page.get_by_role("button", name="Edit note 1" if form == "edit" else "Delete annotation 1").click()
    assert page.locator("[role=dialog]").count() == 1
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document)")
    assert result["passes"], "axe ran no checks"
    assert not result["violations"], describe(result["violations"])
    page.context.close()


def test_escape_closes_the_form_and_gives_focus_and_selection_back(chromium, shared_preview):
    page = open_alpha(chromium, shared_preview)
    select(page, "the bay")
    page.locator(".briefings-annotate").focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Annotate").wait_for()
    page.keyboard.press("Escape")
    assert page.locator("[role=dialog]").count() == 0
    assert page.evaluate("document.activeElement.textContent") == "Annotate"
    assert page.evaluate("getSelection().toString()") == "the bay"
    page.get_by_role("button", name="Edit note 1").focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Edit note 1").wait_for()
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.textContent") == "Edit note 1"
    page.context.close()


def test_no_annotate_button_for_a_selection_in_a_note(chromium, shared_preview):
    page = open_alpha(chromium, shared_preview)
    page.evaluate("""() => { const t = document.querySelector('#note-ek-open .note-text p').firstChild;
                             getSelection().setBaseAndExtent(t, 0, t, 6); }""")
    page.wait_for_timeout(400)  # the button follows the selection after a short pause
    assert page.locator(".briefings-annotate").count() == 0
    select(page, "the bay")
    page.locator(".briefings-annotate").wait_for()
    page.evaluate("getSelection().removeAllRanges()")
    page.locator(".briefings-annotate").wait_for(state="detached")
    page.context.close()


def test_the_keyboard_alone_selects_annotates_and_saves(chromium, preview):
    yml = sidecar(preview)
    before = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    old = page.evaluate(NOTES)
    for _ in range(60):  # Tab to the first highlight ("the harbour will ...")
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "ek-open":
            break
    page.keyboard.press("ArrowRight")  # caret browsing: the caret enters the highlight...
    page.keyboard.press("ArrowLeft")   # ...and goes back to its start
    for _ in range(len("the harbour")):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == "the harbour"
    page.locator(".briefings-annotate").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Annotate"
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Annotate").wait_for()
    assert page.evaluate("document.activeElement.id") == "briefings-kind"
    page.keyboard.type("Statement")             # type-ahead in the Kind list
    page.keyboard.press("Tab")
    page.keyboard.type("Lena")                  # Speaker
    page.keyboard.press("Tab")                  # Provision: none
    page.keyboard.press("Tab")
    page.keyboard.type("Said from the keyboard.")
    page.keyboard.press("Tab")
    page.keyboard.type("kbd-harbour")
    page.keyboard.press("Enter")
    assert new_note(page, old) == "kbd-harbour"
    entry = added_entry(before, yml.read_text(encoding="utf-8"))
    assert entry["quote"] == "the harbour" and entry["kind"] == "statement" and entry["speaker"] == "lena-ek"
    assert entry["note"] == "Said from the keyboard."
    at = page.evaluate(OCCURRENCE, ["the harbour", 0])
    assert page.evaluate(SPAN, "kbd-harbour") == [at, at + len("the harbour")]


def test_use_this_passage_on_the_error_page_repairs_the_quote(chromium, preview):
    from playwright.sync_api import expect
    yml = sidecar(preview)
    good = yml.read_text(encoding="utf-8")
    page = open_alpha(chromium, preview)
    broken = good.replace("quote: the harbour will stay open all winter", "quote: the harbour will stay opn all winter")
    save(yml, broken)
    repair = page.get_by_role("button", name="Use this passage")
    expect(repair).to_have_count(1, timeout=TIMEOUT)
    assert repair.get_attribute("data-quote") == "the harbour will stay open all winter"
    repair.click()
    expect(page.locator("#briefings-errors")).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator("#note-ek-open")).to_have_count(1)
    assert yml.read_text(encoding="utf-8") == good


SHOT = ("quota-statement-2026", "Our members were told in November to expect stability", "statement", "Teodor Hask",
        "The Association's November newsletter said the same, without a figure.")


def screenshot(out: Path = ROOT / "docs" / "screenshots" / "annotate.png") -> None:
    """Serve a copy of the demo, open the form on a selected passage and save a picture of it."""
    import tempfile

    from serve_helpers import start
    api = playwright_module()
    slug, quote, kind, speaker, note = SHOT
    with tempfile.TemporaryDirectory() as tmp:
        served = start(Path(tmp))
        try:
            with api.sync_playwright() as p:
                b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
                page = b.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=0.75)
                page.goto(served.url(f"briefings/{slug}/"), wait_until="networkidle")
                page.locator(".briefings-note-tools").first.wait_for(state="attached")
                select(page, quote)
                page.locator(".briefings-annotate").click()
                page.get_by_label("Kind", exact=True).select_option(kind)
                page.get_by_label("Speaker").select_option(label=speaker)
                page.get_by_label("Note (Markdown)").fill(note)
                page.evaluate("""() => { const y = document.querySelector('.briefings-dialog').getBoundingClientRect().top;
                                         scrollTo({top: scrollY + y - 200, behavior: "instant"}); }""")
                page.mouse.move(0, 0)
                page.screenshot(path=str(out))
                b.close()
        finally:
            served.stop()
    print(f"{out}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":  # python tests/browser/test_authoring.py - regenerate docs/screenshots/annotate.png
    screenshot()
