"""One build at a time per output folder and per cache folder.

The locks are the kernel's (fcntl.flock on a small file beside the output folder and inside the
cache folder), so a build that is killed releases them with its process and never blocks the next
one. A second build says once that it waits, waits up to WAIT_SECONDS, then gives up with an error.
Locks are always taken in the order of their paths, so two builds sharing only one of the two
folders cannot each hold one and wait for the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path

from ..content.files import shown
from ..errors import ContentError

WAIT_SECONDS = 600.0
"""How long a build waits for another one to finish."""


def lock_files(out: Path, cache: Path | None) -> list[Path]:
    """Return the lock files of a build into out (with a cache folder, when given)."""
    out = Path(os.path.abspath(out))
    files = [out.parent / f".{out.name}.lock"]
    if cache is not None:
        files.append(Path(os.path.abspath(cache)) / "lock")
    return sorted(files, key=os.fspath)


@contextlib.contextmanager
def one_build(out: Path, cache: Path | None = None, wait: float = WAIT_SECONDS, say=None):
    """Hold the locks of a build into out for the length of the with block."""
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    held: list[tuple[Path, object]] = []
    try:
        deadline = time.monotonic() + wait
        for path in lock_files(out, cache):
            held.append((path, take(path, deadline, wait, say)))
        yield
    finally:
        for path, handle in reversed(held):
            # Removed while still locked: a build waiting on this file finds it unlinked and takes
            # a new one (see take), so no lock file is left beside the user's output folder.
            with contextlib.suppress(OSError):
                os.unlink(path)
            handle.close()


def take(path: Path, deadline: float, wait: float, say) -> object:
    """Return the open lock file at path, locked; wait for another holder (saying so once) until
    the deadline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    waiting = False
    while True:
        handle = open(path, "a+", encoding="utf-8")
        try:
            while not locked(handle):
                if not waiting:
                    waiting = True
                    say(f"waiting for another build to finish{holder(path)} (it holds {shown(path)})")
                if time.monotonic() >= deadline:
                    raise ContentError(shown(path), 1, 1, f"another build held this lock for {wait:.0f} s"
                                                          f"{holder(path)}; wait for it to finish, or stop it, "
                                                          f"then build again")
                time.sleep(0.1)
            if same_file(handle, path):
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")  # who holds it, for the message of a build that waits
                handle.flush()
                return handle
        except BaseException:
            handle.close()
            raise
        handle.close()  # the holder removed it as it finished: lock the file that is there now


def same_file(handle, path: Path) -> bool:
    """Tell whether an open file is still the one at path (not unlinked or replaced since)."""
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def locked(handle) -> bool:
    """Try to take the lock without waiting; tell whether it was taken."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder(path: Path) -> str:
    """Return ' (process N)' for the process that holds a lock file, when it says."""
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
