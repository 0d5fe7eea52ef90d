"""Property tests: no text typed into the filter bar makes ``parse_filter`` or ``completions`` raise.

The text is arbitrary unicode, or built from the language's own alphabet (names, quotes,
operators, ``& | ! ( ) *``, brackets, markup-looking strings, dates and numbers good and bad),
checked with no fields known, with names only, and with the Deal Pipeline's metadata. A filter
that parses must also be one the SDK can plan and re-check locally without raising.
"""

from __future__ import annotations

from typing import Any

from affinity._filtering.search import plan_filter
from affinity.models.entities import DropdownOption, FieldMetadata
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from affinity_tui.data.fields import FieldSet
from affinity_tui.data.query import FilterProblem, ParsedFilter, completions, parse_filter

from .test_query import NAMES, pipeline_fields

PIECES = [
    # names, as typed and as quoted
    "Status", "status", "Amount", "Close Date", '"Close Date"', "Close", "Date", "Sector", "Round", "Owners",
    '"Target MOIC"', "Memo", "entityName", "name", "x", "é", "名前",
    # values
    "Diligence", "diligence", '"Diligance"', '"Term Sheet"', "Fintech", "AI/ML", '""', "1", "-5", "1e6", "1.5",
    "abc", "nan", "inf", "1_000", "2026-01-01", "2026-02-30", "2026-13-45", "2026-01-01T09:00:00Z", "today",
    "-30d", "+2w", "now",
    # operators, word operators, connectives
    "=", "!=", ">", ">=", "<", "<=", "=~", "=^", "=$", "==", "<>", ">>", "in", "between", "contains",
    "has_any", "starts_word", "is", "null", "not", "empty", "gt", "AND", "OR", "&", "|", "!", "(", ")", "*",
    # brackets, quotes, escapes, markup-looking text, whitespace, control characters
    "[", "]", ",", "[bold]", "[/]", "[x]", "[a, b]", "[]", '"', "'", "\\", "\\\"", "<b>", "\x1b[31m",
    " ", "  ", "\t", "\n", "\x00", "\u200b", "\u3000", "\ufeff",
]
pieces = st.lists(st.sampled_from(PIECES), max_size=16)
texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from('ab "=!<>~^$&|()*[],\\ ')),
                  pieces.map("".join), pieces.map(" ".join))


def known_fields(which: str) -> FieldSet | list[str] | None:
    if which == "set":
        return pipeline_fields()
    if which == "set without options":
        return FieldSet(tuple(m.model_copy(update={"dropdown_options": []}) for m in pipeline_fields().fields))
    return NAMES if which == "names" else None


KNOWN = st.sampled_from(["nothing", "names", "set", "set without options"])
RECORDS: list[dict[str, Any]] = [
    {},
    {"Status": "Diligence", "Amount": 250000, "Close Date": "2026-05-31T12:00:00Z", "Sector": ["Fintech"],
     "Round": "Seed", "Owners": ["Ines Carvalho"], "Memo": "[b]x[/b]", "Target MOIC": {"calculatedValue": 3.6},
     "name": "Acme", "entityName": "Acme", "listEntryId": 1, "entityId": 2, "entityType": "opportunity"},
]


def options_for(meta: FieldMetadata) -> list[DropdownOption]:
    return list(meta.dropdown_options)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, KNOWN)
def test_parse_filter_answers_every_text(text: str, which: str) -> None:
    result = parse_filter(text, known_fields(which))
    assert isinstance(result, ParsedFilter | FilterProblem)
    if isinstance(result, FilterProblem):
        assert 0 <= result.position <= len(text), result
        assert result.message and "Traceback" not in result.message
        assert all(isinstance(s, str) for s in result.suggestions)
        return
    assert result.text == text.strip()
    result.expression.to_string()
    for record in RECORDS:
        result.expression.matches(record)
    plan_filter(result.expression, pipeline_fields().fields, options_for)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(["names", "set", "set without options"]))
def test_completions_answer_every_text(text: str, which: str) -> None:
    fields = known_fields(which)
    assert fields is not None
    result = completions(text, fields)
    assert isinstance(result, list) and all(isinstance(s, str) for s in result)
    assert len(result) <= 20
