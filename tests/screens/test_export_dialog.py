"""Exports (``e``): the dialog's three choices, what each costs, and the file it writes —
checked against the emulator's store."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.export_dialog import ExportDialog
from affinity_tui.screens.progress import ProgressScreen
from affinity_tui.widgets.confirm import ConfirmScreen

from .helpers import DEAL_PIPELINE, SIZE, entries, field_named, open_list, settle, table_of, toasts, until

ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE}/list-entries"


def folder() -> Path:
    return Path(os.environ["AFFINITY_TUI_EXPORT_DIR"])


def written() -> list[Path]:
    return sorted(folder().glob("*.csv")) if folder().exists() else []


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def dialog(app: AffinityApp) -> ExportDialog:
    screen = app.screen
    assert isinstance(screen, ExportDialog), f"expected the export dialog, got {screen!r}"
    return screen


async def test_the_dialog_offers_rows_columns_and_values_and_says_what_each_costs(
        app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await pilot.press("e")
        box = dialog(app)
        options = box.options_text()
        assert "l ● the 200 loaded" in options and "a ○ all 300 entries" in options
        every = 1 + len(emulator.store.list_fields(DEAL_PIPELINE))
        assert f"v ● the {every} visible" in options and f"c ○ all {every} of the list's" in options
        assert "d ● as shown" in options and "r ○ raw" in options
        assert box.cost_text() == "No request: written from what is loaded."
        await pilot.press("r")
        assert "≈ 2 requests" in box.cost_text()  # the 200 loaded, read again
        await pilot.press("a")
        assert "≈ 3 requests" in box.cost_text() and "a ● all 300" in box.options_text()
        assert str(folder()) in " ".join(str(w.render()) for w in box.query("Static"))
        await pilot.press("escape")
        assert isinstance(app.screen, ListEntriesScreen) and written() == []


async def test_all_entries_raw_with_ids_and_urls(app: AffinityApp, emulator: Emulator) -> None:
    store = emulator.store
    pipeline = entries(emulator, DEAL_PIPELINE)
    amount, close = field_named(emulator, DEAL_PIPELINE, "Amount"), field_named(emulator, DEAL_PIPELINE, "Close Date")
    sector = field_named(emulator, DEAL_PIPELINE, "Sector")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        before = sum(1 for r in emulator.log.entries if r.path == ENTRIES_PATH)
        await pilot.press("e", "a", "r", "enter")
        await until(pilot, lambda: len(written()) == 1, what="the file")
        await settle(pilot)
        assert sum(1 for r in emulator.log.entries if r.path == ENTRIES_PATH) == before + 3
        (path,) = written()
        assert any(path.name in t and str(path.parent) in t for t in toasts(app))
    rows = read(path)
    titles = rows[0]
    assert titles[-3:] == ["Entity ID", "Entry ID", "Affinity URL"]
    assert len(rows) == 301
    by_entry = {int(r[titles.index("Entry ID")]): dict(zip(titles, r, strict=True)) for r in rows[1:]}
    assert sorted(by_entry) == sorted(e.id for e in pipeline)
    subdomain = store.tenant.subdomain
    for e in pipeline:
        row = by_entry[e.id]
        assert row["Entity ID"] == str(e.entity_id)
        assert row["Affinity URL"] == f"https://{subdomain}.affinity.co/opportunities/{e.entity_id}"
        assert row["Name"] == store.opportunities[e.entity_id].name
        assert row["Amount"] == (str(e.values[amount.id]) if amount.id in e.values else "")  # 12000000, not $12,000,000
        if close.id in e.values:
            assert row["Close Date"] == e.values[close.id]  # ISO, as stored
        assert row["Sector"] == "; ".join(sector.option(i).text for i in e.values[sector.id])  # type: ignore[union-attr]


async def test_over_the_budget_an_export_asks_first_and_no_writes_nothing(
        app: AffinityApp, emulator: Emulator) -> None:
    app.session.ask_above = 2
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        before = len(emulator.log.entries)
        await pilot.press("e", "a", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        asked = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "all 300 entries" in asked and "≈ 3 requests" in asked
        await pilot.press("n")
        await settle(pilot)
        assert written() == [] and len(emulator.log.entries) == before


async def test_escape_stops_an_export_and_nothing_is_written(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        emulator.faults.update({"latency_ms": 300})
        await pilot.press("e", "a", "c", "enter")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen), what="the progress")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the table")
        emulator.faults.update({"latency_ms": 0})
        await settle(pilot)
        assert written() == []
        assert any("nothing was written" in t for t in toasts(app))
        assert len(table_of(app).loaded_rows) == 200, "the table is not touched by an export"


async def test_people_raw_export_of_the_loaded_rows_reads_them_again_with_ids(
        app: AffinityApp, emulator: Emulator) -> None:
    store = emulator.store
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        loaded = [r.key for r in table_of(app).loaded_rows]
        before = sum(1 for r in emulator.log.entries if r.path == "/v2/persons")
        await pilot.press("e")
        box = dialog(app)
        assert "a ○" not in box.options_text()  # all people: not offered (Affinity does not count them)
        await pilot.press("r")
        assert "≈ 2 requests" in box.cost_text()
        await pilot.press("enter")
        await until(pilot, lambda: len(written()) == 1, what="the file")
        await settle(pilot)
        assert sum(1 for r in emulator.log.entries if r.path == "/v2/persons") == before + 2
    rows = read(written()[0])
    titles = rows[0]
    assert titles[:2] == ["Name", "Email"] and titles[-2:] == ["Entity ID", "Affinity URL"]
    assert [int(r[titles.index("Entity ID")]) for r in rows[1:]] == loaded
    for r in rows[1:4]:
        person = store.persons[int(r[titles.index("Entity ID")])]
        assert (r[0], r[1]) == (person.full_name, person.primary_email)
        assert r[titles.index("Current Job Title")] == (person.values.get("affinity-data-current-job-title") or "")
