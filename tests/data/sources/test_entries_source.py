"""EntriesSource: the first page of a list after one round trip, the next pages once each, and
every query (filter, view, columns) a new source."""

from __future__ import annotations

import asyncio

from affinity_tui.data.sources import EntriesSource, QueryProblem
from affinity_tui.emulator import Emulator

from ...round_trips import session_counting_round_trips

PIPELINE = 12001


async def deal_pipeline(emulator: Emulator):  # type: ignore[no-untyped-def]
    session, trips = session_counting_round_trips(emulator)
    lists = await session.lists.load()
    trips.clear()
    return session, trips, next(lst for lst in lists if int(lst.id) == PIPELINE)


async def test_the_first_page_of_a_list_never_seen_is_one_round_trip(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    source = EntriesSource(session, lst)
    page = await source.first_page()
    assert trips.depth == 1
    assert sorted(s.path for s in trips.spans) == [f"/v2/lists/{PIPELINE}/fields",
                                                   f"/v2/lists/{PIPELINE}/list-entries"]
    own = [f.name for f in emulator.store.list_fields(PIPELINE)]
    assert page.columns is not None and [c.title for c in page.columns] == ["Name", *own]
    assert len(page.rows) == 100 and page.has_more
    # Every default column has its value (asked for by type, without the metadata).
    status = [i for i, c in enumerate(page.columns) if c.title == "Status"][0]
    assert all(row.cells[status] for row in page.rows)
    assert source.counts(len(page.rows)) == ["loaded 100 of 300"]  # the size the lists screen knew
    await session.close()


async def test_a_list_seen_before_is_one_request(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    await EntriesSource(session, lst).first_page()
    trips.clear()
    await EntriesSource(session, lst).first_page()
    assert [s.path for s in trips.spans] == [f"/v2/lists/{PIPELINE}/list-entries"]
    await session.close()


async def test_next_pages_follow_the_cursor_once_each(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    source = EntriesSource(session, lst)
    rows = list((await source.first_page()).rows)
    while not source.exhausted:
        rows += (await source.next_page()).rows
    assert [r.key for r in rows] == [e.id for e in emulator.store.list_entries(PIPELINE)]
    assert (await source.next_page()).rows == []
    queries = [s for s in trips.spans if s.path.endswith("/list-entries")]
    assert len(queries) == 3
    await session.close()


async def test_a_bad_filter_is_a_problem_and_sends_nothing(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    source = EntriesSource(session, lst)
    await source.first_page()
    trips.clear()
    problem = await source.with_query('Stauts = "Won"')
    assert isinstance(problem, QueryProblem) and "Status" in problem.message
    # Checking reads the dropdown options once (all at once); no entry is asked for.
    assert all(s.path.endswith("/dropdown-options") for s in trips.spans) and trips.depth == 1
    trips.clear()
    typo = await source.with_query('Status = "Diligance"')
    assert isinstance(typo, QueryProblem) and "Diligence" in typo.message
    assert trips.spans == []
    refined = await source.with_query('Status = "Closed Won"')
    assert isinstance(refined, EntriesSource) and refined is not source
    assert refined.filter_text == 'Status = "Closed Won"' and refined.narrowed
    assert refined.cleared().filter_text is None and not refined.cleared().narrowed
    await session.close()


async def test_a_filter_affinity_cannot_answer_says_it_runs_on_your_computer(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    refined = await EntriesSource(session, lst).with_query('name =~ "Blue"')
    assert isinstance(refined, EntriesSource)
    page = await refined.first_page()
    while not refined.exhausted:
        page = await refined.next_page()
    assert refined.filtered_locally
    assert refined.fallback_message is not None
    assert refined.fallback_message.startswith("Filtering on your computer:")
    assert "filtered on your computer" in refined.counts(len(page.rows))
    await session.close()


async def test_a_filter_works_when_the_recent_filters_cannot_be_saved(emulator: Emulator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from affinity_tui.data.recent import RecentFilters

    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the state directory should be")
    session, _trips, lst = await deal_pipeline(emulator)
    source = EntriesSource(session, lst, recent=RecentFilters(blocked / "recent-filters.json"))
    refined = await source.with_query('Status = "Diligence"')
    assert isinstance(refined, EntriesSource) and refined.filter_text == 'Status = "Diligence"'
    await session.close()


async def test_a_first_page_read_early_is_handed_over_not_read_again(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    source = EntriesSource(session, lst)
    source.read_first_page_now()
    source.read_first_page_now()  # a second call starts nothing more
    page = await source.take_first_page()
    assert len(page.rows) == 100
    assert sorted(s.path for s in trips.spans) == [f"/v2/lists/{PIPELINE}/fields",
                                                   f"/v2/lists/{PIPELINE}/list-entries"]
    await session.close()


async def test_giving_up_on_a_first_page_read_early_stops_it(emulator: Emulator) -> None:
    session, trips, lst = await deal_pipeline(emulator)
    emulator.faults.latency_ms = 2_000
    source = EntriesSource(session, lst)
    source.read_first_page_now()
    early = source._early_first
    taking = asyncio.ensure_future(source.take_first_page())
    await asyncio.sleep(0.05)
    taking.cancel()
    await asyncio.gather(taking, return_exceptions=True)
    assert early is not None and early.cancelled()
    await session.close()
