"""The screens tests share one generated demo tenant (building it takes ~0.3 s, a third of a
typical test) but nothing else: every test still gets its own ``Emulator`` (request log,
faults, rate limits, caches), session and app.

Sharing is safe only because these tests never write to Affinity; a test that changes the
shared tenant fails here, at teardown, rather than corrupting the tests after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore, build_demo_tenant

from ..conftest import NOW


@pytest.fixture(scope="session")
def demo_tenant() -> TenantStore:
    return build_demo_tenant(now=NOW)


@pytest.fixture
def emulator(demo_tenant: TenantStore) -> Iterator[Emulator]:
    """Overrides the root fixture: a fresh emulator over the shared, read-only demo tenant."""
    emulator = Emulator(EmulatorConfig(now=NOW), store=demo_tenant)
    yield emulator
    assert emulator.writes.revision == 0, "a screens test changed the shared demo tenant"
    assert not emulator.log.writes, "a screens test sent a write"
