"""The fault matrix: every screen's loads and every write, under each fault (``harness``).

For each cell the app runs on a fresh emulator; the fault is injected for the action's own
requests only, the action is taken, and then:

* **never crashes**: the app is still running, nothing escaped to Textual;
* **says what happened**: an error or warning notification, or a message in place (the table's
  "could not load", a detail section's "(R tries again)"); never an empty state ("No entries.",
  "This Affinity user cannot see any lists yet.") standing in for an error;
* **keeps what was on screen and what the user typed**: rows loaded before stay (a failed new
  filter, view or search goes back to the rows before it, the typed filter back in the bar; a
  refresh under a fault keeps the rows, cards and detail parts it had); a field value typed
  for a write that did not land is offered again;
* **sends no write twice**: one write request per confirmation that could have been carried out,
  whatever came back (a request refused outright, 403 on a v2 reminder, is sent once more
  through v1 by the SDK), and what the app says matches the tenant ("Nothing was changed" means
  unchanged, "reached Affinity" means changed);
* **recovers when the fault clears**: by itself after a rate-limit wait, else with ``R`` (or, for
  a write, by doing it again), to exactly what a fault-free run shows.

Every cell is recorded on the summary board; each test fails if any of its cells did.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore, build_demo_tenant
from affinity_tui.screens.add_to_list import AddToListScreen
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.detail import SECTIONS, DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.field_editor import FieldEditor
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.screens.reminder_dialog import ReminderDialog
from affinity_tui.screens.reminders import RemindersScreen
from affinity_tui.widgets.confirm import ConfirmScreen, ConfirmWriteScreen
from affinity_tui.widgets.lazy_table import LazyTable
from affinity_tui.widgets.pickers import PickOne
from affinity_tui.widgets.status_picker import StatusPicker

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD, FAULTS
from .harness import SIZE, Rig, clear, crashed, inject, paste, rig, screen_text, wait_for, wait_out_rate_limit

pytestmark = pytest.mark.usefixtures("fast_timeouts")

PIPELINE, FOUNDERS = 12001, 12003
ENTRIES = f"/v2/lists/{PIPELINE}/list-entries"
FALSE_EMPTY = ("cannot see any lists", "No entries.", "No people.", "No rows.", "No notes.", "No open reminders.",
               "None in the last year.", "Not on any list.", "No fields.", "Nothing due")
"""Empty states: on a screen whose load failed, each of these would be a lie."""
Problems = list[str]


def table(r: Rig) -> LazyTable:
    return r.app.screen.query_one("#table", LazyTable)


def keys(r: Rig) -> list[int]:
    return [row.key for row in table(r).loaded_rows]


def status(r: Rig) -> str:
    return str(r.app.screen.query_one("#status").message)  # type: ignore[attr-defined]


async def settled(pilot: Pilot[Any]) -> None:
    await settle(pilot, timeout=10)


async def open_pipeline(pilot: Pilot[Any]) -> None:
    await settled(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListEntriesScreen))
    await settled(pilot)


async def open_people(pilot: Pilot[Any]) -> None:
    await settled(pilot)
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, EntitiesScreen))
    await settled(pilot)


def common(r: Rig, said_from: int, truthful: str = "") -> Problems:
    """What every cell checks after the fault: no crash, something said, no false empty state
    (one that ``truthful``, the fault-free screen, also shows is true)."""
    problems: Problems = []
    if (why := crashed(r.app)) is not None:
        return [why]
    text = screen_text(r.app)
    in_place = any(word in text for word in ("could not", "R tries again", "loads again in", "continues by itself"))
    showing = [n for n in r.app._notifications if n.severity in ("error", "warning")]  # repeats are shown once
    if not r.said.problems_since(said_from) and not showing and not in_place:
        problems.append("said nothing")
    lies = [phrase for phrase in FALSE_EMPTY if phrase in text and phrase not in truthful]
    if lies:
        problems.append(f"an empty state stood in for the error: {lies}")
    return problems


async def recover_by_refresh(pilot: Pilot[Any], r: Rig, fault: str, done: Callable[[], object]) -> Problems:
    """Clear the fault; a 429's load comes back by itself, anything else after R."""
    clear(r)
    if fault == "429":
        if await wait_for(pilot, done, timeout=8):
            return []
        return ["did not resume by itself after the rate-limit wait"]
    await pilot.press("R")
    if await wait_for(pilot, done, timeout=8):
        return []
    return ["R did not recover"]


