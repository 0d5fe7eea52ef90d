"""Unit tests for the emulator's v2 ``filter`` query-string language: parsing and evaluation."""

from __future__ import annotations

from typing import Any

import pytest
from affinity.filters import F

from affinity_tui.emulator.filter_query import (
    STAR,
    And,
    Comparison,
    FilterSyntaxError,
    Not,
    Or,
    SearchError,
    evaluate_filter,
    filter_properties,
    parse_filter,
)


# ---- the v2 filter language: parsing ---------------------------------------------------------


def test_parse_simple_comparisons() -> None:
    assert parse_filter("creator.id=1") == Comparison("creator.id", "=", "1", 0)
    assert parse_filter("  createdAt < 2025-02-04T10:48:24Z ") == Comparison("createdAt", "<", "2025-02-04T10:48:24Z", 2)
    for op in ("=", "!=", "=^", "=$", "=~", ">", ">=", "<", "<="):
        node = parse_filter(f"a {op} b")
        assert isinstance(node, Comparison) and node.op == op and node.value == "b"
    assert parse_filter("status=in-progress") == Comparison("status", "=", "in-progress", 0)
    assert parse_filter("Deal Stage = x") == Comparison("Deal Stage", "=", "x", 0)


def test_parse_special_values() -> None:
    assert parse_filter("x = *") == Comparison("x", "=", STAR, 0)
    assert parse_filter("x!=*") == Comparison("x", "!=", STAR, 0)
    assert parse_filter('x = "*"') == Comparison("x", "=", "*", 0)
    assert parse_filter('x = ""') == Comparison("x", "=", "", 0)
    assert parse_filter("industries =[]") == Comparison("industries", "=", (), 0)
    assert parse_filter('industries =~ [Healthcare, "Fin, Tech" , x\\]y]') == Comparison(
        "industries", "=~", ("Healthcare", "Fin, Tech", "x]y"), 0)


def test_parse_escapes() -> None:
    assert parse_filter(r'content = "hello \"world\" \\ \n"').value == 'hello "world" \\ \n'  # type: ignore[union-attr]
    assert parse_filter(r"name = a\&b\=c\*").value == "a&b=c*"  # type: ignore[union-attr]
    assert parse_filter(r"name = 'it\'s'").value == "it's"  # type: ignore[union-attr]


def test_and_binds_tighter_than_or() -> None:
    node = parse_filter("a=1 | b=1 & c=1")
    assert node == Or((Comparison("a", "=", "1", 0), And((Comparison("b", "=", "1", 6), Comparison("c", "=", "1", 12)))))
    node = parse_filter("a=1 & b=1 | c=1")
    assert node == Or((And((Comparison("a", "=", "1", 0), Comparison("b", "=", "1", 6))), Comparison("c", "=", "1", 12)))
    node = parse_filter("(a=1 | b=1) & c=1")
    assert isinstance(node, And) and isinstance(node.items[0], Or)
    assert node.items[1] == Comparison("c", "=", "1", 14)


def test_negation() -> None:
    node = parse_filter("!(content =^ x) & ! ( a = 1 | b = 2 )")
    assert isinstance(node, And)
    assert node.items[0] == Not(Comparison("content", "=^", "x", 2))
    assert isinstance(node.items[1], Not) and isinstance(node.items[1].item, Or)


def test_sdk_builder_output_parses() -> None:
    expr = (F.field("name").contains('Ac"me\nx') & F.field("archived").equals(True)) | ~F.field("Status").in_list(["A", "B"])
    node = parse_filter(str(expr))
    assert filter_properties(node) == {"name", "archived", "Status"}
    props = {"name": 'The Ac"me\nx Co', "archived": True, "Status": "A"}
    assert evaluate_filter(node, props.get)
    assert not evaluate_filter(node, {**props, "archived": False}.get)
    assert evaluate_filter(node, {**props, "archived": False, "Status": "C"}.get)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "empty filter"),
        ("a", 2, "operator"),
        ("a = ", 5, "a value"),
        ("a = 1 &", 8, "property name"),
        ("a = 1 b = 2", 9, "'&', '|'"),
        ("(a = 1", 7, "')' to close the '(' at column 1"),
        ("a = 1)", 6, "without a matching"),
        ("!a = 1", 2, "'(' after '!'"),
        ('a = "open', 5, "unterminated"),
        ("a > *", 5, "'*' works only"),
        ("a =^ [x]", 6, "collection"),
        ("a = [x, y", 10, "',' or ']'"),
        ("a = x\\", 6, "backslash"),
        ("a = b/c", 6, "escape special characters"),
        ("createdAt > 2025-01-01T00:00:00.5Z", 13, "whole seconds"),
        ("= 1", 1, "property name"),
    ],
)
def test_syntax_errors_say_where(text: str, column: int, words: str) -> None:
    with pytest.raises(FilterSyntaxError) as info:
        parse_filter(text)
    err = info.value
    assert err.column == column and err.position == column - 1
    assert f"column {column}" in str(err)
    assert words in str(err)
    assert err.param == "filter" and isinstance(err, SearchError)


