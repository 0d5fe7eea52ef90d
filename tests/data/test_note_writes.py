"""Note writes against the emulator: one request each, effects published, undo, and the read
after a lost answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from affinity.types import NoteId

from affinity_tui.data import AffinitySession
from affinity_tui.data.entity_ref import EntityRef
from affinity_tui.data.note_html import markdown_to_html
from affinity_tui.data.writes import WriteUncertain
from affinity_tui.data.writes.notes import (
    CreateNote,
    DeleteNote,
    NoteDeleted,
    NoteSaved,
    UpdateNote,
    may_change,
    read_note,
)
from affinity_tui.emulator import Emulator

from ..conftest import NOW

JANE = EntityRef("person", 50010, "Jane")
ME = 50001


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[AffinitySession]:
    """On the emulator's clock: a write's "since when" is Affinity's time, not this machine's."""
    s = AffinitySession.for_emulator(emulator, clock=lambda: NOW)
    yield s
    await s.close()


def company(emulator: Emulator) -> EntityRef:
    c = next(iter(emulator.store.companies.values()))
    return EntityRef("company", c.id, c.name)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    real_sleep: Callable[..., Awaitable[Any]] = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", lambda delay, *a, **k: real_sleep(0, *a, **k))


async def test_create_sends_one_request_with_the_html_and_every_attachment(session: AffinitySession,
                                                                          emulator: Emulator) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    acme = company(emulator)
    html = markdown_to_html("Met **Jane**\n\n- send deck")
    action = CreateNote(html, [JANE, acme], clock=session.clock)
    change = action.change()
    assert change.requests == 1 and change.lines[:2] == ("On Person Jane", f"On Company {acme.title}")
    await session.unlock()
    emulator.log.clear()
    done = await session.write(action)
    assert [(e.method, e.path) for e in emulator.log.entries] == [("POST", "/v2/notes")]
    stored = emulator.store.notes[int(done.effects[0].note.id)]  # type: ignore[attr-defined]
    assert (stored.html, stored.person_ids, stored.company_ids) == (html, [JANE.entity_id], [acme.entity_id])
    assert stored.creator_id == ME
    effect = seen[0]
    assert isinstance(effect, NoteSaved) and effect.created
    assert effect.concerns("person", JANE.entity_id) and effect.concerns("company", acme.entity_id)
    assert not effect.concerns("person", 1)
    assert effect.note.text == "Met Jane\n\n• send deck"
    assert isinstance(done.undo, DeleteNote)


async def test_undo_of_create_deletes_and_undo_of_delete_restores_content_and_attachments(
        session: AffinitySession, emulator: Emulator) -> None:
    acme = company(emulator)
    html = markdown_to_html("*round trip*")
    await session.unlock()
    created = await session.write(CreateNote(html, [JANE, acme], clock=session.clock))
    note_id = int(created.effects[0].note.id)  # type: ignore[attr-defined]
    assert created.undo is not None
    deleted = await session.write(created.undo)
    assert note_id not in emulator.store.notes
    assert isinstance(deleted.effects[0], NoteDeleted)
    assert deleted.undo is not None
    again = await session.write(deleted.undo)
    restored = emulator.store.notes[int(again.effects[0].note.id)]  # type: ignore[attr-defined]
    assert (restored.html, restored.person_ids, restored.company_ids) == (html, [JANE.entity_id], [acme.entity_id])


async def test_edit_changes_content_and_attachments_and_undo_puts_them_back(session: AffinitySession,
                                                                           emulator: Emulator) -> None:
    acme = company(emulator)
    await session.unlock()
    created = await session.write(CreateNote(markdown_to_html("first"), [JANE], clock=session.clock))
    note_id = NoteId(int(created.effects[0].note.id))  # type: ignore[attr-defined]
    async with session.reading() as client:
        before = await read_note(client, note_id)
    assert before.attached == (EntityRef("person", JANE.entity_id, before.attached[0].title),)
    assert may_change(before, ME) is None and may_change(before, 50002) is not None
    emulator.log.clear()
    edit = UpdateNote(before, markdown_to_html("second"), [*before.attached, acme])
    assert [line.split(":")[0] for line in edit.change().lines] == ["Text", f"Attach to Company {acme.title}"]
    done = await session.write(edit)
    # one write; the SDK reads the note back on the same connection
    assert [(e.method, e.path) for e in emulator.log.entries] == [("POST", f"/v2/notes/{note_id}"),
                                                                  ("GET", f"/v2/notes/{note_id}")]
    note = emulator.store.notes[int(note_id)]
    assert (note.html, note.company_ids) == ("<p>second</p>", [acme.entity_id])
    effect = done.effects[0]
    assert isinstance(effect, NoteSaved) and not effect.created and effect.attached_here("company", acme.entity_id)
    assert done.undo is not None
    await session.write(done.undo)
    assert (note.html, note.company_ids) == ("<p>first</p>", [])


@pytest.mark.usefixtures("no_backoff")
async def test_a_create_whose_answer_was_lost_is_found_by_reading_the_entitys_notes(
        session: AffinitySession, emulator: Emulator) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    html = markdown_to_html("lost answer")
    emulator.faults.update({"drop_after_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(CreateNote(html, [JANE], clock=session.clock))
    assert raised.value.landed is True
    assert sum(n.html == html for n in emulator.store.notes.values()) == 1
    assert [e.method for e in emulator.log.entries] == ["POST", "GET"]
    assert isinstance(seen[0], NoteSaved) and seen[0].note.text == "lost answer"


@pytest.mark.usefixtures("no_backoff")
async def test_a_create_that_never_arrived_reads_as_not_landed(session: AffinitySession,
                                                               emulator: Emulator) -> None:
    await session.unlock()
    emulator.faults.update({"drop_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(CreateNote(markdown_to_html("never"), [JANE], clock=session.clock))
    assert raised.value.landed is False
    assert not any("never" in n.html for n in emulator.store.notes.values())


@pytest.mark.usefixtures("no_backoff")
async def test_a_delete_whose_answer_was_lost_reads_as_landed(session: AffinitySession,
                                                               emulator: Emulator) -> None:
    await session.unlock()
    created = await session.write(CreateNote(markdown_to_html("doomed"), [JANE], clock=session.clock))
    assert created.undo is not None
    emulator.faults.update({"drop_after_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(created.undo)
    assert raised.value.landed is True
