"""The preview answers only requests addressed to it: Host and websocket Origin checks, no outside reloads.

Over a real socket to 127.0.0.1, with forged headers, against a running `serve`."""

from __future__ import annotations

import base64
import http.client
import os
import socket

import pytest

from briefings.preview.http import host_allowed, origin_allowed
from serve_helpers import DEMO, start


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One serve process on a copy of the demo content."""
    served = start(tmp_path_factory.mktemp("preview-http"))
    yield served
    assert served.stop() == 0, served.output


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Send GET with exactly these headers (Host included) and return status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def handshake(port: int, host: str, origin: str | None) -> int:
    """Open the live-reload websocket by hand; return the HTTP status of the handshake (101 = open)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET /livereload HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"] + ([f"Origin: {origin}"] if origin else [])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = s.makefile("rb").readline().decode()
    return int(status_line.split()[1])


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}", "127.0.0.1.attacker.example:{port}",
                                  "localhost.attacker.example:{port}", "127.0.0.1:1", ""])
def test_a_foreign_host_gets_403_and_no_draft(server, host: str):
    status, body = request(server.port, f"/briefings/{DEMO}/", {"Host": host.format(port=server.port)})
    assert status == 403
    assert b"<html" not in body and b"briefing" not in body.lower()


@pytest.mark.parametrize("path", ["/", "/static/style.css", "/livereload.js", "/no/such/page/"])
def test_every_path_checks_the_host(server, path: str):
    assert request(server.port, path, {"Host": f"rebound.example:{server.port}"})[0] == 403


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_the_preview_own_addresses_are_served(server, host: str):
    status, body = request(server.port, f"/briefings/{DEMO}/", {"Host": host.format(port=server.port)})
    assert status == 200 and b"</html>" in body


def test_the_websocket_accepts_only_the_preview_own_pages(server):
    own = f"127.0.0.1:{server.port}"
    assert handshake(server.port, own, f"http://{own}") == 101
    assert handshake(server.port, f"localhost:{server.port}", f"http://localhost:{server.port}") == 101
    assert handshake(server.port, own, "https://attacker.example") == 403
    assert handshake(server.port, own, "null") == 403
    assert handshake(server.port, own, f"http://localhost:{server.port}") == 403  # another origin
    assert handshake(server.port, f"attacker.example:{server.port}", f"http://attacker.example:{server.port}") == 403


def test_no_request_can_reload_the_open_tabs(server):
    status, _ = request(server.port, "/forcereload?path=*", {"Host": f"127.0.0.1:{server.port}"})
    assert status == 404
    status, _ = request(server.port, "/forcereload", {"Host": f"attacker.example:{server.port}"})
    assert status == 403


def test_host_rules():
    assert host_allowed("127.0.0.1:8000", "127.0.0.1", 8000)
    assert host_allowed("LOCALHOST:8000", "127.0.0.1", 8000)
    assert host_allowed("192.168.1.20:8000", "0.0.0.0", 8000)  # a phone on the LAN, with --host 0.0.0.0
    assert host_allowed("laptop.lan:8000", "laptop.lan", 8000)  # the name given to --host
    assert host_allowed("localhost", "127.0.0.1", 80)
    assert not host_allowed("localhost", "127.0.0.1", 8000)
    assert not host_allowed("evil.example:8000", "127.0.0.1", 8000)
    assert not host_allowed("127.0.0.1:8000@evil.example", "127.0.0.1", 8000)
    assert not host_allowed("127.0.0.1:x", "127.0.0.1", 8000)
    assert not host_allowed(None, "127.0.0.1", 8000)


def test_origin_rules():
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not origin_allowed("https://127.0.0.1:8000", "127.0.0.1:8000")
    assert not origin_allowed("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not origin_allowed("null", "127.0.0.1:8000")
    assert not origin_allowed(None, "127.0.0.1:8000")