# ---- the v2 filter language: evaluation -------------------------------------------------------


def ev(text: str, **props: Any) -> bool:
    return evaluate_filter(parse_filter(text), {k.replace("__", "."): v for k, v in props.items()}.get)


def test_equality_numbers_and_text() -> None:
    assert ev("creator.id=5", creator__id=5)
    assert ev("creator.id=5.0", creator__id=5)
    assert not ev("creator.id=6", creator__id=5)
    assert ev("status=in-progress", status="in-progress")
    assert not ev("status=In-Progress", status="in-progress")  # exact
    assert ev("archived = true", archived=True)
    assert not ev("archived = true", archived=False)
    assert ev("id=1|id=2", id=2)
    assert not ev("id=1|id=2", id=3)


def test_not_equal_keeps_nulls() -> None:
    assert ev("owner.id!=3", owner__id=4)
    assert not ev("owner.id!=3", owner__id=3)
    assert ev("owner.id!=3")


def test_null_and_empty() -> None:
    assert ev("completedAt = *", completedAt="2026-01-01T00:00:00Z")
    assert not ev("completedAt = *")
    assert ev("completedAt != *")
    assert not ev("completedAt != *", completedAt="2026-01-01T00:00:00Z")
    assert ev('content = ""', content="")
    assert ev('content = ""')
    assert not ev('content = ""', content="x")


def test_text_operators_are_case_sensitive() -> None:
    assert ev("name=~Loc", name="Location")
    assert not ev("name=~loc", name="Location")
    assert ev("name =^ Lo", name="Location")
    assert not ev("name =^ ca", name="Location")
    assert ev("name =$ ion", name="Location")
    assert not ev("name =$ Loc", name="Location")
    assert not ev("name =~ x")


def test_timestamps_compare_as_instants() -> None:
    assert ev("createdAt<2025-02-04T10:48:24Z", createdAt="2025-02-04T10:48:23Z")
    assert not ev("createdAt<2025-02-04T10:48:24Z", createdAt="2025-02-04T10:48:24Z")
    assert ev("createdAt<=2025-02-04T10:48:24Z", createdAt="2025-02-04T10:48:24Z")
    assert ev("createdAt>=2025-02-04", createdAt="2025-02-04T00:00:00Z")
    assert ev("createdAt > 2025-02-04T11:00:00+01:00", createdAt="2025-02-04T10:00:01Z")
    assert ev('created > "2024-01-02T03:04:05"', created="2024-01-02T03:04:06Z")  # SDK: quoted, naive
    assert ev("createdAt = 2025-02-04T10:48:24Z", createdAt="2025-02-04T10:48:24+00:00")
    assert not ev("updatedAt>=2025-01-01T00:00:00Z")  # null never compares


def test_numbers_compare_numerically() -> None:
    assert ev("interactionScore>=0.5", interactionScore=0.75)
    assert not ev("interactionScore>=0.5", interactionScore=0.25)
    assert ev("count > 9", count=10)  # not "10" < "9" as text
    assert ev("count < 10", count="9")


def test_ordering_non_comparable_values_is_an_error() -> None:
    with pytest.raises(SearchError) as info:
        ev("name > abc", name="x")
    assert info.value.param == "filter"


def test_collections() -> None:
    assert ev("industries = [Healthcare,Fintech]", industries=["Healthcare", "Fintech"])
    assert not ev("industries = [Healthcare,Fintech]", industries=["Fintech", "Healthcare"])
    assert ev("industries =~ [Fintech,Healthcare]", industries=["Healthcare", "AI", "Fintech"])
    assert not ev("industries =~ [Fintech,Retail]", industries=["Healthcare", "Fintech"])
    assert ev("industries =[]", industries=[])
    assert ev("industries =[]")
    assert not ev("industries =[]", industries=["AI"])
    assert ev("!(industries = [Healthcare,Fintech])", industries=["AI"])
    assert ev("industries = AI", industries=["ML", "AI"])


def test_negation_and_grouping_evaluate() -> None:
    assert ev("!(a=1) & (b=2 | c=3)", a=2, c=3)
    assert not ev("!(a=1) & (b=2 | c=3)", a=1, c=3)
    assert not ev("a=1 | b=1 & c=1", b=1)
    assert ev("(a=1 | b=1) & c=1", b=1, c=1)


def test_filter_properties() -> None:
    assert filter_properties(parse_filter("(a=1 | !(b.c=2)) & d>3")) == {"a", "b.c", "d"}
