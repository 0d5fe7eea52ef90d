"""What people type into a field: parsed per value type, refused with the reason before anything
is sent, and the read shape of a value turned back into what a write takes (for undo)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from affinity.models.entities import FieldMetadata
from hypothesis import given
from hypothesis import strategies as st

from affinity_tui.data.field_input import (
    InputProblem,
    NewValue,
    find_option,
    parse_input,
    parse_number,
    ranked_options,
    same_value,
    why_read_only,
    write_data,
)

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def meta(name: str, value_type: str, kind: str = "list", options: list[dict[str, Any]] | None = None,
         source: str | None = None) -> FieldMetadata:
    return FieldMetadata.model_validate({"id": "field-1", "name": name, "valueType": value_type, "type": kind,
                                         "enrichmentSource": source, "dropdownOptions": options or []})


STAGES = [{"id": 10 + i, "text": t, "rank": i + 1, "color": c} for i, (t, c) in enumerate(
    [("Sourced", "gray"), ("Screening", "blue"), ("Diligence", "purple"), ("IC Review", "orange"),
     ("Term Sheet", "yellow")])]


@pytest.mark.parametrize(("typed", "number"), [
    ("1500", 1500), ("1,500.5", 1500.5), ("1.500,5", 1500.5), ("1 500", 1500), ("1\u00a0500", 1500),
    ("1.5m", 1_500_000), ("250k", 250_000), ("250K", 250_000), ("2bn", 2_000_000_000), ("-3", -3),
    ("\u22123", -3), ("(3)", -3), ("1,5", 1.5), ("1,500", 1500), ("1.500.000", 1_500_000),
    ("1'500", 1500), ("0.25", 0.25), ("+7", 7),
])
def test_numbers_are_read_as_people_type_them(typed: str, number: float) -> None:
    assert parse_number(typed) == number
    assert type(parse_number(typed)) is type(number)


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "12x", "1e5", "--3", "1,50,0"])
def test_what_is_not_a_number_is_refused_with_the_forms_it_takes(typed: str) -> None:
    problem = parse_number(typed)
    assert isinstance(problem, InputProblem)
    assert "1.5m" in problem.message or "multiplier" in problem.message


def test_money_takes_its_own_currency_and_refuses_another() -> None:
    assert parse_number("$1.5m", money=True) == 1_500_000
    assert parse_number("USD 250k", money=True) == 250_000
    assert parse_number("-$1,000", money=True) == -1000
    problem = parse_number("€250k", money=True)
    assert isinstance(problem, InputProblem) and "dollars" in problem.message
    plain = parse_number("$5")
    assert isinstance(plain, InputProblem) and "plain numbers" in plain.message


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_any_integer_written_with_grouping_reads_back(number: int) -> None:
    assert parse_number(f"{number:,}") == number
    assert parse_number(str(number)) == number


@given(st.text(max_size=12))
def test_the_number_parser_never_raises(text: str) -> None:
    result = parse_number(text)
    assert isinstance(result, InputProblem | int | float)


def test_amount_is_money_by_its_name() -> None:
    value = parse_input(meta("Amount", "number"), "$2.5m", now=NOW)
    assert value == NewValue("number", 2_500_000, 2_500_000)
    assert value.text == "$2,500,000"


def test_a_date_uses_the_one_date_parser_and_is_kept_as_noon_utc() -> None:
    value = parse_input(meta("Close Date", "datetime"), "2027-02-01", now=NOW, tz=UTC)
    assert value == NewValue("datetime", "2027-02-01T12:00:00Z", "2027-02-01T12:00:00Z")
    tomorrow = parse_input(meta("Close Date", "datetime"), "tomorrow", now=NOW, tz=UTC)
    assert isinstance(tomorrow, NewValue) and tomorrow.data == "2026-11-25T12:00:00Z"
    problem = parse_input(meta("Close Date", "datetime"), "2026-02-30", now=NOW, tz=UTC)
    assert isinstance(problem, InputProblem) and "28 days" in problem.message


def test_dropdown_options_by_text_any_case_with_did_you_mean() -> None:
    status = meta("Status", "ranked-dropdown", options=list(reversed(STAGES)))
    assert [o.text for o in ranked_options(status)][:2] == ["Sourced", "Screening"]
    value = parse_input(status, "ic review", now=NOW)
    assert value == NewValue("ranked-dropdown", {"dropdownOptionId": 13},
                             {"dropdownOptionId": 13, "text": "IC Review", "rank": 4, "color": "orange"})
    assert parse_input(status, "term", now=NOW).data == {"dropdownOptionId": 14}  # type: ignore[union-attr]
    problem = parse_input(status, "Dilligence", now=NOW)
    assert isinstance(problem, InputProblem) and problem.suggestions == ("Diligence",)
    assert "Did you mean “Diligence”" in problem.message
    s_words = find_option(ranked_options(status), "S")
    assert isinstance(s_words, InputProblem)  # Sourced and Screening: not a unique start


def test_a_multi_dropdown_takes_several_options_and_no_rank() -> None:
    sector = meta("Sector", "dropdown-multi", options=[{"id": 1, "text": "Fintech"}, {"id": 2, "text": "AI/ML"}])
    value = parse_input(sector, "fintech, ai/ml, Fintech", now=NOW)
    assert value == NewValue("dropdown-multi", [{"dropdownOptionId": 1}, {"dropdownOptionId": 2}],
                             [{"dropdownOptionId": 1, "text": "Fintech"}, {"dropdownOptionId": 2, "text": "AI/ML"}])
    assert value.text == "Fintech, AI/ML"


def test_text_location_and_clearing() -> None:
    assert parse_input(meta("Memo", "text"), "[bold]x[/]", now=NOW) == NewValue("text", "[bold]x[/]", "[bold]x[/]")
    place = parse_input(meta("HQ", "location", kind="global"), "Oslo, Norway", now=NOW)
    assert place == NewValue("location", {"streetAddress": None, "city": "Oslo", "state": None, "country": "Norway",
                                          "continent": None}, {"streetAddress": None, "city": "Oslo", "state": None,
                                                               "country": "Norway", "continent": None})
    cleared = parse_input(meta("Amount", "number"), "  ", now=NOW)
    assert cleared == NewValue("number", None, None) and cleared.clears and cleared.text == "—"


@pytest.mark.parametrize(("field", "reason"), [
    (meta("Description", "text", kind="enriched", source="affinity-data"), "affinity data"),
    (meta("Last Email", "interaction", kind="relationship-intelligence"), "emails and meetings"),
    (meta("Target MOIC", "formula-number"), "formula"),
])
def test_read_only_fields_say_why(field: FieldMetadata, reason: str) -> None:
    why = why_read_only(field)
    assert why is not None and reason in why
    problem = parse_input(field, "1", now=NOW)
    assert isinstance(problem, InputProblem) and problem.message.startswith(f"{field.name} cannot be edited")


def test_read_values_turn_back_into_write_values_exactly() -> None:
    assert write_data("ranked-dropdown", {"dropdownOptionId": 7, "text": "X", "rank": 2, "color": "red"}) == \
        {"dropdownOptionId": 7}
    assert write_data("person-multi", [{"id": 1, "firstName": "A"}, {"id": 2}]) == [{"id": 1}, {"id": 2}]
    assert write_data("company", {"id": 3, "name": "C"}) == {"id": 3}
    assert write_data("number", 5) == 5 and write_data("number", None) is None
    assert write_data("dropdown-multi", []) is None
    assert same_value("person-multi", [{"id": 2}, {"id": 1}], [{"id": 1, "firstName": "A"}, {"id": 2}])
    assert same_value("number", 5, 5.0) and not same_value("number", 5, None)
