"""Every benchmark at 1,000 and 100,000 entries, printed as one table: measure | 1k | 100k | target | pass/fail.

One standalone emulator per scale (``served.py``) serves every measure at that scale; each app run
is a fresh process. ``--runs`` (default 5) runs are taken per measure and the median reported;
the measures that load every entry (memory, local sort/filter) take ``--load-runs`` (default 3:
loading 100,000 entries is 1,000 sequential requests, about a minute). ``--quick``: 2 runs and 1
load run. The targets are the README's; the per-script docstrings define each measure exactly.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cli_peer  # noqa: E402
import cold_start  # noqa: E402
import key_latency  # noqa: E402
import latency as latency_bench  # noqa: E402
import local_ops  # noqa: E402
import memory  # noqa: E402
import open_list  # noqa: E402
import requests as requests_bench  # noqa: E402
from common import table  # noqa: E402
from served import served  # noqa: E402


def ms(seconds: float) -> str:
    return "n/a" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def run(scales: list[int], runs: int, load_runs: int, log: Any) -> dict[str, Any]:
    results: dict[str, Any] = {"runs": runs, "load_runs": load_runs, "scales": {}}
    log(f"cold start (--demo), {runs} runs…")
    cold_start.byte_compile()
    results["demo"] = cold_start.measure_demo(runs)
    for scale in scales:
        r: dict[str, Any] = {}
        log(f"scale {scale:,}: starting the emulator…")
        with served(scale) as emu:
            log(f"scale {scale:,}: open list, {runs} runs…")
            r["open"] = open_list.measure(scale, runs, emu)
            log(f"scale {scale:,}: key latency, {runs} runs…")
            r["keys"] = key_latency.measure(scale, runs, emu)
            log(f"scale {scale:,}: requests…")
            r["requests"] = requests_bench.measure(scale, emu)
            log(f"scale {scale:,}: load everything, {load_runs} runs (memory, local ops)…")
            r["memory"], raw = memory.measure(scale, load_runs, emu)
            r["local"] = local_ops.measure(scale, load_runs, raw=raw)
            log(f"scale {scale:,}: xaffinity CLI peer and cold starts, {runs} runs…")
            r["cli"] = cli_peer.measure(scale, runs, emu, open_seconds=r["open"]["median"])
            r["cold"] = cold_start.measure_configured(scale, runs, emu)
        results["scales"][scale] = r
    log(f"round trips at 300 ms and 0 ms latency (1,000 entries), {max(1, runs // 2)} runs…")
    results["latency"] = [latency_bench.measure(ms_, max(1, runs // 2), 1000) for ms_ in latency_bench.LATENCIES]
    return results


def report(results: dict[str, Any], scales: list[int]) -> str:
    demo = results["demo"]
    by = results["scales"]
    small, big = (scales + scales)[:2] if len(scales) == 1 else (scales[0], scales[-1])
    s, b = by[small], by[big]
    head = ["measure", f"{small:,}", f"{big:,}", "target", "result"]
    rows: list[list[str]] = []

    def row(name: str, f: Any, target: str, ok: bool | None) -> None:
        rows.append([name, f(s), f(b), target, "" if ok is None else verdict(ok)])

    rows.append(["cold start --demo → lists painted (pty)", ms(demo["lists_painted"]), "(scale-independent)",
                 "< 800 ms", verdict(demo["lists_painted"] < 0.8)])
    rows.append(["  import textual + affinity-sdk", ms(demo["textual_sdk"]), "", "(~500 ms given)", ""])
    rows.append(["  + our imports (app, screens, emulator)", ms(demo["ours_imports"]), "", "", ""])
    rows.append(["  + app start to lists painted", ms(demo["app_start_to_lists"]), "", "", ""])
    row("cold start, configured → lists painted", lambda x: ms(x["cold"]["lists_painted"]), "(info; < 800 ms)",
        None)
    ratio = b["open"]["median"] / s["open"]["median"]
    row("open list → first rows painted", lambda x: ms(x["open"]["median"]), "< 300 ms; ≤ 1.2× 1k",
        b["open"]["median"] < 0.3 and ratio <= 1.2)
    rows.append(["  100k / 1k", "", f"{ratio:.2f}×", "≤ 1.2×", verdict(ratio <= 1.2)])
    row("key → painted p95, pages streaming", lambda x: ms(x["keys"]["painted_p95"]), "< 16 ms",
        all(x["keys"]["painted_p95"] < 0.016 for x in (s, b)))
    row("  key → handled p95 (cursor moved)", lambda x: ms(x["keys"]["handled_p95"]), "(info)", None)
    row("  key work p95 (handled + frame, no tick wait)", lambda x: ms(x["keys"]["work_p95"]), "(info)", None)
    row("loop stall max, keys + streaming", lambda x: ms(x["keys"]["lag_max"]), "none > 50 ms",
        all(x["keys"]["lag_max"] <= 0.050 for x in (s, b)))
    row("loop stall max, loading all entries", lambda x: ms(x["memory"]["load_lag_max"]), "none > 50 ms",
        all(x["memory"]["load_lag_max"] <= 0.050 for x in (s, b)))
    row("  stalls > 50 ms while loading all", lambda x: f"{x['memory']['load_stalls_over_50ms']:g}", "0", None)
    row("  longest full GC while loading all", lambda x: ms(x["memory"]["load_gc_gen2_max"]), "(info)", None)
    row("requests to open the list", lambda x: str(x["requests"]["open_requests"]), "≤ 2",
        all(x["requests"]["open_requests"] <= 2 for x in (s, b)))
    row("entries pages to scroll N rows (N)",
        lambda x: f"{x['requests']['pages']} for {x['requests']['scrolled_rows'] + 1:,} (ceil {x['requests']['pages_needed']})",
        "ceil(N/100) (+1 read-ahead)",
        all(x["requests"]["pages"] <= x["requests"]["pages_needed"] + 1 for x in (s, b)))
    row("requests fetched twice", lambda x: str(len(x["requests"]["duplicates"])), "0",
        all(not x["requests"]["duplicates"] for x in (s, b)))
    row("RSS, all entries loaded", lambda x: f"{x['memory']['rss_mb']:.0f} MB", "< 250 MB", b["memory"]["rss_mb"] < 250)
    row("  load all entries (time)", lambda x: f"{x['memory']['load_seconds']:.1f} s", "(info)", None)
    row("local sort, worst (painted)", lambda x: ms(x["local"]["sort_painted_max"]), "< 150 ms",
        all(x["local"]["sort_painted_max"] < 0.150 for x in (s, b)))
    row("local quick filter, worst (painted)", lambda x: ms(x["local"]["filter_painted_max"]), "< 150 ms",
        all(x["local"]["filter_painted_max"] < 0.150 for x in (s, b)))
    row("key → painted p95, all loaded", lambda x: ms(x["local"]["loaded_key_p95"]), "(info)", None)
    row("xaffinity list export --max-results 100", lambda x: ms(x["cli"]["cli"]), "(peer)", None)
    row("  open list / CLI ratio", lambda x: f"{x['cli']['ratio']:.2f}", "≤ 1.00",
        all(x["cli"]["ratio"] <= 1.0 for x in (s, b)))
    row("  app launch → first rows (pty) / CLI", lambda x: f"{x['cli']['cold_ratio']:.2f}", "(info)", None)
    out = table(head, rows) + (f"\n(median of {results['runs']} runs; loading-all measures: {results['load_runs']} runs; "
                               "definitions in each script's docstring)")
    if results.get("latency"):
        out += "\n\nRound trips (benchmarks/latency.py; RT = round trips in a row before the paint)\n"
        out += latency_bench.report(results["latency"])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--load-runs", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="2 runs, 1 load run")
    p.add_argument("--scale", type=int, action="append", help="default: 1000 and 100000")
    p.add_argument("--json", type=Path, help="also write every raw figure to this file")
    args = p.parse_args()
    runs, load_runs = (2, 1) if args.quick else (args.runs, args.load_runs)
    scales = args.scale or [1_000, 100_000]
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    results = run(scales, runs, load_runs, log)
    print(report(results, scales))
    log("keyboard triage (benchmarks/triage.py)…")
    import subprocess

    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "triage.py")], check=False)
    log("quick note entry (benchmarks/notes.py)…")
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "notes.py")], check=False)
    log("done")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
