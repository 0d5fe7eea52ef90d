"""The write lock: read-only at start, ``w`` asks before unlocking, locks again without asking.
(The sweep of every key for writes lives elsewhere.)"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.widgets.confirm import ConfirmScreen

from .helpers import SIZE, settle, table_screen, toasts, until


def lock_text(app: AffinityApp) -> str:
    return str(table_screen(app).status.query_one("#status-lock", Static).render())


async def test_starts_read_only(app: AffinityApp, session: AffinitySession) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert lock_text(app) == "🔒 read-only"
        assert not app.write_mode and not session.write_mode
        assert not table_screen(app).status.query_one("#status-lock").has_class("-unlocked")


@pytest.mark.parametrize("answer", ["n", "escape"])
async def test_declining_the_confirmation_keeps_it_locked(app: AffinityApp, session: AffinitySession,
                                                          emulator: Emulator, answer: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the unlock confirmation")
        assert "Unlock write mode?" in str(app.screen.query_one("#confirm-title", Static).render())
        await pilot.press(answer)
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))
        await settle(pilot)
        assert not app.write_mode and not session.write_mode
        assert lock_text(app) == "🔒 read-only"
        assert emulator.log.entries == []


async def test_w_then_y_unlocks_and_w_locks_again_without_asking(
        app: AffinityApp, session: AffinitySession, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.write_mode, what="write mode")
        await settle(pilot)
        assert isinstance(app.screen, ListsScreen)
        assert session.write_mode
        assert lock_text(app) == "✎ WRITE MODE"
        assert table_screen(app).status.query_one("#status-lock").has_class("-unlocked")
        assert any(t.startswith("Unlocked\n") for t in toasts(app))
        # Every screen's status line shows it.
        await pilot.press("3")
        await until(pilot, lambda: app.current_mode == "companies")
        await settle(pilot)
        assert lock_text(app) == "✎ WRITE MODE"

        await pilot.press("w")
        await until(pilot, lambda: not app.write_mode, what="read-only again")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen)  # no confirmation to lock
        assert not session.write_mode
        assert lock_text(app) == "🔒 read-only"
        await pilot.press("1")
        await until(pilot, lambda: app.current_mode == "lists")
        await pilot.pause()
        assert lock_text(app) == "🔒 read-only"
        assert any(t.startswith("Locked\n") for t in toasts(app))
        assert emulator.log.writes == []
