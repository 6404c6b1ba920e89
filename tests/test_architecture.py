"""The package's shape: imports point down the flow, features never import the machinery, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefings"

LAYERS = [
    {"__init__", "errors", "model"},
    {"content"},  # stage 1: read the content folder
    {"text"},  # stage 2: Markdown and anchoring
    {"index"},  # stage 3: the cross-link index
    {"pages"},  # stage 4: the page plan and templates
    {"outputs"},  # stage 5: exports, Pages files, search
    {"authoring"},  # edits to the content: annotations from the preview, repaired quotes
    {"engine"},  # the machinery: what to read, render and write again
    {"pipeline"},  # the flow, stage by stage
    {"preview", "starter"},
    {"cli", "__main__"},
]
"""From the bottom up: a module may import its own layer and the ones below."""
FEATURES = {"content", "text", "index", "pages", "outputs", "authoring"}
"""The stages: they know nothing of caching, workers or the preview."""


def layer(top: str) -> int:
    """Return the layer of a top-level entry of the package."""
    return next(n for n, names in enumerate(LAYERS) if top in names)


def modules() -> list[Path]:
    """Return every module of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def top_of(path: Path) -> str:
    """Return the top-level entry a module belongs to ('engine' for engine/cache.py)."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported(path: Path) -> set[str]:
    """Return the top-level entries of the package that a module imports."""
    rel = path.relative_to(PACKAGE)
    package = list(rel.parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            parts = base + (node.module.split(".") if node.module else [])
            names = [parts[0]] if parts else [a.name for a in node.names]
            found.update(n if n in {t for s in LAYERS for t in s} else "__init__" for n in names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found.update(m.split(".")[1] for m in mods if m.startswith("briefings."))
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_downward(path: Path):
    me = top_of(path)
    upward = sorted(t for t in imported(path) - {me} if layer(t) > layer(me))
    assert upward == [], f"{path.relative_to(PACKAGE)} imports {upward}, above it in the flow"


@pytest.mark.parametrize("path", [p for p in modules() if top_of(p) in FEATURES],
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_features_never_import_the_machinery(path: Path):
    assert not imported(path) & {"engine", "pipeline", "preview"}


def test_the_top_level_reads_as_the_flow():
    entries = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith(("_", ".")) or p.name == "__main__.py")
    assert entries == ["__main__.py", "authoring", "cli.py", "content", "engine", "errors.py", "index.py", "model.py", "outputs",
                       "pages", "pipeline.py", "preview", "starter", "text"]


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_small(path: Path):
    assert len(path.read_text().splitlines()) <= 320


def test_tests_mirror_the_package():
    tests = PACKAGE.parent / "tests"
    for folder in (p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert (tests / folder.name).is_dir(), f"tests/{folder.name}/ is missing"


def test_the_machinery_names_no_feature():
    """What a template helper reads is marked where the helper is written (model.reads), and which
    fields are a briefing's body on the model: no engine module lists helpers or fields by name."""
    from briefings.pages.lookup import Lookup
    # Words that are also the machinery's own (cache kinds, the marks' names) are left out.
    helpers = {n for n in vars(Lookup) if not n.startswith("_")} - {"briefing", "article", "annotation", "speaker",
                                                                     "document", "provision", "topic"}
    for path in (PACKAGE / "engine").glob("*.py"):
        if path.name == "stored.py":
            continue  # the cache's stored forms write and read the model field by field, as they must
        strings = {node.value for node in ast.walk(ast.parse(path.read_text()))
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        assert not strings & (helpers | {"briefing.html", "body", "notes", "spans"}), path.name
