"""The filter bar's language: parse what the user typed, or say exactly what is wrong and where.

The language is the SDK's (``affinity.filters.parse``): ``Status = "Diligence" & Amount > 1000000``,
``Owners = *`` (has a value), ``Sector =~ "Fin"`` (contains), ``!``, ``|``, parentheses, and
double quotes around names or values with spaces (``"Close Date" > 2026-01-01``).

This module adds what a person at a keyboard needs on top of it:

* **Errors with a column, never a traceback.** The SDK's ``ValueError`` messages speak of tokens
  and 0-based positions; they are rewritten into short sentences with a 1-based column, and the
  position is returned so the bar can put the cursor there. The SDK's parser also fails in
  other ways (an ``AssertionError`` for a ``[list]`` where a name goes, a ``RecursionError``
  for deep nesting); those become positioned sentences too.
* **Field names checked against the list.** An unknown name is reported with close matches.
* **Field names spelled as the list spells them.** The SDK re-checks every entry locally by
  *exact* field name, so ``status = "Won"`` would silently match nothing where the field is
  ``Status``; names are rewritten to the list's spelling before the filter is used.
* **Values checked against the field's type**, given the list's ``FieldSet``, so that a filter
  which cannot match is refused before any request (the SDK answers one it can't send to
  Affinity's search by reading the whole list):

  - dropdown fields: ``=`` and ``!=`` take one of the options (its spelling is fixed when only
    the case or surrounding spaces differ, since the SDK compares option text exactly; else
    "did you mean"); ``=~``, ``=^``, ``=$`` must fit at least one option;
  - date fields: a date the SDK can read (``2026-01-31``, ``2026-01-31T09:00:00Z``, ``today``,
    ``-30d`` …), not ``2026-02-30``; ``=`` means that day (or that instant), written as a
    range, because the SDK's local ``=`` compares the stored ISO text exactly;
  - number fields: a finite number (``1000000``, ``1e6``, ``-1.5``), spelled for ``=`` as the
    SDK's text comparison needs (``1e6`` as ``1000000``);
  - formula fields are refused: the SDK compares their stored values as text.

  Dropdown checks need the options on the ``FieldMetadata`` (``dropdown_options``); without
  them values are not checked.
* **Completion** of field names at the cursor, and of a dropdown field's options after
  ``=`` or ``!=``, quoted when they need quotes.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Two private SDK names, so the bar reads text exactly as the SDK then does: its date reader
# (the date forms its comparisons accept) and its tokenizer (where each value is written).
from affinity._filtering.dates import parse_date_value
from affinity.compare import compare_values, map_operator
from affinity.filters import (
    AndExpression,
    FieldComparison,
    FilterExpression,
    NotExpression,
    OrExpression,
    RawToken,
    _Tokenizer,
    _TokenType,
    parse,
)
from affinity.models.entities import FieldMetadata

from .fields import FieldSet

ROW_ATTRIBUTES = ("name", "domain", "primary_email", "listEntryId", "entityId", "entityName", "entityType")
"""Record attributes the SDK's local filter knows besides fields (its ``ROW_KEYS``)."""
WORD_OPERATORS = frozenset({"contains", "starts_with", "ends_with", "gt", "gte", "lt", "lte", "in",
                            "between", "has_any", "has_all", "contains_any", "contains_all",
                            "starts_word", "is"})
OPERATOR_CHARS = "=!<>~^$"
SYMBOL_OPERATORS = "= != > >= < <= =~ =^ =$"
EXAMPLE = 'Status = "Won" & Amount > 1000000'
MAX_DEPTH = 100
"""Conditions combined or nested deeper than this are refused: the SDK walks a filter
recursively (to plan the search and to re-check each entry) and would overflow Python's stack."""
DATE_FORMS = "2026-01-31, 2026-01-31T09:00:00Z, today, yesterday, tomorrow, now, or -30d / +2w / -3m / -1y"
NUMBER_FORMS = "1000000, 1e6, 1.5 or -2"
_SEPARATORS = "&|(!"
_DROPDOWN_TYPES = frozenset({"dropdown", "ranked-dropdown", "dropdown-multi"})
_NUMBER_TYPES = frozenset({"number", "number-multi"})
_FORMULA_TYPES = frozenset({"formula-number"})
_EXACT_OPS = frozenset({"eq", "neq", "in", "has_any", "has_all"})
"""Operators that compare a dropdown value with option text exactly."""
_TEXT_OPS = {"contains": "contains", "starts_with": "starts with", "ends_with": "ends with",
             "starts_word": "has a word starting with"}
