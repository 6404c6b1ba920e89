"""The persistent build cache: work from earlier builds, reused while what made it is unchanged.

One SQLite file in the cache folder (default .briefings-cache/ in the working folder) holds JSON
values (uncompressed: compressing cost more build time than it saved), each filed under a hash of
everything that made it: the bytes of the
files it was read from (never their mtime), the generator (its version, its source code and the
libraries that shape its output) and the settings it depends on. Nothing in it is trusted: a file
that is not such a database, one written by another generator, or a value that does not decode to
the expected shape is ignored and rebuilt, never an error - and values are JSON, never pickles.
Values no build has used lately are pruned, so the file stays near the size of one site's work.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__

DEFAULT = Path(".briefings-cache")
"""The cache folder when none is given: in the working folder."""
FILE = "cache.sqlite"
FORMAT = "3"
"""Bumped when the layout of the database changes."""
LIBRARIES = ("markdown-it-py", "jinja2", "markupsafe", "pyyaml")
"""Libraries whose version can change the output."""
BATCH = 500
"""Keys per SELECT ... IN (...)."""
INHERITED: list[sqlite3.Connection] = []
"""Connections a forked worker inherited: kept, unused, until the worker exits without freeing them."""


def digest(*parts: bytes | str) -> str:
    """Return a hash of byte or text parts, each length-prefixed so no two sequences collide."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_hash(data: bytes) -> bytes:
    """Return the hash of a file's bytes that keys and the inputs hash are made from."""
    return hashlib.blake2b(data, digest_size=20).digest()


_generator: str | None = None


def generator() -> str:
    """Return a hash of the generator: its version, every source file, Python and the output libraries."""
    global _generator
    if _generator is None:
        here = Path(__file__).resolve().parent.parent  # the package, every stage's folder in it
        parts = [__version__, sys.version]
        for lib in LIBRARIES:
            try:
                parts.append(f"{lib} {version(lib)}")
            except PackageNotFoundError:
                parts.append(f"{lib} ?")
        for path in sorted(here.rglob("*.py")):
            parts += [path.relative_to(here).as_posix(), path.read_bytes()]
        _generator = digest(*parts)
    return _generator


