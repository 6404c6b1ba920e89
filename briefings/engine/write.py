"""The writer's file work (output.py decides what to write): a stage folder that files are put
into - hard-linked from the live site when unchanged - swapped in for the output folder atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError

MARKER = ".briefings-site"
GIT = ".git"
"""The output folder's repository (git init) or worktree pointer file: the user's, carried across builds."""
RENAME_EXCHANGE = 2
AT_FDCWD = -100


@dataclass(frozen=True)
class WriteStats:
    """What a write did."""

    written: int
    """Files whose bytes changed or are new."""
    unchanged: int
    """Files kept byte for byte (and mtime) from the previous site."""


def check_out(out: Path, protected: dict[str, Path]) -> None:
    """Refuse an output folder that is, or contains, something the user owns."""
    target = out.resolve()
    for what, path in protected.items():
        p = path.resolve()
        if target == p or target in p.parents:
            raise ContentError(str(out), 1, 1, f"refusing to build into {out}: it is or contains the "
                                               f"{what}; choose another --out")
    # The nearest existing folder on the way must be a folder, or the output cannot be made there.
    existing = next(p for p in (target, *target.parents) if p.exists())
    if not existing.is_dir():
        what = "it is" if existing == target else f"{os.path.relpath(existing)} is"
        raise ContentError(str(out), 1, 1, f"refusing to build into {out}: {what} a file, not a folder")
    for what, path in protected.items():
        # Output inside the sources would be read back as content or copied as static files.
        if what != "project folder" and path.resolve() in target.parents:
            raise ContentError(str(out), 1, 1, f"refusing to build into {out}: it is inside the "
                                               f"{what}; choose another --out")
    # A folder holding only .git is what `git init site` or a worktree of an empty branch makes;
    # the build keeps that .git, so nothing in the folder is lost.
    if target.is_dir() and not (target / MARKER).exists() and any(p.name != GIT for p in target.iterdir()):
        raise ContentError(str(out), 1, 1, f"refusing to replace {out}: it is not empty and was not "
                                           f"made by briefings (no {MARKER} file in it); choose another "
                                           f"--out or empty it yourself")


def same_bytes(path: Path, data: bytes) -> bool:
    """Tell whether a file exists with exactly these bytes."""
    try:
        if path.is_symlink() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def file_id(st: os.stat_result) -> list[int]:
    """Return what tells a file apart from a rewritten one without reading it: size, mtime, inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def new_folder(out: Path) -> Path:
    """Make an empty temporary folder beside out (callers remove dead builds' leftovers first)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


@dataclass
class Stage:
    """A folder being made into the next site: changed files are written, unchanged ones hard-linked
    from the live site (keeping bytes, inode and mtime).

    The folder is new and empty, or a spare that holds an older site: then its files are replaced
    one by one (unlinked first, never written through, since they may be links into the live
    site) and clear() removes the ones the new site lacks. Forked workers share one Stage, each
    putting its own files.
    """

    folder: Path
    """Where the next site is assembled."""
    live: Path
    """The output folder as it is now."""
    live_files: dict[str, list[int]]
    """Files of the live site known intact (file_id checked): the ones keep() may link to unread."""
    held: dict[str, list[int]] = field(default_factory=dict)
    """Files the folder may already hold (a spare's, with their recorded file_id), removed by clear()
    unless put or kept."""
    made: set[Path] = field(default_factory=set)

    def put(self, rel: str, data: bytes) -> tuple[bool, list[int]]:
        """Make the folder hold data at rel; return whether it differs from the live site, and its file_id."""
        live = self.live / rel
        if same_bytes(live, data):
            try:
                return False, self.link(rel, file_id(live.stat()))
            except OSError:
                pass  # gone since: write it
        dest = self.place(rel)
        dest.write_bytes(data)
        return True, file_id(dest.stat())

    def keep(self, rel: str) -> list[int]:
        """Make the folder hold the live site's file at rel, known intact, unread; return its file_id."""
        return self.link(rel, self.live_files[rel])

    def link(self, rel: str, known: list[int]) -> list[int]:
        """Hard-link the live site's file at rel (whose file_id is known) into the folder."""
        return self.adopt(rel, self.live / rel, known)

    def adopt(self, rel: str, source: Path, known: list[int]) -> list[int]:
        """Hard-link a file (the live site's, or the cache's copy), whose file_id is known, into the
        folder at rel; return the file_id it has there."""
        if self.held.get(rel) == known:
            return known  # the spare already shares this very file
        dest = self.place(rel)
        try:
            os.link(source, dest)
            return known
        except OSError:  # file systems without hard links: a copy
            dest.write_bytes(source.read_bytes())
            return file_id(dest.stat())

    def place(self, rel: str) -> Path:
        """Return the path for a new file at rel: its folder made, anything there before removed."""
        dest = self.folder / rel
        if dest.parent not in self.made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(dest.parent)
        if rel in self.held:
            dest.unlink(missing_ok=True)
        return dest

    def clear(self, wanted: set[str]) -> None:
        """Remove the files the folder held that the new site does not have, and folders left empty."""
        for rel in sorted(self.held.keys() - wanted):
            (self.folder / rel).unlink(missing_ok=True)
            parent = (self.folder / rel).parent
            while parent != self.folder:
                try:
                    parent.rmdir()
                except OSError:
                    break  # not empty (or gone): the folders above are not empty either
                parent = parent.parent


def swap(new: Path, out: Path) -> None:
    """Put new in place of out atomically, out's .git moved into it first; afterwards new holds the
    previous site (if any)."""
    if not out.exists():
        os.rename(new, out)
        return
    # The .git is moved, never copied, so it stays byte for byte and inode for inode what the user
    # made. Until the exchange it lies in new: a build killed then leaves it there, and every
    # deletion of such a folder (delete()) puts it back first.
    carried = os.path.lexists(out / GIT) and not os.path.lexists(new / GIT)
    if carried:
        os.rename(out / GIT, new / GIT)
    try:
        exchange_folders(new, out)
    except BaseException:
        if carried:
            rescue(new, out)
        raise


def exchange_folders(new: Path, out: Path) -> None:
    """Exchange new and out, atomically where the system can; out is left as it was on failure."""
    if exchange(new, out):
        return
    # No atomic exchange here (not Linux, or the file system refuses): two renames, old kept aside.
    aside = out.parent / f".{out.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.rename(out, aside)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(aside, out)
        raise
    os.rename(aside, new)


def exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically with renameat2(RENAME_EXCHANGE); False when unavailable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def clean_leftovers(out: Path) -> None:
    """Remove temporary folders that interrupted builds left beside out (their process is gone)."""
    for path in out.parent.glob(f".{out.name}.*-*-*"):
        kind, _, rest = path.name.removeprefix(f".{out.name}.").partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("tmp", "old") and pid.isdigit() and not alive(int(pid)):
            delete(path, out)


def delete(folder: Path, out: Path) -> None:
    """Delete a temporary or spare folder of out, first putting back a .git a killed build left in it."""
    if rescue(folder, out):
        shutil.rmtree(folder, ignore_errors=True)
    # else: the .git could not be moved out, and deleting the folder would delete it: keep both


def rescue(folder: Path, out: Path) -> bool:
    """Move a .git found in folder back into out; return False when there is one and it cannot be moved."""
    stray = folder / GIT
    if not os.path.lexists(stray):
        return True
    dest = out / GIT
    if os.path.lexists(dest):  # a second .git made since: keep this one beside out, never delete it
        dest = out.parent / f"{out.name}{GIT}-{uuid.uuid4().hex[:8]}"
    try:
        out.mkdir(parents=True, exist_ok=True)  # a build killed in swap()'s fallback leaves no out
        os.rename(stray, dest)
    except OSError:
        return False
    return True


def alive(pid: int) -> bool:
    """Tell whether a process exists."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
