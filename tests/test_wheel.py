"""The package as users get it: the wheel installed (not editable) into a fresh environment.

A new site is started with that install's `briefings init`, then checked, built and served, from a
folder outside the source tree, so templates and static files can only come from the wheel.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from briefings import __version__
from conftest import ROOT, require


def run(args: list, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a command, failing the test with its output when it fails."""
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory):
    """Build the sdist and wheel, install the wheel into a new venv; return (venv, env, wheel)."""
    require(subprocess.run([sys.executable, "-c", "import build"]).returncode == 0,
            "the 'build' package is not installed")
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # -P: the repository's build.py must not shadow the build package (python -m puts cwd first).
    run([sys.executable, "-P", "-m", "build", "--outdir", work / "dist", ROOT], cwd=work, env=env)
    wheel = next((work / "dist").glob("briefings-*.whl"))
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=work, env=env)
    run([venv / "bin/pip", "install", "--quiet", "--no-input", wheel], cwd=work, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv, env, wheel


def test_distributions_pass_twine_check(wheel_install):
    _, env, wheel = wheel_install
    require(subprocess.run([sys.executable, "-c", "import twine"]).returncode == 0, "twine is not installed")
    dists = sorted(str(p) for p in wheel.parent.iterdir())
    run([sys.executable, "-m", "twine", "check", "--strict", *dists], cwd=wheel.parent, env=env)


def test_the_wheel_holds_the_theme_and_the_starter(wheel_install):
    _, _, wheel = wheel_install
    names = set(zipfile.ZipFile(wheel).namelist())
    for theme in ("base.html", "briefing.html", "static/style.css", "static/briefing.js"):
        assert f"briefings/default_templates/{theme}" in names
    for rel in ("content/site.yml", "content/briefings/welcome.yml", "github/workflows/pages.yml", "gitignore"):
        assert f"briefings/starter/files/{rel}" in names
    for asset in ("authoring.js", "authoring.css"):  # the preview's authoring client
        assert f"briefings/preview/assets/{asset}" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "content/", "benches/"))]


def test_init_check_build_and_serve_with_the_installed_wheel(wheel_install, tmp_path: Path):
    venv, env, _ = wheel_install
    where = run([venv / "bin/python", "-c", "import briefings; print(briefings.__file__)"], cwd=tmp_path, env=env)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(venv), package  # not the source tree
    assert run([venv / "bin/briefings", "--version"], cwd=tmp_path, env=env).stdout == f"briefings {__version__}\n"
    run([venv / "bin/briefings", "init", "--title", "Wheel Desk"], cwd=tmp_path, env=env)
    assert f'"briefings=={__version__}"' in (tmp_path / ".github/workflows/pages.yml").read_text()
    checked = run([venv / "bin/briefings", "check"], cwd=tmp_path, env=env)
    assert checked.stdout.startswith("checked 1 briefing, ")
    run([venv / "bin/briefings", "build"], cwd=tmp_path, env=env)
    site = tmp_path / "site"
    assert "Wheel Desk" in (site / "index.html").read_text()
    theme = package / "default_templates/static"
    for name in ("style.css", "briefing.js"):
        assert (site / "static" / name).read_bytes() == (theme / name).read_bytes()
    serve_smoke(venv, env, tmp_path)


def free_port() -> int:
    """Return a port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_smoke(venv: Path, env: dict, folder: Path) -> None:
    """Start the installed preview, fetch pages from it, then stop it with SIGINT."""
    port = free_port()
    proc = subprocess.Popen([venv / "bin/briefings", "serve", "--port", str(port)], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "briefings/welcome/", timeout=5) as answer:
                    assert answer.status == 200 and b"Sea wall before winter" in answer.read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the preview did not answer"
                time.sleep(0.2)
        with urllib.request.urlopen(base + "static/style.css", timeout=5) as answer:
            assert answer.status == 200
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0, output
        assert "preview stopped" in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
