"""`briefings fix` as a user runs it: the changes it prints, what it lists, its exit status."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SITES, run_cli

from test_cli import snapshot

SIDECAR = "content/briefings/quota-day.yml"
CHANGES = [
    f'{SIDECAR}:6: quote "within the margin the Act alows" -> "within the margin the Act allows"',
    f'{SIDECAR}:10: quote "The cod figure is a small increase" -> "The cod figure is a modest increase"',
    f'{SIDECAR}:14: quote "NetherfieldParkis let at last" -> "Netherfield Park is let at last"',
]


@pytest.fixture
def drift(tmp_path: Path) -> Path:
    """A copy of the fix-drift site: a typo, a changed word, lost spaces, a reordered sentence and
    a deleted passage."""
    shutil.copytree(SITES / "fix-drift" / "content", tmp_path / "content")
    return tmp_path


def test_fix_repairs_three_lists_two_and_exits_1(drift):
    before = (drift / SIDECAR).read_text().splitlines()
    run = run_cli("fix", cwd=drift)
    assert run.code == 1, run.err
    assert run.out.splitlines() == CHANGES + ["repaired 3 quotes"]
    err = run.err.splitlines()
    assert err[0] == (f'{SIDECAR}:16:12: error: quote not found; closest passage (score 0.66): '
                      f'"the minister left the chamber"')
    assert err[1:3] == ["  not repaired: the closest passage scores 0.66, below 0.80",
                        '  candidate (score 0.66): "the minister left the chamber"']
    assert err[3].startswith(f"{SIDECAR}:19:12: error: quote not found") and err[-1] == "2 errors left"
    after = (drift / SIDECAR).read_text().splitlines()
    changed = [n + 1 for n, (x, y) in enumerate(zip(before, after)) if x != y]
    assert changed == [6, 10, 14] and len(after) == len(before)
    # The build now anchors the repaired quotes: only the two listed ones are still errors.
    check = run_cli("check", cwd=drift)
    assert [line.split(": error:")[0] for line in check.err.splitlines()[:-1]] == [
        f"{SIDECAR}:16:12", f"{SIDECAR}:19:12"]


def test_fix_dry_run_prints_the_same_and_writes_nothing(drift):
    files = snapshot(drift / "content")
    run = run_cli("fix", "--dry-run", cwd=drift)
    assert run.code == 1
    assert run.out.splitlines() == CHANGES + ["would repair 3 quotes"]
    assert run.err == run_cli("fix", "--dry-run", cwd=drift).err
    assert snapshot(drift / "content") == files


def test_fix_exits_0_when_nothing_is_left_broken(drift):
    sidecar = drift / SIDECAR
    lines = sidecar.read_text().splitlines(keepends=True)
    sidecar.write_text("".join(lines[:15]))  # the three repairable ones only
    first = run_cli("fix", cwd=drift)
    assert (first.code, first.out.splitlines(), first.err) == (0, CHANGES + ["repaired 3 quotes"], "")
    again = run_cli("fix", cwd=drift)
    assert (again.code, again.out, again.err) == (0, "repaired 0 quotes\n", "")
    assert run_cli("check", cwd=drift).code == 0


def test_fix_prints_other_content_errors_as_check_does(drift):
    (drift / "content/briefings/other.md").write_text("Text.\n")
    (drift / "content/briefings/other.yml").write_text("title: Other\ndate: 2026-13-01\n")
    run = run_cli("fix", "--content", "content", cwd=drift)
    assert run.code == 1
    [date_error] = [e for e in run_cli("check", cwd=drift).err.splitlines() if "other.yml" in e]
    assert date_error in run.err.splitlines()
    assert run.out.splitlines()[-1] == "repaired 3 quotes"


def test_fix_with_another_content_folder(drift):
    shutil.move(drift / "content", drift / "texts")
    run = run_cli("fix", "--dry-run", "--content", "texts", cwd=drift)
    assert run.out.splitlines()[-1] == "would repair 3 quotes"
    assert run.out.splitlines()[0].startswith("texts/briefings/quota-day.yml:6: quote ")


def test_fix_without_a_content_folder_is_one_error(tmp_path):
    run = run_cli("fix", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err and run.err.startswith("content:1:1: error:")


def test_help_lists_fix(tmp_path):
    run = run_cli("--help", cwd=tmp_path)
    assert "fix" in run.out and "--dry-run" in run_cli("fix", "--help", cwd=tmp_path).out
