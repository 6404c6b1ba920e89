"""The preview's HTTP side: livereload's server with every request's Host checked, its websocket's
Origin checked, no outside reload trigger, the static file handler confined to the output folder,
and the page shown while the build is broken.

Why the Host check: a web page the editor visits can point a name it controls at 127.0.0.1 (DNS
rebinding) and then read the drafts as same-origin. Such a request carries that name as its Host,
so only the preview's own address, localhost and IP literals (which no DNS answer can rebind) are
answered; everything else gets 403.
"""

from __future__ import annotations

import html
import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit


def error_page(errors: tuple[str, ...], buttons: dict[int, tuple[int, str]] | None = None) -> bytes:
    """Return the HTML page shown while the build is broken (it has </head>, so livereload reloads it);
    buttons: error number -> (repair offer number, passage) for the errors the preview can repair."""
    buttons = buttons or {}
    items = "\n".join(f"<li><code>{html.escape(e)}</code>{repair_button(*buttons[n]) if n in buttons else ''}</li>"
                       for n, e in enumerate(errors))
    n = len(errors)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Build failed - briefings preview</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
h1 {{ color: #a00; font-size: 1.4rem; }} li {{ margin: .4rem 0; }}
code {{ white-space: pre-wrap; word-break: break-word; }}
</style>
</head>
<body>
<main id="briefings-errors">
<h1>The site could not be rebuilt: {n} error{'s' if n != 1 else ''}</h1>
<ul>
{items}
</ul>
<p>Fix the file and save: this page reloads by itself.</p>
</main>
</body>
</html>
""".encode("utf-8")


def repair_button(offer: int, passage: str) -> str:
    """Return the error page's button that applies one repair offer (the authoring script sends it)."""
    return (f' <button type="button" class="briefings-repair" data-offer="{offer}"'
            f' data-quote="{html.escape(passage, quote=True)}">Use this passage</button>')


def safe_path(raw: str) -> bool:
    """Tell whether a request path (still percent-encoded) stays inside the site."""
    lowered = raw.lower()
    if "%2f" in lowered or "%5c" in lowered or "\\" in raw:
        return False
    decoded = unquote(raw)
    return "\x00" not in decoded and "\\" not in decoded and ".." not in decoded.split("/")


def inside(path: str, root: str) -> bool:
    """Tell whether an absolute path is root or lies below it."""
    root = os.path.abspath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def host_allowed(header: str | None, bound: str, port: int) -> bool:
    """Tell whether a request's Host header names this preview: its port, and localhost, an IP
    literal, the address it listens on, or this machine's name."""
    if not header:
        return False
    try:
        parts = urlsplit(f"//{header}")
        name, given = (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return False
    if (given or 80) != port:
        return False
    if name in ("localhost", bound.lower(), socket.gethostname().lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def origin_allowed(origin: str | None, host: str) -> bool:
    """Tell whether a websocket's Origin is the page's own: http:// and the same host and port."""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme == "http" and parts.netloc.lower() == host.lower() and not parts.path.strip("/")


LIVE_SCRIPT = (b'<script>(function () { var s = document.createElement("script");'
               b' s.src = "//" + location.host + "/livereload.js?port=" + (location.port || 80);'
               b' document.head.appendChild(s); })();</script>')
"""Loads livereload's client from the page's own address (it then connects to /livereload)."""


def preview_server(preview, watcher, host: str, port: int, authoring=None):
    """Return livereload's Server for the preview, with checked handlers in place of its own, and
    authoring's tags and routes (preview/authoring.py) when given."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from tornado import web

    from .authoring import routes as authoring_routes

    def check_host(handler) -> bool:
        """Answer 403 to a request whose Host is not this preview's; tell whether it was refused."""
        if host_allowed(handler.request.headers.get("Host"), host.lower(), port):
            return False
        handler.set_status(403)
        handler.set_header("Content-Type", "text/plain; charset=utf-8")
        handler.finish("403: this preview answers only requests addressed to it (see SECURITY.md)\n")
        return True

    class Reload(LiveReloadHandler):
        """livereload's websocket, for this preview's own pages only."""

        def prepare(self):
            """Refuse foreign hosts before the websocket handshake."""
            check_host(self)

        def check_origin(self, origin):
            """Accept only the preview's own pages (livereload accepts any origin)."""
            return origin_allowed(origin, self.request.headers.get("Host", ""))

    class Client(LiveReloadJSHandler):
        """livereload's browser client."""

        def prepare(self):
            """Refuse foreign hosts."""
            check_host(self)

    class Inject(LiveScriptInjector):
        """Add the live-reload client (and the authoring tags, with this run's secret) to every HTML
        page as it is sent: the files on disk never hold them."""

        script = LIVE_SCRIPT + (authoring.tags() if authoring is not None else b"")

    class PreviewServer(Server):
        """livereload's Server with the handlers above and no /forcereload: reloads come from the
        rebuild itself, never from a request."""

        def application(self, port, host, liveport=None, debug=None, live_css=True):
            LiveReloadHandler.watcher, LiveReloadHandler.live_css = self.watcher, live_css
            files = handler_class(preview, check_host, authoring.buttons if authoring is not None else dict)
            own = authoring_routes(authoring) if authoring is not None else []
            routes = [(r"/livereload", Reload), (r"/livereload.js", Client), *own,
                      (r"/(.*)", files, {"path": self.root or ".", "default_filename": self.default_filename})]
            web.Application(handlers=routes, transforms=[Inject]).listen(port, address=host)

    return PreviewServer(watcher=watcher)


def handler_class(preview, check_host=lambda handler: False, buttons=dict):
    """Return livereload's static file handler, confined to the output folder, showing preview.errors
    (with buttons() - see error_page - on them)."""
    from livereload.server import StaticFileHandler
    from tornado.web import HTTPError

    class Handler(StaticFileHandler):
        """Serve the output folder; 404 for anything outside it; the error page while broken."""

        def prepare(self):
            """Refuse foreign hosts and paths that leave the site; answer HTML requests with the
            errors when broken."""
            if check_host(self):
                return
            if not safe_path(self.request.path.split("?", 1)[0]):
                raise HTTPError(404)
            if preview.errors and self.wants_html():
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(error_page(preview.errors, buttons()))

        def wants_html(self) -> bool:
            """Tell whether the request is for a page rather than an asset."""
            last = self.request.path.rsplit("/", 1)[-1]
            return not last or last.endswith((".html", ".htm")) or "." not in last

        @classmethod
        def get_absolute_path(cls, root: str, path: str) -> str:
            """Return where a URL path points; 404 when that is outside the output folder."""
            absolute = os.path.abspath(os.path.join(root, path))
            if not inside(absolute, root):
                raise HTTPError(404)
            return absolute

        def validate_absolute_path(self, root: str, absolute_path: str):
            """Answer 404 when a symlink leads outside the output folder."""
            if not inside(os.path.realpath(absolute_path), os.path.realpath(root)):
                raise HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

        def send_error(self, status_code: int = 500, **kwargs):
            """Say 404 where tornado would say 403: nothing outside the site is even admitted to exist."""
            super().send_error(404 if status_code == 403 else status_code, **kwargs)

        def set_extra_headers(self, path):
            """Never let the browser reuse an old copy."""
            self.set_header("Cache-Control", "no-store")

        def write_error(self, status_code: int, **kwargs):
            """Show the site's own 404 page when it has one."""
            page = Path(self.root) / "404.html"
            if status_code == 404 and page.is_file():
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(page.read_bytes())
            else:
                self.finish(f"<!DOCTYPE html><html><head><title>{status_code}</title></head>"
                            f"<body><h1>{status_code}</h1></body></html>")

    return Handler