"""Operators that test part of the text, and how a message says them."""
_ORDER_OPS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte", "in", "between"})
"""Operators whose values must be dates on a date field, numbers on a number field."""

FieldsArg = FieldSet | Iterable[str] | None
"""What the list's fields are known as: their metadata, only their names, or nothing."""


@dataclass(frozen=True)
class ParsedFilter:
    """A filter ready for ``FilteredEntriesCursor``."""

    text: str
    """What the user typed (trimmed): what to remember in the recent filters."""
    expression: FilterExpression
    """The parsed filter, field names (and, with metadata, values) in the list's own spelling."""
    fields: tuple[str, ...]
    """The field names it tests, in order of appearance."""


@dataclass(frozen=True)
class FilterProblem:
    """Why the text is not a filter, and where."""

    message: str
    position: int
    """0-based offset into the text where the problem is (where to put the cursor)."""
    suggestions: tuple[str, ...] = ()
    """Close field names for an unknown field; close options for an unknown dropdown value."""

    @property
    def column(self) -> int:
        """1-based, as the message says."""
        return self.position + 1


def parse_filter(text: str, fields: FieldsArg = None) -> ParsedFilter | FilterProblem:
    """Parse the filter bar's text.

    With the list's ``fields`` (a ``FieldSet``, or just the names), field names are checked and
    given the list's spelling; with a ``FieldSet``, values are checked against each field's type
    too (see the module docstring). Never raises for any text.
    """
    stripped = text.strip()
    field_set, names = _known_fields(fields)
    too_deep = _parentheses_too_deep(text)
    if too_deep is not None:
        return too_deep
    try:
        expression = parse(text)
    except ValueError as error:
        return explain_syntax_error(text, str(error), names)
    except Exception as error:  # noqa: BLE001 - the SDK's parser asserts and recurses too
        return _unreadable(text, error)
    if _depth(expression) > MAX_DEPTH:
        return FilterProblem(f"Too many conditions: at most {MAX_DEPTH} can be combined or nested", 0)
    comparisons = _comparisons(expression)
    problem = _check_wildcards(text, comparisons)
    if problem is not None:
        return problem
    used = list(dict.fromkeys(c.field_name for c in comparisons))
    if names is None:
        return ParsedFilter(stripped, expression, tuple(used))
    known = {name.casefold(): name for name in ROW_ATTRIBUTES}
    known.update({name.casefold(): name for name in names})  # a field beats an attribute
    for name in used:
        if name.casefold() not in known:
            return _unknown_field(text, name, names)
    canonical_names = tuple(dict.fromkeys(known[n.casefold()] for n in used))
    if field_set is None:
        return ParsedFilter(stripped, _renamed(expression, known), canonical_names)
    checked = _checked_values(text, expression, comparisons, field_set, known)
    if isinstance(checked, FilterProblem):
        return checked
    return ParsedFilter(stripped, checked, canonical_names)


def _known_fields(fields: FieldsArg) -> tuple[FieldSet | None, list[str] | None]:
    if isinstance(fields, FieldSet):
        return fields, fields.names
    return None, None if fields is None else list(fields)


# ---- syntax errors --------------------------------------------------------------------------
_POSITION = re.compile(r"at position (\d+)")


