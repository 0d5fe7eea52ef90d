"""Reminder writes against the emulator: set, complete, snooze, edit, delete; their undo; the read
after a lost answer; and the Reminders table's source."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from affinity.types import ReminderIdType

from affinity_tui.data import AffinitySession
from affinity_tui.data.dates import When, parse_when
from affinity_tui.data.entity_ref import EntityRef
from affinity_tui.data.sources.reminders import RemindersSource
from affinity_tui.data.team import team_of
from affinity_tui.data.writes import WriteUncertain
from affinity_tui.data.writes.reminders import (
    CreateReminder,
    DeleteReminder,
    Recurrence,
    ReminderDeleted,
    ReminderSaved,
    StoredReminder,
    UpdateReminder,
)
from affinity_tui.emulator import Emulator

from ..conftest import NOW

JANE = EntityRef("person", 50010, "Jane")
ME = 50001


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[AffinitySession]:
    s = AffinitySession.for_emulator(emulator, clock=lambda: NOW)
    yield s
    await s.close()


def when(text: str) -> When:
    found = parse_when(text, NOW)
    assert isinstance(found, When)
    return found


async def test_set_a_one_time_reminder(session: AffinitySession, emulator: Emulator) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    due = when("3d").at
    action = CreateReminder(JANE, "Send the deck", due, ME, "Morgan Reyes", now=NOW, clock=session.clock)
    lines = action.change().lines
    assert lines[0] == "On Person Jane" and lines[1] == "“Send the deck”" and "in 3 days" in lines[2]
    await session.unlock()
    emulator.log.clear()
    done = await session.write(action)
    assert [(e.method, e.path) for e in emulator.log.entries] == [("POST", "/v2/reminders")]
    stored = max(emulator.store.reminders.values(), key=lambda r: r.id)
    assert (stored.person_id, stored.content, stored.owner_id, stored.type) == (50010, "Send the deck", ME, "one-time")
    assert stored.due_date == due.strftime("%Y-%m-%dT%H:%M:%SZ")
    effect = seen[0]
    assert isinstance(effect, ReminderSaved) and effect.concerns("person", 50010) and effect.created
    assert effect.reminder.content == "Send the deck" and effect.reminder.owner_name == "Morgan Reyes"
    assert isinstance(done.undo, DeleteReminder)
    undone = await session.write(done.undo)
    assert stored.id not in emulator.store.reminders
    assert isinstance(undone.effects[0], ReminderDeleted)


async def test_set_a_recurring_reminder_for_a_teammate(session: AffinitySession, emulator: Emulator) -> None:
    members = await team_of(session).members()
    other = next(m for m in members if m.user_id != ME)
    await session.unlock()
    await session.write(CreateReminder(JANE, "Keep warm", None, other.user_id, other.name,
                                       recurrence=Recurrence(30, "email"), clock=session.clock))
    stored = max(emulator.store.reminders.values(), key=lambda r: r.id)
    assert (stored.type, stored.period_days, stored.reset_trigger, stored.owner_id) == (
        "recurring", 30, "email", other.user_id)


def mine(emulator: Emulator, *, recurring: bool = False) -> StoredReminder:
    """One of the signed-in user's open reminders, as the app holds it."""
    s = emulator.store
    r = next(r for r in s.reminders.values() if r.owner_id == ME and r.completed_at is None
             and (r.type == "recurring") == recurring)
    entity = (EntityRef("person", r.person_id, "x") if r.person_id else
              EntityRef("company", r.company_id, "x") if r.company_id else
              EntityRef("opportunity", r.opportunity_id or 0, "x"))
    return StoredReminder(ReminderIdType(r.id), entity, r.content or "",
                          datetime.fromisoformat(r.due_date.replace("Z", "+00:00")), ME, "Morgan Reyes",
                          Recurrence(r.period_days or 1, r.reset_trigger or "interaction") if recurring else None)


async def test_complete_then_undo_reopens(session: AffinitySession, emulator: Emulator) -> None:
    before = mine(emulator)
    await session.unlock()
    emulator.log.clear()
    done = await session.write(UpdateReminder(before, complete=True, now=NOW))
    assert [e.method for e in emulator.log.entries if e.write] == ["POST"]
    r = emulator.store.reminders[int(before.id)]
    assert r.completed_at is not None
    assert isinstance(done.effects[0], ReminderSaved) and done.effects[0].reminder.status == "completed"
    assert done.undo is not None
    await session.write(done.undo)
    assert r.completed_at is None


