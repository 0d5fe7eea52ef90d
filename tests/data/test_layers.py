"""design.md: ``data/`` and ``config`` never import textual (checked in a fresh interpreter)."""

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
    """design.md: the emulator is a separate product inside the package."""
    import subprocess
    import sys

    code = ("import sys, affinity_tui.emulator, affinity_tui.emulator.serve; "
            "print(sorted(m for m in sys.modules if m.startswith('affinity_tui.') "
            "and not m.startswith('affinity_tui.emulator')) + "
            "sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
