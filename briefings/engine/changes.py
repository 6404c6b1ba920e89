"""What a changed file means for the preview's site: which kind of rebuild it calls for."""

from __future__ import annotations

import os
from pathlib import Path

CONTENT, TEMPLATES, BRIEFINGS = "content", "templates", "briefings"
"""Kinds of change, from the widest to the narrowest."""
EDITOR_FILES = ("~", ".swp", ".swx", ".tmp", ".part")
"""Endings of editors' scratch files, never a reason to rebuild."""


def widest(a: str | None, b: str | None) -> str | None:
    """Return the wider of two kinds of change."""
    for kind in (CONTENT, TEMPLATES, BRIEFINGS):
        if kind in (a, b):
            return kind
    return None


def classify(changed: set[str], content_dir: str, template_dirs: list[str], by_file: dict[str, str]) -> str | None:
    """Return the widest kind of change among these paths, or None if none matters.

    content_dir and template_dirs are absolute; by_file holds the absolute paths of the briefings'
    files (an article or sidecar that changed calls for the narrowest rebuild).
    """
    kind = None
    for path in changed:
        kind = widest(kind, kind_of(os.path.abspath(path), content_dir, template_dirs, by_file))
    return kind


def kind_of(path: str, content_dir: str, template_dirs: list[str], by_file: dict[str, str]) -> str | None:
    """Return what a change to one file (an absolute path) means for the site."""
    if path.endswith(EDITOR_FILES) or hidden(path, [content_dir, *template_dirs]):
        return None
    if path in template_dirs or any(path.startswith(d + os.sep) for d in template_dirs):
        return TEMPLATES
    if path == content_dir:  # the folder itself: deleted, renamed away, or back
        return CONTENT
    if not path.startswith(content_dir + os.sep):
        return None
    if path in by_file:
        return BRIEFINGS if os.path.isfile(path) else CONTENT
    rel = Path(path).relative_to(content_dir).parts
    if rel == ("site.yml",):
        return CONTENT
    if len(rel) < 2 or rel[0] not in ("speakers", "documents", "topics", "briefings"):
        return None
    if Path(path).suffix in (".md", ".yml") or os.path.isdir(path):
        return CONTENT
    # A folder that is gone shows as a path without suffix; an editor's scratch file too.
    return CONTENT if any(f.startswith(path + os.sep) for f in by_file) else None


def hidden(path: str, roots: list[str]) -> bool:
    """Tell whether a path is hidden below its folder (a part of it starts with a dot: .git, .swp)."""
    root = next((r for r in roots if path.startswith(r + os.sep)), None)
    rel = path[len(root) + 1:] if root else os.path.basename(path)
    return any(part.startswith(".") for part in rel.split(os.sep))
