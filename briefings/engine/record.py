"""What the last build into an output folder left there, as the cache remembers it.

Each build with a cache records (kind "site", under the output folder's path) the hash of all its
inputs, every page's key, files and the briefings it read, and the size, mtime and inode of every
file and the mtime of every folder it left - enough to tell, by stat alone, that the folder is
exactly as that build left it, or which of its files still are.

What the spare folder holds is kept apart (kind "spare", same key), so a build can stop vouching
for the spare with a small write.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..content.files import list_files
from ..pages.render import search_path
from .cache import Cache, digest, file_hash, generator
from .write import file_id


class Record:
    """What the last build into an output folder left there."""

    def __init__(self, value: dict) -> None:
        self.inputs: str = value.get("inputs", "")
        self.pages: int = value.get("pages", 0)
        self.files: dict[str, list[int]] = value.get("files", {})
        self.dirs: dict[str, int] = value.get("dirs", {})
        self.rendered: dict[str, list] = value.get("rendered", {})
        self.briefings: dict[str, str] = value.get("briefings", {})
        self.search: str = value.get("search", "")
        self.site: str = value.get("site", "")
        self.parts: dict[str, list] = value.get("parts", {})
        """The search index's parts: name -> [digest, paths of its files] (engine/searching.py)."""
        self.spare: dict | None = None
        """What the spare folder holds (files, dirs), kept apart (kind "spare"): a build stops
        vouching for the spare by a small write, not by writing the whole record again."""

    @staticmethod
    def key(out: Path) -> str:
        """Return the cache key of an output folder's record."""
        return digest("site", str(out.resolve()))

    @classmethod
    def load(cls, cache: Cache | None, out: Path) -> Record | None:
        """Return the record of the last build into out, or None (no cache, none kept, malformed)."""
        value = cache.get("site", cls.key(out)) if cache is not None else None
        if not isinstance(value, dict):
            return None
        record = cls(value)
        record.spare = cache.get("spare", cls.key(out))
        return record if record.valid() else None

    def save(self, cache: Cache, out: Path) -> None:
        """Store the record, and the account of the spare, for the next build into out."""
        cache.put("site", self.key(out), self.value())
        self.vouch(cache, out, self.spare)

    @classmethod
    def vouch(cls, cache: Cache, out: Path, spare: dict | None) -> None:
        """Store what the spare folder of out holds, or None: no longer known."""
        cache.put("spare", cls.key(out), spare)

    def valid(self) -> bool:
        """Tell whether every field has its shape and every path stays inside its folder (a forged
        record must not make a build link, or delete, anything outside them); a malformed account
        of the spare only makes the spare untrusted."""
        fields = (self.inputs, self.pages, self.files, self.dirs, self.rendered, self.briefings, self.search, self.site)
        if ([type(f) for f in fields] != [str, int, dict, dict, dict, dict, str, str] or not files_ok(self.files)
                or not dirs_ok(self.dirs) or not all(type(v) is str for v in self.briefings.values())):
            return False
        for page in self.rendered.values():
            if not (type(page) is list and len(page) == 3 and type(page[2]) is list and all(map(inside, page[2]))):
                return False
        if type(self.parts) is not dict or not all(
                type(p) is list and len(p) == 2 and type(p[0]) is str and type(p[1]) is list and all(map(inside, p[1]))
                for p in self.parts.values()):
            return False
        spare = self.spare
        if not (type(spare) is dict and files_ok(spare.get("files")) and dirs_ok(spare.get("dirs"))):
            self.spare = None
        return True

    def value(self) -> dict:
        """Return the record in its stored form."""
        return {"inputs": self.inputs, "pages": self.pages, "files": self.files, "dirs": self.dirs,
                "rendered": self.rendered, "briefings": self.briefings, "search": self.search, "site": self.site,
                "parts": self.parts}

    def intact(self, out: Path) -> tuple[dict[str, list[int]], bool]:
        """Return the recorded files still as recorded in out, and whether out is exactly as recorded
        (every file and folder unchanged, so nothing was added or removed either)."""
        root = os.fspath(out)
        files = {rel: fid for rel, fid in self.files.items() if stat_id(os.path.join(root, rel)) == fid}
        exact = len(files) == len(self.files) and folders_unchanged(out, self.dirs)
        return files, exact


