"""Unit tests for the emulator's search-criteria evaluator (``POST .../search`` bodies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from affinity import criteria
from affinity._filtering.search import plan_filter
from affinity.criteria import Condition, SearchCriteria, Sort, all_of, any_of
from affinity.filters import parse as sdk_parse
from affinity.models.entities import DropdownOption, FieldMetadata

from affinity_tui.emulator.search_criteria import (
    OPERATORS,
    SearchError,
    ValueOf,
    apply_sorts,
    compile_criteria,
    evaluate_criteria,
    field_filter_type,
    matches_term,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

# field id -> store value type
FIELD_TYPES = {
    "f-text": "text",
    "f-ft": "filterable-text",
    "f-ftm": "filterable-text-multi",
    "f-num": "number",
    "f-date": "datetime",
    "f-dd": "dropdown",
    "f-rdd": "ranked-dropdown",
    "f-ddm": "dropdown-multi",
    "f-person": "person",
    "f-pm": "person-multi",
    "f-co": "company",
    "f-com": "company-multi",
    "f-lists": "list-multi",
    "f-loc": "location",
    "f-locm": "location-multi",
    "f-inter": "interaction",
    "f-formula": "formula-number",
}
FILTER_TYPE = {fid: field_filter_type(vt) for fid, vt in FIELD_TYPES.items()}

SF = {"streetAddress": "1 Main St", "city": "San Francisco", "state": "California",
      "country": "United States", "continent": "North America"}
BERLIN = {"streetAddress": None, "city": "Berlin", "state": None, "country": "Germany", "continent": "Europe"}


def rec(**values: Any) -> ValueOf:
    """A record with these compact values (keys use '_' for '-': f_num -> f-num)."""
    vals = {k.replace("_", "-"): v for k, v in values.items()}

    def value_of(fid: str) -> tuple[str | None, Any]:
        return (FIELD_TYPES.get(fid), vals.get(fid))

    return value_of


def body(where: Condition | criteria.FilterGroup) -> dict[str, Any]:
    """The ``filters`` group exactly as the SDK writes it (value types given explicitly)."""
    out = SearchCriteria(where=where).to_body()["filters"]
    assert isinstance(out, dict)
    return out


def cond(field_id: str, operator: str, value: Any = None) -> Condition:
    vt = FILTER_TYPE[field_id]
    if value is None:
        return Condition(field_id, operator, value_type=vt)
    return Condition(field_id, operator, value, value_type=vt)


def check(field_id: str, operator: str, value: Any, record: ValueOf, *, now: datetime = NOW) -> bool:
    return evaluate_criteria(body(cond(field_id, operator, value)), record, now=now)


# ---- the operator table ---------------------------------------------------------------------


def test_operator_table_matches_the_sdk() -> None:
    assert OPERATORS == criteria.OPERATORS


def test_field_filter_type_follows_the_sdk() -> None:
    for vt in FIELD_TYPES.values():
        assert field_filter_type(vt) == criteria.filter_value_type(vt)
    assert field_filter_type("datetime") == "date"
    assert field_filter_type("interaction") is None


# ---- text -----------------------------------------------------------------------------------


def test_text_operators_are_case_insensitive() -> None:
    r = rec(f_text="Acme Robotics")
    assert check("f-text", "contains", "ROBOT", r)
    assert not check("f-text", "contains", "zeta", r)
    assert check("f-text", "starts-with", "acme", r)
    assert not check("f-text", "starts-with", "robotics", r)
    assert check("f-text", "ends-with", "TICS", r)
    assert not check("f-text", "ends-with", "acme", r)
    assert check("f-text", "does-not-contain", "zeta", r)
    assert not check("f-text", "does-not-contain", "ACME", r)


def test_text_empty_and_negation_on_missing_values() -> None:
    for empty in (rec(), rec(f_text="")):
        assert check("f-text", "is-empty", None, empty)
        assert not check("f-text", "is-not-empty", None, empty)
        assert not check("f-text", "contains", "a", empty)
        assert check("f-text", "does-not-contain", "a", empty)
    assert check("f-text", "is-not-empty", None, rec(f_text="x"))
    assert not check("f-text", "is-empty", None, rec(f_text="x"))


# ---- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("is-equal-to", 5, True),
        ("is-equal-to", 5.5, False),
        ("is-not-equal-to", 4, True),
        ("is-not-equal-to", 5, False),
        ("is-greater-than", 4.9, True),
        ("is-greater-than", 5, False),
        ("is-greater-than-or-equal-to", 5, True),
        ("is-greater-than-or-equal-to", 6, False),
        ("is-less-than", 6, True),
        ("is-less-than", 5, False),
        ("is-less-than-or-equal-to", 5, True),
        ("is-less-than-or-equal-to", 4, False),
        ("is-between", (5, 9), True),
        ("is-between", (1, 5), True),
        ("is-between", (6, 9), False),
    ],
)
def test_number_operators(operator: str, value: Any, expected: bool) -> None:
    assert check("f-num", operator, value, rec(f_num=5)) is expected


def test_number_empty_values() -> None:
    assert check("f-num", "is-empty", None, rec())
    assert check("f-num", "is-not-empty", None, rec(f_num=0))
    assert not check("f-num", "is-greater-than", -1, rec())
    assert check("f-num", "is-not-equal-to", 3, rec())  # negations keep empty values


# ---- dates ----------------------------------------------------------------------------------


def test_fixed_date_operators_compare_utc_days() -> None:
    late = rec(f_date="2026-11-24T23:59:59Z")
    next_day = rec(f_date="2026-11-25T00:00:00Z")
    d = date(2026, 11, 24)
    assert check("f-date", "is-on", d, late)
    assert not check("f-date", "is-on", d, next_day)
    assert check("f-date", "is-not-on", d, next_day)
    assert not check("f-date", "is-not-on", d, late)
    assert check("f-date", "is-after", d, next_day)
    assert not check("f-date", "is-after", d, late)
    assert check("f-date", "is-before", date(2026, 11, 25), late)
    assert not check("f-date", "is-before", d, late)
    assert check("f-date", "is-on-or-before", d, late)
    assert not check("f-date", "is-on-or-before", d, next_day)
    assert check("f-date", "is-on-or-after", d, late)
    assert not check("f-date", "is-on-or-after", date(2026, 11, 26), next_day)
    assert check("f-date", "is-on", "2026-11-24", late)  # the SDK also takes 'YYYY-MM-DD'


def test_date_between_is_inclusive() -> None:
    span = (date(2026, 1, 1), date(2026, 1, 31))
    assert check("f-date", "is-between", span, rec(f_date="2026-01-01T00:00:00Z"))
    assert check("f-date", "is-between", span, rec(f_date="2026-01-31T22:00:00Z"))
    assert not check("f-date", "is-between", span, rec(f_date="2026-02-01T00:00:00Z"))
    assert not check("f-date", "is-between", span, rec())


def test_relative_windows() -> None:
    assert check("f-date", "is-within-the-last", (6, "month"), rec(f_date="2026-06-01T00:00:00Z"))
    assert not check("f-date", "is-within-the-last", (6, "month"), rec(f_date="2026-05-24T11:59:59Z"))
    assert check("f-date", "is-within-the-last", (6, "month"), rec(f_date="2026-05-24T12:00:00Z"))
    assert not check("f-date", "is-within-the-last", (1, "day"), rec(f_date="2026-11-25T00:00:00Z"))
    assert check("f-date", "is-within-the-next", (2, "week"), rec(f_date="2026-12-01T00:00:00Z"))
    assert not check("f-date", "is-within-the-next", (2, "week"), rec(f_date="2026-12-09T00:00:00Z"))
    assert not check("f-date", "is-within-the-next", (2, "week"), rec(f_date="2026-11-20T00:00:00Z"))
    assert check("f-date", "is-not-within-the-last", (3, "hour"), rec(f_date="2026-11-24T08:00:00Z"))
    assert not check("f-date", "is-not-within-the-last", (3, "hour"), rec(f_date="2026-11-24T10:00:00Z"))
    assert check("f-date", "is-not-within-the-next", (1, "quarter"), rec())
    assert not check("f-date", "is-not-within-the-next", (1, "quarter"), rec(f_date="2027-02-01T00:00:00Z"))
    assert check("f-date", "is-within-the-last", (30, "minute"), rec(f_date="2026-11-24T11:45:00Z"))
    assert check("f-date", "is-within-the-last", (1, "year"), rec(f_date="2025-11-24T12:00:00Z"))
    assert not check("f-date", "is-within-the-last", (1, "year"), rec(f_date="2025-11-24T11:00:00Z"))


def test_months_move_on_the_calendar() -> None:
    end_of_march = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    inside = rec(f_date="2026-02-28T12:00:00Z")
    outside = rec(f_date="2026-02-28T11:59:00Z")
    assert check("f-date", "is-within-the-last", (1, "month"), inside, now=end_of_march)
    assert not check("f-date", "is-within-the-last", (1, "month"), outside, now=end_of_march)


def test_relative_durations_count_whole_units_elapsed() -> None:
    two_days_ago = rec(f_date="2026-11-22T00:00:00Z")  # 2.5 days: 2 whole days elapsed
    assert check("f-date", "is-exactly-relative", (2, "day"), two_days_ago)
    assert not check("f-date", "is-exactly-relative", (3, "day"), two_days_ago)
    assert check("f-date", "is-not-exactly-relative", (3, "day"), two_days_ago)
    assert check("f-date", "is-less-than-relative", (3, "day"), two_days_ago)
    assert not check("f-date", "is-less-than-relative", (2, "day"), two_days_ago)
    assert check("f-date", "is-less-than-or-equal-to-relative", (2, "day"), two_days_ago)
    assert not check("f-date", "is-less-than-or-equal-to-relative", (1, "day"), two_days_ago)
    assert check("f-date", "is-more-than-relative", (1, "day"), two_days_ago)
    assert not check("f-date", "is-more-than-relative", (2, "day"), two_days_ago)
    assert check("f-date", "is-more-than-or-equal-to-relative", (2, "day"), two_days_ago)
    assert not check("f-date", "is-more-than-or-equal-to-relative", (3, "day"), two_days_ago)
    future = rec(f_date="2026-12-01T00:00:00Z")
    assert not check("f-date", "is-less-than-relative", (3, "day"), future)
    assert check("f-date", "is-not-exactly-relative", (0, "day"), future)
    assert check("f-date", "is-exactly-relative", (0, "day"), rec(f_date="2026-11-24T00:00:00Z"))


def test_between_relative() -> None:
    assert check("f-date", "is-between-relative", (7, 30, "day"), rec(f_date="2026-11-10T00:00:00Z"))
    assert check("f-date", "is-between-relative", (7, 30, "day"), rec(f_date="2026-10-24T13:00:00Z"))
    assert not check("f-date", "is-between-relative", (7, 30, "day"), rec(f_date="2026-11-20T00:00:00Z"))
    assert not check("f-date", "is-between-relative", (7, 30, "day"), rec(f_date="2026-10-01T00:00:00Z"))


def test_date_empty() -> None:
    assert check("f-date", "is-empty", None, rec())
    assert not check("f-date", "is-empty", None, rec(f_date="2026-01-01T00:00:00Z"))
    assert check("f-date", "is-not-empty", None, rec(f_date="2026-01-01T00:00:00Z"))
    assert not check("f-date", "is-after", date(2000, 1, 1), rec())


def test_the_sdk_writes_relative_values_in_three_shapes() -> None:
    """What surprised: windows wrap the amount in a list, durations don't."""
    assert body(cond("f-date", "is-within-the-last", (6, "month")))["filters"][0]["value"] == {
        "amount": [6], "unit": "month"}
    assert body(cond("f-date", "is-more-than-relative", (6, "month")))["filters"][0]["value"] == {
        "amount": 6, "unit": "month"}
    assert body(cond("f-date", "is-between-relative", (1, 2, "week")))["filters"][0]["value"] == {
        "amount": [1, 2], "unit": "week"}


