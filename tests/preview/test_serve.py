"""`briefings serve` over real HTTP: confinement to the output folder, errors in the browser, port
trouble, Ctrl-C; and the watcher's one-rebuild-per-burst, unit-tested."""

from __future__ import annotations

import functools
import os
import shutil
import html
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from serve_helpers import DEMO, Served, copy_demo, edit_note, free_port, save, start

from briefings.cli import parser
from briefings.pipeline import Options
from briefings.preview.http import error_page, safe_path
from briefings.preview.serve import Preview, url
from briefings.preview.watch import Watcher

ESCAPES = [
    "/../", "/../secret.txt", "/../../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/static/../../secret.txt",
    "/static/%2e%2e/%2e%2e/secret.txt", "/static%2f..%2f..%2fsecret.txt", "/%5c..%5csecret.txt",
    "/..\\secret.txt", "//etc/passwd", "/%2f%2fetc/passwd", "/static/..%5c..%5csecret.txt",
    "/%252e%252e/secret.txt", "/..;/secret.txt", "/%00/../secret.txt",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One serve process on a copy of the demo content, with a secret file beside the output."""
    base = tmp_path_factory.mktemp("serve")
    (base / "secret.txt").write_text("SECRET-OUTSIDE-THE-SITE\n")
    served = start(base)
    yield served, base
    assert served.stop() == 0, served.output


@pytest.mark.parametrize("raw", ESCAPES)
def test_requests_never_leave_the_output_folder(server, raw):
    served, _ = server
    status, body = served.get(raw)
    assert status == 404, (raw, status)
    assert "SECRET" not in body and "root:" not in body


def test_the_site_itself_is_served(server):
    served, _ = server
    status, body = served.get(f"/briefings/{DEMO}/")
    assert status == 200 and "</html>" in body
    assert "livereload.js" in body  # livereload injected its script
    assert served.get("/static/style.css")[0] == 200


def test_binds_127_0_0_1_by_default_and_prints_the_url(server):
    served, _ = server
    assert parser().parse_args(["serve"]).host == "127.0.0.1"
    assert f"http://127.0.0.1:{served.port}/" in served.output
    with socket.create_connection(("127.0.0.1", served.port), timeout=5):
        pass


def test_safe_path_rules():
    assert safe_path("/briefings/x/") and safe_path("/static/style.css") and safe_path("/a..b/")
    for raw in ("/../x", "/%2e%2e/x", "/a%2fb", "/a%5cb", "/a\\b", "/%00"):
        assert not safe_path(raw), raw


def test_url_for_hosts():
    assert url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert url("::1", 8000) == "http://[::1]:8000/"


def test_content_error_shows_in_browser_and_terminal_and_server_survives(tmp_path):
    served = start(tmp_path)
    try:
        yml = tmp_path / f"content/briefings/{DEMO}.yml"
        good = yml.read_text()
        save(yml, good.replace("date: 2026-01-19", "date: [2026-01-19", 1))
        status, body = served.wait_until(f"/briefings/{DEMO}/", lambda s, b: "invalid YAML" in b)
        assert status == 500
        path = f"content/briefings/{DEMO}.yml:"
        served.wait_for_output(path)  # the terminal has the PATH:LINE:COLUMN: error: line ...
        line = next(x for x in served.lines if x.startswith(path))
        assert re.fullmatch(rf"{re.escape(path)}\d+:\d+: error: invalid YAML.*", line)
        assert html.escape(line) in body and "</head>" in body  # ... and so has the page
        assert "livereload.js" in body  # the error page reloads by itself once fixed
        assert served.get("/static/style.css")[0] == 200  # assets still come from the last good site
        save(yml, good.replace("speaker: ilse-marten", "speaker: ilse-martin", 1))
        status, body = served.wait_until(f"/briefings/{DEMO}/", lambda s, b: "ilse-martin" in b)
        assert status == 500 and "unknown speaker" in body and "did you mean" in body
        save(yml, good)
        edit_note(yml, "Fixed note after the errors.")
        served.wait_until(f"/briefings/{DEMO}/", lambda s, b: s == 200 and "Fixed note after" in b)
        assert served.proc.poll() is None
    finally:
        assert served.stop() == 0, served.output
    assert "Traceback" not in served.output


def test_template_error_shows_in_browser(tmp_path):
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    served = start(tmp_path, "--templates", str(templates))
    try:
        save(templates / "briefing.html", '{% extends "default:briefing.html" %}\n{% if %}\n')
        status, body = served.wait_until(f"/briefings/{DEMO}/", lambda s, b: s == 500)
        assert "mytemplates/briefing.html:2" in body, body
        (templates / "briefing.html").unlink()
        served.wait_until(f"/briefings/{DEMO}/", lambda s, b: s == 200)
    finally:
        assert served.stop() == 0, served.output


def test_port_taken_is_a_clear_error(tmp_path):
    copy_demo(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = Served(tmp_path, "--content", "content", "--out", "site", port=port)
        code = served.stop(timeout=60) if served.proc.wait(60) is None else served.proc.returncode
    served.reader.join(5)
    assert code == 1
    assert f"port {port}" in served.output and "already in use" in served.output
    assert "Traceback" not in served.output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_exits_cleanly_and_leaves_nothing_behind(tmp_path, sig):
    served = start(tmp_path)
    yml = tmp_path / f"content/briefings/{DEMO}.yml"
    for n in range(2):  # after two rebuilds the preview keeps a spare folder beside the output
        edit_note(yml, f"Edit {n}.")
        served.wait_until(f"/briefings/{DEMO}/", lambda s, b, n=n: f"Edit {n}." in b)
    assert served.stop(sig) == 0
    assert "Traceback" not in served.output and "preview stopped" in served.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    assert (tmp_path / f"site/briefings/{DEMO}/index.html").is_file()


def ignore_sigint() -> None:
    """In the child before exec: ignore SIGINT, as a shell does for `briefings serve &` in a script."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_a_child_started_this_way_really_ignores_sigint():
    # The premise of the test below: SIG_IGN survives exec, and Python then installs no handler.
    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    shown = subprocess.run([sys.executable, "-c", code], preexec_fn=ignore_sigint, capture_output=True,
                           text=True, timeout=30)
    assert shown.stdout.strip() == "True", shown


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_preview_started_in_the_background_stops_on_sigint_and_sigterm(tmp_path, monkeypatch, sig):
    # Served has no say in how its child starts: give this one child SIGINT ignored, as `&` does.
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", functools.partial(popen, preexec_fn=ignore_sigint))
    served = start(tmp_path)
    monkeypatch.setattr(subprocess, "Popen", popen)
    assert served.get(f"/briefings/{DEMO}/")[0] == 200
    code = served.stop(sig, timeout=10)  # a process the signal did not stop in 10 s is killed: -9
    assert code == 0, served.output
    assert "preview stopped" in served.output and "Traceback" not in served.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_a_second_signal_does_not_cut_the_stop_short(tmp_path):
    # A script may send SIGINT and then SIGTERM at once: the stop the first began must finish.
    served = start(tmp_path)
    served.proc.send_signal(signal.SIGINT)
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(10) == 0, served.output
    served.reader.join(5)
    assert "preview stopped" in served.output and "Traceback" not in served.output


def test_a_killed_preview_leaves_temp_folders_the_next_build_cleans(tmp_path):
    served = start(tmp_path)
    yml = tmp_path / f"content/briefings/{DEMO}.yml"
    for n in range(2):
        edit_note(yml, f"Edit {n}.")
        served.wait_until(f"/briefings/{DEMO}/", lambda s, b, n=n: f"Edit {n}." in b)
    served.stop(signal.SIGKILL)
    assert any(p.name.startswith(".site.tmp-") for p in tmp_path.iterdir())
    again = start(tmp_path / "again", out=tmp_path / "site")
    assert again.stop() == 0
    assert not any(p.name.startswith(".site.tmp-") for p in tmp_path.iterdir())


def wait_for_reload(reloads: list, then: float) -> None:
    """Wait (up to 10 s) until the preview has reloaded once, then a little longer for any extra."""
    deadline = time.time() + 10
    while not reloads and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(then)


def test_a_burst_of_saves_makes_one_write_and_one_reload(tmp_path):
    content = copy_demo(tmp_path)
    preview = Preview(Options(content=content, out=tmp_path / "site"), out=open("/dev/null", "w"))
    preview.build()
    prepared, writes, reloads = [], [], []
    site = preview.engine
    prepare, commit = site.prepare, site.commit
    site.prepare = lambda changed=None: prepared.append(set(changed)) or prepare(changed)
    site.commit = lambda p: writes.append(time.monotonic()) or commit(p)
    preview.reload = lambda: reloads.append(time.monotonic())
    watcher = Watcher([content], preview.build)
    watcher.begin()
    try:
        files = sorted(content.rglob("*.yml"))[:8]
        for n, path in enumerate(files):  # like `git checkout`: many files, a few ms apart
            path.write_text(path.read_text() + f"\n# burst {n}\n")
            time.sleep(0.005)
        last_save = time.monotonic()
        wait_for_reload(reloads, then=0.5)
    finally:
        watcher.end()
    assert len(writes) == 1 and len(reloads) == 1
    assert writes[0] - last_save >= 0.04  # written only once the burst was over
    assert len(prepared) <= 2  # started at the first notice, prepared again with the rest
    assert set().union(*prepared) == {str(p.resolve()) for p in files}


def test_a_lone_save_is_prepared_once(tmp_path):
    content = copy_demo(tmp_path)
    preview = Preview(Options(content=content, out=tmp_path / "site"), out=open("/dev/null", "w"))
    preview.build()
    prepared, reloads = [], []
    prepare = preview.engine.prepare
    preview.engine.prepare = lambda changed=None: prepared.append(set(changed)) or prepare(changed)
    preview.reload = lambda: reloads.append(1)
    watcher = Watcher([content], preview.build)
    watcher.begin()
    try:
        yml = content / f"briefings/{DEMO}.yml"
        edit_note(yml, "A lone save.")
        wait_for_reload(reloads, then=0.3)
    finally:
        watcher.end()
    assert prepared == [{str(yml.resolve())}] and reloads == [1]
    assert "A lone save." in (tmp_path / f"site/briefings/{DEMO}/index.html").read_text()


def test_watcher_ignores_hidden_editor_and_output_files(tmp_path):
    out = tmp_path / "content/site"
    (tmp_path / "content").mkdir()
    preview = Preview(Options(content=tmp_path / "content", out=tmp_path / "elsewhere"), out=open("/dev/null", "w"))
    watcher = Watcher([tmp_path / "content"], lambda changed: None, matters=preview.matters)
    root = str((tmp_path / "content").resolve())
    assert watcher.wanted(None, f"{root}/briefings/a.yml")
    for name in (".a.yml.swp", "a.yml~", ".#a.yml", ".git/HEAD", "b/.hidden/x.yml", "a.yml.swp"):
        assert not watcher.wanted(None, f"{root}/{name}"), name
    assert not watcher.wanted(None, f"{out.resolve()}/index.html")


def test_reload_waits_for_the_swap(tmp_path):
    """The reload is asked for only after the new output is on disk."""
    content = copy_demo(tmp_path)
    preview = Preview(Options(content=content, out=tmp_path / "site"), out=open("/dev/null", "w"))
    preview.build()
    page = tmp_path / f"site/briefings/{DEMO}/index.html"
    seen = []
    preview.reload = lambda: seen.append("Seen at reload time." in page.read_text())
    yml = content / f"briefings/{DEMO}.yml"
    edit_note(yml, "Seen at reload time.")
    preview.build({str(yml.resolve())})
    assert seen == [True]


def test_error_page_escapes_messages():
    page = error_page(("a.yml:1:1: error: <script>alert(1)</script>",)).decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "</head>" in page


def test_rebuilds_run_one_at_a_time(tmp_path):
    content = copy_demo(tmp_path)
    preview = Preview(Options(content=content, out=tmp_path / "site"), out=open("/dev/null", "w"))
    active, most = [0], [0]
    real = preview.engine.prepare

    def counting(changed=None):
        active[0] += 1
        most[0] = max(most[0], active[0])
        try:
            return real(changed)
        finally:
            active[0] -= 1
    preview.engine.prepare = counting
    threads = [threading.Thread(target=preview.build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert most[0] == 1


def test_port_is_free_helper():
    assert 0 < free_port() < 65536


def test_a_missing_content_folder_is_a_clear_error(tmp_path):
    served = Served(tmp_path, "--content", "nowhere", "--out", "site")
    assert served.proc.wait(60) == 1
    served.reader.join(5)
    assert "content folder nowhere does not exist" in served.output
    assert "Traceback" not in served.output


def test_changes_made_while_the_first_notice_is_handled_are_not_lost(tmp_path):
    folder = tmp_path / "watched"
    folder.mkdir()
    calls = []

    def slow(batch, settled):  # like a rebuild that takes a while
        time.sleep(0.3)
        calls.append((sorted(Path(p).name for p in batch), sorted(Path(p).name for p in settled())))

    watcher = Watcher([folder], slow)
    watcher.begin()
    try:
        (folder / "a.yml").write_text("a")
        time.sleep(0.15)  # the watcher is busy with a.yml now
        (folder / "b.yml").write_text("b")
        deadline = time.time() + 10
        while not calls and time.time() < deadline:
            time.sleep(0.01)
    finally:
        watcher.end()
    assert calls == [(["a.yml"], ["b.yml"])]


def test_a_callback_that_does_not_wait_gets_the_rest_of_the_burst(tmp_path):
    folder = tmp_path / "watched"
    folder.mkdir()
    calls = []
    watcher = Watcher([folder], lambda batch, settled: calls.append(sorted(Path(p).name for p in batch)))
    watcher.begin()
    try:
        (folder / "a.yml").write_text("a")
        time.sleep(0.03)
        (folder / "b.yml").write_text("b")
        time.sleep(0.5)
    finally:
        watcher.end()
    assert sorted(name for batch in calls for name in batch) == ["a.yml", "b.yml"]


def test_the_preview_recovers_once_a_deleted_content_folder_is_back(tmp_path):
    served = start(tmp_path)
    try:
        content = tmp_path / "content"
        backup = tmp_path / "backup"
        shutil.copytree(content, backup)
        shutil.rmtree(content)  # a new folder comes back: the kernel's watch on the old one is gone
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: status == 500 and "does not exist" in body)
        shutil.copytree(backup, content)
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: status == 200)
        edit_note(content / f"briefings/{DEMO}.yml", "NOTE-AFTER-THE-RETURN")
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: "NOTE-AFTER-THE-RETURN" in body)
        os.rename(content, tmp_path / "aside")  # renamed away and back: the same folder, watched again
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: status == 500)
        os.rename(tmp_path / "aside", content)
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: status == 200)
        edit_note(content / f"briefings/{DEMO}.yml", "NOTE-AFTER-THE-RENAME")
        served.wait_until(f"/briefings/{DEMO}/", lambda status, body: "NOTE-AFTER-THE-RENAME" in body)
    finally:
        assert served.stop() == 0, served.output
