"""Shared instrumentation: the real app, driven headless, with frames and keys timed precisely.

``BenchApp`` is ``AffinityApp`` unchanged except for ``_display``: Textual calls it with each
composed frame (``Screen._compositor_refresh`` → ``App._display``). Headless, Textual skips
turning the frame into terminal bytes; ``BenchApp`` does that work anyway
(``CompositorUpdate.render_segments``, the string a real terminal would receive, minus the
``write`` syscall), so every measured frame costs what it costs on a terminal, and records
``perf_counter()`` when the frame is complete. "Painted" in these benchmarks means: a frame
containing the thing awaited has been composed and encoded.

``LazyTable.render_line`` and ``LazyTable.watch_cursor_row`` are wrapped (in this process only)
to note when a table first drew a data row and when its cursor moved; the app's code is not
changed.

Keys are posted the way Textual's own driver delivers terminal input (``driver.send_message``
of an ``events.Key``), not with ``Pilot.press``, whose ``wait_for_idle`` adds 60-80 ms per key.
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import statistics
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from affinity_tui.__main__ import FRAME_RATE  # imports nothing of textual

# Measure the frame rate `affinity-tui` runs at (it sets TEXTUAL_FPS before importing textual,
# which reads it once); an explicit TEXTUAL_FPS still wins.
os.environ.setdefault("TEXTUAL_FPS", FRAME_RATE)

from rich.console import RenderableType  # noqa: E402
from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402

from affinity_tui.app import AffinityApp  # noqa: E402
from affinity_tui.data.session import AffinitySession  # noqa: E402
from affinity_tui.widgets.lazy_table import LazyTable  # noqa: E402

SIZE = (120, 40)
PAGE = 100

# ---- statistics --------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB, from /proc/self/status."""
    values: dict[str, float] = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount, _unit = line.split()
                values[name[:-1]] = int(amount) / 1024
    return values["VmRSS"], values["VmHWM"]


# ---- instrumentation ---------------------------------------------------------------------------

_row_drawn_at: dict[int, float] = {}
"""id(LazyTable) → perf_counter() when it first returned a strip for a data row."""
_cursor_moved_at: dict[int, float] = {}
"""id(LazyTable) → perf_counter() of its latest cursor move."""


def _instrument_lazy_table() -> None:
    if getattr(LazyTable, "_bench_instrumented", False):
        return
    render_line = LazyTable.render_line
    watch_cursor_row = LazyTable.watch_cursor_row

    def timed_render_line(self: LazyTable, y: int) -> Any:
        strip = render_line(self, y)
        if y > 0 and id(self) not in _row_drawn_at and self.scroll_offset.y + y - 1 < len(self.rows):
            _row_drawn_at[id(self)] = time.perf_counter()
        return strip

    def timed_watch_cursor_row(self: LazyTable, old: int, new: int) -> None:
        watch_cursor_row(self, old, new)
        _cursor_moved_at[id(self)] = time.perf_counter()

    LazyTable.render_line = timed_render_line  # type: ignore[method-assign]
    LazyTable.watch_cursor_row = timed_watch_cursor_row  # type: ignore[method-assign]
    LazyTable._bench_instrumented = True  # type: ignore[attr-defined]


_instrument_lazy_table()

screen_updates: list[tuple[float, float]] = []
"""(start, end) of every ``Screen._on_timer_update`` (layout, compose, encode: one frame's work)."""


def _instrument_screen() -> None:
    if getattr(Screen, "_bench_instrumented", False):
        return
    on_timer_update = Screen._on_timer_update

    def timed_on_timer_update(self: Screen[Any]) -> None:
        start = time.perf_counter()
        on_timer_update(self)
        screen_updates.append((start, time.perf_counter()))

    Screen._on_timer_update = timed_on_timer_update  # type: ignore[method-assign]
    Screen._bench_instrumented = True  # type: ignore[attr-defined]


_instrument_screen()


def frame_work(frame_end: float) -> tuple[float, float] | None:
    """(start, end) of the screen update that produced the frame ending at ``frame_end``."""
    for start, end in reversed(screen_updates[-200:]):
        if start <= frame_end <= end:
            return start, end
    return None


def row_drawn_at(table: LazyTable) -> float | None:
    return _row_drawn_at.get(id(table))


def cursor_moved_at(table: LazyTable) -> float | None:
    return _cursor_moved_at.get(id(table))