# ---- references, dropdowns, multi values ------------------------------------------------------


def test_person_and_company_refs() -> None:
    assert check("f-person", "is-any-of", [7, 8], rec(f_person=8))
    assert not check("f-person", "is-any-of", [7], rec(f_person=8))
    assert check("f-person", "is-none-of", [7], rec(f_person=8))
    assert not check("f-person", "is-none-of", [8], rec(f_person=8))
    assert check("f-person", "is-none-of", [8], rec())
    assert check("f-co", "is-any-of", 3, rec(f_co=3))
    assert check("f-co", "is-empty", None, rec())
    assert body(cond("f-co", "is-any-of", [3]))["filters"][0]["value"] == [{"id": 3}]


def test_bare_int_refs_are_accepted() -> None:
    raw = {"operator": "and", "filters": [
        {"fieldId": "f-person", "valueType": "person", "operator": "is-any-of", "value": [8]}]}
    assert evaluate_criteria(raw, rec(f_person=8), now=NOW)
    assert not evaluate_criteria(raw, rec(f_person=9), now=NOW)


def test_dropdowns() -> None:
    assert body(cond("f-dd", "is-any-of", [3]))["filters"][0]["value"] == [{"dropdownOptionId": 3}]
    assert check("f-dd", "is-any-of", [3, 4], rec(f_dd=4))
    assert not check("f-dd", "is-any-of", [3], rec(f_dd=4))
    assert check("f-rdd", "is-none-of", [3], rec(f_rdd=4))
    assert not check("f-rdd", "is-none-of", [4], rec(f_rdd=4))
    assert check("f-rdd", "is-not-empty", None, rec(f_rdd=4))


