"""Compact table rows from SDK models, column sizing, and the sort keys of text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from affinity import AsyncAffinity
from affinity.models.entities import Company, Opportunity, Person
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId

from affinity_tui.data.cursors import EntityCursor, EntriesCursor
from affinity_tui.data.fields import FieldCatalog
from affinity_tui.data.rows import (
    MAX_WIDTH,
    MIN_WIDTH,
    Column,
    Row,
    cell_width,
    company_columns,
    company_rows,
    entry_columns,
    entry_rows,
    opportunity_columns,
    opportunity_rows,
    person_columns,
    person_rows,
    size_columns,
)
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID

NOW = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                      async_transport=emu.transport(), policies=Policies(write=WritePolicy.DENY))
    yield c
    await c.close()


async def test_entry_rows_of_the_deal_pipeline(client: AsyncAffinity, emu: Emulator) -> None:
    fields = await FieldCatalog(client).for_list(ListId(DEAL_PIPELINE_ID))
    columns = entry_columns(fields.default_columns())
    page = await EntriesCursor(client, ListId(DEAL_PIPELINE_ID), fields.ids(fields.default_columns())).next_page()
    rows = entry_rows(page.models, columns)
    assert [c.key for c in columns][:3] == ["name", *fields.ids(fields.default_columns())[:2]]
    amount_index = next(i for i, c in enumerate(columns) if c.title == "Amount")
    assert columns[amount_index].numeric and not columns[0].numeric
    store_entry = emu.store.list_entries(DEAL_PIPELINE_ID)[0]
    row = rows[0]
    assert (row.key, row.entity_type, row.entity_id) == (store_entry.id, "opportunity", store_entry.entity_id)
    assert row.cells[0] == emu.store.opportunities[store_entry.entity_id].name
    assert len(row.cells) == len(row.styles) == len(row.sort_keys) == len(columns)
    assert row.extra == {} and row.url_path == f"/opportunities/{row.entity_id}"
    assert row.search_text == "\x1f".join(row.cells).casefold()
    # Repeated values share one object across rows (memory at 100k rows).
    status_at = next(i for i, c in enumerate(columns) if c.title == "Status")
    same = [r for r in rows if r.cells[status_at] == row.cells[status_at]]
    assert len(same) > 1 and all(r.cells[status_at] is row.cells[status_at] for r in same)
    status_index = next(i for i, c in enumerate(columns) if c.title == "Status")
    assert all(r.styles[status_index] for r in rows)  # every stage has a colour
    sized = size_columns(columns, rows)
    assert all(MIN_WIDTH <= c.width <= MAX_WIDTH for c in sized)
    assert sized[0].width == max(cell_width(r.cells[0]) for r in rows)
    memo = next(c for c in sized if c.title == "Memo")
    assert memo.width == MAX_WIDTH  # the longest memo is clamped


async def test_person_company_and_opportunity_rows(client: AsyncAffinity, emu: Emulator) -> None:
    catalog = FieldCatalog(client)
    person_fields = (await catalog.for_entities("person")).default_columns()
    people = (await EntityCursor(client, "person", field_ids=[str(f.id) for f in person_fields]).next_page()).models
    rows = person_rows([p for p in people if isinstance(p, Person)], person_columns(person_fields))
    first = emu.store.persons[rows[0].entity_id]
    assert rows[0].cells[:2] == (first.full_name, first.primary_email)
    assert rows[0].extra["email"] == first.primary_email and rows[0].key == first.id
    companies = (await EntityCursor(client, "company").next_page()).models
    crow = company_rows([c for c in companies if isinstance(c, Company)], company_columns())[0]
    company = emu.store.companies[crow.entity_id]
    assert crow.cells == (company.name, company.domain) and crow.extra["domain"] == company.domain
    assert crow.url_path == f"/companies/{company.id}"
    opps = (await EntityCursor(client, "opportunity").next_page()).models
    orow = opportunity_rows([o for o in opps if isinstance(o, Opportunity)], opportunity_columns())[0]
    assert orow.cells == (emu.store.opportunities[orow.entity_id].name,) and orow.entity_type == "opportunity"


def test_column_width_counts_terminal_cells() -> None:
    assert cell_width("abc") == 3 and cell_width("日本") == 4 and cell_width("e\u0301") == 1
    column = Column("name", "Name", "name", "name", 6)
    rows = [Row(key=1, entity_type="person", entity_id=1, cells=("x" * 100,), styles=(None,), sort_keys=("x",))]
    assert size_columns([column], rows)[0].width == MAX_WIDTH
    assert size_columns([column], [])[0].width == MIN_WIDTH


def test_text_sorts_casefolded_in_code_point_order() -> None:
    from affinity_tui.data.values import format_value

    words = ["banana", "Apple", "cherry — B", "cherry — a", "ÄRGER"]
    keys = [format_value({"type": "text", "data": w}).sort_key for w in words]
    ordered = [words[i] for i in sorted(range(len(words)), key=keys.__getitem__)]
    assert ordered == ["Apple", "banana", "cherry — a", "cherry — B", "ÄRGER"]
    assert sorted(words, key=str.casefold) == ordered
