"""The layers: ``data/`` and ``config`` never import textual, screens and widgets never import the SDK,
only ``__main__`` imports the app, and the emulator imports nothing of the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_data_and_config_do_not_import_textual() -> None:
    code = ("import sys, affinity_tui.config, affinity_tui.data, affinity_tui.data.session; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_does_not_load_textual_or_the_sdk() -> None:
    code = ("import sys; from affinity_tui.__main__ import build_parser; build_parser([]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'affinity', 'httpx', 'starlette'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_emulator_imports_nothing_of_the_app() -> None:
    """The emulator is a separate product inside the package."""
    import subprocess
    import sys

    code = ("import sys, affinity_tui.emulator, affinity_tui.emulator.serve; "
            "print(sorted(m for m in sys.modules if m.startswith('affinity_tui.') "
            "and not m.startswith('affinity_tui.emulator')) + "
            "sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; relative ones resolved), type-only ones too."""
    import ast

    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_screens_and_widgets_never_import_the_sdk() -> None:
    """Screens wire widgets to ``data/``; only ``data/`` talks to affinity-sdk."""
    offenders = {}
    for folder in ("screens", "widgets"):
        for path in sorted((ROOT / "affinity_tui" / folder).glob("*.py")):
            sdk = sorted(m for m in _imports(path) if m == "affinity" or m.startswith("affinity."))
            if sdk:
                offenders[path.name] = sdk
    assert offenders == {}


def test_only_main_imports_the_app_module() -> None:
    importers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "affinity_tui").rglob("*.py")
                       if "affinity_tui.app" in _imports(path))
    assert importers == ["affinity_tui/__main__.py"]


def test_the_import_checks_see_what_they_look_for() -> None:
    """The walker resolves relative imports (so the two tests above can fail)."""
    found = _imports(ROOT / "affinity_tui" / "__main__.py")
    assert "affinity_tui.app" in found
    assert "affinity.types" in _imports(ROOT / "affinity_tui" / "data" / "session.py")
