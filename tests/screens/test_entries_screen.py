"""A list's entries (ListEntriesScreen): paging, the filter bar, saved views, columns, local sort
and literal CRM text, checked against brute-force answers from the emulator's store."""

from __future__ import annotations

from affinity_tui.data.sources.entries import VIEW_NOTE

from collections import Counter
from itertools import cycle

import pytest
from textual.widgets import Input, SelectionList, Static

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.store import ListEntry
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.pickers import PickMany, PickOne

from ..conftest import NOW
from .helpers import (
    DEAL_PIPELINE,
    PORTFOLIO,
    SIZE,
    entity_name,
    entries,
    field_named,
    header_text,
    open_list,
    paste,
    pick,
    settle,
    status_text,
    table_of,
    toasts,
    until,
)

ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE}/list-entries"
FILTER = 'Status = "Diligence" & Amount > 1000000'


def entries_screen(app: AffinityApp) -> ListEntriesScreen:
    screen = app.screen
    assert isinstance(screen, ListEntriesScreen), f"expected the entries screen, got {screen!r}"
    return screen


async def load_everything(pilot, expected: int) -> None:  # type: ignore[no-untyped-def]
    """Scroll with G / pagedown / j until the whole list is loaded."""
    app = pilot.app
    keys = cycle(["G", "pagedown", "j"])
    for _ in range(3 * expected):
        source = entries_screen(app).source
        if len(table_of(app).loaded_rows) >= expected and source.exhausted:
            return
        await pilot.press(next(keys))
        await settle(pilot)
    raise AssertionError(f"only {len(table_of(app).loaded_rows)} of {expected} rows loaded")


def diligence_over_a_million(emulator: Emulator) -> list[ListEntry]:
    status = field_named(emulator, DEAL_PIPELINE, "Status")
    amount = field_named(emulator, DEAL_PIPELINE, "Amount")
    diligence = status.option_by_text("Diligence")
    assert diligence is not None
    return entries(emulator, DEAL_PIPELINE, lambda e: e.values.get(status.id) == diligence.id
                   and (e.values.get(amount.id) or 0) > 1_000_000)


# ---- paging -------------------------------------------------------------------------------------
async def test_opening_deal_pipeline_loads_the_first_pages(app: AffinityApp, emulator: Emulator) -> None:
    pipeline = entries(emulator, DEAL_PIPELINE)
    assert len(pipeline) == 300
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await open_list(pilot, DEAL_PIPELINE)
        screen = entries_screen(app)
        table = table_of(app)
        loaded = table.loaded_rows
        # The first page, plus the second: the cursor is within two screens of the last row.
        assert len(loaded) == 200
        assert status_text(app) == "loaded 200 of 300"
        assert table.more_available
        assert [row.key for row in loaded] == [e.id for e in pipeline[:200]]
        assert [row.cells[0] for row in loaded] == [entity_name(emulator, e) for e in pipeline[:200]]
        own_fields = [f.name for f in emulator.store.list_fields(DEAL_PIPELINE)]
        assert [c.title for c in table.columns] == ["Name", *own_fields]
        assert screen.sub_title == "Deal Pipeline"
        gets = [e for e in emulator.log.entries if e.path == ENTRIES_PATH]
        assert len(gets) == 2 and all(e.method == "GET" and e.status == 200 for e in gets)


async def test_scrolling_fetches_every_page_exactly_once() -> None:
    emulator = Emulator(EmulatorConfig(now=NOW, scale=1000))
    pipeline = entries(emulator, DEAL_PIPELINE)
    assert len(pipeline) == 1000
    app = AffinityApp(AffinitySession.for_emulator(emulator))  # the app closes the session
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await load_everything(pilot, 1000)
        table = table_of(app)
        keys = [row.key for row in table.loaded_rows]
        assert keys == [e.id for e in pipeline]  # every entry, once, in Affinity's order
        assert len(set(keys)) == 1000
        assert status_text(app) == "loaded 1,000 of 1,000"
        assert not table.more_available
        assert table.cursor_row > 700  # the keys moved the cursor through the pages (prefetch runs ahead)
        # More keys at the end fetch nothing.
        before = len(emulator.log.entries)
        await pilot.press("G", "pagedown", "j")
        await settle(pilot)
        assert len(emulator.log.entries) == before
    log = emulator.log.entries
    pages = [e for e in log if e.path == ENTRIES_PATH]
    assert len(pages) == 10, [e.query[:40] for e in pages]
    assert all(e.method == "GET" and e.status == 200 for e in pages)
    assert len({e.query for e in pages}) == 10  # no page fetched twice
    repeated = {k: n for k, n in Counter((e.method, e.path, e.query) for e in log).items() if n > 1}
    assert repeated == {}
    assert not any(e.write for e in log)