def inside(rel) -> bool:
    """Tell whether a recorded path is a plain relative path that stays inside its folder: no empty,
    '.' or '..' part (found by string tests, not by splitting: records hold tens of thousands)."""
    if type(rel) is not str or "\0" in rel:
        return False
    framed = f"/{rel}/"
    return "//" not in framed and "/./" not in framed and "/../" not in framed


def files_ok(files) -> bool:
    """Tell whether a recorded path -> file_id mapping is well formed."""
    return type(files) is dict and all(inside(rel) and type(fid) is list and len(fid) == 3
                                       and all(type(n) is int for n in fid) for rel, fid in files.items())


def dirs_ok(dirs) -> bool:
    """Tell whether a recorded folder -> mtime mapping is well formed."""
    return type(dirs) is dict and all((rel == "." or inside(rel)) and type(m) is int for rel, m in dirs.items())


def stat_id(path: str) -> list[int] | None:
    """Return a file's file_id, or None when it is missing or not a plain file."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return file_id(st) if stat.S_ISREG(st.st_mode) else None


def folders_unchanged(root: Path, dirs: dict[str, int]) -> bool:
    """Tell whether every recorded folder under root still has its recorded mtime (an added or
    removed entry changes a folder's mtime)."""
    top = os.fspath(root)
    try:
        return bool(dirs) and all(os.stat(os.path.join(top, rel)).st_mtime_ns == mtime for rel, mtime in dirs.items())
    except OSError:
        return False


def folder_times(root: Path, files, known: dict[str, int] | None = None, changed: set[str] = frozenset()
                 ) -> dict[str, int]:
    """Return the mtime of root and of every folder holding one of the files, by relative path;
    known holds mtimes still true for the folders not in changed (those are not stat'ed again)."""
    rels = {"."} | {os.path.dirname(rel) or "." for rel in files}
    for rel in list(rels):
        while rel not in ("", "."):
            rel = os.path.dirname(rel) or "."
            rels.add(rel)
    top, known = os.fspath(root), known or {}
    return {rel: known[rel] if rel in known and rel not in changed else os.stat(os.path.join(top, rel)).st_mtime_ns
            for rel in sorted(rels)}


def inputs_digest(content: Path, templates: Path, base_url: str | None, search: str,
                  read: dict[Path, bytes], hashes: dict[Path, bytes], listing: dict) -> str | None:
    """Return a hash of every file a build reads and every setting it uses, putting the content
    files' bytes in read, their file_hash in hashes and the listing of the content folder in
    listing; None when the content folder cannot be listed cleanly (the full build then reports why)."""
    problems: list = []
    sections = list_files(content, problems) if content.is_dir() else None
    if sections is None or problems:
        return None
    listing.update(sections)
    parts: list = [generator(), str(base_url), search]
    try:
        site = content / "site.yml"
        if site.is_file():
            read[site] = site.read_bytes()
        parts += [str(site), read.get(site, b"\0missing")]
        for path in sorted((p for paths in sections.values() for p in paths), key=os.fspath):
            with open(path, "rb") as f:  # not Path.read_bytes: thousands of files, its overhead shows
                read[path] = f.read()
            hashes[path] = file_hash(read[path])
            parts += [os.fspath(path), hashes[path]]
        for n, folder in enumerate(search_path(templates)):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [f"{n}/{path.relative_to(folder).as_posix()}", path.read_bytes()]
    except OSError:
        return None
    return digest(*parts)


def search_stamp(enabled: bool) -> str:
    """Return what the search index depends on besides the HTML files: whether and which indexer runs."""
    if not enabled:
        return "off"
    try:
        from importlib.metadata import version
        return f"pagefind {version('pagefind')}"
    except Exception:  # not installed, or installed oddly: always rerun it
        return ""

