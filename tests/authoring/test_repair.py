"""Drifted quotes: diagnosed against the current text, repaired only when one passage is clearly the
closest, written loss-free and checked by the build; everything else listed with its candidates."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from briefings.authoring import repair
from briefings.authoring.repair import Repair, Unrepaired, apply, diagnose, plan
from briefings.content.load import load
from briefings.errors import ContentError
from briefings.model import Annotation, Briefing, Where
from conftest import SITES, write_files

DRIFT = SITES / "fix-drift"


def briefing(body: str, *annotations: Annotation) -> Briefing:
    """Return a briefing held in memory only (its paths name no file)."""
    return Briefing(slug="x", title="X", date=dt.date(2026, 1, 1), body=body, md_path="nowhere/x.md",
                    yml_path="nowhere/x.yml", annotations=annotations)


def note(quote: str, line: int = 5, **fields) -> Annotation:
    """Return a note annotation whose quote sits on a line of the (imagined) sidecar."""
    where = Where("nowhere/x.yml", line, 12)
    wheres = {k: Where("nowhere/x.yml", line + 1, 13) for k in fields if k in ("prefix", "suffix")}
    return Annotation(id=f"n{line}", quote=quote, kind="note", quote_where=where, where=where,
                      wheres=wheres, **fields)


@pytest.fixture
def drift(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the fix-drift site in a working folder; returns the sidecar's path."""
    shutil.copytree(DRIFT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content/briefings/quota-day.yml")


def test_a_typo_is_repaired_by_its_quote_alone():
    b = briefing("The talks would resume on Monday, the envoy said.\n", note("talks wuold resume on Monday"))
    [r] = diagnose(b, False)
    assert isinstance(r, Repair)
    assert (r.yml_path, r.index, r.line) == ("nowhere/x.yml", 0, 5)
    assert r.field_changes == (("quote", "talks wuold resume on Monday", "talks would resume on Monday"),)
    assert r.score >= repair.THRESHOLD and r.score - r.runner_up >= repair.MARGIN


def test_quotes_that_anchor_are_not_diagnosed():
    b = briefing("Talks resume. Talks end.\n", note("Talks resume"), note("Talks end", line=7))
    assert diagnose(b, False) == []


def test_the_threshold_decides(monkeypatch):
    b = briefing("The talks would resume on Monday.\n", note("talks wuold resume on Monday"))
    monkeypatch.setattr(repair, "THRESHOLD", 0.99)
    [u] = diagnose(b, False)
    assert isinstance(u, Unrepaired) and "below 0.99" in u.reason
    assert u.candidates[0][1] == "talks would resume on Monday"


def test_two_passages_equally_close_are_left_to_the_editor():
    b = briefing("Ana said yes. Li said yes.\n", note("sayd yes"))
    [u] = diagnose(b, False)
    assert isinstance(u, Unrepaired)
    assert [p for _, p in u.candidates] == ["said yes", "said yes"]
    assert "choose one by hand" in u.reason and u.message.startswith("quote not found; closest passage")
    assert (u.line, u.column, u.quote) == (5, 12, "sayd yes")


def test_a_prefix_that_still_fits_is_kept():
    b = briefing("Ana said yes. Li said yes.\n", note("sayd yes", prefix="Li"))
    [r] = diagnose(b, False)
    assert r.field_changes == (("quote", "sayd yes", "said yes"),)


def test_a_prefix_that_no_longer_fits_is_dropped_when_the_quote_is_unique():
    b = briefing("Li Wei said yes.\n", note("said yes", prefix="Li Wei:"))
    [r] = diagnose(b, False)
    assert r.field_changes == (("prefix", "Li Wei:", None),) and r.change_lines == (6,)


def test_a_prefix_that_no_longer_fits_is_recomputed_when_the_quote_is_not():
    b = briefing("Ana Berg said yes. Li Wei said yes.\n", note("said yes", prefix="Li Wie"))
    [r] = diagnose(b, False)
    assert r.field_changes == (("prefix", "Li Wie", "Wei"),)
    assert r.score > r.runner_up + repair.MARGIN


def test_an_ambiguous_quote_is_listed_not_repaired():
    b = briefing("Ana said yes. Li said yes.\n", note("said yes"))
    [u] = diagnose(b, False)
    assert isinstance(u, Unrepaired) and [s for s, _ in u.candidates] == [1.0, 1.0]
    assert "quote is ambiguous" in u.message


def test_an_occurrence_no_repair_may_change_keeps_it_broken():
    b = briefing("Ana said yes.\n", note("said yes", occurrence=2))
    [u] = diagnose(b, False)
    assert isinstance(u, Unrepaired) and "'occurrence'" in u.reason and u.column == 12


def test_plan_repairs_the_fixture_and_lists_the_rest(drift):
    found, errors = plan(Path("content"))
    assert errors == []
    assert [type(r).__name__ for r in found] == ["Repair"] * 3 + ["Unrepaired"] * 2
    assert [r.line for r in found] == [6, 10, 14, 16, 19]
    assert [r.field_changes[0][2] for r in found[:3]] == [
        "within the margin the Act allows", "The cod figure is a modest increase",
        "Netherfield Park is let at last"]
    assert found[3].candidates[0][1] == "the minister left the chamber"


def test_apply_changes_exactly_the_quote_lines_and_the_build_then_anchors_them(drift):
    before = drift.read_text().splitlines()
    found, _ = plan(Path("content"))
    lines = apply([r for r in found if isinstance(r, Repair)], content_dir=Path("content"))
    assert lines == [
        f'{drift}:6: quote "within the margin the Act alows" -> "within the margin the Act allows"',
        f'{drift}:10: quote "The cod figure is a small increase" -> "The cod figure is a modest increase"',
        f'{drift}:14: quote "NetherfieldParkis let at last" -> "Netherfield Park is let at last"']
    after = drift.read_text().splitlines()
    assert len(after) == len(before)
    assert [n + 1 for n, (x, y) in enumerate(zip(before, after)) if x != y] == [6, 10, 14]
    assert after[9] == '  - quote: "The cod figure is a modest increase"'  # its quoting style kept
    found, errors = plan(Path("content"))
    assert errors == [] and [type(r).__name__ for r in found] == ["Unrepaired"] * 2


def test_a_dry_run_writes_nothing(drift):
    stat = drift.stat()
    data = drift.read_bytes()
    found, _ = plan(Path("content"))
    lines = apply([r for r in found if isinstance(r, Repair)], dry_run=True, content_dir=Path("content"))
    assert len(lines) == 3
    assert drift.read_bytes() == data and drift.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_sidecar_changed_since_the_plan_is_left_alone(drift):
    found, _ = plan(Path("content"))
    drift.write_text(drift.read_text().replace("Act alows", "Act alows."))
    edited = drift.read_bytes()
    failed: list[ContentError] = []
    lines = apply([r for r in found if isinstance(r, Repair)], content_dir=Path("content"), errors=failed)
    assert lines == [] and drift.read_bytes() == edited
    [error] = failed
    assert str(error).startswith(f"{drift}:6:1: error: the sidecar changed since fix read it")


def test_a_repair_the_build_would_reject_is_not_written(drift):
    data = drift.read_bytes()
    wrong = Repair(str(drift), 0, 6, (("quote", "within the margin the Act alows", "not in the article"),),
                   1.0, 0.0)
    with pytest.raises(ExceptionGroup) as caught:
        apply([wrong], content_dir=Path("content"))
    [error] = caught.value.exceptions
    assert "quote not found" in error.message and drift.read_bytes() == data


def test_a_briefing_with_other_errors_is_listed_but_not_repaired(drift):
    drift.write_text(drift.read_text().replace("speaker: ilse-marten", "speaker: nobody"))
    found, errors = plan(Path("content"))
    assert [e.message for e in errors] == ["unknown speaker 'nobody'"]
    assert all(isinstance(r, Unrepaired) for r in found) and len(found) == 5
    assert found[0].reason == "the sidecar has other errors: fix them first"


def test_a_repaired_site_builds(tmp_path: Path, monkeypatch):
    write_files(tmp_path, {
        "content/site.yml": "title: T\n",
        "content/briefings/a.md": "The envoy said the ceasefire would hold until May.\n",
        "content/briefings/a.yml": textwrap.dedent("""\
            title: A
            date: 2026-01-01
            annotations:
              - quote: the ceasfire would hold until May  # copied with a typo
            """)})
    monkeypatch.chdir(tmp_path)
    found, _ = plan(Path("content"))
    apply(found, content_dir=Path("content"))
    errors: list[ContentError] = []
    content = load(Path("content"), errors)
    assert errors == [] and content.briefings[0].annotations[0].quote == "the ceasefire would hold until May"
    assert "# copied with a typo" in Path("content/briefings/a.yml").read_text()
    assert diagnose(content.briefings[0], False) == []
