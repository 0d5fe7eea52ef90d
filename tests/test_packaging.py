"""The wheel ships the stylesheets, and an installed (non-editable) copy finds them.

A checkout keeps ``styles/`` at the top level; the wheel force-includes it as
``affinity_tui/styles``. Only a real wheel proves the second path works.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("affinity_tui-*.whl")
    return built


def test_wheel_contains_styles_and_emulator(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tcss = {n for n in names if n.endswith(".tcss")}
    assert "affinity_tui/styles/app.tcss" in tcss
    assert {f"affinity_tui/styles/{p.name}" for p in (ROOT / "styles").glob("*.tcss")} <= tcss
    assert "affinity_tui/emulator/app.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "affinity-tui = affinity_tui.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_styles(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    code = ("import affinity_tui.paths as p, affinity_tui.app as a; "
            "print(p.styles_dir()); print(','.join(a.AffinityApp.CSS_PATH))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    styles, css_paths = done.stdout.split()
    assert Path(styles) == target / "affinity_tui" / "styles"
    sheets = [Path(p) for p in css_paths.split(",")]
    from affinity_tui.app import STYLESHEETS

    assert {p.name for p in sheets} == set(STYLESHEETS)
    assert all(p.is_file() and p.is_relative_to(target) for p in sheets)