@pytest.mark.parametrize("field_id", ["f-ddm", "f-pm", "f-com", "f-lists"])
def test_multi_id_operators(field_id: str) -> None:
    r = rec(**{field_id.replace("-", "_"): [1, 2, 3]})
    assert check(field_id, "has-any-of", [3, 9], r)
    assert not check(field_id, "has-any-of", [8, 9], r)
    assert check(field_id, "has-all-of", [1, 3], r)
    assert not check(field_id, "has-all-of", [1, 9], r)
    assert check(field_id, "has-none-of", [8, 9], r)
    assert not check(field_id, "has-none-of", [2], r)
    assert check(field_id, "has-none-of", [2], rec())
    assert check(field_id, "is-empty", None, rec(**{field_id.replace("-", "_"): []}))
    assert check(field_id, "is-not-empty", None, r)
    assert not check(field_id, "has-any-of", [1], rec())


def test_filterable_text_equality_is_case_insensitive() -> None:
    assert check("f-ft", "is-any-of", ["fintech", "Health"], rec(f_ft="FinTech"))
    assert not check("f-ft", "is-any-of", ["fin"], rec(f_ft="FinTech"))
    assert check("f-ft", "is-none-of", ["Health"], rec(f_ft="FinTech"))
    r = rec(f_ftm=["Aerospace", "Construction"])
    assert check("f-ftm", "has-any-of", ["construction"], r)
    assert check("f-ftm", "has-all-of", ["Aerospace", "Construction"], r)
    assert not check("f-ftm", "has-all-of", ["Aerospace", "Retail"], r)
    assert check("f-ftm", "has-none-of", ["Retail"], r)
    assert not check("f-ftm", "has-none-of", ["aerospace"], r)


