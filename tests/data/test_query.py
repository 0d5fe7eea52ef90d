"""The filter bar: parse, explain problems with a column, check names and values, complete them.

Value checks use the Deal Pipeline's field metadata as the SDK reads it from the emulator, with
each dropdown field's options (``lists.get_field_dropdown_options``).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from affinity import AsyncAffinity
from affinity.filters import FieldComparison
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId

from affinity_tui.data.cursors import FilteredEntriesCursor
from affinity_tui.data.fields import FieldSet
from affinity_tui.data.query import MAX_DEPTH, FilterProblem, ParsedFilter, completions, parse_filter, quote_name
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID

NAMES = ["Status", "Owners", "Amount", "Close Date", "Sector", "Round", "Lead Investor", "Memo",
         "Target MOIC", "Organizations", "People"]


@pytest.mark.parametrize(("text", "fields"), [
    ('Status = "Diligence" & Amount > 1000000', ("Status", "Amount")),
    ("Owners = *", ("Owners",)),
    ('Sector =~ "Fin"', ("Sector",)),
    ('"Close Date" > 2026-01-01 | !(Round = "Seed")', ("Close Date", "Round")),
    ('entityName =~ "Blue"', ("entityName",)),
])
def test_good_filters(text: str, fields: tuple[str, ...]) -> None:
    parsed = parse_filter(f"  {text} ", NAMES)
    assert isinstance(parsed, ParsedFilter)
    assert parsed.text == text and parsed.fields == fields


def test_names_take_the_lists_spelling() -> None:
    parsed = parse_filter('status = "Won" & !(lead investor = *)'.replace("lead investor", '"lead investor"'), NAMES)
    assert isinstance(parsed, ParsedFilter)
    assert parsed.expression.to_string() == '(Status = "Won") & (!(Lead Investor = *))'
    assert parsed.fields == ("Status", "Lead Investor")


@pytest.mark.parametrize(("text", "message", "position"), [
    ("Status = ", "Expected a value after '=' at column 10", 9),
    ("Amount >> 5", "'>>' at column 8 is not an operator", 7),
    ('Stauts = "x"', 'No field "Stauts" on this list (column 1); did you mean "Status"?', 0),
    ('Status = "Won" & Amout > 5', 'No field "Amout" on this list (column 18); did you mean "Amount"?', 17),
    ("Close Date > 2026-01-01", 'Put names with spaces in quotes: "Close Date" (column 1)', 0),
    ('Status = "x" &', "Expected a condition after '&' at column 15", 14),
    ('(Status = "x"', "Missing ')' at column 14", 13),
    ('Status = "abc', "The quote at column 10 is never closed", 9),
    ("= 5", "Expected a field name before '=' at column 1", 0),
    ('Status == "x"', "Unexpected '=' at column 9: use a single = for equality", 8),
    ('Status = "x" AND Amount > 5', "Unexpected 'AND' at column 14: use & for AND", 13),
    ('Status containz "x"', "Unknown operator 'containz' at column 8; did you mean contains?", 7),
    ("Status", "Expected an operator (= != > >= < <= =~ =^ =$) after 'Status' at column 7", 6),
    ("Amount > *", "'Amount > *' at column 1 doesn't mean anything", 0),
    ("", "Type a filter", 0),
])
def test_problems_say_what_and_where(text: str, message: str, position: int) -> None:
    problem = parse_filter(text, NAMES)
    assert isinstance(problem, FilterProblem)
    assert problem.message.startswith(message), problem.message
    assert problem.position == position and problem.column == position + 1


def test_unknown_field_suggestions_and_no_catalog() -> None:
    problem = parse_filter('Stauts = "x"', NAMES)
    assert isinstance(problem, FilterProblem) and problem.suggestions == ("Status",)
    far = parse_filter("Zebra = 1", NAMES)
    assert isinstance(far, FilterProblem) and far.suggestions == () and '"Zebra"' in far.message
    assert isinstance(parse_filter('Stauts = "x"'), ParsedFilter)  # no catalog: syntax only


def test_completions_at_the_cursor() -> None:
    assert completions("St", NAMES) == ["Status", '"Lead Investor"']  # starts with, then contains
    assert completions('Status = "x" & am', NAMES) == ['Status = "x" & Amount']
    assert completions("Close Da", NAMES) == ['"Close Date"']
    assert completions('Amount > 5 | "lead', NAMES) == ['Amount > 5 | "Lead Investor"']
    assert completions("(o", NAMES)[:2] == ["(Owners", "(Organizations"]  # starts-with first
    assert "(People" in completions("(o", NAMES)  # then contains
    assert completions("", NAMES)[:3] == ["Status", "Owners", "Amount"]
    assert completions("Status = ", NAMES) == [] and completions('Sector =~ "Fi', NAMES) == []


def test_quote_name() -> None:
    assert quote_name("Status") == "Status"
    assert quote_name("Close Date") == '"Close Date"'
    assert quote_name('Say "hi"') == '"Say \\"hi\\""'
    assert quote_name("in") == '"in"'


# ---- nothing the SDK's parser raises escapes ----------------------------------------------------
@pytest.mark.parametrize(("text", "message", "position"), [
    ("[bold]x[/]", 'Expected a field name at column 1, not a [list] (lists are values, after an operator); '
                   'quote a name with brackets: "[bold]x[/]"', 0),
    ("[x]", "Expected a field name at column 1, not a [list]", 0),
    ("[a] = 1", 'Expected a field name at column 1, not a [list] (lists are values, after an operator); '
                'quote a name with brackets: "[a]"', 0),
    ('Status = "x" & ( [a] = 1)', "Expected a field name at column 18, not a [list]", 17),
    pytest.param("(" * 400 + "Status = 1" + ")" * 400, "Parentheses nest too deeply at column 101: at most 100 levels",
                 100, id="400 parentheses"),  # RecursionError in the SDK's parser
    pytest.param("!" * 2000 + "Status = 1", "This filter nests too deeply (parentheses or '!'): at most 100 levels", 0,
                 id="2000 nots"),  # RecursionError in the SDK's parser
    pytest.param(" & ".join(["Amount > 1"] * 1000), "Too many conditions: at most 100 can be combined or nested",
                 0, id="1000 conditions"),  # the SDK walks the tree recursively to plan and to re-check
    ('Status = "x\\', "A '\\' at the end (column 12) escapes nothing", 11),
])
def test_what_the_sdk_parser_raises_becomes_a_problem(text: str, message: str, position: int) -> None:
    for fields in (None, NAMES):
        problem = parse_filter(text, fields)
        assert isinstance(problem, FilterProblem)
        assert problem.message.startswith(message), problem.message
        assert problem.position == position


def test_a_filter_of_many_conditions_still_parses() -> None:
    parsed = parse_filter(" | ".join(f'Round = "R{i}"' for i in range(MAX_DEPTH)), NAMES)
    assert isinstance(parsed, ParsedFilter) and parsed.fields == ("Round",)


# ---- values checked against the list's fields -------------------------------------------------
NOW = datetime(2026, 11, 24, tzinfo=UTC)
PIPELINE = ListId(DEAL_PIPELINE_ID)
DROPDOWNS = ("dropdown", "ranked-dropdown", "dropdown-multi")


def new_client(emu: Emulator) -> AsyncAffinity:
    return AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                         async_transport=emu.transport(), max_retries=0, policies=Policies(write=WritePolicy.DENY))


async def load_fields(client: AsyncAffinity) -> FieldSet:
    """The list's fields as the SDK returns them, dropdown fields with their options filled in."""
    metas = []
    for meta in await client.lists.get_fields(PIPELINE):
        if str(meta.value_type) in DROPDOWNS:
            options = await client.lists.get_field_dropdown_options(PIPELINE, meta.id)
            meta = meta.model_copy(update={"dropdown_options": options})
        metas.append(meta)
    return FieldSet(tuple(metas))


