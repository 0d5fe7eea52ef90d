"""Related records, as detail screens read them through the SDK: a company's people and deals, a
person's companies and deals, a deal's people and companies. The SDK reads them from v1
(``GET /persons|organizations|opportunities/{id}``) and fetches the records themselves in one v2
batch (``GET /v2/persons?ids=…``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from affinity import AsyncAffinity
from affinity.types import CompanyId, OpportunityId, PersonId

from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.store import Opportunity

from .conftest import NOW, sdk_client


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW, companies=200, persons=500, scale=260))


@pytest.fixture
async def sdk(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    client = sdk_client(emu, read_only=True)
    emu.log.clear()
    yield client
    await client.close()


def _deal(emu: Emulator) -> Opportunity:
    """A deal whose company has a second deal (the Deal Pipeline wraps around the companies)."""
    s = emu.store
    deals_of: dict[int, list[int]] = {}
    for o in s.opportunities.values():
        deals_of.setdefault(o.company_ids[0], []).append(o.id)
    return next(o for o in s.opportunities.values() if len(deals_of[o.company_ids[0]]) > 1 and len(o.person_ids) == 2)


def _routes(emu: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" + (f"?{r.query}" if r.query else "") for r in emu.log.entries]


def test_the_demo_tenant_relates_deals_companies_and_founders(emu: Emulator) -> None:
    s = emu.store
    for o in s.opportunities.values():
        company = s.companies[o.company_ids[0]]
        assert o.person_ids == company.person_ids[:2], "a deal's people are its company's founders"
        for pid in o.person_ids:
            assert s.persons[pid].company_ids == [company.id], "a founder works at the deal's company"
    founders = [p for p in s.persons.values() if p.values.get("affinity-data-current-job-title") == "CEO & Co-founder"]
    assert founders and all(p.id in s.companies[p.company_ids[0]].person_ids for p in founders)


async def test_a_companys_people_and_deals(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    deal = _deal(emu)
    company = s.companies[deal.company_ids[0]]
    deals = [o.id for o in s.opportunities.values() if company.id in o.company_ids]
    assert len(deals) >= 2
    assert await sdk.companies.get_associated_person_ids(CompanyId(company.id)) == company.person_ids
    assert await sdk.companies.get_associated_opportunity_ids(CompanyId(company.id)) == deals
    people = await sdk.companies.get_associated_people(CompanyId(company.id))
    assert [(int(p.id), p.first_name) for p in people] == [(i, s.persons[i].first_name) for i in company.person_ids]
    ids = "&".join(f"ids={i}" for i in company.person_ids)
    assert _routes(emu) == [f"GET /organizations/{company.id}"] * 3 + [f"GET /v2/persons?{ids}"]


async def test_a_persons_companies_and_deals(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    deal = _deal(emu)
    founder = s.persons[deal.person_ids[0]]
    deals = [o.id for o in s.opportunities.values() if founder.id in o.person_ids]
    assert deal.id in deals
    assert await sdk.persons.get_associated_company_ids(PersonId(founder.id)) == founder.company_ids
    assert await sdk.persons.get_associated_opportunity_ids(PersonId(founder.id)) == deals
    assert _routes(emu) == [f"GET /persons/{founder.id}"] * 2
    # Someone with no deal has none; a team member belongs to the firm.
    loner = next(p for p in s.persons.values() if p.type == "external" and not any(
        p.id in o.person_ids for o in s.opportunities.values()))
    assert await sdk.persons.get_associated_opportunity_ids(PersonId(loner.id)) == []
    me = s.persons[s.current_user_id]
    firm = await sdk.persons.get_associated_company_ids(PersonId(me.id))
    assert [s.companies[int(c)].name for c in firm] == [s.tenant.name]


async def test_a_deals_people_and_companies(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    deal = _deal(emu)
    oid = OpportunityId(deal.id)
    assert await sdk.opportunities.get_associated_person_ids(oid) == deal.person_ids
    assert await sdk.opportunities.get_associated_company_ids(oid) == deal.company_ids
    both = await sdk.opportunities.get_associations(oid)
    assert (both.person_ids, both.company_ids) == (deal.person_ids, deal.company_ids)
    companies = await sdk.opportunities.get_associated_companies(oid)
    assert [c.name for c in companies] == [s.companies[i].name for i in deal.company_ids]
    people = await sdk.opportunities.get_associated_people(oid)
    assert [int(p.id) for p in people] == deal.person_ids
    assert _routes(emu)[:3] == [f"GET /opportunities/{deal.id}"] * 3


async def test_v1_records_carry_their_relations(emu: Emulator) -> None:
    """The raw v1 shapes: what the SDK reads, snake_case as Affinity sends it."""
    import httpx

    s = emu.store
    deal = _deal(emu)
    company = s.companies[deal.company_ids[0]]
    person = s.persons[deal.person_ids[0]]
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 auth=("", emu.api_key)) as http:
        p = (await http.get(f"/persons/{person.id}")).json()
        c = (await http.get(f"/organizations/{company.id}")).json()
        o = (await http.get(f"/opportunities/{deal.id}")).json()
    assert p["organization_ids"] == [company.id] and deal.id in p["opportunity_ids"]
    assert c["person_ids"] == company.person_ids and deal.id in c["opportunity_ids"]
    assert (o["person_ids"], o["organization_ids"]) == (deal.person_ids, [company.id])
    assert [e["list_id"] for e in o["list_entries"]] == [deal.list_id]


async def test_v1_searches_add_deals_when_asked(sdk: AsyncAffinity, emu: Emulator) -> None:
    s = emu.store
    deal = _deal(emu)
    company = s.companies[deal.company_ids[0]]
    deals = [o.id for o in s.opportunities.values() if company.id in o.company_ids]
    found = await sdk.companies.search(company.name, with_opportunities=True)
    hit = next(c for c in found.data if int(c.id) == company.id)
    assert [int(i) for i in hit.opportunity_ids] == deals
    plain = await sdk.companies.search(company.name)
    assert not next(c for c in plain.data if int(c.id) == company.id).opportunity_ids
    founder = s.persons[deal.person_ids[0]]
    people = await sdk.persons.search(founder.primary_email or "", with_opportunities=True)
    assert deal.id in next(p for p in people.data if int(p.id) == founder.id).opportunity_ids
