"""Bad input: a corpus of wrong filters, unknown field names, impossible dates, wrong numbers,
empty notes and 1 MB pastes into every input (the filter bar, the search bar, find, each kind of
field editor, the note composer, the reminder dialog).

Each must get a clear message where it was typed, send nothing, lose nothing typed, and never
hold up the event loop longer than ``STALL_BUDGET``: a task that wakes every 5 ms measures the
longest gap while the text is pasted, checked and submitted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.field_editor import FieldEditor
from affinity_tui.screens.reminder_dialog import ReminderDialog
from affinity_tui.widgets.pickers import PickOne
from affinity_tui.widgets.prompt import TextPrompt

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, Rig, paste, rig, wait_for

STALL_BUDGET = 0.25
"""The longest the event loop may be held up by one input, a 1 MB paste included (seconds)."""
MEGABYTE = "x" * 1_000_000
PIPELINE = 12001

FILTERS = [
    'Status = "Diligence',  # an unclosed quote
    'Status = ',  # no value
    '(Status = "Diligence"',  # an unclosed parenthesis
    'Status === "Diligence"',  # no such operator
    '& Amount > 5',  # starts with an operator
    'Stauts = "Diligence"',  # a misspelt field name
    'Revenue Multiple > 3',  # a field the list does not have
    'Status = "Closing soon"',  # an option the field does not have
    'Close Date > 2026-02-30',  # a date that does not exist
    'Close Date < 2026-13-01',
    'Amount > 1.2.3',  # not a number
    'Amount > lots',
    'Stat\x00us = "x"',  # a control character
    MEGABYTE,  # a 1 MB paste
    'Status = "' + MEGABYTE + '"',
]
FIELD_VALUES = {
    "Amount": ["1.2.3", "lots", "--5", "1e999", "5 million dollars", MEGABYTE],
    "Close Date": ["2026-02-30", "32 dec", "2026-13-01", "yesterday-ish", "0000-00-00", MEGABYTE],
    "Memo": [MEGABYTE],
}


class Stalls:
    """The longest gap between the 5 ms wake-ups of a watching task."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.worst = ""
        self.each: dict[str, float] = {}

    @asynccontextmanager
    async def watching(self, what: str) -> AsyncIterator[None]:
        done = asyncio.Event()
        longest = 0.0

        async def watch() -> None:
            nonlocal longest
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                longest = max(longest, now - last - 0.005)
                last = now

        task = asyncio.create_task(watch())
        try:
            yield
        finally:
            done.set()
            await task
            self.each[what] = longest
            if longest > self.longest:
                self.longest, self.worst = longest, what


class Results:
    """Each input tried: its problems (none when it was handled well)."""

    def __init__(self) -> None:
        self.tried: dict[str, list[str]] = {}

    def note(self, what: str, problems: list[str]) -> None:
        self.tried[what] = problems

    @property
    def bad(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.tried.items() if v}


def short(text: str) -> str:
    return repr(text if len(text) < 40 else text[:30] + f"… ({len(text):,} chars)")


async def into_bar(pilot: Pilot[Any], r: Rig, text: str, stalls: Stalls, results: Results, where: str) -> None:
    """Type ``text`` into the open filter or search bar, submit it, and judge what happened."""
    screen = r.app.screen
    bar = screen.filter_bar  # type: ignore[attr-defined]
    sent = len(r.wire.sent)
    async with stalls.watching(f"{where} {short(text)}"):
        bar.input.value = ""
        await paste(pilot, text)
        await pilot.press("enter")
        await settle(pilot)
    problems = []
    problem = str(screen.query_one("#filter-problem").render())
    if not bar.display or not problem.strip():
        problems.append("no message under the bar")
    if bar.input.value != text:
        problems.append("the typed text was lost")
    if len(r.wire.sent) != sent and any("list-entries" in path or path.endswith("/persons")
                                        for _, path in r.wire.sent[sent:]):
        problems.append(f"sent {r.wire.sent[sent:]}")
    results.note(f"{where}: {short(text)}", problems)


