"""Command-line plumbing shared by the benchmark scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

SCALES = (1_000, 100_000)


def parser(description: str, runs: int = 5) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--scale", type=int, action="append",
                   help="Deal Pipeline entries (repeatable; default 1000 and 100000)")
    p.add_argument("--runs", type=int, default=runs, help=f"runs per scale, median reported (default {runs})")
    p.add_argument("--json", action="store_true", help="print the results as one JSON line too")
    return p


def scales(args: argparse.Namespace) -> list[int]:
    return list(args.scale or SCALES)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def emit_json(args: argparse.Namespace, results: Any) -> None:
    if args.json:
        print("JSON " + json.dumps(results, default=str))
    sys.stdout.flush()


def run_child(script: str, base: str, scale: int, *extra: str, timeout: float = 600.0) -> dict[str, Any]:
    """Run ``script --child --base URL --scale N`` in a fresh interpreter; its ``RESULT {json}`` line."""
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parent
    python = str(here.parent / ".venv" / "bin" / "python")
    proc = subprocess.run([python, str(here / script), "--child", "--base", base, "--scale", str(scale), *extra],
                          capture_output=True, text=True, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT "):]))
    raise RuntimeError(f"{script} child failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def child_result(result: Any) -> None:
    print("RESULT " + json.dumps(result, default=str), flush=True)


def add_child_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--base", help=argparse.SUPPRESS)
