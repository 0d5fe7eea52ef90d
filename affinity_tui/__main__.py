"""``affinity-tui``: run the browser, or serve the Affinity API emulator.

Imports stay inside the functions so ``affinity-tui --help`` answers without loading
textual, the SDK or the emulator.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import AffinityApp

EXIT_CONFIG_ERROR = 2
FRAME_RATE = "1000"
"""TEXTUAL_FPS (default 60) is not a frame rate Textual keeps up: it is how soon after a change
the screen may be painted again. Frames are only drawn when something changed, so an idle app
costs nothing either way. A key waits for the next such tick, and after a pause Textual's timer
skips to the tick after next (up to two periods): at 60 that costs 45 ms of a key's p95 at 100k
rows, at 120 still 27 ms, at 1000 about 15 ms (benchmarks/key_latency.py). A TEXTUAL_FPS the
user set wins."""


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="affinity-tui",
        description="A fast, keyboard-first, read-only terminal browser for Affinity CRM.",
        epilog="The API key comes from AFFINITY_API_KEY, AFFINITY_API_KEY_FILE, "
               "AFFINITY_API_KEY_COMMAND, --dotenv or a --profile; try --demo without one.")
    parser.add_argument("--demo", action="store_true",
                        help="browse a generated demo tenant on the built-in emulator (no key needed)")
    parser.add_argument("--dotenv", type=Path, metavar="PATH",
                        help="read KEY=VALUE lines from this .env file (set variables win)")
    parser.add_argument("--profile", metavar="NAME", help="use this profile from the config file")
    parser.add_argument("--seed", type=int, help="demo data seed (with --demo)")
    parser.add_argument("--scale", type=int, help="Deal Pipeline entries in the demo (with --demo)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    emulator = commands.add_parser(
        "emulator", help="serve the Affinity API emulator over HTTP for any client",
        description="Serve an emulated Affinity tenant (REST API v1 and v2) on 127.0.0.1.")
    if list(argv[:1]) == ["emulator"]:  # its options live with the emulator; load them only when used
        from .emulator.serve import add_arguments

        add_arguments(emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(args_list).parse_args(args_list)
    if args.command == "emulator":
        from .emulator import serve

        return int(serve.main(args))
    os.environ.setdefault("TEXTUAL_FPS", FRAME_RATE)  # read when textual is first imported
    with _collector_paused():
        app = _demo_app(args) if args.demo else _configured_app(args)
    if app is None:
        return EXIT_CONFIG_ERROR
    _route_logging()
    app.run()
    return app.return_code or 0


def _configured_app(args: argparse.Namespace) -> AffinityApp | None:
    """The app on the user's tenant, or None after explaining on stderr what is missing."""
    from .config import ConfigError, load_budget, load_keymap, load_settings

    try:
        settings = load_settings(dotenv=args.dotenv, profile=args.profile)
        keymap, ask_above = load_keymap(), load_budget()
    except ConfigError as error:  # includes MissingApiKey; messages never contain the key
        print(error, file=sys.stderr)
        return None
    from .app import AffinityApp
    from .data import AffinitySession

    session = AffinitySession(settings)
    session.ask_above = ask_above
    return AffinityApp(session, keymap=keymap)


def _demo_app(args: argparse.Namespace) -> AffinityApp | None:
    """The demo tenant, with the user's keymap and budget from the config file as for a real one."""
    from datetime import UTC, datetime

    from .config import ConfigError, load_budget, load_keymap

    try:
        keymap, ask_above = load_keymap(), load_budget()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return None
    from .app import demo_app

    app = demo_app(seed=args.seed, scale=args.scale, now=datetime.now(UTC), keymap=keymap)
    app.session.ask_above = ask_above
    return app


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Start-up allocates hundreds of thousands of long-lived objects (Textual's and the SDK's
    classes, pydantic validators, the demo tenant) and creates almost no garbage, yet Python's
    cyclic collector would scan them again and again while they are made: pausing it saves about
    100 ms of a cold start (benchmarks/cold_start.py). What exists afterwards is frozen out of
    later full collections."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _route_logging() -> None:
    """Send log records and warnings to Textual's log: a line on stderr would draw over the UI
    (httpx logs every request at INFO; the SDK may warn about client-side filtering)."""
    import logging

    from textual.logging import TextualHandler

    logging.basicConfig(level=logging.WARNING, handlers=[TextualHandler()], force=True)
    logging.captureWarnings(True)


if __name__ == "__main__":
    sys.exit(main())
