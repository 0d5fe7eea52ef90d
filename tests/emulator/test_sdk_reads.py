"""The real affinity-sdk AsyncAffinity, reading the demo tenant through the emulator.

Every read the SDK makes for the app is exercised here, and the answers are checked against the
store itself (counts across all pages, brute-force evaluation of filters and saved views).
"""

from __future__ import annotations

from datetime import timedelta

from affinity import AsyncAffinity
from affinity.exceptions import NotFoundError
from affinity.filters import parse
from affinity.types import (
    CompanyId,
    FieldType,
    InteractionType,
    ListId,
    OpportunityId,
    PersonId,
    SavedViewId,
)

from affinity_tui.emulator import Emulator
from affinity_tui.emulator.tenant import CO_INVESTORS_ID, DEAL_PIPELINE_ID, FOUNDERS_ID, PORTFOLIO_ID

from .conftest import NOW


async def test_whoami(client: AsyncAffinity, shared_emu: Emulator) -> None:
    me = await client.whoami()
    assert me.tenant.name == "Harbor Peak Ventures"
    assert me.tenant.subdomain == "harborpeak"
    assert me.user.id == shared_emu.store.current_user_id


async def test_rate_limit_refresh_and_snapshot(client: AsyncAffinity) -> None:
    await client.whoami()
    snap = client.rate_limits.snapshot()
    assert snap.api_key_per_minute.limit == 900
    assert snap.api_key_per_minute.remaining is not None and snap.api_key_per_minute.remaining < 900
    assert snap.org_monthly.limit == 100_000
    fresh = await client.rate_limits.refresh()
    assert fresh.source == "endpoint"
    assert fresh.api_key_per_minute.limit == 900


async def test_lists_with_sizes(client: AsyncAffinity, shared_emu: Emulator) -> None:
    lists = [lst async for lst in client.lists.all()]
    names = {lst.name: lst for lst in lists}
    assert set(names) == {"Deal Pipeline", "Portfolio", "Founders", "Co-investors"}
    for lst in lists:
        assert await client.lists.get_size(lst.id) == shared_emu.store.list_size(int(lst.id))
    one = await client.lists.get(ListId(DEAL_PIPELINE_ID))
    assert one.name == "Deal Pipeline"


async def test_list_fields_with_filterability_and_dropdown_options(client: AsyncAffinity) -> None:
    fields = await client.lists.get_fields(ListId(DEAL_PIPELINE_ID), includes=["filterability"])
    by_name = {f.name: f for f in fields}
    assert {"Status", "Owners", "Amount", "Close Date", "Sector"} <= set(by_name)
    status = by_name["Status"]
    assert status.filterability is not None
    options = await client.lists.get_field_dropdown_options(ListId(DEAL_PIPELINE_ID), status.id)
    assert [o.text for o in options] == ["Sourced", "Screening", "Diligence", "IC Review", "Term Sheet",
                                         "Closed Won", "Passed"]
    assert options[0].color == "gray"


