"""What the two query languages the emulator answers share: the error that becomes a 400
``validation`` answer, and how a record's timestamp is read.

The languages themselves live apart: `search_criteria` (``POST .../search`` bodies and saved-view
filters) and `filter_query` (the v2 ``filter`` query string).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["SearchError", "parse_instant"]


class SearchError(Exception):
    """A request the real API would answer with 400 ``validation``.

    ``param`` names the offending part of the request (e.g. ``filters.filters[0].value``) so the
    HTTP layer can put it in the error body; ``None`` lets the caller pick a default.
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


def parse_instant(value: Any) -> datetime | None:
    """A record's datetime value (ISO 8601, ``...Z``) as an aware UTC datetime; naive means UTC.
    ``None`` for anything unreadable, which is then treated as empty."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
