"""What a read will cost before it starts: requests, time at the rate limit, share of the month.

Affinity counts requests against two budgets, per minute (900 per key by default) and per
month (per tenant); both come back in the headers of every response (``ratelimits``). Most
reads the app makes are one request, but a few grow with the data: reading every entry of a
list (loading all, exporting all) and a filter Affinity's search cannot answer, which the SDK
answers by reading every entry and checking it here. Those are estimated from what the app
already knows — the list's size, the page size of 100, the budgets last reported — and any
estimate over ``ask_above`` requests (default 50, ``[budget] ask_above`` in ``config.toml``) is
stated to the user, who says yes or no, before anything is sent:

    ≈ 880 requests, about 1 min at 900/min, 0.9% of this month's budget

The numbers are estimates ("≈"): the SDK may spend a request or two on field metadata first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..config import DEFAULT_ASK_ABOVE
from .ratelimits import RateLimitStatus

__all__ = ["DEFAULT_ASK_ABOVE", "PAGE_SIZE", "Cost", "pages_for"]

PAGE_SIZE = 100
"""Entries per request: Affinity's v2 maximum, what every paged read here asks for."""


def pages_for(count: int, page_size: int = PAGE_SIZE) -> int:
    """Requests to read ``count`` records a page at a time (0 for none)."""
    return math.ceil(max(count, 0) / page_size)


@dataclass(frozen=True, slots=True)
class Cost:
    """An estimate of the requests one action will send, and what they mean for the budgets."""

    requests: int
    per_minute: int | None = None
    """The per-minute limit Affinity last reported (None before any response)."""
    monthly_limit: int | None = None
    monthly_remaining: int | None = None
    at_most: bool = False
    """True when ``requests`` is an upper bound (a search may match fewer)."""

    @classmethod
    def of(cls, requests: int, status: RateLimitStatus, *, at_most: bool = False) -> Cost:
        """``requests`` against the budgets in ``status`` (the session's ``rate.status``)."""
        minute, month = status.per_minute, status.monthly
        return cls(max(requests, 0), per_minute=minute.limit if minute is not None and minute.limit else None,
                   monthly_limit=month.limit if month is not None and month.limit else None,
                   monthly_remaining=month.remaining if month is not None else None, at_most=at_most)

    def over(self, ask_above: int) -> bool:
        """True when the user should be asked first."""
        return self.requests > ask_above

    @property
    def seconds(self) -> float | None:
        """How long the requests take at the per-minute rate (None when the rate is unknown)."""
        if not self.per_minute:
            return None
        return self.requests * 60 / self.per_minute

    @property
    def month_share(self) -> float | None:
        """The requests as a percentage of the month's budget (None when unknown)."""
        if not self.monthly_limit:
            return None
        return self.requests * 100 / self.monthly_limit

    def describe(self) -> str:
        """``≈ 880 requests, about 1 min at 900/min, 0.9% of this month's budget``."""
        count = "1 request" if self.requests == 1 else f"{self.requests:,} requests"
        parts = [f"{'at most ' if self.at_most else ''}≈ {count}"]
        seconds = self.seconds
        if seconds is not None and self.per_minute:
            parts.append(f"about {_duration(seconds)} at {self.per_minute:,}/min")
        share = self.month_share
        if share is not None:
            parts.append(f"{_percent(share)} of this month's budget")
        if self.monthly_remaining is not None and self.requests > self.monthly_remaining:
            parts.append(f"more than the {self.monthly_remaining:,} left this month")
        return ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 45:
        return f"{max(1, round(seconds))} s"
    minutes = seconds / 60
    if minutes < 90:
        return f"{max(1, round(minutes))} min"
    return f"{minutes / 60:.1f} h"


def _percent(share: float) -> str:
    if share < 0.1:
        return "<0.1%"
    return f"{share:.1f}%" if share < 10 else f"{share:.0f}%"
