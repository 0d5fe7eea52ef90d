"""Field metadata fetched once per session, default columns, lookup by name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from affinity import AsyncAffinity
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId

from affinity_tui.data.fields import FieldCatalog
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, PORTFOLIO_ID

NOW = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.fixture(scope="module")
def shared() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(shared: Emulator) -> AsyncIterator[AsyncAffinity]:
    shared.log.clear()
    c = AsyncAffinity(shared.api_key, v1_base_url=shared.v1_base_url, v2_base_url=shared.v2_base_url,
                      async_transport=shared.transport(), policies=Policies(write=WritePolicy.DENY))
    yield c
    await c.close()


def requests_to(emu: Emulator, path: str) -> int:
    return sum(1 for r in emu.log.entries if r.path == path)


async def test_list_fields_are_fetched_once_until_refresh(client: AsyncAffinity, shared: Emulator) -> None:
    catalog = FieldCatalog(client)
    path = f"/v2/lists/{PORTFOLIO_ID}/fields"
    assert catalog.cached_list(ListId(PORTFOLIO_ID)) is None
    first, second, third = await asyncio.gather(*(catalog.for_list(ListId(PORTFOLIO_ID)) for _ in range(3)))
    assert first is second is third and requests_to(shared, path) == 1
    assert catalog.cached_list(ListId(PORTFOLIO_ID)) is first
    catalog.refresh()
    assert catalog.cached_list(ListId(PORTFOLIO_ID)) is None
    await catalog.for_list(ListId(PORTFOLIO_ID))
    assert requests_to(shared, path) == 2


async def test_default_columns_list_fields_then_global(client: AsyncAffinity, shared: Emulator) -> None:
    fields = await FieldCatalog(client).for_list(ListId(PORTFOLIO_ID))
    store_fields = shared.store.list_fields(PORTFOLIO_ID)
    own = [f.name for f in store_fields if f.kind == "list"]
    global_ = [f.name for f in store_fields if f.kind == "global"]
    assert [f.name for f in fields.default_columns()] == own + global_
    assert own[0] == "Health" and global_[0] == "Source"
    opt_in = {f.type for f in fields.opt_in_columns()}
    assert opt_in == {"enriched", "relationship-intelligence"}
    assert not {f.type for f in fields.default_columns()} & opt_in


async def test_lookup_by_name_ignores_case(client: AsyncAffinity) -> None:
    fields = await FieldCatalog(client).for_list(ListId(DEAL_PIPELINE_ID))
    status = fields.named("  status ")
    assert status is not None and status.name == "Status" and fields.by_id(str(status.id)) is status
    assert fields.named("Close date") is not None and fields.named("Nope") is None
    assert fields.names[:4] == ["Status", "Owners", "Amount", "Close Date"]
    assert len(fields.names) == len(set(fields.names))


async def test_entity_fields_cached_and_opportunities_have_none(client: AsyncAffinity, shared: Emulator) -> None:
    catalog = FieldCatalog(client)
    people = await catalog.for_entities("person")
    assert await catalog.for_entities("person") is people
    assert {f.name for f in people.fields} == {f.name for f in shared.store.entity_fields("person")}
    companies = await catalog.for_entities("company")
    assert companies.named("location") is not None
    assert (await catalog.for_entities("opportunity")).fields == ()
    assert requests_to(shared, "/v2/persons/fields") == 1 == requests_to(shared, "/v2/companies/fields")
    assert not any(r.path.startswith("/v2/opportunities") for r in shared.log.entries)


async def test_the_sdk_filter_planner_is_handed_what_the_catalog_read(client: AsyncAffinity, shared: Emulator) -> None:
    """A filter's search goes at once: the planner asks for neither the fields nor the options."""
    from affinity.filters import parse

    from affinity_tui.data.sdk_gaps import filtered_entry_pages, seed_filter_planner

    catalog = FieldCatalog(client)
    fields = await catalog.with_options(ListId(DEAL_PIPELINE_ID))
    assert seed_filter_planner(client, ListId(DEAL_PIPELINE_ID), fields.fields)
    shared.log.clear()
    pages = filtered_entry_pages(client, ListId(DEAL_PIPELINE_ID), parse('Status = "Diligence"'), [])
    matched, scanned, _ = await anext(pages)
    await pages.aclose()  # type: ignore[attr-defined]
    assert matched and scanned
    assert [r.path for r in shared.log.entries] == [f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries/search"]


async def test_fields_read_without_the_planner_includes_are_not_handed_over(client: AsyncAffinity) -> None:
    """Without ``filterability`` the planner would take no field as searchable and read every entry."""
    from affinity_tui.data.sdk_gaps import seed_filter_planner

    plain = await client.lists.get_fields(ListId(DEAL_PIPELINE_ID))
    assert not seed_filter_planner(client, ListId(DEAL_PIPELINE_ID), plain)
    assert client.lists._search_cache.get(("fields", str(DEAL_PIPELINE_ID))) is None
    assert not seed_filter_planner(client, ListId(DEAL_PIPELINE_ID), [])


async def test_cached_field_metadata_keeps_what_was_never_asked_for_unknown() -> None:
    """The on-disk copy keeps only the keys Affinity gave: read back, "not asked" stays unknown."""
    from affinity.models.entities import FieldMetadata

    from affinity_tui.data.cache.codec import decode_fields, encode_fields

    asked = FieldMetadata.model_validate({"id": "field-1", "name": "Status", "type": "list", "valueType": "dropdown",
                                          "filterability": None})
    never = FieldMetadata.model_validate({"id": "field-2", "name": "Amount", "type": "list", "valueType": "number"})
    back = decode_fields(encode_fields([asked, never]))
    assert [m.is_filterable for m in back] == [False, None]
