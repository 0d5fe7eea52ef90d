"""The lists screen (mode 1) against the demo tenant, driven with Pilot."""

from __future__ import annotations

from textual.widgets import OptionList

from affinity_tui.data.sources.entries import VIEW_NOTE

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.widgets.pickers import PickOne

from ..conftest import NOW
from .helpers import (
    DEAL_PIPELINE,
    FOUNDERS,
    SIZE,
    entity_name,
    entries,
    field_named,
    header_text,
    pick,
    settle,
    status_text,
    table_of,
    toasts,
    until,
)

HOLDS = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}


def expected_rows(emulator: Emulator) -> list[tuple[str, ...]]:
    """The lists screen, computed from the store: name, holds, size, owner, shared, saved views."""
    store = emulator.store
    rows: list[tuple[str, ...]] = []
    for lst in store.lists.values():
        views = sorted((v for v in store.saved_views.values() if v.list_id == lst.id), key=lambda v: v.id)
        rows.append((lst.name, HOLDS[lst.type], f"{store.list_size(lst.id):,}", store.persons[lst.owner_id].full_name,
                     "Everyone" if lst.is_public else "Private", ", ".join(v.name if v.type == "sheet" else f"{v.name} ({v.type})" for v in views)))
    return rows


async def test_shows_every_list_with_what_it_holds_its_size_owner_and_views(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ListsScreen)
        table = table_of(app)
        assert [c.title for c in table.columns] == ["List", "Holds", "Entries", "Owner", "Shared", "Saved views"]
        assert [row.cells for row in table.rows] == expected_rows(emulator)
        assert [row.key for row in table.rows] == list(emulator.store.lists)
        assert status_text(app) == "4 lists"
        assert not table.loading_more
        assert app.focused is table


