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
