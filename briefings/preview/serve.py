"""`briefings serve`: build, serve the output with livereload, rebuild on change, reload once per build.

One thread watches the content and template folders (kernel change notices, see watch.py). At the
first notice of a burst of saves it starts the incremental rebuild; it writes (one atomic swap)
only once the burst is over, preparing again if the burst brought more changes, and only then asks
livereload to reload the open pages (livereload's 3 s reload throttle is turned off). While the
content or templates are broken every HTML request gets an error page listing the
PATH:LINE:COLUMN lines, and the next good save reloads it away."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path

from ..content.files import no_content, shown
from ..engine import explain
from ..engine.changes import BRIEFINGS
from ..engine.lock import one_build
from ..engine.rebuild import Engine
from ..engine.write import check_out
from ..errors import ContentError, flatten
from ..pipeline import Options
from .authoring import Authoring, loopback
from .http import preview_server
from .watch import Watcher, say


class Preview:
    """The site being previewed: the rebuild engine kept in memory, and the errors of the last update."""

    def __init__(self, opts: Options, out=sys.stdout, err=sys.stderr) -> None:
        self.opts = opts
        self.engine = self.new_engine()
        self.errors: tuple[str, ...] = ()
        self.problems: tuple[ContentError, ...] = ()
        """The content errors behind errors (the error page's repair offers are made from them)."""
        self.out, self.err = out, err
        self.reload = lambda: None
        """Called after every build that changed what the browser should show."""
        self.lock = threading.Lock()

    def new_engine(self) -> Engine:
        """Return a fresh engine for the preview: kept in memory, no cache, no search index."""
        return Engine(self.opts, None, keep=True, search=False)

    def matters(self, path: str) -> bool:
        """Tell whether a saved file can change the site (the engine's own classification)."""
        return self.engine.kind_of(os.path.abspath(path)) is not None

    def build(self, changed: set[str] | None = None, settled=None) -> None:
        """Rebuild after changes (None: everything), report in the terminal, then reload the browser.

        With settled (from the watcher), rendering starts at the first notice of a burst; the
        write waits until settled() says the burst is over, and if it brought more changes those
        are prepared too. Either way: one write and one reload per burst, after the swap.
        """
        with self.lock:
            try:
                with one_build(self.opts.out, say=lambda line: say(self.err, line)):
                    prepared = self.attempt(changed)
                    more = settled() if settled is not None else set()
                    if more:
                        changed = None if changed is None else changed | more
                        prepared = self.attempt(changed)
                    self.finish(prepared, changed)
            except ContentError as exc:  # another build kept the output folder too long
                self.failed(exc)
                self.reload()

    def attempt(self, changed: set[str] | None):
        """Prepare a rebuild; return it, None when nothing changed that matters, or the exception."""
        try:
            return self.engine.prepare(changed)
        except (Exception, ExceptionGroup) as exc:
            if not flatten(exc):  # not the user's mistake: start afresh with the next attempt
                self.engine.drop()
                self.engine = self.new_engine()
            return exc

    def finish(self, prepared, changed: set[str] | None) -> None:
        """Write a prepared rebuild (or show its errors), say so, and reload the browser."""
        if prepared is None:  # nothing differs from the site on disk: if it failed since, it is fixed
            if self.errors:
                self.errors, self.problems = (), ()
                say(self.out, f"{cause(changed)}: the site on disk is up to date again; errors fixed")
                self.reload()
            return
        if isinstance(prepared, BaseException):
            self.failed(prepared)
            self.reload()
            return
        try:
            outcome = self.engine.commit(prepared)
        except Exception as exc:  # the disk (or a bug), not the content: the previous site stays
            self.failed(exc)
            self.engine.drop()
            self.engine = self.new_engine()
            self.reload()
            return
        fixed = "; errors fixed" if self.errors else ""
        self.errors, self.problems = (), ()
        relevant = {p for p in changed if self.matters(p)} if changed else None
        say(self.out, f"{cause(relevant or changed)}: {summary(outcome)}{fixed}")
        self.reload()
        if outcome.kind != BRIEFINGS:
            settle()

    def failed(self, exc: BaseException) -> None:
        """Keep a failed build's errors for the error page and print them."""
        problems = flatten(exc)
        errors = [str(e) for e in problems]
        if not errors:  # not the user's mistake: show it all the same
            traceback.print_exception(exc, file=self.err)
            errors = [f"internal error: {type(exc).__name__}: {exc}"]
        self.errors, self.problems = tuple(errors), tuple(problems)
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
    """Describe what a build did in one line, with why its pages were rendered (explain.py)."""
    rendered = ("every page" if len(outcome.rendered) == outcome.pages
                else f"{len(outcome.rendered)} of {outcome.pages} pages")
    why = f" - {explain.summary(outcome.reasons)}" if outcome.rendered and len(outcome.rendered) < outcome.pages else ""
    return (f"rendered {rendered} in {outcome.seconds * 1000:.0f} ms, {outcome.stats.written} files "
            f"written, {outcome.stats.unchanged} unchanged{why}")


def url(host: str, port: int) -> str:
    """Return the URL to print for a host and port."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def authoring_line(host: str, port: int, allow_edits: bool) -> str:
    """Say whether the pages can change the sidecars, and what --allow-edits opens up when given."""
    if loopback(host):
        return "annotating in the browser is on: select text on a briefing page (only this computer can)"
    if not allow_edits:
        return (f"annotating in the browser is off: {host or '0.0.0.0'} can be reached from other computers "
                f"(see --allow-edits)")
    return (f"warning: --allow-edits: anyone who can open {url(host, port)} can change the sidecars in "
            f"the content folder from their browser; use it only on a network you trust")


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


def serve(opts: Options, host: str = "127.0.0.1", port: int = 8000, allow_edits: bool = False) -> int:
    """Build, serve on host:port with live reload and rebuild on change until Ctrl-C; return the exit
    code. Authoring (annotating from the browser) is on for a loopback host, else only with allow_edits."""
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    check_out(opts.out, {"project folder": Path.cwd(), "content folder": opts.content,
                         "templates folder": opts.templates})
    if not opts.content.is_dir():
        say(sys.stderr, f"error: {no_content(opts.content)}")
        return 1
    problem = port_problem(host, port)
    if problem:
        say(sys.stderr, f"error: {problem}")
        return 1
    quiet_logs()
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # livereload drops reloads within 3 s of the last one
    preview = Preview(opts)
    watcher = Watcher([opts.content, *preview.engine.template_dirs], preview.build, matters=preview.matters)
    serving = stop_on_signals()
    try:
        watcher.begin()  # inside the try: a signal from here on still ends the watcher
        preview.build()
        authoring = Authoring(preview, host, port, loopback(host) or allow_edits)
        server = preview_server(preview, watcher, host, port, authoring)
        server._setup_logging = lambda: None  # its INFO lines would drown the build messages
        loop = IOLoop.current()
        loop.add_callback(serving)
        preview.reload = lambda: loop.add_callback(LiveReloadHandler.reload_waiters, "*")
        loop.add_callback(say, sys.stdout, f"serving {opts.out} at {url(host, port)} - live reload is "
                                           f"on; press Ctrl-C to stop")
        loop.add_callback(say, sys.stderr if allow_edits and not loopback(host) else sys.stdout,
                          authoring_line(host, port, allow_edits))
        server.serve(port=port, host=host, root=str(os.path.abspath(opts.out)), restart_delay=0)
    except OSError as exc:
        say(sys.stderr, f"error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        watcher.end()
        preview.engine.drop()
    say(sys.stdout, "preview stopped")
    return 0


def stop_on_signals():
    """Make SIGINT and SIGTERM both stop the preview as Ctrl-C does, until the process ends; return
    serving(), to be called from the server's loop once it runs.

    SIGINT needs a handler too: `briefings serve &` in a script starts with SIGINT ignored, and
    Python then leaves it ignored instead of raising KeyboardInterrupt. The handlers stay after the
    stop: put back, a second SIGTERM would kill the process before it exits with 0. Once the loop
    runs, the stop is raised from a callback of the loop's own: raised wherever the signal lands,
    it could land inside tornado's handling of a request, which logs and swallows any exception
    there - and the preview would never stop. (call_soon_threadsafe: it also wakes the loop from
    its wait, which a plain call_soon from the handler would not.)
    """
    stopping = threading.Event()
    loops: list = []

    def interrupt(signum, frame):
        """Stop at the first signal; later ones must not cut short the cleanup."""
        if not stopping.is_set():
            stopping.set()
            if not loops:
                raise KeyboardInterrupt
            loops[0].call_soon_threadsafe(stop)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupt)
    return lambda: loops.append(asyncio.get_running_loop())


def stop() -> None:
    """Raise KeyboardInterrupt from the loop itself, which ends it (livereload then returns)."""
    raise KeyboardInterrupt


def quiet_logs() -> None:
    """Keep livereload's and tornado's routine logging out of the terminal."""
    logging.getLogger("livereload").setLevel(logging.CRITICAL)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    logging.getLogger("tornado.application").setLevel(logging.ERROR)