@functools.cache
def pipeline_fields() -> FieldSet:
    """For synchronous tests (no event loop running)."""
    async def load() -> FieldSet:
        client = new_client(Emulator(EmulatorConfig(now=NOW)))
        try:
            return await load_fields(client)
        finally:
            await client.close()
    return asyncio.run(load())


@pytest.fixture
def emu() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = new_client(emu)
    yield c
    await c.close()


async def matching(client: AsyncAffinity, parsed: ParsedFilter | FilterProblem) -> list[int]:
    assert isinstance(parsed, ParsedFilter), parsed
    cursor = FilteredEntriesCursor(client, PIPELINE, parsed.expression)
    ids: list[int] = []
    while not cursor.exhausted:
        ids.extend(int(e.id) for e in (await cursor.next_page()).models)
    return sorted(ids)


def test_the_emulator_serves_what_the_checks_read() -> None:
    fields = pipeline_fields()
    status, sector, amount, close = (fields.named(n) for n in ("Status", "Sector", "Amount", "Close Date"))
    assert status is not None and str(status.value_type) == "ranked-dropdown"
    assert [o.text for o in status.dropdown_options][:3] == ["Sourced", "Screening", "Diligence"]
    assert sector is not None and str(sector.value_type) == "dropdown-multi" and sector.allows_multiple
    assert amount is not None and str(amount.value_type) == "number"
    assert close is not None and str(close.value_type) == "datetime"


