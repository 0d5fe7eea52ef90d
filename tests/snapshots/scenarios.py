"""Named walks through the app, shared by the SVG snapshot tests and the README screenshots
(``python scripts/export_screenshots.py``), so both always show the same thing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SIZE = (120, 40)

Scenario = Callable[[Pilot[Any]], Awaitable[None]]


async def loaded(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for input_ in pilot.app.screen.query(Input):
        input_.cursor_blink = False  # a blinking cursor would make snapshots flaky
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await loaded(pilot)


async def lists(pilot: Pilot[Any]) -> None:
    await loaded(pilot)


async def entries(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter")


async def entries_filtered(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "slash")
    await pilot.press(*'Status = "Diligence" & Amount > 1000000')
    await keys(pilot, "enter")


async def filter_problem(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "slash")
    await pilot.press(*'Stauts = "Diligence"')
    await keys(pilot, "enter")


async def saved_view(pilot: Pilot[Any]) -> None:
    await keys(pilot, "v", "down", "enter")  # Deal Pipeline → "My deals"


async def people(pilot: Pilot[Any]) -> None:
    await keys(pilot, "2")


async def companies(pilot: Pilot[Any]) -> None:
    await keys(pilot, "3")


async def opportunities(pilot: Pilot[Any]) -> None:
    await keys(pilot, "4")


async def deal_detail(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "enter")


async def company_detail(pilot: Pilot[Any]) -> None:
    await keys(pilot, "down", "enter", "enter")  # Portfolio → first company


async def related_records(pilot: Pilot[Any]) -> None:
    """A portfolio company's detail, the cursor on its first related deal."""
    from affinity_tui.data.related import RelatedRecord

    await keys(pilot, "down", "enter", "enter")
    screen = pilot.app.screen
    for _ in range(80):
        item = getattr(screen, "focused_item", lambda: None)()
        if isinstance(item, RelatedRecord) and item.kind == "opportunity":
            break
        await pilot.press("j")
    await loaded(pilot)


async def cost_prompt(pilot: Pilot[Any]) -> None:
    """A filter Affinity's search cannot answer, over the request budget (lowered to 2 here:
    the demo's Deal Pipeline is 300 entries, 3 requests)."""
    pilot.app.session.ask_above = 2  # type: ignore[attr-defined]
    await keys(pilot, "enter", "slash")
    await pilot.press(*'name =~ "Blue"')
    await keys(pilot, "enter")


async def export_dialog(pilot: Pilot[Any]) -> None:
    import os

    os.environ["AFFINITY_TUI_EXPORT_DIR"] = "~/Downloads/affinity"  # the folder shown, the same everywhere
    await keys(pilot, "enter", "e", "a", "r")


async def help_screen(pilot: Pilot[Any]) -> None:
    await keys(pilot, "question_mark")


async def unlock_prompt(pilot: Pilot[Any]) -> None:
    await keys(pilot, "w")


async def write_mode(pilot: Pilot[Any]) -> None:
    await keys(pilot, "w", "y")


async def status_picker(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "s")  # Deal Pipeline → move the first deal


async def field_editor(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "enter", "j", "j", "e")  # the first deal's Amount
    await keys(pilot, "ctrl+a", "ctrl+k", *"1.5m")


async def board(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "b")


async def add_to_list(pilot: Pilot[Any]) -> None:
    await keys(pilot, "3", "a")  # the first company


NOTE = """Call with **Copperbio** founders: strong *technical* team.

- Send the deck to [Priya Raman](https://harborpeak.affinity.co/persons/50002)
- Reference calls with two customers

1. Term sheet by Friday
2. IC on the 9th"""


async def composer(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "n")  # Deal Pipeline → a note on the first entry
    pilot.app.post_message(events.Paste(NOTE))  # as a terminal pastes: the app hands it to the focus
    await loaded(pilot)


async def reminder_dialog(pilot: Pilot[Any]) -> None:
    await keys(pilot, "enter", "r")
    await pilot.press(*"Send the term sheet draft")
    due = pilot.app.screen.query_one("#reminder-due", Input)
    due.value = "next monday 10am"
    await loaded(pilot)


async def reminders(pilot: Pilot[Any]) -> None:
    await keys(pilot, "5")


SCENARIOS: dict[str, Scenario] = {
    "lists": lists, "entries": entries, "entries-filtered": entries_filtered,
    "filter-problem": filter_problem, "saved-view": saved_view, "people": people,
    "companies": companies, "opportunities": opportunities, "deal-detail": deal_detail,
    "company-detail": company_detail, "related": related_records, "cost-prompt": cost_prompt,
    "export": export_dialog, "help": help_screen, "unlock-prompt": unlock_prompt,
    "write-mode": write_mode, "status-picker": status_picker, "field-editor": field_editor, "board": board,
    "add-to-list": add_to_list, "composer": composer, "reminder-dialog": reminder_dialog, "reminders": reminders,
}
