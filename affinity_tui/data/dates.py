"""Dates typed by a person: ``tomorrow``, ``3d``, ``2w``, ``next monday``, ``eod``, ``2026-12-03``.

One parser for every date the user types (a reminder's due date, a snooze, a date field), so
the same words mean the same day everywhere. The resolved date is always shown back before
anything is saved (``When.describe``), and a date that does not exist (``2026-02-30``) or a word
it does not know is refused with the reason and the forms it accepts.

Relative forms count from ``now`` in the user's time zone. A form without a time of day gets
``default_time`` (09:00, the start of a working day; a date field ignores the time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DEFAULT_TIME = time(9, 0)
END_OF_DAY = time(17, 0)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
FORMS = "tomorrow, 3d, 2w, 1m, next monday, friday, eod, eow, 2026-12-03, 3 dec, 2026-12-03 14:30"
"""What the parser accepts, for messages and placeholders."""

_RELATIVE = re.compile(r"^(?:in\s+|\+)?(\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|yr|year|years)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](\d{1,2}):(\d{2}))?$")
_TIME = re.compile(r"^(.*?)(?:\s+at)?\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]{3,9})(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]{3,9})\s+(\d{1,2})(?:,?\s+(\d{4}))?$")


@dataclass(frozen=True, slots=True)
class When:
    """A resolved date and time (aware, UTC) and how it reads to the user."""

    at: datetime
    """In UTC, whole seconds."""
    local: datetime
    """The same moment in the user's time zone."""

    @property
    def day(self) -> date:
        """The calendar day in the user's time zone (what a date field stores)."""
        return self.local.date()

    def describe(self, now: datetime) -> str:
        """``Thu 3 Dec 2026, 09:00 (in 3 days)``."""
        return f"{self.local:%a} {self.local.day} {self.local:%b %Y, %H:%M} ({relative(self.at, now)})"


@dataclass(frozen=True, slots=True)
class DateProblem:
    """Why the text is not a date, in a sentence."""

    message: str


MAX_DATE_CHARS = 100
"""No date anyone types is longer: a pasted page is refused at once, not read and quoted back."""


def parse_when(text: str, now: datetime, *, tz: tzinfo | None = None,
               default_time: time = DEFAULT_TIME) -> When | DateProblem:
    """The moment ``text`` means, counted from ``now`` (aware) in ``tz`` (default: local zone),
    or a ``DateProblem`` saying why it is not a date. Never raises."""
    if len(text) > MAX_DATE_CHARS:
        return DateProblem(f"A date is at most {MAX_DATE_CHARS} characters (this has {len(text):,}); try {FORMS}")
    raw = " ".join(text.strip().lower().split())
    if not raw:
        return DateProblem(f"Type a date: {FORMS}")
    zone = tz if tz is not None else now.astimezone().tzinfo
    local_now = now.astimezone(zone)
    today = local_now.date()
    try:
        found = _parse(raw, local_now, today, default_time)
    except ValueError as error:
        return DateProblem(f"“{text.strip()}” is not a date: {error}")
    if found is None:
        return DateProblem(f"“{text.strip()}” is not a date I know; try {FORMS}")
    day, at_time = found
    local = datetime.combine(day, at_time, tzinfo=zone)
    return When(at=local.astimezone(UTC).replace(microsecond=0), local=local)


def _parse(raw: str, local_now: datetime, today: date, default_time: time) -> tuple[date, time] | None:
    if raw in ("today", "tod"):
        return today, default_time
    if raw in ("tomorrow", "tmr", "tmrw"):
        return today + timedelta(days=1), default_time
    if raw == "yesterday":
        return today - timedelta(days=1), default_time
    if raw == "eod":
        return today, END_OF_DAY
    if raw == "eow":
        return today + timedelta(days=(4 - today.weekday()) % 7), END_OF_DAY
    if raw == "now":
        return today, local_now.time().replace(second=0, microsecond=0)
    match = _RELATIVE.match(raw)
    if match:
        return _shift(today, int(match.group(1)), match.group(2)[0]), default_time
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(match.group(i)) for i in (1, 2, 3))
        at_time = default_time
        if match.group(4) is not None:
            at_time = _clock(int(match.group(4)), int(match.group(5)), None)
        return _date(year, month, day), at_time
    weekday = _weekday(raw, today)
    if weekday is not None:
        return weekday, default_time
    match = _TIME.match(raw)
    if match and match.group(1):
        head = _parse(match.group(1), local_now, today, default_time)
        if head is not None:
            return head[0], _clock(int(match.group(2)), int(match.group(3) or 0), match.group(4))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(raw)
        if match:
            month_number = _month(match.group(month_group))
            if month_number is None:
                return None
            day_number = int(match.group(day_group))
            if match.group(3):
                return _date(int(match.group(3)), month_number, day_number), default_time
            candidate = _date(today.year, month_number, day_number)
            if candidate < today:  # "3 jan" in December means next January
                candidate = _date(today.year + 1, month_number, day_number)
            return candidate, default_time
    return None


def _weekday(raw: str, today: date) -> date | None:
    """``friday`` / ``this friday`` / ``on fri``: the next Friday after today (1 to 7 days);
    ``next friday``: the Friday of next week (Monday to Sunday)."""
    words = raw.split()
    prefixed = len(words) == 2 and words[0] in ("next", "this", "on")
    if not (prefixed or len(words) == 1):
        return None
    name = words[-1]
    matches = [i for i, day in enumerate(WEEKDAYS) if len(name) >= 3 and day.startswith(name)]
    if len(matches) != 1:
        return None
    target = matches[0]
    if prefixed and words[0] == "next":
        monday_next_week = today + timedelta(days=7 - today.weekday())
        return monday_next_week + timedelta(days=target)
    ahead = (target - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _shift(day: date, amount: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=amount)
    if unit == "w":
        return day + timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _date(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month} (months are 1 to 12)")
    try:
        return date(year, month, day)
    except ValueError:
        last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
        raise ValueError(f"{MONTHS[month - 1].capitalize()} {year} has {last} days") from None


def _clock(hour: int, minute: int, meridiem: str | None) -> time:
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour}{meridiem} is not a time")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"{hour}:{minute:02d} is not a time of day")
    return time(hour, minute)


def _month(name: str) -> int | None:
    matches = [i for i, month in enumerate(MONTHS) if len(name) >= 3 and month.startswith(name)]
    return matches[0] + 1 if len(matches) == 1 else None


def relative(moment: datetime, now: datetime) -> str:
    """``in 3 days``, ``tomorrow``, ``today``, ``2 days ago``, ``in 5 weeks`` (calendar days in UTC
    terms are close enough for a glance; the absolute date is always shown beside it)."""
    seconds = (moment - now).total_seconds()
    days = round(seconds / 86400)
    if abs(seconds) < 3600:
        minutes = round(abs(seconds) / 60)
        return "now" if minutes == 0 else (f"in {minutes} min" if seconds > 0 else f"{minutes} min ago")
    if abs(seconds) < 86400 / 2 and days == 0:
        hours = round(abs(seconds) / 3600)
        return f"in {hours} h" if seconds > 0 else f"{hours} h ago"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if abs(days) < 14:
        return f"in {days} days" if days > 0 else f"{-days} days ago"
    weeks = round(abs(days) / 7)
    if abs(days) < 60:
        return f"in {weeks} weeks" if days > 0 else f"{weeks} weeks ago"
    months = round(abs(days) / 30.4)
    return f"in {months} months" if days > 0 else f"{months} months ago"
