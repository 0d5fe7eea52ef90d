"""Field values shown as text: every value type of the demo tenant, read through the real SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from affinity import AsyncAffinity
from affinity.models.entities import Company, FieldValues, ListEntryWithEntity, Person
from affinity.policies import Policies, WritePolicy
from affinity.types import CompanyId, FieldType, ListId, PersonId
from rich.color import Color

from affinity_tui.data.values import (
    DROPDOWN_COLOURS,
    EMPTY,
    EMPTY_TEXT,
    NOT_FETCHED,
    NOT_FETCHED_TEXT,
    REPLACEMENT,
    clean_text,
    format_field,
    format_number,
    format_value,
    rich_colour,
)
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.store import FieldDef
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, PORTFOLIO_ID

NOW = datetime(2026, 11, 24, tzinfo=UTC)
NEW_YORK = timezone(timedelta(hours=-5))


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                      async_transport=emu.transport(), policies=Policies(write=WritePolicy.DENY))
    yield c
    await c.close()


def field_named(emu: Emulator, list_id: int, name: str) -> FieldDef:
    return next(f for f in emu.store.list_fields(list_id) if f.name == name)


async def pipeline(client: AsyncAffinity) -> list[ListEntryWithEntity]:
    out: list[ListEntryWithEntity] = []
    async for page in client.lists.entries(ListId(DEAL_PIPELINE_ID)).pages(field_types=[FieldType.LIST]):
        out += page.data
    return out


def shown(entry: ListEntryWithEntity, field: FieldDef) -> Any:
    assert entry.entity is not None
    return format_field(entry.entity.fields, field.id, field_name=field.name)


async def test_ranked_dropdown_text_colour_and_rank_order(client: AsyncAffinity, emu: Emulator) -> None:
    status = field_named(emu, DEAL_PIPELINE_ID, "Status")
    store_entries = {e.id: e for e in emu.store.list_entries(DEAL_PIPELINE_ID)}
    for entry in await pipeline(client):
        option = status.option(store_entries[int(entry.id)].values[status.id])
        assert option is not None
        display = shown(entry, status)
        assert display.text == option.text
        assert display.style == DROPDOWN_COLOURS[option.color or ""]
        assert display.sort_key == (float(option.rank or 0), option.text.casefold().encode())
    passed = status.option_by_text("Passed")
    assert passed is not None and rich_colour(passed.color) == "red"


async def test_money_people_dates_formula_and_company(client: AsyncAffinity, emu: Emulator) -> None:
    store_entries = {e.id: e for e in emu.store.list_entries(DEAL_PIPELINE_ID)}
    amount, owners, close, moic, lead, sector = (field_named(emu, DEAL_PIPELINE_ID, n) for n in (
        "Amount", "Owners", "Close Date", "Target MOIC", "Lead Investor", "Sector"))
    entries = await pipeline(client)
    checked = set()
    for entry in entries:
        values = store_entries[int(entry.id)].values
        if amount.id in values:
            assert shown(entry, amount).text == f"${values[amount.id]:,}"
            assert shown(entry, amount).sort_key == float(values[amount.id])
            assert shown(entry, moic).text == f"{values[moic.id]:g}"
            checked.add("money")
        else:
            assert shown(entry, amount) == EMPTY and shown(entry, amount).detail_text == EMPTY_TEXT
        if len(values.get(owners.id, [])) == 2:
            names = [emu.store.persons[p].full_name for p in values[owners.id]]
            assert shown(entry, owners).text == ", ".join(names)
            checked.add("people")
        if close.id in values:  # stored at noon UTC: a plain date, the same in every zone
            assert shown(entry, close).text == values[close.id][:10]
            assert entry.entity is not None
            assert format_field(entry.entity.fields, close.id, tz=NEW_YORK).text == values[close.id][:10]
            assert shown(entry, close).sort_key == datetime.fromisoformat(values[close.id])
            checked.add("date")
        if lead.id in values:
            assert shown(entry, lead).text == emu.store.companies[values[lead.id]].name
            checked.add("company")
        if len(values[sector.id]) == 2:
            assert shown(entry, sector).text == ", ".join(sector.option(o).text for o in values[sector.id])  # type: ignore[union-attr]
            assert shown(entry, sector).style is None
            checked.add("multi")
    assert checked == {"money", "people", "date", "company", "multi"}


async def test_portfolio_invested_is_money_and_ownership_is_not(client: AsyncAffinity, emu: Emulator) -> None:
    page = await client.lists.entries(ListId(PORTFOLIO_ID)).list(field_types=[FieldType.LIST], limit=5)
    invested = field_named(emu, PORTFOLIO_ID, "Invested (USD)")
    ownership = field_named(emu, PORTFOLIO_ID, "Ownership %")
    entry = page.data[0]
    values = emu.store.entries[int(entry.id)].values
    assert shown(entry, invested).text == f"${values[invested.id]:,}"
    assert shown(entry, ownership).text == f"{values[ownership.id]:g}"


async def test_locations_and_check_sizes_of_a_co_investor(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    offices = next(f for f in store.entity_fields("company") if f.name == "Office Locations")
    investor = next(c for c in store.companies.values() if offices.id in c.values)
    checks = next(f for f in store.entity_fields("company") if f.name == "Typical Check Sizes (USD)")
    location = next(f for f in store.entity_fields("company") if f.name == "Location")
    company = await client.companies.get(CompanyId(investor.id), field_types=[FieldType.GLOBAL, FieldType.ENRICHED])
    assert isinstance(company, Company)
    loc = store.companies[investor.id].values[location.id]
    assert format_field(company.fields, location.id).text == f"{loc['city']}, {loc['country']}"
    expected = ", ".join(f"{o['city']}, {o['country']}" for o in investor.values[offices.id])
    assert format_field(company.fields, offices.id, field_name=offices.name).text == expected
    display = format_field(company.fields, checks.id, field_name=checks.name)
    assert display.text == ", ".join(f"${n:,}" for n in investor.values[checks.id])
    assert display.sort_key == tuple(float(n) for n in investor.values[checks.id])


async def test_interactions_email_and_meeting(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    person = next(p for p in store.persons.values() if "last-email" in p.values and "last-event" in p.values)
    got = await client.persons.get(PersonId(person.id), field_types=[FieldType.RELATIONSHIP_INTELLIGENCE])
    assert isinstance(got, Person)
    email, meeting = person.values["last-email"], person.values["last-event"]
    sent = datetime.fromisoformat(email["sentAt"])
    display = format_field(got.fields, "last-email", tz=UTC)
    assert display.text == f"Email · {sent:%Y-%m-%d} · {email['subject']}"
    assert display.sort_key == sent
    started = datetime.fromisoformat(meeting["startTime"])
    assert format_field(got.fields, "last-event", tz=UTC).text == f"Meeting · {started:%Y-%m-%d} · {meeting['title']}"


def test_datetimes_with_a_time_show_local_date_and_time() -> None:
    value = {"type": "datetime", "data": "2026-03-02T03:30:00Z"}
    assert format_value(value, tz=UTC).text == "2026-03-02 03:30"
    assert format_value(value, tz=NEW_YORK).text == "2026-03-01 22:30"
    midnight = {"type": "datetime", "data": "2025-08-06T00:00:00Z"}
    assert format_value(midnight, tz=NEW_YORK).text == "2025-08-06"  # not the day before
    assert format_value(midnight).sort_key == datetime(2025, 8, 6, tzinfo=UTC)


def test_numbers() -> None:
    assert format_number(1_500_000, money=True) == "$1,500,000"
    assert format_number(-2500.5, money=True) == "-$2,500.50"
    assert format_number(12_000) == "12,000"
    assert format_number(10.25) == "10.25" and format_number(3.0) == "3"
    assert format_value({"type": "number", "data": 1_500_000}, field_name="Amount").text == "$1,500,000"
    assert format_value({"type": "number", "data": 12_000}, field_name="Number of Employees").text == "12,000"
    assert format_value({"type": "number", "data": 2024}, field_name="Year Founded").text == "2024"
    assert format_value({"type": "formula-number", "data": {"calculatedValue": None}}) == EMPTY
    assert format_value({"type": "number-multi", "data": [1, 2]}).sort_key == (1.0, 2.0)


def test_empty_versus_not_fetched() -> None:
    fetched = FieldValues(requested=True, data={
        "field-1": {"id": "field-1", "name": "Memo", "value": {"type": "text", "data": None}},
        "field-2": {"id": "field-2", "name": "Tags", "value": {"type": "dropdown-multi", "data": None}}})
    assert format_field(fetched, "field-1") == EMPTY and EMPTY.detail_text == EMPTY_TEXT
    assert format_field(fetched, "field-2").detail_text == "—"
    assert format_field(fetched, "field-9") == NOT_FETCHED  # not asked for
    assert format_field(FieldValues(), "field-1").detail_text == NOT_FETCHED_TEXT
    assert EMPTY.sort_key is None and NOT_FETCHED.sort_key is None


async def test_entries_read_without_fields_are_not_fetched(client: AsyncAffinity, emu: Emulator) -> None:
    page = await client.lists.entries(ListId(DEAL_PIPELINE_ID)).list(limit=1)
    entity = page.data[0].entity
    assert entity is not None
    assert format_field(entity.fields, field_named(emu, DEAL_PIPELINE_ID, "Status").id).detail_text == "not fetched"


def test_hostile_text_stays_literal_and_defanged() -> None:
    markup = format_value({"type": "text", "data": "[bold]x[/bold] [link=https://evil.example]y[/link]"})
    assert markup.text == "[bold]x[/bold] [link=https://evil.example]y[/link]"
    ansi = format_value({"type": "text", "data": "\x1b[31mred\x1b]0;title\x07\r\nnext\tcol"})
    assert "\x1b" not in ansi.text and "\x07" not in ansi.text and "\n" not in ansi.text
    assert ansi.text == f"{REPLACEMENT}[31mred{REPLACEMENT}]0;title{REPLACEMENT}  next col"
    assert clean_text("a\u202eb\x9bc") == f"a{REPLACEMENT}b{REPLACEMENT}c"  # RLO, 8-bit CSI
    assert clean_text("line 1\r\nline 2\x1b", single_line=False) == f"line 1\nline 2{REPLACEMENT}"
    # A joiner between letters is dropped (it would make the line wider than laid out); the
    # joiners of an emoji sequence stay.
    assert clean_text("At\u200dom 👩\u200d👩\u200d👧 🏳️\u200d🌈 x\u200d") == "Atom 👩\u200d👩\u200d👧 🏳️\u200d🌈 x"
    person = format_value({"type": "person", "data": {"id": 1, "firstName": "\x1b[2J", "lastName": "X"}})
    assert person.text == f"{REPLACEMENT}[2J X"
    option = format_value({"type": "dropdown", "data": {"dropdownOptionId": 1, "text": "[red]Hot[/red]"}})
    assert option.text == "[red]Hot[/red]"


async def test_memo_with_markup_characters_from_the_tenant(client: AsyncAffinity, emu: Emulator) -> None:
    memo = field_named(emu, DEAL_PIPELINE_ID, "Memo")
    texts = {shown(e, memo).text for e in await pipeline(client)}
    assert "Ask: intro to [their] design partner & pricing review." in texts
    assert "Competitive round, <Tier 1> leading." in texts


def test_unknown_types_best_effort() -> None:
    lists = {"type": "list-multi", "data": [{"id": 1, "name": "Deal Pipeline"}, {"id": 2, "name": "Portfolio"}]}
    assert format_value(lists).text == "Deal Pipeline, Portfolio"
    assert format_value({"type": "reminder", "data": {"content": "Call back", "dueDate": "x"}}).text == "Call back"
    assert format_value({"type": "something-new", "data": True}).text == "Yes"
    assert format_value({"type": "hidden", "data": None}) == EMPTY
    assert format_value({"type": "dropdown-multi", "data": [{"text": "A"}] * 2, "totalCount": 150}).text == \
        "A, A, … (+148 more)"


def test_every_mapped_colour_is_a_rich_colour() -> None:
    for name in DROPDOWN_COLOURS.values():
        Color.parse(name)
    assert rich_colour(5) == "red" and rich_colour(0) is None and rich_colour("GREEN") == "green"
    assert rich_colour("chartreuse-ish") is None