@pytest.mark.parametrize(("text", "message", "position", "suggestions"), [
    ('Status = "Diligance"', '"Diligance" is not a Status option (column 10); did you mean "Diligence"?', 9,
     ("Diligence",)),
    ('Status != "Diligance"', '"Diligance" is not a Status option (column 11); did you mean "Diligence"?', 10,
     ("Diligence",)),
    ('Amount > 5 & Round = "Seeed"', '"Seeed" is not a Round option (column 22); did you mean "Seed" or "Pre-seed"?',
     21, ("Seed", "Pre-seed")),
    ("Sector = Fintek", '"Fintek" is not a Sector option (column 10); did you mean "Fintech"?', 9, ("Fintech",)),
    ('Sector in [Fintech, Helthcare]', '"Helthcare" is not a Sector option (column 11); did you mean "Healthcare"?',
     10, ("Healthcare",)),
    ('Round = "Zebra"', '"Zebra" is not a Round option (column 9); the options are Pre-seed, Seed, Series A, '
                        "Series B, Series C, Growth", 8, ()),
    ('Round = ""', '"" is not a Round option (column 9); for entries without a Round, write Round != *', 8, ()),
    ('Status =~ "xyz"', 'No Status option contains "xyz" (column 11); the options are Sourced,', 10, ()),
    ('Sector =^ "tech"', 'No Sector option starts with "tech" (column 11)', 10, ()),
    ('"Close Date" > 2026-02-30', '"2026-02-30" is not a date (column 16): day is out of range for month', 15, ()),
    ('"Close Date" < 2026-13-45', '"2026-13-45" is not a date (column 16): month must be in 1..12', 15, ()),
    ('"Close Date" = "2026-01-31T25:00:00"', '"2026-01-31T25:00:00" is not a date (column 16): hour must be in',
     15, ()),
    ('"Close Date" >= soon', '"soon" is not a date (column 17); write 2026-01-31, 2026-01-31T09:00:00Z, today', 16,
     ()),
    ('"Close Date" > 2026-1-5', '"2026-1-5" is not a date (column 16); write 2026-01-31', 15, ()),
    ("Amount > abc", '"abc" is not a number (column 10); write 1000000, 1e6, 1.5 or -2', 9, ()),
    ("Amount = nan", '"nan" is not a number (column 10)', 9, ()),
    ("Amount between [1, lots]", '"lots" is not a number (column 16)', 15, ()),
    ('"Target MOIC" > 3', 'Filters can\'t test "Target MOIC" (column 1): it is a formula', 0, ()),
])
def test_values_that_cannot_match_are_refused(text: str, message: str, position: int,
                                              suggestions: tuple[str, ...]) -> None:
    problem = parse_filter(text, pipeline_fields())
    assert isinstance(problem, FilterProblem), problem
    assert problem.message.startswith(message), problem.message
    assert problem.position == position and problem.suggestions == suggestions


@pytest.mark.parametrize(("text", "sdk_text"), [
    ('status = "diligence"', 'Status = "Diligence"'),  # case: the SDK compares option text exactly
    ('Status != " term sheet "', 'Status != "Term Sheet"'),
    ('Status = "Diligence"', 'Status = "Diligence"'),
    ('Status =~ "dil"', 'Status =~ "dil"'),  # contains is case-insensitive: left alone
    ('Status = *', "Status = *"),
    ("Amount > 1e6", 'Amount > "1e6"'),
    ("Amount >= -1.5", 'Amount >= "-1.5"'),
    ("Amount = 250000.0", 'Amount = "250000"'),  # the SDK's = compares str() of the stored number
    ("Amount != 1e6", 'Amount != "1000000"'),
    ("Amount = 2.50", 'Amount = "2.5"'),
    ('"Close Date" > -30d', 'Close Date > "-30d"'),
    ('"Close Date" <= TODAY', 'Close Date <= "TODAY"'),
    ('"Close Date" > 2026-05-31T09:30:00Z', 'Close Date > "2026-05-31T09:30:00Z"'),
    ('"Close Date" = 2026-05-31', '(Close Date >= "2026-05-31") & (Close Date < "2026-06-01")'),
    ('"Close Date" != 2026-12-31', '!((Close Date >= "2026-12-31") & (Close Date < "2027-01-01"))'),
    ('"Close Date" = 2026-05-31T12:00:00+00:00',
     '(Close Date >= "2026-05-31T12:00:00+00:00") & (Close Date <= "2026-05-31T12:00:00+00:00")'),
    ('Memo =~ "Q3"', 'Memo =~ "Q3"'),
    ('entityName =~ "Blue"', 'entityName =~ "Blue"'),
])
def test_values_take_the_spelling_the_sdk_compares(text: str, sdk_text: str) -> None:
    parsed = parse_filter(text, pipeline_fields())
    assert isinstance(parsed, ParsedFilter), parsed
    assert parsed.expression.to_string() == sdk_text
    assert parsed.text == text