# ---- reads -------------------------------------------------------------------------------------
@dataclass
class Read:
    """One read action: how to get ready, what to do, what to check."""

    name: str
    paths: list[str]
    run: Callable[[Pilot[Any], Rig, str], Awaitable[Problems]]


async def open_lists(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    # The fault was injected before the app started: the first thing the user sees.
    await settled(pilot)
    problems = common(r, 0)
    if not isinstance(r.app.screen, ListsScreen):
        return problems + ["not on the lists screen"]
    if "Could not load the lists" not in screen_text(r.app):
        problems.append("the lists screen does not say it could not load")
    problems += await recover_by_refresh(pilot, r, fault, lambda: len(keys(r)) == 4 and "<" in r.app.sub_title)
    # R under the fault keeps the lists on screen.
    await settled(pilot)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, ["/lists"])
    await pilot.press("R")
    await settled(pilot)
    if keys(r) != shown:
        problems.append("a failed refresh emptied the lists")
    problems += common(r, said)
    clear(r)
    await wait_out_rate_limit(r)
    return problems


async def open_a_list(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await settled(pilot)
    said = len(r.said.items)
    inject(r, fault, [ENTRIES])
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(r.app.screen, ListEntriesScreen))
    await settled(pilot)
    problems = common(r, said)
    if not isinstance(r.app.screen, ListEntriesScreen):
        return problems + ["the list did not open"]
    problems += await recover_by_refresh(pilot, r, fault, lambda: len(keys(r)) == 200)
    await settled(pilot)
    if status(r) != "loaded 200 of 300":
        problems.append(f"after recovery the status line says {status(r)!r}")
    # R under the fault keeps the rows.
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, [ENTRIES])
    await pilot.press("R")
    await settled(pilot)
    if keys(r) != shown:
        problems.append("a failed refresh emptied the table")
    problems += common(r, said)
    clear(r)
    await wait_out_rate_limit(r)
    return problems


async def next_page(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_pipeline(pilot)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, [ENTRIES])
    await pilot.press("G")
    await settled(pilot)
    problems = common(r, said)
    if keys(r) != shown:
        problems.append("the rows loaded before changed")
    if table(r).loading_more:
        problems.append("still says loading")
    clear(r)
    if fault != "429":
        await pilot.press("k", "G")
    if not await wait_for(pilot, lambda: len(keys(r)) == 300, 8):
        problems.append("the next page never came" + (" by itself" if fault == "429" else " on the next move"))
    return problems


FILTER = 'Status = "Diligence"'


async def a_filter(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_pipeline(pilot)
    screen = r.app.screen
    assert isinstance(screen, ListEntriesScreen)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, [f"{ENTRIES}/search"])
    await pilot.press("slash")
    await paste(pilot, FILTER)
    await pilot.press("enter")
    await settled(pilot)
    expected = sum(1 for e in r.emulator.store.list_entries(PIPELINE) if _status_text(r.emulator, e.values) == "Diligence")
    bar = screen.filter_bar
    if screen.source.query_text == FILTER and len(keys(r)) == expected:
        return []  # absorbed: the SDK filtered on this computer instead (a refused search)
    problems = common(r, said)
    if keys(r) != shown or screen.source.query_text is not None:
        problems.append("the rows before the filter were not kept")
    if fault != "429" and (not bar.display or bar.input.value != FILTER):
        problems.append("the typed filter is not back in the filter bar")
    clear(r)
    if fault != "429":
        bar.input.focus()
        await pilot.press("enter")
    if not await wait_for(pilot, lambda: screen.source.query_text == FILTER and not table(r).loading_more
                          and len(keys(r)) == expected, 8):
        problems.append("the filter did not apply after the fault cleared")
    return problems