def test_locations_match_on_the_parts_the_filter_names() -> None:
    assert check("f-loc", "is-any-of", [{"country": "united states"}], rec(f_loc=SF))
    assert check("f-loc", "is-any-of", [{"city": "Berlin"}, {"city": "San Francisco", "country": "United States"}],
                 rec(f_loc=SF))
    assert not check("f-loc", "is-any-of", [{"city": "Boston", "country": "United States"}], rec(f_loc=SF))
    assert check("f-loc", "is-none-of", [{"country": "Germany"}], rec(f_loc=SF))
    assert check("f-loc", "is-empty", None, rec())
    multi = rec(f_locm=[SF, BERLIN])
    assert check("f-locm", "has-any-of", [{"city": "berlin"}], multi)
    assert check("f-locm", "has-all-of", [{"city": "Berlin"}, {"state": "California"}], multi)
    assert not check("f-locm", "has-all-of", [{"city": "Berlin"}, {"city": "Paris"}], multi)
    assert check("f-locm", "has-none-of", [{"continent": "Asia"}], multi)
    assert not check("f-locm", "has-none-of", [{"continent": "Europe"}], multi)


# ---- groups ---------------------------------------------------------------------------------


def test_nested_groups() -> None:
    where = all_of(
        cond("f-num", "is-greater-than", 10),
        any_of(cond("f-dd", "is-any-of", [1]), all_of(cond("f-text", "contains", "x"), cond("f-ddm", "has-any-of", [5]))),
    )
    b = body(where)
    assert b["operator"] == "and" and b["filters"][1]["operator"] == "or"
    assert evaluate_criteria(b, rec(f_num=11, f_dd=1), now=NOW)
    assert evaluate_criteria(b, rec(f_num=11, f_dd=2, f_text="X-ray", f_ddm=[5]), now=NOW)
    assert not evaluate_criteria(b, rec(f_num=11, f_dd=2, f_text="X-ray", f_ddm=[6]), now=NOW)
    assert not evaluate_criteria(b, rec(f_num=10, f_dd=1), now=NOW)


