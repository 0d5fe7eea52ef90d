"""What the emulator's modules may import: the routes are typed against `RouteHost`, not the
`Emulator` that imports them, and the two query languages stay apart."""

from __future__ import annotations

import ast
from pathlib import Path

import affinity_tui.emulator as package

ROOT = Path(package.__file__).parent


def _imports(module: str) -> set[str]:
    tree = ast.parse((ROOT / f"{module}.py").read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out.add(node.module or "")
            if node.module is None:
                out.update(a.name for a in node.names)
    return out


def test_routes_do_not_import_the_app() -> None:
    for module in ("routes_v1", "routes_v2", "route_host"):
        assert "app" not in _imports(module), module


def test_query_languages_are_independent() -> None:
    assert "filter_query" not in _imports("search_criteria")
    assert "search_criteria" not in _imports("filter_query")
