"""SVG snapshots of LazyTable (``pytest --snapshot-update`` to accept a deliberate change), with
no stylesheet: the widget's own ``DEFAULT_CSS`` is its look.

One picture of everything the table draws: the header with a sort arrow, right-aligned numbers,
styled cells, a cell with markup shown literally, zebra stripes, the cursor and "Loading more…".
A second one at 80 cells, scrolled one column right: the name stays in place while the other
columns scroll under it, and the last column seen is cut with an ellipsis.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from affinity_tui.data.rows import Column, Row
from affinity_tui.widgets import LazyTable

COLUMNS = (
    Column("name", "Name", "text", "builtin", 26),
    Column("amount", "Deal size", "number", "field", 12, numeric=True),
    Column("owner", "Owner", "person", "field", 18),
    Column("stage", "Stage", "ranked-dropdown", "field", 14),
    Column("note", "Last note", "text", "field", 40),
)
OWNERS = ("Ada Lovelace", "Grace Hopper", "Alan Turing")
STAGES = (("Lead", "blue"), ("Qualified", "cyan"), ("Won", "green"), ("Lost", "red"))


def rows(count: int) -> list[Row]:
    result = []
    for key in range(count):
        amount = None if key % 7 == 3 else (key * 7919) % 100_000
        stage, colour = STAGES[key % len(STAGES)]
        name = "[bold]Not markup[/bold] Ltd" if key == 5 else f"Company {key:03d}"
        result.append(
            Row(
                key=key,
                entity_type="company",
                entity_id=100 + key,
                cells=(name, "" if amount is None else f"{amount:,}", OWNERS[key % 3], stage, f"Call notes for {key}"),
                styles=(None, None, None, colour, "dim"),
                sort_keys=(name.casefold(), amount, OWNERS[key % 3], key % 4, f"{key}"),
            )
        )
    return result


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LazyTable(COLUMNS, id="entries")

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        table.zebra_stripes = True
        table.set_rows(rows(40))
        table.sort_by(1, reverse=True)
        table.focus()


async def end_of_loaded_rows(pilot: Any) -> None:
    table = pilot.app.query_one(LazyTable)
    await pilot.press("G", "k", "k")
    table.loading_more = True
    await pilot.pause()


def test_lazy_table(snap_compare: Any) -> None:
    assert snap_compare(TableApp(), terminal_size=(100, 30), run_before=end_of_loaded_rows)


async def scrolled_right(pilot: Any) -> None:
    await pilot.press("l")
    await pilot.pause()


def test_lazy_table_narrow_and_scrolled(snap_compare: Any) -> None:
    assert snap_compare(TableApp(), terminal_size=(80, 24), run_before=scrolled_right)
