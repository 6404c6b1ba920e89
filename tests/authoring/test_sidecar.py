"""The loss-free sidecar writer: every edit's diff is exactly the changed entry or value, the build's
loader reads back exactly what was written, and replace() never leaves a file half-written."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SITES

from briefings.authoring.sidecar import Sidecar, digest, replace
from briefings.content.files import shown
from briefings.content.load import read_briefing
from briefings.content.yamlschema import Loader
from briefings.errors import ContentError
from briefings.starter import Starter, starter_files

NOTE = "A new note: with a colon, a # hash, 'single' and \"double\" quotes, and *Markdown*."
ENTRY = {"quote": "new quote", "kind": "note", "note": NOTE}


def loadable(yml: Path) -> bool:
    """Whether the build's loader reads a sidecar (beside its article) without an error of its own."""
    if not yml.with_suffix(".md").is_file():
        return False
    errors = []
    b = read_briefing(yml.stem, yml.with_suffix(".md"), yml, errors)
    return b is not None and not [e for e in errors if e.path.endswith(".yml")]


CORPUS = sorted(p.relative_to(ROOT).as_posix() for folder in (ROOT / "content", SITES)
                for p in folder.rglob("briefings/**/*.yml") if loadable(p))
"""Every sidecar in the demo and in tests/sites/ that the build reads (in most broken sites the
sidecar is fine: the error is elsewhere)."""
STARTER = starter_files(Starter("T", None, dt.date(2026, 1, 1)))["content/briefings/welcome.yml"]
HEAD = "title: T\ndate: 2026-01-01\n"
HANDMADE = {
    "starter-with-comments": STARTER,
    "only-title-date": HEAD,
    "no-final-newline": HEAD + "annotations:\n  - quote: alpha\n    note: one",
    "empty-flow-list": HEAD + "annotations: []   # none yet\ntopics: [x]\n",
    "null-list": HEAD + "annotations:\n# - quote: later\n",
    "flow-list": HEAD + "annotations: [{quote: alpha, note: one}, {quote: beta}]\n",
    "flow-list-lines": HEAD + "annotations: [\n  {quote: alpha, note: 'one'},\n  {quote: beta, kind: note},\n]\n"
                              "summary: S\n",
    "flow-entries": HEAD + "annotations:\n  - {quote: alpha, note: one}\n  - {quote: beta}\n",
    "indentless": HEAD + "annotations:\n- quote: alpha\n  note: one\n- quote: beta\n  kind: note\n",
    "wide": HEAD + "annotations:\n    -   quote: alpha   # first\n        note: one\n    # about beta\n"
                   "    -   quote: beta\n\n        note: >-\n            two, folded\n            here\n",
    "dash-alone": HEAD + "annotations:\n  -\n    quote: alpha\n    note: one\n  -\n    quote: beta\n",
    "block-scalars": HEAD + "annotations:\n  - quote: alpha\n    note: |\n      Para one.\n\n      Para two.\n\n"
                            "  # beta's comment\n  - quote: beta\n    note: >-   # folded\n      two\n"
                            "    kind: note\n  - quote: gamma\n    note: |+\n      kept\n\n\n"
                            "  - quote: delta\n    # the note\n    note: 'it''s'  # quoted\n",
    "document-markers": "---\n" + HEAD + "annotations:\n  - quote: alpha\n    note: one\n...\n",
    "indented-keys": "  title: T\n  date: 2026-01-01\n  annotations:\n    - quote: alpha\n      note: one\n",
    "tags-and-anchors": HEAD + "annotations:\n  - quote: alpha\n    note: !!str >-  # c\n      old text\n"
                               "    prefix: &x b\n  - quote: !!str beta\n",
}
HANDMADE["crlf"] = STARTER.replace("\n", "\r\n")
HANDMADE["cr"] = HANDMADE["block-scalars"].replace("\n", "\r")
HANDMADE["bom"] = "\ufeff" + HANDMADE["indentless"]


