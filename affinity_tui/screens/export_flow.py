"""Exporting a table to CSV (``e``): the dialog, the guard, the read and the file.

The loaded rows as shown are written at once from the table (no request). Any other choice is
read again from Affinity behind a progress dialog (``escape`` stops it and nothing is written),
after stating its cost and asking when it is over ``ask_above`` (``data/costs.py``). The
notification names the file and its folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from ..data.export import export_dir, export_records_csv
from ..data.export_records import Cell, header
from ..data.rows import Column
from ..data.sources.exporting import ExportChoice, ExportOffer
from .cost_prompt import confirm_cost, needs_asking
from .export_dialog import ExportDialog
from .progress import ProgressScreen

if TYPE_CHECKING:
    from .table_screen import TableScreen


def open_export(screen: TableScreen) -> None:
    """``e``: ask what to export, then export it."""
    table, source = screen.table, screen.source
    if not table.rows:
        screen.notify("Nothing is loaded yet.", title="Export", severity="warning")
        return
    loaded, columns = len(table.loaded_rows), list(table.columns)
    offer = source.export_offer(loaded, columns) or ExportOffer(
        source.what, loaded, None, len(columns), None, all_rows=False, raw=False)

    def chosen(choice: ExportChoice | None) -> None:
        if choice is None:
            return
        if choice.from_table:
            screen.export_rows(columns, list(table.rows), source.export_name())
            return
        cost = source.export_cost(choice, loaded)

        def start() -> None:
            count = offer.total if choice.all_rows else loaded
            progress = ProgressScreen(f"Exporting {source.title}", count, unit=source.what,
                                      when_stopped="nothing is written")
            worker = screen.export_read(choice, loaded, columns, progress)
            screen.app.push_screen(progress, lambda finished: None if finished else worker.cancel())

        if needs_asking(screen, cost) and cost is not None:
            rows = f"all {offer.total:,} {offer.what}" if choice.all_rows and offer.total else \
                f"all {offer.what}" if choice.all_rows else f"the {loaded:,} loaded {offer.what}"
            confirm_cost(screen, "Export?", f"Exporting {rows} of {source.title} reads them from Affinity again.",
                         cost, lambda yes: start() if yes else None, yes="Export")
        else:
            start()

    screen.app.push_screen(ExportDialog(f"Export {source.title} to CSV", offer,
                                        lambda choice: source.export_cost(choice, loaded), export_dir()), chosen)


async def read_and_write(screen: TableScreen, choice: ExportChoice, loaded: int, columns: list[Column],
                         progress: ProgressScreen) -> None:
    """Read the export's records (progress shown; cancelled: nothing written), then write the file."""
    source = screen.source
    titles: list[str] = header(columns, raw=choice.raw, entries=source.what == "entries")
    records: list[list[Cell]] = []
    try:
        async for batch in source.export_batches(choice, loaded, columns):
            titles = batch.titles
            records.extend(batch.records)
            progress.show(len(records))
    except asyncio.CancelledError:
        screen.notify("Export stopped: nothing was written.", title="Export", timeout=4)
        raise
    except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
        screen.failed(error)
        return
    finally:
        progress.finish()
    try:
        path = await asyncio.to_thread(export_records_csv, titles, records, what=source.export_name())
    except OSError as error:
        screen.notify(f"Could not write the file: {error.strerror}", title="Export failed", severity="error")
        return
    written(screen, len(records), source.what, path)


def written(screen: TableScreen, count: int, what: str, path: Path) -> None:
    """Say which file was written, and where."""
    screen.notify(f"{count:,} {what} → {path.name}\nin {path.parent}", title="Exported CSV", markup=False,
                  timeout=10)
