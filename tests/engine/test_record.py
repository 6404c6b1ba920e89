"""The record of the last build: a path it names must stay inside its folder, whatever the cache says."""

from __future__ import annotations

import pytest

from briefings.engine.record import dirs_ok, files_ok, inside


@pytest.mark.parametrize("rel", ["index.html", "briefings/a/index.html", "a.b/c..d/.hidden", "x/...", "..a/b"])
def test_plain_relative_paths_are_inside(rel):
    assert inside(rel)


@pytest.mark.parametrize("rel", ["", "/etc/passwd", "a//b", "a/", "./a", "a/./b", "..", "../a", "a/..",
                                 "a/../../b", "a\0b", 7, None, ["a"]])
def test_paths_leaving_or_malformed_are_refused(rel):
    assert not inside(rel)


def test_file_and_folder_records_are_checked_whole():
    assert files_ok({"a/b.html": [1, 2, 3]}) and not files_ok({"a/b.html": [1, 2]})
    assert not files_ok({"../b.html": [1, 2, 3]}) and not files_ok([])
    assert dirs_ok({".": 5, "a": 6}) and not dirs_ok({"a/..": 6}) and not dirs_ok({"a": "6"})
