"""Units of finding content files: listing sections, pairing articles with sidecars, file names."""

from __future__ import annotations

from pathlib import Path

from briefings.content.files import list_files, one_per_id, pair_briefings, shown


def messages(errors) -> list[str]:
    """Return the errors as the user sees them."""
    return [str(e) for e in errors]


def test_pairs_are_matched_by_stem_and_sorted():
    errors = []
    paths = [Path("b/zeta.yml"), Path("b/alpha.md"), Path("b/zeta.md"), Path("b/alpha.yml"), Path("b/x.txt")]
    assert pair_briefings(paths, errors) == [
        ("alpha", Path("b/alpha.md"), Path("b/alpha.yml")), ("zeta", Path("b/zeta.md"), Path("b/zeta.yml"))]
    assert errors == []


def test_half_pairs_illegal_names_and_duplicate_slugs_are_reported():
    errors = []
    paths = [Path("b/lone.md"), Path("b/orphan.yml"), Path("b/Bad Name.md"), Path("b/Bad Name.yml"),
             Path("b/one.md"), Path("b/one.yml"), Path("b/sub/one.md"), Path("b/sub/one.yml")]
    assert [slug for slug, _, _ in pair_briefings(paths, errors)] == ["one"]
    assert sorted(messages(errors)) == [
        "b/Bad Name.md:1:1: error: illegal file name 'Bad Name.md': ids use lowercase a-z, 0-9 and "
        "single hyphens between them (rename the file)",
        "b/lone.md:1:1: error: article without a sidecar: b/lone.yml is missing",
        "b/orphan.yml:1:1: error: sidecar without an article: b/orphan.md is missing",
        "b/sub/one.md:1:1: error: duplicate slug 'one': also used by b/one.md",
    ]


def test_one_file_per_id_and_yaml_suffix_refused():
    errors = []
    files = {"speakers": [Path("s/ana.yml"), Path("s/bo.yaml"), Path("s/old/ana.yml")]}
    assert one_per_id(files, "speakers", errors) == [Path("s/ana.yml")]
    assert messages(errors) == [
        "s/bo.yaml:1:1: error: rename this file to bo.yml: content files end in .yml",
        "s/old/ana.yml:1:1: error: duplicate id 'ana': also used by s/ana.yml",
    ]


def test_misspelt_suffixes_are_reported_in_every_section_and_not_also_as_half_pairs():
    errors = []
    paths = [Path("b/one.MD"), Path("b/one.yml"), Path("b/two.md"), Path("b/two.YML"), Path("b/three.markdown"),
             Path("b/three.Yml"), Path("b/four.yaml"), Path("b/four.md"), Path("b/ok.md"), Path("b/ok.yml"),
             Path("b/notes.txt"), Path("b/.MD")]
    assert pair_briefings(paths, errors) == [("ok", Path("b/ok.md"), Path("b/ok.yml"))]
    assert sorted(messages(errors)) == [
        "b/four.yaml:1:1: error: rename this file to four.yml: content files end in .yml",
        "b/one.MD:1:1: error: rename this file to one.md: articles end in .md",
        "b/three.Yml:1:1: error: rename this file to three.yml: content files end in .yml",
        "b/three.markdown:1:1: error: rename this file to three.md: articles end in .md",
        "b/two.YML:1:1: error: rename this file to two.yml: content files end in .yml",
    ]
    errors = []
    files = {"topics": [Path("t/a.YML"), Path("t/b.Yaml"), Path("t/c.yml"), Path("t/readme.md"), Path("t/d.MD")]}
    assert one_per_id(files, "topics", errors) == [Path("t/c.yml")]
    assert messages(errors) == [  # .md and .MD are no spelling of what a topic file is: ignored as before
        "t/a.YML:1:1: error: rename this file to a.yml: content files end in .yml",
        "t/b.Yaml:1:1: error: rename this file to b.yml: content files end in .yml",
    ]


def test_listing_goes_into_subfolders_skips_hidden_files_and_keeps_sections_apart(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("briefings/a.md", "briefings/2024/b.md", "briefings/.draft.md", "speakers/ana.yml",
                 "notes/ignored.yml"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x")
    Path("topics").mkdir()  # an empty section is left out
    errors = []
    found = list_files(Path("."), errors)
    assert found == {"briefings": [Path("briefings/a.md"), Path("briefings/2024/b.md")],
                     "speakers": [Path("speakers/ana.yml")]}
    assert errors == []


def test_shown_paths_are_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shown(Path("content/site.yml")) == "content/site.yml"
    assert shown(tmp_path / "content" / "site.yml") == "content/site.yml"
    assert shown(Path("content/../content/x.yml")) == "content/x.yml"
