"""Warm start: ``affinity-tui`` back on the list it was left on, painted from the cache, next to
the same start without the cache and next to importing Textual and affinity-sdk alone.

Each run, under a real pty (``pty_run``, 120×40), with fresh cache and state directories
(``AFFINITY_TUI_CACHE_DIR``, ``AFFINITY_TUI_STATE_DIR``) and the emulator serving the Deal
Pipeline at the given scale in its own process (``served``):

1. **the session before**: ``affinity-tui open https://bench.affinity.co/lists/12001`` until the
   list's first entry name is on the terminal, one more second (its pages, the lists, their
   views and owners are kept), then ``q`` (the place is remembered);
2. **cold** (the figure to compare with): ``affinity-tui --no-cache``, which resumes to the same
   list but reads everything from Affinity; launch → the first entry's name on the terminal;
3. **warm** (the figure judged): ``affinity-tui``; launch → the first entry's name on the
   terminal. The emulator's request log is cleared just before the launch; every request it
   logged before that moment (server clock, same machine) counts as "before the first paint".

``imports``: ``python -c "import textual.app, textual.widgets, affinity"`` with the collector
paused as ``affinity-tui`` does (``cold_start.IMPORTS``), timed between the runs. Medians of
runs. Our modules are byte-compiled first, as ``pip install`` leaves them.

Targets: warm ≤ 1.15 × imports; 0 requests before the first paint.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_peer import first_entry_name  # noqa: E402
from cold_start import IMPORTS, byte_compile, median, time_python  # noqa: E402
from common import emit_json, parser, scales, table  # noqa: E402
from pty_run import spawn  # noqa: E402
from served import AFFINITY_TUI, DEAL_PIPELINE, Served, served  # noqa: E402

RATIO = 1.15
LIST_URL = f"https://bench.affinity.co/lists/{DEAL_PIPELINE}"


def app_env(emu: Served, home: Path) -> dict[str, str]:
    env = emu.env()
    env.update(AFFINITY_TUI_CACHE_DIR=str(home / "cache"), AFFINITY_TUI_STATE_DIR=str(home / "state"),
               AFFINITY_TUI_CONFIG=str(home / "no-config.toml"))
    return env


def launch(argv: list[str], env: dict[str, str], name: str, emu: Served | None = None,
           settle: float = 0.0) -> tuple[float, int]:
    """Seconds from launch until ``name`` is on the terminal, and the requests logged before then."""
    if emu is not None:
        emu.clear_requests()
    started = time.time()
    run = spawn(argv, env)
    try:
        seconds = run.wait_for(name.encode(), timeout=60)
        painted_at = started + seconds
        before = len([r for r in emu.requests() if r["at"] < painted_at]) if emu is not None else -1
        if settle:
            deadline = time.perf_counter() + settle
            while time.perf_counter() < deadline:
                try:
                    run.read(0.05)
                except EOFError:
                    break
    finally:
        run.stop()
    return seconds, before


def one_run(emu: Served, name: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="affinity-tui-bench-") as tmp:
        home = Path(tmp)
        env = app_env(emu, home)
        launch([AFFINITY_TUI, "open", LIST_URL], env, name, settle=1.0)
        cold, cold_requests = launch([AFFINITY_TUI, "--no-cache"], env, name, emu)
        warm, warm_requests = launch([AFFINITY_TUI], env, name, emu)
        size = sum(p.stat().st_size for p in (home / "cache").iterdir() if p.is_file())
    return {"cold": cold, "warm": warm, "cold_requests_before_paint": cold_requests,
            "warm_requests_before_paint": warm_requests, "cache_bytes": size}


def measure(scale: int, runs: int, emu: Served | None = None, imports: float | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu, imports)
    name = first_entry_name(emu)
    results, timed = [], []
    for _ in range(runs):  # interleaved: a machine whose speed drifts is compared with itself
        timed.append(time_python(IMPORTS["textual+sdk"]))
        results.append(one_run(emu, name))
    if imports is None:
        imports = median(timed)
    warm = median([r["warm"] for r in results])
    return {"scale": scale, "imports": imports, "cold": median([r["cold"] for r in results]), "warm": warm,
            "ratio": warm / imports, "warm_requests_before_paint": max(r["warm_requests_before_paint"] for r in results),
            "cold_requests_before_paint": median([r["cold_requests_before_paint"] for r in results]),
            "runs": [r["warm"] for r in results]}


def passes(r: dict[str, Any]) -> bool:
    return r["ratio"] <= RATIO and r["warm_requests_before_paint"] == 0


def print_table(results: list[dict[str, Any]]) -> None:
    def ms(s: float) -> str:
        return f"{s * 1000:.0f} ms"

    print(table(["scale", "import textual + sdk", "cold start → rows", "warm start → rows", "warm / imports",
                 "requests before paint (warm)", "pass"],
                [[f"{r['scale']:,}", ms(r["imports"]), ms(r["cold"]), ms(r["warm"]), f"{r['ratio']:.2f}",
                  str(r["warm_requests_before_paint"]), "pass" if passes(r) else "FAIL"] for r in results]))
    print(f"(target: warm ≤ {RATIO}× imports, 0 requests before the first paint; cold sends "
          f"{results[0]['cold_requests_before_paint']:g} before its paint)")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    byte_compile()
    os.environ.setdefault("TERM", "xterm-256color")
    results = [measure(scale, args.runs) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