def _status_text(emulator: Emulator, values: dict[str, Any]) -> str | None:
    field = next(f for f in emulator.store.list_fields(PIPELINE) if f.name == "Status")
    option = next((o for o in field.options if o.id == values.get(field.id)), None)
    return option.text if option is not None else None


async def a_saved_view(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_pipeline(pilot)
    screen = r.app.screen
    assert isinstance(screen, ListEntriesScreen)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, [f"/v2/lists/{PIPELINE}/saved-views"])

    async def choose() -> None:
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(r.app.screen, PickOne))
        await pilot.press("down", "enter")

    await choose()
    await settled(pilot)
    problems = common(r, said)
    if keys(r) != shown or screen.entries.view_id is not None:
        problems.append("the rows before the view were not kept")
    clear(r)
    if fault != "429":
        await choose()
    if not await wait_for(pilot, lambda: screen.entries.view_id is not None and len(keys(r)) > 0
                          and not table(r).loading_more, 8):
        problems.append("the view did not open after the fault cleared")
    return problems


async def people_search(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_people(pilot)
    screen = r.app.screen
    assert isinstance(screen, EntitiesScreen)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, ["/persons"])
    await pilot.press("slash")
    await paste(pilot, "morgan")
    await pilot.press("enter")
    await settled(pilot)
    problems = common(r, said)
    if keys(r) != shown or screen.entities.term:
        problems.append("the people shown before were not kept")
    bar = screen.filter_bar
    if fault != "429" and (not bar.display or bar.input.value != "morgan"):
        problems.append("the typed search is not back in the search bar")
    clear(r)
    if fault != "429":
        bar.input.focus()
        await pilot.press("enter")
    if not await wait_for(pilot, lambda: screen.entities.term == "morgan" and len(keys(r)) > 0
                          and not table(r).loading_more, 8):
        problems.append("the search did not run after the fault cleared")
    return problems


def sections(r: Rig) -> dict[str, str]:
    screen = r.app.screen
    assert isinstance(screen, DetailScreen)
    return {name: screen.section_text(name) for name in SECTIONS}


def unexplained(now: dict[str, str], clean: dict[str, str]) -> list[str]:
    """Sections that neither show what a fault-free run shows, nor say why not, nor show other
    content (a fallback read) without a false empty state."""
    bad = []
    for name, text in now.items():
        if text == clean[name] or "R tries again" in text or "loads again in" in text:
            continue
        if text.strip() and not any(p in text and p not in clean[name] for p in FALSE_EMPTY) \
                and "loading" not in text:
            continue
        bad.append(name)
    return bad


async def detail_parts(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_people(pilot)
    person = table(r).loaded_rows[0].entity_id
    paths = [f"/v2/persons/{person}", "/v2/reminders", "/interactions"]
    # What a fault-free detail shows, to compare with.
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(r.app.screen, DetailScreen))
    await settled(pilot)
    clean = sections(r)
    await pilot.press("escape")
    await settled(pilot)
    said = len(r.said.items)
    inject(r, fault, paths)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(r.app.screen, DetailScreen))
    await settled(pilot)
    truthful = "\n".join(clean.values())
    problems = common(r, said, truthful)
    failing = unexplained(sections(r), clean)
    if failing:
        problems.append(f"sections neither loaded nor saying why: {failing}")
    clear(r)
    if fault != "429":
        await pilot.press("R")
    elif not await wait_for(pilot, lambda: sections(r) == clean, 8):
        # The parts refused came back by themselves; a side read that gave up during the wait
        # (a related record's name, shown as its id) comes back with R.
        await wait_out_rate_limit(r)
        await pilot.press("R")
    if not await wait_for(pilot, lambda: sections(r) == clean, 8):
        problems.append("the detail did not recover")
    # R under the fault keeps every part shown (or shows what a fallback read found).
    said = len(r.said.items)
    inject(r, fault, paths)
    await pilot.press("R")
    await settled(pilot)
    lost = [name for name, text in sections(r).items() if text != clean[name] and name in unexplained(
        {name: text}, clean)]
    if lost or any("R tries again" in text for text in sections(r).values()):
        problems.append(f"a failed refresh lost parts of the detail: {lost}")
    problems += common(r, said, truthful)
    clear(r)
    await wait_out_rate_limit(r)
    return problems


