"""A cache directory per test, and sessions that use it: ``cached_session()`` builds a new one
each time it is called, as a new start of ``affinity-tui`` would (same directory, same key)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from affinity_tui.config import Secret
from affinity_tui.data import AffinitySession
from affinity_tui.data.cache import TenantCache
from affinity_tui.emulator import Emulator

CachedSession = Callable[..., AffinitySession]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("AFFINITY_TUI_CACHE_DIR", str(path))
    return path


@pytest.fixture
def cached_session(emulator: Emulator, cache_dir: Path) -> CachedSession:
    def make(*, api_key: str | None = None, clock: Callable[[], float] | None = None,
             metadata_seconds: float = 600.0, data_seconds: float = 0.0,
             target: Emulator | None = None) -> AffinitySession:
        """A new start; ``data_seconds`` 0 (not the app's minute): what is shown is always asked
        again, so each test sees its revalidation."""
        emu = target or emulator
        key = emu.api_key if api_key is None else api_key
        options = {"clock": clock} if clock is not None else {}
        cache = TenantCache(cache_dir, Secret(key), metadata_seconds=metadata_seconds, data_seconds=data_seconds,
                            **options)
        return AffinitySession.for_emulator(emu, api_key=api_key, cache=cache)

    return make