def test_single_condition_is_wrapped_and_empty_groups() -> None:
    assert body(cond("f-num", "is-empty"))["operator"] == "and"
    assert evaluate_criteria(None, rec(), now=NOW)
    assert evaluate_criteria({"operator": "and", "filters": []}, rec(), now=NOW)
    assert not evaluate_criteria({"operator": "or", "filters": []}, rec(), now=NOW)


def test_compiled_criteria_are_reusable() -> None:
    compiled = compile_criteria(body(cond("f-num", "is-between", (1, 2))))
    assert [compiled.matches(rec(f_num=n), now=NOW) for n in (0, 1, 2, 3)] == [False, True, True, False]


# ---- bodies from the SDK's own filter pushdown ------------------------------------------------


def _meta(fid: str, name: str, vt: str) -> FieldMetadata:
    ops = criteria.OPERATORS[criteria.filter_value_type(vt) or ""]
    return FieldMetadata.model_validate({
        "id": fid, "name": name, "type": "list", "valueType": vt, "enrichmentSource": None,
        "filterability": {"filterableFieldType": "value", "valueType": criteria.filter_value_type(vt),
                          "operators": [{"id": o} for o in ops]}})


PUSHDOWN_FIELDS = [_meta("f-dd", "Status", "dropdown"), _meta("f-num", "Amount", "number"),
                   _meta("f-date", "Close", "datetime"), _meta("f-text", "Notes", "text"),
                   _meta("f-ddm", "Tags", "dropdown-multi"), _meta("f-person", "Owner", "person")]
OPTIONS = {"f-dd": [DropdownOption(id=11, text="Open"), DropdownOption(id=12, text="Won")],
           "f-ddm": [DropdownOption(id=51, text="A"), DropdownOption(id=52, text="B")]}


def pushed(text: str) -> dict[str, Any]:
    plan = plan_filter(sdk_parse(text), PUSHDOWN_FIELDS, lambda m: OPTIONS.get(str(m.id), []))
    assert plan.body is not None and not plan.local, plan.local
    filters = plan.body["filters"]
    assert isinstance(filters, dict)
    return filters


@pytest.mark.parametrize(
    ("text", "matching", "other"),
    [
        ('Status = "Open"', rec(f_dd=11), rec(f_dd=12)),
        ('Status != "Open"', rec(), rec(f_dd=11)),
        ("Amount >= 5", rec(f_num=5), rec(f_num=4.99)),
        ("Amount != 5", rec(), rec(f_num=5)),
        ('Close > "2026-01-10"', rec(f_date="2026-01-10T09:00:00Z"), rec(f_date="2026-01-08T23:00:00Z")),
        ('Close between ["2026-01-01","2026-02-01"]', rec(f_date="2026-02-02T00:00:00Z"),
         rec(f_date="2026-02-03T00:00:00Z")),
        ('Notes = "Hello"', rec(f_text="say HELLO"), rec(f_text="bye")),
        ('Tags = ["A","B"]', rec(f_ddm=[52, 51]), rec(f_ddm=[51])),
        ('Tags = "A"', rec(f_ddm=[51, 52]), rec(f_ddm=[52])),
        ("Amount is null", rec(), rec(f_num=0)),
        ("Owner is not null", rec(f_person=3), rec()),
        ('Status = "Won" | Amount > 3', rec(f_num=4), rec(f_num=3, f_dd=11)),
    ],
)
def test_sdk_pushdown_bodies(text: str, matching: ValueOf, other: ValueOf) -> None:
    filters = pushed(text)
    assert evaluate_criteria(filters, matching, now=NOW)
    assert not evaluate_criteria(filters, other, now=NOW)


