"""Every change to the tenant goes through `Writes` and bumps its revision, so results the
emulator memoises (saved views, `Emulator.memo`) are recomputed after any write, deletes too."""

from __future__ import annotations

import httpx
from affinity import AsyncAffinity
from affinity.types import ListEntryId, ListId, NoteId, ReminderIdType

from affinity_tui.emulator import Emulator
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID


async def test_note_delete_bumps_the_revision_and_drops_replies(writer: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    note = next(n for n in store.notes.values() if n.parent_id is None)
    reply = emu.writes.create_note({"type": "user-reply", "content": {"html": "<p>Agreed</p>"},
                                    "parent": {"id": note.id}})
    before = emu.writes.revision
    assert await writer.notes.delete(NoteId(note.id))
    assert emu.writes.revision > before
    assert note.id not in store.notes and reply.id not in store.notes


async def test_reminder_delete_bumps_the_revision(writer: AsyncAffinity, emu: Emulator) -> None:
    rid = next(iter(emu.store.reminders))
    before = emu.writes.revision
    assert await writer.reminders.delete(ReminderIdType(rid))
    assert emu.writes.revision > before and rid not in emu.store.reminders


async def test_memo_is_not_stale_after_deletes(writer: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store

    def counts() -> tuple[int, int]:
        return len(store.notes), len(store.reminders)

    notes, reminders = emu.memo("counts", counts)
    await writer.notes.delete(NoteId(next(n.id for n in store.notes.values() if n.parent_id is None)))
    assert emu.memo("counts", counts) == (notes - 1, reminders)
    await writer.reminders.delete(ReminderIdType(next(iter(store.reminders))))
    assert emu.memo("counts", counts) == (notes - 1, reminders - 1)


async def test_saved_view_is_not_stale_after_an_entry_delete(writer: AsyncAffinity, emu: Emulator) -> None:
    view = next(v for v in emu.store.saved_views.values() if v.list_id == DEAL_PIPELINE_ID and v.filters)
    entries = writer.lists.entries(ListId(DEAL_PIPELINE_ID))

    async def view_ids() -> list[int]:
        ids: list[int] = []
        url: str | None = f"/v2/lists/{DEAL_PIPELINE_ID}/saved-views/{view.id}/list-entries"
        async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                     headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
            while url:
                body = (await http.get(url)).json()
                ids += [e["id"] for e in body["data"]]
                url = body["pagination"]["nextUrl"]
        return ids

    first = await view_ids()
    assert first
    before = emu.writes.revision
    assert await entries.delete(ListEntryId(first[0]))
    assert emu.writes.revision > before
    assert await view_ids() == first[1:]
