"""The lists screen against the demo tenant, driven with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets._header import HeaderTitle
from textual.widgets._toast import Toast

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator

DEMO_LISTS = ("Deal Pipeline", "Portfolio", "Founders", "Co-investors")


def table_rows(app: AffinityApp) -> dict[str, list[str]]:
    table = app.screen.query_one("#lists", DataTable)
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return {str(row[0]): [str(cell) for cell in row] for row in rows}


def toasts(app: AffinityApp) -> list[str]:
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def test_shows_every_list_with_what_it_holds_and_its_size(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = table_rows(app)
        assert sorted(rows) == sorted(DEMO_LISTS)
        for lst in emulator.store.lists.values():
            assert rows[lst.name][2] == f"{emulator.store.list_size(lst.id):,}"
        assert rows["Deal Pipeline"][1] == "Opportunities"
        assert rows["Founders"][1] == "People"
        assert rows["Portfolio"][1] == "Companies"
        assert not app.screen.query_one("#lists", DataTable).loading


async def test_header_shows_tenant_and_user(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = app.screen.query_one(HeaderTitle).render().plain
        me = emulator.store.persons[emulator.store.current_user_id]
        assert "Harbor Peak Ventures" in header
        assert me.full_name in header


async def test_reads_only_and_sizes_come_from_one_request_per_list(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)):
        await app.workers.wait_for_complete()
    paths = [entry.path for entry in emulator.log.entries]
    assert not any(entry.write for entry in emulator.log.entries)
    assert sorted(p for p in paths if p.startswith("/lists/")) == sorted(
        f"/lists/{list_id}" for list_id in emulator.store.lists)
    assert paths.count("/v2/auth/whoami") == 1


async def test_q_quits(app: AffinityApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_wrong_key_shows_an_error_and_the_app_stays_up(emulator: Emulator) -> None:
    app = AffinityApp(AffinitySession.for_emulator(emulator, api_key="not-the-demo-key"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = "\n".join(toasts(app))
        assert "Affinity did not accept the API key" in shown
        assert "Settings > API" in shown
        assert "not-the-demo-key" not in shown
        assert app.is_running
        assert table_rows(app) == {}
        assert not app.screen.query_one("#lists", DataTable).loading
    assert {entry.status for entry in emulator.log.entries} == {401}
