"""The request-budget guard on the screens: a read that would cost more than ``ask_above``
requests states its cost and waits for a yes (a filter read on this machine, known before it
starts or met on the way; loading all; exporting all)."""

from __future__ import annotations

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.confirm import ConfirmScreen

from .helpers import DEAL_PIPELINE, SIZE, entries, entity_name, field_named, open_list, paste, settle, status_text, \
    table_of, until

ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE}/list-entries"
SEARCH_PATH = f"{ENTRIES_PATH}/search"


def entry_reads(emulator: Emulator) -> int:
    return sum(1 for r in emulator.log.entries if r.path == ENTRIES_PATH)


def question(app: AffinityApp) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmScreen), f"expected a question, got {screen!r}"
    return " ".join(str(w.render()) for w in screen.query("Static"))


async def type_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await paste(pilot, text)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen) or not pilot.app.screen.filter_bar.display,
                what="the filter to be answered")


async def test_a_filter_the_search_cannot_answer_states_its_cost_before_anything_is_sent(
        app: AffinityApp, emulator: Emulator) -> None:
    app.session.ask_above = 2  # the demo list is 300 entries: 3 requests
    blue = entries(emulator, DEAL_PIPELINE, lambda e: "blue" in entity_name(emulator, e).lower())
    assert blue
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen)
        before = entry_reads(emulator)
        await type_filter(pilot, 'name =~ "Blue"')
        asked = question(app)
        assert "Filter on this machine?" in asked and "all 300 entries of Deal Pipeline" in asked
        assert "≈ 3 requests" in asked
        assert entry_reads(emulator) == before and not any(r.path == SEARCH_PATH for r in emulator.log.entries)
        # No: nothing is sent, the filter stays in the bar with the reason.
        await pilot.press("n")
        await settle(pilot)
        assert screen.filter_bar.display and screen.filter_bar.input.value == 'name =~ "Blue"'
        assert "Not run" in str(screen.filter_bar.query_one("#filter-problem").render())
        assert entry_reads(emulator) == before
        # Yes: every entry is read (3 requests), and exactly the matches are shown.
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await pilot.press("y")
        await settle(pilot)
        assert sorted(r.key for r in table_of(app).loaded_rows) == sorted(e.id for e in blue)
        assert entry_reads(emulator) == before + 3
        assert "filtered on this machine" in status_text(app)


async def test_a_filter_the_search_answers_is_not_asked_about(app: AffinityApp, emulator: Emulator) -> None:
    app.session.ask_above = 0
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await type_filter(pilot, 'Status = "Diligence"')
        await settle(pilot)
        assert isinstance(app.screen, ListEntriesScreen) and table_of(app).loaded_rows
        assert any(r.path == SEARCH_PATH for r in emulator.log.entries)


async def test_a_refused_search_stops_at_the_budget_and_asks_to_go_on(app: AffinityApp, emulator: Emulator) -> None:
    app.session.ask_above = 1
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        before = entry_reads(emulator)
        emulator.faults.update({"fail_next": [403], "paths": [SEARCH_PATH]})
        await type_filter(pilot, 'Status = "Diligence"')  # the search can answer it, but refuses
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        asked = question(app)
        assert "Keep filtering on this machine?" in asked and "100 of 300 entries read so far" in asked
        assert "≈ 2 requests" in asked
        assert entry_reads(emulator) == before + 1
        await pilot.press("y")
        await settle(pilot)
        assert entry_reads(emulator) == before + 3
        assert sorted(r.key for r in table_of(app).loaded_rows) == sorted(e.id for e in in_diligence(emulator))


async def test_stopping_a_paused_read_keeps_what_matched_and_reads_nothing_more(
        app: AffinityApp, emulator: Emulator) -> None:
    app.session.ask_above = 1
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        before = entry_reads(emulator)
        emulator.faults.update({"fail_next": [403], "paths": [SEARCH_PATH]})
        await type_filter(pilot, 'Status = "Diligence"')
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("n")
        await settle(pilot)
        assert entry_reads(emulator) == before + 1
        assert "stopped" in status_text(app)
        assert "Stopped after reading 100 entries" in table_of(app).empty_text


def in_diligence(emulator: Emulator) -> list:  # type: ignore[type-arg]
    status = field_named(emulator, DEAL_PIPELINE, "Status")
    diligence = status.option_by_text("Diligence")
    assert diligence is not None
    return entries(emulator, DEAL_PIPELINE, lambda e: e.values.get(status.id) == diligence.id)
