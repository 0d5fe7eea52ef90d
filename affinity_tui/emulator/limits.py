"""Rate limits and injected faults: the two ways the emulator says "no" on purpose.

`RateLimits` keeps Affinity's two budgets: a per-key per-minute window (900 by default) and an
organisation-wide monthly budget that resets at the end of the calendar month. Every response
carries the six ``X-Ratelimit-*`` headers as plain integers (the SDK does ``int()`` on them),
and a spent budget answers 429 with ``Retry-After``.

`Faults` lets tests and demos make the server misbehave on demand: added latency, a fraction
of 5xx answers, forced 429s, slow responses, dropped connections, answers that are not JSON and
a server that is down. Both can be changed while the server runs through
``PUT /_emulator/faults`` and ``PUT /_emulator/limits``.
"""

from __future__ import annotations

import calendar
import math
import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Callable

EXEMPT_FROM_MONTHLY = ("/rate-limit", "/v2/rate-limit", "/auth/whoami", "/v2/auth/whoami")


@dataclass
class RateDecision:
    allowed: bool
    headers: dict[str, str]
    retry_after: int = 0


class RateLimits:
    """Per-key per-minute windows and one monthly org budget."""

    def __init__(self, per_minute: int = 900, monthly: int = 100_000,
                 clock: Callable[[], float] = time.time, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.monthly = monthly
        self.window_seconds = window_seconds
        """Length of the "per-minute" window: 60 like Affinity's; tests shorten it so that a
        client's pacing can be watched over several windows without waiting minutes."""
        self.monthly_used = 0
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        """key -> (window start, requests counted in the window)."""
        self._lock = threading.Lock()

    def _month_reset(self, now: float) -> int:
        dt = datetime.fromtimestamp(now, UTC)
        last_day = calendar.monthrange(dt.year, dt.month)[1]
        end = datetime(dt.year, dt.month, last_day, 23, 59, 59, tzinfo=UTC).timestamp() + 1
        return max(1, int(end - now))

    def check(self, key: str, path: str) -> RateDecision:
        """Count one request for `key` (unless it is refused) and say whether it may proceed."""
        with self._lock:
            now = self._clock()
            window = self.window_seconds
            start, used = self._windows.get(key, (now, 0))
            if now - start >= window:
                start, used = now, 0
            minute_reset = max(1, math.ceil(window - (now - start)))
            month_reset = self._month_reset(now)
            exempt = path in EXEMPT_FROM_MONTHLY
            allowed = used < self.per_minute and (exempt or self.monthly_used < self.monthly)
            retry_after = 0
            if allowed:
                used += 1
                if not exempt:
                    self.monthly_used += 1
            else:
                retry_after = minute_reset if used >= self.per_minute else month_reset
            self._windows[key] = (start, used)
            headers = {
                "X-Ratelimit-Limit-User": str(self.per_minute),
                "X-Ratelimit-Limit-User-Remaining": str(max(0, self.per_minute - used)),
                "X-Ratelimit-Limit-User-Reset": str(minute_reset),
                "X-Ratelimit-Limit-Org": str(self.monthly),
                "X-Ratelimit-Limit-Org-Remaining": str(max(0, self.monthly - self.monthly_used)),
                "X-Ratelimit-Limit-Org-Reset": str(month_reset),
            }
            return RateDecision(allowed, headers, retry_after)

    def headers(self, key: str) -> dict[str, str]:
        """The six headers without counting a request (for answers refused before counting)."""
        snap = self.snapshot(key)
        minute, month = snap["per_minute"], snap["monthly"]
        return {
            "X-Ratelimit-Limit-User": str(minute["limit"]),
            "X-Ratelimit-Limit-User-Remaining": str(minute["remaining"]),
            "X-Ratelimit-Limit-User-Reset": str(max(1, minute["reset"])),
            "X-Ratelimit-Limit-Org": str(month["limit"]),
            "X-Ratelimit-Limit-Org-Remaining": str(month["remaining"]),
            "X-Ratelimit-Limit-Org-Reset": str(month["reset"]),
        }

    def snapshot(self, key: str) -> dict[str, dict[str, int]]:
        """Both budgets for the ``/rate-limit`` endpoints, without counting a request."""
        with self._lock:
            now = self._clock()
            start, used = self._windows.get(key, (now, 0))
            if now - start >= self.window_seconds:
                start, used = now, 0
            return {
                "per_minute": {"limit": self.per_minute, "remaining": max(0, self.per_minute - used),
                               "reset": max(0, math.ceil(self.window_seconds - (now - start))), "used": used},
                "monthly": {"limit": self.monthly, "remaining": max(0, self.monthly - self.monthly_used),
                            "reset": self._month_reset(now), "used": self.monthly_used},
            }

    def configure(self, *, per_minute: int | None = None, monthly: int | None = None,
                  monthly_used: int | None = None, reset_windows: bool = False,
                  window_seconds: float | None = None) -> None:
        with self._lock:
            if per_minute is not None:
                self.per_minute = per_minute
            if window_seconds is not None:
                self.window_seconds = float(window_seconds)
            if monthly is not None:
                self.monthly = monthly
            if monthly_used is not None:
                self.monthly_used = monthly_used
            if reset_windows:
                self._windows.clear()


@dataclass
class Faults:
    """Misbehaviour on demand. Counters (`*_next`) are consumed one request at a time."""

    latency_ms: int = 0
    """Added to every API request."""
    error_rate: float = 0.0
    """Fraction of API requests answered with a 5xx (500 or 503)."""
    fail_next: list[int] = field(default_factory=list)
    """Statuses to answer the next requests with, in order (e.g. ``[503, 500]``)."""
    rate_limit_next: int = 0
    """The next N requests answer 429 whatever the budgets say."""
    retry_after: int = 1
    """``Retry-After`` seconds sent with forced 429s."""
    slow_next: int = 0
    """The next N requests take `slow_seconds` before answering."""
    slow_seconds: float = 5.0
    drop_next: int = 0
    """The next N requests lose their connection mid-response."""
    drop_rate: float = 0.0
    drop_after_next: int = 0
    """The next N requests are carried out, then lose their connection before the answer: a
    write that landed though the client never heard so."""
    malformed_next: int = 0
    """The next N requests are carried out, then answered 200 with a body that is not JSON
    (`malformed_body`): a proxy's error page, or an answer cut short."""
    malformed_body: str = "cut"
    """"cut": the real answer cut off in the middle; "html": a proxy's HTML error page."""
    down: bool = False
    """Every request fails to connect, as when the server is not running (in-process only:
    over HTTP, stop the server instead)."""
    seed: int = 0
    paths: list[str] = field(default_factory=list)
    """When set, faults apply only to request paths starting with one of these prefixes."""

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def public(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise KeyError(name)
            setattr(self, name, value)
        if "seed" in changes:
            self._rng = random.Random(self.seed)

    def applies_to(self, path: str) -> bool:
        return not self.paths or any(path.startswith(p) for p in self.paths)

    def take(self, path: str) -> FaultPlan:
        """Decide, once per request, what goes wrong with it."""
        with self._lock:
            plan = FaultPlan(latency=self.latency_ms / 1000.0)
            if not self.applies_to(path):
                return plan
            if self.drop_next > 0:
                self.drop_next -= 1
                plan.drop = True
            elif self.drop_rate and self._rng.random() < self.drop_rate:
                plan.drop = True
            if self.drop_after_next > 0:
                self.drop_after_next -= 1
                plan.drop_after = True
            if self.malformed_next > 0:
                self.malformed_next -= 1
                plan.malformed = self.malformed_body
            if self.slow_next > 0:
                self.slow_next -= 1
                plan.latency += self.slow_seconds
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                plan.rate_limited = True
            elif self.fail_next:
                plan.status = self.fail_next.pop(0)
            elif self.error_rate and self._rng.random() < self.error_rate:
                plan.status = self._rng.choice([500, 503])
            return plan


@dataclass
class FaultPlan:
    latency: float = 0.0
    drop: bool = False
    drop_after: bool = False
    malformed: str | None = None
    rate_limited: bool = False
    status: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