def raw(text: str) -> dict:
    """Read a sidecar's text with the build's YAML loader, no annotations as []."""
    data = yaml.load(text, Loader=Loader)
    data["annotations"] = data.get("annotations") or []
    return data


def place(tmp_path: Path, text: str | bytes) -> Path:
    """Write a sidecar with an article holding its quotes (and 'new quote'); return its path."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    yml = tmp_path / "content" / "briefings" / "b.yml"
    yml.parent.mkdir(parents=True, exist_ok=True)
    yml.write_bytes(data)
    quotes = [a["quote"] for a in raw(data.decode("utf-8"))["annotations"]]
    yml.with_suffix(".md").write_text(" ".join(quotes + ["new quote"]) + "\n", encoding="utf-8")
    return yml


@pytest.fixture(params=[*CORPUS, *HANDMADE])
def sidecar(request, tmp_path) -> Path:
    """Return a copy of one sidecar, from the corpus or hand-made, with an article beside it."""
    name = request.param
    return place(tmp_path, HANDMADE[name] if name in HANDMADE else (ROOT / name).read_bytes())


def saved(yml: Path, s: Sidecar) -> tuple[str, str]:
    """Write an edited sidecar through replace() and check the build's loader reads it; return the
    old and new text (line breaks as they are in the file)."""
    old = s.data.decode("utf-8")
    replace(yml, s.text(), s.digest, lambda text: None)
    errors = []
    assert read_briefing(yml.stem, yml.with_suffix(".md"), yml, errors) is not None and errors == [], errors
    return old, yml.read_bytes().decode("utf-8")


def hunk(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return the lines removed and added by the one hunk of the unified diff, which must be alone
    (a missing final line break is added to both first: a line added after the last is no change)."""
    if not old.endswith(("\n", "\r")):
        old, new = old + "\n", new + "\n"
    diff = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), n=0))
    assert sum(line.startswith("@@") for line in diff) == 1, "".join(diff)
    body = diff[3:]
    return [line[1:] for line in body if line[0] == "-"], [line[1:] for line in body if line[0] == "+"]


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def region(text: str, index: int, key: str) -> tuple[int, int]:
    """Return the first and last line (0-based) of one key of the index-th annotation (none, where
    it would be added), found independently of the writer: PyYAML's mark of the key, then the
    lines indented deeper."""
    items = {k.value: v for k, v in yaml.compose(text, Loader=Loader).value}["annotations"].value
    if items[index].flow_style:  # {key: value, ...} on one line
        return items[index].start_mark.line, items[index].start_mark.line
    key_node = next((k for k, _ in items[index].value if k.value == key), None)
    if key_node is None:  # a key to add: the place after the entry's last key
        after = region(text, index, items[index].value[-1][0].value)[1] + 1
        return after, after - 1
    lines = LINE_BREAK.split(text)
    first = last = key_node.start_mark.line
    column = key_node.start_mark.column
    keep = re.search(r"[|>][0-9]?\+", lines[first][column:]) is not None
    for n in range(first + 1, len(lines)):
        if lines[n].strip(" ") and len(lines[n]) - len(lines[n].lstrip(" ")) <= column:
            break
        last = n if lines[n].strip(" ") or keep else last  # a tab is content in a block scalar
    return first, last


def only_region_changed(old: str, new: str, index: int, key: str, one_hunk: bool = True) -> None:
    """Assert every line outside the key's lines is as it was (and that the diff is one hunk:
    difflib may split one where a value's new lines match some of its old ones)."""
    if one_hunk:
        hunk(old, new)
    (a, b), (c, d) = region(old, index, key), region(new, index, key)
    before, after = LINE_BREAK.split(old), LINE_BREAK.split(new)
    assert a == c and before[:a] == after[:c] and before[b + 1:] == after[d + 1:], (before[a:b + 1], after[c:d + 1])


