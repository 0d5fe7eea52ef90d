"""Dates typed by a person resolve to the day they mean, or are refused with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affinity_tui.data.dates import DateProblem, When, parse_when, relative

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday
TZ = timezone(timedelta(hours=1))  # Europe in winter


def day(text: str) -> str:
    found = parse_when(text, NOW, tz=TZ)
    assert isinstance(found, When), found
    return f"{found.local:%Y-%m-%d %H:%M %a}"


@pytest.mark.parametrize(("text", "expected"), [
    ("today", "2026-11-24 09:00 Tue"),
    ("tomorrow", "2026-11-25 09:00 Wed"),
    ("3d", "2026-11-27 09:00 Fri"),
    ("in 3 days", "2026-11-27 09:00 Fri"),
    ("+2w", "2026-12-08 09:00 Tue"),
    ("1m", "2026-12-24 09:00 Thu"),
    ("3 months", "2027-02-24 09:00 Wed"),
    ("1y", "2027-11-24 09:00 Wed"),
    ("eod", "2026-11-24 17:00 Tue"),
    ("eow", "2026-11-27 17:00 Fri"),
    ("friday", "2026-11-27 09:00 Fri"),
    ("fri", "2026-11-27 09:00 Fri"),
    ("tuesday", "2026-12-01 09:00 Tue"),  # today is Tuesday: the next one
    ("next monday", "2026-11-30 09:00 Mon"),
    ("next friday", "2026-12-04 09:00 Fri"),
    ("2026-12-03", "2026-12-03 09:00 Thu"),
    ("2026-12-03 14:30", "2026-12-03 14:30 Thu"),
    ("3 dec", "2026-12-03 09:00 Thu"),
    ("dec 3", "2026-12-03 09:00 Thu"),
    ("3 jan", "2027-01-03 09:00 Sun"),  # past this year: next year
    ("tomorrow 2pm", "2026-11-25 14:00 Wed"),
    ("friday at 10:15", "2026-11-27 10:15 Fri"),
    ("  Tomorrow  ", "2026-11-25 09:00 Wed"),
    ("2027-01-31", "2027-01-31 09:00 Sun"),
])
def test_forms(text: str, expected: str) -> None:
    assert day(text) == expected


def test_one_month_from_the_31st_is_the_last_day_of_the_shorter_month() -> None:
    found = parse_when("1m", datetime(2027, 1, 31, 12, tzinfo=UTC), tz=UTC)
    assert isinstance(found, When) and found.day.isoformat() == "2027-02-28"


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-02-30", "February 2026 has 28 days"),
    ("2026-13-45", "no month 13"),
    ("2026-12-03 25:00", "not a time of day"),
    ("13pm tomorrow", "not a date I know"),
    ("tomorrow 13pm", "13pm is not a time"),
    ("someday", "not a date I know"),
    ("", "Type a date"),
    ("31 feb", "February 2026 has 28 days"),
])
def test_refusals_say_why(text: str, reason: str) -> None:
    found = parse_when(text, NOW, tz=TZ)
    assert isinstance(found, DateProblem) and reason in found.message


def test_the_moment_is_utc_and_described_with_its_distance() -> None:
    found = parse_when("tomorrow", NOW, tz=TZ)
    assert isinstance(found, When)
    assert found.at == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert found.describe(NOW) == "Wed 25 Nov 2026, 09:00 (tomorrow)"
    assert parse_when("3d", NOW, tz=TZ, default_time=time(0, 0)).describe(NOW).startswith("Fri 27 Nov")  # type: ignore[union-attr]


def test_relative() -> None:
    assert relative(NOW + timedelta(days=3), NOW) == "in 3 days"
    assert relative(NOW - timedelta(days=2), NOW) == "2 days ago"
    assert relative(NOW + timedelta(days=1), NOW) == "tomorrow"
    assert relative(NOW + timedelta(days=35), NOW) == "in 5 weeks"
    assert relative(NOW + timedelta(minutes=5), NOW) == "in 5 min"


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_reason(text: str) -> None:
    found = parse_when(text, NOW, tz=TZ)
    assert isinstance(found, When | DateProblem)
    if isinstance(found, When):
        assert found.at.tzinfo is UTC
