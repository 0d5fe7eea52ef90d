"""Pick a person, company or opportunity by typing part of its name (Affinity search).

Used to attach a note to more entities and to mention a person. Typing waits a moment
(``SEARCH_DELAY``) before asking Affinity, so a name typed quickly is one search, not one per
letter; ``tab`` switches what is searched (when more than one kind is allowed); ``enter`` takes
the highlighted match, ``escape`` picks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..data.entity_ref import EntityRef, RefKind
from ..data.entity_search import search
from ..data.session import AffinitySession
from .notices import notify_failure

SEARCH_DELAY = 0.25
PLURALS = {"person": "people", "company": "companies", "opportunity": "opportunities"}


class EntityPicker(ModalScreen[EntityRef | None]):
    """Dismisses with the chosen entity, or None."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="entity-picker.cancel"),
        Binding("tab", "next_kind", "People/companies/opportunities", id="entity-picker.kind", priority=True),
        Binding("down", "move(1)", "Next match", show=False, id="entity-picker.down", priority=True),
        Binding("up", "move(-1)", "Previous match", show=False, id="entity-picker.up", priority=True),
    ]

    def __init__(self, session: AffinitySession, title: str, *, kinds: Sequence[RefKind] = ("person",),
                 exclude: Sequence[EntityRef] = (), term: str = "") -> None:
        super().__init__()
        self.session = session
        self._title = title
        self.kinds = tuple(kinds)
        self.kind: RefKind = self.kinds[0]
        self.exclude = tuple(exclude)
        self._term = term
        self._matches: list[EntityRef] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker", id="entity-picker"):
            yield Static(self._title, classes="picker-title", markup=False)
            yield Static(id="entity-picker-kind", classes="picker-hint")
            yield Input(value=self._term, placeholder="part of a name, email or domain", id="entity-picker-input")
            yield OptionList(id="entity-picker-options")
            yield Static("enter picks · escape cancels", id="entity-picker-hint", classes="picker-hint", markup=False)

    def on_mount(self) -> None:
        self._show_kind()
        self.query_one(Input).focus()
        if self._term:
            self._search(self._term)

    def _show_kind(self) -> None:
        if len(self.kinds) == 1:
            hint = f"Searching {PLURALS[self.kind]}"
        else:  # the kind searched in brackets among the others
            parts = [(f"[{PLURALS[k]}]" if k == self.kind else PLURALS[k]) for k in self.kinds]
            hint = "Searching " + " ".join(parts) + "   (tab switches)"
        self.query_one("#entity-picker-kind", Static).update(Text(hint))

    @on(Input.Changed, "#entity-picker-input")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        term = event.value
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self._search(term))

    @work(exclusive=True, group="entity-search", exit_on_error=False)
    async def _search(self, term: str) -> None:
        options = self.query_one(OptionList)
        if not term.strip():
            self._matches = []
            options.clear_options()
            return
        kind = self.kind
        try:
            found = await search(self.session, kind, term)
        except Exception as error:  # noqa: BLE001 - shown, never a crash
            notify_failure(self, error)
            return
        if kind != self.kind:
            return
        shown = [(ref, detail) for ref, detail in found if not any(ref.same(x) for x in self.exclude)]
        self._matches = [ref for ref, _ in shown]
        options.clear_options()
        if not shown:
            options.add_option(Option(Text(f"No {PLURALS[kind]} match “{term.strip()}”.", style="dim"),
                                      disabled=True))
            return
        options.add_options([Option(Text.assemble(ref.title, ("  " + detail if detail else "", "dim")))
                             for ref, detail in shown])
        options.highlighted = 0

    def action_next_kind(self) -> None:
        if len(self.kinds) < 2:
            return
        self.kind = self.kinds[(self.kinds.index(self.kind) + 1) % len(self.kinds)]
        self._show_kind()
        self._search(self.query_one(Input).value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, "#entity-picker-input")
    def _submitted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self._matches):
            self.dismiss(self._matches[index])

    @on(OptionList.OptionSelected, "#entity-picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self._matches):
            self.dismiss(self._matches[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