def test_sdk_pushdown_dates_are_widened_days() -> None:
    f = pushed('Close > "2026-01-10"')["filters"][0]
    assert f == {"valueType": "date", "fieldId": "f-date", "operator": "is-after", "value": "2026-01-08"}


# ---- errors ---------------------------------------------------------------------------------


def _group(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"operator": "and", "filters": list(filters)}


def _raises(filters: Any, record: ValueOf | None = None) -> SearchError:
    with pytest.raises(SearchError) as info:
        evaluate_criteria(filters, record or rec(), now=NOW)
    assert info.value.message == str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("item", "param", "words"),
    [
        ({"fieldId": "nope", "valueType": "number", "operator": "is-empty"}, "filters.filters[0].fieldId", "Unknown field"),
        ({"fieldId": "f-num", "valueType": "number", "operator": "is-like"}, "filters.filters[0].operator", "is-like"),
        ({"fieldId": "f-num", "valueType": "numeric", "operator": "is-empty"}, "filters.filters[0].valueType", "numeric"),
        ({"fieldId": "f-num", "valueType": "text", "operator": "contains", "value": "1"},
         "filters.filters[0].valueType", "filtered as 'number'"),
        ({"fieldId": "f-dd", "valueType": "dropdown", "operator": "is-any-of", "value": [{"id": 3}]},
         "filters.filters[0].value", "dropdownOptionId"),
        ({"fieldId": "f-dd", "valueType": "dropdown", "operator": "is-any-of", "value": 3},
         "filters.filters[0].value", "list"),
        ({"fieldId": "f-dd", "valueType": "dropdown", "operator": "is-any-of", "value": []},
         "filters.filters[0].value", "non-empty"),
        ({"fieldId": "f-num", "valueType": "number", "operator": "is-empty", "value": 3},
         "filters.filters[0].value", "takes no value"),
        ({"fieldId": "f-num", "valueType": "number", "operator": "is-equal-to"}, "filters.filters[0].value", "needs a value"),
        ({"fieldId": "f-num", "valueType": "number", "operator": "is-equal-to", "value": True},
         "filters.filters[0].value", "number"),
        ({"fieldId": "f-num", "valueType": "number", "operator": "is-between", "value": [5, 1]},
         "filters.filters[0].value", "low <= high"),
        ({"fieldId": "f-text", "valueType": "text", "operator": "contains", "value": ["a"]},
         "filters.filters[0].value", "one non-empty string"),
        ({"fieldId": "f-date", "valueType": "date", "operator": "is-after", "value": "2026-01-01T00:00:00Z"},
         "filters.filters[0].value", "YYYY-MM-DD"),
        ({"fieldId": "f-date", "valueType": "date", "operator": "is-within-the-last",
          "value": {"amount": 3, "unit": "day"}}, "filters.filters[0].value.amount", "[n]"),
        ({"fieldId": "f-date", "valueType": "date", "operator": "is-within-the-last",
          "value": {"amount": [3], "unit": "fortnight"}}, "filters.filters[0].value.unit", "Unit"),
        ({"fieldId": "f-date", "valueType": "date", "operator": "is-more-than-relative",
          "value": {"amount": [3], "unit": "day"}}, "filters.filters[0].value.amount", "0 or more"),
        ({"fieldId": "f-loc", "valueType": "location", "operator": "is-any-of", "value": [{"town": "X"}]},
         "filters.filters[0].value", "town"),
        ({"fieldId": "f-inter", "valueType": "date", "operator": "is-empty"}, "filters.filters[0].fieldId",
         "can't be filtered"),
        ({"fieldId": "f-date", "valueType": "date", "operator": "is-empty", "attributeId": "x"},
         "filters.filters[0].attributeId", "attribute"),
    ],
)
def test_invalid_conditions(item: dict[str, Any], param: str, words: str) -> None:
    err = _raises(_group(item))
    assert err.param == param
    assert words in err.message


