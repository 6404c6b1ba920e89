"""Every bad input in tests/sites/invalid/<case>/ gets its exact error lines, and the old site survives.

Each case folder is a complete small site (content/, maybe templates/ and other files) with
`expected.txt` holding the exact error lines on stderr, and optionally `args.txt` holding extra
`build` arguments (the --out cases; `check` has no --out, so it passes for them).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, SITES, run_cli, write_files

CASES = sorted(p for p in (SITES / "invalid").iterdir() if (p / "expected.txt").is_file())
META = {"expected.txt", "args.txt"}
SUMMARY = re.compile(r"\d+ errors?; nothing was written\Z")


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file under a folder: relative path -> (bytes, mtime in ns)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def install(case: Path, root: Path) -> None:
    """Replace the project's content and templates with the case's files."""
    for name in ("content", "templates"):
        shutil.rmtree(root / name, ignore_errors=True)
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_file() and rel.as_posix() not in META:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / rel)


def test_there_is_a_case_for_every_required_bad_input():
    names = {c.name for c in CASES}
    assert {"malformed-yaml", "unknown-key", "missing-required-field", "bad-date-word", "bad-date-february-30",
            "article-without-sidecar", "sidecar-without-article", "unknown-speaker", "unknown-provision",
            "unknown-document", "illegal-id-dot-dot", "illegal-id-space", "illegal-topic-id",
            "illegal-file-name-space", "illegal-file-name-upper-case", "duplicate-slug", "quote-not-in-article",
            "undefined-template-variable", "out-content-folder", "out-not-made-by-briefings",
            "out-project-root"} <= names


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """Build the MINIMAL site once: the earlier site/ every case must leave alone."""
    root = write_files(tmp_path_factory.mktemp("good"), MINIMAL)
    good = run_cli("build", cwd=root)
    assert good.code == 0, good.err
    return root / "site"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bad_input_is_reported_exactly_and_leaves_the_old_site(case, tmp_path, good_site):
    root = write_files(tmp_path, MINIMAL)
    shutil.copytree(good_site, root / "site")  # copy2 keeps the mtimes, as after a real build
    before = tree(root / "site")

    install(case, root)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    args = (case / "args.txt").read_text().split() if (case / "args.txt").is_file() else []
    bad = run_cli("build", *args, cwd=root)
    assert "Traceback" not in bad.out + bad.err
    assert bad.code == 1, bad.out
    lines = bad.err.splitlines()
    assert lines[:-1] == expected
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert tree(root / "site") == before, "a failed build changed the previous site"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == [], "temporary folder left"

    checked = run_cli("check", cwd=root)
    assert "Traceback" not in checked.out + checked.err
    if args:  # an --out problem: check writes nothing, so there is nothing for it to refuse
        assert checked.code == 0, checked.err
    else:
        assert checked.code == 1, checked.out
        assert checked.err.splitlines()[:-1] == expected
    assert tree(root / "site") == before, "check wrote into the site"


def test_every_line_has_the_error_format():
    line = re.compile(r"[^:\n]+:\d+:\d+: error: \S.*\Z")
    for case in CASES:
        for text in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
            assert line.match(text), f"{case.name}: {text}"
