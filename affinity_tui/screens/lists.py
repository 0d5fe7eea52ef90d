"""The first screen: every Affinity list the user can see, with what it holds, its size, its
owner and its saved views. ``enter`` opens a list; ``v`` opens one of its saved views (a
sheet as a table, a board as the pipeline board)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType

from ..data.session import AffinitySession
from ..data.sources import EntriesSource, ListsSource, ListSummary
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from .table_screen import TableScreen


class ListsScreen(TableScreen):
    """All lists, read once per session (``R`` reads them again)."""

    KEY_SECTION = "Lists"
    names_source_in_header = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "open_view", "Saved view", id="lists.saved-view"),
    ]

    def __init__(self, session: AffinitySession) -> None:
        super().__init__(session, ListsSource(session))

    @property
    def lists_source(self) -> ListsSource:
        assert isinstance(self.source, ListsSource)
        return self.source

    def empty_message(self) -> str:
        return "This Affinity user cannot see any lists yet."

    def action_refresh(self) -> None:
        self.use(ListsSource(self.session, refresh=True))

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        lst = self.lists_source.summary(event.row)
        if lst is not None:
            self.open_list(lst)

    def open_list(self, lst: ListSummary, view_id: int | None = None) -> None:
        from .entries import ListEntriesScreen

        self.app.push_screen(ListEntriesScreen(self.session, EntriesSource(self.session, lst, view_id=view_id)))

    def action_open_view(self) -> None:
        lst = self.lists_source.summary(self.current_row())
        if lst is None:
            return
        if lst.views is None:
            self.notify(f"The saved views of {lst.name} are still loading" if "views" not in lst.failed
                        else f"The saved views of {lst.name} could not be read: press R to try again.",
                        title="Saved views", markup=False)
            return
        views = lst.openable_views
        if not views:
            self.notify(f"{lst.name} has no sheet or board views.", title="Saved views", markup=False)
            return
        boards = {str(int(v.id)) for v in views if v.type == "board"}

        def chosen(value: str | None) -> None:
            if value in boards:
                from .board import BoardScreen

                self.app.push_screen(BoardScreen(self.session, lst))
            elif value is not None:
                self.open_list(lst, int(value))

        self.app.push_screen(PickOne(f"Open a saved view of {lst.name}",
                                     [(v.label, str(int(v.id))) for v in views]), chosen)
