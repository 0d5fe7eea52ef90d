"""The detail loaders, run with the real SDK against the in-process emulator.

Every test checks its answer against the emulator's store and counts what was sent: each load
makes a bounded number of GETs and nothing writes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from affinity import AsyncAffinity
from affinity.policies import Policies, WritePolicy
from affinity.types import CompanyId, OpportunityId, PersonId

from affinity_tui.data.detail import (
    ENTITY_FIELD_KINDS,
    EntityProfile,
    FieldKind,
    ListMembership,
    load_interactions,
    load_notes,
    load_profile,
    load_reminders,
)
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.serialize import reminder_status
from affinity_tui.emulator.store import Company, EntityType, Interaction, Note, Reminder, TenantStore
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, FOUNDERS_ID, PORTFOLIO_ID

NOW = datetime(2026, 11, 24, tzinfo=UTC)
EMPTY = "—"


def sdk_client(emu: Emulator, transport: httpx.AsyncBaseTransport | None = None) -> AsyncAffinity:
    return AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                         async_transport=transport or emu.transport(),
                         policies=Policies(write=WritePolicy.DENY))


@pytest.fixture(scope="module")
def emu() -> Emulator:
    """One demo tenant for the tests that only read (its request log is cleared per test)."""
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    emu.log.clear()
    c = sdk_client(emu)
    yield c
    await c.close()


def sent(emu: Emulator) -> list[tuple[str, str, str]]:
    """(api, method, path) of every request, after checking that none wrote."""
    entries = emu.log.entries
    assert emu.log.writes == []
    assert all(e.method == "GET" and e.status == 200 for e in entries), [(e.method, e.path, e.status)
                                                                         for e in entries]
    return [(e.api, e.method, e.path) for e in entries]


def parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def option_text(store: TenantStore, list_id: int, field_name: str, option_id: int) -> str:
    field = next(f for f in store.list_fields(list_id) if f.name == field_name and f.list_id == list_id)
    option = field.option(option_id)
    assert option is not None
    return option.text


def check_entity_groups(profile: EntityProfile, store: TenantStore, kind: EntityType,
                        values: dict[str, object]) -> None:
    """Each entity group holds exactly the store's fields of that kind; empties show "—"."""
    for field_kind in ENTITY_FIELD_KINDS:
        group = profile.group(field_kind)
        assert group is not None and group.fetched and group.status_text == ""
        expected = [f for f in store.entity_fields(kind) if f.kind == field_kind]
        assert [line.field_id for line in group.fields] == [f.id for f in expected]
        assert [line.name for line in group.fields] == [f.name for f in expected]
        for line in group.fields:
            has_value = values.get(line.field_id) not in (None, [])
            assert line.empty is not has_value, line
            assert (line.text == EMPTY) is not has_value, line