def explain_syntax_error(text: str, sdk_message: str,
                         field_names: Sequence[str] | None = None) -> FilterProblem:
    """Turn ``affinity.filters.parse``'s message into a sentence with a 1-based column.

    ``field_names`` lets "Close Date > 5" (a name with a space, unquoted) be recognised.
    """
    found = _POSITION.search(sdk_message)
    end = len(text.rstrip())
    pos = max(0, min(int(found.group(1)), len(text))) if found else end
    col = pos + 1

    def problem(message: str, at: int = pos) -> FilterProblem:
        return FilterProblem(message, max(0, min(at, len(text))))

    if sdk_message.startswith("Empty filter expression"):
        return problem(f"Type a filter, for example: {EXAMPLE}", 0)
    if sdk_message.startswith("Expected value after operator"):
        if pos < len(text) and text[pos] in OPERATOR_CHARS:
            start = _operator_start(text, pos)
            bad = text[start:_operator_end(text, pos)]
            return problem(f"'{bad}' at column {start + 1} is not an operator; use one of {SYMBOL_OPERATORS}",
                           start)
        operator = _operator_before(text, pos)
        return problem(f"Expected a value after '{operator}' at column {col}" if operator
                       else f"Expected a value at column {col}")
    if sdk_message.startswith("Unexpected end of expression"):
        last = text.rstrip()[-1:] if text.strip() else ""
        if last in ("&", "|", "!", "("):
            return problem(f"Expected a condition after '{last}' at column {end + 1}", end)
        return problem(f"The filter ends too early (column {end + 1})", end)
    match = re.match(r"Expected operator after '(.*?)' at position \d+(?:\. Hint: .*?\"(.*)\")?", sdk_message,
                     re.DOTALL)
    if match:
        word, suggestion = match.group(1), match.group(2) or ""
        start = _word_start(text, word, pos)
        name = suggestion if field_names is None else _known_prefix(suggestion, field_names)
        if name and " " in name:
            return problem(f'Put names with spaces in quotes: {quote_name(name)} (column {start + 1})', start)
        return problem(f"Expected an operator ({SYMBOL_OPERATORS}) after '{word}' at column {col}")
    if sdk_message.startswith("Unterminated quoted string"):
        return problem(f"The quote at column {col} is never closed")
    if sdk_message.startswith("Unexpected end of string after backslash"):
        return problem(f"A '\\' at the end (column {end}) escapes nothing; write '\\\\' for a backslash",
                       max(end - 1, 0))
    if sdk_message.startswith("Unbalanced parentheses"):
        return problem(f"Missing ')' at column {col}")
    match = re.match(r"Missing field name before operator '(.*?)'", sdk_message, re.DOTALL)
    if match:
        return problem(f"Expected a field name before '{match.group(1)}' at column {col}")
    match = re.match(r"Unexpected '(AND|OR|=)' at position", sdk_message)
    if match:
        word = match.group(1)
        hint = {"AND": "use & for AND", "OR": "use | for OR", "=": "use a single = for equality"}[word]
        return problem(f"Unexpected '{text[pos:pos + len(word)] or word}' at column {col}: {hint}")
    match = re.match(r"Unexpected token '(.*?)' at position \d+(\. Hint)?", sdk_message, re.DOTALL)
    if match:
        token = "[…]" if text[pos:pos + 1] == "[" else match.group(1)
        if match.group(2):
            return problem(f"Unexpected '{token}' at column {col}: join conditions with & or |, "
                           "and put values with spaces in quotes")
        return problem(f"Unexpected '{token}' at column {col}")
    match = re.match(r"(?:Unknown|Unsupported) operator '(.*?)' at position \d+", sdk_message, re.DOTALL)
    if match:
        meant = re.search(r"Did you mean: (.*?)\?", sdk_message)
        tip = f"did you mean {meant.group(1)}?" if meant else f"use one of {SYMBOL_OPERATORS}"
        return problem(f"Unknown operator '{match.group(1)}' at column {col}; {tip}")
    message = _POSITION.sub(f"at column {col}", sdk_message).replace("Hint: ", "")
    return problem(message)


def _unreadable(text: str, error: Exception) -> FilterProblem:
    """A positioned sentence for what the SDK's parser raises besides ``ValueError``."""
    if isinstance(error, RecursionError):
        return FilterProblem(f"This filter nests too deeply (parentheses or '!'): at most {MAX_DEPTH} levels", 0)
    at = _list_where_a_name_goes(text)
    if at is not None:
        word = re.match(r"[^\s&|()]+", text[at:])
        example = quote_name(word.group(0) if word else "[x]")
        return FilterProblem(f"Expected a field name at column {at + 1}, not a [list] (lists are values, "
                             f"after an operator); quote a name with brackets: {example}", at)
    end = len(text.rstrip())
    return FilterProblem(f"This filter can't be read (column {end + 1}); check its quotes, brackets "
                         "and operators", end)


def _parentheses_too_deep(text: str) -> FilterProblem | None:
    """Parentheses nested deeper than ``MAX_DEPTH`` (outside quotes), where the SDK's recursive
    parser would otherwise run out of stack."""
    depth = 0
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                return FilterProblem(f"Parentheses nest too deeply at column {i + 1}: at most {MAX_DEPTH} levels", i)
        elif ch == ")":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _list_where_a_name_goes(text: str) -> int | None:
    """Where a ``[`` opens a condition (outside quotes), which the SDK's parser can't report."""
    expect_condition = True
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted, expect_condition = True, False
        elif ch in "&|(" or (ch == "!" and text[i + 1:i + 2] != "="):
            expect_condition = True
        elif ch == "[" and expect_condition:
            return i
        elif not ch.isspace():
            expect_condition = False
        i += 1
    return None