class BenchApp(AffinityApp):
    """The real app; each composed frame is encoded as for a terminal and timestamped."""

    def __init__(self, session: AffinitySession, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.frames: list[tuple[float, float]] = []
        """(start, end) perf_counter of each frame's encoding, in order."""
        self._frame_event = asyncio.Event()
        self.list_painted_at = 0.0
        """perf_counter() at the end of the frame ``open_deal_pipeline`` last waited for."""

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            return
        start = time.perf_counter()
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)
        self.frames.append((start, time.perf_counter()))
        self._frame_event.set()

    async def next_frame_after(self, t: float, timeout: float = 10.0) -> float:
        """perf_counter() at the end of the first frame whose encoding started after ``t``."""
        deadline = time.perf_counter() + timeout
        while True:
            found = [end for start, end in self.frames[-50:] if start >= t]
            if found:
                return found[0]
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no frame within {timeout}s")
            self._frame_event.clear()
            try:
                await asyncio.wait_for(self._frame_event.wait(), remaining)
            except TimeoutError:
                raise TimeoutError(f"no frame within {timeout}s") from None


def post_key(app: AffinityApp, key: str) -> float:
    """Deliver ``key`` as terminal input would (driver → app queue); returns the post time."""
    char = {"enter": "\r", "escape": "\x1b", "space": " ", "slash": "/"}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    t = time.perf_counter()
    assert app._driver is not None
    app._driver.send_message(event)
    return t


async def until(predicate: Callable[[], object], timeout: float, what: str, step: float = 0.002) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(step)


# ---- event-loop lag probe ----------------------------------------------------------------------


@dataclass
class LagProbe:
    """A task that sleeps 5 ms and records how late it wakes up (the loop's stalls)."""

    interval: float = 0.005
    lags: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(time.perf_counter() - t - self.interval)

    def start(self) -> None:
        self.lags.clear()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def summary(self) -> dict[str, float]:
        lags = self.lags
        return {"samples": len(lags), "p95": percentile(lags, 95), "max": max(lags, default=math.nan),
                "over_50ms": sum(1 for lag in lags if lag > 0.050)}


# ---- driving the app ---------------------------------------------------------------------------


def entries_table(app: AffinityApp) -> LazyTable:
    return app.screen.query_one("#table", LazyTable)


async def status_move(app: BenchApp, pilot: Pilot[None], table: LazyTable, timeout: float,
                      before_confirm: Callable[[], object] | None = None) -> tuple[float, float]:
    """Move the cursor row's deal to another Status (write mode is turned on): ``s``, type the
    stage, ``enter``, then the confirming ``y``. Returns (when ``y`` was posted, the end of the
    first frame showing the new Status), perf_counter seconds. ``before_confirm`` runs just
    before ``y`` (the picker's reads are done by then)."""
    from affinity_tui.widgets.confirm import ConfirmWriteScreen
    from affinity_tui.widgets.status_picker import StatusPicker

    assert await app.unlock_now()
    screen = app.screen
    row = table.current_row
    assert row is not None
    column = next(i for i, c in enumerate(table.columns) if c.title == "Status")
    target = "Passed" if row.cells[column] != "Passed" else "Sourced"
    post_key(app, "s")
    await until(lambda: isinstance(app.screen, StatusPicker), timeout, "the Status picker")
    await pilot.pause()
    for ch in target.lower():
        post_key(app, ch)
    await pilot.pause(0.05)
    post_key(app, "enter")
    await until(lambda: isinstance(app.screen, ConfirmWriteScreen), timeout, "the confirmation")
    await pilot.pause()
    if before_confirm is not None:
        before_confirm()
    t0 = post_key(app, "y")
    await until(lambda: app.screen is screen and table.current_row is not None
                and table.current_row.cells[column] == target, timeout, "the repainted row")
    return t0, await app.next_frame_after(time.perf_counter() - 0.0005)


@asynccontextmanager
async def running_app(served: Any, timeout: float = 60.0,
                      ask_above: int | None = None) -> AsyncIterator[tuple[BenchApp, Pilot[None]]]:
    """The real app on the served emulator, headless at 120×40, with the lists screen loaded.
    ``ask_above``: the request budget above which the app asks first (None: the default)."""
    session = AffinitySession(served.settings())
    if ask_above is not None:
        session.ask_above = ask_above
    app = BenchApp(session)
    async with app.run_test(size=SIZE) as pilot:
        table = entries_table(app)
        await until(lambda: len(table.rows) >= 4 and not table.loading_more, timeout, "the lists to load")
        await app.workers.wait_for_complete()
        await pilot.pause()
        _freeze()
        yield app, pilot


