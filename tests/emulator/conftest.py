"""Fixtures for driving the emulator with the real affinity-sdk, in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from affinity import AsyncAffinity
from affinity.policies import Policies, WritePolicy

from affinity_tui.emulator import Emulator, EmulatorConfig

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def sdk_client(emu: Emulator, *, read_only: bool = False, **kw: object) -> AsyncAffinity:
    return AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                         async_transport=emu.transport(), max_retries=kw.pop("max_retries", 1),  # type: ignore[arg-type]
                         policies=Policies(write=WritePolicy.DENY) if read_only else None, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shared_emu() -> Emulator:
    """One demo tenant for tests that only read (generation costs ~0.3 s)."""
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
def emu() -> Emulator:
    """A fresh tenant for tests that write or inject faults."""
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def client(shared_emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = sdk_client(shared_emu, read_only=True)
    yield c
    await c.close()


@pytest.fixture
async def writer(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = sdk_client(emu)
    yield c
    await c.close()
