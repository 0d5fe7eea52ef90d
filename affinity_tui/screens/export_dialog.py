"""The export dialog (``e``): which rows, which columns, which values, and where the file goes.

Three choices, one key each way: the loaded rows (``l``) or all of them (``a``); the visible
columns (``v``) or all of the list's (``c``); the values as shown (``d``) or raw (``r``: numbers
as numbers, ISO dates, multi-values joined with ``; ``, plus the entity id, entry id and
Affinity URL). The dialog says what the choice costs — nothing, for the loaded rows as shown —
and where the file will be written. ``enter`` exports, ``escape`` cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..data.costs import Cost
from ..data.export import EXPORT_DIR_ENV
from ..data.sources.exporting import ExportChoice, ExportOffer

ON, OFF = "●", "○"


def _shown_path(folder: Path) -> str:
    """``~/Downloads`` rather than the home directory spelled out."""
    try:
        return "~/" + str(folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Dismissed with the choice (``enter``) or None (``escape``)."""

    KEY_SECTION = "Dialogs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "rows(False)", "Loaded rows", id="export.loaded"),
        Binding("a", "rows(True)", "All rows", id="export.all-rows"),
        Binding("v", "columns(False)", "Visible columns", id="export.visible-columns"),
        Binding("c", "columns(True)", "All columns", id="export.all-columns"),
        Binding("d", "raw(False)", "Values as shown", id="export.shown"),
        Binding("r", "raw(True)", "Raw values and ids", id="export.raw"),
        Binding("enter", "export", "Export", id="export.go", priority=True),
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 76; max-width: 100%; height: auto; padding: 1 2;
                              border: round $accent; background: $panel; }
    ExportDialog .export-cost { margin-top: 1; }
    ExportDialog .export-hint { color: $text-muted; }
    """

    def __init__(self, title: str, offer: ExportOffer, cost_of: Callable[[ExportChoice], Cost | None],
                 folder: Path) -> None:
        super().__init__()
        self._title = title
        self.offer = offer
        self._cost_of = cost_of
        self._folder = folder
        self.choice = ExportChoice()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="picker-title", markup=False)
            yield Static(id="export-options", markup=False)
            yield Static(id="export-cost", classes="export-cost", markup=False)
            yield Static(f"Folder: {_shown_path(self._folder)}  (set {EXPORT_DIR_ENV} to change it)",
                         markup=False, classes="export-hint")
            yield Static("enter exports · escape cancels", classes="export-hint", markup=False)

    def on_mount(self) -> None:
        self._show()

    def options_text(self) -> str:
        """The options as shown (for tests)."""
        return self._options().plain

    def cost_text(self) -> str:
        return self._cost_line()

    def _options(self) -> Text:
        offer, choice = self.offer, self.choice
        text = Text()

        def row(label: str, key_a: str, a: str, on_a: bool, key_b: str, b: str | None, on_b: bool) -> None:
            text.append(f"{label:<9}", style="bold")
            text.append(f"{key_a} {ON if on_a else OFF} {a}\n")
            if b is not None:
                text.append(" " * 9)
                text.append(f"{key_b} {ON if on_b else OFF} {b}\n")

        total = f"all {offer.total:,} {offer.what}" if offer.total is not None else f"all {offer.what}"
        row("Rows", "l", f"the {offer.loaded:,} loaded", not choice.all_rows, "a",
            total if offer.all_rows else None, choice.all_rows)
        row("Columns", "v", f"the {offer.visible_columns} visible", not choice.all_columns, "c",
            f"all {offer.all_columns} of the list's" if offer.all_columns is not None else None, choice.all_columns)
        row("Values", "d", "as shown ($12,000,000, 2026-05-31, A, B)", not choice.raw, "r",
            "raw (12000000, ISO dates, A; B) + ids and URL" if offer.raw else None, choice.raw)
        text.rstrip()
        return text

    def _cost_line(self) -> str:
        if self.choice.from_table:
            return "No request: written from what is loaded."
        cost = self._cost_of(self.choice)
        if cost is None:
            return "Read again from Affinity."
        return f"Read again from Affinity: {cost.describe()}."

    def _show(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#export-options", Static).update(self._options())
        self.query_one("#export-cost", Static).update(self._cost_line())

    def action_rows(self, all_rows: bool) -> None:
        if all_rows and not self.offer.all_rows:
            return
        self.choice = replace(self.choice, all_rows=all_rows)
        self._show()

    def action_columns(self, all_columns: bool) -> None:
        if all_columns and self.offer.all_columns is None:
            return
        self.choice = replace(self.choice, all_columns=all_columns)
        self._show()

    def action_raw(self, raw: bool) -> None:
        if raw and not self.offer.raw:
            return
        self.choice = replace(self.choice, raw=raw)
        self._show()

    def action_export(self) -> None:
        self.dismiss(self.choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