async def test_header_shows_tenant_and_user(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = header_text(app)
        me = emulator.store.persons[emulator.store.current_user_id]
        assert "Harbor Peak Ventures" in header
        assert f"{me.full_name} <{me.primary_email}>" in header


async def test_one_request_for_every_list_and_size_then_views_and_owners_at_once(
        app: AffinityApp, emulator: Emulator) -> None:
    """v1 GET /lists (names, sizes, owners' ids) paints the screen; then one saved-views request
    per list and one request for every owner's name, all at once; no size is asked for alone."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    log = emulator.log.entries
    paths = [entry.path for entry in log]
    assert not any(entry.write for entry in log)
    assert {entry.method for entry in log} == {"GET"}
    assert paths.count("/lists") == 1
    assert not [p for p in paths if p.startswith("/lists/")]
    assert sorted(p for p in paths if p.endswith("/saved-views")) == sorted(
        f"/v2/lists/{i}/saved-views" for i in emulator.store.lists)
    assert paths.count("/v2/persons") == 1  # every owner's name in one request
    assert paths.count("/v2/auth/whoami") == 1
    assert len(paths) == 3 + len(emulator.store.lists)


async def test_enter_opens_the_entries_of_the_highlighted_list(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")  # Deal Pipeline, Portfolio, Founders
        row = table_of(app).current_row
        assert row is not None and row.key == FOUNDERS
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the entries screen")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen)
        assert int(screen.lst.id) == FOUNDERS
        assert screen.sub_title == "Founders"
        loaded = table_of(app).loaded_rows
        founders = entries(emulator, FOUNDERS)
        assert len(loaded) > 0
        assert [row.key for row in loaded] == [e.id for e in founders[: len(loaded)]]
        assert [row.cells[0] for row in loaded] == [entity_name(emulator, e) for e in founders[: len(loaded)]]
        # escape goes back to the lists, cursor still on Founders
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))
        row = table_of(app).current_row
        assert row is not None and row.key == FOUNDERS


async def test_saved_view_my_deals_is_filtered_by_affinity(app: AffinityApp, emulator: Emulator) -> None:
    owners = field_named(emulator, DEAL_PIPELINE, "Owners")
    me = emulator.store.current_user_id
    mine = entries(emulator, DEAL_PIPELINE, lambda e: me in (e.values.get(owners.id) or []))
    assert 0 < len(mine) < 100  # one page: the whole view is loaded at once
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("v")  # on Deal Pipeline, the first row
        await until(pilot, lambda: isinstance(app.screen, PickOne), what="the saved view picker")
        await pick(pilot, "My deals")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the entries screen")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen)
        assert int(screen.lst.id) == DEAL_PIPELINE
        assert screen.sub_title == f"Deal Pipeline · view: My deals {VIEW_NOTE}"
        rows = table_of(app).rows
        assert [row.key for row in rows] == [e.id for e in mine]
        assert [row.cells[0] for row in rows] == [entity_name(emulator, e) for e in mine]
        assert status_text(app) == f"view filtered by Affinity · loaded {len(mine)}"
        view_id = next(v.id for v in emulator.store.saved_views.values() if v.name == "My deals")
        paths = [e.path for e in emulator.log.entries]
        assert paths.count(f"/v2/lists/{DEAL_PIPELINE}/saved-views/{view_id}/list-entries") == 1
        assert f"/v2/lists/{DEAL_PIPELINE}/list-entries" not in paths  # Affinity filtered, not us


async def test_escape_closes_the_saved_view_picker_without_opening_anything(app: AffinityApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickOne))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))
        await settle(pilot)
        assert len(app.screen_stack) == 1


async def test_q_quits(app: AffinityApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_wrong_key_leaves_an_empty_table_and_the_app_up(emulator: Emulator) -> None:
    app = AffinityApp(AffinitySession.for_emulator(emulator, api_key="not-the-demo-key"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert any("Affinity did not accept the API key" in t for t in toasts(app))
        assert app.is_running
        assert list(table_of(app).rows) == []
        assert not table_of(app).loading_more
        assert status_text(app) == "Could not load the lists"
        assert app.sub_title == "not connected"
    assert {entry.status for entry in emulator.log.entries} == {401}


async def test_a_hidden_screens_status_line_waits_and_catches_up(app: AffinityApp) -> None:
    """Only the status line in view follows the API budget (a screen underneath that repaints
    makes Textual repaint the whole top screen); shown again, it shows the latest budget."""
    from affinity_tui.widgets.status_line import StatusLine

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lists_screen = app.screen
        lists_line = lists_screen.query_one(StatusLine)
        before = lists_line.budget
        await pilot.press("enter")  # Deal Pipeline: its requests spend budget
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the entries screen")
        await settle(pilot)
        top_line = app.screen.query_one(StatusLine)
        assert top_line.budget.per_minute != before.per_minute
        assert lists_line.budget is before  # not repainted while hidden
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lists_screen)
        await pilot.pause()
        assert lists_line.budget.per_minute == top_line.budget.per_minute


async def test_v_offers_board_views_too_and_a_board_opens_as_the_board(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")  # on Deal Pipeline, the first row
        await until(pilot, lambda: isinstance(app.screen, PickOne), what="the saved view picker")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        views = sorted((v for v in emulator.store.saved_views.values() if v.list_id == DEAL_PIPELINE),
                       key=lambda v: v.id)
        assert labels == [v.name + ("  (board)" if v.type == "board" else "") for v in views]
        assert "Pipeline board  (board)" in labels
        await pick(pilot, "Pipeline board  (board)")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0,
                    what="the board")
        assert int(app.screen.lst.id) == DEAL_PIPELINE  # type: ignore[attr-defined]


async def test_a_user_who_sees_no_lists_is_told_so_after_one_read() -> None:
    """The lists screen's own empty text (Textual runs each class's ``on_mount`` in turn: the
    table screen's must not overwrite it, nor start the read twice)."""
    emulator = Emulator(EmulatorConfig(now=NOW))  # a tenant of its own: the shared one is never changed
    emulator.store.lists.clear()
    session = AffinitySession.for_emulator(emulator)
    app = AffinityApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert list(table.rows) == []
        assert table.empty_text == "This Affinity user cannot see any lists yet."
        assert "This Affinity user cannot see any lists yet." in "\n".join(
            table.render_line(y).text for y in range(table.size.height))
    await session.close()
    assert [e.path for e in emulator.log.entries].count("/lists") == 1
