"""The first screen: every Affinity list the user can see, with what it holds, its size, its
owner and its saved views. ``enter`` opens a list; ``v`` opens one of its saved views."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType

from ..data import ListSummary
from ..data.rows import Column, Row
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from .table_screen import TableScreen

HOLDS = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}
COLUMNS = (
    Column("name", "List", "name", "name", 24),
    Column("holds", "Holds", "name", "name", 13),
    Column("size", "Entries", "number", "name", 8, numeric=True),
    Column("owner", "Owner", "name", "name", 16),
    Column("shared", "Shared", "name", "name", 8),
    Column("views", "Saved views", "name", "name", 34),
)


def list_row(lst: ListSummary) -> Row:
    size = "?" if lst.size is None else f"{lst.size:,}"
    # Sheet views open with v; boards and dashboards are named so nobody looks for them in vain.
    views = ", ".join(v.name if v.type == "sheet" else f"{v.name} ({v.type})" for v in lst.views)
    return Row(key=int(lst.id), entity_type="list", entity_id=int(lst.id),
               cells=(lst.name, HOLDS.get(lst.type, lst.type.capitalize()), size, lst.owner_name,
                      "Everyone" if lst.is_public else "Private", views),
               styles=(None,) * len(COLUMNS),
               sort_keys=(lst.name.casefold(), lst.type, lst.size, lst.owner_name.casefold() or None,
                          lst.is_public, len(lst.views)),
               search_text="\x1f".join((lst.name, lst.type, views)).casefold())


class ListsScreen(TableScreen):
    """All lists, loaded once on mount (and on ``R``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "open_view", "Saved view", id="lists.saved-view"),
    ]
    what = "lists"

    def on_mount(self) -> None:
        super().on_mount()
        self.table.set_columns(COLUMNS)
        self.table.empty_text = "This Affinity user cannot see any lists yet."
        self.lists: dict[int, ListSummary] = {}
        self.load_lists()

    def action_refresh(self) -> None:
        self.load_lists()

    @work(exclusive=True, group="lists", exit_on_error=False)
    async def load_lists(self) -> None:
        self.table.loading_more = True
        self.say("Loading lists…")
        try:
            lists = await self.session.lists()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            self.failed(error)
            self.say("Could not load the lists")
            return
        finally:
            self.table.loading_more = False
        self.lists = {int(lst.id): lst for lst in lists}
        self.table.set_rows([list_row(lst) for lst in lists])
        self.say(f"{len(lists)} lists")

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        lst = self.lists.get(event.row.key)
        if lst is not None:
            self.open_list(lst)

    def open_list(self, lst: ListSummary, view_id: int | None = None) -> None:
        from .entries import ListEntriesScreen

        self.app.push_screen(ListEntriesScreen(self.session, lst, view_id=view_id))

    def action_open_view(self) -> None:
        row = self.current_row()
        lst = self.lists.get(row.key) if row else None
        if lst is None:
            return
        sheets = [v for v in lst.views if v.type == "sheet"]
        if not sheets:
            self.notify(f"{lst.name} has no sheet views.", title="Saved views", markup=False)
            return

        def chosen(value: str | None) -> None:
            if value is not None:
                self.open_list(lst, int(value))

        self.app.push_screen(PickOne(f"Open a saved view of {lst.name}",
                                     [(v.name, str(int(v.id))) for v in sheets]), chosen)
