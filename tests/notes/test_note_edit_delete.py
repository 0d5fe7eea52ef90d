"""Editing and deleting a note the user wrote (the functions the detail screen's ``e`` and ``d``
call): one request each, confirmed; someone else's note is refused before anything is sent."""

from __future__ import annotations

from affinity.types import NoteId

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.data.entity_ref import EntityRef
from affinity_tui.data.note_html import markdown_to_html
from affinity_tui.data.writes.notes import CreateNote
from affinity_tui.emulator import Emulator
from affinity_tui.screens.composer import NoteComposer, delete_note, edit_note
from affinity_tui.screens.entities import EntitiesScreen

from .helpers import SIZE, confirm_write, only_write, people, ready_to_type, settle, toasts, type_text, unlock, until

JANE = EntityRef("person", 50010, "Jane")


async def a_note_of_mine(session: AffinitySession, markdown: str) -> int:
    await session.unlock()
    done = await session.write(CreateNote(markdown_to_html(markdown), [JANE], clock=session.clock))
    await session.lock()
    return int(done.effects[0].note.id)  # type: ignore[attr-defined]


async def test_edit_opens_the_note_as_markdown_and_saves_one_update(app: AffinityApp, session: AffinitySession,
                                                                    emulator: Emulator) -> None:
    note_id = await a_note_of_mine(session, "Met **Jane**\n\n- deck")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot)
        await unlock(pilot)
        edit_note(app.screen, session, note_id)
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), what="the composer")
        composer = app.screen
        assert isinstance(composer, NoteComposer) and composer.editing
        await ready_to_type(pilot, composer)
        assert composer.editor.text == "Met **Jane**\n\n- deck"
        await type_text(pilot, "\n- model")
        emulator.log.clear()
        await pilot.press("ctrl+s")
        lines = await confirm_write(pilot)
        assert lines[0].startswith("Text: “Met Jane” →")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        write = only_write(emulator)
        assert (write.method, write.path) == ("POST", f"/v2/notes/{note_id}")
        assert emulator.store.notes[note_id].html == "<p>Met <strong>Jane</strong></p><ul><li>deck</li><li>model</li></ul>"
        assert write.body == {"content": {"html": emulator.store.notes[note_id].html}}


async def test_delete_confirms_then_sends_one_delete(app: AffinityApp, session: AffinitySession,
                                                     emulator: Emulator) -> None:
    note_id = await a_note_of_mine(session, "to be deleted")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot)
        await unlock(pilot)
        emulator.log.clear()
        delete_note(app.screen, session, note_id)
        lines = await confirm_write(pilot)
        name = emulator.store.entity_name("person", JANE.entity_id)
        assert lines == [f"On Person {name}", "“to be deleted”", "Its replies are deleted with it."]
        await until(pilot, lambda: note_id not in emulator.store.notes, what="the delete")
        await settle(pilot)
        assert (only_write(emulator).method, only_write(emulator).path) == ("DELETE", f"/v2/notes/{note_id}")
        assert any("deleted" in t for t in toasts(app))


async def test_someone_elses_note_is_refused_before_anything_is_sent(app: AffinityApp, session: AffinitySession,
                                                                     emulator: Emulator) -> None:
    theirs = next(n for n in emulator.store.notes.values()
                  if n.creator_id != 50001 and n.parent_id is None and n.type == "entities")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot)
        await unlock(pilot)
        for act in (edit_note, delete_note):
            act(app.screen, session, NoteId(theirs.id))
            await until(pilot, lambda: any("Only notes you wrote" in t for t in toasts(app)))
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
    assert emulator.log.writes == []


async def test_delete_while_locked_offers_to_unlock_and_declining_sends_nothing(
        app: AffinityApp, session: AffinitySession, emulator: Emulator) -> None:
    note_id = await a_note_of_mine(session, "stays")
    emulator.log.clear()
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot)
        delete_note(app.screen, session, note_id)
        from affinity_tui.widgets.confirm import ConfirmScreen

        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
    assert note_id in emulator.store.notes and emulator.log.writes == []
