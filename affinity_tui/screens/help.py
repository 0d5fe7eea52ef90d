"""``?``: every key, grouped by where it works, read from the key registry (``keys.py``) so the
help can never drift from what the keys really do."""

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

from ..keys import KeyOwner, key_sections


def merged_sections(owners: list[KeyOwner]) -> list[tuple[str, list[Binding]]]:
    """Owners that share a section title become one section, in registry order."""
    sections: dict[str, list[Binding]] = {}
    for owner in owners:
        bindings = sections.setdefault(owner.section, [])
        for binding in owner.bindings:
            if binding.id is None or all(b.id != binding.id for b in bindings):
                bindings.append(binding)
    return list(sections.items())


class HelpScreen(ModalScreen[None]):
    KEY_SECTION = "Dialogs"
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
        keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
        for title, bindings in merged_sections(key_sections()):
            table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                          box=None, padding=(0, 2))
            table.add_column("key", style="bold cyan", no_wrap=True, width=14)
            table.add_column("what", width=44)
            table.add_column("id", style="dim")
            for binding in bindings:
                chosen = keymap.get(binding.id or "", binding.key)
                keys = " / ".join(self.app.get_key_display(Binding(k.strip(), binding.action))
                                  for k in chosen.split(","))
                table.add_row(keys, binding.tooltip or binding.description or binding.action, binding.id or "")
            parts.append(table)
        self.query_one("#help-text", Static).update(Group(*parts))  # type: ignore[arg-type]

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
