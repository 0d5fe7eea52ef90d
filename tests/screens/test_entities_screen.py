"""People, Companies and Opportunities (modes 2, 3, 4): the directories and Affinity search."""

from __future__ import annotations

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen

from .helpers import SIZE, paste, settle, status_text, table_of, until, widget_text


@pytest.mark.parametrize(("key", "mode", "kind", "title", "columns"), [
    ("2", "people", "person", "People", ["Name", "Email", "Current Employer", "Current Job Title", "Last Contact"]),
    ("3", "companies", "company", "Companies", ["Name", "Domain"]),
    ("4", "opportunities", "opportunity", "Opportunities", ["Name", "Pipeline", "Stage"]),
])
async def test_number_keys_switch_to_a_directory_with_rows(
        app: AffinityApp, emulator: Emulator, key: str, mode: str, kind: str, title: str,
        columns: list[str]) -> None:
    store = emulator.store
    all_ids = {"person": list(store.persons), "company": list(store.companies),
               "opportunity": list(store.opportunities)}[kind]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await until(pilot, lambda: app.current_mode == mode)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen) and screen.kind == kind
        assert screen.sub_title == title
        table = table_of(app)
        assert [c.title for c in table.columns] == columns
        loaded = table.loaded_rows
        assert len(loaded) == 200  # the first page and the one prefetched
        ids = sorted(all_ids)[:200]
        assert [row.key for row in loaded] == ids
        assert [row.cells[0] for row in loaded] == [store.entity_name(kind, i) for i in ids]
        if kind == "person":
            assert [row.cells[1] for row in loaded] == [store.persons[i].primary_email for i in ids]
            titles = [store.persons[i].values.get("affinity-data-current-job-title") or "" for i in ids]
            assert [row.cells[3] for row in loaded] == titles and any(titles)
            employers = [store.companies[c].name if (c := store.persons[i].values.get("field-3009")) else ""
                         for i in ids]
            assert [row.cells[2] for row in loaded] == employers and any(employers)
        if kind == "opportunity":
            status = next(f for f in store.list_fields(12001) if f.name == "Status")
            entry_of = {e.entity_id: e for e in store.list_entries(12001)}
            assert {row.cells[1] for row in loaded} == {"Deal Pipeline"}
            assert [row.cells[2] for row in loaded] == [
                status.option(entry_of[i].values[status.id]).text for i in ids]  # type: ignore[union-attr]
        if kind == "company":
            assert [row.cells[1] for row in loaded] == [store.companies[i].domain for i in ids]
        assert status_text(app) == f"{title} · loaded 200+"
        # Back to the lists, which kept their state.
        await pilot.press("1")
        await until(pilot, lambda: app.current_mode == "lists")
        assert len(table_of(app).rows) == 4


async def test_search_finds_a_person_by_email_and_enter_opens_them(app: AffinityApp, emulator: Emulator) -> None:
    store = emulator.store
    person = store.persons[50100]
    email = person.emails[0]
    expected = sorted(p.id for p in store.persons.values() if email in p.emails)
    assert person.id in expected
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: app.current_mode == "people")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        emulator.log.clear()
        await pilot.press("slash")
        await paste(pilot, email)
        await pilot.press("enter")
        await until(pilot, lambda: screen.entities.term == email)
        await settle(pilot)
        rows = table_of(app).rows
        assert sorted(row.key for row in rows) == expected
        (found,) = [row.cells for row in rows if row.key == person.id]
        assert found[:2] == (person.full_name, email)
        # The result shows the table's columns too (the search carries none: one batch read fills them).
        assert found[3] == person.values.get("affinity-data-current-job-title")
        assert status_text(app) == f"People · Affinity search “{email}” · loaded {len(expected)}"
        log = emulator.log.entries
        assert [(e.method, e.path, e.api) for e in log] == [("GET", "/persons", "v1"), ("GET", "/v2/persons", "v2")]
        assert "term=" + email.replace("@", "%40") in log[0].query
        # enter opens the person
        table = table_of(app)
        table.move_cursor([row.key for row in rows].index(person.id))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert (detail.kind, detail.entity_id) == ("person", person.id)
        assert detail.sub_title == f"Person: {person.full_name}"
        title = widget_text(detail.query_one("#detail-title"))
        assert person.full_name in title and email in title
        # x clears the search once back on the table
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("x")
        await until(pilot, lambda: screen.entities.term is None)
        await settle(pilot)
        assert status_text(app) == "People · loaded 200+"


async def test_a_search_with_no_match_says_so(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await until(pilot, lambda: app.current_mode == "companies")
        await settle(pilot)
        await pilot.press("slash")
        await paste(pilot, "zzqx-no-such-company")
        await pilot.press("enter")
        await until(pilot, lambda: "Affinity search" in status_text(app))
        await settle(pilot)
        assert list(table_of(app).rows) == []
        assert status_text(app) == "Companies · Affinity search “zzqx-no-such-company” · loaded 0"
        assert "No companies." in table_of(app).render_line(1).text


async def test_search_results_show_the_columns_the_user_chose(app: AffinityApp, emulator: Emulator) -> None:
    from .helpers import pick  # noqa: F401 - the columns picker is a PickMany

    store = emulator.store
    company = next(c for c in store.companies.values() if c.values.get("affinity-data-location") and len(c.name) > 5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await until(pilot, lambda: app.current_mode == "companies")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        screen.use(screen.entities.with_columns(["affinity-data-location"]))  # as the c picker does
        await settle(pilot)
        assert [c.title for c in table_of(app).columns] == ["Name", "Domain", "Location"]
        await pilot.press("slash")
        await paste(pilot, company.name)
        await pilot.press("enter")
        await until(pilot, lambda: screen.entities.term == company.name)
        await settle(pilot)
        (row,) = [r for r in table_of(app).rows if r.key == company.id]
        location = store.companies[company.id].values["affinity-data-location"]
        assert row.cells[2] and location["city"] in row.cells[2], row.cells
