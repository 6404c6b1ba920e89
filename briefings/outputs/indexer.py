"""Pagefind, run as a service: records in, one part's index files out.

The installed pagefind package finds the indexer binary (its PagefindIndex API runs the same binary
with --service and speaks the same protocol: base64-encoded JSON messages, each ended by a comma).
Its Python client is not used because it waits a tenth of a second per message it reads - 400 s for
4,000 records; this one sends every record at once while a thread reads the replies. One process
per part, ended when the part is written, keeps the indexer's memory to one part's worth.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
from queue import Queue

from ..errors import ContentError
from .canonical import canonical
from .publish import die_with_parent, indexer_problem
from .search import SearchRecord

UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
"""The search UI the search page loads, kept once beside the parts (each part would repeat it)."""
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
"""Bundle files no part needs: the UIs (the search page loads one, from UI_FILES) and highlighting."""


def failed(why: str) -> ContentError:
    """Return the build error for an indexer that failed."""
    return ContentError("pagefind", 1, 1, f"the search index could not be built: {why} (--no-search builds "
                                          f"the site without it)")


class Service:
    """One running indexer process holding one index."""

    def __init__(self) -> None:
        from pagefind.service import get_executable  # the package's own way to find its binary
        exe = get_executable()
        if exe is None:
            raise failed("the pagefind binary was not found (pip install 'pagefind[bin]')")
        self.log = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen([str(exe), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.log, preexec_fn=die_with_parent)
        except OSError as exc:
            raise failed(f"pagefind could not be started: {exc}") from None
        self.replies: Queue = Queue()
        self.sent = 0
        threading.Thread(target=self.read, daemon=True).start()
        try:
            self.index = self.ask({"type": "NewIndex", "config": None})["index_id"]
        except BaseException:
            self.close()
            raise

    def read(self) -> None:
        """Put each reply the indexer writes on the queue; None when it closes its output."""
        pending = b""
        while chunk := self.proc.stdout.read1(1 << 16):
            pending += chunk
            *messages, pending = pending.split(b",")
            for message in messages:
                self.replies.put(json.loads(base64.b64decode(message)))
        self.replies.put(None)

    def send(self, payload: dict) -> None:
        """Send one request without waiting for its reply."""
        self.sent += 1
        message = base64.b64encode(json.dumps({"message_id": self.sent, "payload": payload}).encode())
        try:
            self.proc.stdin.write(message + b",")
        except OSError:  # it died: the reply queue says so
            pass

    def reply(self) -> dict:
        """Return the next reply's payload; raise the indexer's failure as a build error."""
        reply = self.replies.get()
        if reply is None:
            self.proc.wait()
            self.log.seek(0)
            raise failed(indexer_problem(self.log.read().decode(errors="replace")))
        payload = reply.get("payload") or {}
        if payload.get("type") == "Error":
            raise failed(f"pagefind: {payload.get('message')}")
        return payload

    def flush(self) -> None:
        """Hand what was sent to the indexer."""
        try:
            self.proc.stdin.flush()
        except OSError:  # it died: the reply queue says so
            pass

    def ask(self, payload: dict) -> dict:
        """Send one request and return its reply."""
        self.send(payload)
        self.flush()
        return self.reply()

    def add(self, records: list[SearchRecord], language: str) -> None:
        """Add records to the index: all sent, then every reply checked."""
        for r in records:
            self.send({"type": "AddRecord", "index_id": self.index, "url": r.url, "content": r.content,
                       "language": language, "meta": {"title": r.title},
                       "filters": {name: list(values) for name, values in r.filters} or None, "sort": None})
        self.flush()
        for _ in records:
            self.reply()

    def files(self) -> dict[str, bytes]:
        """Return the index's files by path in its folder."""
        files = self.ask({"type": "GetFiles", "index_id": self.index})["files"]
        return {f["path"]: base64.b64decode(f["content"]) for f in files}

    def close(self) -> None:
        """End the indexer process."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


def index_part(records: list[SearchRecord], language: str) -> dict[str, bytes]:
    """Index one part's records in a process of its own; return its files by path in its folder
    (the search UI left out, filter files in a stable order: see canonical)."""
    service = Service()
    try:
        service.add(records, language)
        files = service.files()
    finally:
        service.close()
    return canonical({path: data for path, data in files.items() if not path.startswith(UNUSED)})


def ui_files(language: str) -> dict[str, bytes]:
    """Return the search UI's files, from an index of one record (the indexer writes them with any index)."""
    service = Service()
    try:
        service.add([SearchRecord("/", "", "search")], language)
        files = service.files()
    finally:
        service.close()
    return {name: files[name] for name in UI_FILES if name in files}
