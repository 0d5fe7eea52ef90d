"""The v2 ``filter`` query string: ``GET /v2/notes?filter=creator.id=3 & createdAt>2025-01-01``.

Notes, reminders, emails, meetings and field listings take it. `parse_filter` turns the text
into a tree of `FilterNode` (a `FilterSyntaxError` says at which column it went wrong) and
`evaluate_filter` tests one record's properties against it, as pure functions so the HTTP
layer only has to pick the records and turn `SearchError` into a 400 ``validation`` answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from .query_shared import SearchError, parse_instant

__all__ = [
    "STAR",
    "And",
    "Comparison",
    "FilterNode",
    "FilterSyntaxError",
    "Not",
    "Or",
    "SearchError",
    "Star",
    "evaluate_filter",
    "filter_properties",
    "parse_filter",
]


class Star(Enum):
    """The unquoted ``*`` of ``= *`` (not null) and ``!= *`` (null); a quoted ``"*"`` is text."""

    STAR = "*"


STAR = Star.STAR
FilterValue = str | tuple[str, ...] | Star
"""A scalar (always text; numbers and timestamps are recognised when compared), a collection
``[a, b]`` (``()`` for ``[]``), or `STAR`."""


@dataclass(frozen=True)
class Comparison:
    """``prop OP value``; `position` is the 0-based offset of `prop` in the filter text."""

    prop: str
    op: str
    value: FilterValue
    position: int = 0


@dataclass(frozen=True)
class And:
    items: tuple[FilterNode, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[FilterNode, ...]


@dataclass(frozen=True)
class Not:
    item: FilterNode


FilterNode = Comparison | And | Or | Not


class FilterSyntaxError(SearchError):
    """A ``filter`` that doesn't parse. The message says at which column (1-based) and what was
    expected there, because the API's users write these by hand; ``position`` is 0-based."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        self.column = position + 1
        super().__init__(f"Invalid filter at column {self.column}: {message}", "filter")


_OPS = ("=", "!=", "=^", "=$", "=~", ">", ">=", "<", "<=")
_OPS_TEXT = ", ".join(_OPS)
# Characters with a meaning in the grammar: they end an unquoted word unless escaped. The API's
# escape set, plus ',' (the collection separator; escape it inside a collection).
_SPECIAL = frozenset('\\*~!&=><$^|"\'()[]/')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|z|[+-]\d{2}:?\d{2})?")
_FRACTIONAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+.*")


def _describe(text: str, pos: int) -> str:
    return "the end of the filter" if pos >= len(text) else repr(text[pos])


