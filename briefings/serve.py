"""`briefings serve`: build, serve the output with livereload, rebuild on change, reload once per build.

One thread watches the content and template folders (kernel change notices, see watch.py), waits
until a burst of saves is over, rebuilds incrementally and swaps the output in; only then does it
ask livereload to reload the open pages (with livereload's 3 s reload throttle turned off). While the content or templates are broken every HTML request
gets an error page listing the PATH:LINE:COLUMN lines, and the next good save reloads it away.
"""

from __future__ import annotations

import errno
import gc
import html
import logging
import os
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from urllib.parse import unquote

from .errors import flatten
from .incremental import Site
from .load import shown
from .pipeline import Options
from .watch import Watcher, say
from .write import check_out


class Preview:
    """The site being previewed: rebuilds it and remembers the errors of the last build."""

    def __init__(self, opts: Options, out=sys.stdout, err=sys.stderr) -> None:
        self.opts = opts
        self.site = Site(opts)
        self.errors: tuple[str, ...] = ()
        self.out, self.err = out, err
        self.reload = lambda: None
        """Called after every build that changed what the browser should show."""
        self.lock = threading.Lock()

    def build(self, changed: set[str] | None = None) -> None:
        """Rebuild after changes (None: everything), report in the terminal, then reload the browser."""
        with self.lock:
            self.build_now(changed)

    def build_now(self, changed: set[str] | None) -> None:
        """Rebuild (one build at a time: build() holds the lock)."""
        try:
            outcome = self.site.rebuild(changed)
        except (Exception, ExceptionGroup) as exc:
            self.failed(exc)
            self.reload()
            return
        if outcome.kind is None:
            return
        fixed = "; errors fixed" if self.errors else ""
        self.errors = ()
        say(self.out, f"{cause(changed)}: {summary(outcome)}{fixed}")
        self.reload()
        if outcome.kind != "briefings":
            settle()

    def failed(self, exc: BaseException) -> None:
        """Keep a failed build's errors for the error page and print them."""
        errors = [str(e) for e in flatten(exc)]
        if not errors:  # not the user's mistake: show it all the same, and start afresh next time
            traceback.print_exception(exc, file=self.err)
            errors = [f"internal error: {type(exc).__name__}: {exc}"]
            self.site.writer.drop_spare()
            self.site = Site(self.opts)
        self.errors = tuple(errors)
        for line in errors:
            say(self.err, line)
        n = len(errors)
        say(self.err, f"{n} error{'s' if n != 1 else ''}; the previous site is still on disk, the "
                      f"browser shows the errors, and the preview rebuilds on your next save")


def settle() -> None:
    """After a full build, exempt the model now in memory from garbage collection passes.

    A pass over a 1,000-briefing model stalled a later rebuild by up to 0.8 s. Frozen objects are
    still freed when their last reference goes; only cycles among them wait for the next full build.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def cause(changed: set[str] | None) -> str:
    """Name what started a build: 'built', or the changed file (and how many more)."""
    if not changed:
        return "built"
    first = shown(min(changed))
    return f"{first} changed" + (f" (and {len(changed) - 1} more)" if len(changed) > 1 else "")


def summary(outcome) -> str:
    """Describe what a build did in one line."""
    rendered = ("every page" if len(outcome.rendered) == outcome.pages
                else f"{len(outcome.rendered)} of {outcome.pages} pages")
    return (f"rendered {rendered} in {outcome.seconds * 1000:.0f} ms, {outcome.stats.written} files "
            f"written, {outcome.stats.unchanged} unchanged")


def error_page(errors: tuple[str, ...]) -> bytes:
    """Return the HTML page shown while the build is broken (it has </head>, so livereload reloads it)."""
    items = "\n".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
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


def handler_class(preview: Preview):
    """Return livereload's static file handler, confined to the output folder and showing errors."""
    from livereload.server import StaticFileHandler
    from tornado.web import HTTPError

    class Handler(StaticFileHandler):
        """Serve the output folder; 404 for anything outside it; the error page while broken."""

        def prepare(self):
            """Refuse paths that leave the site; answer HTML requests with the errors when broken."""
            if not safe_path(self.request.path.split("?", 1)[0]):
                raise HTTPError(404)
            if preview.errors and self.wants_html():
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(error_page(preview.errors))

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


def url(host: str, port: int) -> str:
    """Return the URL to print for a host and port."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def port_problem(host: str, port: int) -> str | None:
    """Return why the server cannot listen there, or None when it can."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return f"cannot listen on {host}: {exc.strerror or exc}"
    for family, kind, proto, _, addr in infos[:1]:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(addr)
            except OSError as exc:
                if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                    return (f"port {port} on {host} is already in use (another preview?); "
                            f"choose another with --port")
                return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def serve(opts: Options, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build, serve on host:port with live reload and rebuild on change until Ctrl-C; return the exit code."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    check_out(opts.out, {"project folder": Path.cwd(), "content folder": opts.content,
                         "templates folder": opts.templates})
    if not opts.content.is_dir():
        say(sys.stderr, f"error: content folder {opts.content} does not exist; run in your project "
                        f"folder or pass --content")
        return 1
    problem = port_problem(host, port)
    if problem:
        say(sys.stderr, f"error: {problem}")
        return 1
    quiet_logs()
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # livereload drops reloads within 3 s of the last one
    signal.signal(signal.SIGTERM, interrupt)
    preview = Preview(opts)
    watcher = watch(preview)
    try:
        preview.build()
        server = Server(watcher=watcher)
        server.SFH = handler_class(preview)
        server._setup_logging = lambda: None  # its INFO lines would drown the build messages
        loop = IOLoop.current()
        preview.reload = lambda: loop.add_callback(LiveReloadHandler.reload_waiters, "*")
        loop.add_callback(say, sys.stdout, f"serving {opts.out} at {url(host, port)} - live reload is "
                                           f"on; press Ctrl-C to stop")
        server.serve(port=port, host=host, root=str(os.path.abspath(opts.out)), restart_delay=0)
    except OSError as exc:
        say(sys.stderr, f"error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        watcher.end()
        preview.site.writer.close()
    say(sys.stdout, "preview stopped")
    return 0


def watch(preview: Preview) -> Watcher:
    """Start watching the content and template folders, rebuilding the preview on change."""
    opts = preview.opts
    watcher = Watcher([opts.content, *preview.site.template_dirs], preview.build, ignore=[opts.out])
    watcher.begin()
    return watcher


def interrupt(signum, frame):
    """Turn SIGTERM into the same clean stop as Ctrl-C."""
    raise KeyboardInterrupt


def quiet_logs() -> None:
    """Keep livereload's and tornado's routine logging out of the terminal."""
    logging.getLogger("livereload").setLevel(logging.CRITICAL)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    logging.getLogger("tornado.application").setLevel(logging.ERROR)
