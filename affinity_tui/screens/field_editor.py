"""One field's new value, typed or chosen in an editor that fits its value type.

* text, number (``1.5m``, ``250k``, ``1,500.5``), money, date (``tomorrow``, ``3 dec``), location
  (``City, Country``): a line of text, checked as you type (the value it will save, or why it
  cannot be saved) and refused on ``enter`` with the reason while it is wrong: nothing is sent;
* single and multi dropdowns (ranked or not): the options, filtered as you type;
* person and company references: a search of Affinity as you type, results to choose from.

The editor only returns the value (`NewValue`); the caller confirms and sends it through the
one write flow. An empty line clears the field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from ..data.dates import FORMS
from ..data.field_input import (
    DROPDOWN_TYPES,
    REFERENCE_TYPES,
    FieldMeta,
    InputProblem,
    NewValue,
    Reference,
    base_type,
    dropdown_value,
    is_multi,
    parse_input,
    ranked_options,
    reference_value,
    value_type_of,
)
from ..data.sources.entities import MAX_SEARCH_CHARS
from ..data.values import is_money_field, rich_colour

Search = Callable[[str], Awaitable[list[Reference]]]
SEARCH_DELAY = 0.25
"""Seconds of no typing before a reference search is sent (one request per pause, not per key)."""

HINTS = {
    "number": "a number: 1500, 1,500.5, 1.5m, 250k, -3",
    "money": "an amount in dollars: 1.5m, $250k, 1,500,000",
    "datetime": f"a date: {FORMS}",
    "location": "City, Country · City, State, Country · Street, City, State, Country",
    "text": "any text",
}


class FieldEditor(ModalScreen[NewValue | None]):
    """Dismisses with the checked new value, or None (escape)."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="field-editor.cancel"),
        Binding("ctrl+s", "save", "Save", id="field-editor.save", priority=True),
    ]

    def __init__(self, meta: FieldMeta, current: str, *, now: datetime, entries: str = "",
                 search: Search | None = None, current_refs: Sequence[Reference] = (),
                 typed: str | None = None, problem: str | None = None) -> None:
        super().__init__()
        self.typed = typed
        """The text in the line when it was saved (a write that did not land reopens the editor
        with it); given, the line starts with it instead of the current value."""
        self._problem = problem
        self.meta = meta
        self.value_type = value_type_of(meta)
        self.base = base_type(self.value_type)
        self.multi = is_multi(self.value_type)
        self._current = current
        self._now = now
        self._entries = entries
        self._search = search
        self._found: list[Reference] = []
        self._chosen: list[Reference] = list(current_refs)

    # ---- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="picker field-editor"):
            yield Static(f"{self.meta.name}" + (f" · {self._entries}" if self._entries else ""),
                         classes="picker-title", markup=False)
            yield Static(Text.assemble(("now: ", "dim"), self._current or "—"), id="field-editor-current")
            if self.base in DROPDOWN_TYPES and self.multi:
                yield Input(placeholder="type to filter the options", id="field-editor-input")
                yield SelectionList[str](id="field-editor-choices")
            elif self.base in DROPDOWN_TYPES:
                yield Input(placeholder="type to filter the options", id="field-editor-input")
                yield OptionList(id="field-editor-options")
            elif self.base in REFERENCE_TYPES:
                yield Input(placeholder=f"search for a {self.base} by name"
                                        + (" or email" if self.base == "person" else " or domain"),
                            id="field-editor-input")
                yield Static("", id="field-editor-chosen")
                yield OptionList(id="field-editor-options")
            else:
                start = self.typed if self.typed is not None else self._current if self._current != "—" else ""
                yield Input(value=start, placeholder=self._hint(), id="field-editor-input")
            yield Static(Text(self._problem, style="red") if self._problem else "", id="field-editor-problem")
            yield Static(self._keys_hint(), classes="picker-hint", markup=False)

    def _hint(self) -> str:
        if self.base == "number" and is_money_field(self.meta.name):
            return HINTS["money"]
        return HINTS.get(self.base, HINTS["text"]) + (" (several: separate with commas)" if self.multi else "")

    def _keys_hint(self) -> str:
        if self.base in DROPDOWN_TYPES and self.multi:
            return "space toggles · ctrl+s saves · escape cancels"
        if self.base in REFERENCE_TYPES and self.multi:
            return "enter adds or removes the highlighted one · ctrl+s saves · escape cancels"
        if self.base in DROPDOWN_TYPES or self.base in REFERENCE_TYPES:
            return "enter chooses · escape cancels"
        return "enter saves (an empty line clears the field) · escape cancels"

    def on_mount(self) -> None:
        if self.base in DROPDOWN_TYPES:
            self._show_options("")
        elif self.base in REFERENCE_TYPES:
            self._show_chosen()
        self.query_one("#field-editor-input", Input).focus()

    # ---- typing ----------------------------------------------------------------------------
    @on(Input.Changed, "#field-editor-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.base in DROPDOWN_TYPES:
            self._show_options(event.value)
        elif self.base in REFERENCE_TYPES:
            self._search_for(event.value)
        else:
            self._preview(event.value)

    def _preview(self, text: str) -> None:
        parsed = parse_input(self.meta, text, now=self._now)
        problem = self.query_one("#field-editor-problem", Static)
        if isinstance(parsed, InputProblem):
            problem.update(Text(parsed.message, style="red"))
        else:
            problem.update(Text.assemble(("saves: ", "dim"), parsed.text))

    def _show_options(self, text: str) -> None:
        words = text.casefold().split()
        options = [o for o in ranked_options(self.meta) if all(w in o.text.casefold() for w in words)]
        if self.multi:
            selection = self.query_one("#field-editor-choices", SelectionList)
            chosen = set(selection.selected) if selection.option_count else {
                str(int(o.id)) for o in self.meta.dropdown_options if o.text in self._current_texts()}
            selection.clear_options()
            selection.add_options([Selection(Text(o.text, style=rich_colour(o.color) or ""), str(int(o.id)),
                                             str(int(o.id)) in chosen) for o in options])
            return
        option_list = self.query_one("#field-editor-options", OptionList)
        option_list.clear_options()
        current = self._current_texts()
        option_list.add_options([Option(Text.assemble(("● " if o.text in current else "  ", "bold"),
                                                      (o.text, rich_colour(o.color) or "")), id=str(int(o.id)))
                                 for o in options])
        option_list.add_option(Option(Text("  (clear the field)", style="dim"), id="clear"))
        option_list.highlighted = 0

    def _current_texts(self) -> set[str]:
        return {part.strip() for part in self._current.split(",")} if self._current else set()

    @work(exclusive=True, group="field-editor-search", exit_on_error=False)
    async def _search_for(self, term: str) -> None:
        import asyncio

        await asyncio.sleep(SEARCH_DELAY)
        options = self.query_one("#field-editor-options", OptionList)
        if not term.strip() or self._search is None:
            options.clear_options()
            return
        problem = self.query_one("#field-editor-problem", Static)
        if len(term.strip()) > MAX_SEARCH_CHARS:
            options.clear_options()
            problem.update(Text(f"A search is at most {MAX_SEARCH_CHARS} characters (this has {len(term.strip()):,}); "
                                "nothing was sent.", style="red"))
            return
        try:
            found = await self._search(term.strip())
        except Exception as error:  # noqa: BLE001 - said in place, the editor stays open
            problem.update(Text(getattr(error, "title", "The search failed"), style="red"))
            return
        problem.update("")
        self._found = found
        options.clear_options()
        if not found:
            options.add_option(Option(Text(f"No {self.base} matches “{term.strip()}”.", style="dim"), disabled=True))
            return
        chosen = {r.id for r in self._chosen}
        options.add_options([Option(Text.assemble(("✓ " if r.id in chosen else "  ", "bold"), r.name,
                                                  (f"  {r.detail}" if r.detail else "", "dim")), id=str(r.id))
                             for r in found])
        options.highlighted = 0

    def _show_chosen(self) -> None:
        chosen = self.query_one("#field-editor-chosen", Static)
        if not self.multi:
            chosen.display = False
            return
        names = ", ".join(r.name for r in self._chosen) or "nobody yet" if self.base == "person" else \
            ", ".join(r.name for r in self._chosen) or "none yet"
        chosen.update(Text.assemble(("will be: ", "dim"), names))

    # ---- choosing and saving ---------------------------------------------------------------
    @on(Input.Submitted, "#field-editor-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.base in DROPDOWN_TYPES and not self.multi:
            options = self.query_one("#field-editor-options", OptionList)
            if options.highlighted is not None:
                option = options.get_option_at_index(options.highlighted)
                self._choose_option(option.id)
            return
        if self.base in DROPDOWN_TYPES:
            self.action_save()
            return
        if self.base in REFERENCE_TYPES:
            options = self.query_one("#field-editor-options", OptionList)
            if options.highlighted is not None and self._found:
                option = options.get_option_at_index(options.highlighted)
                self._choose_reference(option.id)
            return
        self.action_save()

    @on(OptionList.OptionSelected, "#field-editor-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if self.base in DROPDOWN_TYPES:
            self._choose_option(event.option.id)
        else:
            self._choose_reference(event.option.id)

    def _choose_option(self, option_id: str | None) -> None:
        if option_id is None:
            return
        if option_id == "clear":
            self.dismiss(dropdown_value(self.meta, []))
            return
        chosen = [o for o in self.meta.dropdown_options if str(int(o.id)) == option_id]
        self.dismiss(dropdown_value(self.meta, chosen))

    def _choose_reference(self, ref_id: str | None) -> None:
        found = next((r for r in self._found if str(r.id) == ref_id), None)
        if found is None:
            return
        if not self.multi:
            self.dismiss(reference_value(self.meta, [found]))
            return
        if any(r.id == found.id for r in self._chosen):
            self._chosen = [r for r in self._chosen if r.id != found.id]
        else:
            self._chosen.append(found)
        self._show_chosen()

    def action_save(self) -> None:
        if self.base in DROPDOWN_TYPES and self.multi:
            selected = set(self.query_one("#field-editor-choices", SelectionList).selected)
            self.dismiss(dropdown_value(self.meta, [o for o in ranked_options(self.meta)
                                                    if str(int(o.id)) in selected]))
            return
        if self.base in REFERENCE_TYPES:
            if self.multi:
                self.dismiss(reference_value(self.meta, self._chosen))
            return
        text = self.query_one("#field-editor-input", Input).value
        parsed = parse_input(self.meta, text, now=self._now)
        if isinstance(parsed, InputProblem):
            self.query_one("#field-editor-problem", Static).update(Text(parsed.message, style="red"))
            self.query_one("#field-editor-input", Input).add_class("-invalid")
            return
        self.typed = text
        self.dismiss(parsed)

    @property
    def keeps_text(self) -> bool:
        """Whether the value is typed in a line (not chosen from options or a search)."""
        return self.base not in DROPDOWN_TYPES and self.base not in REFERENCE_TYPES

    def action_cancel(self) -> None:
        self.dismiss(None)