async def a_board(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await open_pipeline(pilot)
    said = len(r.said.items)
    inject(r, fault, [ENTRIES])
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(r.app.screen, BoardScreen))
    await settled(pilot)
    problems = common(r, said)
    screen = r.app.screen
    if not isinstance(screen, BoardScreen):
        return problems + ["the board did not open"]
    if "could not load the board" not in status(r):
        problems.append("the status line does not say the board could not load")
    problems += await recover_by_refresh(pilot, r, fault, lambda: screen.source.loaded == 100)
    await settled(pilot)
    said = len(r.said.items)
    inject(r, fault, [ENTRIES])
    await pilot.press("R")
    await settled(pilot)
    if screen.source.loaded != 100:
        problems.append("a failed refresh emptied the board")
    problems += common(r, said)
    clear(r)
    await wait_out_rate_limit(r)
    return problems


async def the_reminders(pilot: Pilot[Any], r: Rig, fault: str) -> Problems:
    await settled(pilot)
    said = len(r.said.items)
    inject(r, fault, ["/v2/reminders"])
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(r.app.screen, RemindersScreen))
    await settled(pilot)
    problems = common(r, said)
    if not isinstance(r.app.screen, RemindersScreen):
        return problems + ["the reminders did not open"]
    problems += await recover_by_refresh(pilot, r, fault, lambda: len(keys(r)) > 0 and not table(r).loading_more)
    await settled(pilot)
    shown, said = keys(r), len(r.said.items)
    inject(r, fault, ["/v2/reminders"])
    await pilot.press("R")
    await settled(pilot)
    if keys(r) != shown:
        problems.append("a failed refresh emptied the reminders")
    problems += common(r, said)
    clear(r)
    await wait_out_rate_limit(r)
    return problems


READS = [
    Read("open lists", ["/lists"], open_lists),
    Read("open a list", [ENTRIES], open_a_list),
    Read("next page", [ENTRIES], next_page),
    Read("filter", [f"{ENTRIES}/search"], a_filter),
    Read("saved view", [f"/v2/lists/{PIPELINE}/saved-views"], a_saved_view),
    Read("people search", ["/persons"], people_search),
    Read("detail parts", [], detail_parts),
    Read("board", [ENTRIES], a_board),
    Read("reminders", ["/v2/reminders"], the_reminders),
]


@pytest.mark.parametrize("action", READS, ids=[a.name for a in READS])
async def test_reads_survive_every_fault(action: Read, demo_tenant: TenantStore) -> None:
    failures = []
    for fault in FAULTS:
        emulator = Emulator(EmulatorConfig(now=NOW), store=demo_tenant)
        r = rig(emulator)
        if action.name == "open lists":
            inject(r, fault, action.paths)
        async with r.app.run_test(size=SIZE, notifications=True) as pilot:
            try:
                problems = await action.run(pilot, r, fault)
            except Exception as error:  # noqa: BLE001 - a cell that breaks is a failed cell
                problems = [f"{type(error).__name__}: {error}"]
            if (why := crashed(r.app)) is not None and why not in problems:
                problems.append(why)
        if r.wire.writes:
            problems.append(f"a read sent writes: {r.wire.writes}")
        BOARD.cell(action.name, fault, problems)
        if problems:
            failures.append(f"{fault}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)


# ---- writes ------------------------------------------------------------------------------------
@dataclass
class Attempt:
    """What one confirmed write did: requests sent, what was said, whether it landed."""

    sent: int
    said: list[str]
    changed: bool
    refused: int = 0
    """Write requests Affinity refused outright (401, 403, 429, 5xx: not carried out); the SDK
    sends a reminder refused by the v2 API (403) once more through v1."""


async def confirm(pilot: Pilot[Any], r: Rig, fault: str | None, paths: list[str]) -> None:
    """Answer the unlock question if asked, inject the fault, say yes to the write."""
    app = r.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen | ConfirmWriteScreen))
    if type(app.screen) is ConfirmScreen:
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmWriteScreen))
    if fault is not None:
        inject(r, fault, paths, how_many=1)
    await pilot.press("y")


