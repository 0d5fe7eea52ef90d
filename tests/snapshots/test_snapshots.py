"""SVG snapshots of every screen (``pytest --snapshot-update`` accepts a deliberate change).

``snap_compare`` runs the app with ``App.run`` in its own event loop, so these tests are plain
functions and build the app from the module-level ``demo_app`` factory, with a fixed clock.
The same walks export the README screenshots (``scripts/export_screenshots.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from affinity_tui.app import demo_app

from .scenarios import NOW, SCENARIOS, SIZE


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_screen(snap_compare: Any, name: str) -> None:
    assert snap_compare(demo_app(now=NOW), terminal_size=SIZE, run_before=SCENARIOS[name])
