"""Symbolic links: read as their target only inside their own folder (content/ or the templates
folder); every other link - to outside, to nothing, round in a loop - is refused by name, at any level.

Links cannot be kept in tests/sites/invalid portably, so each site is written here into tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

from briefings.content.files import list_files
from briefings.content.load import load
from briefings.engine.rendering import static_files

OUTSIDE = "briefings reads only files inside it"


@pytest.fixture
def root(project, monkeypatch) -> Path:
    """Write MINIMAL and a folder 'outside' beside content/, and work from there (paths as users see them)."""
    base = project({"outside/eve.yml": "name: Eve\n", "outside/secret.md": "Not for publication.\n",
                    "outside/style.css": "body{}\n"})
    monkeypatch.chdir(base)
    return base


def link(path: str, target: str) -> None:
    """Make path a symbolic link whose text is target (relative targets keep messages stable)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def load_errors() -> list[str]:
    """Load ./content; return its error lines, each once (as raise_all shows them)."""
    errors = []
    load(Path("content"), errors)
    return sorted({str(e) for e in errors})


def static_errors(templates: str = "templates") -> list[str]:
    """Collect the static files of a templates folder; return the error lines it raised."""
    with pytest.raises(ExceptionGroup) as info:
        static_files(Path(templates))
    return [str(e) for e in info.value.exceptions]


# --- the content folder -------------------------------------------------------------------------

def test_a_section_folder_linked_outside_is_refused_and_not_read(root):
    os.rename("content/speakers", "people")
    link("content/speakers", "../outside")
    assert load_errors() == [
        "content/briefings/first.yml:6:14: error: unknown speaker 'ana-berg'",  # outside/eve.yml is not read
        f"content/speakers:1:1: error: this is a symbolic link to a folder outside the content folder "
        f"(../outside); {OUTSIDE}"]


def test_a_subfolder_of_briefings_linked_outside_is_refused(root):
    link("content/briefings/2024", "../../outside")
    assert load_errors() == [
        f"content/briefings/2024:1:1: error: this is a symbolic link to a folder outside the content folder "
        f"(../../outside); {OUTSIDE}"]


def test_site_yml_linked_outside_is_refused(root):
    Path("outside/site.yml").write_text("title: Not ours\n")
    os.remove("content/site.yml")
    link("content/site.yml", "../outside/site.yml")
    assert load_errors() == [
        f"content/site.yml:1:1: error: this is a symbolic link to a file outside the content folder "
        f"(../outside/site.yml); {OUTSIDE}"]


def test_a_file_in_a_section_linked_outside_is_refused(root):
    link("content/speakers/eve.yml", "../../outside/eve.yml")
    link("content/briefings/secret.md", "/etc/passwd")
    assert load_errors() == [
        f"content/briefings/secret.md:1:1: error: this is a symbolic link to a file outside the content folder "
        f"(/etc/passwd); {OUTSIDE}",
        f"content/speakers/eve.yml:1:1: error: this is a symbolic link to a file outside the content folder "
        f"(../../outside/eve.yml); {OUTSIDE}"]


def test_loops_of_links_and_links_to_nothing_are_named(root):
    link("content/briefings/self.md", "self.md")
    link("content/speakers/a.yml", "b.yml")
    link("content/speakers/b.yml", "a.yml")
    link("content/topics/gone.yml", "../../nowhere.yml")
    assert load_errors() == [
        "content/briefings/self.md:1:1: error: this symbolic link leads round in a loop of links (self.md); "
        "briefings cannot read it",
        "content/speakers/a.yml:1:1: error: this symbolic link leads round in a loop of links (b.yml); "
        "briefings cannot read it",
        "content/speakers/b.yml:1:1: error: this symbolic link leads round in a loop of links (a.yml); "
        "briefings cannot read it",
        "content/topics/gone.yml:1:1: error: this symbolic link points to nothing: its target "
        "(../../nowhere.yml) does not exist"]


@pytest.mark.parametrize("path, target", [
    ("content/briefings/up", ".."),                  # the content folder, which holds briefings/
    ("content/briefings/2024/again", ".."),          # briefings/ itself, from below
    ("content/topics", "."),                         # a section that is the content folder
])
def test_a_link_to_a_folder_holding_it_is_refused_not_listed_forever(root, path, target):
    Path("content/briefings/2024").mkdir()
    link(path, target)
    assert load_errors() == [f"{path}:1:1: error: this is a symbolic link to a folder that holds it ({target}); "
                             f"briefings cannot list it"]


def test_two_folders_linking_to_each_other_are_refused_where_the_loop_closes(root):
    Path("content/briefings/a").mkdir()
    Path("content/briefings/b").mkdir()
    link("content/briefings/a/to-b", "../b")
    link("content/briefings/b/to-a", "../a")
    errors = []
    list_files(Path("content"), errors)
    assert sorted(str(e) for e in errors) == [
        "content/briefings/a/to-b/to-a:1:1: error: this is a symbolic link to a folder that holds it (../a); "
        "briefings cannot list it",
        "content/briefings/b/to-a/to-b:1:1: error: this is a symbolic link to a folder that holds it (../b); "
        "briefings cannot list it"]


