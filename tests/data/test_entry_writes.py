"""Writes to list entries through the real SDK against the emulator: exactly the expected write
requests and bodies, the store holds the change, the effects say what a screen must redraw, and
the undo puts the store back exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from affinity_tui.data import AffinitySession
from affinity_tui.data.field_input import NewValue, dropdown_value, parse_input, ranked_options
from affinity_tui.data.writes import WriteFailed
from affinity_tui.data.writes.entries import (
    AddToList,
    EntryAdded,
    EntryChanged,
    EntryRemoved,
    ListTarget,
    RemoveEntry,
    SetFields,
    field_edit,
    memberships,
    plan_edit,
    read_entries,
    status_move,
)
from affinity_tui.emulator import Emulator
from affinity_tui.emulator.store import FieldDef

from ..conftest import NOW

PIPELINE, PORTFOLIO, FOUNDERS = 12001, 12002, 12003


def field(emulator: Emulator, list_id: int, name: str) -> FieldDef:
    return next(f for f in emulator.store.list_fields(list_id) if f.name == name)


def writes(emulator: Emulator) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.body) for r in emulator.log.writes]


async def metadata(session: AffinitySession, list_id: int) -> Any:
    catalog = await session.catalog()
    async with session.reading():
        return await catalog.with_options(list_id)  # type: ignore[arg-type]


async def snapshots(session: AffinitySession, list_id: int, entry_ids: list[int], field_ids: list[str]) -> Any:
    async with session.reading() as client:
        return await read_entries(client, list_id, entry_ids, field_ids)


async def test_a_status_move_sends_one_request_and_its_undo_restores_the_store(session: AffinitySession,
                                                                              emulator: Emulator) -> None:
    status = field(emulator, PIPELINE, "Status")
    entry = next(e for e in emulator.store.list_entries(PIPELINE) if status.option(e.values.get(status.id)) is not None
                 and status.option(e.values[status.id]).text == "Diligence")  # type: ignore[union-attr]
    before = copy.deepcopy(entry.values)
    fields = await metadata(session, PIPELINE)
    meta = fields.by_id(status.id)
    target = next(o for o in ranked_options(meta) if o.text == "IC Review")
    snaps = await snapshots(session, PIPELINE, [entry.id], [status.id])
    action = status_move(PIPELINE, [plan_edit(snaps[entry.id], {status.id: ("Status", dropdown_value(meta, [target]))})],
                         "IC Review", noun="deal", nouns="deals")
    change = action.change()
    assert change.title == "Move 1 deal to IC Review" and change.requests == 1 and change.verb == "Move"
    assert change.lines == (f"{snaps[entry.id].name} — Status: Diligence → IC Review",)
    seen: list[object] = []
    session.changes.subscribe(seen.append)
    await session.unlock()
    emulator.log.clear()
    done = await session.write(action)
    assert writes(emulator) == [("POST", f"/v2/lists/{PIPELINE}/list-entries/{entry.id}/fields/{status.id}",
                                 {"value": {"type": "ranked-dropdown", "data": {"dropdownOptionId": int(target.id)}}})]
    assert entry.values[status.id] == int(target.id)
    (effect,) = seen
    assert isinstance(effect, EntryChanged) and effect.entry_id == entry.id
    assert effect.values[status.id]["data"]["text"] == "IC Review"
    assert effect.values[status.id]["data"]["color"] == "orange"
    assert "IC Review" in done.summary and done.undo is not None
    assert session.undo is not None and session.undo.action is done.undo

    emulator.log.clear()
    undone = await session.write(done.undo)
    assert writes(emulator) == [("POST", f"/v2/lists/{PIPELINE}/list-entries/{entry.id}/fields/{status.id}",
                                 {"value": {"type": "ranked-dropdown",
                                            "data": {"dropdownOptionId": before[status.id]}}})]
    assert entry.values == before
    assert undone.undo is None and seen[-1].values[status.id]["data"]["text"] == "Diligence"  # type: ignore[attr-defined]


async def test_several_fields_of_one_entry_go_in_one_batch_and_undo_exactly(session: AffinitySession,
                                                                           emulator: Emulator) -> None:
    amount, owners, close = (field(emulator, PIPELINE, n) for n in ("Amount", "Owners", "Close Date"))
    entry = next(e for e in emulator.store.list_entries(PIPELINE) if amount.id in e.values and owners.id in e.values)
    before = copy.deepcopy(entry.values)
    fields = await metadata(session, PIPELINE)
    snaps = await snapshots(session, PIPELINE, [entry.id], [amount.id, owners.id, close.id])
    me = emulator.store.current_user_id
    new_amount = parse_input(fields.by_id(amount.id), "1.5m", now=NOW)
    new_owners = NewValue("person-multi", [{"id": me}], [{"id": me, "firstName": "Morgan", "lastName": "Reyes"}])
    new_close = parse_input(fields.by_id(close.id), "2027-01-15", now=NOW)
    plan = plan_edit(snaps[entry.id], {amount.id: ("Amount", new_amount), owners.id: ("Owners", new_owners),
                                       close.id: ("Close Date", new_close)})  # type: ignore[dict-item]
    await session.unlock()
    emulator.log.clear()
    done = await session.write(SetFields(PIPELINE, (plan,), "Edit a deal"))
    assert writes(emulator) == [("PATCH", f"/v2/lists/{PIPELINE}/list-entries/{entry.id}/fields", {
        "operation": "update-fields", "updates": [
            {"id": amount.id, "value": {"type": "number", "data": 1_500_000}},
            {"id": owners.id, "value": {"type": "person-multi", "data": [{"id": me}]}},
            {"id": close.id, "value": {"type": "datetime", "data": "2027-01-15T12:00:00Z"}}]})]
    assert (entry.values[amount.id], entry.values[owners.id], entry.values[close.id]) == (
        1_500_000, [me], "2027-01-15T12:00:00Z")
    assert done.undo is not None
    await session.write(done.undo)
    assert entry.values == before
    assert [r.method for r in emulator.log.writes] == ["PATCH", "PATCH"]


async def test_many_entries_one_request_each_failures_listed_the_rest_stay_changed(session: AffinitySession,
                                                                                  emulator: Emulator) -> None:
    amount = field(emulator, PIPELINE, "Amount")
    entries = emulator.store.list_entries(PIPELINE)[:4]
    before = {e.id: copy.deepcopy(e.values) for e in entries}
    fields = await metadata(session, PIPELINE)
    snaps = await snapshots(session, PIPELINE, [e.id for e in entries], [amount.id])
    new = parse_input(fields.by_id(amount.id), "250k", now=NOW)
    plans = [plan_edit(snaps[e.id], {amount.id: ("Amount", new)}) for e in entries]  # type: ignore[dict-item]
    action = field_edit(PIPELINE, plans, "Amount", "$250,000")
    progress: list[tuple[int, int]] = []
    action.progress = lambda done, total: progress.append((done, total))
    assert action.change().requests == len([p for p in plans if p.edits])
    await session.unlock()
    emulator.log.clear()
    emulator.faults.update({"fail_next": [None, 400]})  # the second request is refused
    done = await session.write(action)
    sent = [r for r in emulator.log.writes]
    assert [r.method for r in sent] == ["POST"] * len(action.entries)
    assert [r.status for r in sent][:2] == [204, 400]
    failed_entry = action.entries[1]
    assert f"1 failed and did not change: {failed_entry.name}" in done.summary
    assert emulator.store.entries[failed_entry.entry_id].values == before[failed_entry.entry_id]
    changed = [e for e in action.entries if e is not failed_entry]
    for plan in changed:
        assert emulator.store.entries[plan.entry_id].values[amount.id] == 250_000
    assert {e.entry_id for e in done.effects if isinstance(e, EntryChanged)} == {p.entry_id for p in changed}
    assert progress[-1] == (len(action.entries), len(action.entries))
    assert done.undo is not None and done.undo.change().requests == len(changed)
    await session.write(done.undo)
    for e in entries:
        assert emulator.store.entries[e.id].values == before[e.id]


async def test_a_value_already_there_is_not_sent(session: AffinitySession, emulator: Emulator) -> None:
    amount = field(emulator, PIPELINE, "Amount")
    entry = next(e for e in emulator.store.list_entries(PIPELINE) if e.values.get(amount.id) == 1_000_000)
    snaps = await snapshots(session, PIPELINE, [entry.id], [amount.id])
    plan = plan_edit(snaps[entry.id], {amount.id: ("Amount", NewValue("number", 1_000_000, 1_000_000))})
    action = field_edit(PIPELINE, [plan], "Amount", "$1,000,000")
    assert action.change().requests == 0
    await session.unlock()
    done = await session.write(action)
    assert emulator.log.writes == [] and done.undo is None


async def test_add_a_company_then_undo_removes_the_entry(session: AffinitySession, emulator: Emulator) -> None:
    s = emulator.store
    cid = next(c for c in s.companies if not any(e.list_id == PORTFOLIO for e in s.entries_of("company", c)))
    size = s.list_size(PORTFOLIO)
    async with session.reading() as client:
        assert (await memberships(client, "company", cid)).get(PORTFOLIO, 0) == 0
    action = AddToList(ListTarget(PORTFOLIO, "Portfolio", "company"), "company", cid, s.companies[cid].name)
    assert action.change().title == f"Add {s.companies[cid].name} to Portfolio"
    await session.unlock()
    emulator.log.clear()
    done = await session.write(action)
    assert writes(emulator) == [("POST", f"/lists/{PORTFOLIO}/list-entries", {"entity_id": cid})]
    (added,) = done.effects
    assert isinstance(added, EntryAdded) and s.entries[added.entry_id].entity_id == cid
    assert s.list_size(PORTFOLIO) == size + 1
    assert isinstance(done.undo, RemoveEntry)
    undone = await session.write(done.undo)
    assert writes(emulator)[-1] == ("DELETE", f"/lists/{PORTFOLIO}/list-entries/{added.entry_id}", None)
    assert s.list_size(PORTFOLIO) == size and added.entry_id not in s.entries
    assert undone.effects == (EntryRemoved(PORTFOLIO, added.entry_id),)


async def test_a_second_entry_is_said_before_it_is_added(session: AffinitySession, emulator: Emulator) -> None:
    entry = emulator.store.list_entries(PORTFOLIO)[0]
    async with session.reading() as client:
        counts = await memberships(client, "company", entry.entity_id)
    assert counts[PORTFOLIO] == 1
    action = AddToList(ListTarget(PORTFOLIO, "Portfolio", "company"), "company", entry.entity_id, "X",
                       already=counts[PORTFOLIO])
    assert any("already on Portfolio (1 entry)" in line for line in action.change().lines)


async def test_adding_a_company_to_a_pipeline_creates_its_opportunity_and_undo_deletes_it(
        session: AffinitySession, emulator: Emulator) -> None:
    s = emulator.store
    cid = next(iter(s.companies))
    name = s.companies[cid].name
    await session.unlock()
    emulator.log.clear()
    done = await session.write(AddToList(ListTarget(PIPELINE, "Deal Pipeline", "opportunity"), "company", cid, name))
    assert writes(emulator) == [("POST", "/opportunities", {"name": name, "list_id": PIPELINE,
                                                            "organization_ids": [cid]})]
    (added,) = done.effects
    assert isinstance(added, EntryAdded) and added.entity_type == "opportunity"
    opp = s.opportunities[added.entity_id]
    assert (opp.name, opp.company_ids, s.entries[added.entry_id].list_id) == (name, [cid], PIPELINE)
    assert s.entries[added.entry_id].values["companies"] == [cid]
    assert done.undo is not None and done.undo.change().verb == "Delete"
    await session.write(done.undo)
    assert added.entity_id not in s.opportunities and added.entry_id not in s.entries


async def test_a_lone_refused_write_changes_nothing(session: AffinitySession, emulator: Emulator) -> None:
    amount = field(emulator, PIPELINE, "Amount")
    entry = emulator.store.list_entries(PIPELINE)[0]
    before = copy.deepcopy(entry.values)
    snaps = await snapshots(session, PIPELINE, [entry.id], [amount.id])
    plan = plan_edit(snaps[entry.id], {amount.id: ("Amount", NewValue("number", 42, 42))})
    await session.unlock()
    emulator.faults.update({"fail_next": [400]})
    with pytest.raises(WriteFailed):
        await session.write(field_edit(PIPELINE, [plan], "Amount", "42"))
    assert entry.values == before and session.undo is None
