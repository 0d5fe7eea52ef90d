"""``n`` → the composer → ``ctrl+s``: one note in Affinity, the draft gone; and every way a save
can fail keeps the text and says what happened."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.data import session as session_module
from affinity_tui.data.drafts import NoteDraftStore
from affinity_tui.emulator import Emulator
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entity_picker import EntityPicker
from affinity_tui.widgets.confirm import ConfirmScreen

from .helpers import (
    ME,
    SIZE,
    composer_status,
    confirm_write,
    only_write,
    open_composer,
    people,
    settle,
    toasts,
    type_text,
    unlock,
    until,
)

PERSON_ROW = 7  # a person who is not the signed-in user
TEXT = "Met **Jane** today\n- send the deck\n- intro to [Acme](https://acme.co)"
HTML = ('<p>Met <strong>Jane</strong> today</p><ul><li>send the deck</li>'
        '<li>intro to <a href="https://acme.co">Acme</a></li></ul>')


def person_at(app: AffinityApp, row: int) -> tuple[int, str]:
    table = app.screen.query_one("#table")
    found = table.rows[row]  # type: ignore[attr-defined]
    return found.entity_id, found.cells[0]


async def test_n_then_ctrl_s_sends_one_note_and_forgets_the_draft(app: AffinityApp, emulator: Emulator,
                                                                  drafts: NoteDraftStore) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, PERSON_ROW)
        person_id, name = person_at(app, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        assert composer.target.entity_id == person_id
        await type_text(pilot, TEXT)
        preview = str(composer.query_one("#composer-preview", Static).render())
        assert preview == "Met Jane today\n\n• send the deck\n• intro to Acme (https://acme.co)"
        await until(pilot, lambda: len(drafts.all()) == 1, what="the draft on disk")
        emulator.log.clear()
        await pilot.press("ctrl+s")
        lines = await confirm_write(pilot)
        assert lines == [f"On Person {name}", "“Met Jane today”"]
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen), what="the composer to close")
        await settle(pilot)
        write = only_write(emulator)
        assert (write.method, write.path, write.status) == ("POST", "/v2/notes", 201)
        assert write.body == {"type": "entities", "content": {"html": HTML}, "persons": [{"id": person_id}]}
        stored = [n for n in emulator.store.notes.values() if n.html == HTML]
        assert len(stored) == 1 and stored[0].person_ids == [person_id] and stored[0].creator_id == ME
        assert any(f"Note saved on {name}" in t for t in toasts(app))
        assert drafts.all() == []


async def test_locked_ctrl_s_offers_to_unlock_and_declining_keeps_the_text(app: AffinityApp, emulator: Emulator,
                                                                           drafts: NoteDraftStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "keep me")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Unlock write mode?" in str(app.screen.query_one("#confirm-title", Static).render())
        await pilot.press("n")
        await until(pilot, lambda: app.screen is composer)
        await settle(pilot)
        assert composer.editor.text == "keep me"
        assert "Not saved" in composer_status(composer)
        assert not app.write_mode and emulator.log.writes == []
        await until(pilot, lambda: [d.text for d in drafts.all()] == ["keep me"], what="the draft")


async def test_locked_ctrl_s_then_unlock_and_confirm_saves(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        await open_composer(pilot)
        await type_text(pilot, "after unlocking")
        emulator.log.clear()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")  # unlock
        await confirm_write(pilot)
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        assert only_write(emulator).body["content"] == {"html": "<p>after unlocking</p>"}


@pytest.mark.parametrize(("fault", "said"), [
    ({"fail_next": [500]}, "Nothing was changed"),
    ({"rate_limit_next": 1, "retry_after": 30}, "rate limit"),
])
async def test_a_refused_save_keeps_the_composer_the_text_and_the_draft(
        app: AffinityApp, emulator: Emulator, drafts: NoteDraftStore, fault: dict[str, object], said: str) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        await type_text(pilot, "refused once")
        emulator.log.clear()
        emulator.faults.update({**fault, "paths": ["/v2/notes"]})
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: "Not saved" in composer_status(composer), what="the failure in the composer")
        await settle(pilot)
        assert app.screen is composer and composer.editor.text == "refused once"
        assert said.lower() in composer_status(composer).lower()
        assert [(e.method, e.path) for e in emulator.log.entries] == [("POST", "/v2/notes")]  # never retried
        assert not any("refused once" in n.html for n in emulator.store.notes.values())
        assert [d.text for d in drafts.all()] == ["refused once"]


async def test_a_timeout_says_the_note_did_not_land_and_keeps_it(app: AffinityApp, emulator: Emulator,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 drafts: NoteDraftStore) -> None:
    monkeypatch.setattr(session_module, "WRITE_DEADLINE_SECONDS", 0.3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        await type_text(pilot, "slow network")
        emulator.log.clear()
        emulator.faults.update({"slow_next": 1, "slow_seconds": 3.0, "paths": ["/v2/notes"]})
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: "did not reach Affinity" in composer_status(composer), timeout=8)
        assert "safe to try again" in composer_status(composer)
        assert app.screen is composer and composer.editor.text == "slow network"
        assert not any("slow network" in n.html for n in emulator.store.notes.values())
        assert [d.text for d in drafts.all()] == ["slow network"]


async def test_an_answer_lost_after_the_note_landed_closes_the_composer_as_saved(
        app: AffinityApp, emulator: Emulator, drafts: NoteDraftStore) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        await open_composer(pilot)
        await type_text(pilot, "landed anyway")
        emulator.log.clear()
        emulator.faults.update({"drop_after_next": 1, "paths": ["/v2/notes"]})
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen), what="the composer to close")
        await settle(pilot)
        assert any("reached Affinity" in t for t in toasts(app))
        assert sum("landed anyway" in n.html for n in emulator.store.notes.values()) == 1
        assert [e.method for e in emulator.log.writes] == ["POST"]
        assert drafts.all() == []


async def test_a_dropped_connection_before_the_note_landed_keeps_it(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        await type_text(pilot, "dropped")
        emulator.faults.update({"drop_next": 1, "paths": ["/v2/notes"]})
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: "did not reach Affinity" in composer_status(composer))
        assert composer.editor.text == "dropped"


async def test_the_draft_comes_back_when_the_composer_opens_again(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        again = await open_composer(pilot)
        assert again is not composer and again.editor.text == "half a thought"
        assert "unsent draft" in composer_status(again)
    assert emulator.log.writes == []


async def test_at_mentions_a_person_as_a_link(app: AffinityApp, session: AffinitySession, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "Ask @")
        await until(pilot, lambda: isinstance(app.screen, EntityPicker), what="the mention picker")
        assert str(app.screen.query_one("#entity-picker-kind", Static).render()) == "Searching people"
        await type_text(pilot, "Priya")
        await until(pilot, lambda: app.screen.query_one("#entity-picker-options").option_count > 0  # type: ignore[attr-defined]
                    and app.screen._matches, what="matches")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is composer)
        await type_text(pilot, " about it")
        assert composer.editor.text == "Ask [Priya Raman](https://harborpeak.affinity.co/persons/50002) about it"
        email = "a@b"
        await type_text(pilot, f" {email}")
        await pilot.pause()
        assert app.screen is composer  # an @ inside a word (an email address) is just an @
    assert emulator.log.writes == []


async def test_keys_typed_after_at_before_the_picker_opens_are_its_search(app: AffinityApp, emulator: Emulator) -> None:
    """A fast typist's ``@Pri`` arrives at once, as from a terminal: ``Pri`` is the picker's
    search, not text left in the note; cancelled, it goes back after the ``@``."""
    from textual import events

    def typed_at_once(text: str) -> None:
        for ch in text:
            app.post_message(events.Key(ch, ch))

    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "Ask ")
        typed_at_once("@Pri")
        await until(pilot, lambda: isinstance(app.screen, EntityPicker), what="the mention picker")
        await pilot.pause()
        assert app.screen.query_one("#entity-picker-input", Input).value == "Pri"
        assert composer.editor.text == "Ask @"
        await until(pilot, lambda: bool(app.screen._matches), what="matches")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is composer)
        assert composer.editor.text == "Ask [Priya Raman](https://harborpeak.affinity.co/persons/50002)"
        await type_text(pilot, " and ")
        typed_at_once("@Jo")
        await until(pilot, lambda: isinstance(app.screen, EntityPicker), what="the mention picker again")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is composer)
        assert composer.editor.text.endswith(" and @Jo")
    assert emulator.log.writes == []


async def test_attach_a_company_and_remove_the_person(app: AffinityApp, emulator: Emulator) -> None:
    company = next(c for c in emulator.store.companies.values() if c.name.isalpha())
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        await type_text(pilot, "two places")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, EntityPicker))
        kind = app.screen.query_one("#entity-picker-kind", Static)
        assert str(kind.render()) == "Searching [people] companies opportunities   (tab switches)"
        await pilot.press("tab")  # people → companies
        assert str(kind.render()) == "Searching people [companies] opportunities   (tab switches)"
        await type_text(pilot, company.name)
        await until(pilot, lambda: bool(app.screen._matches), what="company matches")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is composer)
        assert [r.kind for r in composer.attached] == ["person", "company"]
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen is not composer)
        await pilot.press("enter")  # the first: the person
        await until(pilot, lambda: app.screen is composer)
        assert [(r.kind, r.entity_id) for r in composer.attached] == [("company", company.id)]
        emulator.log.clear()
        await pilot.press("ctrl+s")
        lines = await confirm_write(pilot)
        assert lines[0] == f"On Company {company.name}"
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        assert only_write(emulator).body["companies"] == [{"id": company.id}]
        assert "persons" not in only_write(emulator).body


async def test_ctrl_e_says_so_where_the_app_cannot_suspend(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "stay")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen is composer and composer.editor.text == "stay"
        assert "cannot hand the screen" in composer_status(composer)


async def test_ctrl_e_edits_the_text_in_the_editor(app: AffinityApp, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    monkeypatch.setenv("VISUAL", "sed -i s/draft/edited/")
    monkeypatch.setattr(app, "suspend", lambda: nullcontext())
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        composer = await open_composer(pilot)
        await type_text(pilot, "a draft")
        await pilot.press("ctrl+e")
        await until(pilot, lambda: composer.editor.text == "a edited")
        assert "Back from" in composer_status(composer)


async def test_empty_note_sends_nothing(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, PERSON_ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        await type_text(pilot, "  ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is composer and "Nothing to save" in composer_status(composer)
    assert emulator.log.writes == []
