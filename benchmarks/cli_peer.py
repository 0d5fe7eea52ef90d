"""Peer figure: the xaffinity CLI fetching the same first page, against the same served emulator.

``xaffinity --json list export 12001 --max-results 100`` (affinity-sdk's own CLI; environment:
``AFFINITY_API_KEY``, ``AFFINITY_V1_BASE_URL``, ``AFFINITY_V2_BASE_URL``), timed wall clock from
launch to exit (it has printed the rows), median of runs. It starts a Python process, imports
the SDK, resolves the list, reads its fields and one entries page, and prints JSON.

Compared with (median of runs, fresh processes):

* ``open_list.py``'s figure (``enter`` on the list until its first rows are painted, in an app
  that is already running): the ratio app / CLI, target ≤ 1.0;
* the full cold path under a pty: launch plain ``affinity-tui`` (configured by the same
  environment), wait for the lists screen, press ``enter`` on the Deal Pipeline, until its
  first entry's name is on the terminal, i.e. process start to first rows, like the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import open_list  # noqa: E402
from common import emit_json, parser, scales, table  # noqa: E402
from pty_run import spawn  # noqa: E402
from served import AFFINITY_TUI, DEAL_PIPELINE, XAFFINITY, Served, served  # noqa: E402


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def cli_once(emu: Served) -> float:
    started = time.perf_counter()
    proc = subprocess.run([XAFFINITY, "--json", "list", "export", str(DEAL_PIPELINE), "--max-results", "100"],
                          env=emu.env(), capture_output=True, timeout=60)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"xaffinity failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    rows = json.loads(proc.stdout)["data"]["rows"]
    if len(rows) != 100:
        raise RuntimeError(f"xaffinity printed {len(rows)} rows, expected 100")
    return seconds


def first_entry_name(emu: Served) -> str:
    request = urllib.request.Request(f"{emu.v2}/lists/{DEAL_PIPELINE}/list-entries?limit=1",
                                     headers={"Authorization": f"Bearer {emu.key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["data"][0]["entity"]["name"])


def app_cold_once(emu: Served, name: str) -> float:
    run = spawn([AFFINITY_TUI], emu.env())
    try:
        run.wait_for(b"Deal Pipeline", timeout=60)
        time.sleep(0.05)  # let the lists screen finish its frame before the key
        run.send(b"\r")
        return run.wait_for(name.encode(), timeout=60)
    finally:
        run.stop()


def measure(scale: int, runs: int, emu: Served | None = None, open_seconds: float | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu, open_seconds)
    cli = median([cli_once(emu) for _ in range(runs)])
    if open_seconds is None:
        open_seconds = float(open_list.measure(scale, runs, emu)["median"])  # type: ignore[arg-type]
    name = first_entry_name(emu)
    cold = median([app_cold_once(emu, name) for _ in range(runs)])
    return {"scale": scale, "cli": cli, "open": open_seconds, "ratio": open_seconds / cli,
            "app_cold": cold, "cold_ratio": cold / cli}


def print_table(results: list[dict[str, Any]]) -> None:
    def ms(s: float) -> str:
        return f"{s * 1000:.0f} ms"

    print(table(["scale", "xaffinity export (to exit)", "app: enter → rows", "ratio", "app: launch → rows (pty)",
                 "ratio"],
                [[f"{r['scale']:,}", ms(r["cli"]), ms(r["open"]), f"{r['ratio']:.2f}", ms(r["app_cold"]),
                  f"{r['cold_ratio']:.2f}"] for r in results]))
    print("(ratio = app / CLI; target ≤ 1.0 for the open-list figure)")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    results = [measure(scale, args.runs) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