async def attempt(pilot: Pilot[Any], r: Rig, fault: str | None, paths: list[str],
                  start: Callable[[], Awaitable[None]], changed: Callable[[], bool]) -> Attempt:
    sent, said, logged = len(r.wire.writes), len(r.said.items), len(r.emulator.log.entries)
    await start()
    await confirm(pilot, r, fault, paths)
    await wait_for(pilot, lambda: len(r.said.items) > said and not any(
        w.group == "write" and w.is_running for w in r.app.workers), 10)
    await settled(pilot)
    refused = sum(1 for e in r.emulator.log.entries[logged:] if e.write and (e.status in (401, 403, 429)
                                                                            or e.status >= 500))
    return Attempt(len(r.wire.writes) - sent, r.said.since(said), changed(), refused)


def judged(first: Attempt, fault: str) -> Problems:
    """One write sent, and what the app said is what happened."""
    problems: Problems = []
    if first.sent < 1 or first.sent - first.refused > 1:
        problems.append(f"{first.sent} write requests for one confirmation ({first.refused} refused outright)")
    words = " ".join(first.said)
    if not words:
        return problems + ["said nothing"]
    if "Nothing was changed" in words or "did not reach Affinity" in words:
        if first.changed:
            problems.append(f"said nothing changed, but it did: {words!r}")
    elif "reached Affinity" in words or "Saved in Affinity" in words:
        if not first.changed:
            problems.append(f"said it landed, but it did not: {words!r}")
    elif "may or may not" not in words:
        problems.append(f"unclear whether it landed: {words!r}")
    return problems


@dataclass
class Write:
    name: str
    run: Callable[[Pilot[Any], Rig, str, int], Awaitable[Problems]]


async def status_move(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await open_pipeline(pilot)
    store = r.emulator.store
    field = next(f for f in store.list_fields(PIPELINE) if f.name == "Status")
    table(r).move_cursor(row)
    await settled(pilot)
    current = table(r).current_row
    assert current is not None
    entry = store.entries[current.key]
    target = next(o for o in field.options if o.id != entry.values.get(field.id))
    column = next(i for i, c in enumerate(table(r).columns) if c.key == field.id)
    paths = [f"{ENTRIES}/{entry.id}/fields"]

    async def start() -> None:
        table(r).move_cursor(row)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(r.app.screen, StatusPicker))
        await paste(pilot, target.text.lower())
        await pilot.press("enter")

    def moved() -> bool:
        return entry.values.get(field.id) == target.id

    first = await attempt(pilot, r, fault, paths, start, moved)
    problems = judged(first, fault)
    shown = table(r).loaded_rows[row].cells[column]
    if shown != (_status_text(r.emulator, entry.values) or ""):
        problems.append(f"the row shows {shown!r}, Affinity holds {_status_text(r.emulator, entry.values)!r}")
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        again = await attempt(pilot, r, None, paths, start, moved)
        if again.sent != 1 or not again.changed:
            problems.append("doing it again after the fault did not move it once")
    if table(r).loaded_rows[row].cells[column] != target.text:
        problems.append("the row does not show the new Status")
    return problems