def test_invalid_groups() -> None:
    assert _raises({"operator": "xor", "filters": []}).param == "filters.operator"
    assert _raises({"fieldId": "f-num", "valueType": "number", "operator": "is-empty"}).param == "filters"
    too_many = _group(*[{"fieldId": "f-num", "valueType": "number", "operator": "is-empty"}] * 51)
    assert "at most 50" in _raises(too_many).message
    too_many_values = _group({"fieldId": "f-dd", "valueType": "dropdown", "operator": "is-any-of",
                              "value": [{"dropdownOptionId": i} for i in range(101)]})
    assert "At most 100" in _raises(too_many_values).message
    nested = _group({"operator": "or", "filters": [{"fieldId": "f-num", "valueType": "number", "operator": "bad"}]})
    assert _raises(nested).param == "filters.filters[0].filters[0].operator"


def test_errors_do_not_depend_on_the_record() -> None:
    """A bad field id in a later branch is reported even when the first branch already fails."""
    filters = _group({"fieldId": "f-num", "valueType": "number", "operator": "is-not-empty"},
                     {"fieldId": "ghost", "valueType": "number", "operator": "is-empty"})
    assert _raises(filters, rec()).param == "filters.filters[1].fieldId"


# ---- term and sorts -------------------------------------------------------------------------


def test_matches_term() -> None:
    assert matches_term("acm", ["Acme Corp", "acme.co"])
    assert matches_term("  ACME.CO ", ["Zeta", "acme.co"])
    assert matches_term("jane@", [None, "jane@acme.co"])
    assert not matches_term("zeta", ["Acme", "acme.co"])
    assert not matches_term("acme", [])


@dataclass
class Row:
    id: int
    values: dict[str, Any]


def _value_of(row: Row) -> ValueOf:
    return lambda fid: (FIELD_TYPES.get(fid), row.values.get(fid))


ROWS = [Row(5, {"f-num": 3, "f-text": "b"}), Row(2, {"f-num": None, "f-text": "A"}), Row(9, {"f-num": 1, "f-text": "a"}),
        Row(1, {"f-num": 3, "f-text": ""}), Row(7, {"f-num": 2})]


def _ids(rows: list[Row]) -> list[int]:
    return [r.id for r in rows]


def test_sorts_keep_empties_last_and_break_ties_by_id() -> None:
    asc = [Sort("f-num").to_body()]
    desc = [Sort("f-num", "desc").to_body()]
    assert _ids(apply_sorts(ROWS, asc, _value_of, id_of=lambda r: r.id)) == [9, 7, 1, 5, 2]
    assert _ids(apply_sorts(ROWS, desc, _value_of, id_of=lambda r: r.id)) == [1, 5, 7, 9, 2]
    assert _ids(apply_sorts(ROWS, [], _value_of)) == [1, 2, 5, 7, 9]


def test_sorts_apply_in_order() -> None:
    sorts = [{"fieldId": "f-text", "direction": "asc"}, {"fieldId": "f-num", "direction": "desc"}]
    # text case-insensitive: a(2: num empty), a(9: 1) -> num desc puts 9 before 2 (empty last); then b; empties last
    assert _ids(apply_sorts(ROWS, sorts, _value_of)) == [9, 2, 5, 1, 7]


def test_sorts_on_dates_and_multi_values() -> None:
    rows = [Row(1, {"f-date": "2026-01-02T00:00:00Z", "f-ddm": [9]}),
            Row(2, {"f-date": "2025-12-31T00:00:00Z", "f-ddm": [3, 1]}),
            Row(3, {"f-ddm": []})]
    assert _ids(apply_sorts(rows, [{"fieldId": "f-date", "direction": "desc"}], _value_of)) == [1, 2, 3]
    assert _ids(apply_sorts(rows, [{"fieldId": "f-ddm", "direction": "asc"}], _value_of)) == [2, 1, 3]


def test_invalid_sorts() -> None:
    with pytest.raises(SearchError) as info:
        apply_sorts(ROWS, [{"fieldId": "ghost", "direction": "asc"}], _value_of)
    assert info.value.param == "sorts[0].fieldId"
    with pytest.raises(SearchError) as info:
        apply_sorts(ROWS, [{"fieldId": "f-num", "direction": "up"}], _value_of)
    assert info.value.param == "sorts[0].direction"
    with pytest.raises(SearchError):
        apply_sorts(ROWS, [{"fieldId": "f-num", "direction": "asc"}] * 6, _value_of)
    with pytest.raises(SearchError):
        apply_sorts([Row(1, {})], [{"fieldId": "f-inter", "direction": "asc"}], _value_of)
