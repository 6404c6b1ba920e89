"""Find the content files: list each section, pair articles with sidecars, check file names.

A symbolic link is read as its target only when that target is inside the folder it must stay in
(the content folder, or the templates folder for templates): every other link is refused with an
error naming it, so nothing outside those folders is read or published through a link.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import ContentError
from .yamlschema import ID_RE, ID_RULE

SECTIONS = ("briefings", "speakers", "documents", "topics")
SUFFIXES = {"md": "md", "markdown": "md", "yml": "yml", "yaml": "yml"}
"""Suffixes, any case, meant as one the sections read: file.MD is meant as file.md."""
READS = {"md": "articles end in .md", "yml": "content files end in .yml"}
"""Each suffix the sections read, with the rule a misnamed file's message gives."""


def shown(path: Path) -> str:
    """Return the path as the user should see it: relative to the working folder if inside it."""
    text = os.fspath(path)
    if isinstance(path, Path) and not os.path.isabs(text) and ".." not in text.split(os.sep):
        return text  # relative and normalised already: relpath would give the same text, 20 times slower
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def no_content(folder: Path) -> str:
    """Return the message for a missing content folder, saying how to begin."""
    return (f"content folder {shown(folder)} does not exist; to start a new site here, run "
            f"'briefings init'; else run in your project folder or pass --content")


def misnamed(path: Path, reads: tuple[str, ...], errors: list[ContentError]) -> bool:
    """Report a file whose suffix is another spelling of one in reads (.MD, .Yml, .yaml, .markdown)."""
    stem, dot, suffix = os.path.basename(path).rpartition(".")
    meant = SUFFIXES.get(suffix.lower()) if dot and stem else None
    if meant not in reads or suffix == meant:
        return False
    errors.append(ContentError(shown(path), 1, 1, f"rename this file to {stem}.{meant}: {READS[meant]}"))
    return True


def one_per_id(files: dict[str, list[Path]], section: str, errors: list[ContentError]) -> list[Path]:
    """Return a section's .yml files, reporting misnamed files and a second file for the same id.

    Without this, a .yaml file or a same-named file in a subfolder would be ignored silently.
    """
    kept: dict[str, Path] = {}
    for path in files.get(section, []):
        if misnamed(path, ("yml",), errors):
            continue
        if path.suffix == ".yml" and path.stem in kept:
            errors.append(ContentError(shown(path), 1, 1, f"duplicate id '{path.stem}': also used by "
                                                          f"{shown(kept[path.stem])}"))
        elif path.suffix == ".yml":
            kept[path.stem] = path
    return list(kept.values())


def list_files(content_dir: Path, errors: list[ContentError]) -> dict[str, list[Path]]:
    """Return the files of each content section, refusing symlinks that leave the folder
    (site.yml's too: a listing without errors means every file the build reads is inside)."""
    root = os.path.realpath(content_dir)
    found: dict[str, list[Path]] = {}
    for name in ("site.yml",) + SECTIONS:
        if (refused := refused_link(content_dir / name, root, "content folder")) is not None:
            errors.append(refused)
        elif name in SECTIONS and (content_dir / name).is_dir():
            real = os.path.realpath(content_dir / name)
            list_folder(content_dir / name, (root, real), found.setdefault(name, []), errors, "content folder")
            if not found[name]:
                del found[name]
    return found


def folder_files(folder: Path, errors: list[ContentError], what: str) -> list[Path]:
    """Return every file under a folder, sorted, refusing symlinks that leave it ('what' names it)."""
    found: list[Path] = []
    real = os.path.realpath(folder)
    list_folder(folder, (real, real), found, errors, what)
    return sorted(found)