async def test_every_input_refuses_bad_text_in_place_sends_nothing_and_keeps_it(demo_tenant: TenantStore) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW), store=demo_tenant)
    r = rig(emulator)
    app = r.app
    stalls, results = Stalls(), Results()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        entries = app.screen
        assert isinstance(entries, ListEntriesScreen)
        await pilot.press("slash")
        await settle(pilot)
        for text in FILTERS:
            await into_bar(pilot, r, text, stalls, results, "filter")
        await pilot.press("escape")

        # Find in the loaded rows: anything may be looked for (nothing is sent); a huge paste too.
        sent = len(r.wire.sent)
        async with stalls.watching("find: a 1 MB paste"):
            await pilot.press("f")
            await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
            await paste(pilot, MEGABYTE)
            await pilot.press("enter")
            await settle(pilot)
        shown = r.said()[-1] if r.said() else ""
        results.note("find: a 1 MB paste", [] if len(r.wire.sent) == sent and "contain" in shown and len(shown) < 400
                     else [f"sent {len(r.wire.sent) - sent} or said {shown[:80]!r}"])
        await pilot.press("x")
        await settle(pilot)

        # Each kind of field editor.
        for name, values in FIELD_VALUES.items():
            await pilot.press("E")
            await wait_for(pilot, lambda: isinstance(app.screen, PickOne))
            options = app.screen.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            await pilot.press(*["down"] * labels.index(name), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, FieldEditor))
            editor = app.screen
            for text in values:
                sent = len(r.wire.sent)
                line = editor.query_one("#field-editor-input", Input)
                async with stalls.watching(f"{name} editor {short(text)}"):
                    line.value = ""
                    await paste(pilot, text)
                    await pilot.press("enter")
                    await settle(pilot)
                if app.screen is not editor:  # it took the text as a value: the unlock question
                    results.note(f"{name} editor: {short(text)}", ["accepted as a value"])
                    await pilot.press("n")
                    await settle(pilot)
                    break
                problems = []
                if not str(editor.query_one("#field-editor-problem").render()).strip():
                    problems.append("no message in the editor")
                if line.value != text:
                    problems.append("the typed text was lost")
                if len(r.wire.sent) != sent:
                    problems.append(f"sent {r.wire.sent[sent:]}")
                results.note(f"{name} editor: {short(text)}", problems)
            else:
                await pilot.press("escape")
            await settle(pilot)

        # A reference field's search, and a dropdown's filter line.
        for name in ("Lead Investor", "Round"):
            await pilot.press("E")
            await wait_for(pilot, lambda: isinstance(app.screen, PickOne))
            options = app.screen.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            await pilot.press(*["down"] * labels.index(name), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, FieldEditor))
            editor = app.screen
            line = editor.query_one("#field-editor-input", Input)
            for text in (MEGABYTE, "x" * 1_000):
                sent = len(r.wire.sent)
                async with stalls.watching(f"{name} editor {short(text)}"):
                    line.value = ""
                    await paste(pilot, text)
                    await pilot.pause(0.4)  # the search waits for a pause in typing
                    await settle(pilot)
                problems = []
                if line.value != text:
                    problems.append("the typed text was lost")
                if name == "Lead Investor":
                    if len(r.wire.sent) != sent:
                        problems.append(f"sent {r.wire.sent[sent:]}")
                    if not str(editor.query_one("#field-editor-problem").render()).strip():
                        problems.append("no message in the editor")
                results.note(f"{name} editor: {short(text)}", problems)
            await pilot.press("escape")
            await settle(pilot)

        # People: Affinity's search.
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        await pilot.press("slash")
        for text in (MEGABYTE, "x" * 1_000):
            await into_bar(pilot, r, text, stalls, results, "people search")
        await pilot.press("escape")
        await settle(pilot)

        # The note composer: an empty note, a note of blanks, a 1 MB paste (typed into at once).
        people = app.screen
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteComposer))
        composer = app.screen
        assert isinstance(composer, NoteComposer)
        await wait_for(pilot, lambda: app.focused is composer.editor)
        for text in ("", "   \n\n  "):
            sent = len(r.wire.sent)
            async with stalls.watching(f"composer {short(text)}"):
                composer.editor.load_text("")
                await paste(pilot, text)
                await pilot.press("ctrl+s")
                await settle(pilot)
            if app.screen is not composer:
                results.note(f"composer: {short(text)}", ["the composer took it as a note"])
                await pilot.press("n")  # the unlock question
                await settle(pilot)
                break
            status = str(composer.query_one("#composer-status").render())
            problems = [] if "Nothing to save" in status else [f"said {status[:80]!r}"]
            if composer.editor.text != text:
                problems.append("the typed text was lost")
            if len(r.wire.sent) != sent:
                problems.append(f"sent {r.wire.sent[sent:]}")
            results.note(f"composer: {short(text)}", problems)
        for text in (MEGABYTE, "y" * 90_000):  # refused whole; a long note still pastes
            composer.editor.load_text("Met the founders.")
            composer.editor.move_cursor(composer.editor.document.end)
            await settle(pilot)
            sent = len(r.wire.sent)
            async with stalls.watching(f"composer {short(text)}"):
                await paste(pilot, text)
                await pilot.press("z")  # a key typed right after it
                await settle(pilot)
            status = str(composer.query_one("#composer-status").render())
            problems = []
            if text is MEGABYTE:
                if composer.editor.text != "Met the founders.z" or "Not pasted" not in status:
                    problems.append(f"the paste was not refused whole, or not said: {status[:80]!r}")
            elif composer.editor.text != "Met the founders." + text + "z":
                problems.append("the paste was lost")
            if len(r.wire.sent) != sent:
                problems.append(f"sent {r.wire.sent[sent:]}")
            results.note(f"composer: {short(text)}", problems)
        composer.editor.load_text("")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is people)
        await settle(pilot)

        # The reminder dialog: impossible dates, a 1 MB paste into each line.
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReminderDialog) and bool(app.screen.query("#reminder-buttons")))
        dialog = app.screen
        cases = [("#reminder-due", d) for d in ("2026-02-30", "32 dec", "yesterday-ish", "2026-13-01", MEGABYTE)]
        cases += [("#reminder-content", MEGABYTE)]
        for line_id, text in cases:
            line = dialog.query_one(line_id, Input)
            dialog.query_one("#reminder-content", Input).value = "Send the deck"
            dialog.query_one("#reminder-due", Input).value = "3d"
            sent = len(r.wire.sent)
            async with stalls.watching(f"reminder {line_id} {short(text)}"):
                line.value = ""
                line.focus()
                await paste(pilot, text)
                await pilot.press("ctrl+s")
                await settle(pilot)
            if app.screen is not dialog:
                results.note(f"reminder {line_id[10:]}: {short(text)}", ["the dialog took it"])
                await pilot.press("n")
                await settle(pilot)
                break
            problems = []
            if not str(dialog.query_one("#reminder-problem").render()).strip():
                problems.append("no message in the dialog")
            if line.value != text:
                problems.append("the typed text was lost")
            if len(r.wire.sent) != sent:
                problems.append(f"sent {r.wire.sent[sent:]}")
            results.note(f"reminder {line_id[10:]}: {short(text)}", problems)
    assert emulator.log.writes == []
    bad = results.bad
    BOARD.figure("Bad input", "inputs refused in place, nothing sent, nothing lost",
                 f"{len(results.tried) - len(bad)}/{len(results.tried)}", "all", not bad)
    BOARD.figure("Bad input", "longest event-loop stall (1 MB pastes included)",
                 f"{stalls.longest * 1000:.0f} ms", f"< {STALL_BUDGET * 1000:.0f} ms",
                 stalls.longest < STALL_BUDGET)
    assert stalls.longest < STALL_BUDGET, f"{stalls.longest * 1000:.0f} ms on {stalls.worst}: {stalls.each}"
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())
    assert stalls.longest < STALL_BUDGET, f"{stalls.longest * 1000:.0f} ms on {stalls.worst}: {stalls.each}"


