"""`briefings init`: write a starter site that builds, checks and serves at once.

The starter's files live beside this module (files/), as a user will see them, with @name@ marks
for what init fills in. Nothing the user owns is overwritten: init first works out every file it
would write, and writes none of them when any one is in the way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import ContentError

FILES = Path(__file__).parent / "files"

NAMES = {"gitignore": ".gitignore", "github": ".github"}
"""Stored names of files whose real names begin with a dot (kept dot-less so packaging keeps them)."""

MARK = re.compile(r"@([a-z_]+)@")


@dataclass(frozen=True)
class Starter:
    """What init fills into the starter files."""

    title: str
    """The site's title."""
    base_url: str | None
    """Where the site will be published, when known (checked by the command line)."""
    date: dt.date
    """The example briefing's date."""


def starter_files(starter: Starter) -> dict[str, str]:
    """Return every starter file's text by its path relative to the new site's folder."""
    values = {"title": json.dumps(starter.title, ensure_ascii=False), "date": starter.date.isoformat(),
              "version": __version__, "tag": f"v{__version__}", "base_url_line": base_url_line(starter.base_url)}
    files = {}
    for path in sorted(FILES.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(FILES).as_posix()
            first, _, rest = rel.partition("/")
            target = NAMES.get(first, first) + (f"/{rest}" if rest else "")
            files[target] = MARK.sub(lambda m: values[m.group(1)], path.read_text(encoding="utf-8"))
    return files


def base_url_line(base_url: str | None) -> str:
    """Return site.yml's base_url line: the given URL, or a commented placeholder saying what it is."""
    if base_url:
        return f"base_url: {json.dumps(base_url)}"
    return ("# base_url: https://USER.github.io/REPO/   # where the site is published; the Pages workflow\n"
            "#                                          # passes its own URL, so this is for local builds")


def in_the_way(folder: Path, rels: list[str]) -> list[ContentError]:
    """Return an error for each path init would write that exists or runs into a file, and for an
    existing content folder (a site is there already: the starter's files would mix with it)."""
    problems: dict[str, str] = {}
    if os.path.lexists(folder / "content"):
        problems[shown(folder / "content")] = "a content folder exists already"
    for rel in rels:
        path = folder / rel
        if os.path.lexists(path):
            problems.setdefault(shown(path), "this file exists already")
            continue
        parts = rel.split("/")
        for parent in (folder.joinpath(*parts[:n]) for n in range(1, len(parts))):
            if os.path.lexists(parent) and not parent.is_dir():
                problems.setdefault(shown(parent), "this is a file, where init would make a folder")
                break
    return [ContentError(path, 1, 1, f"init writes nothing: {why}") for path, why in problems.items()]


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet, all at once: a temporary file linked into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.link(tmp, path)  # fails if the path appeared meanwhile: never replaces anything
    finally:
        os.unlink(tmp)


def current_umask() -> int:
    """Return the process's umask (mkstemp makes files private; starter files are ordinary files)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def init(folder: Path, title: str | None = None, base_url: str | None = None) -> list[str]:
    """Write the starter site into folder; return the paths written. Raises ContentError, writing
    nothing, when any file it would write is in the way."""
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise ContentError(shown(folder), 1, 1, "init makes a site in a folder, and this is a file")
    starter = Starter(title or default_title(folder), base_url, dt.date.today())
    files = starter_files(starter)
    problems = in_the_way(folder, list(files))
    if problems:
        raise ExceptionGroup("in the way", problems)
    written = []
    for rel, text in files.items():
        write_new(folder / rel, text)
        written.append(rel)
    return written


def default_title(folder: Path) -> str:
    """Return a title made from the folder's name: 'coastal-desk' gives 'Coastal Desk'."""
    name = Path(os.path.abspath(folder)).name
    words = re.split(r"[-_\s]+", name)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Briefings"


def next_steps(folder: Path) -> str:
    """Return what to do after init, as printed at its end."""
    go = "" if os.path.abspath(folder) == os.getcwd() else f"  cd {shown(folder)}\n"
    return (f"Next steps:\n{go}"
            "  1. Edit content/site.yml and the example briefing in content/briefings/ (welcome.md and\n"
            "     its sidecar welcome.yml show every kind of annotation).\n"
            "  2. briefings serve      preview at http://127.0.0.1:8000/, reloading on every save\n"
            "  3. Push the folder to a GitHub repository: .github/workflows/pages.yml builds and\n"
            "     publishes it on every push to main.\n"
            "  4. In the repository's Settings > Pages, set Source to \"GitHub Actions\".")


def shown(path: Path) -> str:
    """Return a path relative to the working folder when it is inside it."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else rel
