"""``affinity-tui emulator``: serve the emulator on 127.0.0.1 with uvicorn for any client."""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from typing import Any

from .app import DEFAULT_API_KEY, Emulator, EmulatorConfig
from .tenant import DEFAULT_SCALE, DEFAULT_SEED


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options, shared by ``affinity-tui emulator`` and ``python -m``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE,
                        help=f"Deal Pipeline entries (default {DEFAULT_SCALE})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"data seed (default {DEFAULT_SEED})")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"the key clients must send (default {DEFAULT_API_KEY})")
    parser.add_argument("--per-minute", type=int, default=900, help="per-key requests per minute (default 900)")
    parser.add_argument("--monthly", type=int, default=100_000, help="org requests per month (default 100000)")
    parser.add_argument("--latency-ms", type=int, default=0, help="latency added to every request")
    parser.add_argument("--error-rate", type=float, default=0.0, help="fraction of requests answered 5xx")
    parser.add_argument("--hostile", action="store_true",
                        help="the demo tenant with hostile text (markup, escape codes, control characters, "
                             "10,000-character strings, scripted HTML, formula starters)")


def config_from(args: Any) -> EmulatorConfig:
    return EmulatorConfig(seed=args.seed, scale=args.scale, api_key=args.api_key, per_minute=args.per_minute,
                          monthly=args.monthly, latency_ms=args.latency_ms, error_rate=args.error_rate,
                          hostile=args.hostile)


def printable(text: str, limit: int = 60) -> str:
    """Tenant text as it is safe to print to the terminal that started the server: control and
    format characters (escape sequences, bidirectional overrides, zero-width) shown escaped, and
    at most `limit` characters (a hostile tenant's names are meant for the client, not for us)."""
    out = "".join(ch if unicodedata.category(ch)[0] != "C" else ascii(ch)[1:-1] for ch in text[:limit])
    return out + ("…" if len(text) > limit else "")


def banner(emu: Emulator, host: str, port: int, seconds: float) -> str:
    base = f"http://{host}:{port}"
    s = emu.store
    sizes = ", ".join(f"{printable(lst.name)} ({s.list_size(lst.id)})" for lst in s.lists.values())
    return (f"Affinity API emulator: tenant '{printable(s.tenant.name)}', generated in {seconds:.2f}s\n"
            f"  lists: {sizes}\n"
            f"  AFFINITY_API_KEY={emu.api_key}\n"
            f"  AFFINITY_V1_BASE_URL={base}\n"
            f"  AFFINITY_V2_BASE_URL={base}/v2\n"
            f"  request log: {base}/_emulator/requests   faults: {base}/_emulator/faults\n"
            f"Ctrl+C to stop.")


def main(args: Any) -> int:
    import uvicorn

    started = time.perf_counter()
    emu = Emulator(config_from(args))
    # The SDK's filter operators, which field metadata with ``includes=filterability`` names, are
    # read before the first request: imported then, they held that answer up ~0.4 s.
    from affinity.criteria import OPERATORS  # noqa: F401

    print(banner(emu, args.host, args.port, time.perf_counter() - started), flush=True)
    try:
        uvicorn.run(emu, host=args.host, port=args.port, log_level="warning", lifespan="off")
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m affinity_tui.emulator.serve")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
