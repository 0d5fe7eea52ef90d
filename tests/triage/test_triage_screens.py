"""Keyboard triage, driven with Pilot against the emulator: each action sends exactly the expected
write requests, the store holds the change, the screen shows it, and ``u`` restores the store
exactly. Locked, the same keys send nothing."""

from __future__ import annotations

import copy
from typing import Any

from textual.pilot import Pilot

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.add_to_list import AddToListScreen
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.detail import DetailScreen, FieldItem
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.field_editor import FieldEditor
from affinity_tui.widgets.confirm import ConfirmScreen, ConfirmWriteScreen
from affinity_tui.widgets.status_picker import StatusPicker

from ..screens.helpers import SIZE, field_named, open_list, settle, table_of, until

PIPELINE, PORTFOLIO = 12001, 12002


def writes(emulator: Emulator) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.body) for r in emulator.log.writes]


async def confirm(pilot: Pilot[Any], *, unlock: bool) -> None:
    """Answer the unlock question (if asked) and the write confirmation with y."""
    app = pilot.app
    if unlock:
        await until(pilot, lambda: type(app.screen) is ConfirmScreen, what="the unlock question")
        await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, ConfirmWriteScreen), what="the write confirmation")
    await pilot.press("y")


async def test_status_move_in_the_table_repaints_the_row_and_undo_restores(app: AffinityApp,
                                                                         emulator: Emulator) -> None:
    status = field_named(emulator, PIPELINE, "Status")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        table = table_of(app)
        row = table.current_row
        assert row is not None
        entry = emulator.store.entries[row.key]
        before = copy.deepcopy(entry.values)
        target = next(o for o in status.options if o.id != entry.values.get(status.id) and o.text == "IC Review") \
            if status.option_by_text("IC Review").id != entry.values.get(status.id) else status.options[0]
        loaded = app.screen.status.message  # type: ignore[attr-defined]
        emulator.log.clear()
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StatusPicker), what="the Status picker")
        picker = app.screen
        assert [c.label for c in picker.shown][:3] == ["Sourced", "Screening", "Diligence"]  # type: ignore[attr-defined]
        assert sum(c.current for c in picker.shown) == 1  # type: ignore[attr-defined]
        await pilot.press(*target.text.lower())
        await pilot.press("enter")
        await confirm(pilot, unlock=True)
        await until(pilot, lambda: entry.values.get(status.id) == target.id, what="the move")
        await settle(pilot)
        assert writes(emulator) == [("POST", f"/v2/lists/{PIPELINE}/list-entries/{row.key}/fields/{status.id}",
                                     {"value": {"type": "ranked-dropdown",
                                                "data": {"dropdownOptionId": target.id}}})]
        column = next(i for i, c in enumerate(table.columns) if c.key == status.id)
        assert table.current_row is not None and table.current_row.key == row.key
        assert table.current_row.cells[column] == target.text
        assert app.screen.status.message.split(" · ")[0] == loaded.split(" · ")[0]  # type: ignore[attr-defined]

        emulator.log.clear()
        await pilot.press("u")
        await confirm(pilot, unlock=False)
        await until(pilot, lambda: entry.values == before, what="the undo")
        await settle(pilot)
        assert [w[0] for w in writes(emulator)] == ["POST"]
        assert table.current_row.cells[column] == row.cells[column]


async def test_marked_rows_move_together_one_request_each(app: AffinityApp, emulator: Emulator) -> None:
    status = field_named(emulator, PIPELINE, "Status")
    passed = status.option_by_text("Passed")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        table = table_of(app)
        keys = [r.key for r in table.rows[:3]]
        names = [r.cells[0] for r in table.rows[:3]]
        await pilot.press("space", "space", "space")
        assert set(app.screen.marked) == set(keys)  # type: ignore[attr-defined]
        assert table.cursor_row == 3
        assert [r.cells[0] for r in table.rows[:3]] == names  # a mark is a style, never a change of text
        assert "3 marked" in app.screen.status.message  # type: ignore[attr-defined]
        to_move = [k for k in keys if emulator.store.entries[k].values.get(status.id) != passed.id]
        emulator.log.clear()
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StatusPicker))
        await pilot.press(*"passed", "enter")
        await until(pilot, lambda: type(app.screen) is ConfirmScreen, what="the unlock question")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteScreen), what="the write confirmation")
        lines = "\n".join(app.screen._details)  # type: ignore[attr-defined]
        assert all(name in lines for name, k in zip(names, keys, strict=True) if k in to_move)
        await pilot.press("y")
        await until(pilot, lambda: all(emulator.store.entries[k].values.get(status.id) == passed.id for k in keys))
        await settle(pilot)
        assert sorted(w[1] for w in writes(emulator)) == sorted(
            f"/v2/lists/{PIPELINE}/list-entries/{k}/fields/{status.id}" for k in to_move)
        assert all(w[0] == "POST" for w in writes(emulator))
        assert not app.screen.marked  # type: ignore[attr-defined]
        column = next(i for i, c in enumerate(table.columns) if c.key == status.id)
        assert [table.loaded_row(k).cells[column] for k in keys] == ["Passed"] * 3  # type: ignore[union-attr]


