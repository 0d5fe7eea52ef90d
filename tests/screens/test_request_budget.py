"""The request-budget guard on the screens: a read that would cost more than ``ask_above``
requests states its cost and waits for a yes (a filter read on your computer, known before it
starts or met on the way; loading all; exporting all)."""

from __future__ import annotations

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.confirm import ConfirmScreen

from .helpers import DEAL_PIPELINE, SIZE, entries, entity_name, field_named, open_list, paste, settle, status_text, toasts, \
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
        assert "Filter on your computer?" in asked and "all 300 entries of Deal Pipeline" in asked
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
        assert "filtered on your computer" in status_text(app)


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
        assert "Keep filtering on your computer?" in asked and "100 of 300 entries read so far" in asked
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


# ---- loading all: G at the end of what is loaded -------------------------------------------------
async def test_G_at_the_end_offers_the_rest_and_G_again_loads_it() -> None:
    app, emulator = await big_app(1000)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        table = table_of(app)
        assert len(table.loaded_rows) <= 400  # the pages G brought, no more
        before = entry_reads(emulator)
        await pilot.press("G")
        await settle(pilot)
        assert any("G again loads all 1,000" in t and "≈ 8 requests" in t for t in toasts(app))
        assert entry_reads(emulator) <= before + 1  # the read-ahead page only
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, ListEntriesScreen)  # under the budget: no question, the dialog closed
        assert [r.key for r in table.loaded_rows] == [e.id for e in entries(emulator, DEAL_PIPELINE)]
        assert entry_reads(emulator) == 10 and status_text(app) == "loaded 1,000 of 1,000"


async def big_app(scale: int = 2000) -> tuple[AffinityApp, Emulator]:
    from affinity_tui.data import AffinitySession
    from affinity_tui.emulator import EmulatorConfig

    from ..conftest import NOW

    emulator = Emulator(EmulatorConfig(now=NOW, scale=scale))
    return AffinityApp(AffinitySession.for_emulator(emulator)), emulator


async def test_loading_all_over_the_budget_asks_then_shows_progress_and_escape_stops() -> None:
    from affinity_tui.screens.progress import ProgressScreen

    app, emulator = await big_app()
    app.session.ask_above = 5
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        table = table_of(app)
        await pilot.press("G", "G")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        asked = question(app)
        assert "Load all 2,000 entries?" in asked and "≈ 17 requests" in asked  # 300 loaded by then
        await pilot.press("n")
        await settle(pilot)
        assert len(table.loaded_rows) <= 400  # the pages G brought, no more
        emulator.faults.update({"latency_ms": 40})
        await pilot.press("G")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen), what="the progress")
        await until(pilot, lambda: len(table.loaded_rows) >= 500, what="some pages")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the table")
        await pilot.pause(0.3)
        stopped_at = len(table.loaded_rows)
        reads = entry_reads(emulator)
        assert 500 <= stopped_at < 2000
        await pilot.pause(0.3)
        assert entry_reads(emulator) <= reads + 1 and len(table.loaded_rows) == stopped_at
        # Loading all again goes on from there, every page once.
        emulator.faults.update({"latency_ms": 0})
        await pilot.press("G", "G")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await until(pilot, lambda: len(table.loaded_rows) == 2000 and isinstance(app.screen, ListEntriesScreen),
                    what=f"every entry {len(table.loaded_rows)} {app.screen} {table.loading_more} {table.more_available}")
        assert [r.key for r in table.loaded_rows] == [e.id for e in emulator.store.list_entries(DEAL_PIPELINE)]
        assert entry_reads(emulator) == 20
