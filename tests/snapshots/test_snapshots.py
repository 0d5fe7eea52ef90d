"""SVG snapshots of each screen (``pytest --snapshot-update`` to accept a deliberate change).

``snap_compare`` runs the app with ``App.run`` in its own event loop, so these tests are plain
functions and build the app from the module-level ``demo_app`` factory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot

from affinity_tui.app import demo_app

NOW = datetime(2026, 11, 24, tzinfo=UTC)


async def loaded(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_lists_screen(snap_compare: Any) -> None:
    assert snap_compare(demo_app(now=NOW), terminal_size=(120, 40), run_before=loaded)
