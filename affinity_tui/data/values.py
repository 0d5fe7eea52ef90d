"""Field values as people read them: one formatter per Affinity v2 value type.

Every table cell and detail line goes through here, so three promises are kept in one place:

* **Plain text, de-fanged.** The result is a plain ``str`` meant for ``rich.text.Text(...)``,
  never for markup. CRM data is typed by many people (and by integrations), so control
  characters are replaced by a visible ``\N{REPLACEMENT CHARACTER}``: an ``ESC`` can then never
  start a terminal escape sequence, and bidirectional overrides can't reorder what is shown.
* **Sortable.** Each value also gets a sort key that compares naturally within its column
  (numbers numerically, dates as datetimes, ranked dropdowns by rank, text casefolded), and
  ``None`` when the value is empty, so sorting can put blanks last. Text keys are the
  casefolded text encoded as UTF-8 (``text_key``): byte order is code-point order, and bytes
  compare with ``memcmp``, where a ``str`` with any character beyond Latin-1 (an em dash in a
  deal name) compares character by character: sorting 100,000 names takes about a third of
  the time.
* **"Empty" is not "not fetched".** Affinity only returns the fields a request asked for. A
  field that was asked for and has no value is *empty* (``—``); one that was never asked for is
  *not fetched*, and the detail view must not pretend it is blank.

The raw input is the ``value`` of a field item as the SDK keeps it in
``entity.fields.data[field_id]``: ``{"type": "<value type>", "data": ...}``, where ``data`` is
``null`` for no value, a plain string or number for text and number types, an ISO 8601 string
for ``datetime``, ``{"dropdownOptionId", "text", "rank"?, "color"?}`` for dropdowns, a person
``{"id", "firstName", "lastName", "primaryEmailAddress"}`` or company ``{"id", "name",
"domain"}`` for references, ``{"streetAddress", "city", "state", "country", "continent"}``
for a location, and a list of those for the ``-multi`` types (with ``totalCount`` beside it
when Affinity capped the list at 100 items).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import Any, Literal

from affinity.models.entities import FieldValues

EMPTY_TEXT = "—"
"""What the detail view shows for a field that was fetched and has no value."""
NOT_FETCHED_TEXT = "not fetched"
"""What the detail view shows for a field whose value was not part of the request."""
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
SEPARATOR = ", "
"""Between the items of a multi value."""

ValueState = Literal["value", "empty", "not-fetched"]


@dataclass(frozen=True, slots=True)
class Display:
    """One value, ready to show: text, an optional Rich style and a sort key."""

    text: str
    """Plain text (never markup); ``""`` when empty or not fetched."""
    style: str | None = None
    """A Rich style (a colour name) for coloured dropdown options, else ``None``."""
    sort_key: Any = None
    """Comparable with the other keys of the same column; ``None`` when empty."""
    state: ValueState = "value"

    @property
    def detail_text(self) -> str:
        """The text for a detail view, where blank must say *why* it is blank."""
        if self.state == "not-fetched":
            return NOT_FETCHED_TEXT
        if self.state == "empty" or not self.text:
            return EMPTY_TEXT
        return self.text


EMPTY = Display("", state="empty")
NOT_FETCHED = Display("", state="not-fetched")


# ---- text hygiene --------------------------------------------------------------------------
def _control_table() -> dict[int, str]:
    table = {code: REPLACEMENT for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))}
    # Bidirectional embeddings, overrides and isolates can make text display in another order
    # than it is stored ("Trojan Source"); nothing in a CRM cell needs them.
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = REPLACEMENT
    return table


_SINGLE_LINE = _control_table() | {0x09: " ", 0x0A: " ", 0x0D: " "}
_MULTI_LINE = _control_table() | {0x09: "    ", 0x0A: "\n", 0x0D: ""}


_EMOJI = "\U0001F000-\U0001FAFF\u2600-\u27BF"
_STRAY_JOINER = re.compile(f"(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])")
"""A zero-width joiner that does not join two emoji (👩‍👩‍👧 keeps its joiners): a terminal draws
the characters around it apart, but width measures count what follows it as joined to what
precedes it, so a line holding one is drawn wider than it was laid out."""


def clean_text(text: str, *, single_line: bool = True) -> str:
    """``text`` safe to put on a terminal: control characters and bidirectional overrides
    become ``�``, and a zero-width joiner that joins no emoji is dropped.

    ``single_line`` (table cells) turns tabs and line breaks into spaces; otherwise (notes,
    detail views) line breaks are kept and ``\\r`` is dropped. Markup-looking text such as
    ``[bold]`` is left as is: it is only dangerous to markup renderers, which the UI doesn't use.
    """
    cleaned = text.translate(_SINGLE_LINE if single_line else _MULTI_LINE)
    return _STRAY_JOINER.sub("", cleaned) if "\u200d" in cleaned else cleaned


# ---- numbers --------------------------------------------------------------------------------
_MONEY_NAME = re.compile(
    r"amount|\(usd\)|\busd\b|invested|funding|valuation|revenue|\barr\b|\bmrr\b|check size|\$",
    re.IGNORECASE,
)


def is_money_field(field_name: str) -> bool:
    """Whether a number field holds money, judged by its name ("Amount", "Invested (USD)").

    Affinity has no currency type: number fields are plain numbers. The name is the only hint.
    """
    return bool(_MONEY_NAME.search(field_name))


_UNGROUPED_NAME = re.compile(r"\byear\b|\bid\b|zip|postal|phone", re.IGNORECASE)


def is_ungrouped_field(field_name: str) -> bool:
    """Whether a number field holds a code, not a quantity ("Year Founded": 2024, not 2,024)."""
    return bool(_UNGROUPED_NAME.search(field_name))


def format_number(number: float, *, money: bool = False, grouped: bool = True) -> str:
    """``12,000`` / ``10.25`` / ``$1,500,000`` (cents shown only when there are cents)."""
    if isinstance(number, bool) or not math.isfinite(number):
        return str(number)
    integral = float(number).is_integer()
    if money:
        body = f"{abs(number):,.0f}" if integral else f"{abs(number):,.2f}"
        return f"-${body}" if number < 0 else f"${body}"
    comma = "," if grouped else ""
    if integral:
        return f"{int(number):{comma}}"
    return f"{number:{comma}.2f}".rstrip("0").rstrip(".")


def _as_number(data: Any) -> float | None:
    if isinstance(data, bool):
        return None
    if isinstance(data, int | float):
        return data
    if isinstance(data, str):
        try:
            return float(data)
        except ValueError:
            return None
    return None


# ---- dates ----------------------------------------------------------------------------------
_DATE_ONLY_TIMES = (time(0, 0), time(12, 0))
"""Affinity keeps a plain date at midnight or noon UTC (the SDK writes ``T12:00:00Z``)."""


def parse_datetime(data: Any) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 string (``Z`` or offset; a bare date is UTC), or
    None for anything else."""
    if not isinstance(data, str) or not data.strip():
        return None
    try:
        parsed = datetime.fromisoformat(data.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(moment: datetime, *, tz: tzinfo | None = None, date_only: bool = False) -> str:
    """``YYYY-MM-DD``, or ``YYYY-MM-DD HH:MM`` in the local zone when the time means something.

    A date-only value (midnight or noon UTC) shows its calendar date as stored: converting
    midnight UTC to, say, New York time would show the day before.
    """
    utc = moment.astimezone(UTC)
    if utc.timetz().replace(tzinfo=None) in _DATE_ONLY_TIMES and utc.second == 0:
        return utc.strftime("%Y-%m-%d")
    local = utc.astimezone(tz)  # tz None: the machine's local zone
    return local.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")


# ---- colours --------------------------------------------------------------------------------
DROPDOWN_COLOURS: Mapping[str, str] = {
    "gray": "grey50", "grey": "grey50", "blue": "blue", "green": "green", "yellow": "yellow",
    "orange": "dark_orange", "red": "red", "purple": "medium_purple", "pink": "hot_pink",
    "teal": "dark_cyan", "black": "bright_black", "white": "white",
}
"""Affinity's ranked-dropdown colour names → Rich colour names that read on dark and light themes."""
_COLOUR_CODES = {1: "blue", 2: "green", 3: "yellow", 4: "orange", 5: "red", 6: "purple", 7: "gray"}
"""v1 / ``DropdownOptionColor`` integer codes (0 is "default": no colour)."""


def rich_colour(colour: Any) -> str | None:
    """The Rich colour for an Affinity option colour (a name or an integer code), if known."""
    if isinstance(colour, int) and not isinstance(colour, bool):
        colour = _COLOUR_CODES.get(colour)
    if not isinstance(colour, str):
        return None
    return DROPDOWN_COLOURS.get(colour.strip().lower())


# ---- references -----------------------------------------------------------------------------
def person_name(person: Mapping[str, Any]) -> str:
    """"First Last" of a PersonData, else its email, else ``#id``."""
    name = " ".join(str(p) for p in (person.get("firstName"), person.get("lastName")) if p)
    if name.strip():
        return name.strip()
    email = person.get("primaryEmailAddress") or person.get("emailAddress")
    if email:
        return str(email)
    return f"#{person['id']}" if person.get("id") is not None else ""


def company_name(company: Mapping[str, Any]) -> str:
    """A CompanyData's name, else its domain, else ``#id``."""
    for key in ("name", "domain"):
        if company.get(key):
            return str(company[key])
    return f"#{company['id']}" if company.get("id") is not None else ""


def location_text(location: Mapping[str, Any]) -> str:
    """"City, Country"; falls back to the state or continent when the city or country is missing."""
    place = location.get("city") or location.get("state")
    region = location.get("country") or (location.get("continent") if not place else None)
    text = SEPARATOR.join(str(p) for p in (place, region) if p)
    return text or str(location.get("streetAddress") or "")


_INTERACTION_KINDS = {"email": "Email", "meeting": "Meeting", "call": "Call", "chat-message": "Chat"}


def interaction_moment(data: Mapping[str, Any]) -> datetime | None:
    """When an interaction happened (sent, or started)."""
    return parse_datetime(data.get("sentAt") or data.get("startTime") or data.get("date"))


def interaction_text(data: Mapping[str, Any], *, tz: tzinfo | None = None) -> str:
    """"Email · 2026-10-02 · subject", "Meeting · 2026-10-02 · title", "Call · 2026-10-02"."""
    kind = str(data.get("type") or "")
    parts = [_INTERACTION_KINDS.get(kind, kind.replace("-", " ").capitalize() or "Interaction")]
    moment = interaction_moment(data)
    if moment is not None:
        parts.append(moment.astimezone(tz).strftime("%Y-%m-%d"))
    topic = data.get("subject") or data.get("title")
    if topic:
        parts.append(str(topic))
    return " · ".join(parts)


# ---- one formatter per value type -----------------------------------------------------------
Formatter = Callable[[Any, str, tzinfo | None], Display]


def text_key(text: str) -> bytes:
    """The sort key of a text: casefolded, as UTF-8 (same order as the ``str``, compared faster)."""
    return text.casefold().encode("utf-8", "surrogatepass")


def _plain(text: str, key: Any = None, style: str | None = None) -> Display:
    text = clean_text(text)
    if not text:
        return EMPTY
    return Display(text, style, text_key(text) if key is None else key)


def _text(data: Any, name: str, tz: tzinfo | None) -> Display:
    return _plain(str(data))


def _number(data: Any, name: str, tz: tzinfo | None) -> Display:
    number = _as_number(data)
    if number is None:
        return _plain(str(data))
    text = format_number(number, money=is_money_field(name), grouped=not is_ungrouped_field(name))
    return Display(text, None, float(number))


def _formula(data: Any, name: str, tz: tzinfo | None) -> Display:
    value = data.get("calculatedValue") if isinstance(data, Mapping) else data
    return EMPTY if value is None else _number(value, name, tz)


def _datetime(data: Any, name: str, tz: tzinfo | None) -> Display:
    moment = parse_datetime(data)
    if moment is None:
        return _plain(str(data))
    return Display(format_datetime(moment, tz=tz), None, moment)


def _dropdown(data: Any, name: str, tz: tzinfo | None) -> Display:
    if not isinstance(data, Mapping):
        return _plain(str(data))
    text = clean_text(str(data.get("text") or ""))
    if not text:
        return EMPTY
    rank = data.get("rank")
    key: Any = text_key(text)
    if isinstance(rank, int | float) and not isinstance(rank, bool):
        key = (float(rank), key)
    elif "rank" in data:  # a ranked dropdown without a rank sorts after the ranked options
        key = (math.inf, key)
    return Display(text, rich_colour(data.get("color")), key)


def _person(data: Any, name: str, tz: tzinfo | None) -> Display:
    return _plain(person_name(data)) if isinstance(data, Mapping) else _plain(str(data))


def _company(data: Any, name: str, tz: tzinfo | None) -> Display:
    return _plain(company_name(data)) if isinstance(data, Mapping) else _plain(str(data))


def _location(data: Any, name: str, tz: tzinfo | None) -> Display:
    return _plain(location_text(data)) if isinstance(data, Mapping) else _plain(str(data))


def _interaction(data: Any, name: str, tz: tzinfo | None) -> Display:
    if not isinstance(data, Mapping):
        return _plain(str(data))
    moment = interaction_moment(data)
    text = clean_text(interaction_text(data, tz=tz))
    return Display(text, None, moment if moment is not None else text_key(text))


def _best_effort(data: Any, name: str, tz: tzinfo | None) -> Display:
    """For value types this version doesn't know (``list-multi``, ``note``, ``reminder``, ...)."""
    if isinstance(data, Mapping):
        for key in ("text", "name", "title", "subject", "content", "calculatedValue"):
            if data.get(key) not in (None, ""):
                return _best_effort(data[key], name, tz)
        if "firstName" in data or "lastName" in data:
            return _person(data, name, tz)
        return _plain(", ".join(f"{k}: {v}" for k, v in data.items() if v not in (None, "", [], {})))
    if isinstance(data, bool):
        return _plain("Yes" if data else "No")
    if isinstance(data, int | float):
        return _number(data, name, tz)
    if isinstance(data, list):
        return _multi(_best_effort)(data, name, tz)
    return _plain(str(data))


def _multi(single: Formatter, *, numeric: bool = False) -> Formatter:
    """A multi-value formatter: items joined with ", "; sort by the numbers or the joined text."""

    def format_many(data: Any, name: str, tz: tzinfo | None) -> Display:
        if not isinstance(data, list):
            return single(data, name, tz)
        shown = [d for d in (single(item, name, tz) for item in data if item is not None) if d.text]
        if not shown:
            return EMPTY
        text = SEPARATOR.join(d.text for d in shown)
        key: Any = tuple(float(d.sort_key) for d in shown) if numeric else text_key(text)
        return Display(text, shown[0].style if len(shown) == 1 else None, key)

    return format_many


FORMATTERS: Mapping[str, Formatter] = {
    "text": _text,
    "filterable-text": _text,
    "filterable-text-multi": _multi(_text),
    "number": _number,
    "number-multi": _multi(_number, numeric=True),
    "formula-number": _formula,
    "datetime": _datetime,
    "dropdown": _dropdown,
    "dropdown-multi": _multi(_dropdown),
    "ranked-dropdown": _dropdown,
    "person": _person,
    "person-multi": _multi(_person),
    "company": _company,
    "company-multi": _multi(_company),
    "location": _location,
    "location-multi": _multi(_location),
    "interaction": _interaction,
}
"""v2 value type → formatter; anything else goes to a best-effort formatter."""
NUMERIC_TYPES = frozenset({"number", "formula-number"})
"""Value types shown right-aligned."""


def format_value(value: Mapping[str, Any] | None, *, field_name: str = "",
                 tz: tzinfo | None = None) -> Display:
    """Display one field value ``{"type", "data"}``.

    ``field_name`` tells money from other numbers; ``tz`` is for tests (default: local zone).
    A missing value or ``data: null`` (Affinity's "no value", also for multi types) is EMPTY.
    """
    if not isinstance(value, Mapping):
        return EMPTY
    data = value.get("data")
    if data is None or data == [] or data == "":
        return EMPTY
    value_type = str(value.get("type") or "")
    shown = FORMATTERS.get(value_type, _best_effort)(data, field_name, tz)
    total = value.get("totalCount")
    if isinstance(data, list) and isinstance(total, int) and total > len(data) and shown.text:
        # 2026 API: multi values are capped at 100 items, with the real count beside them.
        shown = Display(f"{shown.text}, … (+{total - len(data)} more)", shown.style, shown.sort_key)
    return shown


def format_field(fields: FieldValues, field_id: str, *, field_name: str = "",
                 tz: tzinfo | None = None) -> Display:
    """Display ``field_id`` of an entity's ``fields``: NOT_FETCHED unless it was requested.

    Affinity returns every requested field (``data: null`` when empty), so a field id missing
    from ``fields.data`` was not asked for.
    """
    if not fields.requested:
        return NOT_FETCHED
    item = fields.data.get(field_id)
    if item is None:
        return NOT_FETCHED
    if not isinstance(item, Mapping):
        return format_value({"type": "", "data": item}, field_name=field_name, tz=tz)
    return format_value(item.get("value"), field_name=field_name or str(item.get("name") or ""), tz=tz)


def plain(text: str | None) -> Display:
    """Display an entity attribute (name, email, domain) that is already a plain string."""
    return EMPTY if not text else _plain(text)
