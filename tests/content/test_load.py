"""Units of stage 1: reading a content folder into the model, and every error it reports."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from conftest import MINIMAL

from briefings.content.load import derive_id, load


@pytest.fixture
def site(project, monkeypatch):
    """Return a function that writes MINIMAL plus overrides and loads it: (content, error lines)."""
    def make(files: dict | None = None, base: dict | None = MINIMAL):
        root = project(files, base)
        monkeypatch.chdir(root)  # error paths are shown relative to the working folder
        errors = []
        content = load(root / "content", errors)
        return content, sorted(str(e) for e in errors)
    return make


def sidecar(annotations: str = "", extra: str = "") -> str:
    """Return the MINIMAL briefing's sidecar with other annotations (YAML list items, indented 2)."""
    return f"title: First\ndate: 2024-01-02\n{extra}annotations:\n{annotations}"


STATEMENT = "  - quote: talks would resume\n    kind: statement\n    speaker: ana-berg\n"


# --- a valid folder -----------------------------------------------------------------------------

def test_minimal_site_loads(site):
    content, errors = site()
    assert errors == []
    assert content.site.title == "Test site"
    assert content.site.base_url == "https://example.org/repo/"
    assert content.site.language == "en" and content.site.allow_html is False and content.site.page_size == 50
    (b,) = content.briefings
    assert (b.slug, b.title, b.date) == ("first", "First", dt.date(2024, 1, 2))
    assert b.md_path == os.path.join("content", "briefings", "first.md")
    assert b.yml_path == os.path.join("content", "briefings", "first.yml")
    (a,) = b.annotations
    assert (a.quote, a.kind, a.speaker) == ("talks would resume", "statement", "ana-berg")
    assert (a.quote_where.path, a.quote_where.line, a.quote_where.column) == (b.yml_path, 4, 12)
    assert content.speakers["ana-berg"].name == "Ana Berg"
    assert content.speakers["ana-berg"].role == "Spokesperson"
    (p,) = content.documents["treaty"].provisions
    assert (p.id, p.label, p.text) == ("art-1", "Article 1", "Peace.")


def test_every_field_is_read(site):
    content, errors = site({
        "content/site.yml": "title: T\ndescription: D\nbase_url: https://x.org/r\nlanguage: de\n"
                            "author: A\nallow_html: true\ncname: x.org\npage_size: 7\n",
        "content/speakers/ana-berg.yml": "name: Ana Berg\nrole: R\norganization: O\n"
                                         "aliases: [Berg, '  ', Берг]\nbio: '*B*'\n",
        "content/documents/treaty.yml": "title: The Treaty\nissuer: I\ndate: 2020-05-06\nurl: https://t\n"
                                        "provisions:\n  - {id: art-1, label: Article 1}\n"
                                        "  - {id: art-2, label: Article 2, text: Two.}\n",
        "content/topics/peace.yml": "title: Peace talks\ndescription: About peace.\n",
        "content/briefings/first.yml": sidecar(
            "  - quote: talks would resume\n    kind: note\n    id: resume\n    note: '**n**'\n"
            "    prefix: the\n    suffix: on\n    occurrence: 1\n",
            "source: {name: Wire, url: https://w}\nsummary: S\ntopics: [peace, war-crimes, peace]\n"),
    })
    assert errors == []
    s = content.site
    assert (s.title, s.description, s.base_url, s.language, s.author, s.allow_html, s.cname, s.page_size) == (
        "T", "D", "https://x.org/r/", "de", "A", True, "x.org", 7)
    sp = content.speakers["ana-berg"]
    assert (sp.role, sp.organization, sp.aliases, sp.bio) == ("R", "O", ("Berg", "Берг"), "*B*")
    doc = content.documents["treaty"]
    assert (doc.issuer, doc.date, doc.url) == ("I", dt.date(2020, 5, 6), "https://t")
    assert [(p.id, p.text) for p in doc.provisions] == [("art-1", ""), ("art-2", "Two.")]
    (b,) = content.briefings
    assert (b.source.name, b.source.url, b.summary) == ("Wire", "https://w", "S")
    assert b.topics == ("peace", "war-crimes")  # a repeated topic counts once
    a = b.annotations[0]
    assert (a.id, a.note, a.prefix, a.suffix, a.occurrence) == ("resume", "**n**", "the", "on", 1)
    assert content.topics["peace"].title == "Peace talks"
    assert content.topics["war-crimes"].title == "War crimes"  # no file: title from the id
    assert content.topics["war-crimes"].path == ""


