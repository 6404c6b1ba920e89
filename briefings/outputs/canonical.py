"""Pagefind's filter files in a stable order, so the same records give the same bytes.

Pagefind (1.5) writes each filter's values in the order of a hash table seeded anew by every run:
the same records give other filter files, under other names, and so another metadata file and
entry file - builds would not be reproducible, and a part made again would differ from its cached
copy. Each of those files is "pagefind_dcd" and a CBOR value, gzipped; canonical() sorts each
filter's values, names the filter files after their new bytes, and rewrites the metadata file
(which lists them) and the entry file (which names the metadata file) to match.

The rewrite is made only when decoding and encoding again gives back pagefind's very bytes for
every file it touches: a format this module does not know is left exactly as pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json

MAGIC = b"pagefind_dcd"


class Unknown(ValueError):
    """A file in a form this module does not know."""


def decode(data: bytes, at: int = 0):
    """Return the CBOR value at a position (integers, text, arrays and maps) and where it ends."""
    head, at = data[at], at + 1
    major, low = head >> 5, head & 31
    if low < 24:
        n = low
    elif low <= 27:
        size = 1 << (low - 24)
        n, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise Unknown("indefinite length")
    if major == 0:
        return n, at
    if major == 3:
        return data[at:at + n].decode(), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise Unknown(f"CBOR major type {major}")


def encode(value) -> bytes:
    """Return the shortest CBOR encoding of integers, text and arrays (what pagefind writes)."""
    if type(value) is int and value >= 0:
        return head(0, value)
    if type(value) is str:
        raw = value.encode()
        return head(3, len(raw)) + raw
    if type(value) is list:
        return head(4, len(value)) + b"".join(map(encode, value))
    raise Unknown(type(value).__name__)


def head(major: int, n: int) -> bytes:
    """Return a CBOR head: the major type and a count in the fewest bytes."""
    if n < 24:
        return bytes([major << 5 | n])
    size = next(s for s in (1, 2, 4, 8) if n < 1 << (8 * s))
    return bytes([major << 5 | (23 + size.bit_length())]) + n.to_bytes(size, "big")


def unpack(data: bytes):
    """Return the value of a pagefind file, checking that encoding it again gives its bytes."""
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise Unknown("not a pagefind file")
    value, end = decode(raw, len(MAGIC))
    if end != len(raw) or MAGIC + encode(value) != raw:
        raise Unknown("not in the shortest form")
    return value


def pack(value) -> bytes:
    """Return a pagefind file holding a value, gzipped the same way every time."""
    return gzip.compress(MAGIC + encode(value), compresslevel=9, mtime=0)


def renamed(old: str, data: bytes) -> str:
    """Return a file's new name: its old one's language prefix and as many hex digits, from its bytes."""
    prefix, _, digits = old.rpartition("_")
    return f"{prefix}_{hashlib.sha256(data).hexdigest()[:len(digits)]}"


def canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return one index's files with each filter's values sorted (see the module's docstring)."""
    try:
        return sorted_filters(files)
    except (Unknown, ValueError, KeyError, TypeError, IndexError, OSError, EOFError):
        return files


def sorted_filters(files: dict[str, bytes]) -> dict[str, bytes]:
    """Rewrite the filter, metadata and entry files of every language of an index."""
    out = dict(files)
    entry = json.loads(files["pagefind-entry.json"])
    if entry_bytes(entry) != files["pagefind-entry.json"]:
        raise Unknown("an entry file written otherwise")
    for language in entry["languages"].values():
        old = language["hash"]
        meta = unpack(out.pop(f"pagefind.{old}.pf_meta"))
        for pair in meta[3]:  # [filter name, file hash]
            values = unpack(out.pop(f"filter/{pair[1]}.pf_filter"))
            values[1].sort(key=lambda v: v[0])  # [filter name, [[value, [page numbers]], ...]]
            data = pack(values)
            pair[1] = renamed(pair[1], data)
            out[f"filter/{pair[1]}.pf_filter"] = data
        meta[3].sort(key=lambda p: p[0])
        data = pack(meta)
        language["hash"] = renamed(old, data)
        out[f"pagefind.{language['hash']}.pf_meta"] = data
    out["pagefind-entry.json"] = entry_bytes(entry)
    return out


def entry_bytes(entry: dict) -> bytes:
    """Return the entry file as pagefind writes it: compact JSON, other scripts as they are."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
