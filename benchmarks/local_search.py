"""A local search keystroke with 100,000 people in the cache: key to its matches painted.

Setup (once per scale, in this process): a cache directory whose tenant file (confirmed by one
``whoami``) holds 100,000 people in its local index (synthetic names and addresses, the index
being what the app builds from every page it shows).

Each run (a fresh app process, headless at 120×40, on the served emulator): ``2`` (people),
quiet, ``/``, then ``m``, ``o``, ``r``, ``g``, ``a``, ``n``, space, ``j``, one key at a time, 150 ms
apart (less than the pause after which Affinity's search is asked too); the space searches nothing
new and is not timed. Per key: from posting
the key event (as the terminal driver does) to the end of the first frame composed and encoded
after the table received the matches for the text typed so far (``LazyTable.set_rows``). That
covers the input widget, the screen swapping its source, the index lookup on the cache's thread
(SQLite FTS5), building the rows and painting. Median and worst key over runs.

Target: under 30 ms per key.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from requests import quiet  # noqa: E402
from served import Served, served  # noqa: E402

TARGET = 0.030
ENTITIES = 100_000
TYPED = "morgan j"
FIRST = ("morgan", "moritz", "mona", "monroe", "mark", "maria", "james", "priya", "jonas", "ines", "tom", "sofia",
         "mohammed", "morris", "lena", "omar", "yuki", "ana", "noah", "emma")
LAST = ("reyes", "raman", "berg", "carvalho", "whitfield", "jones", "morgan", "moore", "nguyen", "okafor", "schmidt",
        "rossi", "kim", "silva", "dubois", "novak")


async def fill_cache(emu: Served, cache_dir: Path, count: int = ENTITIES) -> None:
    from affinity_tui.data.cache import TenantCache
    from affinity_tui.data.cache.store import Seen
    from affinity_tui.data.session import AffinitySession

    settings = emu.settings()
    session = AffinitySession(settings, cache=TenantCache(cache_dir, settings.api_key))
    await session.whoami()
    rng = random.Random(7)
    cache = session.cache
    assert cache is not None
    batch = []
    for i in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST) + rng.choice(("", "son", "ez", "ini", "ova"))
        batch.append(Seen("person", 10_000_000 + i, f"{first.title()} {last.title()}",
                          f"{first}.{last}@{rng.choice(LAST)}.com"))
        if len(batch) == 2000:
            cache.index(batch)
            batch = []
    cache.index(batch)
    await cache.flush()
    await session.close()


async def one_run(emu: Served, cache_dir: Path) -> dict[str, Any]:
    from harness import SIZE, BenchApp, entries_table, post_key, until

    from affinity_tui.data.cache import TenantCache
    from affinity_tui.data.session import AffinitySession
    from affinity_tui.screens.entities import EntitiesScreen
    from affinity_tui.widgets.lazy_table import LazyTable

    set_at: list[float] = []
    set_rows = LazyTable.set_rows

    def timed_set_rows(self: LazyTable, rows: Any) -> None:
        rows = list(rows)
        set_rows(self, rows)
        if rows:  # (a new source first clears the table)
            set_at.append(time.perf_counter())

    LazyTable.set_rows = timed_set_rows  # type: ignore[method-assign]
    settings = emu.settings()
    app = BenchApp(AffinitySession(settings, cache=TenantCache(cache_dir, settings.api_key)))
    keys: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: len(entries_table(app).rows) >= 4, 60, "the lists")
        await quiet(app)
        post_key(app, "2")
        await until(lambda: isinstance(app.screen, EntitiesScreen), 30, "people")
        await until(lambda: len(entries_table(app).rows) > 0, 30, "the people")
        await quiet(app)
        post_key(app, "slash")
        await asyncio.sleep(0.2)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        for n in range(1, len(TYPED) + 1):
            text = TYPED[:n]
            if text.endswith(" "):  # the same words as before: nothing to search
                post_key(app, "space")
                await asyncio.sleep(0.15)
                continue
            count = len(set_at)
            t0 = post_key(app, text[-1])
            await until(lambda t=text, c=count: screen.entities.term == t and len(set_at) > c, 5, f"matches of {text}")
            painted = await app.next_frame_after(set_at[-1])
            keys.append(painted - t0)
            assert entries_table(app).rows, f"no match for {text!r}"
            await asyncio.sleep(0.15)
        rows = len(entries_table(app).rows)
    return {"keys": keys, "last_matches": rows}


def measure(scale: int, runs: int, emu: Served | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    with tempfile.TemporaryDirectory(prefix="affinity-tui-bench-") as tmp:
        started = time.perf_counter()
        asyncio.run(fill_cache(emu, Path(tmp)))
        fill = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).iterdir() if p.is_file())
        results = [run_child("local_search.py", emu.base, scale, "--cache", tmp, timeout=300) for _ in range(runs)]
    keys = [k for r in results for k in r["keys"]]
    return {"scale": scale, "entities": ENTITIES, "median": statistics.median(keys), "max": max(keys),
            "per_key": [statistics.median(r["keys"][i] for r in results) for i in range(len(results[0]["keys"]))],
            "fill_seconds": fill, "cache_bytes": size, "last_matches": results[0]["last_matches"]}


def print_table(results: list[dict[str, Any]]) -> None:
    def ms(s: float) -> str:
        return f"{s * 1000:.1f} ms"

    print(table(["entities cached", "key → matches painted, median", "worst", "per key (" + TYPED.replace(" ", "") + ")",
                 "index size", "pass"],
                [[f"{r['entities']:,}", ms(r["median"]), ms(r["max"]), ", ".join(f"{k * 1000:.0f}" for k in r["per_key"]),
                  f"{r['cache_bytes'] / 1e6:.1f} MB", "pass" if r["max"] < TARGET else "FAIL"] for r in results]))
    print(f"(target: under {TARGET * 1000:.0f} ms per key)")


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=3)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--base", help=argparse.SUPPRESS)
    p.add_argument("--cache", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child_result(asyncio.run(one_run(Served.at(args.base, args.scale[0]), Path(args.cache))))
        return
    results = [measure(scale, args.runs) for scale in (scales(args) if args.scale else [1000])]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