def list_folder(folder: Path, chain: tuple[str, ...], found: list[Path], errors: list[ContentError],
                what: str) -> None:
    """Add a folder's files to found, then its subfolders', each named in sorted order.

    chain holds the real paths of the folder links must stay in, then of the folders listed down to
    this one: a link is followed when its target is inside the first and holds none of them.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)  # the listing knows each entry's type
    except OSError:
        return
    subfolders = []
    for entry in entries:
        if entry.name.startswith(".") and (entry.is_symlink() or not is_dir(entry)):
            continue  # hidden files are drafts and editor files; hidden links are never read
        if entry.is_symlink():
            real, problem = follow(entry.path, chain, what)
            if problem:
                errors.append(ContentError(shown(Path(entry.path)), 1, 1, problem))
            elif os.path.isdir(real):
                subfolders.append((entry.name, real))
            elif os.path.isfile(real):  # as for entries that are no links: no pipes or devices
                found.append(Path(folder, entry.name))
        elif is_dir(entry):
            subfolders.append((entry.name, os.path.join(chain[-1], entry.name)))
        elif entry.is_file():
            found.append(Path(folder, entry.name))
    for name, real in subfolders:
        list_folder(Path(folder, name), chain + (real,), found, errors, what)


def refused_link(path: Path, root: str, what: str) -> ContentError | None:
    """Return the error for a symbolic link that may not be read (root: the real folder it must
    stay in), or None when path is no link or its target may be read."""
    if not os.path.islink(path):
        return None
    _, problem = follow(os.fspath(path), (root, root), what)
    return ContentError(shown(path), 1, 1, problem) if problem else None


def follow(link: str, chain: tuple[str, ...], what: str) -> tuple[str, str]:
    """Return a symbolic link's real target and why it is refused (nothing when it may be read);
    chain as in list_folder."""
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"  # it was a link when listed; gone now, the stat below says so
    try:
        mode = os.stat(link).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "", f"this symbolic link leads round in a loop of links ({target}); briefings cannot read it"
        if exc.errno == errno.ENOENT:
            return "", f"this symbolic link points to nothing: its target ({target}) does not exist"
        return "", f"this symbolic link cannot be followed: {exc.strerror}"
    real, kind = os.path.realpath(link), "folder" if stat.S_ISDIR(mode) else "file"
    if not inside(real, chain[0]):
        return "", (f"this is a symbolic link to a {kind} outside the {what} ({target}); "
                    f"briefings reads only files inside it")
    if kind == "folder" and any(inside(folder, real) for folder in chain):
        # Listing it would list the folder holding the link again, and again.
        return "", f"this is a symbolic link to a folder that holds it ({target}); briefings cannot list it"
    return real, ""


def inside(path: str, folder: str) -> bool:
    """Tell whether a real path is a folder or inside it."""
    return os.path.commonpath([path, folder]) == folder


def is_dir(entry: os.DirEntry) -> bool:
    """Tell whether a listed entry is a folder (or a symlink to one)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def check_stem(path: Path, errors: list[ContentError]) -> bool:
    """Check that a file name is a legal id: the rule for slugs and ids."""
    name = os.path.basename(path)
    if ID_RE.match(name[:name.rfind(".")] if "." in name else name):  # the stem, without Path's cost
        return True
    errors.append(ContentError(shown(path), 1, 1,
                               f"illegal file name '{path.name}': {ID_RULE} (rename the file)"))
    return False


def pair_briefings(paths: list[Path], errors: list[ContentError]) -> list[tuple[str, Path, Path]]:
    """Return (slug, article, sidecar) for every complete pair with a legal, unique slug."""
    # Paths as text, grouped and sorted by their parts as Path would: thousands of Path
    # comparisons and suffix changes were a tenth of a rebuild after one edit.
    by_stem: dict[str, dict[str, Path]] = {}
    for path in paths:
        base, _, suffix = os.fspath(path).rpartition(".")
        if suffix in ("md", "yml") and base and not base.endswith(os.sep):
            by_stem.setdefault(base, {})[suffix] = path
        elif misnamed(path, ("md", "yml"), errors):
            by_stem.setdefault(base, {})[""] = path  # its own error says all: not also "missing"
    pairs, slugs = [], {}
    for stem, pair in sorted(by_stem.items(), key=lambda item: item[0].split(os.sep)):
        slug = stem.rpartition(os.sep)[2]
        if "" in pair or not check_stem(Path(f"{stem}.md"), errors):
            continue
        if "md" not in pair:
            errors.append(ContentError(shown(pair["yml"]), 1, 1,
                                       f"sidecar without an article: {shown(Path(stem))}.md is missing"))
            continue
        if "yml" not in pair:
            errors.append(ContentError(shown(pair["md"]), 1, 1,
                                       f"article without a sidecar: {shown(Path(stem))}.yml is missing"))
            continue
        if slug in slugs:
            errors.append(ContentError(shown(pair["md"]), 1, 1,
                                       f"duplicate slug '{slug}': also used by {slugs[slug]}"))
            continue
        slugs[slug] = shown(pair["md"])
        pairs.append((slug, pair["md"], pair["yml"]))
    return pairs
