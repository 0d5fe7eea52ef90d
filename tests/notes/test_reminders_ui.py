"""``r`` sets a reminder (the typed date resolved before saving; a bad one sends nothing); the
Reminders screen (``5``) completes (``c``) and snoozes (``z``), each one confirmed write."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.date_prompt import DatePrompt
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.reminder_dialog import ReminderDialog
from affinity_tui.screens.reminders import RemindersScreen
from affinity_tui.widgets.confirm import ConfirmScreen

from ..conftest import NOW
from .helpers import ME, SIZE, confirm_write, only_write, people, settle, table_of, toasts, type_text, unlock, until

ROW = 7


async def open_dialog(pilot) -> ReminderDialog:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReminderDialog)
                and bool(pilot.app.screen.query("#reminder-buttons")), what="the reminder dialog")
    await pilot.pause()
    return pilot.app.screen  # type: ignore[no-any-return]


def when_text(dialog: ReminderDialog) -> str:
    return str(dialog.query_one("#reminder-when", Static).render())


async def test_r_sets_a_reminder_with_the_resolved_date(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, ROW)
        person = table_of(app).rows[ROW]
        await unlock(pilot)
        dialog = await open_dialog(pilot)
        await type_text(pilot, "Send the deck")
        due = dialog.query_one("#reminder-due", Input)
        due.value = ""
        due.focus()
        await type_text(pilot, "3d")
        await pilot.pause()
        assert when_text(dialog) == "→ Fri 27 Nov 2026, 09:00 (in 3 days)"
        expected_due = dialog.resolved().at.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]
        emulator.log.clear()
        await pilot.press("ctrl+s")
        lines = await confirm_write(pilot)
        assert lines[:2] == [f"On Person {person.cells[0]}", "“Send the deck”"]
        assert "Due " in lines[2] and "(in 3 days)" in lines[2]
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        write = only_write(emulator)
        assert (write.method, write.path) == ("POST", "/v2/reminders")
        assert write.body == {"type": "one-time", "owner": {"id": ME},
                              "entity": {"type": "person", "id": person.entity_id},
                              "content": "Send the deck", "dueDate": expected_due}
        stored = max(emulator.store.reminders.values(), key=lambda r: r.id)
        assert (stored.person_id, stored.content, stored.due_date) == (person.entity_id, "Send the deck", expected_due)
        assert any("Reminder set on" in t for t in toasts(app))


async def test_a_bad_date_says_why_and_sends_nothing(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, ROW)
        await unlock(pilot)
        dialog = await open_dialog(pilot)
        due = dialog.query_one("#reminder-due", Input)
        due.value = "2026-02-30"
        await pilot.pause()
        assert "February 2026 has 28 days" in when_text(dialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        problem = str(dialog.query_one("#reminder-problem", Static).render())
        assert "February 2026 has 28 days" in problem and "Nothing was sent" in problem
    assert emulator.log.writes == []


async def test_a_recurring_reminder_for_a_teammate(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, ROW)
        await unlock(pilot)
        dialog = await open_dialog(pilot)
        await type_text(pilot, "Keep warm")
        owner: Select[int] = dialog.query_one("#reminder-owner", Select)
        await until(pilot, lambda: len(dialog.owners) > 1, what="the team")
        owner.value = 50002
        dialog.query_one("#reminder-repeat", Select).value = "email"
        dialog.query_one("#reminder-due", Input).value = ""
        period = dialog.query_one("#reminder-period", Input)
        period.value = "45"
        await pilot.pause()
        assert when_text(dialog) == "First due one period from now."
        emulator.log.clear()
        await pilot.press("ctrl+s")
        lines = await confirm_write(pilot)
        assert "Repeats every 45 days after an email" in lines and "For Priya Raman" in lines
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        body = only_write(emulator).body
        assert body["type"] == "recurring" and body["owner"] == {"id": 50002}
        assert body["recurrence"] == {"periodDays": 45, "resetTrigger": "email"} and "dueDate" not in body


async def reminders_screen(pilot) -> RemindersScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("5")
    await until(pilot, lambda: isinstance(pilot.app.screen, RemindersScreen) and table_of(pilot.app).rows,
                what="the reminders")
    await settle(pilot)
    return pilot.app.screen  # type: ignore[no-any-return]


async def test_the_reminders_screen_completes_and_snoozes(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await reminders_screen(pilot)
        rows = table_of(app).rows
        mine = {r.id for r in emulator.store.reminders.values()
                if r.owner_id == ME and not (r.type == "one-time" and r.completed_at)}
        assert {row.key for row in rows} == mine
        first = rows[0]
        assert first.cells[0] == "overdue"
        await unlock(pilot)
        emulator.log.clear()
        await pilot.press("c")
        lines = await confirm_write(pilot)
        assert lines[-1] in ("Completed",) or lines[-1].startswith("Completed")
        await until(pilot, lambda: table_of(app).rows[0].cells[0] == "done", what="the row to show done")
        write = only_write(emulator)
        assert (write.method, write.path) == ("POST", f"/v2/reminders/{first.key}")
        assert set(write.body) == {"completedAt"}
        assert emulator.store.reminders[first.key].completed_at is not None
        # snooze the second one by a week
        table_of(app).move_cursor(1)
        second = table_of(app).rows[1]
        emulator.log.clear()
        await pilot.press("z")
        await until(pilot, lambda: isinstance(app.screen, DatePrompt))
        prompt = app.screen
        prompt.query_one(Input).value = "1w"
        await pilot.pause()
        assert "Tue 1 Dec 2026, 09:00 (in 7 days)" in str(prompt.query_one("#date-prompt-when", Static).render())
        await pilot.press("enter")
        await confirm_write(pilot)
        await until(pilot, lambda: emulator.log.writes and screen.reminders.stored[second.key].due_at > NOW,
                    what="the snooze")
        assert only_write(emulator).body == {"dueDate": "2026-12-01T09:00:00Z"}
        assert emulator.store.reminders[second.key].due_date == "2026-12-01T09:00:00Z"
        row = next(r for r in table_of(app).rows if r.key == second.key)
        assert row.cells[0] == "upcoming" and row.cells[2] == "in 7 days"


async def test_c_and_z_while_locked_send_nothing(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await reminders_screen(pilot)
        emulator.log.clear()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("z")
        await until(pilot, lambda: isinstance(app.screen, DatePrompt))
        await pilot.press("enter")  # "1d"
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RemindersScreen)
    assert emulator.log.writes == []


async def test_enter_opens_the_entity(app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.screens.detail import DetailScreen

    async with app.run_test(size=SIZE) as pilot:
        await reminders_screen(pilot)
        row = table_of(app).rows[0]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert (screen.kind, screen.entity_id) == (row.entity_type, row.entity_id)


async def test_saving_a_reminder_while_locked_asks_and_declining_sends_nothing(app: AffinityApp,
                                                                               emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, ROW)
        dialog = await open_dialog(pilot)
        await type_text(pilot, "Not yet")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(pilot, lambda: app.screen is dialog)
        await settle(pilot)
        assert dialog.query_one("#reminder-content", Input).value == "Not yet"
        assert "Not saved" in str(dialog.query_one("#reminder-problem", Static).render())
    assert emulator.log.writes == []