async def open_deal_pipeline(app: BenchApp, pilot: Pilot[None], list_id: int = 12001,
                             timeout: float = 30.0) -> tuple[float, LazyTable]:
    """Press enter on the list's row of the lists screen; seconds until its first rows are painted.

    Timed from just before the ``enter`` key event is posted to the app, to the end of the first
    frame composed (and encoded) after the new screen's ``LazyTable`` drew a data row. Includes:
    key dispatch, pushing ``ListEntriesScreen`` (compose, mount, CSS), its worker (field
    metadata, the first entries page over HTTP to the emulator process, pydantic parsing, row
    formatting), layout and the paint. Excludes: starting the app, the lists screen.
    """
    lists_table = entries_table(app)
    index = next(i for i, row in enumerate(lists_table.rows) if row.key == list_id)
    lists_table.move_cursor(index)
    await pilot.pause()
    lists_screen = app.screen
    t0 = post_key(app, "enter")
    await until(lambda: app.screen is not lists_screen and app.screen.query("#table"), timeout,
                "the entries screen")
    table = entries_table(app)
    await until(lambda: row_drawn_at(table) is not None, timeout, "the first rows")
    drawn = row_drawn_at(table)
    assert drawn is not None
    # render_line runs while the compositor builds the frame, just before App._display encodes it.
    painted = await app.next_frame_after(drawn)
    app.list_painted_at = painted
    return painted - t0, table


async def load_everything(app: BenchApp, table: LazyTable, total: int, timeout: float = 600.0,
                          on_page: Callable[[int], None] | None = None) -> float:
    """Press End (``G``: last loaded row) whenever a page has landed, until ``total`` rows are loaded.

    Each End moves the cursor to the last loaded row, which asks for the next page. Returns seconds.
    """
    started = time.perf_counter()
    deadline = started + timeout
    last = -1
    while len(table.loaded_rows) < total:
        loaded = len(table.loaded_rows)
        if loaded != last and not table.loading_more:
            last = loaded
            post_key(app, "end")
            if on_page:
                on_page(loaded)
        if time.perf_counter() > deadline:
            raise TimeoutError(f"loaded only {len(table.loaded_rows)} of {total} in {timeout}s")
        await asyncio.sleep(0.001)
    await app.workers.wait_for_complete()
    return time.perf_counter() - started


@dataclass
class GcWatch:
    """Time every garbage collection (``gc.callbacks``): the usual cause of long loop stalls."""

    pauses: list[tuple[int, float]] = field(default_factory=list)
    _t: float = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.pauses.append((int(info["generation"]), time.perf_counter() - self._t))

    def start(self) -> None:
        self.pauses.clear()
        gc.callbacks.append(self._callback)

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def summary(self) -> dict[str, float]:
        full = [p for g, p in self.pauses if g == 2]
        return {"collections": len(self.pauses), "gen2": len(full), "gen2_max": max(full, default=0.0),
                "gen2_total": sum(full), "any_over_50ms": sum(1 for _, p in self.pauses if p > 0.050)}


# ---- experiments: an alternative to what the app does, simulated in the benchmark process only --
# Off unless AFFINITY_BENCH_EXPERIMENTS names them (comma-separated). They put a number on an
# alternative; the app's code is not changed and the default runs use none.
#   gc_freeze: gc.freeze() once the app is up and after every appended page, so the rows already
#              loaded (and the app's import-time objects) are never traversed by a full collection.
#   gc_collect_freeze: the same, with a gc.collect() just before each freeze (it only traverses
#              what is not frozen yet), so a page's short-lived cycles are freed, not frozen.
#   gc_threshold: the app's GC_THRESHOLDS (set when it mounts) replaced by GC_T="young,middle,old"
#              (default 50000,50,100). Higher young thresholds let a page's short-lived objects die
#              by reference counting before being promoted, so full collections become rare.

EXPERIMENTS = frozenset(filter(None, os.environ.get("AFFINITY_BENCH_EXPERIMENTS", "").split(",")))


def _freeze() -> None:
    if "gc_collect_freeze" in EXPERIMENTS:
        gc.collect()
        gc.freeze()
    elif "gc_freeze" in EXPERIMENTS:
        gc.freeze()


def _apply_experiments() -> None:
    append_rows = LazyTable.append_rows
    set_rows = LazyTable.set_rows

    def fill(rows: Any) -> list[Any]:
        return list(rows)

    def appended(self: LazyTable, rows: Any) -> None:
        append_rows(self, fill(rows))
        _freeze()

    def replaced(self: LazyTable, rows: Any) -> None:
        set_rows(self, fill(rows))
        _freeze()

    LazyTable.append_rows = appended  # type: ignore[method-assign]
    LazyTable.set_rows = replaced  # type: ignore[method-assign]


if EXPERIMENTS:
    _apply_experiments()
    if "gc_threshold" in EXPERIMENTS:
        import affinity_tui.app

        # The app applies GC_THRESHOLDS when it mounts; GC_T="young,middle,old" overrides them.
        affinity_tui.app.GC_THRESHOLDS = tuple(map(int, os.environ.get("GC_T", "50000,50,100").split(",")))
