"""In-process emulator + SDK session + app, in three fixtures.

    async def test_something(app, emulator):
        async with app.run_test(size=(120, 40)) as pilot: ...

Every test runs with no Affinity key in the environment and a config file path that does not
exist, so nothing on the developer's machine leaks in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ENV_VARS = ("AFFINITY_API_KEY", "AFFINITY_API_KEY_FILE", "AFFINITY_API_KEY_COMMAND",
            "AFFINITY_V1_BASE_URL", "AFFINITY_V2_BASE_URL", "AFFINITY_TUI_CONFIG")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AFFINITY_TUI_CONFIG", str(tmp_path / "no-such-config.toml"))
    # Exports and recent filters go to the test's own folder, never the developer's.
    monkeypatch.setenv("AFFINITY_TUI_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("AFFINITY_TUI_STATE_DIR", str(tmp_path / "state"))
    # "Open in Affinity" must not launch a real browser from a test: `true` swallows the URL.
    monkeypatch.setenv("BROWSER", "true")


@pytest.fixture
def emulator() -> Emulator:
    """A fresh demo tenant ("Harbor Peak Ventures") with a fixed clock."""
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[AffinitySession]:
    """A read-only session on the emulator, closed after the test."""
    s = AffinitySession.for_emulator(emulator)
    yield s
    await s.close()


@pytest.fixture
def app(session: AffinitySession) -> AffinityApp:
    return AffinityApp(session)