def breaks(text: str) -> set[str]:
    """Return the kinds of line break a text uses."""
    return set(re.findall(r"\r\n|\r(?!\n)|(?<!\r)\n", text))


def same_shape(old: str, new: str) -> None:
    """Assert the new text keeps the old one's line breaks, byte order mark and final line break."""
    assert breaks(new) == breaks(old) or not breaks(old)
    assert new.startswith("\ufeff") == old.startswith("\ufeff")
    assert new.endswith(("\n", "\r")) == old.endswith(("\n", "\r"))


# --- the round trip the issue asks for -------------------------------------------------------------

def test_changing_one_note_changes_only_its_lines(sidecar):
    s = Sidecar.read(sidecar)
    data = raw(s.text())
    entries = data["annotations"]
    if not entries:
        s.add(ENTRY)
        entries.append(ENTRY)
    else:
        index = next((n for n, a in enumerate(entries) if "note" in a), 0)
        s.set_value(index, "note", NOTE)
        entries[index]["note"] = NOTE
    old, new = saved(sidecar, s)
    assert raw(new) == data
    same_shape(old, new)
    if len(raw(old)["annotations"]) == 0:  # added: the key's line may change ('annotations: []')
        removed, _added = hunk(old, new)
        assert all(line.startswith("annotations:") for line in removed)
    else:
        only_region_changed(old, new, index, "note")


def test_every_note_in_the_corpus_changes_alone():
    for name in CORPUS:
        text = (ROOT / name).read_text(encoding="utf-8")
        for index, entry in enumerate(raw(text)["annotations"]):
            s = Sidecar.read(ROOT / name)
            s.set_value(index, "note", f"Note {index}, changed")
            if "note" in entry:
                only_region_changed(text, s.text(), index, "note")
            else:
                removed, added = hunk(text, s.text())
                assert removed == [] and added[0].strip() == f"note: Note {index}, changed", added
            assert raw(s.text())["annotations"][index]["note"] == f"Note {index}, changed"


def test_a_folded_note_stays_folded_a_quoted_one_quoted():
    demo = Sidecar.read(ROOT / "content/briefings/quota-statement-2026.yml")
    demo.set_value(0, "note", "Short.")
    assert "    note: >-\n      Short.\n" in demo.text()
    hostile = Sidecar.read(SITES / "hostile/content/briefings/attack.yml")
    hostile.set_value(0, "note", "It's plain")
    assert '    note: "It\'s plain"\n' in hostile.text()
    plain = Sidecar.read(SITES / "crosslinks/content/briefings/gamma.yml")
    plain.set_value(0, "note", "Still plain, and long" + " words" * 30)
    assert "    note: Still plain, and long words" in plain.text() and "words \n" not in plain.text()


# --- add ---------------------------------------------------------------------------------------------

def test_add_appends_one_entry_at_the_end_of_the_list(sidecar):
    s = Sidecar.read(sidecar)
    data = raw(s.text())
    before = len(data["annotations"])
    s.add(ENTRY)
    old, new = saved(sidecar, s)
    data["annotations"].append(ENTRY)
    assert raw(new) == data
    same_shape(old, new)
    removed, added = hunk(old, new)
    listed = LINE_BREAK.split(old.partition("annotations:")[2])
    if before and "[" not in listed[0]:  # a block list: only lines added, with the last entry's '-'
        assert removed == []
        dash = [re.match(" *-", line).group() for line in listed if re.match(" *-( |$)", line)][-1]
        entry = [line for line in added if line.strip()]
        assert entry[0].startswith(dash + " ") and not entry[0].startswith(dash + "  -"), (dash, entry)
        assert all(line.startswith(" " * (len(dash) + 1)) for line in entry[1:]), entry


