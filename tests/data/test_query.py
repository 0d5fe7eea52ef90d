"""The filter bar: parse, explain problems with a column (whatever the SDK's parser raises), check
names, complete names."""

from __future__ import annotations

import pytest

from affinity_tui.data.query import MAX_DEPTH, FilterProblem, ParsedFilter, completions, parse_filter, quote_name

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