async def test_entries_all_pages_count_equals_list_size(client: AsyncAffinity, shared_emu: Emulator) -> None:
    shared_emu.log.clear()
    seen: list[int] = []
    async for page in client.lists.entries(ListId(DEAL_PIPELINE_ID)).pages(field_types=[FieldType.LIST], limit=100):
        seen += [int(e.id) for e in page.data]
        for e in page.data:
            assert e.entity.fields.requested
    size = shared_emu.store.list_size(DEAL_PIPELINE_ID)
    assert len(seen) == size == len(set(seen))
    gets = [r for r in shared_emu.log.entries if r.path.endswith("/list-entries")]
    assert len(gets) == -(-size // 100)


async def test_entry_field_values_match_store(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    entry = store.list_entries(DEAL_PIPELINE_ID)[3]
    got = await client.lists.entries(ListId(DEAL_PIPELINE_ID)).get(entry.id, field_types=[FieldType.LIST])
    status_field = next(f for f in store.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    value = got.entity.fields.get_value(status_field.id)
    assert value.text == status_field.option(entry.values[status_field.id]).text


async def test_no_field_data_unless_asked(client: AsyncAffinity) -> None:
    page = await client.lists.entries(ListId(PORTFOLIO_ID)).list(limit=5)
    assert page.data and all(not e.entity.fields.requested for e in page.data)


async def test_companies_persons_opportunities_paging(client: AsyncAffinity, shared_emu: Emulator) -> None:
    count = 0
    async for page in client.companies.pages(field_types=[FieldType.ENRICHED, FieldType.GLOBAL], limit=100):
        count += len(page.data)
        assert all(c.fields.requested for c in page.data)
    assert count == len(shared_emu.store.companies)
    persons = [p async for p in client.persons.all()]
    assert len(persons) == len(shared_emu.store.persons)
    opps = [o async for o in client.opportunities.all()]
    assert len(opps) == len(shared_emu.store.opportunities)


async def test_get_entities_and_v1_fallback_on_404(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    cid = next(iter(store.companies))
    company = await client.companies.get(CompanyId(cid), field_types=[FieldType.ENRICHED])
    assert company.name == store.companies[cid].name
    assert company.fields.get_value("affinity-data-location")["city"]
    pid = next(p.id for p in store.persons.values() if p.type == "external")
    person = await client.persons.get(PersonId(pid))
    assert person.first_name == store.persons[pid].first_name
    opp_id = next(iter(store.opportunities))
    opp = await client.opportunities.get(OpportunityId(opp_id))
    assert opp.name == store.opportunities[opp_id].name
    shared_emu.log.clear()
    try:
        await client.companies.get(CompanyId(1))
    except NotFoundError:
        pass
    else:
        raise AssertionError("expected NotFoundError")
    paths = [r.path for r in shared_emu.log.entries]
    assert paths == ["/v2/companies/1", "/organizations/1"]


async def test_v1_term_search(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    person = next(p for p in store.persons.values() if p.type == "external")
    page = await client.persons.search(person.emails[0])
    assert [p.id for p in page.data] == [person.id]
    company = store.companies[person.company_ids[0]]
    found = await client.companies.search(company.domain or company.name)
    assert company.id in [c.id for c in found.data]
    hits = [o async for o in client.opportunities.search_all("Series")]
    assert len(hits) == sum(1 for o in store.opportunities.values() if "series" in o.name.lower())


async def test_filter_pushdown_matches_brute_force(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    fields = {f.name: f for f in store.list_fields(DEAL_PIPELINE_ID)}
    status, amount = fields["Status"], fields["Amount"]
    diligence = status.option_by_text("Diligence")
    assert diligence is not None
    expected = {e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                if e.values.get(status.id) == diligence.id and (e.values.get(amount.id) or 0) > 1_000_000}
    assert expected, "the demo tenant should have $1M+ deals in diligence"
    shared_emu.log.clear()
    got: set[int] = set()
    async for page in client.lists.entries(ListId(DEAL_PIPELINE_ID)).pages(
            filter=parse('Status = "Diligence" & Amount > 1000000')):
        got |= {int(e.id) for e in page.data}
    assert got == expected
    assert any(r.path.endswith("/list-entries/search") and r.method == "POST" and r.status == 201
               for r in shared_emu.log.entries)


async def test_multi_value_and_not_null_filters(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    fields = {f.name: f for f in store.list_fields(DEAL_PIPELINE_ID)}
    owners, sector = fields["Owners"], fields["Sector"]
    fin = sector.option_by_text("Fintech")
    assert fin is not None
    expected = {e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                if e.values.get(owners.id) and fin.id in (e.values.get(sector.id) or [])}
    got: set[int] = set()
    async for page in client.lists.entries(ListId(DEAL_PIPELINE_ID)).pages(
            filter=parse('Owners = * & Sector = "Fintech"')):
        got |= {int(e.id) for e in page.data}
    assert got == expected


async def test_saved_views_apply_filters_server_side(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    views = await client.lists.get_saved_views(ListId(DEAL_PIPELINE_ID))
    by_name = {v.name: v for v in views.data}
    assert {"Active deals", "My deals"} <= set(by_name)
    view = await client.lists.get_saved_view(ListId(DEAL_PIPELINE_ID), SavedViewId(by_name["My deals"].id))
    owners = next(f for f in store.list_fields(DEAL_PIPELINE_ID) if f.name == "Owners")
    expected = [e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                if store.current_user_id in (e.values.get(owners.id) or [])]
    # affinity-sdk 2.0.6 has no async saved-view entries call (only the sync
    # ListEntryService.from_saved_view): the private HTTP client is the only async door, and it
    # is what the app's data layer uses (data/sdk_gaps.py).
    got: list[int] = []
    url: str | None = f"/lists/{DEAL_PIPELINE_ID}/saved-views/{view.id}/list-entries"
    data = await client._http.get(url, params={"limit": 100})
    while True:
        got += [e["id"] for e in data["data"]]
        for e in data["data"]:
            assert {f["id"] for f in e["entity"]["fields"]} <= set(store.saved_views[int(view.id)].field_ids)
        url = data["pagination"]["nextUrl"]
        if not url:
            break
        data = await client._http.get_url(url)
    assert got == expected and expected


async def test_entity_memberships_notes_reminders_interactions(client: AsyncAffinity, shared_emu: Emulator) -> None:
    store = shared_emu.store
    entry = store.list_entries(PORTFOLIO_ID)[0]
    cid = CompanyId(entry.entity_id)
    lists = await client.companies.get_lists(cid)
    assert PORTFOLIO_ID in [int(lst.id) for lst in lists.data]
    entries = await client.companies.get_list_entries(cid)
    assert entry.id in [int(e.id) for e in entries.data]
    # Notes: v1 per person and v2 per company.
    note = next(n for n in store.notes.values() if n.person_ids)
    v1_notes = await client.notes.list(person_id=PersonId(note.person_ids[0]))
    assert note.id in [int(n.id) for n in v1_notes.data]
    company_notes = await client.companies.list_notes(CompanyId(note.company_ids[0]))
    assert note.id in [int(n.id) for n in company_notes.data]
    # Reminders (v2, filtered server-side).
    rem = next(r for r in store.reminders.values() if r.opportunity_id)
    page = await client.reminders.list(opportunity_id=OpportunityId(rem.opportunity_id))
    assert {int(r.id) for r in page.data} == {r.id for r in store.reminders.values()
                                               if r.opportunity_id == rem.opportunity_id}
    # Interactions (v1, needs type + window + one entity).
    window_start = NOW - timedelta(days=365)
    it = next(i for i in store.interactions.values()
              if i.kind == "email" and i.date >= window_start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    external = next(p for p in it.person_ids if store.persons[p].type == "external")
    emails = await client.interactions.list(type=InteractionType.EMAIL, start_time=NOW - timedelta(days=365),
                                            end_time=NOW, person_id=PersonId(external))
    assert it.id in [int(i.id) for i in emails.data]
    # Relationship strengths (v1).
    strengths = await client.relationships.get(PersonId(external))
    assert strengths and all(0 <= s.strength <= 1 for s in strengths)


async def test_founders_and_coinvestor_lists_have_people_and_companies(client: AsyncAffinity) -> None:
    founders = await client.lists.entries(ListId(FOUNDERS_ID)).list(limit=3, field_types=[FieldType.LIST])
    assert all(e.type == "person" for e in founders.data)
    co = await client.lists.entries(ListId(CO_INVESTORS_ID)).list(limit=3)
    assert all(e.type == "company" for e in co.data)


async def test_interaction_window_compares_instants_whatever_the_offset(shared_emu: Emulator) -> None:
    import httpx

    store = shared_emu.store
    window_start = NOW - timedelta(days=365)
    it = next(i for i in store.interactions.values()
              if i.kind == "email" and i.date >= window_start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    external = next(p for p in it.person_ids if store.persons[p].type == "external")
    from datetime import datetime as dt, timezone

    at = dt.fromisoformat(it.date.replace("Z", "+00:00"))
    pacific = timezone(timedelta(hours=-8))
    window = {"type": "3", "person_id": str(external),
              "start_time": (at - timedelta(minutes=1)).astimezone(pacific).isoformat(),
              "end_time": (at + timedelta(minutes=1)).astimezone(pacific).isoformat()}
    async with httpx.AsyncClient(transport=shared_emu.transport(), base_url=shared_emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {shared_emu.api_key}"}) as http:
        emails = (await http.get("/interactions", params=window)).json()["emails"]
    assert it.id in [e["id"] for e in emails]


async def test_filter_query_on_notes_and_emails(shared_emu: Emulator) -> None:
    import httpx

    store = shared_emu.store
    creator = next(iter(store.notes.values())).creator_id
    async with httpx.AsyncClient(transport=shared_emu.transport(), base_url=shared_emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {shared_emu.api_key}"}) as http:
        notes = (await http.get("/v2/notes", params={"filter": f"creator.id={creator}", "limit": 100,
                                                      "totalCount": "true"})).json()
        assert notes["pagination"]["totalCount"] == sum(
            1 for n in store.notes.values() if n.creator_id == creator and n.parent_id is None)
        emails = (await http.get("/v2/emails", params={"filter": "sentAt>=2026-11-01T00:00:00Z"})).json()
        assert emails["data"] and all(e["sentAt"] >= "2026-11-01T00:00:00Z" for e in emails["data"])
        bad = await http.get("/v2/notes", params={"filter": "creator.id="})
        assert bad.status_code == 400 and bad.json()["errors"][0]["param"] == "filter"