async def test_completing_a_recurring_reminder_and_undo_restores_its_due_date(session: AffinitySession,
                                                                           emulator: Emulator) -> None:
    before = mine(emulator, recurring=True)
    r = emulator.store.reminders[int(before.id)]
    due = r.due_date
    await session.unlock()
    done = await session.write(UpdateReminder(before, complete=True, now=NOW))
    assert r.due_date != due
    assert done.undo is not None
    await session.write(done.undo)
    assert r.due_date == due


async def test_snooze_then_undo(session: AffinitySession, emulator: Emulator) -> None:
    before = mine(emulator)
    r = emulator.store.reminders[int(before.id)]
    due = r.due_date
    await session.unlock()
    new_due = when("1w").at
    action = UpdateReminder(before, due_at=new_due, now=NOW)
    assert action.change().verb == "Snooze"
    done = await session.write(action)
    assert r.due_date == new_due.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert done.undo is not None
    await session.write(done.undo)
    assert r.due_date == due


async def test_a_lost_completion_is_found_by_a_read_and_shown(session: AffinitySession, emulator: Emulator) -> None:
    before = mine(emulator)
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    emulator.faults.update({"drop_after_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(UpdateReminder(before, complete=True, now=NOW))
    assert raised.value.landed is True
    assert emulator.store.reminders[int(before.id)].completed_at is not None
    assert [type(e) for e in seen] == [ReminderSaved]  # the screens show it completed
    assert seen[0].reminder.status == "completed"  # type: ignore[attr-defined]


async def test_a_lost_create_is_found_by_a_read(session: AffinitySession, emulator: Emulator) -> None:
    await session.unlock()
    emulator.faults.update({"drop_after_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(CreateReminder(JANE, "lost", when("tomorrow").at, ME, "me", clock=session.clock))
    assert raised.value.landed is True
    assert sum(r.content == "lost" for r in emulator.store.reminders.values()) == 1


async def test_the_reminders_source_lists_mine_overdue_today_upcoming(session: AffinitySession,
                                                                     emulator: Emulator) -> None:
    source = RemindersSource(session)
    page = await source.first_page()
    s = emulator.store
    expected = {r.id for r in s.reminders.values()
                if r.owner_id == ME and not (r.type == "one-time" and r.completed_at is not None)}
    assert {row.key for row in page.rows} == expected
    order = [row.cells[0] for row in page.rows]
    assert order == sorted(order, key=["overdue", "today", "upcoming"].index)
    assert "overdue" in order and "upcoming" in order
    overdue = [source.stored[row.key].due_at for row in page.rows if row.cells[0] == "overdue"]
    assert overdue == sorted(overdue) and all(d < NOW for d in overdue)
    assert all(row.cells[4] == "…" for row in page.rows)  # names fill in after
    emulator.log.clear()
    filled: list[list[object]] = []
    await source.fill_in(lambda rows: filled.append(list(rows)))
    assert len(emulator.log.entries) <= 3
    rows = filled[-1]
    assert all(row.cells[4] != "…" for row in rows)  # type: ignore[attr-defined]
    first = rows[0]
    assert first.cells[4] == s.entity_name(first.entity_type, first.entity_id)  # type: ignore[attr-defined]
    assert NOW + timedelta(days=1) > NOW


async def test_a_reminder_set_elsewhere_joins_the_table_in_its_place(session: AffinitySession,
                                                                    emulator: Emulator) -> None:
    source = RemindersSource(session)
    await source.first_page()
    await session.unlock()
    done = await session.write(CreateReminder(JANE, "Joins the list", when("tomorrow 8am").at, ME, "Morgan Reyes",
                                              clock=session.clock))
    effect = done.effects[0]
    assert isinstance(effect, ReminderSaved)
    row = source.remember(effect.stored)
    rows = source.current_rows()
    at = [r.key for r in rows].index(row.key)
    assert rows[at - 1].cells[0] == "overdue" and row.cells[0] == "upcoming"
    assert all(r.cells[0] == "upcoming" for r in rows[at:])
    assert source.stored[row.key].due_at <= source.stored[rows[at + 1].key].due_at
