"""The arrows between packages (docs: /work/shared/design.md, "Layers"): journeymap is the
organisation and its people and never imports boards (boards builds on it); only the
commit path runs the plain statements of boards/live/sql.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's wiring: the ASGI entry point routes to boards' sockets.
WIRING = {"journeymap/asgi.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _sources(package: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in WIRING
    )


@pytest.mark.parametrize("path", _sources("journeymap"), ids=lambda p: str(p.relative_to(ROOT)))
def test_journeymap_imports_nothing_of_boards(path):
    found = {name for name in _imports(path) if name == "boards" or name.startswith("boards.")}
    assert not found, f"{path.relative_to(ROOT)} imports {sorted(found)}"


def test_only_the_commit_path_imports_the_plain_statements():
    importers = {
        str(path.relative_to(ROOT))
        for package in ("boards", "journeymap")
        for path in _sources(package)
        if "boards.live.sql" in _imports(path)
    }
    assert importers == {"boards/live/commit.py"}