async def field_edit(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await open_pipeline(pilot)
    store = r.emulator.store
    field = next(f for f in store.list_fields(PIPELINE) if f.name == "Amount")
    table(r).move_cursor(row)
    await settled(pilot)
    current = table(r).current_row
    assert current is not None
    entry = store.entries[current.key]
    amount = 2_500_000 + row
    typed = f"{amount:,}"
    paths = [f"{ENTRIES}/{entry.id}/fields"]

    async def start() -> None:
        table(r).move_cursor(row)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(r.app.screen, PickOne))
        picker = r.app.screen.query_one("OptionList")
        labels = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]  # type: ignore[attr-defined]
        await pilot.press(*["down"] * labels.index("Amount"), "enter")
        await wait_for(pilot, lambda: isinstance(r.app.screen, FieldEditor))
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, typed)
        await pilot.press("enter")

    def edited() -> bool:
        return entry.values.get(field.id) == amount

    first = await attempt(pilot, r, fault, paths, start, edited)
    problems = judged(first, fault)
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        editor = r.app.screen
        if not isinstance(editor, FieldEditor) or editor.query_one("#field-editor-input").value != typed:  # type: ignore[attr-defined]
            problems.append("the typed value was not kept")
            again = await attempt(pilot, r, None, paths, start, edited)
        else:
            said = len(r.said.items)
            sent = len(r.wire.writes)
            await pilot.press("enter")
            await confirm(pilot, r, None, paths)
            await wait_for(pilot, lambda: len(r.said.items) > said and edited(), 10)
            await settled(pilot)
            again = Attempt(len(r.wire.writes) - sent, r.said.since(said), edited())
        if again.sent != 1 or not again.changed:
            problems.append("doing it again after the fault did not save it once")
    column = next(i for i, c in enumerate(table(r).columns) if c.key == field.id)
    if table(r).loaded_rows[row].cells[column] != f"${amount:,}":
        problems.append(f"the row shows {table(r).loaded_rows[row].cells[column]!r}")
    return problems


async def add_to_list(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await open_people(pilot)
    store = r.emulator.store
    table(r).move_cursor(row)
    await settled(pilot)
    current = table(r).current_row
    assert current is not None
    person = current.entity_id
    before = sum(1 for e in store.entries_of("person", person) if e.list_id == FOUNDERS)
    paths = [f"/lists/{FOUNDERS}/list-entries"]

    async def start() -> None:
        table(r).move_cursor(row)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(r.app.screen, AddToListScreen))
        await paste(pilot, "founders")
        await pilot.press("enter")

    def added() -> bool:
        return sum(1 for e in store.entries_of("person", person) if e.list_id == FOUNDERS) > before

    first = await attempt(pilot, r, fault, paths, start, added)
    problems = judged(first, fault)
    if sum(1 for e in store.entries_of("person", person) if e.list_id == FOUNDERS) > before + 1:
        problems.append("added twice")
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        again = await attempt(pilot, r, None, paths, start, added)
        if again.sent != 1 or not again.changed:
            problems.append("doing it again after the fault did not add it once")
    return problems


async def note_save(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await open_people(pilot)
    store = r.emulator.store
    table(r).move_cursor(row)
    await settled(pilot)
    marker = f"Call notes {fault} #{row}: follow up on the term sheet"

    def notes() -> int:
        return sum(1 for n in store.notes.values() if marker in n.html)

    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(r.app.screen, NoteComposer))
    composer = r.app.screen
    assert isinstance(composer, NoteComposer)
    await wait_for(pilot, lambda: r.app.focused is composer.editor)
    await paste(pilot, marker)

    async def start() -> None:
        await pilot.press("ctrl+s")

    first = await attempt(pilot, r, fault, ["/v2/notes", "/notes"], start, lambda: notes() > 0)
    problems = judged(first, fault)
    if notes() > 1:
        problems.append("the note was saved twice")
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        if r.app.screen is not composer or composer.editor.text != marker:
            problems.append("the typed note was not kept in the composer")
        elif not list(Path(os.environ["AFFINITY_TUI_STATE_DIR"], "note-drafts").glob("*.json")):
            problems.append("no draft was kept on disk")
        else:
            again = await attempt(pilot, r, None, ["/v2/notes"], start, lambda: notes() > 0)
            if again.sent != 1 or not again.changed:
                problems.append("saving again after the fault did not save it once")
    if notes() != 1:
        problems.append(f"{notes()} notes in Affinity, not 1")
    return problems