def test_add_creates_the_key_when_missing(tmp_path):
    yml = place(tmp_path, "title: T\ndate: 2026-01-01   # the day\n# the end\n")
    s = Sidecar.read(yml)
    s.add({"quote": "new quote", "kind": "note", "note": "yes", "occurrence": 1})
    assert saved(yml, s)[1] == ("title: T\ndate: 2026-01-01   # the day\nannotations:\n  - quote: new quote\n"
                                "    kind: note\n    note: 'yes'\n    occurrence: 1\n# the end\n")
    indented = Sidecar(Path("b.yml"), b"  title: T\n  date: 2026-01-01")
    indented.add({"quote": "new quote"})
    assert indented.text() == "  title: T\n  date: 2026-01-01\n  annotations:\n    - quote: new quote"


@pytest.mark.parametrize("before, after", [
    ("annotations: []   # none yet\n", "annotations:   # none yet\n  - quote: new quote\n"),
    ("annotations:\n# later\n", "annotations:\n  - quote: new quote\n# later\n"),
    ("annotations: ~\n", "annotations:\n  - quote: new quote\n"),
    ("annotations: [{quote: a}]", "annotations: [{quote: a}, {quote: new quote}]"),
    ("annotations: [\n    {quote: a},\n]\n", "annotations: [\n    {quote: a},\n    {quote: new quote},\n]\n"),
    ("annotations:\n- quote: a\n", "annotations:\n- quote: a\n- quote: new quote\n"),
    ("annotations:\n  -   quote: a\n", "annotations:\n  -   quote: a\n  -   quote: new quote\n"),
    ("annotations:\n  - {quote: a}\n", "annotations:\n  - {quote: a}\n  - {quote: new quote}\n"),
    ("annotations:\r\n  - quote: a\r\n\r\n  - quote: b\r\n", ("annotations:\r\n  - quote: a\r\n\r\n  - quote: b\r\n"
                                                          "\r\n  - quote: new quote\r\n")),
    ("annotations:\n  - quote: a", "annotations:\n  - quote: a\n  - quote: new quote"),
])
def test_add_keeps_the_lists_style(tmp_path, before, after):
    yml = place(tmp_path, HEAD + before)
    s = Sidecar.read(yml)
    s.add({"quote": "new quote"})
    assert saved(yml, s)[1] == HEAD + after


def test_a_new_long_note_is_folded_where_the_notes_are():
    s = Sidecar.read(ROOT / "content/briefings/quota-statement-2026.yml")
    long = "A new note that is long enough to need more than one line, " * 3 + "ends here."
    s.add({"quote": "the cod quota", "kind": "note", "note": long})
    s.add({"quote": "the sprat quota", "kind": "note", "note": "Short."})
    tail = s.text().split("  - quote: the cod quota\n")[1]
    assert tail.startswith("    kind: note\n    note: >-\n      A new note")
    assert all(len(line) <= 80 for line in tail.splitlines())
    assert tail.endswith("  - quote: the sprat quota\n    kind: note\n    note: Short.\n")
    assert raw(s.text())["annotations"][-2]["note"] == long


# --- set_value ---------------------------------------------------------------------------------------

def test_a_key_is_added_after_the_entrys_last_and_removed_with_its_comment():
    s = Sidecar.read(ROOT / "content/briefings/quota-statement-2026.yml")
    s.set_value(1, "prefix", "The Minister said: ")
    assert "    speaker: ilse-marten\n    note: >-\n      The Minister frames the increase as lawful rather than as " \
           "scientifically\n      advised, a distinction worth holding on to.\n    prefix: 'The Minister said: '\n" \
           in s.text()
    starter = Sidecar(Path("welcome.yml"), STARTER.encode())
    starter.set_value(2, "prefix", None)
    removed, added = hunk(STARTER, starter.text())
    assert added == [] and removed == [('    prefix: "Yet "                  # the text just before the quote: '
                                       'picks one of several matches\n')]
    commented = Sidecar(Path("c.yml"), (HEAD + "annotations:\n  - quote: a\n    # why\n    prefix: b\n").encode())
    commented.set_value(0, "prefix", None)
    assert commented.text() == HEAD + "annotations:\n  - quote: a\n"