def test_briefings_are_oldest_first_and_subfolders_do_not_change_the_slug(site):
    content, errors = site({
        "content/briefings/2023/older.md": "Old text.\n",
        "content/briefings/2023/older.yml": "title: Older\ndate: 2023-12-31\n",
        "content/briefings/2024/05/same-day-b.md": "B.\n",
        "content/briefings/2024/05/same-day-b.yml": "title: B\ndate: 2024-05-01\n",
        "content/briefings/same-day-a.md": "A.\n",
        "content/briefings/same-day-a.yml": "title: A\ndate: 2024-05-01\n",
    })
    assert errors == []
    assert [b.slug for b in content.briefings] == ["older", "first", "same-day-a", "same-day-b"]


def test_hidden_and_foreign_files_are_ignored(site):
    content, errors = site({
        "content/briefings/.draft.md": "x", "content/briefings/.first.yml.swp": b"\x00\xff",
        "content/briefings/notes.txt": "x", "content/speakers/.DS_Store": b"\x00\xff",
    })
    assert errors == [] and [b.slug for b in content.briefings] == ["first"]


def test_optional_lists_left_blank_mean_none(site):
    content, errors = site({"content/briefings/first.yml": "title: First\ndate: 2024-01-02\n"
                                                           "topics:\nannotations:\n"})
    assert errors == []
    assert content.briefings[0].annotations == () and content.briefings[0].topics == ()


def test_bom_and_crlf_files_load(site):
    content, errors = site({
        "content/site.yml": b"\xef\xbb\xbftitle: Test site\r\n",
        "content/briefings/first.md": b"\xef\xbb\xbfAna Berg said the talks\r\nwould resume.\r\n",
        "content/briefings/first.yml": b"\xef\xbb\xbftitle: First\r\ndate: 2024-01-02\r\n",
    })
    assert errors == []
    assert content.site.title == "Test site"
    assert content.briefings[0].body == "Ana Berg said the talks\nwould resume.\n"


# --- derived ids --------------------------------------------------------------------------------

def test_derived_id_is_readable_and_stable_when_another_annotation_is_added(site):
    first, _ = site({"content/briefings/first.yml": sidecar(STATEMENT)})
    (a,) = first.briefings[0].annotations
    assert a.id.startswith("talks-would-resume-") and len(a.id) == len("talks-would-resume-") + 6
    more = "  - quote: Ana Berg\n    kind: note\n" + STATEMENT + "  - quote: Monday\n"
    second, errors = site({"content/briefings/first.yml": sidecar(more)})
    assert errors == []
    assert [x.id for x in second.briefings[0].annotations][1] == a.id


def test_derived_id_depends_on_what_picks_the_match_only():
    base = derive_id("The  talks\nresume", "", "", 0)
    assert base == derive_id("The talks resume", "", "", 0)  # whitespace does not matter
    assert len({base, derive_id("The talks resume", "x", "", 0), derive_id("The talks resume", "", "x", 0),
                derive_id("The talks resume", "", "", 2)}) == 4
    assert derive_id("«¿?»", "", "", 0).startswith("q-")
    assert derive_id("A very long quote with many words in it", "", "", 0).startswith("a-very-long-quote-with-")


# --- errors -------------------------------------------------------------------------------------

def test_missing_site_yml(site):
    _, errors = site({"content/site.yml": None})
    assert errors == ["content/site.yml:1:1: error: site.yml is missing; it needs at least 'title'"]


def test_missing_content_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    errors = []
    load(tmp_path / "content", errors)
    assert [str(e) for e in errors] == [
        "content:1:1: error: content folder content does not exist; to start a new site here, run "
        "'briefings init'; else run in your project folder or pass --content"]


