"""Loading every row of a table: ``G`` at the end of what is loaded offers it.

The first ``G`` goes to the last loaded row and says what loading the rest would cost; ``G``
again there loads it, page after page, behind a progress bar (``escape`` stops; what is loaded
stays). Over ``ask_above`` requests it states the cost and asks first (``data/costs.py``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .cost_prompt import confirm_cost, needs_asking
from .progress import ProgressScreen

if TYPE_CHECKING:
    from .table_screen import TableScreen


def offer_load_all(screen: TableScreen, *, again: bool) -> None:
    """``G`` pressed: at the end of what is loaded, say what the rest costs; pressed again, load it."""
    source, table = screen.source, screen.table
    if source.exhausted or screen.loading_all:
        return
    loaded = len(table.loaded_rows)
    cost = source.load_all_cost(loaded)
    if cost is None:
        return
    total = source.expected_total()
    rest = f"all {total:,}" if total is not None else "the rest"
    if not again:
        screen.notify(f"The last of the {loaded:,} loaded {source.what}. G again loads {rest} "
                      f"({cost.describe()}).", title="Load all", markup=False, timeout=5)
        return

    def start() -> None:
        source.reading_all()
        progress = ProgressScreen(f"Loading {rest} {source.what} of {source.title}", total,
                                  unit=source.what, when_stopped="what is loaded stays")
        progress.show(loaded, total)
        worker = screen.load_everything(progress)
        screen.app.push_screen(progress, lambda finished: None if finished else worker.cancel())

    if needs_asking(screen, cost):
        confirm_cost(screen, f"Load {rest} {source.what}?",
                     f"{loaded:,} {source.what} of {source.title} are loaded.", cost,
                     lambda yes: start() if yes else None, yes="Load all")
    else:
        start()


async def read_all_into(screen: TableScreen, progress: ProgressScreen) -> None:
    """Append every remaining page to the table, showing progress; stops when cancelled (the
    page in flight is kept by the source for the next read) or when the source changes."""
    source, table = screen.source, screen.table
    screen.loading_all = True
    try:
        while not source.exhausted and source is screen.source:
            table.loading_more = True
            page = await source.next_page()
            if source is not screen.source:
                return
            table.append_rows(page.rows)
            screen.page_done(page.has_more)
            progress.show(len(table.loaded_rows), source.expected_total())
    except asyncio.CancelledError:
        raise
    except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
        if source is screen.source:
            screen.failed(error)
    finally:
        screen.loading_all = False
        if source is screen.source and screen.is_attached:
            table.loading_more = False
            screen.report()
        progress.finish()
