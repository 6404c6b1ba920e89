"""Watch folders for changed files and hand each burst of saves over once, for the preview."""

from __future__ import annotations

import os
import sys
import threading
import time

from ..engine.changes import EDITOR_FILES, hidden

QUIET_MS = 50
"""A burst of saves is over when no file changed for this long."""
STEP_MS = 10
"""How often watchfiles looks at the kernel's change queue."""
LONGEST_MS = 1000
"""Rebuild anyway once a burst has gone on this long."""


class Watcher:
    """Hands each burst of changed files under some folders to on_change, from its own thread.

    The kernel reports changes (inotify, through the watchfiles package), so nothing is stat'ed while
    nothing changes and a save is seen within STEP_MS; where the kernel refuses (too many watches),
    watchfiles polls instead. A burst ends QUIET_MS after its last change. The watcher also speaks
    livereload's watcher protocol (watch, start, examine), so livereload's Server takes it in place
    of its own 0.8 s poller.
    """

    def __init__(self, folders, on_change, matters=None, quiet_ms: int = QUIET_MS) -> None:
        self.folders = [os.path.abspath(f) for f in folders if os.path.isdir(f)]
        self.on_change = on_change
        self.matters = matters or (lambda path: not path.endswith(EDITOR_FILES) and not hidden(path, self.folders))
        """Tells whether a changed path can change the site (the preview asks its engine; by
        default, any file but hidden ones and editors' scratch files)."""
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
        """Hand each burst to on_change(paths, settled) until stopped.

        on_change gets the first changes as soon as they are seen, so it can start work at once;
        settled() then waits until the burst is over (QUIET_MS without a change, or LONGEST_MS in
        all) and returns the paths changed since - empty for a lone save. The caller writes and
        reloads only after settled() returns, so a burst still gives one write and one reload.

        A watched folder that is deleted takes the kernel's watch with it: the watcher then waits
        for it to come back, watches it anew and calls on_change(None, ...) - anything may have
        changed meanwhile.
        """
        try:
            rebuild = False
            while self.watch_until_gone(force_polling, rebuild) and self.wait_for_folders():
                rebuild = True
        except OSError as exc:  # e.g. the kernel's limit on watches: poll instead
            if force_polling:
                raise
            say(sys.stderr, f"note: cannot watch for changes ({exc}); polling instead")
            self.run(force_polling=True)
        finally:
            self.ready.set()

    def watch_until_gone(self, force_polling: bool | None, rebuild: bool = False) -> bool:
        """Watch the folders, handing bursts over; True when one of them was deleted, False when stopped.

        With rebuild, on_change(None, ...) is called once the kernel watches: after that no save
        is missed, and the rebuild reads whatever came before."""
        import watchfiles
        changes_seen = watchfiles.watch(
            *self.folders, watch_filter=self.wanted, debounce=LONGEST_MS, step=STEP_MS,
            stop_event=self.stop, rust_timeout=STEP_MS, yield_on_timeout=True,
            raise_interrupt=False, force_polling=force_polling, poll_delay_ms=STEP_MS * 5)
        for changes in changes_seen:
            self.ready.set()  # the first answer, even an empty one, means the kernel is watching
            if rebuild:
                rebuild = False
                self.on_change(None, set)
            if not changes:
                if self.folders_gone():
                    return True
                continue
            burst = Burst(changes_seen, self.quiet_ms)
            batch = {path for _, path in changes}
            while batch:  # a callback that did not wait for the burst gets the rest after it
                self.on_change(batch, burst.settled)
                batch = burst.settled()
            if self.folders_gone():
                return True
        return False

    def folders_gone(self) -> bool:
        """Tell whether a watched folder no longer exists (deleted, or renamed away)."""
        return not all(os.path.isdir(f) for f in self.folders)

    def wait_for_folders(self) -> bool:
        """Wait until every watched folder exists again; False when stopped meanwhile."""
        while self.folders_gone():
            if self.stop.wait(0.1):
                return False
        return True

    def wanted(self, change, path: str) -> bool:
        """Tell whether a changed path can matter (watchfiles' filter): as matters() says."""
        return self.matters(path)


class Burst:
    """One burst of changes, from its first notice until QUIET_MS pass without another."""

    def __init__(self, changes_seen, quiet_ms: int) -> None:
        self.changes_seen = changes_seen
        self.first = self.last = time.monotonic()
        self.quiet = (quiet_ms - STEP_MS) / 1000  # watchfiles notices a change STEP_MS after it
        self.over = False

    def settled(self) -> set[str]:
        """Wait until the burst is over; return the paths changed since the first notice (or last call)."""
        more: set[str] = set()
        looked = False  # always look once: changes may have come while the caller was busy
        while not self.over:
            now = time.monotonic()
            if looked and (now - self.last >= self.quiet or now - self.first >= LONGEST_MS / 1000):
                self.over = True
                break
            looked = True
            changes = next(self.changes_seen, None)
            if changes is None:  # stopped
                self.over = True
            elif changes:
                more |= {path for _, path in changes}
                self.last = time.monotonic()
        return more


def say(stream, text: str) -> None:
    """Print one line at once, even into a pipe."""
    print(text, file=stream, flush=True)