# ---- the filter bar -----------------------------------------------------------------------------
async def test_filter_bar_shows_exactly_the_matching_entries_and_x_clears(app: AffinityApp, emulator: Emulator) -> None:
    expected = diligence_over_a_million(emulator)
    assert 5 < len(expected) < 100
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        screen = entries_screen(app)
        emulator.log.clear()
        await pilot.press("slash")
        assert screen.filter_bar.display
        assert isinstance(app.focused, Input) and app.focused.id == "filter-input"
        await pilot.press(*FILTER)
        assert screen.filter_bar.input.value == FILTER
        await pilot.press("enter")
        await until(pilot, lambda: screen.entries.filter_text == FILTER)
        await settle(pilot)
        rows = table_of(app).rows
        assert [row.key for row in rows] == [e.id for e in expected]
        assert [row.cells[0] for row in rows] == [entity_name(emulator, e) for e in expected]
        status_column = [c.title for c in table_of(app).columns].index("Status")
        assert {row.cells[status_column] for row in rows} == {"Diligence"}
        # Both conditions went to Affinity's search, so every entry it returned matched.
        n = len(expected)
        assert status_text(app) == f"scanned {n} · matched {n} · loaded {n}"
        assert screen.sub_title == f"Deal Pipeline · filter: {FILTER}"
        assert f"Deal Pipeline · filter: {FILTER}" in header_text(app)
        assert not screen.filter_bar.display
        assert app.focused is table_of(app)
        log = emulator.log.entries
        searches = [e for e in log if e.path == f"{ENTRIES_PATH}/search"]
        assert len(searches) == 1 and searches[0].method == "POST"
        assert not any(e.write for e in log)
        assert not any(e.path == ENTRIES_PATH for e in log)  # no unfiltered read of the list

        # x clears the filter: the whole list again
        await pilot.press("x")
        await until(pilot, lambda: screen.entries.filter_text is None)
        await settle(pilot)
        assert screen.sub_title == "Deal Pipeline"
        assert status_text(app) == "loaded 200 of 300"
        assert [row.key for row in table_of(app).loaded_rows] == [e.id for e in entries(emulator, DEAL_PIPELINE)[:200]]
        # / opens the bar on the last filter, to edit it
        await pilot.press("slash")
        assert screen.filter_bar.input.value == FILTER


INVALID = (
    ('Stauts = "x"', 'No field "Stauts" on this list (column 1); did you mean "Status"?'),
    ("Status = ", "Expected a value after '=' at column 9"),
    ('Status = "Diligance"', '"Diligance" is not a Status option (column 10); did you mean "Diligence"?'),
    ('"Close Date" > 2026-02-30', '"2026-02-30" is not a date (column 16): day is out of range for month'),
    ('"Close Date" < 2026-13-45', '"2026-13-45" is not a date (column 16): month must be in 1..12'),
    ("Amount > abc", '"abc" is not a number (column 10)'),
)


