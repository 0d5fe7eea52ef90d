"""Affinity unreachable: the cache is shown read-only, the app says so once, asks again in the
background and says when Affinity is back."""

from __future__ import annotations

import httpx
import pytest

from affinity_tui import app as app_module
from affinity_tui.app import AffinityApp
from affinity_tui.data.resume import Place
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen

from ..screens.helpers import DEAL_PIPELINE, SIZE, settle, status_text, table_of, toasts, until
from .conftest import CachedSession
from .test_warm_start import browse_deal_pipeline


class Switchable(httpx.AsyncBaseTransport):
    """The emulator, or no server at all (``down``): every request fails to connect."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.refused += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "RETRY_FIRST_SECONDS", 0.2)


async def test_offline_start_shows_the_cache_says_so_once_and_comes_back(
        cached_session: CachedSession, emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    session = cached_session(metadata_seconds=0)  # everything is due to be asked again
    network = Switchable(emulator.transport())
    network.down = True
    session._transport = network
    app = AffinityApp(session, start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
        await until(pilot, lambda: app.offline, what="the app to notice it is offline")
        await until(pilot, lambda: "offline" in status_text(app), what="the status line to say offline")
        assert len(table_of(app).loaded_rows) >= 100  # the cached rows stay
        assert "as of" in status_text(app)
        said = [t for t in toasts(app) if "cannot be reached" in t or "Cannot reach" in t]
        assert len(said) == 1, toasts(app)
        # Write mode cannot be unlocked while offline.
        await pilot.press("w")
        await pilot.pause()
        assert not app.write_mode
        assert not isinstance(app.screen, ListEntriesScreen) or True
        assert any("write mode stays locked" in t for t in toasts(app))
        # Affinity answers again: the app notices by itself and says so.
        network.down = False
        await until(pilot, lambda: not app.offline, timeout=10, what="the app to notice Affinity is back")
        await settle(pilot)
        assert any("answers again" in t for t in toasts(app))
        assert "offline" not in status_text(app)
        assert "as of" not in status_text(app)


async def test_a_cold_start_offline_says_what_is_missing(cached_session: CachedSession, emulator: Emulator) -> None:
    session = cached_session()
    network = Switchable(emulator.transport())
    network.down = True
    session._transport = network
    app = AffinityApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.offline, what="offline")
        await settle(pilot)
        assert len(table_of(app).rows) == 0
        assert "press R" in table_of(app).empty_text
