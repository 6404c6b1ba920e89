"""The preview's writer: atomic like write_site, but a save costs only the files that changed.

write_site builds a whole new folder (a directory and a hard link per page) and deletes the old
one; at 1,000 briefings that is thousands of file-system calls per save. The preview instead keeps
the previous site as a spare folder beside the output: each write brings the spare up to date
(only the files that differ from what it holds), then exchanges it with the output folder in one
step (renameat2 RENAME_EXCHANGE, as write_site does), so the output is never missing or mixed.
After the exchange the spare holds the site just replaced, ready for the next write. Unchanged
files are shared by hard link between the two folders, so they keep their inode and mtime.

The spare is named like write_site's temporary folders (.NAME.tmp-PID-XXXX), so if the preview is
killed, the next build's clean_leftovers removes it. Should either folder change behind the
writer's back (another build into the same output), the next write falls back to write_site.

The output folder's .git moves into the spare just before each exchange (swap() does it), so it
stays in the output folder; a spare deleted here gives back a .git a kill left in it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from .write import MARKER, WriteStats, delete, rescue, swap, write_site


class Twin:
    """Writes one output folder again and again, exchanging it with an up-to-date spare."""

    def __init__(self, out: Path) -> None:
        # Followed, as write_site does: an exchange with a symlinked output would swap out the link itself.
        self.out = Path(out).resolve()
        self.live: dict[str, bytes] | None = None
        """What the output folder holds, when this writer put it there."""
        self.spare: Path | None = None
        """The spare folder, or None before the second write."""
        self.spare_files: dict[str, bytes] = {}
        """What the spare folder holds."""
        self.inodes: tuple[int, int] | None = None
        """Inodes of the output and spare folders after the last exchange."""

    def write(self, files: dict[str, bytes]) -> WriteStats:
        """Make the output folder hold exactly these files, all at once."""
        files = dict(files)  # what the folders hold must not change with the caller's dict
        if self.live is not None and self.spare is not None and self.intact():
            try:
                return self.update(files)
            except BaseException:
                self.drop_spare()
                raise
        return self.full(files)

    def full(self, files: dict[str, bytes]) -> WriteStats:
        """Write with write_site; keep the folder it replaces as the spare when this writer knows its contents."""
        previous = self.live
        self.live = None
        self.drop_spare()
        kept: list[Path] = []
        stats = write_site(files, self.out,
                           replaced=kept.append if previous is not None else lambda f: discard(f, self.out))
        if kept:
            self.spare, self.spare_files = kept[0], previous
            self.inodes = (self.out.stat().st_ino, self.spare.stat().st_ino)
        self.live = files
        return stats

    def intact(self) -> bool:
        """Tell whether both folders are still the ones this writer left there."""
        try:
            return (self.out.stat().st_ino, self.spare.stat().st_ino) == self.inodes
        except OSError:
            return False

    def update(self, files: dict[str, bytes]) -> WriteStats:
        """Bring the spare up to date with files, then exchange it with the output folder."""
        spare, held, live = self.spare, self.spare_files, self.live
        written = 0
        for rel, data in files.items():
            same_as_live = live.get(rel) is data or live.get(rel) == data
            written += not same_as_live
            old = held.get(rel)
            if old is data or old == data:
                continue
            self.put(spare / rel, self.out / rel if same_as_live else None, data)
        for rel in held.keys() - files.keys():
            remove(spare, rel)
        swap(spare, self.out)
        self.inodes = (self.out.stat().st_ino, spare.stat().st_ino)
        self.spare_files, self.live = live, files
        return WriteStats(written=written, unchanged=len(files) - written)

    @staticmethod
    def put(dest: Path, twin: Path | None, data: bytes) -> None:
        """Replace dest with a hard link to twin (same bytes) or a new file, never changing it in place."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}")
        if twin is not None:
            try:
                os.link(twin, tmp)
                os.replace(tmp, dest)
                return
            except OSError:
                pass
        tmp.write_bytes(data)
        os.replace(tmp, dest)

    def drop_spare(self) -> None:
        """Forget the spare folder and delete it in the background (deleting folders can be slow)."""
        if self.spare is not None:
            discard(self.spare, self.out)
        self.spare, self.spare_files, self.inodes = None, {}, None

    def close(self, timeout: float = 30.0) -> None:
        """Delete the spare folder now, and wait for folders being deleted in the background."""
        if self.spare is not None:
            delete(self.spare, self.out)
        self.spare, self.spare_files, self.inodes = None, {}, None
        end = time.monotonic() + timeout
        for thread in list(DISCARDING):
            thread.join(max(0.0, end - time.monotonic()))


def remove(root: Path, rel: str) -> None:
    """Delete one file under root and the folders it leaves empty."""
    path = root / rel
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == root or not parent.is_relative_to(root) or (parent / MARKER).exists():
            break
        try:
            parent.rmdir()
        except OSError:
            break


DISCARDING: list[threading.Thread] = []
"""Threads deleting discarded folders."""


def discard(folder: Path, out: Path) -> None:
    """Delete a spare folder of out in a background thread, after putting back a .git found in it."""
    if not rescue(folder, out):
        return  # deleting the folder would delete that .git: keep it
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                              name="briefings-discard", daemon=True)
    DISCARDING[:] = [t for t in DISCARDING if t.is_alive()] + [thread]
    thread.start()
