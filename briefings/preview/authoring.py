"""Authoring in the preview, its HTTP side: the per-run secret, the tags added to every HTML page,
the authoring script and style, and the /_briefings/ API (see edits.py for what it does).

Who may write: a request must name the preview as its Host (no DNS-rebinding page), a POST must
come from the preview's own origin, and every API request must carry the secret that only the
preview's own pages hold - made anew each run, never written to disk. A foreign page cannot read
those pages (the Host check) and cannot send the secret's header without a CORS preflight, which
the preview never answers. No file path comes from a request: the briefing is named by its slug.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import json
import secrets
import sys
import traceback
from pathlib import Path

from .edits import Edits, Refused
from .http import host_allowed, origin_allowed

ASSETS = Path(__file__).resolve().parent / "assets"
"""The authoring script and style (written for the browser; served, never copied into a site)."""
TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
MAX_BODY = 1_000_000
"""The largest request body taken, in bytes (a note is a few hundred)."""
OFF = ("authoring is off: the preview listens on an address other computers can reach; "
       "start it with --allow-edits to annotate from the browser anyway")


def loopback(host: str) -> bool:
    """Tell whether an address only this machine can reach: localhost, 127.0.0.0/8 or ::1."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Authoring:
    """Whether the preview takes edits, the secret its pages carry, and the edits themselves."""

    def __init__(self, preview, host: str, port: int, enabled: bool) -> None:
        self.host, self.port, self.enabled = host.lower(), port, enabled
        self.secret = secrets.token_urlsafe(32)
        """Made at start, held only in memory and in the pages served this run."""
        self.edits = Edits(preview)

    def tags(self) -> bytes:
        """Return what goes before </head> of every HTML page besides the live-reload script."""
        if not self.enabled:
            return b""
        return (f'<link rel="stylesheet" href="/_briefings/authoring.css">'
                f'<script src="/_briefings/authoring.js" data-secret="{html.escape(self.secret)}" defer>'
                f'</script>').encode("ascii")

    def buttons(self) -> dict[int, tuple[int, str]]:
        """Return the error page's repair buttons: error number -> (offer number, passage)."""
        if not self.enabled:
            return {}
        try:
            return self.edits.buttons()
        except Exception as exc:  # a bug in a repair must never hide the errors themselves
            traceback.print_exception(exc, file=sys.stderr)
            return {}

    def secret_matches(self, given: str | None) -> bool:
        """Tell whether a request carries this run's secret (compared in constant time)."""
        return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), self.secret.encode())


def routes(authoring: Authoring) -> list:
    """Return the tornado routes of /_briefings/, to go before the static files."""
    from tornado import web

    class Api(web.RequestHandler):
        """A /_briefings/ request: refused unless it is the preview's own page's."""

        def prepare(self):
            """Refuse foreign hosts, foreign origins, requests without the secret, and all when off."""
            headers = self.request.headers
            if not host_allowed(headers.get("Host"), authoring.host, authoring.port):
                return self.answer(403, "this preview answers only requests addressed to it (see SECURITY.md)")
            if not authoring.enabled:
                return self.answer(403, OFF)
            if self.request.method != "GET" and not origin_allowed(headers.get("Origin"), headers.get("Host", "")):
                return self.answer(403, "a change must come from a page of this preview (Origin)")
            if not authoring.secret_matches(headers.get("X-Briefings-Secret")):
                return self.answer(403, "this request does not carry the preview's secret: reload the page")

        def answer(self, status: int, error: str | None = None, **fields) -> None:
            """Send a JSON answer: {"ok": true, ...fields} or {"ok": false, "error": error}."""
            self.set_status(status)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")
            body = {"ok": False, "error": error} if error is not None else {"ok": True, **fields}
            self.finish(json.dumps(body, ensure_ascii=False))

        def failed(self, exc: Exception) -> None:
            """Answer a refused change with its status, anything else as the bug it is (and print it)."""
            if isinstance(exc, Refused):
                return self.answer(exc.status, exc.message)
            traceback.print_exception(exc, file=sys.stderr)
            self.answer(500, f"internal error: {type(exc).__name__}: {exc}")

        def write_error(self, status_code: int, **kwargs):
            """Answer tornado's own refusals (a method not allowed) in JSON too."""
            self.answer(status_code, f"{status_code}: {self._reason}")

    class Context(Api):
        """GET /_briefings/context?page=PATH: what the authoring form offers on that page."""

        def get(self):
            """Answer the page's briefing, its sidecar's digest, kinds, speakers, provisions, annotations."""
            try:
                self.answer(200, **authoring.edits.context(self.get_query_argument("page", "")))
            except Exception as exc:
                self.failed(exc)

    class Annotations(Api):
        """POST /_briefings/annotations: add, note, delete or repair (one sidecar written, or none)."""

        async def post(self):
            """Check the body, then make the change off the server's thread (it reads and anchors)."""
            from tornado.ioloop import IOLoop
            try:
                change = parsed(self.request.headers.get("Content-Type", ""), self.request.body)
                message = await IOLoop.current().run_in_executor(None, authoring.edits.apply, change)
            except Exception as exc:
                return self.failed(exc)
            self.answer(200, message=message)

    class Asset(Api):
        """GET /_briefings/authoring.js or .css (Host-checked; no secret needed to load them)."""

        def prepare(self):
            """Refuse foreign hosts, and everything while authoring is off."""
            if not host_allowed(self.request.headers.get("Host"), authoring.host, authoring.port):
                return self.answer(403, "this preview answers only requests addressed to it (see SECURITY.md)")
            if not authoring.enabled:
                return self.answer(403, OFF)

        def get(self, suffix: str):
            """Send the asset, never cached (it may change while the preview runs in development)."""
            path = ASSETS / f"authoring.{suffix}"
            if not path.is_file():
                return self.answer(404, f"{path.name} is missing from the installed package")
            self.set_header("Content-Type", TYPES[suffix])
            self.set_header("Cache-Control", "no-store")
            self.finish(path.read_bytes())

    class Unknown(Api):
        """Any other /_briefings/ address."""

        def get(self):
            """Say there is nothing here."""
            self.answer(404, "no such address")

        post = get

    return [(r"/_briefings/authoring\.(js|css)", Asset), (r"/_briefings/context", Context),
            (r"/_briefings/annotations", Annotations), (r"/_briefings/.*", Unknown)]


def parsed(content_type: str, body: bytes) -> dict:
    """Return a POST body as a JSON object; refuse other types, bodies over MAX_BODY and bad JSON."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise Refused(400, "the body must be JSON (Content-Type: application/json)")
    if len(body) > MAX_BODY:
        raise Refused(413, f"the body is larger than {MAX_BODY:,} bytes")
    try:
        change = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(change, dict):
        raise Refused(400, "the body must be a JSON object")
    return change
