"""``affinity-tui open <list URL>``, launch to the list's first rows on the terminal, next to
``xaffinity list export <id> --max-results 100``, launch to its output (the same peer as
``cli_peer.py``, against the same served emulator).

Each run, under a pty (120×40), with fresh cache and state directories:

* **cold**: ``affinity-tui open https://bench.affinity.co/lists/12001`` with an empty cache: the
  process starts, imports, reads the list's first page (its fields and the lists alongside) and
  paints; timed until the first entry's name is on the terminal;
* **warm**: the same command again (the run before left the cache): painted from the cache.

The CLI: ``xaffinity --json list export 12001 --max-results 100``, wall clock from launch to exit
(``cli_peer.cli_once``). Medians of runs, the CLI's and the app's interleaved. Target: app / CLI
≤ 1.0 (judged cold; warm shown).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_peer import cli_once, first_entry_name  # noqa: E402
from cold_start import byte_compile, median  # noqa: E402
from common import emit_json, parser, scales, table  # noqa: E402
from served import AFFINITY_TUI, Served, served  # noqa: E402
from warm_start import LIST_URL, app_env, launch  # noqa: E402

TARGET = 1.0


def one_run(emu: Served, name: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="affinity-tui-bench-") as tmp:
        env = app_env(emu, Path(tmp))
        cold, _ = launch([AFFINITY_TUI, "open", LIST_URL], env, name, settle=1.0)
        warm, _ = launch([AFFINITY_TUI, "open", LIST_URL], env, name)
    return cold, warm


def measure(scale: int, runs: int, emu: Served | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    name = first_entry_name(emu)
    clis, opened = [], []
    for _ in range(runs):  # interleaved: a machine whose speed drifts is compared with itself
        clis.append(cli_once(emu))
        opened.append(one_run(emu, name))
    cli = median(clis)
    cold, warm = median([o[0] for o in opened]), median([o[1] for o in opened])
    return {"scale": scale, "cli": cli, "cold": cold, "warm": warm, "cold_ratio": cold / cli, "warm_ratio": warm / cli}


def print_table(results: list[dict[str, Any]]) -> None:
    def ms(s: float) -> str:
        return f"{s * 1000:.0f} ms"

    print(table(["scale", "xaffinity export (to exit)", "open URL, cold cache", "ratio", "open URL, warm cache",
                 "ratio", "pass"],
                [[f"{r['scale']:,}", ms(r["cli"]), ms(r["cold"]), f"{r['cold_ratio']:.2f}", ms(r["warm"]),
                  f"{r['warm_ratio']:.2f}", "pass" if r["cold_ratio"] <= TARGET else "FAIL"] for r in results]))
    print(f"(ratio = app / CLI; target ≤ {TARGET:.1f}, judged with a cold cache)")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    byte_compile()
    results = [measure(scale, args.runs) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