def test_links_that_stay_inside_the_content_folder_are_followed(root):
    Path("content/config").mkdir()
    os.rename("content/site.yml", "content/config/site.yml")
    link("content/site.yml", "config/site.yml")
    os.rename("content/speakers", "content/people")
    link("content/speakers", "people")
    Path("content/archive").mkdir()
    os.rename("content/briefings", "content/archive/2024")
    Path("content/briefings").mkdir()
    link("content/briefings/2024", "../archive/2024")
    link("content/topics/peace.yml", "../archive/peace.yml")
    Path("content/archive/peace.yml").write_text("title: Peace and quiet\n")
    link("content/briefings/.hidden.md", "../../outside/secret.md")  # hidden: never read, no error
    errors = []
    content = load(Path("content"), errors)
    assert errors == []
    assert content.site.title == "Test site"
    assert list(content.speakers) == ["ana-berg"]
    assert [(b.slug, b.md_path) for b in content.briefings] == [("first", "content/briefings/2024/first.md")]
    assert content.topics["peace"].title == "Peace and quiet"


def test_a_folder_reached_twice_inside_gives_duplicate_slugs_not_silence(root):
    Path("content/briefings/2024").mkdir()
    for name in ("first.md", "first.yml"):
        os.rename(f"content/briefings/{name}", f"content/briefings/2024/{name}")
    link("content/briefings/latest", "2024")
    assert load_errors() == [
        "content/briefings/latest/first.md:1:1: error: duplicate slug 'first': also used by "
        "content/briefings/2024/first.md"]


# --- the templates folder -----------------------------------------------------------------------

def test_a_static_file_linked_outside_the_templates_folder_is_refused(root):
    link("templates/static/passwd", "/etc/passwd")
    link("templates/static/css/site.css", "../../../outside/style.css")
    assert static_errors() == [
        "templates/static/css/site.css:1:1: error: this is a symbolic link to a file outside the templates folder "
        f"(../../../outside/style.css); {OUTSIDE}",
        f"templates/static/passwd:1:1: error: this is a symbolic link to a file outside the templates folder "
        f"(/etc/passwd); {OUTSIDE}"]


def test_a_template_or_static_folder_linked_outside_is_refused(root):
    link("templates/base.html", "../outside/secret.md")
    link("templates/static", "../outside")
    assert static_errors() == [
        f"templates/base.html:1:1: error: this is a symbolic link to a file outside the templates folder "
        f"(../outside/secret.md); {OUTSIDE}",
        f"templates/static:1:1: error: this is a symbolic link to a folder outside the templates folder "
        f"(../outside); {OUTSIDE}"]


def test_static_links_inside_the_templates_folder_are_published(root):
    Path("templates/assets").mkdir(parents=True)
    Path("templates/assets/site.css").write_text("main{}\n")
    link("templates/static/site.css", "../assets/site.css")
    link("templates/static/assets", "../assets")
    link("templates/static/loop", "..")
    with pytest.raises(ExceptionGroup) as info:
        static_files(Path("templates"))
    assert [str(e) for e in info.value.exceptions] == [
        "templates/static/loop:1:1: error: this is a symbolic link to a folder that holds it (..); "
        "briefings cannot list it"]
    os.remove("templates/static/loop")
    files = static_files(Path("templates"))
    assert files["static/site.css"] == files["static/assets/site.css"] == b"main{}\n"
    assert "static/style.css" in files  # the defaults' files are still there


# --- whole builds -------------------------------------------------------------------------------

def test_a_build_with_links_outside_fails_with_their_names_and_writes_nothing(root):
    os.rename("content/speakers", "people")
    link("content/speakers", "../outside")
    link("templates/static/passwd", "/etc/passwd")
    run = run_cli("build", "--no-search", cwd=root)
    assert (run.code, "Traceback" in run.err) == (1, False)
    assert f"content/speakers:1:1: error: this is a symbolic link to a folder outside the content folder " \
           f"(../outside); {OUTSIDE}" in run.err.splitlines()
    assert not (root / "site").exists()
    os.remove("content/speakers")
    os.rename("people", "content/speakers")
    run = run_cli("build", "--no-search", cwd=root)
    assert (run.code, "Traceback" in run.err) == (1, False)
    assert run.err.splitlines()[:-1] == [
        "templates/static/passwd:1:1: error: this is a symbolic link to a file outside the templates folder "
        f"(/etc/passwd); {OUTSIDE}"]
    assert not (root / "site").exists()


def test_a_loop_of_links_is_an_error_line_not_a_traceback(root):
    link("content/briefings/loop.md", "loop.md")
    for command in ("build", "check"):
        run = run_cli(command, cwd=root)
        assert (run.code, "Traceback" in run.err) == (1, False)
        assert run.err.splitlines()[0] == ("content/briefings/loop.md:1:1: error: this symbolic link leads round "
                                           "in a loop of links (loop.md); briefings cannot read it")


def test_check_refuses_a_template_linked_outside_before_any_template_is_read(root):
    Path("outside/base.html").write_text("{{ 1/0 }} OUTSIDE-TEMPLATE")  # rendering it would fail loudly
    link("templates/base.html", "../outside/base.html")
    run = run_cli("check", cwd=root)
    assert (run.code, "Traceback" in run.err, "division" in run.err) == (1, False, False)
    assert run.err.splitlines() == [
        f"templates/base.html:1:1: error: this is a symbolic link to a file outside the templates folder "
        f"(../outside/base.html); {OUTSIDE}", "1 error"]
