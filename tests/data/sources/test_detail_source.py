"""DetailSource: every part of an entity after one round trip."""

from __future__ import annotations

from affinity_tui.data.sources import DetailSource
from affinity_tui.emulator import Emulator

from ...round_trips import session_counting_round_trips

PIPELINE = 12001


async def test_a_deal_opened_from_its_list_is_one_request(emulator: Emulator) -> None:
    session, trips = session_counting_round_trips(emulator)
    await session.lists.load()
    entry = emulator.store.list_entries(PIPELINE)[0]
    trips.clear()
    source = DetailSource(session, "opportunity", entry.entity_id, list_id=PIPELINE, entry_id=entry.id)
    profile = await source.load_profile()
    assert [s.path for s in trips.spans] == [f"/v2/lists/{PIPELINE}/list-entries/{entry.id}"]
    assert profile.name == emulator.store.opportunities[entry.entity_id].name
    assert profile.lists[0].name == "Deal Pipeline"
    group = profile.groups[0]
    assert group.fetched and {line.name for line in group.fields} >= {"Status", "Amount"}
    # Without the hint (from the opportunities table): the v1 record first, then the entry.
    trips.clear()
    other = await DetailSource(session, "opportunity", entry.entity_id).load_profile()
    assert trips.depth == 2
    assert [(g.title, [(f.name, f.text) for f in g.fields]) for g in other.groups] == \
        [(g.title, [(f.name, f.text) for f in g.fields]) for g in profile.groups]
    await session.close()


async def test_reminders_are_one_request_and_owners_fill_in(emulator: Emulator) -> None:
    session, trips = session_counting_round_trips(emulator)
    person = next(r.person_id for r in emulator.store.reminders.values() if r.person_id)
    source = DetailSource(session, "person", person)
    views = await source.load_reminders()
    assert [s.path for s in trips.spans] == ["/v2/reminders"]
    assert views and any(v.owner_name.startswith("#") for v in views)  # nobody is known yet
    trips.clear()
    named = await source.owner_names(views)
    assert named is not None and not any(v.owner_name.startswith("#") for v in named)
    assert [s.path for s in trips.spans] == ["/v2/persons"]
    # The session remembers them: the next entity names its owners without asking.
    assert await source.owner_names(await source.load_reminders()) is None
    await session.close()


# ---- related records ----------------------------------------------------------------------------------
def a_deal_with_two_founders(emulator: Emulator):  # type: ignore[no-untyped-def]
    store = emulator.store
    return next(o for o in store.opportunities.values() if len(o.person_ids) == 2)


async def test_a_companys_people_and_deals_in_two_round_trips_with_names_batched(emulator: Emulator) -> None:
    store = emulator.store
    deal = a_deal_with_two_founders(emulator)
    company = store.companies[deal.company_ids[0]]
    deals = [o for o in store.opportunities.values() if company.id in o.company_ids]
    session, trips = session_counting_round_trips(emulator)
    await session.lists.load()
    trips.clear()
    related = await DetailSource(session, "company", company.id).load_related()
    assert trips.depth == 2
    paths = [s.path for s in trips.spans]
    assert paths.count("/v2/persons") == 1, "names in one batch, never one request per person"
    assert not any(p.startswith("/v2/persons/") and not p.endswith("/list-entries") for p in paths)
    people, opportunities = related.groups
    assert [(r.kind, r.entity_id, r.name) for r in people.records] == \
        [("person", i, store.persons[i].full_name) for i in company.person_ids[:5]]
    assert people.total == len(company.person_ids)
    assert {r.entity_id for r in opportunities.records} == {o.id for o in deals}
    status = next(f for f in store.list_fields(PIPELINE) if f.name == "Status")
    for record in opportunities.records:
        (holding,) = record.holdings
        entry = next(e for e in store.list_entries(PIPELINE) if e.entity_id == record.entity_id)
        assert (holding.list_name, holding.entry_id) == ("Deal Pipeline", entry.id)
        assert holding.status == status.option(entry.values[status.id]).text  # type: ignore[union-attr]
    founder = people.records[0]
    on = {store.lists[e.list_id].name for e in store.entries_of("person", founder.entity_id)}
    assert {h.list_name for h in founder.holdings} == on
    await session.close()


async def test_a_deals_people_and_companies_share_its_record_with_the_profile(emulator: Emulator) -> None:
    import asyncio

    store = emulator.store
    deal = a_deal_with_two_founders(emulator)
    session, trips = session_counting_round_trips(emulator)
    source = DetailSource(session, "opportunity", deal.id)
    source.start()
    profile, related = await asyncio.gather(source.load_profile(), source.load_related())
    assert [s.path for s in trips.spans].count(f"/opportunities/{deal.id}") == 1, "the v1 record is read once"
    people, companies = related.groups
    assert [r.name for r in people.records] == [store.persons[i].full_name for i in deal.person_ids]
    assert [r.name for r in companies.records] == [store.companies[i].name for i in deal.company_ids]
    assert profile.name == deal.name
    await session.close()


async def test_more_than_the_limit_are_counted_not_shown(emulator: Emulator) -> None:
    from affinity_tui.data.related import load_related

    store = emulator.store
    deal = a_deal_with_two_founders(emulator)
    session, _ = session_counting_round_trips(emulator)
    async with session.reading() as client:
        related = await load_related(client, "opportunity", deal.id, limit=1)
    people = related.groups[0]
    assert len(people.records) == 1 and people.total == 2 and people.more == 1
    assert people.records[0].name == store.persons[deal.person_ids[0]].full_name
    await session.close()


async def test_without_the_deal_search_deals_come_from_one_batch(emulator: Emulator) -> None:
    store = emulator.store
    deal = a_deal_with_two_founders(emulator)
    founder = deal.person_ids[0]
    session, trips = session_counting_round_trips(emulator)
    await session.lists.load()
    emulator.faults.update({"fail_next": [403], "paths": [f"/v2/lists/{PIPELINE}/list-entries/search"]})
    trips.clear()
    related = await DetailSource(session, "person", founder).load_related()
    companies, opportunities = related.groups
    assert [r.name for r in companies.records] == [store.companies[i].name for i in store.persons[founder].company_ids]
    assert deal.id in {r.entity_id for r in opportunities.records}
    assert all(h.list_name == "Deal Pipeline" and not h.status for r in opportunities.records for h in r.holdings)
    assert [s.path for s in trips.spans].count("/v2/opportunities") == 1
    await session.close()
