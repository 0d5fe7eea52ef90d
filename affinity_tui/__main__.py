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
    from .data.resume import Place

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
    _start_options(parser, argparse_default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    opener = commands.add_parser(
        "open", help="open a record or list from its Affinity web link, or a list by name",
        description="Open what a link from Affinity's web app shows, or a list (and saved view) by name.",
        epilog="Links: https://<subdomain>.affinity.co/persons/<id>, /companies/<id>, /opportunities/<id>, "
               "/lists/<id>, /lists/<id>/entries/<id> (.affinity.com too).")
    opener.add_argument("url", nargs="?", help="a link copied from Affinity's web app")
    opener.add_argument("--list", dest="list_name", metavar="NAME", help="open the list with this name")
    opener.add_argument("--view", dest="view_name", metavar="NAME", help="open this saved view of the list")
    _start_options(opener, argparse_default=True)
    noter = commands.add_parser(
        "note", help="write a note on a record from its Affinity web link, then exit",
        description="Open the note composer on the person, company, opportunity or list entry a link "
                    "from Affinity's web app shows; affinity-tui exits once the note is saved "
                    "(or closed: its draft is kept).",
        epilog="Links: https://<subdomain>.affinity.co/persons/<id>, /companies/<id>, /opportunities/<id>, "
               "/lists/<id>/entries/<id> (.affinity.com too).")
    noter.add_argument("url", help="a link copied from Affinity's web app")
    _start_options(noter, argparse_default=True)
    cache = commands.add_parser(
        "cache", help="the on-disk cache: where it is, or clear it",
        description="affinity-tui keeps what it showed (per tenant and user) to start instantly and work "
                    "offline. 'path' prints where; 'clear' deletes it for every tenant and user.")
    cache.add_argument("action", choices=["path", "clear"])
    emulator = commands.add_parser(
        "emulator", help="serve the Affinity API emulator over HTTP for any client",
        description="Serve an emulated Affinity tenant (REST API v1 and v2) on 127.0.0.1.")
    if list(argv[:1]) == ["emulator"]:  # its options live with the emulator; load them only when used
        from .emulator.serve import add_arguments

        add_arguments(emulator)
    return parser


def _start_options(parser: argparse.ArgumentParser, *, argparse_default: bool) -> None:
    """``--no-cache`` and ``--fresh``, before or after ``open``."""
    default = argparse.SUPPRESS if argparse_default else False
    parser.add_argument("--no-cache", action="store_true", default=default,
                        help="neither read nor write the on-disk cache this time")
    parser.add_argument("--fresh", action="store_true", default=default,
                        help="start on the lists screen, not where the last session was")


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(args_list).parse_args(args_list)
    if args.command == "emulator":
        from .emulator import serve

        return int(serve.main(args))
    if args.command == "cache":
        return _cache_command(args.action)
    os.environ.setdefault("TEXTUAL_FPS", FRAME_RATE)  # read when textual is first imported
    with _collector_paused():  # reading a link imports the SDK already
        app = _app(args)
    if app is None:
        return EXIT_CONFIG_ERROR
    _route_logging()
    app.run()
    return app.return_code or 0


def _app(args: argparse.Namespace) -> AffinityApp | None:
    """The app to run, opening what ``open`` or ``note`` asks for; None after saying on stderr
    what is wrong."""
    start = None
    if args.command == "open":
        start = _place_to_open(args)
        if start is None:
            return None
    if args.command == "note":
        start = _place_to_note(args.url)
        if start is None:
            return None
    return _demo_app(args, start) if args.demo else _configured_app(args, start)


def _cache_command(action: str) -> int:
    """``affinity-tui cache path|clear``."""
    from .data.cache.identity import cache_dir, clear_cache

    directory = cache_dir()
    if action == "path":
        print(directory)
        return 0
    removed = clear_cache(directory)
    print(f"Removed {len(removed)} cache file(s) from {directory}." if removed else f"No cache in {directory}.")
    return 0


def _place_to_open(args: argparse.Namespace) -> Place | None:
    """What ``affinity-tui open`` asks for, or None after saying on stderr what is wrong."""
    from dataclasses import replace

    from .data.resume import Place
    from .data.web_links import UnreadableLink, parse_web_link

    if (args.url is None) == (args.list_name is None):
        print("affinity-tui open takes a link from Affinity's web app, or --list NAME (not both).",
              file=sys.stderr)
        return None
    if args.list_name is not None:
        return Place(mode="lists", list_by_name=args.list_name, view_name=args.view_name)
    try:
        target = parse_web_link(args.url)
    except UnreadableLink as error:
        print(error, file=sys.stderr)
        return None
    place = target.place()
    if args.view_name is not None:
        if target.kind != "list":
            print("--view goes with a list (a /lists/<id> link or --list NAME).", file=sys.stderr)
            return None
        place = replace(place, view_name=args.view_name)
    return place


def _place_to_note(url: str) -> Place | None:
    """The record ``affinity-tui note`` writes on, or None after saying on stderr what is wrong."""
    from dataclasses import replace

    from .data.web_links import UnreadableLink, parse_web_link

    try:
        target = parse_web_link(url)
    except UnreadableLink as error:
        print(error, file=sys.stderr)
        return None
    if target.kind == "list":
        print("A note goes on a person, company, opportunity or list entry, not on a list: "
              "use a /persons/<id>, /companies/<id>, /opportunities/<id> or /lists/<id>/entries/<id> link.",
              file=sys.stderr)
        return None
    return replace(target.place(), note=True)


def _configured_app(args: argparse.Namespace, start: Place | None = None) -> AffinityApp | None:
    """The app on the user's tenant, or None after explaining on stderr what is missing."""
    from .config import ConfigError, load_budget, load_keymap, load_settings
    from .data.cache.settings import load_cache_settings

    try:
        settings = load_settings(dotenv=args.dotenv, profile=args.profile)
        keymap, ask_above = load_keymap(), load_budget()
        cache_settings = load_cache_settings()
    except ConfigError as error:  # includes MissingApiKey; messages never contain the key
        print(error, file=sys.stderr)
        return None
    cache = None
    if cache_settings.enabled and not args.no_cache:
        # Started first: the cache file opens on its own thread while textual is imported.
        from .data.cache import TenantCache

        cache = TenantCache(cache_settings.path, settings.api_key, metadata_seconds=cache_settings.metadata_minutes * 60,
                            data_seconds=cache_settings.data_minutes * 60)
    from .data.resume import ResumeStore

    store = ResumeStore(settings.api_key.reveal())
    place = start if start is not None else None if args.fresh else store.load()
    resume = None if place is not None and place.note else store  # one note is not where to come back to
    if cache is not None:
        cache.prefetch(_first_queries(place))
    from .data import AffinitySession

    session = AffinitySession(settings, cache=cache)
    session.prepare()  # the HTTP transport is built while the UI is imported
    session.ask_above = ask_above
    from .app import AffinityApp

    return AffinityApp(session, keymap=keymap, start=place, resume=resume)


def _first_queries(place: Place | None) -> list[tuple[str, int | None]]:
    """The cached table the first screen shows (for ``TenantCache.prefetch``)."""
    from .data.sources.entries import entries_cache_key

    if place is None or place.list_id is None or place.mode != "lists":
        return []
    key = entries_cache_key(place.list_id, place.view_id, place.filter_text, place.columns)
    return [(key, place.row_key)] if key is not None else []


def _demo_app(args: argparse.Namespace, start: Place | None = None) -> AffinityApp | None:
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
    app.start_place = start
    return app


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Start-up allocates hundreds of thousands of long-lived objects (Textual's and the SDK's
    classes, pydantic validators, the demo tenant) and creates almost no garbage, yet Python's
    cyclic collector would scan them again and again while they are made: pausing it saves about
    100 ms of a cold start (benchmarks/cold_start.py). What exists afterwards is frozen out of
    later full collections. The app turns the collector back on once its first screen is painted
    (``AffinityApp.collect_after_first_paint``): Textual's start-up is the same kind of work."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()


def _route_logging() -> None:
    """Send log records and warnings to Textual's log: a line on stderr would draw over the UI
    (httpx logs every request at INFO; the SDK may warn about client-side filtering)."""
    import logging

    from textual.logging import TextualHandler

    logging.basicConfig(level=logging.WARNING, handlers=[TextualHandler()], force=True)
    logging.captureWarnings(True)


if __name__ == "__main__":
    sys.exit(main())
