"""The detail screen: ``n`` and ``r`` on the record, ``e`` and ``d`` on a note the user wrote;
a note or reminder saved appears in its section at once, with nothing read again."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.data.detail import NoteView
from affinity_tui.data.entity_ref import EntityRef
from affinity_tui.data.note_html import markdown_to_html
from affinity_tui.data.writes.notes import CreateNote
from affinity_tui.emulator import Emulator
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.reminder_dialog import ReminderDialog

from .helpers import SIZE, confirm_write, only_write, people, ready_to_type, settle, toasts, type_text, unlock, until

ROW = 7


async def detail_of_row(pilot: Pilot[Any]) -> DetailScreen:
    await people(pilot, ROW)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, DetailScreen), what="the detail")
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    await until(pilot, lambda: screen.notes is not None and screen.reminders is not None, what="notes and reminders")
    await settle(pilot)
    return screen


async def focus_note(pilot: Pilot[Any], screen: DetailScreen, note_id: int) -> None:
    for _ in range(200):
        item = screen.focused_item()
        if isinstance(item, NoteView) and int(item.id) == note_id:
            return
        await pilot.press("j")
    raise AssertionError(f"note {note_id} never came under the cursor")


def reads_after(emulator: Emulator, mark: int) -> list[str]:
    return [f"{e.method} {e.path}" for e in emulator.log.entries[mark:] if not e.write]


async def test_n_on_the_detail_then_the_note_is_there_without_a_reload(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await detail_of_row(pilot)
        await unlock(pilot)
        before = len(screen.notes or [])
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteComposer))
        composer = app.screen
        assert isinstance(composer, NoteComposer) and composer.target.entity_id == screen.entity_id
        await ready_to_type(pilot, composer)
        await type_text(pilot, "Fresh from the call")
        mark = len(emulator.log.entries)
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: app.screen is screen, what="back on the detail")
        await until(pilot, lambda: "Fresh from the call" in screen.section_text("notes"), what="the note shown")
        await settle(pilot)
        assert len(screen.notes or []) == before + 1 and (screen.notes or [])[0].text == "Fresh from the call"
        assert only_write(emulator).path == "/v2/notes"
        assert reads_after(emulator, mark) == []  # nothing read again: the note came with the answer


async def test_e_and_d_on_a_note_the_user_wrote(app: AffinityApp, session: AffinitySession,
                                                emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await detail_of_row(pilot)
        await unlock(pilot)
        done = await session.write(CreateNote(markdown_to_html("First *take*"),
                                              [EntityRef(screen.kind, screen.entity_id, "")], clock=session.clock))
        note_id = int(done.effects[0].note.id)  # type: ignore[attr-defined]
        await until(pilot, lambda: "First take" in screen.section_text("notes"))
        await focus_note(pilot, screen, note_id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), what="the composer")
        composer = app.screen
        assert isinstance(composer, NoteComposer) and composer.editor.text == "First *take*"
        await ready_to_type(pilot, composer)
        await type_text(pilot, ", revised")
        emulator.log.clear()
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: "First take, revised" in screen.section_text("notes"), what="the edit shown")
        assert (only_write(emulator).method, only_write(emulator).path) == ("POST", f"/v2/notes/{note_id}")
        await focus_note(pilot, screen, note_id)
        emulator.log.clear()
        await pilot.press("d")
        lines = await confirm_write(pilot)
        assert "“First take, revised”" in lines
        await until(pilot, lambda: "First take" not in screen.section_text("notes"), what="the note gone")
        assert (only_write(emulator).method, only_write(emulator).path) == ("DELETE", f"/v2/notes/{note_id}")
        assert note_id not in emulator.store.notes
        assert any("u undoes it" in t for t in toasts(app))


async def test_r_on_the_detail_shows_the_reminder_with_its_due_date_relative_to_now(
        app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await detail_of_row(pilot)
        await unlock(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReminderDialog) and bool(app.screen.query("#reminder-buttons")))
        await type_text(pilot, "Check the data room")
        due = app.screen.query_one("#reminder-due", Input)
        due.value = "2w"
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: "Check the data room" in screen.section_text("reminders"), what="the reminder")
        line = next(x for x in screen.section_text("reminders").splitlines() if "Check the data room" in x)
        assert "(in 2 weeks)" in line
        assert only_write(emulator).path == "/v2/reminders"


async def test_someone_elses_note_cannot_be_deleted(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await detail_of_row(pilot)
        theirs = next((n for n in screen.notes or [] if n.creator_name != "Morgan Reyes"), None)
        assert theirs is not None, "the person of this row should have a note someone else wrote"
        await focus_note(pilot, screen, int(theirs.id))
        await unlock(pilot)
        await pilot.press("d")
        await until(pilot, lambda: any("Only notes you wrote" in t for t in toasts(app)))
    assert emulator.log.writes == []
