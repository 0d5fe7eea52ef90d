"""Write the README's screenshots (SVG) to ``screenshots/``: one per scenario of the snapshot
tests, from the demo tenant with a fixed clock. Run from the repository root:

    python scripts/export_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from affinity_tui.app import demo_app  # noqa: E402
from tests.snapshots.scenarios import NOW, SCENARIOS, SIZE  # noqa: E402


async def export(name: str, out: Path) -> Path:
    app = demo_app(now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await SCENARIOS[name](pilot)
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"affinity-tui — {name}"))
    return path


def main() -> None:
    # The composer scenario writes a draft as it types: into a throwaway state directory, never
    # the user's own.
    os.environ["AFFINITY_TUI_STATE_DIR"] = tempfile.mkdtemp(prefix="affinity-tui-screenshots-")
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for name in SCENARIOS:
        print(asyncio.run(export(name, out)).relative_to(ROOT))


if __name__ == "__main__":
    main()
