"""Authoring in the preview (preview/authoring.py, edits.py, repairs.py) over a real socket: only
the preview's own pages can write (Host, Origin, secret), and each write changes exactly the
intended entry of one sidecar - or, refused, nothing.

Against a running `serve` on a copy of the demo content, with forged headers where a test says so."""

from __future__ import annotations

import difflib
import html
import hashlib
import http.client
import json
import re
import time
from pathlib import Path

import pytest
from serve_helpers import DEMO, Served, copy_demo, save, start

from briefings.authoring.selector import article_text
from briefings.content.load import load
from briefings.errors import ContentError
from briefings.text.anchor import anchor
from briefings.text.mentions import Mentions

SECRET = re.compile(r'<script src="/_briefings/authoring\.js" data-secret="([^"]+)" defer></script>')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One serve process on a copy of the demo content; returns (served, base folder)."""
    base = tmp_path_factory.mktemp("authoring")
    served = start(base)
    yield served, base
    assert served.stop() == 0, served.output


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    """Send a request with exactly these headers (Host included); return status and parsed JSON (or bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        answer = conn.getresponse()
        data = answer.read()
        if answer.getheader("Content-Type", "").startswith("application/json"):
            return answer.status, json.loads(data)
        return answer.status, data
    finally:
        conn.close()


def own(port: int, secret: str | None, origin: bool = True) -> dict[str, str]:
    """Return the headers a preview's own page sends."""
    host = f"127.0.0.1:{port}"
    headers = {"Host": host, "Content-Type": "application/json"}
    if origin:
        headers["Origin"] = f"http://{host}"
    if secret is not None:
        headers["X-Briefings-Secret"] = secret
    return headers


def secret_of(served: Served) -> str:
    """Return the secret the preview put into a briefing page."""
    status, body = served.get(f"/briefings/{DEMO}/")
    assert status == 200
    found = SECRET.search(body)
    assert found, body[:3000]
    return found.group(1)


def sidecar(base: Path, slug: str = DEMO) -> Path:
    """Return the copied demo sidecar's path."""
    return base / "content" / "briefings" / f"{slug}.yml"


def context(served: Served, secret: str, page: str = f"/briefings/{DEMO}/", timeout: float = 30) -> dict:
    """Return the page's authoring context, waiting while the preview rebuilds after a write."""
    end = time.time() + timeout
    while True:
        status, answer = request(served.port, "GET", f"/_briefings/context?page={page}", own(served.port, secret))
        if status == 200:
            return answer
        assert status == 409 and time.time() < end, (status, answer, served.output)
        time.sleep(0.05)


def post(served: Served, secret: str | None, change: dict, **headers) -> tuple[int, dict]:
    """POST a change as the preview's own page would (headers override)."""
    sent = own(served.port, secret) | headers
    return request(served.port, "POST", "/_briefings/annotations", {k: v for k, v in sent.items() if v is not None},
                   json.dumps(change).encode())


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return the lines removed and the lines added between two texts."""
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def only_within(old: str, new: str, entry: str) -> bool:
    """Tell whether every line that differs between two texts lies inside the old text's entry
    that starts with the line entry (up to the next entry of the list)."""
    lines = old.splitlines()
    lo = next(n for n, line in enumerate(lines) if line.startswith(entry))
    hi = next((n for n in range(lo + 1, len(lines)) if lines[n].startswith("  - ")), len(lines))
    ops = difflib.SequenceMatcher(None, lines, new.splitlines(), autojunk=False).get_opcodes()
    return all(lo <= i1 and i2 <= hi for tag, i1, i2, _, _ in ops if tag != "equal")


def anchored(base: Path, slug: str = DEMO):
    """Load the copied content as the build does and anchor one briefing; return it and its article."""
    errors: list[ContentError] = []
    content = load(base / "content", errors)
    assert not errors, errors
    b = next(b for b in content.briefings if b.slug == slug)
    return b, anchor(b, content.site.allow_html, Mentions(content.speakers))


def add_change(ctx: dict, **fields) -> dict:
    """Return an add request for a unique quote of the demo, with fields overriding."""
    return {"action": "add", "slug": DEMO, "digest": ctx["digest"], "quote": "a noticeably shorter explanatory annex",
            "before": "a week later than in previous years and with ", "after": ". Read closely",
            "kind": "note", "note": "Shorter by **half**.", "speaker": "", "provision": "", "id": ""} | fields


def test_pages_carry_the_secret_which_no_file_holds(server):
    served, base = server
    secret = secret_of(served)
    assert len(secret) >= 40
    status, body = served.get(f"/briefings/{DEMO}/")
    assert '<link rel="stylesheet" href="/_briefings/authoring.css">' in body
    on_disk = (base / "site" / "briefings" / DEMO / "index.html").read_text(encoding="utf-8")
    assert "_briefings" not in on_disk and "livereload" not in on_disk
    for path in base.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_context_gives_the_form_what_it_offers(server):
    served, base = server
    ctx = context(served, secret_of(served))
    assert ctx["ok"] is True and ctx["slug"] == DEMO
    assert ctx["digest"] == hashlib.sha256(sidecar(base).read_bytes()).hexdigest()
    assert ctx["kinds"][0] == ["provision", "Provision"] and len(ctx["kinds"]) == 4
    names = [s["name"] for s in ctx["speakers"]]
    assert names == sorted(names) and {"id": "ilse-marten", "name": "Ilse Marten"} in ctx["speakers"]
    assert {"id": "coastal-waters-act/art-7", "label": "Coastal Waters Act 2025: Article 7"} in ctx["provisions"]
    ids = [a["id"] for a in ctx["annotations"]]
    assert ids[:2] == ["cod-quota-figure", "marten-within-margin"]
    assert ctx["annotations"][0]["note"].startswith("An increase of 1,500 tonnes")
    assert context(served, secret_of(served), f"/briefings/{DEMO}/index.html")["slug"] == DEMO
    assert context(served, secret_of(served), "/")["slug"] is None
    assert context(served, secret_of(served), "/briefings/no-such-briefing/")["slug"] is None


@pytest.mark.parametrize("headers", [{"X-Briefings-Secret": None}, {"X-Briefings-Secret": "wrong"},
                                     {"X-Briefings-Secret": ""}, {"Host": "attacker.example:{port}"}])
def test_context_needs_the_secret_and_the_own_host(server, headers):
    served, _ = server
    sent = own(served.port, secret_of(served)) | {k: v.format(port=served.port) if v else v for k, v in headers.items()}
    status, answer = request(served.port, "GET", f"/_briefings/context?page=/briefings/{DEMO}/",
                             {k: v for k, v in sent.items() if v is not None})
    assert status == 403 and answer["ok"] is False and "digest" not in answer


@pytest.mark.parametrize("forged", [
    {"Host": "attacker.example:{port}", "Origin": "http://attacker.example:{port}"},  # DNS rebinding
    {"Host": "127.0.0.1.attacker.example:{port}", "Origin": "http://127.0.0.1.attacker.example:{port}"},
    {"Origin": "http://attacker.example"},
    {"Origin": "https://127.0.0.1:{port}"},
    {"Origin": "http://localhost:{port}"},  # another origin than the Host's
    {"Origin": "null"},
    {"Origin": None},
    {"X-Briefings-Secret": None},
    {"X-Briefings-Secret": "x" * 43},
])
def test_a_write_from_anywhere_else_is_refused_and_changes_nothing(server, forged):
    served, base = server
    secret = secret_of(served)
    before = sidecar(base).read_bytes()
    headers = {k: v.format(port=served.port) if v else v for k, v in forged.items()}
    status, answer = post(served, secret, add_change(context(served, secret)), **headers)
    assert status == 403 and answer["ok"] is False, answer
    assert sidecar(base).read_bytes() == before


@pytest.mark.parametrize("body, headers, status", [
    (b"not json", {}, 400),
    (b"[1, 2]", {}, 400),
    (b'{"action": "add"}', {"Content-Type": "text/plain"}, 400),
    (b'{"action": "rename"}', {}, 400),
    (b'{"action": "note", "slug": 3}', {}, 400),
    (b'{"action": "add", "note": "' + b"x" * 1_000_001 + b'"}', {}, 413),
])
def test_malformed_requests_are_refused_and_change_nothing(server, body, headers, status):
    served, base = server
    before = sidecar(base).read_bytes()
    answer = request(served.port, "POST", "/_briefings/annotations", own(served.port, secret_of(served)) | headers, body)
    assert answer[0] == status and answer[1]["ok"] is False, answer
    assert sidecar(base).read_bytes() == before


def test_add_appends_exactly_one_entry_that_the_page_then_highlights(server):
    served, base = server
    secret = secret_of(served)
    old = sidecar(base).read_text(encoding="utf-8")
    status, answer = post(served, secret, add_change(context(served, secret)))
    assert status == 200 and answer["ok"] is True, answer
    new_text = sidecar(base).read_text(encoding="utf-8")
    removed, added = changed_lines(old, new_text)
    assert removed == [] and new_text.startswith(old.rstrip("\n"))  # appended at the end of the list
    assert [line.strip() for line in added][:2] == ["- quote: a noticeably shorter explanatory annex", "kind: note"]
    b, article = anchored(base)
    new = b.annotations[-1]
    assert (new.quote, new.kind, new.note, new.prefix, new.suffix, new.occurrence) == (
        "a noticeably shorter explanatory annex", "note", "Shorter by **half**.", "", "", 0)
    assert "id:" not in "".join(added)  # the derived id is the build's: not written
    start, end = article.spans[new.id]
    assert article.text[start:end] == "a noticeably shorter explanatory annex"
    served.wait_until(f"/briefings/{DEMO}/", lambda s, body: f'<mark id="{new.id}"' in body)
    assert [a["id"] for a in context(served, secret)["annotations"]][-1] == new.id


def test_a_quote_that_occurs_twice_anchors_where_it_was_selected(server):
    served, base = server
    secret = secret_of(served)
    b, _ = anchored(base)
    text = article_text(b.body)
    second = [m.span() for m in re.finditer("sprat cut", text)][1]
    change = add_change(context(served, secret), quote="sprat cut", note="",
                        before=text[max(0, second[0] - 200):second[0]], after=text[second[1]:second[1] + 200])
    status, answer = post(served, secret, change)
    assert status == 200, answer
    b, article = anchored(base)
    new = b.annotations[-1]
    assert new.quote == "sprat cut" and (new.prefix or new.suffix or new.occurrence)
    assert article.spans[new.id] == second
    page = served.wait_until(f"/briefings/{DEMO}/", lambda s, body: f'<mark id="{new.id}"' in body)[1]
    assert page.index(f'<mark id="{new.id}"') > page.index("questioned the")


def test_note_changes_only_that_note_and_delete_only_that_entry(server):
    served, base = server
    secret = secret_of(served)
    old = sidecar(base).read_text(encoding="utf-8")
    anchored_before = anchored(base)[0].annotations
    change = {"action": "note", "slug": DEMO, "digest": context(served, secret)["digest"],
              "id": "herring-correction", "note": "Checked again on 21 January."}
    status, answer = post(served, secret, change)
    assert status == 200, answer
    mid = sidecar(base).read_text(encoding="utf-8")
    assert only_within(old, mid, "  - quote: Herring stays flat")
    before = {a.id: a for a in anchored_before}
    after = {a.id: a for a in anchored(base)[0].annotations}
    assert after["herring-correction"].note == "Checked again on 21 January."
    assert [i for i in before if before[i] != after[i]] == ["herring-correction"]
    ctx = context(served, secret)
    while ctx["digest"] != hashlib.sha256(mid.encode()).hexdigest():  # the rebuild has not read it yet
        time.sleep(0.05)
        ctx = context(served, secret)
    status, answer = post(served, secret, {"action": "delete", "slug": DEMO, "digest": ctx["digest"],
                                           "id": "herring-correction"})
    assert status == 200, answer
    removed, added = changed_lines(mid, sidecar(base).read_text(encoding="utf-8"))
    assert added == [] and [line.strip() for line in removed][:3] == ["- quote: Herring stays flat at 61,000 tonnes",
                                                                      "kind: correction", "id: herring-correction"]
    assert only_within(mid, sidecar(base).read_text(encoding="utf-8"), "  - quote: Herring stays flat")
    assert [a.id for a in anchored(base)[0].annotations] == [i for i in after if i != "herring-correction"]


def test_a_stale_digest_is_refused_with_409_and_changes_nothing(server):
    served, base = server
    secret = secret_of(served)
    ctx = context(served, secret)
    before = sidecar(base).read_bytes()
    for change in (add_change(ctx, digest="0" * 64),
                   {"action": "note", "slug": DEMO, "digest": "0" * 64, "id": "cod-quota-figure", "note": "x"},
                   {"action": "delete", "slug": DEMO, "digest": hashlib.sha256(b"old").hexdigest(),
                    "id": "cod-quota-figure"}):
        status, answer = post(served, secret, change)
        assert status == 409 and answer["ok"] is False, answer
        assert sidecar(base).read_bytes() == before


def test_a_sidecar_saved_since_the_page_was_built_is_not_overwritten(server):
    served, base = server
    secret = secret_of(served)
    ctx = context(served, secret)
    edited = sidecar(base).read_text(encoding="utf-8") + "# saved in the editor meanwhile\n"
    save(sidecar(base), edited)
    status, answer = post(served, secret, add_change(ctx))
    assert status == 409, answer
    assert sidecar(base).read_text(encoding="utf-8") == edited


def test_an_unknown_speaker_is_refused_with_the_loader_message(server):
    served, base = server
    secret = secret_of(served)
    before = sidecar(base).read_bytes()
    change = add_change(context(served, secret), kind="statement", speaker="nobody-at-all", quote="the autumn trawl",
                        before="updated survey data\" from ", after=" but does not say")
    status, answer = post(served, secret, change)
    assert status == 422 and answer["ok"] is False, answer
    assert re.match(rf".*{DEMO}\.yml:\d+:\d+: error: unknown speaker 'nobody-at-all'", answer["error"]), answer
    assert sidecar(base).read_bytes() == before


@pytest.mark.parametrize("change, status", [
    ({"action": "note", "slug": "no-such-briefing", "id": "x", "note": ""}, 404),
    ({"action": "note", "slug": DEMO, "id": "no-such-annotation", "note": ""}, 404),
    ({"action": "add", "slug": DEMO, "quote": "words the article never says"}, 422),
])
def test_unknown_briefings_annotations_and_quotes_are_refused(server, change, status):
    served, base = server
    secret = secret_of(served)
    before = sidecar(base).read_bytes()
    answer = post(served, secret, {"digest": context(served, secret)["digest"], "kind": "note"} | change)
    assert answer[0] == status and answer[1]["ok"] is False, answer
    assert sidecar(base).read_bytes() == before


def test_the_assets_are_served_to_the_own_host_only(server):
    served, _ = server
    for name, kind in (("authoring.js", "text/javascript"), ("authoring.css", "text/css")):
        status, body = request(served.port, "GET", f"/_briefings/{name}", {"Host": f"127.0.0.1:{served.port}"})
        assert status in (200, 404)  # 404 until the browser client is written
        status, answer = request(served.port, "GET", f"/_briefings/{name}", {"Host": f"evil.example:{served.port}"})
        assert status == 403


@pytest.mark.parametrize("allow", [False, True])
def test_a_host_others_can_reach_has_no_authoring_unless_allowed(tmp_path, allow):
    content = copy_demo(tmp_path)
    served = Served(tmp_path, "--content", str(content), "--out", str(tmp_path / "site"), "--host", "0.0.0.0",
                    *(["--allow-edits"] if allow else []))
    try:
        served.wait_for_output("live reload is on")
        status, body = served.get(f"/briefings/{DEMO}/")
        assert status == 200 and ("data-secret" in body) == allow and ("_briefings" in body) == allow
        if allow:
            served.wait_for_output("warning: --allow-edits: anyone who can open")
            secret = SECRET.search(body).group(1)
            assert context(served, secret)["slug"] == DEMO
        else:
            served.wait_for_output("annotating in the browser is off")
            before = sidecar(tmp_path).read_bytes()
            status, answer = post(served, "anything", {"action": "delete", "slug": DEMO, "digest": "", "id": "x"})
            assert status == 403 and "--allow-edits" in answer["error"]
            assert request(served.port, "GET", "/_briefings/authoring.js", {"Host": f"127.0.0.1:{served.port}"})[0] == 403
            assert sidecar(tmp_path).read_bytes() == before
    finally:
        assert served.stop() == 0, served.output


BUTTON = re.compile(r'<button type="button" class="briefings-repair" data-offer="(\d+)" data-quote="([^"]*)">'
                    r'Use this passage</button>')


def test_the_error_page_offers_a_repair_that_the_button_applies(tmp_path):
    served = start(tmp_path)
    try:
        yml = sidecar(tmp_path)
        good = yml.read_text(encoding="utf-8")
        drifted = (good.replace("quote: exceeds the advice by about 3.8 percent",
                                "quote: exceeds the advise by about 3.8 percent", 1)
                   + "  - quote: 'relies on \"updated survey dta\" from the autumn'\n    kind: note\n")
        save(yml, drifted)
        status, page = served.wait_until(f"/briefings/{DEMO}/", lambda s, body: len(BUTTON.findall(body)) == 2)
        assert status == 500 and "data-secret" in page  # the authoring script comes with the error page
        secret = SECRET.search(page).group(1)
        offers = [(int(n), html.unescape(q)) for n, q in BUTTON.findall(page)]
        assert [q for _, q in offers] == ["exceeds the advice by about 3.8 percent",
                                          'relies on "updated survey data" from the autumn']
        assert '&quot;updated survey data&quot;' in page
        for n, quote in ((offers[0][0], "another passage"), (7, offers[0][1])):  # changed or gone: refused
            status, answer = post(served, secret, {"action": "repair", "offer": n, "quote": quote})
            assert status == 409, answer
        assert yml.read_text(encoding="utf-8") == drifted
        status, answer = post(served, secret, {"action": "repair", "offer": offers[1][0], "quote": offers[1][1]})
        assert status == 200 and answer["ok"], answer
        removed, added = changed_lines(drifted, yml.read_text(encoding="utf-8"))
        assert removed == ["  - quote: 'relies on \"updated survey dta\" from the autumn'"]
        assert added == ["  - quote: 'relies on \"updated survey data\" from the autumn'"]
        status, page = served.wait_until(f"/briefings/{DEMO}/", lambda s, body: len(BUTTON.findall(body)) == 1)
        (n, quote), = [(int(n), html.unescape(q)) for n, q in BUTTON.findall(page)]
        status, answer = post(served, secret, {"action": "repair", "offer": n, "quote": quote})
        assert status == 200, answer
        repaired = yml.read_text(encoding="utf-8")
        assert changed_lines(drifted, repaired)[1][0] == "  - quote: exceeds the advice by about 3.8 percent"
        served.wait_until(f"/briefings/{DEMO}/", lambda s, body: s == 200)
    finally:
        assert served.stop() == 0, served.output
    assert "Traceback" not in served.output
