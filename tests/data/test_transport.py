"""The transport under the SDK: a long Retry-After never becomes a long sleep, nothing is sent while
Affinity asked to wait, and a dropped connection is retried for reads only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from affinity_tui.data import AffinitySession, UserFacingError
from affinity_tui.data.transport import RateWait, retry_after_seconds
from affinity_tui.emulator import Emulator


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The SDK's sleeps, recorded and passed instantly."""
    asked: list[float] = []
    real_sleep: Callable[..., Awaitable[Any]] = asyncio.sleep

    async def fake(delay: float, *args: Any, **kwargs: Any) -> Any:
        asked.append(float(delay))
        return await real_sleep(0, *args, **kwargs)

    monkeypatch.setattr(asyncio, "sleep", fake)
    return asked


async def test_an_hour_long_retry_after_is_never_slept_and_nothing_is_sent_meanwhile(
        session: AffinitySession, emulator: Emulator, sleeps: list[float]) -> None:
    clock = Clock()
    session.wait = RateWait(clock=clock, on_blocked=session.rate.blocked)
    emulator.faults.update({"rate_limit_next": 1, "retry_after": 3600})
    with pytest.raises(UserFacingError) as raised:
        await session.whoami()
    assert max(sleeps, default=0) <= 10  # the SDK was shown at most 10 s of the hour
    assert raised.value.retry_after == 3600 and "Wait 60 minutes" in raised.value.what_to_do
    assert [e.status for e in emulator.log.entries] == [429]  # its retry was answered here
    # Every later request waits too, without leaving the process.
    with pytest.raises(UserFacingError):
        await session.whoami()
    assert len(emulator.log.entries) == 1
    assert session.rate.status.wait_until is not None  # the status line counts it down
    # When the hour is over, requests flow again, by themselves.
    clock.now += 3601
    assert (await session.whoami()).tenant_name == "Harbor Peak Ventures"
    assert [e.status for e in emulator.log.entries] == [429, 200]


async def test_a_dropped_read_is_retried(session: AffinitySession, emulator: Emulator,
                                         sleeps: list[float]) -> None:
    emulator.faults.update({"drop_next": 1})
    assert (await session.whoami()).tenant_name == "Harbor Peak Ventures"
    assert [e.status for e in emulator.log.entries] == [0, 200]


def test_retry_after_forms() -> None:
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(" 2.5 ") == 2.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("-5") == 0


async def test_a_spent_budget_is_waited_for_without_a_429(session: AffinitySession, emulator: Emulator,
                                                          sleeps: list[float]) -> None:
    clock = Clock()
    emulator.limits.configure(per_minute=2)
    session.wait = RateWait(clock=clock, on_blocked=session.rate.blocked)
    await session.whoami()
    await session.whoami()  # its answer says: 0 left this minute
    with pytest.raises(UserFacingError) as raised:
        await session.whoami()  # not sent: the wait for the reset starts here
    assert raised.value.retry_after is not None and raised.value.retry_after > 10
    assert [e.status for e in emulator.log.entries] == [200, 200]  # Affinity never had to refuse
    assert session.wait.paced == 1 and session.rate.status.wait_until is not None
    clock.now += 61  # the minute is over (Affinity's window restarts too)
    emulator.limits.configure(reset_windows=True)
    assert (await session.whoami()).tenant_name == "Harbor Peak Ventures"
    assert [e.status for e in emulator.log.entries] == [200, 200, 200]


def test_requests_still_out_count_against_the_budget() -> None:
    clock = Clock()
    wait = RateWait(clock=clock)
    assert wait.may_send() == 0  # nothing known yet: send
    wait.in_flight = 2  # two more requests are on their way
    wait.answered("3", "30")  # this answer says 3 left: 1 is really left
    assert wait.may_send() == 0
    assert wait.may_send() > 29  # the budget is spent: wait for the reset
    assert wait.paced == 1
    clock.now += 31
    assert wait.may_send() == 0
    wait.answered("not a number", None)  # an answer without the headers changes nothing
    assert wait.may_send() == 0
