"""The minimal fixture site builds and its briefing page carries the highlight contract."""

from conftest import run_cli


def test_minimal_site_builds(project):
    root = project()
    run = run_cli("build", cwd=root)
    assert run.code == 0, run.err
    page = (root / "site/briefings/first/index.html").read_text()
    assert 'data-annotations="' in page
    assert "<mark" in page and "talks would resume</mark>" in page