def test_each_value_of_a_list_is_an_option() -> None:
    parsed = parse_filter("sector = [fintech, ai/ml]", pipeline_fields())
    assert isinstance(parsed, ParsedFilter) and isinstance(parsed.expression, FieldComparison)
    assert parsed.expression.field_name == "Sector" and parsed.expression.value == ["Fintech", "AI/ML"]


def test_without_options_values_are_not_checked() -> None:
    bare = FieldSet(tuple(m.model_copy(update={"dropdown_options": []}) for m in pipeline_fields().fields))
    parsed = parse_filter('status = "Diligance"', bare)
    assert isinstance(parsed, ParsedFilter) and parsed.expression.to_string() == 'Status = "Diligance"'
    assert isinstance(parse_filter("Amount > abc", bare), FilterProblem)  # types are still known


def test_names_only_and_nothing_known_check_no_values() -> None:
    for fields in (NAMES, None):
        for text in ('Status = "Diligance"', "Amount > abc", '"Close Date" > 2026-02-30'):
            assert isinstance(parse_filter(text, fields), ParsedFilter)


async def test_a_typo_in_an_option_is_refused_before_any_request(client: AsyncAffinity, emu: Emulator) -> None:
    fields = await load_fields(client)
    emu.log.clear()
    assert isinstance(parse_filter('Status = "Diligance"', fields), FilterProblem)
    assert emu.log.entries == []


async def test_respelled_values_match_what_the_user_meant(client: AsyncAffinity, emu: Emulator) -> None:
    fields = await load_fields(client)
    store = emu.store
    by_name = {f.name: f for f in store.list_fields(DEAL_PIPELINE_ID)}
    entries = store.list_entries(DEAL_PIPELINE_ID)
    diligence = by_name["Status"].option_by_text("Diligence")
    assert diligence is not None
    in_diligence = sorted(e.id for e in entries if e.values.get(by_name["Status"].id) == diligence.id)
    emu.log.clear()
    assert await matching(client, parse_filter('status = "diligence"', fields)) == in_diligence
    assert not any(r.path == f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries" for r in emu.log.entries)  # no scan

    amounts = sorted(e.id for e in entries if store.entry_value(e, by_name["Amount"].id) == 250000)
    assert amounts and await matching(client, parse_filter("Amount = 250000.0", fields)) == amounts

    def closes_on(day: date) -> list[int]:
        return sorted(e.id for e in entries
                      if str(store.entry_value(e, by_name["Close Date"].id) or "").startswith(day.isoformat()))
    assert closes_on(date(2026, 7, 31))
    assert await matching(client, parse_filter('"Close Date" = 2026-07-31', fields)) == closes_on(date(2026, 7, 31))


# ---- completing values ---------------------------------------------------------------------------
def test_completions_offer_a_dropdowns_options_after_equals() -> None:
    fields = pipeline_fields()
    assert completions("Round = ", fields) == ["Round = Pre-seed", "Round = Seed", 'Round = "Series A"',
                                               'Round = "Series B"', 'Round = "Series C"', "Round = Growth"]
    assert completions("Round = se", fields)[:2] == ["Round = Seed", 'Round = "Series A"']  # starts with first
    assert "Round = Pre-seed" in completions("Round = se", fields)  # then contains
    assert completions('Round != "ser', fields) == ['Round != "Series A"', 'Round != "Series B"',
                                                    'Round != "Series C"']
    assert completions("Round =gr", fields) == ["Round = Growth"] and completions("Round=", fields)[0] == "Round= Pre-seed"
    assert completions('Amount > 5 & status="dil', fields) == ['Amount > 5 & status="Diligence"']
    assert completions("sector = ai", fields) == ['sector = "AI/ML"']
    assert completions('"Close Date" = 20', fields) == []  # not a dropdown
    assert completions('Round = "Seed"', fields) == []  # the value is complete
    assert completions("Round =~ se", fields) == [] and completions("Round = Seed ", fields) == []
    assert completions("Round = se", [f.name for f in fields.fields]) == []  # names only: no options


def test_completions_take_a_field_set_for_names_too() -> None:
    fields = pipeline_fields()
    assert completions("St", fields) == completions("St", fields.names)
    assert completions("Clo", fields) == ['"Close Date"']