def _operator_before(text: str, pos: int) -> str:
    head = text[:pos].rstrip()
    start = len(head)
    while start > 0 and head[start - 1] in OPERATOR_CHARS:
        start -= 1
    if start < len(head):
        return head[start:]
    word = head.rsplit(None, 1)[-1] if head.split() else ""
    return word if word.lower() in WORD_OPERATORS else ""


def _operator_start(text: str, pos: int) -> int:
    start = pos
    while start > 0 and (text[start - 1] in OPERATOR_CHARS or text[start - 1].isspace()):
        start -= 1
    while start < pos and text[start].isspace():
        start += 1
    return start


def _operator_end(text: str, pos: int) -> int:
    end = pos
    while end < len(text) and text[end] in OPERATOR_CHARS:
        end += 1
    return end


def _known_prefix(words: str, field_names: Sequence[str]) -> str:
    """The longest run of leading ``words`` that is a field name (in its spelling), else ""."""
    folded = {n.casefold(): n for n in field_names}
    parts = words.split()
    for count in range(len(parts), 0, -1):
        found = folded.get(" ".join(parts[:count]).casefold())
        if found:
            return found
    return ""


def _word_start(text: str, word: str, before: int) -> int:
    found = text.rfind(word, 0, max(before, 0) or len(text))
    return found if found >= 0 else before


# ---- the expression tree --------------------------------------------------------------------
def _children(expression: FilterExpression) -> list[FilterExpression]:
    if isinstance(expression, AndExpression | OrExpression):
        return [expression.left, expression.right]
    if isinstance(expression, NotExpression):
        return [expression.expr]
    return []


