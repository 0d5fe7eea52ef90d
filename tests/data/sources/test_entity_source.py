"""EntitySource: People with a person's company, job title and last contact, Opportunities with
their pipeline and stage — each first page after one round trip."""

from __future__ import annotations

from affinity_tui.data.sources import EntitySource
from affinity_tui.emulator import Emulator

from ...round_trips import session_counting_round_trips


async def test_people_show_company_title_and_last_contact_after_one_round_trip(emulator: Emulator) -> None:
    session, trips = session_counting_round_trips(emulator)
    page = await EntitySource(session, "person").first_page()
    assert trips.depth == 1
    assert page.columns is not None
    assert [c.title for c in page.columns] == ["Name", "Email", "Current Employer", "Current Job Title",
                                               "Last Contact"]
    # Once the fields are known, only those three are asked for (by id).
    trips.clear()
    await EntitySource(session, "person").first_page()
    (people,) = [s for s in emulator.log.entries if s.path == "/v2/persons"][-1:]
    assert "fieldIds=affinity-data-current-job-title" in people.query and "fieldTypes" not in people.query
    assert trips.depth == 1
    await session.close()


async def test_opportunities_show_pipeline_and_stage_after_one_round_trip(emulator: Emulator) -> None:
    session, trips = session_counting_round_trips(emulator)
    await session.lists.load()
    trips.clear()
    page = await EntitySource(session, "opportunity").first_page()
    assert trips.depth == 1
    assert page.columns is not None and [c.title for c in page.columns] == ["Name", "Pipeline", "Stage"]
    store = emulator.store
    status = next(f for f in store.list_fields(12001) if f.name == "Status")
    entries = store.list_entries(12001)[:100]
    assert [r.cells for r in page.rows] == [
        (store.opportunities[e.entity_id].name, "Deal Pipeline", status.option(e.values[status.id]).text)  # type: ignore[union-attr]
        for e in entries]
    assert [r.key for r in page.rows] == [e.entity_id for e in entries]
    await session.close()
