"""Pilot tests of notes and reminders. They write, so each gets its own demo tenant (unlike
``tests/screens``, which share one read-only tenant), and a session on the emulator's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.data.drafts import NoteDraftStore
from affinity_tui.emulator import Emulator, EmulatorConfig

from ..conftest import NOW


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[AffinitySession]:
    s = AffinitySession.for_emulator(emulator, clock=lambda: NOW)
    yield s
    await s.close()


@pytest.fixture
def app(session: AffinitySession) -> AffinityApp:
    return AffinityApp(session)


@pytest.fixture
def drafts(tmp_path: Path) -> NoteDraftStore:
    """The drafts the app writes (the root conftest points the state directory at the test's folder)."""
    return NoteDraftStore(tmp_path / "state" / "note-drafts")


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typed dates resolve in the local zone: pin it, so "3d" is the same day on every machine."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