# ---- profile -------------------------------------------------------------------------------
async def test_portfolio_company_profile(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    entry = store.list_entries(PORTFOLIO_ID)[0]
    company = store.companies[entry.entity_id]
    profile = await load_profile(client, "company", CompanyId(company.id), tz=UTC)

    assert (profile.kind, profile.entity_id, profile.name) == ("company", company.id, company.name)
    assert profile.domain == company.domain and profile.domains == tuple(company.domains)
    assert profile.url_path == f"/companies/{company.id}"
    check_entity_groups(profile, store, "company", company.values)
    location = profile.group("enriched").fields[1]  # type: ignore[union-attr]
    assert location.name == "Location" and location.source == "Affinity Data"
    assert location.text == f"{company.values['affinity-data-location']['city']}, " \
                            f"{company.values['affinity-data-location']['country']}"

    portfolio = profile.group("list", "Portfolio")
    assert portfolio is not None and portfolio.fetched
    assert (portfolio.list_id, portfolio.entry_id) == (PORTFOLIO_ID, entry.id)
    own = [f for f in store.list_fields(PORTFOLIO_ID) if f.kind == "list"]
    assert [line.field_id for line in portfolio.fields] == [f.id for f in own]
    shown = {line.name: line for line in portfolio.fields}
    by_name = {f.name: f.id for f in own}
    assert shown["Health"].text == option_text(store, PORTFOLIO_ID, "Health", entry.values[by_name["Health"]])
    assert shown["Health"].style is not None  # a coloured ranked dropdown
    assert shown["Invested (USD)"].text == f"${entry.values[by_name['Invested (USD)']]:,}"
    assert shown["Fund"].text == option_text(store, PORTFOLIO_ID, "Fund", entry.values[by_name["Fund"]])
    assert shown["Board Member"].empty is (by_name["Board Member"] not in entry.values)

    memberships = {(e.list_id, e.id) for e in store.entries_of("company", company.id)}
    assert {(m.list_id, m.entry_ids[0]) for m in profile.lists} == memberships
    assert {m.name for m in profile.lists} == {store.lists[lid].name for lid, _ in memberships}
    assert profile.lists_complete
    assert sorted(sent(emu)) == sorted([("v2", "GET", f"/v2/companies/{company.id}"),
                                        ("v2", "GET", f"/v2/companies/{company.id}/lists"),
                                        ("v2", "GET", f"/v2/companies/{company.id}/list-entries")])


async def test_founder_person_profile(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    entry = store.list_entries(FOUNDERS_ID)[0]
    person = store.persons[entry.entity_id]
    profile = await load_profile(client, "person", PersonId(person.id), tz=UTC)

    assert profile.name == person.full_name
    assert profile.person_type == "external"
    assert profile.emails == tuple(person.emails) and profile.email == person.primary_email
    check_entity_groups(profile, store, "person", person.values)
    founders = profile.group("list", "Founders")
    assert founders is not None and founders.fetched
    rating = next(line for line in founders.fields if line.name == "Founder Rating")
    rating_id = next(f.id for f in store.list_fields(FOUNDERS_ID) if f.name == "Founder Rating")
    assert rating.text == option_text(store, FOUNDERS_ID, "Founder Rating", entry.values[rating_id])
    assert profile.lists == (ListMembership(FOUNDERS_ID, "Founders", (entry.id,)),)  # type: ignore[arg-type]
    assert len(sent(emu)) == 3


async def test_opportunity_profile_reads_its_list_entry(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    fields = {f.name: f for f in store.list_fields(DEAL_PIPELINE_ID)}
    entry = next(e for e in store.list_entries(DEAL_PIPELINE_ID)
                 if fields["Amount"].id in e.values and fields["Memo"].id not in e.values)
    opportunity = store.opportunities[entry.entity_id]
    profile = await load_profile(client, "opportunity", OpportunityId(opportunity.id), tz=UTC)

    assert (profile.name, profile.url_path) == (opportunity.name, f"/opportunities/{opportunity.id}")
    assert profile.lists == (ListMembership(DEAL_PIPELINE_ID, "Deal Pipeline", (entry.id,)),)  # type: ignore[arg-type]
    (group,) = profile.groups
    assert (group.kind, group.title, group.fetched, group.entry_id) == ("list", "Deal Pipeline", True, entry.id)
    assert [line.field_id for line in group.fields] == [f.id for f in store.list_fields(DEAL_PIPELINE_ID)]
    shown = {line.name: line for line in group.fields}
    assert shown["Status"].text == fields["Status"].option(entry.values[fields["Status"].id]).text  # type: ignore[union-attr]
    assert shown["Amount"].text == f"${entry.values[fields['Amount'].id]:,}"
    assert (shown["Memo"].text, shown["Memo"].empty) == (EMPTY, True)
    assert shown["Organizations"].text == ", ".join(store.companies[c].name for c in opportunity.company_ids)
    requests = sent(emu)
    assert requests[0] == ("v1", "GET", f"/opportunities/{opportunity.id}")  # which entry it is
    assert sorted(requests[1:]) == [("v2", "GET", f"/v2/lists/{DEAL_PIPELINE_ID}"),
                                    ("v2", "GET", f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries/{entry.id}")]


async def test_groups_not_requested_are_not_fetched_rather_than_empty(client: AsyncAffinity,
                                                                      emu: Emulator) -> None:
    cid = emu.store.list_entries(PORTFOLIO_ID)[0].entity_id

    lists_only: tuple[FieldKind, ...] = ("list",)
    global_only: tuple[FieldKind, ...] = ("global",)
    only_lists = await load_profile(client, "company", CompanyId(cid), include=lists_only)
    for kind in ENTITY_FIELD_KINDS:
        group = only_lists.group(kind)
        assert group is not None and not group.fetched and group.fields == ()
        assert group.status_text == "not fetched"
    assert only_lists.group("list", "Portfolio").fetched  # type: ignore[union-attr]
    first = emu.log.entries
    assert any(e.path == f"/v2/companies/{cid}" and e.query == "" for e in first)  # no field data asked
    emu.log.clear()

    only_global = await load_profile(client, "company", CompanyId(cid), include=global_only)
    assert only_global.group("global").fetched  # type: ignore[union-attr]
    assert not only_global.group("enriched").fetched  # type: ignore[union-attr]
    portfolio = only_global.group("list", "Portfolio")
    assert portfolio is not None and not portfolio.fetched and portfolio.status_text == "not fetched"
    paths = [path for _, _, path in sent(emu)]
    assert sorted(paths) == sorted([f"/v2/companies/{cid}", f"/v2/companies/{cid}/lists"])


async def test_company_on_no_list_with_empty_fields(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    on_lists = {e.entity_id for e in store.entries.values() if e.entity_type == "company"}
    tags = next(f for f in store.entity_fields("company") if f.name == "Tags")
    company: Company = next(c for c in store.companies.values()
                            if c.id not in on_lists and tags.id not in c.values)
    profile = await load_profile(client, "company", CompanyId(company.id))
    assert profile.lists == () and [g.kind for g in profile.groups] == list(ENTITY_FIELD_KINDS)
    line = next(line for line in profile.group("global").fields if line.field_id == tags.id)  # type: ignore[union-attr]
    assert (line.text, line.empty) == (EMPTY, True)
    assert len(sent(emu)) == 3


# ---- notes ---------------------------------------------------------------------------------
def _newest_first(notes: list[Note]) -> list[int]:
    return [n.id for n in sorted(notes, key=lambda n: (n.created_at, n.id), reverse=True)]


async def test_person_notes_newest_first_as_readable_text(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    pid, notes = next((p, store.notes_for("person", p)) for p in store.persons
                      if len(store.notes_for("person", p)) >= 3)
    views = await load_notes(client, "person", PersonId(pid), tz=UTC)

    assert [int(v.id) for v in views] == _newest_first(notes)[:20]
    for view in views:
        note = store.notes[int(view.id)]
        assert view.creator_name == store.persons[note.creator_id].full_name
        assert view.created == parse(note.created_at).strftime("%Y-%m-%d %H:%M")
        assert view.text and "<" not in view.text and "&lt;" not in view.text
        if "<li>" in note.html:
            assert "\n• " in view.text or "\n1. " in view.text
        if note.mention_ids:
            assert f"@{store.persons[note.mention_ids[0]].full_name}" in view.text
    assert sent(emu) == [("v2", "GET", f"/v2/persons/{pid}/notes")]

    emu.log.clear()
    two = await load_notes(client, "person", PersonId(pid), limit=2)
    assert [int(v.id) for v in two] == _newest_first(notes)[:2]


async def test_company_and_opportunity_notes(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    for kind, ident in (("company", CompanyId(store.list_entries(PORTFOLIO_ID)[0].entity_id)),
                        ("opportunity", OpportunityId(next(o for o in store.opportunities
                                                           if len(store.notes_for("opportunity", o)) >= 2)))):
        emu.log.clear()
        views = await load_notes(client, kind, ident)  # type: ignore[arg-type]
        assert [int(v.id) for v in views] == _newest_first(store.notes_for(kind, int(ident)))[:20]  # type: ignore[arg-type]
        assert len(sent(emu)) == 1


async def test_hostile_note_comes_out_literally(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    note = next(n for n in store.notes.values() if "[bold]Not markup" in n.html)
    views = await load_notes(client, "company", CompanyId(note.company_ids[0]), limit=100)
    (view,) = [v for v in views if int(v.id) == note.id]
    # The demo note carries a real ESC sequence: it is removed whole, the markup stays literal.
    assert view.text == ("[bold]Not markup[/bold] <script>alert(1)</script> and "
                         "[link=https://evil.example]click[/link]")
    assert "\x1b" not in view.text


async def test_real_escape_sequences_in_notes_are_defanged(emulator: Emulator) -> None:
    note = next(n for n in emulator.store.notes.values() if "[bold]Not markup" in n.html)
    note.html = ("<p>\x1b[2J\x1b]0;pwned\x07[bold]x[/bold] &#27;[31mred &#x9b;2J \x1b]52;c;ZXZpbA==\x07"
                 "clip\x00 \u202eevil</p>")
    async with sdk_client(emulator) as c:
        views = await load_notes(c, "company", CompanyId(note.company_ids[0]), limit=100)
    (view,) = [v for v in views if int(v.id) == note.id]
    assert view.text.startswith("[bold]x[/bold] ")
    assert not any(ch in view.text for ch in "\x1b\x9b\x07\x00\u202e")
    assert "pwned" not in view.text and "ZXZpbA" not in view.text
    assert "clip" in view.text and "evil" in view.text


class RefuseV2Notes(httpx.AsyncBaseTransport):
    """Answers 403 to v2 per-entity notes (as Affinity may for beta endpoints)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v2/") and request.url.path.endswith("/notes"):
            self.refused += 1
            return httpx.Response(403, json={"errors": [{"code": "permission-denied", "message": "No"}]})
        return await self.inner.handle_async_request(request)


async def test_notes_fall_back_to_v1_when_v2_is_refused(emu: Emulator) -> None:
    store = emu.store
    pid, notes = next((p, store.notes_for("person", p)) for p in store.persons
                      if len(store.notes_for("person", p)) >= 3)
    emu.log.clear()
    transport = RefuseV2Notes(emu.transport())
    async with sdk_client(emu, transport) as c:
        views = await load_notes(c, "person", PersonId(pid), tz=UTC)
    assert transport.refused == 1
    assert [int(v.id) for v in views] == _newest_first(notes)[:20]
    for view in views:
        note = store.notes[int(view.id)]
        assert view.creator_name == store.persons[note.creator_id].full_name
        assert "**" not in view.text and "<" not in view.text and view.text
    assert sorted(path for _, _, path in sent(emu)) == ["/notes", "/v2/persons"]  # + 1 for the names


# ---- reminders -----------------------------------------------------------------------------
async def test_reminder_statuses_order_and_owner_names(emulator: Emulator) -> None:
    store = emulator.store
    oid = store.list_entries(DEAL_PIPELINE_ID)[0].entity_id
    day = timedelta(days=1)

    def add(rid: int, owner: int, due: datetime, **kw: object) -> None:
        store.reminders[rid] = Reminder(id=rid, type=kw.pop("type", "one-time"), owner_id=owner,  # type: ignore[arg-type]
                                        creator_id=owner, content=f"reminder {rid}",
                                        due_date=due.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        created_at="2026-01-01T00:00:00Z", opportunity_id=oid, **kw)  # type: ignore[arg-type]

    add(900001, 50002, NOW - 3 * day)
    add(900002, 50003, NOW + 5 * day)
    add(900003, 50004, NOW - 10 * day, completed_at=(NOW - 9 * day).strftime("%Y-%m-%dT%H:%M:%SZ"),
        completer_id=50004)
    add(900004, 50001, NOW + 1 * day, type="recurring", period_days=30, reset_trigger="interaction")
    add(900005, 50005, NOW - 20 * day, completed_at=(NOW - 19 * day).strftime("%Y-%m-%dT%H:%M:%SZ"))
    mine = [r for r in store.reminders.values() if r.opportunity_id == oid]

    async with sdk_client(emulator) as c:
        views = await load_reminders(c, "opportunity", OpportunityId(oid), tz=UTC)
        assert {int(v.id): v.status for v in views} == {r.id: reminder_status(r, emulator.now_iso()) for r in mine}
        statuses = [v.status for v in views]
        assert statuses == sorted(statuses, key=["overdue", "active", "completed"].index)
        active = [v.due_at for v in views if v.status == "active"]
        completed = [v.due_at for v in views if v.status == "completed"]
        assert active == sorted(active) and completed == sorted(completed, reverse=True)
        for view in views:
            reminder = store.reminders[int(view.id)]
            assert view.owner_name == store.persons[reminder.owner_id].full_name
            assert view.content == (reminder.content or "")
        recurring = next(v for v in views if int(v.id) == 900004)
        assert (recurring.recurrence, recurring.status) == ("every 30 days", "active")
        assert [p for _, _, p in sent(emulator)] == ["/v2/reminders", "/v2/persons"]

        emulator.log.clear()
        known = {pid: store.persons[pid].full_name for pid in store.persons if store.persons[pid].type == "internal"}
        again = await load_reminders(c, "opportunity", OpportunityId(oid), known_names=known)
        assert again == await load_reminders(c, "opportunity", OpportunityId(oid), known_names=known)
        assert [p for _, _, p in sent(emulator)] == ["/v2/reminders", "/v2/reminders"]  # no name lookup


async def test_person_reminders_match_the_store(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    person_ids = sorted({r.person_id for r in store.reminders.values() if r.person_id})[:4]
    for pid in person_ids:
        views = await load_reminders(client, "person", PersonId(pid))
        expected = {r.id: reminder_status(r, emu.now_iso()) for r in store.reminders.values() if r.person_id == pid}
        assert {int(v.id): v.status for v in views} == expected
    assert len(sent(emu)) <= 2 * len(person_ids)


# ---- interactions --------------------------------------------------------------------------
def _in_window(it: Interaction) -> bool:
    return NOW - timedelta(days=365) <= parse(it.date) < NOW


def _expected(store: TenantStore, people: set[int]) -> list[Interaction]:
    found = [i for i in store.interactions.values()
             if i.kind in ("email", "meeting") and people.intersection(i.person_ids) and _in_window(i)]
    return sorted(found, key=lambda i: (parse(i.date), i.id), reverse=True)


async def test_person_interactions_within_the_window_only(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store

    def timeline(pid: int) -> list[Interaction]:
        return [i for i in store.interactions.values() if pid in i.person_ids]

    pid = next(p for p, person in store.persons.items() if person.type == "external"
               and {i.kind for i in timeline(p) if _in_window(i)} == {"email", "meeting"}
               and any(parse(i.date) < NOW - timedelta(days=365) for i in timeline(p))
               and any(parse(i.date) >= NOW for i in timeline(p)))  # old and upcoming: both outside
    views = await load_interactions(client, "person", PersonId(pid), NOW, tz=UTC)

    expected = _expected(store, {pid})
    assert [v.id for v in views] == [i.id for i in expected]
    assert all(NOW - timedelta(days=365) <= v.at < NOW for v in views)
    for view, it in zip(views, expected, strict=True):
        assert view.kind == it.kind and view.subject == it.title
        assert view.participants == tuple(store.persons[p].full_name for p in it.person_ids)
        assert view.when == parse(it.date).strftime("%Y-%m-%d %H:%M")
        assert (view.direction != "") is (it.kind == "email")
    log = emu.log.entries
    assert sorted(e.query.split("type=")[1] for e in log) == ["0", "3"]  # meetings and emails
    assert [(api, path) for api, _, path in sent(emu)] == [("v1", "/interactions")] * 2


async def test_company_and_opportunity_interactions(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    company = store.companies[store.list_entries(PORTFOLIO_ID)[0].entity_id]
    views = await load_interactions(client, "company", CompanyId(company.id), NOW)
    assert [v.id for v in views] == [i.id for i in _expected(store, set(company.person_ids))][:20]
    opportunity = store.opportunities[store.list_entries(DEAL_PIPELINE_ID)[0].entity_id]
    views = await load_interactions(client, "opportunity", OpportunityId(opportunity.id), NOW, limit=1)
    assert [v.id for v in views] == [i.id for i in _expected(store, set(opportunity.person_ids))][:1]
    assert len(sent(emu)) == 4


async def test_internal_person_has_no_interactions_rather_than_an_error(client: AsyncAffinity,
                                                                        emu: Emulator) -> None:
    assert await load_interactions(client, "person", PersonId(emu.store.current_user_id), NOW) == []
    assert emu.log.writes == [] and len(emu.log.entries) == 2


async def test_everything_for_one_entity_is_a_handful_of_requests(client: AsyncAffinity, emu: Emulator) -> None:
    pid = PersonId(emu.store.list_entries(FOUNDERS_ID)[0].entity_id)
    await load_profile(client, "person", pid)
    await load_notes(client, "person", pid)
    await load_reminders(client, "person", pid)
    await load_interactions(client, "person", pid, NOW)
    assert len(sent(emu)) <= 3 + 1 + 2 + 2
