"""Big input builds (SPEC-NOTES 5): a 10 MB article, and 10,000 annotations on one article."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import run_cli, write_files

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()


def test_ten_megabyte_article_and_ten_thousand_annotations_build(tmp_path: Path):
    rng = random.Random(5)
    huge = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(70)) + f" marker{i}."
                       for i in range(25000))
    assert len(huge.encode()) > 10_000_000
    many = "\n\n".join(f"Sentence {i} says token{i} here." for i in range(10000))
    write_files(tmp_path, {
        "content/site.yml": "title: Big\n",
        "content/briefings/huge.md": huge,
        "content/briefings/huge.yml": "title: Huge\ndate: 2024-01-01\nannotations:\n" + "".join(
            f"  - quote: marker{i}.\n    kind: note\n" for i in range(0, 25000, 2500)),
        "content/briefings/many.md": many,
        "content/briefings/many.yml": "title: Many\ndate: 2024-01-02\nannotations:\n" + "".join(
            f"  - quote: token{i} here\n    kind: note\n    note: n{i}\n" for i in range(10000)),
    })
    run = run_cli("build", cwd=tmp_path, timeout=600)
    assert run.code == 0, run.err
    page = (tmp_path / "site/briefings/many/index.html").read_text()
    assert page.count('role="note"') == 10000
    assert 'id="note-' in page and "token9999 here</mark>" in page
    assert (tmp_path / "site/briefings/huge/index.html").stat().st_size > 10_000_000
