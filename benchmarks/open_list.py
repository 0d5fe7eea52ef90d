"""Opening the Deal Pipeline: from ``enter`` on the lists screen to its first rows painted.

"First rows painted" (see ``harness.open_deal_pipeline``): timed from just before the ``enter``
key event is posted to the app, to the end of the first frame composed and encoded after the
entries screen's ``LazyTable`` drew a data row. It includes key dispatch, pushing and mounting
``ListEntriesScreen`` (first use: its module is imported lazily), its loader (field metadata and
the first entries page over HTTP from the emulator, which runs in its own process; pydantic
parsing; row formatting), layout and paint. It excludes starting the app and loading the lists
screen. Each run is a fresh process, app and session, as when a user starts the app and opens
the list; one emulator per scale serves all runs.

Target: under 0.3 s at 100k, and within 1.2x of the 1k list.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_child_args, child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from harness import median, ms  # noqa: E402
from served import Served, served  # noqa: E402

TARGET = 0.300
RATIO = 1.2


async def one_run(emu: Served) -> float:
    from harness import open_deal_pipeline, running_app

    async with running_app(emu) as (app, pilot):
        seconds, _table = await open_deal_pipeline(app, pilot)
        return seconds


def measure(scale: int, runs: int, emu: Served | None = None) -> dict[str, object]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    times = [run_child("open_list.py", emu.base, scale)["seconds"] for _ in range(runs)]
    return {"scale": scale, "runs": times, "median": median(times)}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    add_child_args(p)
    args = p.parse_args()
    if args.child:
        child_result({"seconds": asyncio.run(one_run(Served.at(args.base, args.scale[0])))})
        return
    results = [measure(scale, args.runs) for scale in scales(args)]
    print(table(["scale", "median", "runs"],
                [[f"{r['scale']:,}", ms(r["median"]), ", ".join(ms(t) for t in r["runs"])] for r in results]))
    by = {r["scale"]: r["median"] for r in results}
    if 1000 in by and 100000 in by:
        print(f"100k / 1k = {by[100000] / by[1000]:.2f}x (target <= {RATIO}x; 100k target < {TARGET * 1000:.0f} ms)")
    emit_json(args, results)


if __name__ == "__main__":
    main()
