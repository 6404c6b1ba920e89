"""Find the content files: list each section, pair articles with sidecars, check file names."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ContentError
from .yamlschema import ID_RE, ID_RULE


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


def one_per_id(files: dict[str, list[Path]], section: str, errors: list[ContentError]) -> list[Path]:
    """Return a section's .yml files, reporting .yaml files and a second file for the same id.

    Without this, a .yaml file or a same-named file in a subfolder would be ignored silently.
    """
    kept: dict[str, Path] = {}
    for path in files.get(section, []):
        if path.suffix == ".yaml":
            errors.append(ContentError(shown(path), 1, 1, f"rename this file to {path.stem}.yml: "
                                                          f"content files end in .yml"))
        elif path.suffix == ".yml" and path.stem in kept:
            errors.append(ContentError(shown(path), 1, 1, f"duplicate id '{path.stem}': also used by "
                                                          f"{shown(kept[path.stem])}"))
        elif path.suffix == ".yml":
            kept[path.stem] = path
    return list(kept.values())


def list_files(content_dir: Path, errors: list[ContentError]) -> dict[str, list[Path]]:
    """Return the files of each content section, refusing symlinks that leave the folder."""
    root = content_dir.resolve()
    found: dict[str, list[Path]] = {}
    for section in ("briefings", "speakers", "documents", "topics"):
        base = content_dir / section
        if base.is_dir():
            list_folder(base, root, found.setdefault(section, []), errors)
            if not found[section]:
                del found[section]
    return found


def list_folder(folder: Path, root: Path, found: list[Path], errors: list[ContentError]) -> None:
    """Add a folder's files to found, then its subfolders' (not those reached through symlinks)."""
    try:
        entries = {e.name: e for e in os.scandir(folder)}  # the listing knows each entry's type
    except OSError:
        return
    folders = sorted(name for name, e in entries.items() if is_dir(e))
    for name in sorted(set(entries) - set(folders)) + [d for d in folders if entries[d].is_symlink()]:
        entry = entries[name]
        if name.startswith("."):
            continue
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root):
            errors.append(ContentError(shown(Path(folder, name)), 1, 1,
                                       "symlink points outside the content folder; refused"))
        elif entry.is_file():
            found.append(Path(folder, name))
    for name in folders:
        if not entries[name].is_symlink():
            list_folder(Path(folder, name), root, found, errors)


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
    pairs, slugs = [], {}
    for stem, pair in sorted(by_stem.items(), key=lambda item: item[0].split(os.sep)):
        slug = stem.rpartition(os.sep)[2]
        if not check_stem(Path(f"{stem}.md"), errors):
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