@pytest.mark.parametrize("files, expected", [
    ({"content/briefings/second.md": "Text.\n"},
     "content/briefings/second.md:1:1: error: article without a sidecar: content/briefings/second.yml is "
     "missing"),
    ({"content/briefings/second.yml": "title: S\ndate: 2024-01-03\n"},
     "content/briefings/second.yml:1:1: error: sidecar without an article: content/briefings/second.md is "
     "missing"),
    ({"content/briefings/2024/first.md": "x\n", "content/briefings/2024/first.yml": "title: x\ndate: 2024-01-01\n"},
     "content/briefings/first.md:1:1: error: duplicate slug 'first': also used by "
     "content/briefings/2024/first.md"),
    ({"content/briefings/My Post.md": "x\n", "content/briefings/My Post.yml": "title: x\ndate: 2024-01-01\n"},
     "content/briefings/My Post.md:1:1: error: illegal file name 'My Post.md': ids use lowercase a-z, 0-9 "
     "and single hyphens between them (rename the file)"),
    ({"content/speakers/Bob.yml": "name: Bob\n"},
     "content/speakers/Bob.yml:1:1: error: illegal file name 'Bob.yml': ids use lowercase a-z, 0-9 and "
     "single hyphens between them (rename the file)"),
    ({"content/briefings/first.md": " \n\n"}, "content/briefings/first.md:1:1: error: article is empty"),
    ({"content/speakers/ana-berg.yml": None, "content/speakers/ana-berg.yaml": "name: Ana Berg\n"},
     "content/speakers/ana-berg.yaml:1:1: error: rename this file to ana-berg.yml: content files end in .yml"),
    ({"content/topics/old/peace.yml": "title: Peace\n", "content/topics/peace.yml": "title: Peace\n"},
     "content/topics/old/peace.yml:1:1: error: duplicate id 'peace': also used by content/topics/peace.yml"),
    ({"content/site.yml": "title: T\npage_size: 0\n"},
     "content/site.yml:2:12: error: 'page_size' must be at least 1"),
    ({"content/documents/treaty.yml": "title: T\nprovisions:\n  - {id: art-1, label: A}\n"
                                      "  - {id: art-1, label: B}\n"},
     "content/documents/treaty.yml:4:10: error: duplicate provision id 'art-1'"),
])
def test_file_level_errors(site, files, expected):
    _, errors = site(files)
    assert errors == [expected]


@pytest.mark.parametrize("annotations, expected", [
    ("  - quote: talks would resume\n    kind: statement\n    speaker: ana-burg\n",
     "content/briefings/first.yml:6:14: error: unknown speaker 'ana-burg'; did you mean 'ana-berg'?"),
    ("  - quote: talks would resume\n    kind: statement\n",
     "content/briefings/first.yml:4:5: error: a statement annotation needs 'speaker'"),
    ("  - quote: talks would resume\n    kind: provision\n",
     "content/briefings/first.yml:4:5: error: a provision annotation needs 'provision'"),
    ("  - quote: talks would resume\n    kind: provision\n    provision: treaty/art-2\n",
     "content/briefings/first.yml:6:16: error: unknown provision 'treaty/art-2'; did you mean "
     "'treaty/art-1'? (write 'document-id/provision-id')"),
    ("  - quote: talks would resume\n    kind: provision\n    provision: treety/art-1\n",
     "content/briefings/first.yml:6:16: error: unknown document 'treety' in provision 'treety/art-1'; "
     "did you mean 'treaty'?"),
    ("  - quote: talks would resume\n    kind: provision\n    provision: treaty\n",
     "content/briefings/first.yml:6:16: error: unknown provision 'treaty'; did you mean 'treaty/art-1'? "
     "(write 'document-id/provision-id')"),
    ("  - quote: talks would resume\n    kind: remark\n",
     "content/briefings/first.yml:5:11: error: unknown kind 'remark'; use one of: provision, statement, "
     "note, correction"),
    ("  - quote: talks would resume\n    occurrence: 0\n",
     "content/briefings/first.yml:5:17: error: 'occurrence' counts from 1"),
    ("  - quote: ''\n", "content/briefings/first.yml:4:12: error: 'quote' is empty; 'annotations' item needs it"),
    ("  - quote: talks\n    id: a\n  - quote: resume\n    id: a\n",
     "content/briefings/first.yml:7:9: error: duplicate annotation id 'a'"),
    ("  - quote: talks\n    id: ../x\n",
     "content/briefings/first.yml:5:9: error: 'id' has illegal id '../x': ids use lowercase a-z, 0-9 and "
     "single hyphens between them"),
    ("  - quote: talks\n    speaker: A B\n    kind: statement\n",
     "content/briefings/first.yml:5:14: error: 'speaker' has illegal id 'A B': ids use lowercase a-z, 0-9 "
     "and single hyphens between them"),
    ("  - quote: talks\n    id: main\n",
     "content/briefings/first.yml:5:9: error: annotation id 'main' collides with the id the theme gives the "
     "page's main content; give this annotation another 'id:'"),
    ("  - quote: talks\n    id: endnotes-title\n",
     "content/briefings/first.yml:5:9: error: annotation id 'endnotes-title' collides with the id the theme "
     "gives the heading of the notes; give this annotation another 'id:'"),
    ("  - quote: talks\n    id: toggle-resume\n  - quote: resume\n    id: resume\n",
     "content/briefings/first.yml:5:9: error: annotation id 'toggle-resume' collides with the id the theme "
     "gives the checkbox that opens the note of annotation 'resume'; give this annotation another 'id:'"),
])
def test_annotation_errors(site, annotations, expected):
    _, errors = site({"content/briefings/first.yml": sidecar(annotations)})
    assert errors == [expected]


