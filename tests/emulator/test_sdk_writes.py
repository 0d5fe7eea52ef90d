"""Every write the app's write mode will make, through the real affinity-sdk against the
emulator: the change is stored, later reads (through the SDK) show it, and the request log
holds what was sent. Invalid writes are refused with Affinity's error envelope and change
nothing."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from affinity import AsyncAffinity
from affinity.exceptions import AffinityError, NotFoundError, ValidationError
from affinity.models.entities import FieldValueCreate
from affinity.models.secondary import NoteCreate, NoteUpdate, ReminderCreate, ReminderUpdate
from affinity.policies import Policies, WritePolicy
from affinity.types import (
    CompanyId,
    FieldId,
    ListEntryId,
    ListId,
    NoteId,
    NoteType,
    OpportunityId,
    PersonId,
    ReminderIdType,
    ReminderResetType,
    ReminderStatus,
    ReminderType,
    UserId,
)

from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.store import FieldDef, ListEntry
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, FOUNDERS_ID, PORTFOLIO_ID

from .conftest import NOW

NOW_ISO = "2026-11-24T12:00:00Z"


@pytest.fixture
def emu() -> Emulator:
    """A small fresh tenant (same shape as the demo) for each test that writes."""
    return Emulator(EmulatorConfig(now=NOW, companies=200, persons=300, scale=40))


@pytest.fixture
async def sdk(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    client = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                           async_transport=emu.transport(), max_retries=0,
                           policies=Policies(write=WritePolicy.ALLOW))
    yield client
    await client.close()


def sent(emu: Emulator, since: int = 0, *, writes: bool = True) -> list[tuple[str, str, int, Any]]:
    """(method, path, status, body) of the logged requests after the first `since`."""
    return [(r.method, r.path, r.status, r.body) for r in emu.log.entries[since:] if r.write or not writes]


def field(emu: Emulator, list_id: int, name: str) -> FieldDef:
    return next(f for f in emu.store.list_fields(list_id) if f.name == name)


def external_person(emu: Emulator) -> int:
    return next(p.id for p in emu.store.persons.values() if p.type == "external" and p.company_ids)


# ---- notes ----------------------------------------------------------------------------------


async def test_create_an_html_note_attached_to_all_three_kinds(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    pid = external_person(emu)
    cid = s.persons[pid].company_ids[0]
    oid = next(iter(s.opportunities))
    html = "<p>Met <strong>them</strong> &amp; agreed:</p><ul><li>term sheet</li></ul>"
    note = await sdk.notes.create(NoteCreate(content=html, type=NoteType.HTML, person_ids=[PersonId(pid)],
                                             company_ids=[CompanyId(cid)], opportunity_ids=[OpportunityId(oid)]))
    stored = s.notes[int(note.id)]
    assert (stored.html, stored.person_ids, stored.company_ids, stored.opportunity_ids) == (html, [pid], [cid], [oid])
    assert (stored.creator_id, stored.created_at, stored.type) == (s.current_user_id, NOW_ISO, "entities")
    assert sent(emu) == [("POST", "/v2/notes", 201, {
        "type": "entities", "content": {"html": html}, "persons": [{"id": pid}], "companies": [{"id": cid}],
        "opportunities": [{"id": oid}]})]

    again = await sdk.notes.get(note.id)
    assert again.content is not None and again.content.html == html
    for kind, ident in (("person", pid), ("company", cid), ("opportunity", oid)):
        assert int(note.id) in {n.id for n in s.notes_for(kind, ident)}  # type: ignore[arg-type]
    v1 = await sdk.notes.list(person_id=PersonId(pid))
    assert int(note.id) in {int(n.id) for n in v1.data}
    attached = [int(c.id) async for c in sdk.notes.iter_attached_companies(note.id)]
    assert attached == [cid]


async def test_a_note_with_a_mention_link_is_kept_literally(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    mate = next(p for p in s.persons.values() if p.type == "internal" and p.id != s.current_user_id)
    pid = external_person(emu)
    html = (f'<p>Ask <a href="https://harborpeak.affinity.co/persons/{mate.id}">@{mate.full_name}</a> '
            f'about the <a href="mailto:deals@harborpeak.vc">deal inbox</a></p>')
    note = await sdk.notes.create(NoteCreate(content=html, type=NoteType.HTML, person_ids=[PersonId(pid)]))
    assert s.notes[int(note.id)].html == html
    assert (await sdk.notes.get(note.id)).content.html == html  # type: ignore[union-attr]
    v1 = next(n for n in (await sdk.notes.list(person_id=PersonId(pid))).data if int(n.id) == int(note.id))
    assert f"[@{mate.full_name}](https://harborpeak.affinity.co/persons/{mate.id})" in (v1.content or "")


async def test_plain_text_note_is_escaped_and_a_script_is_refused(sdk: AsyncAffinity, emu: Emulator) -> None:
    pid = external_person(emu)
    note = await sdk.notes.create(NoteCreate(content="[bold]hi[/] <b>\nnext", person_ids=[PersonId(pid)]))
    assert emu.store.notes[int(note.id)].html == "<p>[bold]hi[/] &lt;b&gt;<br>next</p>"
    before = copy.deepcopy(emu.store.notes)
    mark = len(emu.log)
    # The SDK refuses a <script> before sending; a raw client gets the API's 400.
    import httpx

    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
        r = await http.post("/v2/notes", json={"type": "entities", "persons": [{"id": pid}],
                                               "content": {"html": "<p>x</p><script>alert(1)</script>"}})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "validation"
    assert emu.store.notes == before and sent(emu, mark)[0][2] == 400


async def test_update_a_note(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    note = next(n for n in s.notes.values() if n.parent_id is None and not n.mention_ids and n.company_ids)
    pid = external_person(emu)
    mark = len(emu.log)
    updated = await sdk.notes.update(NoteId(note.id), NoteUpdate(content="<p>Revised</p>", type=NoteType.HTML,
                                                                person_ids=[PersonId(pid)]))
    assert (note.html, note.person_ids, note.updated_at) == ("<p>Revised</p>", [pid], NOW_ISO)
    assert updated.content is not None and updated.content.html == "<p>Revised</p>"
    assert [int(x.id) for x in updated.persons or []] == [pid] and updated.persons_total == 1
    assert sent(emu, mark) == [("POST", f"/v2/notes/{note.id}", 204,
                                {"content": {"html": "<p>Revised</p>"}, "persons": [{"id": pid}]})]
    # A root note keeps at least one attachment.
    with pytest.raises(ValidationError):
        await sdk.notes.update(NoteId(note.id), NoteUpdate(person_ids=[], company_ids=[], opportunity_ids=[]))
    assert note.person_ids == [pid] and note.company_ids


async def test_a_note_with_mentions_cannot_change_its_text(sdk: AsyncAffinity, emu: Emulator) -> None:
    note = next(n for n in emu.store.notes.values() if n.mention_ids)
    html = note.html
    with pytest.raises(ValidationError):
        await sdk.notes.update(NoteId(note.id), NoteUpdate(content="rewritten"))
    assert note.html == html and note.updated_at is None


async def test_delete_a_note(sdk: AsyncAffinity, emu: Emulator) -> None:
    note = next(n for n in emu.store.notes.values() if n.parent_id is None and n.person_ids)
    pid = note.person_ids[0]
    mark = len(emu.log)
    assert await sdk.notes.delete(NoteId(note.id))
    assert note.id not in emu.store.notes
    assert sent(emu, mark) == [("DELETE", f"/v2/notes/{note.id}", 204, None)]
    with pytest.raises(NotFoundError):
        await sdk.notes.get(NoteId(note.id))
    assert note.id not in {int(n.id) for n in (await sdk.notes.list(person_id=PersonId(pid))).data}


# ---- reminders ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["person", "company", "opportunity"])
async def test_create_a_one_time_reminder(sdk: AsyncAffinity, emu: Emulator, kind: str) -> None:
    s = emu.store
    pid = external_person(emu)
    ident = {"person": pid, "company": s.persons[pid].company_ids[0], "opportunity": next(iter(s.opportunities))}[kind]
    owner = next(p.id for p in s.persons.values() if p.type == "internal" and p.id != s.current_user_id)
    created = await sdk.reminders.create(ReminderCreate(
        owner_id=UserId(owner), type=ReminderType.ONE_TIME, content="Send the data room",
        due_date=datetime(2026, 12, 1, 9, 30, tzinfo=UTC), **{f"{kind}_id": ident}))
    r = s.reminders[int(created.id)]
    assert (r.owner_id, r.creator_id, r.due_date, r.content) == (owner, s.current_user_id, "2026-12-01T09:30:00Z",
                                                                 "Send the data room")
    assert getattr(r, f"{kind}_id") == ident
    assert sent(emu) == [("POST", "/v2/reminders", 201, {
        "type": "one-time", "owner": {"id": owner}, "entity": {"type": kind, "id": ident},
        "content": "Send the data room", "dueDate": "2026-12-01T09:30:00Z"})]
    listed = await sdk.reminders.list(**{f"{kind}_id": ident})  # type: ignore[arg-type]
    assert int(created.id) in {int(x.id) for x in listed.data}
    assert (await sdk.reminders.get(created.id)).status == ReminderStatus.ACTIVE


async def test_create_a_recurring_reminder(sdk: AsyncAffinity, emu: Emulator) -> None:
    pid = external_person(emu)
    created = await sdk.reminders.create(ReminderCreate(
        owner_id=UserId(emu.store.current_user_id), type=ReminderType.RECURRING, content="Keep warm",
        reset_type=ReminderResetType.INTERACTION, reminder_days=30, person_id=PersonId(pid)))
    r = emu.store.reminders[int(created.id)]
    assert (r.type, r.period_days, r.reset_trigger, r.due_date) == ("recurring", 30, "interaction",
                                                                     "2026-12-24T12:00:00Z")
    assert sent(emu)[0][3]["recurrence"] == {"periodDays": 30, "resetTrigger": "interaction"}
    assert created.recurrence is not None and created.recurrence.period_days == 30


async def test_invalid_reminders_are_refused(sdk: AsyncAffinity, emu: Emulator) -> None:
    pid = external_person(emu)
    before = dict(emu.store.reminders)
    with pytest.raises(ValidationError) as info:
        await sdk.reminders.create(ReminderCreate(owner_id=UserId(pid), type=ReminderType.ONE_TIME,
                                                  due_date=datetime(2027, 1, 1, tzinfo=UTC), person_id=PersonId(pid)))
    assert info.value.param == "owner.id"
    assert emu.store.reminders == before and sent(emu)[-1][2] == 400


async def test_update_and_complete_a_reminder(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    r = next(r for r in s.reminders.values() if r.type == "one-time" and r.owner_id == s.current_user_id
             and not r.completed_at)
    mark = len(emu.log)
    updated = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(
        content="Call after the board meeting", due_date=datetime(2027, 1, 15, 10, tzinfo=UTC)))
    assert (r.content, r.due_date, r.updated_at) == ("Call after the board meeting", "2027-01-15T10:00:00Z", NOW_ISO)
    assert updated.content == "Call after the board meeting"
    assert sent(emu, mark) == [("POST", f"/v2/reminders/{r.id}", 204, {
        "content": "Call after the board meeting", "dueDate": "2027-01-15T10:00:00Z"})]

    done = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(is_completed=True))
    assert done.status == ReminderStatus.COMPLETED and r.completed_at and r.completer_id == s.current_user_id
    assert "completedAt" in sent(emu)[-1][3]
    completed = await sdk.reminders.list(status=ReminderStatus.COMPLETED, owner_id=UserId(s.current_user_id))
    assert r.id in {int(x.id) for x in completed.data}

    reopened = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(is_completed=False))
    assert reopened.status == ReminderStatus.ACTIVE and r.completed_at is None and r.completer_id is None
    assert sent(emu)[-1][3] == {"completedAt": None}

    cleared = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(clear_content=True))
    assert cleared.content is None and r.content is None


async def test_completing_a_recurring_reminder_starts_its_period_again(sdk: AsyncAffinity, emu: Emulator) -> None:
    r = next(r for r in emu.store.reminders.values() if r.type == "recurring")
    r.owner_id = emu.store.current_user_id
    done = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(is_completed=True))
    expected = (NOW + timedelta(days=r.period_days or 0)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert r.completed_at is None and r.due_date == expected
    assert done.status == ReminderStatus.ACTIVE


async def test_someone_elses_reminder_goes_through_v1(sdk: AsyncAffinity, emu: Emulator) -> None:
    """v2 lets only the creator or owner change a reminder (403); the SDK retries through v1."""
    s = emu.store
    r = next(r for r in s.reminders.values() if s.current_user_id not in (r.creator_id, r.owner_id)
             and r.type == "one-time")
    mark = len(emu.log)
    updated = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(content="Taken over"))
    assert r.content == "Taken over" and updated.content == "Taken over"
    assert [(m, p, st) for m, p, st, _ in sent(emu, mark)] == [
        ("POST", f"/v2/reminders/{r.id}", 403), ("PUT", f"/reminders/{r.id}", 200)]
    assert sent(emu, mark)[1][3] == {"type": 0, "content": "Taken over", "due_date": r.due_date}
    assert await sdk.reminders.delete(ReminderIdType(r.id))
    assert r.id not in s.reminders
    assert [(m, p, st) for m, p, st, _ in sent(emu, mark)][2:] == [
        ("DELETE", f"/v2/reminders/{r.id}", 403), ("DELETE", f"/reminders/{r.id}", 200)]


async def test_changing_a_reminders_type_goes_through_v1(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    r = next(r for r in s.reminders.values() if r.type == "one-time" and r.owner_id == s.current_user_id)
    updated = await sdk.reminders.update(ReminderIdType(r.id), ReminderUpdate(
        type=ReminderType.RECURRING, reset_type=ReminderResetType.EMAIL, reminder_days=14))
    assert (r.type, r.period_days, r.reset_trigger, r.completed_at) == ("recurring", 14, "email", None)
    assert updated.type == ReminderType.RECURRING
    assert sent(emu)[-1] == ("PUT", f"/reminders/{r.id}", 200, {"type": 1, "reset_type": 1, "reminder_days": 14})


async def test_delete_a_reminder(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    r = next(r for r in s.reminders.values() if s.current_user_id in (r.creator_id, r.owner_id))
    assert await sdk.reminders.delete(ReminderIdType(r.id))
    assert r.id not in s.reminders
    assert sent(emu) == [("DELETE", f"/v2/reminders/{r.id}", 204, None)]
    with pytest.raises(NotFoundError):
        await sdk.reminders.get(ReminderIdType(r.id))


# ---- list entry field values ----------------------------------------------------------------


def _entry(emu: Emulator, list_id: int) -> ListEntry:
    return emu.store.list_entries(list_id)[0]


def _cases(emu: Emulator) -> list[tuple[int, str, Any, str, Any, Any]]:
    """(list, field name, value given to the SDK, value type, compact value stored, v2 data read)."""
    s = emu.store
    status, rnd, sector = (field(emu, DEAL_PIPELINE_ID, n) for n in ("Status", "Round", "Sector"))
    partner = next(p for p in s.persons.values() if p.type == "internal")
    investor = s.companies[next(iter(s.companies))]
    other = s.companies[list(s.companies)[5]]
    oslo = {"streetAddress": None, "city": "Oslo", "state": None, "country": "Norway", "continent": "Europe"}
    pref = {"id": partner.id, "firstName": partner.first_name, "lastName": partner.last_name,
            "primaryEmailAddress": partner.primary_email, "type": "internal"}
    return [
        (DEAL_PIPELINE_ID, "Memo", "[bold]IC[/] on \x1b[31mMonday", "text", "[bold]IC[/] on \x1b[31mMonday",
         "[bold]IC[/] on \x1b[31mMonday"),
        (DEAL_PIPELINE_ID, "Amount", 2_750_000.5, "number", 2_750_000.5, 2_750_000.5),
        (DEAL_PIPELINE_ID, "Close Date", datetime(2027, 2, 1, 18, 30, tzinfo=UTC), "datetime",
         "2027-02-01T18:30:00Z", "2027-02-01T18:30:00Z"),
        (DEAL_PIPELINE_ID, "Close Date", date(2027, 3, 1), "datetime", "2027-03-01T12:00:00Z", "2027-03-01T12:00:00Z"),
        (DEAL_PIPELINE_ID, "Round", {"dropdownOptionId": rnd.options[2].id}, "dropdown", rnd.options[2].id,
         {"dropdownOptionId": rnd.options[2].id, "text": rnd.options[2].text}),
        (DEAL_PIPELINE_ID, "Status", {"dropdownOptionId": status.options[4].id}, "ranked-dropdown",
         status.options[4].id, {"dropdownOptionId": status.options[4].id, "text": "Term Sheet",
                                "rank": 5, "color": "yellow"}),
        (DEAL_PIPELINE_ID, "Sector", [{"dropdownOptionId": o.id} for o in sector.options[:2]], "dropdown-multi",
         [o.id for o in sector.options[:2]], [{"dropdownOptionId": o.id, "text": o.text} for o in sector.options[:2]]),
        (DEAL_PIPELINE_ID, "Owners", [{"id": partner.id}], "person-multi", [partner.id], [pref]),
        (DEAL_PIPELINE_ID, "Lead Investor", {"id": investor.id}, "company", investor.id,
         {"id": investor.id, "name": investor.name, "domain": investor.domain}),
        (DEAL_PIPELINE_ID, "Organizations", [{"id": other.id}], "company-multi", [other.id],
         [{"id": other.id, "name": other.name, "domain": other.domain}]),
        (PORTFOLIO_ID, "Board Member", {"id": partner.id}, "person", partner.id, pref),
        (PORTFOLIO_ID, "Office Locations", [{"city": "Oslo", "country": "Norway", "continent": "Europe"}],
         "location-multi", [oslo], [oslo]),
        (FOUNDERS_ID, "Phone", "+47 22 00 00 00", "text", "+47 22 00 00 00", "+47 22 00 00 00"),
    ]


async def test_update_every_value_type(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    for list_id, name, given, vtype, compact, read in _cases(emu):
        f, entry = field(emu, list_id, name), _entry(emu, list_id)
        entries = sdk.lists.entries(ListId(list_id))
        mark = len(emu.log)
        await entries.update_field_value(ListEntryId(entry.id), f.id, given, vtype)
        assert s.entry_value(entry, f.id) == compact, name
        (method, path, status, body), = sent(emu, mark)
        assert (method, path, status) == ("POST", f"/v2/lists/{list_id}/list-entries/{entry.id}/fields/{f.id}", 204)
        assert body["value"]["type"] == vtype
        assert await entries.get_field_value(ListEntryId(entry.id), f.id) == read, name
        got = await entries.get(ListEntryId(entry.id), field_ids=[f.id])
        assert got.entity.fields.data[f.id]["value"]["data"] == read, name  # type: ignore[union-attr]
        # Global fields (Phone, Office Locations) live on the entity, seen by every list.
        if f.kind == "global":
            assert getattr(s.entity(entry.entity_type, entry.entity_id), "values")[f.id] == compact


async def test_clear_values(sdk: AsyncAffinity, emu: Emulator) -> None:
    entry = _entry(emu, DEAL_PIPELINE_ID)
    entries = sdk.lists.entries(ListId(DEAL_PIPELINE_ID))
    for name, vtype in (("Amount", "number"), ("Sector", "dropdown-multi"), ("Owners", "person-multi"),
                        ("Status", "ranked-dropdown")):
        f = field(emu, DEAL_PIPELINE_ID, name)
        await entries.update_field_value(ListEntryId(entry.id), f.id, None, vtype)
        assert f.id not in entry.values
        assert sent(emu)[-1][3] == {"value": {"type": vtype, "data": None}}
        assert await entries.get_field_value(ListEntryId(entry.id), f.id) is None
    owners = field(emu, DEAL_PIPELINE_ID, "Owners")
    await entries.update_field_value(ListEntryId(entry.id), owners.id, [{"id": emu.store.current_user_id}],
                                     "person-multi")
    await entries.update_field_value(ListEntryId(entry.id), owners.id, [], "person-multi")
    assert owners.id not in entry.values


async def test_association_fields_change_the_records_associations(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    entry = _entry(emu, DEAL_PIPELINE_ID)
    opp = s.opportunities[entry.entity_id]
    founder = next(p for p in s.persons.values() if p.type == "external" and p.id not in opp.person_ids)
    entries = sdk.lists.entries(ListId(DEAL_PIPELINE_ID))
    await entries.update_field_value(ListEntryId(entry.id), "persons", [{"id": founder.id}], "person-multi")
    assert opp.person_ids == [founder.id]
    assert [int(i) for i in await sdk.opportunities.get_associated_person_ids(OpportunityId(opp.id))] == [founder.id]
    assert opp.id in [int(i) for i in await sdk.persons.get_associated_opportunity_ids(PersonId(founder.id))]

    person_entry = _entry(emu, FOUNDERS_ID)
    person = s.persons[person_entry.entity_id]
    old, new = person.company_ids[0], next(c for c in s.companies if c not in person.company_ids)
    founders = sdk.lists.entries(ListId(FOUNDERS_ID))
    await founders.update_field_value(ListEntryId(person_entry.id), "companies", [{"id": new}], "company-multi")
    assert person.company_ids == [new]
    assert person.id in s.companies[new].person_ids and person.id not in s.companies[old].person_ids
    assert [int(i) for i in await sdk.persons.get_associated_company_ids(PersonId(person.id))] == [new]


@pytest.mark.parametrize(("name", "vtype", "given", "param"), [
    ("Round", "dropdown", {"dropdownOptionId": 1}, "value.data"),
    ("Round", "dropdown", 1, "value.data"),
    ("Status", "ranked-dropdown", {"dropdownOptionId": 999_999}, "value.data"),
    ("Sector", "dropdown-multi", [{"dropdownOptionId": 1}], "value.data"),
    ("Amount", "number", "a lot", "value.data"),
    ("Amount", None, "a lot", "value.type"),
    ("Close Date", "datetime", "next Tuesday", "value.data"),
    ("Lead Investor", "company", 70001, "value.data"),
    ("Lead Investor", "company", {"id": 1}, "value.data"),
    ("Owners", "person-multi", [{"id": 1}], "value.data"),
    ("Target MOIC", "formula-number", 3.5, "value"),
])
async def test_invalid_values_are_refused_and_change_nothing(sdk: AsyncAffinity, emu: Emulator, name: str,
                                                             vtype: str | None, given: Any, param: str) -> None:
    entry = _entry(emu, DEAL_PIPELINE_ID)
    f = field(emu, DEAL_PIPELINE_ID, name)
    before = copy.deepcopy(entry.values)
    revision = emu.writes.revision
    with pytest.raises(ValidationError) as info:
        await sdk.lists.entries(ListId(DEAL_PIPELINE_ID)).update_field_value(ListEntryId(entry.id), f.id, given, vtype)
    assert info.value.status_code == 400 and info.value.param == param
    (error,) = info.value.response_body["errors"]  # type: ignore[index]
    assert error["code"] == "validation" and error["param"] == param and f.id in error["message"]
    assert entry.values == before and emu.writes.revision == revision
    assert sent(emu)[-1][2] == 400


async def test_batch_update_is_all_or_nothing(sdk: AsyncAffinity, emu: Emulator) -> None:
    entry = _entry(emu, DEAL_PIPELINE_ID)
    amount, memo, rnd = (field(emu, DEAL_PIPELINE_ID, n) for n in ("Amount", "Memo", "Round"))
    entries = sdk.lists.entries(ListId(DEAL_PIPELINE_ID))
    result = await entries.batch_update_fields(
        ListEntryId(entry.id), {FieldId(amount.id): 9_000_000, FieldId(memo.id): "Closing",
                                FieldId(rnd.id): {"dropdownOptionId": rnd.options[0].id}},
        value_types={FieldId(rnd.id): "dropdown"})
    assert result.operation == "update-fields"
    assert (entry.values[amount.id], entry.values[memo.id], entry.values[rnd.id]) == (9_000_000, "Closing",
                                                                                      rnd.options[0].id)
    assert sent(emu)[-1] == ("PATCH", f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries/{entry.id}/fields", 200, {
        "operation": "update-fields", "updates": [
            {"id": amount.id, "value": {"type": "number", "data": 9_000_000}},
            {"id": memo.id, "value": {"type": "text", "data": "Closing"}},
            {"id": rnd.id, "value": {"type": "dropdown", "data": {"dropdownOptionId": rnd.options[0].id}}}]})
    before = copy.deepcopy(entry.values)
    with pytest.raises(ValidationError):
        await entries.batch_update_fields(ListEntryId(entry.id), {FieldId(amount.id): 1, FieldId(memo.id): 5})
    with pytest.raises(ValidationError):
        await entries.batch_update_fields(ListEntryId(entry.id), {FieldId(amount.id): 1, FieldId(rnd.id): {
            "dropdownOptionId": 1}}, value_types={FieldId(rnd.id): "dropdown"})
    assert entry.values == before


# ---- list membership ------------------------------------------------------------------------


async def test_add_a_company_twice_makes_two_entries(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    cid = _entry(emu, PORTFOLIO_ID).entity_id
    size = s.list_size(PORTFOLIO_ID)
    entries = sdk.lists.entries(ListId(PORTFOLIO_ID))
    added = await entries.add_company(CompanyId(cid))
    assert s.list_size(PORTFOLIO_ID) == size + 1
    assert [e.list_id for e in s.entries_of("company", cid)].count(PORTFOLIO_ID) == 2
    assert s.entries[int(added.id)].creator_id == s.current_user_id
    assert sent(emu) == [("POST", f"/lists/{PORTFOLIO_ID}/list-entries", 200, {"entity_id": cid})]
    assert (await sdk.lists.get_size(ListId(PORTFOLIO_ID))) == size + 1
    found = [int(e.id) for e in await entries.find_all_company(CompanyId(cid))]
    assert int(added.id) in found and len(found) == 2


async def test_add_a_person(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    on_list = {e.entity_id for e in s.list_entries(FOUNDERS_ID)}
    pid = next(p.id for p in s.persons.values() if p.type == "external" and p.id not in on_list)
    added = await sdk.lists.entries(ListId(FOUNDERS_ID)).add_person(PersonId(pid))
    assert s.entries[int(added.id)].entity_id == pid
    assert FOUNDERS_ID in [int(x.id) for x in (await sdk.persons.get_lists(PersonId(pid))).data]
    with pytest.raises(AffinityError):
        await sdk.lists.entries(ListId(PORTFOLIO_ID)).add_person(PersonId(pid))
    assert sent(emu)[-1][2] == 422


async def test_delete_entries(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    entry = _entry(emu, PORTFOLIO_ID)
    assert await sdk.lists.entries(ListId(PORTFOLIO_ID)).delete(ListEntryId(entry.id))
    assert entry.id not in s.entries and entry.entity_id in s.companies
    assert sent(emu) == [("DELETE", f"/lists/{PORTFOLIO_ID}/list-entries/{entry.id}", 200, None)]
    with pytest.raises(NotFoundError):
        await sdk.lists.entries(ListId(PORTFOLIO_ID)).get(ListEntryId(entry.id))

    # On an opportunity list the opportunity goes too, with its reminders; notes forget it.
    deal = next(e for e in s.list_entries(DEAL_PIPELINE_ID)
                if any(r.opportunity_id == e.entity_id for r in s.reminders.values())
                and any(e.entity_id in n.opportunity_ids for n in s.notes.values()))
    oid = deal.entity_id
    assert await sdk.lists.entries(ListId(DEAL_PIPELINE_ID)).delete(ListEntryId(deal.id))
    assert oid not in s.opportunities
    assert not any(r.opportunity_id == oid for r in s.reminders.values())
    assert not any(oid in n.opportunity_ids for n in s.notes.values())
    with pytest.raises(NotFoundError):
        await sdk.opportunities.get(OpportunityId(oid))
    assert [n async for n in sdk.notes.iter(opportunity_id=OpportunityId(oid))] == []
    assert [r async for r in sdk.reminders.iter()]  # every reminder still renders


# ---- v1 field values ------------------------------------------------------------------------


async def test_v1_field_values_create_update_delete(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    pid = next(p.id for p in s.persons.values() if p.type == "external" and
               next(f for f in s.entity_fields("person") if f.name == "Phone").id not in p.values)
    phone = next(f for f in s.entity_fields("person") if f.name == "Phone")
    created = await sdk.field_values.create(FieldValueCreate(field_id=FieldId(phone.id), entity_id=pid,
                                                             value="+1 415 555 0100"))
    assert s.persons[pid].values[phone.id] == "+1 415 555 0100"
    assert sent(emu)[-1] == ("POST", "/field-values", 200, {"field_id": phone.v1_id, "entity_id": pid,
                                                            "value": "+1 415 555 0100"})
    rows = {int(r.id): r for r in await sdk.field_values.list(person_id=PersonId(pid))}
    assert rows[int(created.id)].value == "+1 415 555 0100"

    updated = await sdk.field_values.update(created.id, "+1 415 555 0199")
    assert int(updated.id) == int(created.id) and s.persons[pid].values[phone.id] == "+1 415 555 0199"
    assert sent(emu)[-1] == ("PUT", f"/field-values/{created.id}", 200, {"value": "+1 415 555 0199"})
    assert await sdk.field_values.delete(created.id)
    assert phone.id not in s.persons[pid].values
    assert sent(emu)[-1] == ("DELETE", f"/field-values/{created.id}", 200, None)
    with pytest.raises(NotFoundError):
        await sdk.field_values.delete(created.id)


async def test_v1_field_values_of_multi_and_list_fields(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    entry = _entry(emu, DEAL_PIPELINE_ID)
    sector = field(emu, DEAL_PIPELINE_ID, "Sector")
    entry.values[sector.id] = [sector.options[0].id]
    # A dropdown takes its option's text; each value of a multi-valued field is a row.
    added = await sdk.field_values.create(FieldValueCreate(field_id=FieldId(sector.id), entity_id=entry.entity_id,
                                                           value=sector.options[3].text,
                                                           list_entry_id=ListEntryId(entry.id)))
    assert entry.values[sector.id] == [sector.options[0].id, sector.options[3].id]
    rows = [r for r in await sdk.field_values.list(list_entry_id=ListEntryId(entry.id))
            if str(r.field_id) == sector.id]
    assert [r.value for r in rows] == [sector.options[0].text, sector.options[3].text]
    assert int(added.id) == int(rows[1].id)
    await sdk.field_values.update(rows[0].id, sector.options[5].text)
    assert entry.values[sector.id] == [sector.options[5].id, sector.options[3].id]
    await sdk.field_values.delete(added.id)
    assert entry.values[sector.id] == [sector.options[5].id]
    # Refused: an unknown option, a list field without its entry, a read-only field.
    before = copy.deepcopy(entry.values)
    bad = [FieldValueCreate(field_id=FieldId(sector.id), entity_id=entry.entity_id, value="Quantum",
                            list_entry_id=ListEntryId(entry.id)),
           FieldValueCreate(field_id=FieldId(sector.id), entity_id=entry.entity_id, value=sector.options[1].text)]
    for body in bad:
        with pytest.raises(ValidationError) as info:
            await sdk.field_values.create(body)
        assert sent(emu)[-1][2] == 422
        (error,) = info.value.response_body["errors"]  # type: ignore[index]
        assert set(error) == {"message", "param"}, "v1's envelope has no code"
    assert entry.values == before
