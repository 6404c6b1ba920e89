"""Watch folders for changed files and hand each burst of saves over once, for the preview."""

from __future__ import annotations

import os
import sys
import threading
import time

QUIET_MS = 50
"""A burst of saves is over when no file changed for this long."""
STEP_MS = 10
"""How often watchfiles looks at the kernel's change queue."""
LONGEST_MS = 1000
"""Rebuild anyway once a burst has gone on this long."""
EDITOR_FILES = ("~", ".swp", ".swx", ".tmp", ".part")
"""Endings of editors' scratch files, never a reason to rebuild."""


class Watcher:
    """Hands each burst of changed files under some folders to on_change, from its own thread.

    The kernel reports changes (inotify, through the watchfiles package), so nothing is stat'ed while
    nothing changes and a save is seen within STEP_MS; where the kernel refuses (too many watches),
    watchfiles polls instead. A burst ends QUIET_MS after its last change. The watcher also speaks
    livereload's watcher protocol (watch, start, examine), so livereload's Server takes it in place
    of its own 0.8 s poller.
    """

    def __init__(self, folders, on_change, ignore=(), quiet_ms: int = QUIET_MS) -> None:
        self.folders = [os.path.abspath(f) for f in folders if os.path.isdir(f)]
        self.on_change = on_change
        self.ignore = tuple(os.path.abspath(p) for p in ignore)
        self.quiet_ms = quiet_ms
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None
        self._tasks = {f: {} for f in self.folders}  # livereload checks that something is watched
        self._changes: list = []
        self.filepath = None

    def watch(self, path, func=None, delay=None, ignore=None) -> None:
        """Watch one more folder before start (livereload's API; func, delay and ignore are not used)."""
        self.folders.append(os.path.abspath(path))
        self._tasks[self.folders[-1]] = {}

    def start(self, callback) -> bool:
        """Start watching (livereload calls this); True tells livereload not to poll on its own."""
        self.begin()
        return True

    def examine(self):
        """Report no pending change to livereload: reloads are sent after each rebuild instead."""
        return None, None

    def begin(self, timeout: float = 10.0) -> None:
        """Start the watching thread once, and return when the kernel is watching."""
        if self.thread is None:
            self.thread = threading.Thread(target=self.run, name="briefings-watch", daemon=True)
            self.thread.start()
        self.ready.wait(timeout)

    def end(self, timeout: float = 10.0) -> None:
        """Stop watching, letting a rebuild in progress finish its swap."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self, force_polling: bool | None = None) -> None:
        """Call on_change once per burst of changes until stopped."""
        import watchfiles
        pending: set[str] = set()
        first = last = 0.0
        try:
            for changes in watchfiles.watch(
                    *self.folders, watch_filter=self.wanted, debounce=LONGEST_MS, step=STEP_MS,
                    stop_event=self.stop, rust_timeout=STEP_MS, yield_on_timeout=True,
                    raise_interrupt=False, force_polling=force_polling, poll_delay_ms=STEP_MS * 5):
                self.ready.set()
                now = time.monotonic()
                if changes:
                    first = first if pending else now
                    pending |= {path for _, path in changes}
                    last = now
                # watchfiles reports a change STEP_MS after it saw nothing more: wait out the rest
                if pending and (now - last >= (self.quiet_ms - STEP_MS) / 1000
                                or now - first >= LONGEST_MS / 1000):
                    batch, pending = pending, set()
                    self.on_change(batch)
        except OSError as exc:  # e.g. the kernel's limit on watches: poll instead
            if force_polling:
                raise
            say(sys.stderr, f"note: cannot watch for changes ({exc}); polling instead")
            self.run(force_polling=True)
        finally:
            self.ready.set()

    def wanted(self, change, path: str) -> bool:
        """Tell whether a changed path can matter: not hidden, not an editor's scratch file, not output."""
        if path.endswith(EDITOR_FILES) or any(path == p or path.startswith(p + os.sep) for p in self.ignore):
            return False
        root = next((f for f in self.folders if path.startswith(f + os.sep)), None)
        rel = path[len(root) + 1:] if root else os.path.basename(path)
        return not any(part.startswith(".") for part in rel.split(os.sep))


def say(stream, text: str) -> None:
    """Print one line at once, even into a pipe."""
    print(text, file=stream, flush=True)
