"""``?``: every key, grouped by where it works, read from the bindings themselves so the help
can never drift from what the keys really do."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _sections() -> list[tuple[str, list[BindingType]]]:
    from ..app import AffinityApp
    from ..widgets.filter_bar import FilterBar
    from ..widgets.lazy_table import LazyTable
    from .detail import DetailScreen
    from .entities import EntitiesScreen
    from .entries import ListEntriesScreen
    from .lists import ListsScreen
    from .table_screen import TableScreen

    return [
        ("Everywhere", [*AffinityApp.BINDINGS, Binding("ctrl+p", "command_palette", "Command palette: go to a list, search people and companies")]),
        ("Moving in a table", list(LazyTable.BINDINGS)),
        ("Any table", list(TableScreen.BINDINGS)),
        ("Lists", list(ListsScreen.BINDINGS)),
        ("List entries", list(ListEntriesScreen.BINDINGS)),
        ("People, Companies, Opportunities", list(EntitiesScreen.BINDINGS)),
        ("Detail", list(DetailScreen.BINDINGS)),
        ("Filter bar", list(FilterBar.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(id="help-text")

    def on_mount(self) -> None:
        parts: list[object] = [Text("affinity-tui keys", style="bold"),
                               Text("Bindings have ids; override keys in config.toml under [keymap] "
                                    "(e.g. go.people = \"p\").", style="dim")]
        for title, bindings in _sections():
            table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                          box=None, padding=(0, 2))
            table.add_column("key", style="bold cyan", no_wrap=True, width=14)
            table.add_column("what", width=44)
            table.add_column("id", style="dim")
            keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                chosen = keymap.get(binding.id or "", binding.key)
                keys = " / ".join(self.app.get_key_display(Binding(k.strip(), binding.action))
                                  for k in chosen.split(","))
                table.add_row(keys, binding.description or binding.action, binding.id or "")
            parts.append(table)
        self.query_one("#help-text", Static).update(Group(*parts))  # type: ignore[arg-type]

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