@pytest.mark.parametrize("before, after", [
    ("    note: >-   # folded\n      old\n", "    note: >-   # folded\n      new\n"),
    ("    note: old   # plain\n", "    note: new   # plain\n"),
    ("    note: 'old'\n", "    note: 'new'\n"),
    ('    note: "old"\n', '    note: "new"\n'),
    ("    note: |\n      old\n", "    note: |-\n      new\n"),
    ("    note:\n", "    note: new\n"),
    ("    note:   # to do\n", "    note: new   # to do\n"),
])
def test_a_value_keeps_its_style_and_comment(before, after):
    s = Sidecar(Path("b.yml"), (HEAD + "annotations:\n  - quote: a\n" + before + "  - quote: b\n").encode())
    s.set_value(0, "note", "new")
    assert s.text() == HEAD + "annotations:\n  - quote: a\n" + after + "  - quote: b\n"


# --- delete ------------------------------------------------------------------------------------------

def test_delete_removes_the_entry_and_nothing_else(sidecar):
    s = Sidecar.read(sidecar)
    data = raw(s.text())
    if not data["annotations"]:
        pytest.skip("no annotation to delete")
    index = len(data["annotations"]) // 2
    s.delete(index)
    old, new = saved(sidecar, s)
    del data["annotations"][index]
    assert raw(new) == data
    same_shape(old, new)
    removed, added = hunk(old, new)
    if "{" not in "".join(removed):
        assert added == []
        assert next(line for line in removed if line.strip() and not line.lstrip().startswith("#")).lstrip()[:2] == "- " \
            or removed[0].strip() == "-"


def test_delete_takes_the_comment_lines_directly_above():
    text = HEAD + "annotations:\n  - quote: a   # a's\n  # about b\n  # more\n  - quote: b\n    note: x\n  # about c\n  - quote: c\n"
    s = Sidecar(Path("b.yml"), text.encode())
    s.delete(1)
    assert s.text() == HEAD + "annotations:\n  - quote: a   # a's\n  # about c\n  - quote: c\n"
    s.delete(1)
    assert s.text() == HEAD + "annotations:\n  - quote: a   # a's\n"
    s.delete(0)
    assert s.text() == HEAD + "annotations:\n"
    assert raw(s.text())["annotations"] == []


def test_delete_keeps_one_blank_line_between_entries():
    s = Sidecar(Path("welcome.yml"), STARTER.encode())
    s.delete(1)
    removed, added = hunk(STARTER, s.text())
    assert added == [] and removed == ["\n", "  - quote: works near the quay pause during the herring season\n",
                                       "    kind: provision\n",
                                       ("    provision: harbour-plan/herring-season   # provisions name "
                                       "document-id/provision-id\n"),
                                       "    note: The plan's own rule, which the Mayor left out.\n"]
    last = Sidecar(Path("welcome.yml"), STARTER.encode())
    last.delete(5)
    assert last.text() == STARTER.split("\n\n  - quote: 4.2 million")[0] + "\n"


# --- what cannot be edited ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, at", [
    (HEAD + "annotations: {quote: a}\n", (3, 14)),
    (HEAD + "annotations: none\n", (3, 14)),
    (HEAD + "annotations:\n  - just text\n", (4, 5)),
])
def test_a_list_that_is_not_one_is_refused_with_its_position(text, at):
    s = Sidecar(Path("b.yml"), text.encode())
    with pytest.raises(ContentError) as err:
        s.set_value(0, "note", "x")
    assert (err.value.path, err.value.line, err.value.column) == ("b.yml", *at)
    assert s.text() == text


def test_an_index_out_of_range_is_refused():
    s = Sidecar.read(SITES / "crosslinks/content/briefings/gamma.yml")
    for index in (2, -1):
        with pytest.raises(ContentError, match="no annotation number") as err:
            s.delete(index)
        assert err.value.line == 4
    with pytest.raises(ContentError, match="no annotation number 1"):
        Sidecar(Path("b.yml"), HEAD.encode()).set_value(0, "note", "x")


