"""The first screen: every Affinity list the user can see, with what it holds and its size."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from ..data import AffinitySession, ListSummary
from .notices import notify_failure

HOLDS = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}


class ListsScreen(Screen[None]):
    """All lists, loaded once on mount. A DataTable is enough: tenants have tens of lists."""

    def __init__(self, session: AffinitySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="lists", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#lists", DataTable)
        table.add_column("List", key="name")
        table.add_column("Holds", key="holds")
        table.add_column(Text("Entries", justify="right"), key="size")
        table.add_column("Shared", key="shared")
        self.load_lists()

    @work(exclusive=True, group="lists", exit_on_error=False)
    async def load_lists(self) -> None:
        table = self.query_one("#lists", DataTable)
        table.loading = True
        try:
            lists = await self.session.lists()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            notify_failure(self, error)
            return
        finally:
            table.loading = False
        self.show_lists(lists)

    def show_lists(self, lists: list[ListSummary]) -> None:
        table = self.query_one("#lists", DataTable)
        table.clear()
        for lst in lists:
            size = Text("?" if lst.size is None else f"{lst.size:,}", justify="right")
            table.add_row(lst.name, HOLDS.get(lst.type, lst.type.capitalize()), size,
                          "Everyone" if lst.is_public else "Private", key=str(lst.id))
        if not lists:
            self.notify("This Affinity user cannot see any lists yet.", title="No lists")
