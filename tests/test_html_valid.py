"""Every page of the demo site is valid HTML by the Nu HTML checker (issue 8)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import NODE_MODULES, require

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_nu_html_checker_finds_no_errors_on_any_page(demo_site: Path):
    require(shutil.which("java") is not None, "java is not installed (the Nu HTML checker needs it)")
    require(VNU.exists(), f"the Nu HTML checker is not installed ({VNU} is missing)")
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 20
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(demo_site)],
                         capture_output=True, text=True, timeout=300)
    errors = (run.stdout + run.stderr).strip().replace(demo_site.as_uri(), "site")
    assert run.returncode == 0 and not errors, errors
