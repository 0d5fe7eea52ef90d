"""The lists: one request paints them; views and owners fill in; a failed side request costs only
its own cells; the session keeps them (the palette and a second visit send nothing)."""

from __future__ import annotations

import pytest
from affinity.types import ListId, UserId

from affinity_tui.data import AffinitySession, UserFacingError
from affinity_tui.data.sources.lists import FAILED_TEXT, PENDING_TEXT, ListsSource, ListSummary, list_row
from affinity_tui.emulator import Emulator


async def test_one_request_gives_every_list_with_type_owner_and_size(session: AffinitySession,
                                                                     emulator: Emulator) -> None:
    lists = {lst.name: lst for lst in await session.lists.load()}
    assert [e.path for e in emulator.log.entries] == ["/lists"]
    assert {name: lst.type for name, lst in lists.items()} == {
        "Deal Pipeline": "opportunity", "Portfolio": "company", "Founders": "person", "Co-investors": "company"}
    for lst in lists.values():
        assert isinstance(lst.id, ListId) and isinstance(lst.owner_id, UserId)
        assert lst.size == emulator.store.list_size(lst.id)
        assert lst.views is None and lst.owner_name is None  # not known yet: shown as pending
        assert list_row(lst).cells[3] == PENDING_TEXT and list_row(lst).cells[5] == PENDING_TEXT
    assert not lists["Co-investors"].is_public


async def test_views_and_owners_fill_in_with_one_request_per_list_and_one_for_all_owners(
        session: AffinitySession, emulator: Emulator) -> None:
    await session.lists.load()
    emulator.log.clear()
    changed: list[ListSummary] = []
    await session.lists.fill_in(changed.extend)
    paths = sorted(e.path for e in emulator.log.entries)
    assert paths == sorted(["/v2/persons", *(f"/v2/lists/{i}/saved-views" for i in emulator.store.lists)])
    final = {int(lst.id): lst for lst in session.lists.known}
    for list_id, lst in final.items():
        stored = emulator.store.lists[list_id]
        assert [v.name for v in lst.views or ()] == [v.name for v in emulator.store.saved_views.values()
                                                      if v.list_id == list_id]
        assert lst.owner_name == emulator.store.persons[stored.owner_id].full_name
    assert {int(lst.id) for lst in changed} == set(final)


async def test_a_failed_side_request_costs_only_its_cells(session: AffinitySession, emulator: Emulator) -> None:
    await session.lists.load()
    pipeline = int(next(lst.id for lst in session.lists.known if lst.name == "Deal Pipeline"))
    emulator.faults.update({"fail_next": [500, 500], "paths": [f"/v2/lists/{pipeline}/saved-views"]})
    await session.lists.fill_in(lambda changed: None)
    by_id = {int(lst.id): lst for lst in session.lists.known}
    assert by_id[pipeline].views is None and "views" in by_id[pipeline].failed
    assert list_row(by_id[pipeline]).cells[5] == FAILED_TEXT
    assert list_row(by_id[pipeline]).cells[3] != FAILED_TEXT  # its owner still came
    others = [lst for key, lst in by_id.items() if key != pipeline]
    assert all(lst.views is not None and not lst.failed for lst in others)
    # R (a refresh) asks again, and the cell recovers.
    emulator.faults.update({"paths": []})
    source = ListsSource(session, refresh=True)
    await source.first_page()
    await source.fill_in(lambda rows: None)
    assert session.lists.get(pipeline).views is not None  # type: ignore[union-attr]


async def test_owners_that_cannot_be_read_show_a_dash_not_an_empty_cell(session: AffinitySession,
                                                                        emulator: Emulator) -> None:
    await session.lists.load()
    emulator.faults.update({"fail_next": [503, 503], "paths": ["/v2/persons"]})
    await session.lists.fill_in(lambda changed: None)
    assert all(list_row(lst).cells[3] == FAILED_TEXT for lst in session.lists.known)


async def test_the_lists_are_read_once_per_session(session: AffinitySession, emulator: Emulator) -> None:
    await session.lists.load()
    await session.lists.load()
    assert [e.path for e in emulator.log.entries] == ["/lists"]
    await session.lists.load(refresh=True)
    assert [e.path for e in emulator.log.entries] == ["/lists", "/lists"]


async def test_a_failed_list_read_is_an_error_not_an_empty_directory(session: AffinitySession,
                                                                     emulator: Emulator) -> None:
    emulator.faults.update({"fail_next": [500, 500]})
    with pytest.raises(UserFacingError):
        await session.lists.load()
    assert session.lists.known == []