async def test_a_board_card_moves_to_the_next_stage(app: AffinityApp, emulator: Emulator) -> None:
    status = field_named(emulator, PIPELINE, "Status")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0)
        board = app.screen.board  # type: ignore[attr-defined]
        stages = app.screen.source.stages  # type: ignore[attr-defined]
        assert [s.text for s in stages if s.option_id > 0] == [o.text for o in status.options]
        board.move_column(1)  # Screening
        card = board.current
        assert card is not None
        emulator.log.clear()
        await pilot.press("shift+right")
        await confirm(pilot, unlock=True)
        diligence = status.option_by_text("Diligence")
        await until(pilot, lambda: emulator.store.entries[card.entry_id].values.get(status.id) == diligence.id)
        await settle(pilot)
        assert writes(emulator) == [("POST", f"/v2/lists/{PIPELINE}/list-entries/{card.entry_id}/fields/{status.id}",
                                     {"value": {"type": "ranked-dropdown",
                                                "data": {"dropdownOptionId": diligence.id}}})]
        assert board.current is not None and board.current.entry_id == card.entry_id
        assert stages[board.column].text == "Diligence"
        assert "showing 100 of 300 entries" in app.screen.query_one("#status").message  # type: ignore[attr-defined]


async def test_n_on_a_board_card_opens_the_composer_on_its_record(app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.screens.composer import NoteComposer

    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0)
        card = app.screen.board.current  # type: ignore[attr-defined]
        assert card is not None
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), what="the composer")
        target = app.screen.target  # type: ignore[attr-defined]
        assert (target.kind, int(target.entity_id)) == (card.entity_type, card.entity_id)
        await pilot.press("escape")
        await settle(pilot)
    assert emulator.log.writes == []


async def test_add_a_company_to_a_list_then_undo(app: AffinityApp, emulator: Emulator) -> None:
    s = emulator.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen) and table_of(app).current_row is not None)
        await settle(pilot)
        row = table_of(app).current_row
        assert row is not None
        before = [e.id for e in s.entries_of("company", row.entity_id) if e.list_id == PORTFOLIO]
        emulator.log.clear()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddToListScreen))
        await pilot.press(*"portfolio", "enter")
        await confirm(pilot, unlock=True)
        await until(pilot, lambda: len([e for e in s.entries_of("company", row.entity_id)
                                        if e.list_id == PORTFOLIO]) == len(before) + 1)
        assert writes(emulator) == [("POST", f"/lists/{PORTFOLIO}/list-entries", {"entity_id": row.entity_id})]
        await settle(pilot)
        await pilot.press("u")
        await confirm(pilot, unlock=False)
        await until(pilot, lambda: [e.id for e in s.entries_of("company", row.entity_id)
                                    if e.list_id == PORTFOLIO] == before)
        assert writes(emulator)[-1][0] == "DELETE"


async def test_a_field_edit_on_the_detail_refuses_a_bad_value_then_saves(app: AffinityApp, emulator: Emulator) -> None:
    amount = field_named(emulator, PIPELINE, "Amount")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        row = table_of(app).current_row
        assert row is not None
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.profile is not None)
        await settle(pilot)
        detail = app.screen
        await pilot.press("f")  # empty fields too (this deal may have no Amount yet)
        await settle(pilot)
        await pilot.press("g")
        for _ in range(40):
            item = detail.focused_item()  # type: ignore[attr-defined]
            if isinstance(item, FieldItem) and item.line.field_id == amount.id:
                break
            await pilot.press("j")
        else:
            raise AssertionError("no Amount line on the detail screen")
        emulator.log.clear()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FieldEditor))
        await pilot.press("ctrl+a", "ctrl+k", *"lots", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FieldEditor)
        assert "not a number" in str(app.screen.query_one("#field-editor-problem").render())
        await pilot.press("ctrl+a", "ctrl+k", *"2.5m", "enter")
        await confirm(pilot, unlock=True)
        await until(pilot, lambda: emulator.store.entries[row.key].values.get(amount.id) == 2_500_000)
        assert writes(emulator) == [("POST", f"/v2/lists/{PIPELINE}/list-entries/{row.key}/fields/{amount.id}",
                                     {"value": {"type": "number", "data": 2_500_000}})]


async def test_locked_the_keys_send_nothing(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PIPELINE)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StatusPicker))
        await pilot.press("down", "enter")
        await until(pilot, lambda: type(app.screen) is ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ListEntriesScreen)
    assert emulator.log.writes == [] and emulator.writes.revision == 0