def _depth(expression: FilterExpression) -> int:
    """How deep the tree goes (walked without recursion: any depth is measured)."""
    deepest = 0
    stack = [(expression, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest


def _comparisons(expression: FilterExpression) -> list[FieldComparison]:
    """The comparisons in the order they are written."""
    found: list[FieldComparison] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldComparison):
            found.append(node)
        stack.extend(reversed(_children(node)))
    return found


def _rewritten(expression: FilterExpression,
               rewrite: Callable[[FieldComparison], FilterExpression]) -> FilterExpression:
    """The same tree with each comparison replaced by ``rewrite(comparison)``, in written order."""
    if isinstance(expression, FieldComparison):
        return rewrite(expression)
    if isinstance(expression, AndExpression):
        left = _rewritten(expression.left, rewrite)
        return AndExpression(left, _rewritten(expression.right, rewrite))
    if isinstance(expression, OrExpression):
        left = _rewritten(expression.left, rewrite)
        return OrExpression(left, _rewritten(expression.right, rewrite))
    if isinstance(expression, NotExpression):
        return NotExpression(_rewritten(expression.expr, rewrite))
    return expression


# ---- names ----------------------------------------------------------------------------------
def _renamed(expression: FilterExpression, known: dict[str, str]) -> FilterExpression:
    return _rewritten(expression, lambda c: FieldComparison(
        known.get(c.field_name.casefold(), c.field_name), c.operator, c.value))


def _check_wildcards(text: str, comparisons: Sequence[FieldComparison]) -> FilterProblem | None:
    """``*`` means "has a value" after ``=`` and "has no value" after ``!=``; nothing else."""
    for comparison in comparisons:
        if isinstance(comparison.value, RawToken) and comparison.operator not in ("=", "!="):
            at = _locate_name(text, comparison.field_name)
            return FilterProblem(f"'{comparison.field_name} {comparison.operator} *' at column {at + 1} "
                                 "doesn't mean anything: use = * (has a value) or != * (no value)", at)
    return None


def _unknown_field(text: str, name: str, field_names: Sequence[str]) -> FilterProblem:
    at = _locate_name(text, name)
    folded = {n.casefold(): n for n in field_names}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    suggestions = tuple(folded[c] for c in close)
    if suggestions:
        options = " or ".join(f'"{s}"' for s in suggestions)
        return FilterProblem(f'No field "{name}" on this list (column {at + 1}); did you mean {options}?',
                             at, suggestions)
    return FilterProblem(f'No field "{name}" on this list (column {at + 1})', at)


def _locate_name(text: str, name: str) -> int:
    """Where ``name`` is written as a field name (followed by an operator), else 0."""
    for match in re.finditer(re.escape(name), text):
        start, end = match.start(), match.end()
        quoted = start > 0 and text[start - 1] == '"'
        if quoted:
            start, end = start - 1, end + 1
        elif start > 0 and text[start - 1] not in _SEPARATORS and not text[start - 1].isspace():
            continue
        rest = text[end:].lstrip()
        first_word = rest.split(None, 1)[0].lower() if rest.strip() else ""
        if (rest and rest[0] in OPERATOR_CHARS) or first_word in WORD_OPERATORS:
            return start
    return 0


def quote_name(name: str) -> str:
    """A field name or value as the filter language needs it written (quoted unless a plain word)."""
    if re.fullmatch(r"[\w.\-]+", name) and name.lower() not in WORD_OPERATORS:
        return name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# ---- values ---------------------------------------------------------------------------------
def _value_positions(text: str) -> list[int]:
    """Where each comparison's value starts, in written order (the SDK's own tokens)."""
    try:
        tokens = _Tokenizer(text).tokenize()
    except Exception:  # noqa: BLE001 - positions only make messages nicer
        return []
    return [tokens[i + 1].pos for i, token in enumerate(tokens[:-1]) if token.type is _TokenType.OPERATOR]


def _value_type(meta: FieldMetadata) -> str:
    return str(getattr(meta.value_type, "value", meta.value_type))


def _checked_values(text: str, expression: FilterExpression, comparisons: Sequence[FieldComparison],
                    fields: FieldSet, known: dict[str, str]) -> FilterExpression | FilterProblem:
    """Names in the list's spelling and each value checked against its field (see the docstring)."""
    positions = _value_positions(text)
    if len(positions) != len(comparisons):
        positions = [_locate_name(text, c.field_name) for c in comparisons]
    replacements: list[FilterExpression] = []
    for comparison, at in zip(comparisons, positions, strict=True):
        name = known[comparison.field_name.casefold()]
        renamed = FieldComparison(name, comparison.operator, comparison.value)
        meta = fields.named(name)
        checked = renamed if meta is None else _checked_value(renamed, meta, at, text)
        if isinstance(checked, FilterProblem):
            return checked
        replacements.append(checked)
    supply = iter(replacements)
    return _rewritten(expression, lambda _: next(supply))


def _checked_value(comparison: FieldComparison, meta: FieldMetadata, at: int,
                   text: str) -> FilterExpression | FilterProblem:
    """One comparison, its value checked against the field's type (and respelled if need be)."""
    value_type = _value_type(meta)
    if value_type in _FORMULA_TYPES:
        at = _locate_name(text, comparison.field_name)
        return FilterProblem(f'Filters can\'t test "{meta.name}" (column {at + 1}): it is a formula, '
                             "and the SDK compares formula values as text", at)
    if isinstance(comparison.value, RawToken):
        return comparison
    try:
        op = map_operator(comparison.operator)
    except ValueError:
        return comparison
    if value_type in _DROPDOWN_TYPES and meta.dropdown_options:
        return _checked_option(comparison, op, [o.text for o in meta.dropdown_options], at)
    if value_type in _NUMBER_TYPES and op in _ORDER_OPS:
        return _checked_number(comparison, op, at)
    if value_type == "datetime" and op in _ORDER_OPS:
        return _checked_date(comparison, op, at)
    return comparison


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _respelled(comparison: FieldComparison, spelled: list[str]) -> FieldComparison:
    value = spelled if isinstance(comparison.value, list) else spelled[0]
    return FieldComparison(comparison.field_name, comparison.operator, value)


def _checked_option(comparison: FieldComparison, op: str, options: list[str],
                    at: int) -> FilterExpression | FilterProblem:
    """Dropdown values: exact operators take options (respelled), text operators must fit one."""
    name = comparison.field_name
    as_list = isinstance(comparison.value, list)
    if op in _EXACT_OPS or (op == "contains" and as_list):  # `=~ [A, B]`: has all of these options
        spelled = []
        for value in _values(comparison.value):
            option, close = _match_option(value, options)
            if option is None:
                return _not_an_option(name, value, close, options, at, comparison.operator)
            spelled.append(option)
        return _respelled(comparison, spelled)
    if op in _TEXT_OPS or op in ("contains_any", "contains_all"):
        test = "contains" if op in ("contains_any", "contains_all") else op
        for value in _values(comparison.value):
            if not any(compare_values(option, value, test) for option in options):
                return FilterProblem(f'No {name} option {_TEXT_OPS[test]} "{value}" (column {at + 1}); '
                                     f"the options are {_listed(options)}", at)
    return comparison


def _match_option(value: str, options: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The option ``value`` means (exactly, or differing only in case and outer spaces), else
    ``None`` and the close options."""
    if value in options:
        return value, ()
    folded = value.strip().casefold()
    same = list(dict.fromkeys(o for o in options if o.strip().casefold() == folded))
    if len(same) == 1:
        return same[0], ()
    if same:
        return None, tuple(same)
    by_fold: dict[str, list[str]] = {}
    for option in options:
        by_fold.setdefault(option.casefold(), []).append(option)
    close = difflib.get_close_matches(folded, list(by_fold), n=3, cutoff=0.6)
    return None, tuple(dict.fromkeys(o for c in close for o in by_fold[c]))


def _not_an_option(name: str, value: str, close: tuple[str, ...], options: list[str], at: int,
                   operator: str) -> FilterProblem:
    head = f'"{value}" is not a {name} option (column {at + 1})'
    if close:
        meant = " or ".join(f'"{c}"' for c in close)
        return FilterProblem(f"{head}; did you mean {meant}?", at, close)
    if not value.strip():
        if operator == "!=":
            return FilterProblem(f"{head}; for entries with a {name}, write {quote_name(name)} = *", at)
        return FilterProblem(f"{head}; for entries without a {name}, write {quote_name(name)} != *", at)
    return FilterProblem(f"{head}; the options are {_listed(options)}", at)


def _listed(options: list[str], most: int = 12) -> str:
    shown = ", ".join(options[:most])
    return shown + (f" and {len(options) - most} more" if len(options) > most else "")


def _as_number(value: str) -> float | None:
    """The number the SDK reads in ``value`` (it uses ``float``), if finite."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number_text(number: float) -> str:
    """How the SDK's ``=`` sees a stored number: as ``str`` of the JSON value (``5`` or ``2.5``)."""
    return str(int(number)) if number.is_integer() else repr(number)


def _checked_number(comparison: FieldComparison, op: str, at: int) -> FilterExpression | FilterProblem:
    spelled = []
    for value in _values(comparison.value):
        number = _as_number(value)
        if number is None:
            return FilterProblem(f'"{value}" is not a number (column {at + 1}); write {NUMBER_FORMS}', at)
        spelled.append(_number_text(number) if op in ("eq", "neq", "in") else value)
    return _respelled(comparison, spelled)


_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}|today|yesterday|tomorrow|[+-]?\d+[dwmy]", re.IGNORECASE)
_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _checked_date(comparison: FieldComparison, op: str, at: int) -> FilterExpression | FilterProblem:
    for value in _values(comparison.value):
        if parse_date_value(value) is None:
            return FilterProblem(_not_a_date(value, at), at)
    if op not in ("eq", "neq") or isinstance(comparison.value, list):
        return comparison
    value = str(comparison.value).strip()
    if _DAY_ONLY.fullmatch(value):
        moment = parse_date_value(value)
        assert moment is not None  # checked above
        day = moment.date()
        start, end = day.isoformat(), (day + timedelta(days=1)).isoformat()
        span: FilterExpression = AndExpression(FieldComparison(comparison.field_name, ">=", start),
                                               FieldComparison(comparison.field_name, "<", end))
    else:
        span = AndExpression(FieldComparison(comparison.field_name, ">=", value),
                             FieldComparison(comparison.field_name, "<=", value))
    return span if op == "eq" else NotExpression(span)


def _not_a_date(value: str, at: int) -> str:
    head = f'"{value}" is not a date (column {at + 1})'
    text = value.strip()
    if _ISO_DATE_START.match(text):
        try:
            datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError as error:
            reason = str(error)
            if not reason.startswith("Invalid isoformat"):
                return f"{head}: {reason}"
    return f"{head}; write {DATE_FORMS}"


# ---- completion -----------------------------------------------------------------------------
def completions(prefix_text: str, fields: FieldSet | Sequence[str], *, limit: int = 20) -> list[str]:
    """Completions of the field name, or dropdown option, being typed at the cursor.

    ``prefix_text`` is the bar's text up to the cursor. Each result is ``prefix_text`` with the
    partial name replaced by a full one (quoted when needed), ready to become the new text
    before the cursor (or a Textual ``Suggester`` suggestion). Names starting with what was
    typed come first, then names containing it. After ``Field =`` or ``Field !=`` (with or
    without an opening quote), a dropdown field's options complete the same way, given a
    ``FieldSet`` whose fields carry their options. Empty when the cursor is elsewhere (after
    other operators, inside other values).
    """
    field_set, names = _known_fields(fields)
    value = _value_at_end(prefix_text)
    if value is not None:
        return [] if field_set is None else _option_completions(prefix_text, value, field_set, limit)
    start = _field_start(prefix_text)
    if start is None:
        return []
    partial = prefix_text[start:]
    typed = partial[1:] if partial.startswith('"') else partial
    if not partial.startswith('"') and any(ch in partial for ch in OPERATOR_CHARS):
        return []
    head = prefix_text[:start]
    return [head + quote_name(n) for n in _ranked(typed, names or [])][:limit]


def _ranked(typed: str, candidates: Sequence[str]) -> list[str]:
    """Candidates starting with ``typed`` (ignoring case), then those containing it."""
    needle = typed.casefold()
    starts = [c for c in candidates if c.casefold().startswith(needle)]
    contains = [c for c in candidates if needle in c.casefold() and c not in starts]
    return list(dict.fromkeys(starts + contains))


@dataclass(frozen=True)
class _ValueAtEnd:
    field: str
    start: int
    """Where the partial value starts (its opening quote, if any)."""
    typed: str
    quoted: bool


_COMPLETABLE_VALUE = re.compile(
    r'\s*(?P<name>"(?:[^"\\]|\\.)*"|[^\s"=!<>~^$&|()\[\]*]+)\s*(?:!=|=)\s*'
    r'(?P<value>"(?:[^"\\]|\\.)*|(?![~^$=*\[])[^\s"=!&|()]*)', re.DOTALL)


def _value_at_end(text: str) -> _ValueAtEnd | None:
    """The value being typed after ``name =`` or ``name !=`` at the end of ``text``, if any."""
    match = _COMPLETABLE_VALUE.fullmatch(text, _scan(text)[0] + 1)
    if match is None:
        return None
    name, value = match.group("name"), match.group("value")
    if name.startswith('"'):
        name = _unescaped(name[1:-1])
    quoted = value.startswith('"')
    typed = _unescaped(value[1:]) if quoted else value
    return _ValueAtEnd(name, match.start("value"), typed, quoted)


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _option_completions(prefix_text: str, value: _ValueAtEnd, fields: FieldSet, limit: int) -> list[str]:
    meta = fields.named(value.field)
    if meta is None or _value_type(meta) not in _DROPDOWN_TYPES:
        return []
    options = list(dict.fromkeys(o.text for o in meta.dropdown_options))
    head = prefix_text[:value.start]
    if not head[-1:].isspace() and not value.quoted:
        head += " "  # "Status =" completes to "Status = Sourced"
    written = [_quoted(o) if value.quoted else quote_name(o) for o in _ranked(value.typed, options)]
    return [head + w for w in written][:limit]


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _scan(text: str) -> tuple[int, int | None]:
    """The last ``&``, ``|``, ``(`` or ``!`` outside quotes (-1 if none), and where a quoted
    string still open at the end starts (``None`` if none)."""
    quote_at: int | None = None
    i = 0
    last_separator = -1
    while i < len(text):
        ch = text[i]
        if quote_at is not None:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote_at = None
        elif ch == '"':
            quote_at = i
        elif ch in "&|(" or (ch == "!" and text[i + 1:i + 2] != "="):
            last_separator = i
        i += 1
    return last_separator, quote_at


def _field_start(text: str) -> int | None:
    """Where the field name being typed starts, or None if the cursor is not in a field name."""
    last_separator, quote_at = _scan(text)
    if quote_at is not None:  # inside a quoted string: a name only if it opens a condition
        before = text[:quote_at].rstrip()
        return quote_at if not before or before[-1] in _SEPARATORS else None
    segment_start = last_separator + 1
    segment = text[segment_start:]
    if '"' in segment:
        return None  # a quoted name or value is already complete
    lead = len(segment) - len(segment.lstrip())
    return segment_start + lead
