"""The footer's budget: levels, wording, and updates after every SDK response."""

from __future__ import annotations

import time

from affinity import AsyncAffinity

from affinity_tui.data.ratelimits import Budget, RateLimitStatus, RateLimitTracker
from affinity_tui.emulator import Emulator, EmulatorConfig

from ..conftest import NOW


def test_levels_and_wording() -> None:
    ok = RateLimitStatus(Budget(880, 900, 42), Budget(99_000, 100_000, 6 * 86400))
    assert ok.level == "ok"
    assert ok.describe() == "API 880/900/min · 99,000/100,000/month ↻6d"
    low = RateLimitStatus(Budget(50, 900, 42), Budget(99_000, 100_000, 6 * 86400))
    assert low.level == "low" and "↻42s" in low.describe()
    spent = RateLimitStatus(Budget(0, 900, 42), None)
    assert spent.level == "exhausted"
    waiting = RateLimitStatus(Budget(10, 900, 5), None, wait_until=time.monotonic() + 30)
    assert waiting.level == "exhausted" and waiting.describe().startswith("rate limited: waiting 30s")
    assert RateLimitStatus().describe() == "API budget: —" and RateLimitStatus().level == "unknown"


async def test_tracker_updates_after_every_response_without_extra_requests() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, per_minute=100, companies=40, persons=60, scale=5))
    tracker = RateLimitTracker()
    seen: list[RateLimitStatus] = []
    tracker.subscribe(seen.append)
    client = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                           async_transport=emu.transport(), on_event=tracker.on_event, max_retries=0)
    tracker.bind(client.rate_limits.snapshot)
    await client.whoami()
    await client.lists.list()
    await client.close()
    assert len(emu.log.entries) == 2, "the budget costs no request"
    remaining = [s.per_minute.remaining for s in seen if s.per_minute is not None]
    assert remaining == [99, 98]
    assert seen[-1].monthly is not None and seen[-1].monthly.limit == 100_000


async def test_tracker_shows_the_wait_of_a_429() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, companies=40, persons=60, scale=5))
    tracker = RateLimitTracker()
    client = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                           async_transport=emu.transport(), on_event=tracker.on_event, max_retries=0)
    tracker.bind(client.rate_limits.snapshot)
    emu.faults.update({"rate_limit_next": 1, "retry_after": 30})
    try:
        await client.whoami()
    except Exception:  # noqa: BLE001 - RateLimitError expected
        pass
    await client.close()
    assert 28 <= tracker.status.waiting_seconds <= 30
    assert tracker.status.describe().startswith("rate limited: waiting")
