"""The write contract, with a small write of its own (a note with a marker text): locked sends
nothing; unlocked sends exactly one request, once; a refusal changes nothing and says so; a
lost answer is followed by a read that tells whether the write landed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from affinity import AsyncAffinity
from affinity.models.secondary import NoteCreate, NoteType
from affinity.types import PersonId

from affinity_tui.data import AffinitySession
from affinity_tui.data.writes import Change, WriteAction, WriteDone, WriteFailed, WriteLocked, WriteUncertain
from affinity_tui.emulator import Emulator

PERSON = 50010


class MarkerNote(WriteAction):
    """A note whose text is unique, so a read can tell whether it exists."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def change(self) -> Change:
        return Change("Save a note", (f"on person {PERSON}: {self.marker}",))

    async def send(self, client: AsyncAffinity) -> WriteDone:
        note = await client.notes.create(NoteCreate(content=f"<p>{self.marker}</p>", type=NoteType.HTML,
                                                    person_ids=[PersonId(PERSON)]))
        return WriteDone("Saved", effects=(("note", int(note.id)),))

    async def landed(self, client: AsyncAffinity) -> bool | None:
        page = await client.persons.list_notes(PersonId(PERSON), limit=100)
        return any(self.marker in (n.content.html or "") for n in page.data)

    def effects_if_landed(self) -> tuple[object, ...]:
        return (("note-landed", self.marker),)


def notes_with(emulator: Emulator, marker: str) -> int:
    return sum(marker in n.html for n in emulator.store.notes.values())


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    real_sleep: Callable[..., Awaitable[Any]] = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", lambda delay, *a, **k: real_sleep(0, *a, **k))


async def test_locked_sends_nothing(session: AffinitySession, emulator: Emulator) -> None:
    with pytest.raises(WriteLocked):
        await session.write(MarkerNote("m-locked"))
    assert emulator.log.entries == []


async def test_unlocked_sends_exactly_one_write_and_publishes_its_effects(session: AffinitySession,
                                                                         emulator: Emulator) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    done = await session.write(MarkerNote("m-ok"))
    assert [(e.method, e.path) for e in emulator.log.entries] == [("POST", "/v2/notes")]
    assert notes_with(emulator, "m-ok") == 1
    assert seen == list(done.effects)


@pytest.mark.usefixtures("no_backoff")
async def test_a_refused_write_is_not_retried_and_says_nothing_changed(session: AffinitySession,
                                                                       emulator: Emulator) -> None:
    await session.unlock()
    emulator.faults.update({"fail_next": [503]})
    with pytest.raises(WriteFailed) as raised:
        await session.write(MarkerNote("m-503"))
    assert raised.value.what_to_do.startswith("Nothing was changed.")
    assert "R" not in raised.value.what_to_do.split()  # reloading is not how a write is tried again
    assert [(e.method, e.status) for e in emulator.log.entries] == [("POST", 503)]
    assert notes_with(emulator, "m-503") == 0


@pytest.mark.usefixtures("no_backoff")
async def test_a_lost_answer_to_a_write_that_landed_is_found_by_a_read(session: AffinitySession,
                                                                       emulator: Emulator) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    emulator.faults.update({"drop_after_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(MarkerNote("m-dropped-after"))
    assert raised.value.landed is True
    assert notes_with(emulator, "m-dropped-after") == 1  # exactly once: never sent again
    assert [e.method for e in emulator.log.entries] == ["POST", "GET"]
    assert seen == [("note-landed", "m-dropped-after")]


@pytest.mark.usefixtures("no_backoff")
async def test_a_lost_write_that_did_not_land_is_safe_to_try_again(session: AffinitySession,
                                                                   emulator: Emulator) -> None:
    await session.unlock()
    emulator.faults.update({"drop_next": 1})
    with pytest.raises(WriteUncertain) as raised:
        await session.write(MarkerNote("m-dropped"))
    assert raised.value.landed is False
    assert "safe to try again" in raised.value.what_to_do
    assert notes_with(emulator, "m-dropped") == 0
    assert [e.method for e in emulator.log.entries] == ["POST", "GET"]


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize("body", ["cut", "html"])
async def test_a_write_answered_with_what_is_not_json_is_read_back_not_called_refused(
        session: AffinitySession, emulator: Emulator, body: str) -> None:
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    emulator.faults.update({"malformed_next": 1, "malformed_body": body})
    with pytest.raises(WriteUncertain) as raised:  # not WriteFailed: "nothing was changed" would be false
        await session.write(MarkerNote(f"m-{body}"))
    assert raised.value.landed is True
    assert notes_with(emulator, f"m-{body}") == 1
    assert [e.method for e in emulator.log.entries] == ["POST", "GET"]
    assert seen == [("note-landed", f"m-{body}")]