async def reminder_save(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await open_people(pilot)
    store = r.emulator.store
    table(r).move_cursor(row)
    await settled(pilot)
    content = f"Send the deck ({fault})"

    def reminders() -> int:
        return sum(1 for x in store.reminders.values() if x.content == content)

    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(r.app.screen, ReminderDialog) and bool(r.app.screen.query("#reminder-buttons")))
    dialog = r.app.screen
    assert isinstance(dialog, ReminderDialog)
    dialog.query_one("#reminder-content", Input).value = content
    dialog.query_one("#reminder-due", Input).value = "3d"
    await pilot.pause()

    async def start() -> None:
        await pilot.press("ctrl+s")

    first = await attempt(pilot, r, fault, ["/v2/reminders"], start, lambda: reminders() > 0)
    problems = judged(first, fault)
    if reminders() > 1:
        problems.append("the reminder was saved twice")
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        if r.app.screen is not dialog or dialog.query_one("#reminder-content", Input).value != content:
            problems.append("what was typed was not kept in the dialog")
        else:
            again = await attempt(pilot, r, None, ["/v2/reminders"], start, lambda: reminders() > 0)
            if again.sent != 1 or not again.changed:
                problems.append("saving again after the fault did not save it once")
    if reminders() != 1:
        problems.append(f"{reminders()} such reminders in Affinity, not 1")
    return problems


async def reminder_complete(pilot: Pilot[Any], r: Rig, fault: str, row: int) -> Problems:
    await settled(pilot)
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(r.app.screen, RemindersScreen) and table(r).loaded_rows)
    await settled(pilot)
    store = r.emulator.store
    rows = table(r).loaded_rows
    index = next(i for i, x in enumerate(rows) if store.reminders[x.key].completed_at is None)
    reminder = store.reminders[rows[index].key]

    async def start() -> None:
        table(r).move_cursor(index)
        await pilot.press("c")

    def completed() -> bool:
        return reminder.completed_at is not None

    first = await attempt(pilot, r, fault, [f"/v2/reminders/{reminder.id}"], start, completed)
    problems = judged(first, fault)
    clear(r)
    await wait_out_rate_limit(r)
    if not first.changed:
        again = await attempt(pilot, r, None, [f"/v2/reminders/{reminder.id}"], start, completed)
        if again.sent != 1 or not again.changed:
            problems.append("completing again after the fault did not complete it once")
    shown = next((x.cells[0] for x in table(r).loaded_rows if x.key == reminder.id), None)
    if shown != "done":
        problems.append(f"the row says {shown!r}, not done")
    return problems


WRITES = [Write("Status move", status_move), Write("field edit", field_edit), Write("add to list", add_to_list),
          Write("note save", note_save), Write("reminder save", reminder_save),
          Write("reminder complete", reminder_complete)]


@pytest.mark.parametrize("action", WRITES, ids=[a.name for a in WRITES])
async def test_writes_survive_every_fault_and_are_never_sent_twice(action: Write) -> None:
    tenant = build_demo_tenant(now=NOW)
    failures = []
    for row, fault in enumerate(FAULTS):
        emulator = Emulator(EmulatorConfig(now=NOW), store=tenant)
        r = rig(emulator)
        async with r.app.run_test(size=SIZE, notifications=True) as pilot:
            try:
                problems = await action.run(pilot, r, fault, row)
            except Exception as error:  # noqa: BLE001 - a cell that breaks is a failed cell
                problems = [f"{type(error).__name__}: {error}"]
            if (why := crashed(r.app)) is not None and why not in problems:
                problems.append(why)
        BOARD.cell(action.name, fault, problems)
        if problems:
            failures.append(f"{fault}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