def test_unreadable_sidecars_are_refused(tmp_path):
    for data, why in ((HEAD.encode("utf-16"), "UTF-16"), (b"title: [x\n", "invalid YAML"), (b"- a\n", "mapping"),
                      (b"{title: T, date: 2026-01-01}\n", "edit it by hand")):
        with pytest.raises(ContentError, match=why):
            s = Sidecar(tmp_path / "b.yml", data)
            s.add({"quote": "x"})
    with pytest.raises(ContentError, match="cannot read"):
        Sidecar.read(tmp_path / "missing.yml")


# --- replace(): refused, checked, atomic -------------------------------------------------------------

def leftovers(folder: Path) -> list[str]:
    """Return the files in a folder other than the article and its sidecar."""
    return sorted(p.name for p in folder.iterdir() if p.name not in ("b.yml", "b.md"))


@pytest.fixture
def edited(tmp_path) -> tuple[Path, Sidecar]:
    """Return a sidecar file (mode 0o640) and a Sidecar read from it with one note changed."""
    yml = place(tmp_path, (ROOT / "content/briefings/quota-statement-2026.yml").read_bytes())
    os.chmod(yml, 0o640)
    s = Sidecar.read(yml)
    s.set_value(0, "note", "Changed.")
    return yml, s


def test_replace_writes_the_text_and_keeps_the_mode(edited):
    yml, s = edited
    seen = []
    replace(yml, s.text(), s.digest, seen.append)
    assert yml.read_bytes() == s.text().encode("utf-8") and seen == [s.text()]
    assert os.stat(yml).st_mode & 0o777 == 0o640
    assert leftovers(yml.parent) == []


def test_replace_refuses_a_file_changed_on_disk(edited):
    yml, s = edited
    yml.write_bytes(s.data + b"# saved by the editor meanwhile\n")
    changed = yml.read_bytes()
    checked = []
    with pytest.raises(ContentError) as err:
        replace(yml, s.text(), s.digest, checked.append)
    assert checked == []  # refused before the (slow) check
    assert (err.value.path, err.value.line, err.value.column) == (shown(yml), 1, 1)
    assert "changed on disk since the page was shown" in err.value.message and "reload" in err.value.message
    assert yml.read_bytes() == changed and leftovers(yml.parent) == []


def test_replace_writes_nothing_when_the_check_fails(edited):
    yml, s = edited

    def check(text: str) -> None:
        """Reject the text as the build would."""
        raise ContentError(str(yml), 5, 3, "quote not found")
    with pytest.raises(ContentError, match="quote not found"):
        replace(yml, s.text(), s.digest, check)
    assert yml.read_bytes() == s.data and leftovers(yml.parent) == []


def test_replace_refuses_a_save_made_while_it_checked(edited):
    yml, s = edited
    with pytest.raises(ContentError, match="changed on disk"):
        replace(yml, s.text(), s.digest, lambda text: yml.write_bytes(b"title: saved meanwhile\n"))
    assert yml.read_bytes() == b"title: saved meanwhile\n" and leftovers(yml.parent) == []


def test_a_failed_write_leaves_the_old_file(edited, monkeypatch):
    yml, s = edited

    def full(src, dst):
        """Fail as a full disk would."""
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(ContentError, match="No space left on device"):
        replace(yml, s.text(), s.digest, lambda text: None)
    assert yml.read_bytes() == s.data and leftovers(yml.parent) == []


def test_a_linked_sidecar_stays_a_link(edited):
    yml, s = edited
    link = yml.with_name("link.yml")
    link.symlink_to(yml.name)
    replace(link, s.text(), s.digest, lambda text: None)
    assert link.is_symlink() and yml.read_bytes() == s.text().encode("utf-8")


def test_digest_is_the_sha256_of_the_bytes():
    assert digest(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert Sidecar(Path("b.yml"), b"title: T\n").digest == digest(b"title: T\n")