class _Parser:
    """Recursive descent over characters (no separate tokenizer), so every error knows its
    exact column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, expected: str, pos: int | None = None) -> FilterSyntaxError:
        at = self.pos if pos is None else pos
        found = _describe(self.text, at)
        hint = ""
        if at < len(self.text) and self.text[at] in _SPECIAL:
            hint = " (escape special characters with a backslash, or quote the value)"
        return FilterSyntaxError(f"expected {expected}, found {found}{hint}", at)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse(self) -> FilterNode:
        if not self.text.strip():
            raise FilterSyntaxError("expected a condition such as id=1, found an empty filter", 0)
        node = self.parse_or()
        if self.peek():
            if self.text[self.pos] == ")":
                raise FilterSyntaxError("found ')' without a matching '('", self.pos)
            raise self.error("'&', '|' or the end of the filter")
        return node

    def parse_or(self) -> FilterNode:
        items = [self.parse_and()]
        while self.peek() == "|":
            self.pos += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> FilterNode:
        items = [self.parse_unary()]
        while self.peek() == "&":
            self.pos += 1
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> FilterNode:
        ch = self.peek()
        if ch == "!":
            self.pos += 1
            if self.peek() != "(":
                raise self.error("'(' after '!' (negation is written !(...))")
            return Not(self.parse_parens())
        if ch == "(":
            return self.parse_parens()
        return self.parse_comparison()

    def parse_parens(self) -> FilterNode:
        opened = self.pos
        self.pos += 1
        node = self.parse_or()
        if self.peek() != ")":
            raise self.error(f"')' to close the '(' at column {opened + 1}")
        self.pos += 1
        return node

    def parse_comparison(self) -> FilterNode:
        self.skip_ws()
        start = self.pos
        if self.peek() in ('"', "'"):
            prop = self.read_quoted()
        else:
            prop = self.read_word(frozenset())
        if not prop:
            raise self.error("a property name (such as createdAt or creator.id)")
        op_pos = self.pos
        op = self.read_operator()
        if op is None:
            raise self.error(f"an operator ({_OPS_TEXT}) after {prop!r}", op_pos)
        self.skip_ws()
        value_pos = self.pos
        value = self.read_value(op)
        if isinstance(value, str) and _FRACTIONAL.fullmatch(value):
            raise FilterSyntaxError(
                f"timestamps take whole seconds, like 2025-02-04T10:48:24Z (got {value!r})", value_pos
            )
        return Comparison(prop, op, value, start)

    def read_operator(self) -> str | None:
        self.skip_ws()
        two = self.text[self.pos : self.pos + 2]
        if two in ("!=", "=^", "=$", "=~", ">=", "<="):
            self.pos += 2
            return two
        if two[:1] in ("=", ">", "<"):
            self.pos += 1
            return two[:1]
        return None

    def read_value(self, op: str) -> FilterValue:
        ch = self.peek()
        pos = self.pos
        if ch == "*":
            if op not in ("=", "!="):
                raise FilterSyntaxError(f"'*' works only with = (not null) and != (null), not {op}", pos)
            self.pos += 1
            return STAR
        if ch == "[":
            if op not in ("=", "!=", "=~"):
                raise FilterSyntaxError(f"a collection [...] works only with =, != and =~, not {op}", pos)
            return self.read_collection()
        if ch in ('"', "'"):
            return self.read_quoted()
        word = self.read_word(frozenset())
        if not word:
            raise self.error(f"a value after {op!r}")
        return word

    def read_collection(self) -> tuple[str, ...]:
        opened = self.pos
        self.pos += 1
        items: list[str] = []
        if self.peek() == "]":
            self.pos += 1
            return ()
        while True:
            if self.peek() in ('"', "'"):
                item = self.read_quoted()
            else:
                item = self.read_word(frozenset(","))
                if not item:
                    raise self.error("a value in the collection")
            items.append(item)
            ch = self.peek()
            if ch == ",":
                self.pos += 1
                continue
            if ch == "]":
                self.pos += 1
                return tuple(items)
            raise self.error(f"',' or ']' to close the '[' at column {opened + 1}")

    def read_quoted(self) -> str:
        quote = self.text[self.pos]
        opened = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                out.append(self.read_escape())
                continue
            self.pos += 1
            if ch == quote:
                return "".join(out)
            out.append(ch)
        raise FilterSyntaxError(f"unterminated string: no closing {quote} for the one at column {opened + 1}", opened)

    def read_escape(self) -> str:
        """``\\x`` is a literal ``x``; ``\\n``, ``\\t``, ``\\r`` are the control characters the SDK
        escapes that way when it quotes a string."""
        if self.pos + 1 >= len(self.text):
            raise FilterSyntaxError("a backslash must be followed by the character it escapes", self.pos)
        ch = self.text[self.pos + 1]
        self.pos += 2
        return _ESCAPES.get(ch, ch)

    def read_word(self, extra_stops: frozenset[str]) -> str:
        """An unquoted word: up to the next special character. Inner spaces are kept (property
        names such as ``Deal Stage``), surrounding ones dropped."""
        self.skip_ws()
        out: list[str] = []
        keep = 0  # length of `out` up to the last character that isn't unescaped whitespace
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                out.append(self.read_escape())
                keep = len(out)
                continue
            if ch in _SPECIAL or ch in extra_stops:
                break
            out.append(ch)
            self.pos += 1
            if not ch.isspace():
                keep = len(out)
        return "".join(out[:keep])


def parse_filter(text: str) -> FilterNode:
    """Parse a v2 ``filter``: ``prop OP value`` joined by ``&`` (binds
    tighter) and ``|``, with parentheses and ``!(...)``. Raises `FilterSyntaxError`."""
    return _Parser(text).parse()


def filter_properties(node: FilterNode) -> set[str]:
    """Every property a filter tests, so an endpoint can refuse properties it doesn't filter
    by (the API answers those with 400) before looking at any record."""
    if isinstance(node, Comparison):
        return {node.prop}
    if isinstance(node, Not):
        return filter_properties(node.item)
    out: set[str] = set()
    for item in node.items:
        out |= filter_properties(item)
    return out


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip()
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    return None


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value.strip()):
        return parse_instant(value)
    return None


def _scalar_equals(actual: Any, wanted: str) -> bool:
    """``=`` on one value: numerically when both sides are numbers, as instants when both are
    timestamps, ``true``/``false`` for booleans, otherwise exact (case-sensitive) text."""
    if isinstance(actual, bool):
        return wanted.lower() == ("true" if actual else "false")
    a, w = _as_number(actual), _as_number(wanted)
    if a is not None and w is not None:
        return a == w
    da, dw = _as_datetime(actual), _as_datetime(wanted)
    if da is not None and dw is not None:
        return da == dw
    return _text(actual) == wanted


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _equals(actual: Any, wanted: FilterValue) -> bool:
    if isinstance(wanted, tuple):
        if not wanted:  # =[]
            return actual is None or (isinstance(actual, (list, tuple)) and not actual)
        return (
            isinstance(actual, (list, tuple))
            and len(actual) == len(wanted)
            and all(_scalar_equals(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    if wanted == "":  # = "" is "is empty (text)": null counts as empty
        return actual is None or actual == ""
    if actual is None or isinstance(wanted, Star):
        return False
    if isinstance(actual, (list, tuple)):  # a scalar against a collection: membership
        return any(_scalar_equals(a, wanted) for a in actual)
    return _scalar_equals(actual, wanted)


def _order(node: Comparison, actual: Any, wanted: str) -> bool:
    """``> >= < <=`` compare numbers or timestamps; anything else is a client error."""
    if actual is None:
        return False
    pair: tuple[Any, Any] | None = None
    a, w = _as_number(actual), _as_number(wanted)
    if a is not None and w is not None:
        pair = (a, w)
    else:
        da, dw = _as_datetime(actual), _as_datetime(wanted)
        if da is not None and dw is not None:
            pair = (da, dw)
    if pair is None:
        raise SearchError(
            f"{node.prop} {node.op} {wanted!r}: {node.op} compares numbers and timestamps", "filter"
        )
    x, y = pair
    return bool({">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y}[node.op])


def _compare(node: Comparison, actual: Any) -> bool:
    op, wanted = node.op, node.value
    if isinstance(wanted, Star):
        return (actual is not None) if op == "=" else (actual is None)
    if op == "=":
        return _equals(actual, wanted)
    if op == "!=":
        return not _equals(actual, wanted)
    if actual is None:
        return False
    if isinstance(wanted, tuple):  # =~ [a, b]: the collection contains all of them
        items = actual if isinstance(actual, (list, tuple)) else [actual]
        return all(any(_scalar_equals(a, w) for a in items) for w in wanted)
    if op in (">", ">=", "<", "<="):
        return _order(node, actual, wanted)
    if isinstance(actual, (list, tuple)):  # =~ x on a collection: it has x
        if op == "=~":
            return any(_scalar_equals(a, wanted) for a in actual)
        return any(_text_match(op, _text(a), wanted) for a in actual)
    return _text_match(op, _text(actual), wanted)


def _text_match(op: str, text: str, wanted: str) -> bool:
    """``=^ =$ =~`` are case-sensitive, as the API documents for ``name=~Loc``."""
    if op == "=^":
        return text.startswith(wanted)
    if op == "=$":
        return text.endswith(wanted)
    return wanted in text


def evaluate_filter(node: FilterNode, get_property: Callable[[str], Any]) -> bool:
    """True when a record passes a parsed ``filter``. ``get_property(path)`` reads a dotted
    property (``creator.id``) and returns ``None`` for null.

    ``=`` compares numerically when both sides are numbers and as instants when both are
    timestamps (a date alone is midnight UTC), else as exact text; on a collection property a
    scalar means membership. ``!=`` is the exact negation of ``=``, so ``owner.id!=3`` keeps
    records with no owner. Raises `SearchError` when ``> >= < <=`` meet something that is
    neither a number nor a timestamp.
    """
    if isinstance(node, Comparison):
        return _compare(node, get_property(node.prop))
    if isinstance(node, Not):
        return not evaluate_filter(node.item, get_property)
    if isinstance(node, And):
        return all(evaluate_filter(item, get_property) for item in node.items)
    return any(evaluate_filter(item, get_property) for item in node.items)
