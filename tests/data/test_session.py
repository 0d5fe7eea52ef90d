"""AffinitySession against the emulator: small typed results, and every failure in the user's words."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from affinity.types import UserId

from affinity_tui.data import AffinitySession, UserFacingError
from affinity_tui.emulator import Emulator


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's retry sleeps (backoff, Retry-After) pass instantly."""
    real_sleep: Callable[..., Awaitable[Any]] = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", lambda delay, *a, **k: real_sleep(0, *a, **k))


async def test_whoami(session: AffinitySession, emulator: Emulator) -> None:
    me = await session.whoami()
    user = emulator.store.persons[emulator.store.current_user_id]
    assert (me.tenant_name, me.subdomain) == ("Harbor Peak Ventures", "harborpeak")
    assert (me.user_name, me.user_email) == (user.full_name, user.primary_email)
    assert isinstance(me.user_id, UserId)


async def test_wrong_key(emulator: Emulator) -> None:
    session = AffinitySession.for_emulator(emulator, api_key="wrong-key-123")
    with pytest.raises(UserFacingError) as raised:
        await session.whoami()
    await session.close()
    assert raised.value.title == "Affinity did not accept the API key"
    assert raised.value.status == 401
    assert "wrong-key-123" not in str(raised.value)
    assert raised.value.__suppress_context__  # no SDK frames (and their locals) in the chain


@pytest.mark.usefixtures("no_backoff")
async def test_rate_limit_says_how_long_to_wait(session: AffinitySession, emulator: Emulator) -> None:
    emulator.faults.update({"rate_limit_next": 2, "retry_after": 7})
    with pytest.raises(UserFacingError) as raised:
        await session.whoami()
    assert raised.value.retry_after == 7
    assert "Wait 7 seconds" in raised.value.what_to_do
    # Affinity asked to wait: the SDK's retry is answered here and never sent.
    assert len(emulator.log.entries) == 1
    assert session.wait.not_sent == 1 and session.wait.seconds > 0


@pytest.mark.usefixtures("no_backoff")
async def test_server_error(session: AffinitySession, emulator: Emulator) -> None:
    emulator.faults.update({"fail_next": [503, 503]})
    with pytest.raises(UserFacingError, match=r"server problem \(HTTP 503\)"):
        await session.whoami()
    assert await session.whoami()  # the next call works


@pytest.mark.usefixtures("no_backoff")
async def test_lost_connection(session: AffinitySession, emulator: Emulator) -> None:
    emulator.faults.update({"drop_next": 2})
    with pytest.raises(UserFacingError, match="connection to Affinity was interrupted"):
        await session.whoami()
    assert len(emulator.log.entries) >= 1


async def test_a_closed_session_does_not_reopen(session: AffinitySession) -> None:
    await session.whoami()
    await session.close()
    with pytest.raises(UserFacingError):
        await session.whoami()


@pytest.mark.usefixtures("no_backoff")
async def test_unreachable_server_over_a_real_socket() -> None:
    from affinity_tui.config import Secret, Settings

    session = AffinitySession(Settings(api_key=Secret("k" * 20), v1_base_url="http://127.0.0.1:9",
                                       v2_base_url="http://127.0.0.1:9/v2"))
    with pytest.raises(UserFacingError, match="Cannot reach Affinity at 127.0.0.1:9"):
        await session.whoami()
    await session.close()