def test_a_broken_speaker_or_document_is_reported_once_not_at_every_use(site):
    _, errors = site({
        "content/speakers/ana-berg.yml": "name: Ana Berg\nrloe: x\n",
        "content/documents/treaty.yml": "title: [\n",
        "content/briefings/first.yml": sidecar(
            STATEMENT + "  - quote: Monday\n    kind: provision\n    provision: treaty/art-1\n"),
    })
    assert errors == [
        "content/documents/treaty.yml:2:1: error: invalid YAML: did not find expected node content",
        "content/speakers/ana-berg.yml:2:1: error: unknown key 'rloe' in speaker; did you mean 'role'?",
    ]


def test_all_errors_of_all_files_are_reported(site):
    _, errors = site({
        "content/site.yml": "title: T\nlangauge: en\n",
        "content/speakers/bob.yml": "nmae: Bob\n",
        "content/briefings/first.yml": "title: First\ndate: yesterday\n",
        "content/briefings/second.md": "x\n",
    })
    assert errors == [
        "content/briefings/first.yml:2:7: error: 'date' must be a date written YYYY-MM-DD, found 'yesterday'",
        "content/briefings/second.md:1:1: error: article without a sidecar: content/briefings/second.yml "
        "is missing",
        "content/site.yml:2:1: error: unknown key 'langauge' in site.yml; did you mean 'language'?",
        "content/speakers/bob.yml:1:1: error: speaker is missing required key 'name'",
        "content/speakers/bob.yml:1:1: error: unknown key 'nmae' in speaker; did you mean 'name'?",
    ]


def test_an_id_made_from_a_quote_that_collides_is_reported_at_the_quote(site):
    # Derived ids end in a hash of the quote: 'note-talks' + that hash is the note of an id written so.
    note_of = derive_id("note talks", "", "", 0).removeprefix("note-")
    annotations = f"  - quote: note talks\n  - quote: talks\n    id: {note_of}\n"
    _, errors = site({"content/briefings/first.yml": sidecar(annotations)})
    assert errors == [
        f"content/briefings/first.yml:4:12: error: annotation id 'note-{note_of}' collides with the id the theme "
        f"gives the note of annotation '{note_of}'; give this annotation another 'id:'"]


def test_an_id_beginning_with_note_is_fine_when_no_annotation_has_the_rest(site):
    annotations = ("  - quote: talks\n    id: note-resume\n  - quote: resume\n    id: toggle\n"
                   "  - quote: Monday\n    id: mains\n")
    content, errors = site({"content/briefings/first.yml": sidecar(annotations)})
    assert errors == []
    assert [a.id for a in content.briefings[0].annotations] == ["note-resume", "toggle", "mains"]


def test_unshowable_characters_in_an_article_are_located_and_the_sidecar_is_still_checked(site):
    _, errors = site({"content/briefings/first.md": "Ana Berg said the talks\x01 would resume.\n\n\x7f\n",
                      "content/briefings/first.yml": sidecar(STATEMENT, "colour: red\n")})
    assert errors == [
        "content/briefings/first.md:1:24: error: the article holds the control character U+0001, which no page or "
        "feed can show; remove it",
        "content/briefings/first.md:3:1: error: the article holds the control character U+007F, which no page or "
        "feed can show; remove it",
        "content/briefings/first.yml:3:1: error: unknown key 'colour' in sidecar; known keys: title, date, source, "
        "summary, topics, annotations"]


def test_error_paths_are_relative_to_the_working_folder_wherever_it_is(project, tmp_path, monkeypatch):
    root = project({"content/briefings/first.yml": "title: First\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    errors = []
    load(root / "content", errors)
    assert [str(e) for e in errors] == [
        "../content/briefings/first.yml:1:1: error: sidecar is missing required key 'date'"]