class Cache:
    """Values by (kind, key) in one SQLite file; every failure makes the cache a cache that holds nothing."""

    def __init__(self, folder: Path, readonly: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE
        self.readonly = readonly
        """Read what is there, write nothing (not even the database's side files): for check."""
        self.db: sqlite3.Connection | None = None
        self.pid = -1
        self.broken = False
        self.used: set[tuple[str, str]] = set()
        """(kind, key) of every value read or written by this build, the ones pruning keeps."""

    def connect(self) -> sqlite3.Connection | None:
        """Return this process's connection (a forked worker opens its own), or None when unusable."""
        if self.broken:
            return None
        if self.db is not None and self.pid == os.getpid():
            return self.db
        if self.db is not None:
            # A forked worker must never use, close or free its parent's connection (freeing it
            # would close it, and SQLite may then tidy files the parent still uses): park it.
            INHERITED.append(self.db)
        try:
            self.db, self.pid = self.open(), os.getpid()
        except (OSError, sqlite3.Error):
            self.broken = True  # not writable, not a database, locked for good: build without it
            return None
        return self.db

    def open(self) -> sqlite3.Connection:
        """Open the database, starting it afresh when it is damaged or another generator's."""
        if self.readonly:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            if dict(db.execute("SELECT name, value FROM meta").fetchall()) != {"format": FORMAT,
                                                                              "generator": generator()}:
                db.close()
                raise sqlite3.DatabaseError("another generator's cache")
            return db
        self.folder.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
                stamp = dict(db.execute("SELECT name, value FROM meta").fetchall())
                if stamp != {"format": FORMAT, "generator": generator()}:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("DROP TABLE IF EXISTS entry")
                    db.execute("DELETE FROM meta")
                    # A table with rowids: values (kilobytes each) are appended in the order they
                    # come, and only the small (kind, key) index is kept in key order. Keyed by
                    # (kind, key) alone (WITHOUT ROWID), a cold build of 10,000 briefings spent
                    # more time moving values around the tree than 4,000 briefings' build in all.
                    db.execute("CREATE TABLE entry (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB, "
                               "PRIMARY KEY (kind, key))")
                    db.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("format", FORMAT), ("generator", generator())])
                    db.execute("COMMIT")
                db.execute("BEGIN")
                return db
            except sqlite3.DatabaseError:
                db.close()
                if attempt == 2:
                    raise
                # Not a database (or a damaged one): it is only a cache, so start a new one.
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        raise AssertionError("unreachable")

    def get(self, kind: str, key: str):
        """Return the value stored under (kind, key), or None when absent or unreadable."""
        return self.get_many(kind, [key]).get(key)

    def get_many(self, kind: str, keys: list[str]) -> dict:
        """Return key -> value for those keys stored under kind whose values decode."""
        db = self.connect()
        found: dict = {}
        if db is None:
            return found
        try:
            if len(keys) > BATCH:  # most of the kind, no doubt: one pass over it beats lookups
                wanted = set(keys)
                rows = [r for r in db.execute("SELECT key, value FROM entry WHERE kind = ?", (kind,))
                        if r[0] in wanted]
            else:
                rows = db.execute(f"SELECT key, value FROM entry WHERE kind = ? AND key IN "
                                  f"({','.join('?' * len(keys))})", [kind, *keys]).fetchall()
            for key, blob in rows:
                try:
                    found[key] = json.loads(blob)
                except (TypeError, ValueError):
                    continue  # damaged value: as if absent; the build puts a good one back
        except sqlite3.Error:
            self.broken = True
            return {}
        self.used.update((kind, key) for key in found)
        return found

    def put(self, kind: str, key: str, value) -> None:
        """Store a JSON-able value under (kind, key)."""
        self.put_encoded(kind, key, encode(value))

    def put_encoded(self, kind: str, key: str, blob: bytes) -> None:
        """Store a value already encoded (by encode(), perhaps in another process)."""
        db = None if self.readonly else self.connect()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO entry VALUES (?, ?, ?)", (kind, key, blob))
        except sqlite3.Error:
            self.broken = True
            return
        self.used.add((kind, key))

    def commit(self, prune: tuple[str, ...] = ()) -> None:
        """Save what this build stored; drop values of the pruned kinds once most are unused."""
        db = None if self.readonly else self.connect()
        if db is None:
            return
        try:
            if prune:
                self.prune(db, prune)
            db.execute("COMMIT")
            db.execute("BEGIN")
        except sqlite3.Error:
            self.broken = True

    def prune(self, db: sqlite3.Connection, kinds: tuple[str, ...]) -> None:
        """Delete values of these kinds this build did not use, when they outnumber the used ones."""
        marks = ",".join("?" * len(kinds))
        total = db.execute(f"SELECT count(*) FROM entry WHERE kind IN ({marks})", kinds).fetchone()[0]
        used = [k for k in self.used if k[0] in kinds]
        if total <= 2 * len(used) + 100:
            return  # an edit leaves one stale value behind; sweep only when they pile up
        db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (kind TEXT, key TEXT, PRIMARY KEY (kind, key))")
        db.execute("DELETE FROM keep")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?, ?)", used)
        db.execute(f"DELETE FROM entry WHERE kind IN ({marks}) AND NOT EXISTS "
                   f"(SELECT 1 FROM keep WHERE keep.kind = entry.kind AND keep.key = entry.key)", kinds)

    def close(self) -> None:
        """Close this process's connection (uncommitted values are dropped)."""
        if self.db is not None and self.pid == os.getpid():
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.db = None


def encode(value) -> bytes:
    """Return the stored form of a JSON-able value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def open_cache(folder: Path | None, readonly: bool = False) -> Cache | None:
    """Return the cache in a folder, or None when caching is off or the folder cannot hold one
    (read-only: when it holds no cache of this generator)."""
    if folder is None or (readonly and not (Path(folder) / FILE).is_file()):
        return None
    cache = Cache(folder, readonly)
    return cache if cache.connect() is not None else None