async def test_an_invalid_filter_shows_a_problem_and_sends_nothing(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        screen = entries_screen(app)
        bar = screen.filter_bar
        before = [row.key for row in table_of(app).loaded_rows]
        emulator.log.clear()
        await pilot.press("slash")
        for text, problem in INVALID:
            await pilot.press("home", "ctrl+k")  # empty the input
            await paste(pilot, text)  # (typing key by key is covered by the test above)
            await pilot.press("enter")
            await settle(pilot)
            shown = str(screen.query_one("#filter-problem", Static).render())
            assert problem in shown
            assert shown.lstrip().startswith("^")  # a caret points at the mistake
            # Nothing was sent but the one-time read of the dropdown options the values are checked
            # against (when the bar opened).
            assert all(e.path.endswith("/dropdown-options") for e in emulator.log.entries)
            assert bar.display and bar.input.value == text  # the typed text is kept
            assert bar.input.has_class("-invalid")
            assert app.focused is bar.input
            assert screen.entries.filter_text is None
            assert screen.sub_title == "Deal Pipeline"
            assert [row.key for row in table_of(app).loaded_rows] == before
        # Editing the text clears the problem; escape closes the bar and gives the table the keys.
        await pilot.press("backspace")
        assert str(screen.query_one("#filter-problem", Static).render()) == ""
        assert not bar.input.has_class("-invalid")
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.display and app.focused is table_of(app)
        assert all(e.path.endswith("/dropdown-options") for e in emulator.log.entries)
        assert len(emulator.log.entries) == 3  # the list's three dropdown fields, once each


# ---- saved views and columns --------------------------------------------------------------------
async def test_saved_view_from_the_entries_screen(app: AffinityApp, emulator: Emulator) -> None:
    status = field_named(emulator, DEAL_PIPELINE, "Status")
    amount = field_named(emulator, DEAL_PIPELINE, "Amount")
    stages = {o.id for o in status.options if o.text in ("Diligence", "IC Review")}
    expected = entries(emulator, DEAL_PIPELINE, lambda e: e.values.get(status.id) in stages
                       and (e.values.get(amount.id) or 0) >= 1_000_000)
    view = next(v for v in emulator.store.saved_views.values() if v.name == "Diligence & IC, $1M+")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        screen = entries_screen(app)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickOne))
        await pick(pilot, "Diligence & IC, $1M+")
        await until(pilot, lambda: screen.entries.view_id == view.id)
        await settle(pilot)
        rows = table_of(app).rows
        assert [row.key for row in rows] == [e.id for e in expected]
        # A view shows its own columns, in the list's field order.
        in_view = [f.name for f in emulator.store.list_fields(DEAL_PIPELINE) if f.id in view.field_ids]
        assert [c.title for c in table_of(app).columns] == ["Name", *in_view]
        assert screen.sub_title == f"Deal Pipeline · view: Diligence & IC, $1M+ {VIEW_NOTE}"
        assert status_text(app) == f"view filtered by Affinity · loaded {len(expected)}"
        await pilot.press("x")
        await settle(pilot)
        assert screen.entries.view_id is None
        assert status_text(app) == "loaded 200 of 300"


async def test_columns_picker_adds_an_enriched_column(app: AffinityApp, emulator: Emulator) -> None:
    employees = "affinity-data-number-of-employees"
    portfolio = entries(emulator, PORTFOLIO)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, PORTFOLIO)
        assert "Number of Employees" not in [c.title for c in table_of(app).columns]  # opt-in
        emulator.log.clear()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PickMany))
        selection = app.screen.query_one(SelectionList)
        values = [selection.get_option_at_index(i).value for i in range(selection.option_count)]
        assert employees in values and employees not in selection.selected
        selection.highlighted = values.index(employees)
        await pilot.press("space", "enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        titles = [c.title for c in table_of(app).columns]
        assert "Number of Employees" in titles
        column = titles.index("Number of Employees")
        loaded = table_of(app).loaded_rows
        assert len(loaded) == len(portfolio)  # 120: both pages
        for row, entry in zip(loaded, portfolio, strict=True):
            assert row.key == entry.id
            assert row.cells[column] == f"{emulator.store.companies[entry.entity_id].values[employees]:,}"
        gets = [e for e in emulator.log.entries if e.path == f"/v2/lists/{PORTFOLIO}/list-entries"]
        assert gets and f"fieldIds={employees}" in gets[0].query
        assert any("Reloading with the chosen columns" in t for t in toasts(app))
        # The choice is kept: leaving the list and coming back shows the same columns.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # the lists screen's cursor is still on the Portfolio
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        assert [c.title for c in table_of(app).columns] == titles
    # ...and in the next session too, still after one round trip.
    from ..round_trips import session_counting_round_trips

    session, trips = session_counting_round_trips(emulator)
    again = AffinityApp(session)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        trips.clear()
        await open_list(pilot, PORTFOLIO)
        assert [c.title for c in table_of(again).columns] == titles
        first = [s for s in trips.spans if s.path.startswith(f"/v2/lists/{PORTFOLIO}")]
        assert first and max(s.start for s in first[:2]) < min(s.end for s in first[:2])  # asked together


# ---- local sort and literal text ----------------------------------------------------------------
async def test_sort_orders_the_loaded_rows_locally_without_a_request(app: AffinityApp, emulator: Emulator) -> None:
    amount = field_named(emulator, DEAL_PIPELINE, "Amount")
    pipeline = entries(emulator, DEAL_PIPELINE)
    present = sorted((e for e in pipeline if e.values.get(amount.id) is not None), key=lambda e: e.values[amount.id])
    expected = [e.id for e in present] + [e.id for e in pipeline if e.values.get(amount.id) is None]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await load_everything(pilot, 300)  # so no page is left that sorting could ask for
        await pilot.press("g")
        emulator.log.clear()
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, PickOne))
        await pick(pilot, "Amount")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        table = table_of(app)
        assert [row.key for row in table.rows] == expected
        assert table.columns[table.sort_column or 0].title == "Amount" and not table.sort_reverse
        assert "Amount ▲" in table.render_line(0).text
        assert any("Sorted the 300 loaded entries by Amount (ascending)" in t for t in toasts(app))
        assert emulator.log.entries == []


