"""The rate-limit budget the footer shows, kept current after every response at no cost.

Affinity sends six ``X-Ratelimit-*`` headers on every response; the SDK keeps the last ones
and ``rate_limits.snapshot()`` reads them without a request. The SDK's ``on_event`` hook tells
us when a response (or a retry wait) happened, so the footer updates after every request; the
transport (``transport.RateWait``) tells it how long Affinity's whole wait lasts (after a 429,
or once the minute's budget is spent), which the footer counts down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from affinity.exceptions import RateLimitError
from affinity.hooks import RequestFailed, RequestRetrying, RequestSucceeded

LOW_FRACTION = 0.1
"""A budget below a tenth of its limit turns the footer's warning colour on."""

Level = Literal["unknown", "ok", "low", "exhausted"]


@dataclass(frozen=True)
class Budget:
    """One budget (per minute or per month) as Affinity's ``X-Ratelimit-*`` headers last said."""

    remaining: int
    limit: int
    reset_seconds: int | None

    @property
    def level(self) -> Level:
        """"exhausted" at 0, "low" under a tenth of the limit (``LOW_FRACTION``), else "ok"."""
        if self.remaining <= 0:
            return "exhausted"
        if self.limit and self.remaining < self.limit * LOW_FRACTION:
            return "low"
        return "ok"


@dataclass(frozen=True)
class RateLimitStatus:
    """Both budgets as last reported by Affinity, and any wait in progress."""

    per_minute: Budget | None = None
    monthly: Budget | None = None
    wait_until: float | None = None
    """``time.monotonic()`` until which requests are held back by a 429, if any."""

    @property
    def level(self) -> Level:
        """The worse of the two budgets; "exhausted" while a 429 wait lasts; "unknown" before
        any response carried the headers."""
        if self.waiting_seconds:
            return "exhausted"
        levels = [b.level for b in (self.per_minute, self.monthly) if b is not None]
        for worst in ("exhausted", "low", "ok"):
            if worst in levels:
                return worst
        return "unknown"

    @property
    def waiting_seconds(self) -> int:
        """Whole seconds left of a rate-limit wait (0 when there is none)."""
        if self.wait_until is None:
            return 0
        return max(0, round(self.wait_until - time.monotonic()))

    def describe(self, brevity: int = 0) -> str:
        """One line for the footer, e.g. ``API 880/900/min · 99,120/100,000/month ↻6d``.

        ``brevity`` 1 drops the month's limit and reset (``API 880/900/min · 99,120/mo``), 2 the
        month (``API 880/900``), for a narrow terminal; a rate-limit wait is always said."""
        if self.per_minute is None and self.monthly is None and not self.waiting_seconds:
            return "API budget: —"
        parts = []
        if self.waiting_seconds:
            parts.append(f"rate limited: waiting {self.waiting_seconds}s")
        if brevity and self.per_minute is not None:
            pm = self.per_minute
            parts.append(f"API {pm.remaining:,}/{pm.limit:,}" + ("/min" if brevity == 1 else ""))
            if brevity == 1 and self.monthly is not None:
                parts.append(f"{self.monthly.remaining:,}/mo")
            return " · ".join(parts)
        if self.per_minute is not None:
            pm = self.per_minute
            # The minute's reset matters only when the budget is nearly spent.
            soon = pm.level != "ok" and pm.reset_seconds is not None
            parts.append(f"API {pm.remaining:,}/{pm.limit:,}/min" +
                         (f" ↻{_duration(pm.reset_seconds or 0)}" if soon else ""))
        if self.monthly is not None:
            mo = self.monthly
            parts.append(f"{mo.remaining:,}/{mo.limit:,}/month" +
                         (f" ↻{_duration(mo.reset_seconds)}" if mo.reset_seconds is not None else ""))
        return " · ".join(parts)


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def _budget(bucket: Any) -> Budget | None:
    if bucket is None or bucket.limit is None or bucket.remaining is None:
        return None
    return Budget(remaining=int(bucket.remaining), limit=int(bucket.limit),
                  reset_seconds=None if bucket.reset_seconds is None else max(0, int(bucket.reset_seconds)))


def _later(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


Listener = Callable[[RateLimitStatus], None]


class RateLimitTracker:
    """Turns SDK events into `RateLimitStatus` updates for whoever listens (the footer)."""

    def __init__(self) -> None:
        self._snapshot: Callable[[], Any] | None = None
        self._listeners: list[Listener] = []
        self._wait_until: float | None = None
        """A wait the SDK reported (its retry sleeps); over once a request succeeds."""
        self._blocked_until: float | None = None
        """The transport's wait (Affinity's whole ``Retry-After``, or a spent budget's reset):
        it lasts until the transport says it is over, whatever answers arrive meanwhile."""
        self.status = RateLimitStatus()

    def bind(self, snapshot: Callable[[], Any]) -> None:
        """Read budgets from this callable (``client.rate_limits.snapshot``; no I/O)."""
        self._snapshot = snapshot

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with the current status now and after every change; returns the
        unsubscriber."""
        self._listeners.append(listener)
        listener(self.status)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def on_event(self, event: object) -> None:
        """The SDK ``on_event`` hook: sync, cheap, never raises."""
        try:
            if isinstance(event, RequestRetrying) and "rate" in event.reason.lower():
                self._wait_at_least(time.monotonic() + event.wait_seconds)
            elif isinstance(event, RequestFailed) and isinstance(event.error, RateLimitError):
                wait = event.error.retry_after
                if wait:
                    self._wait_at_least(time.monotonic() + wait)
            elif isinstance(event, RequestSucceeded):
                self._wait_until = None
            else:
                return
            self.refresh()
        except Exception:  # noqa: BLE001 - a display hook must never break a request
            return

    def blocked(self, until: float | None) -> None:
        """Affinity's whole wait (from the transport, which shows the SDK only part of it), or
        None when it is over."""
        self._blocked_until = until
        if until is None:
            self._wait_until = None
        self.refresh()

    def _wait_at_least(self, until: float) -> None:
        if self._wait_until is None or until > self._wait_until:
            self._wait_until = until

    def refresh(self) -> None:
        """Read the SDK's last headers (no request) and hand the new status to every listener."""
        snap = self._snapshot() if self._snapshot is not None else None
        status = RateLimitStatus(per_minute=_budget(getattr(snap, "api_key_per_minute", None)),
                                 monthly=_budget(getattr(snap, "org_monthly", None)),
                                 wait_until=_later(self._wait_until, self._blocked_until))
        self.status = status
        for listener in list(self._listeners):
            listener(status)