async def test_crm_text_is_shown_literally(app: AffinityApp, emulator: Emulator) -> None:
    memo = field_named(emulator, DEAL_PIPELINE, "Memo")
    pipeline = entries(emulator, DEAL_PIPELINE)[:200]
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        table = table_of(app)
        titles = [c.title for c in table.columns]
        await pilot.press(*["l"] * (titles.index("Memo") - 1))  # bring Memo beside the fixed Name column
        for text, shown in (("Competitive round, <Tier 1> leading.", "Competitive round, <Tier 1> leading."),
                            ("Ask: intro to [their] design partner & pricing review.",
                             "Ask: intro to [their] design partner")):
            index = next(i for i, e in enumerate(pipeline) if e.values.get(memo.id) == text)
            assert table.rows[index].cells[titles.index("Memo")] == text
            table.move_cursor(index)
            await pilot.pause()
            line = table.render_line(index - round(table.scroll_y) + 1).text
            assert shown in line, line


async def test_a_lists_own_fields_come_first(app: AffinityApp, emulator: Emulator) -> None:
    fields = emulator.store.list_fields(PORTFOLIO)
    own = [f.name for f in fields if f.kind == "list"]
    global_ = [f.name for f in fields if f.kind == "global"]
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, PORTFOLIO)
        assert [c.title for c in table_of(app).columns] == ["Name", *own, *global_]


async def test_e_exports_the_loaded_rows_to_a_csv_named_after_the_list(app: AffinityApp, emulator: Emulator,
                                                                        tmp_path: object) -> None:
    import csv
    import os
    from pathlib import Path

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        table = app.screen.query_one("#table")
        loaded = len(table.loaded_rows)  # type: ignore[attr-defined]
        before = len(emulator.log.entries)
        await pilot.press("e", "enter")  # the dialog's first choice: the loaded rows, as shown
        folder = Path(os.environ["AFFINITY_TUI_EXPORT_DIR"])
        await until(pilot, lambda: folder.exists() and any(folder.glob("*.csv")), what="the CSV file")
        assert len(emulator.log.entries) == before, "exporting sends nothing"
        (path,) = folder.glob("*.csv")
        await until(pilot, lambda: any(path.name in t and str(folder) in t for t in toasts(app)),
                    what="the file's name and folder")
    assert path.name.startswith("affinity-tui-deal-pipeline-")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["Name", "Status", "Owners"] and len(rows) == loaded + 1


async def test_completion_that_needs_quotes_is_offered_under_the_bar_not_garbled_in_it(
        app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.widgets.filter_bar import FilterBar

    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await pilot.press("slash", *"Close")
        bar = app.screen.query_one(FilterBar)
        await until(pilot, lambda: bar.query_one("#filter-hint").display, what="the completion")
        drawn = bar.input.render_line(1).text
        assert "Closee" not in drawn and 'Date"' not in drawn, drawn  # no ghost that isn't what → gives
        assert '"Close Date"' in str(bar.query_one("#filter-hint").render())
        await pilot.press("right")
        assert bar.input.value == '"Close Date"'
        # A completion that extends what is typed is still the ghost text, taken by → as before.
        await pilot.press(*" > 2026-01-01 & Sta")
        await until(pilot, lambda: bar.input._suggestion.endswith("Status"), what="the ghost")
        await pilot.press("right")
        assert bar.input.value == '"Close Date" > 2026-01-01 & Status'


async def test_x_clears_a_find_as_well_as_a_filter(app: AffinityApp, emulator: Emulator) -> None:
    """``x`` clears everything that narrows the table: after ``f`` and a word no row has, the
    table shows every loaded row again (it used to keep saying "No loaded rows match")."""
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        table = table_of(app)
        loaded = len(table.loaded_rows)
        await pilot.press("f")
        await paste(pilot, "zzz-no-such-row")
        await pilot.press("enter")
        await settle(pilot)
        assert len(table.rows) == 0 and table.quick_filter == "zzz-no-such-row"
        await pilot.press("x")
        await settle(pilot)
        assert table.quick_filter == "" and len(table.rows) == loaded
        assert "containing" not in status_text(app)
        # The next find starts from every loaded row, not from the old narrowing.
        await pilot.press("f")
        await paste(pilot, "series")
        await pilot.press("enter")
        await settle(pilot)
        assert 0 < len(table.rows) <= loaded
