"""Small things a new user meets: escape at the root, o without a browser, the header after a
failed start, a detail waiting on the rate limit, a refused key, long notifications."""

from __future__ import annotations

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entities import EntitiesScreen

from .helpers import SIZE, header_text, open_list, settle, table_of, toasts, until, DEAL_PIPELINE


def footer_text(app: AffinityApp) -> str:
    return [strip.text for strip in app.screen._compositor.render_strips()][-1]


async def test_escape_at_the_root_of_people_is_not_offered_and_does_nothing(app: AffinityApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("2", "3", "4"):
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, EntitiesScreen)
            assert "Back" not in footer_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen


async def test_o_without_a_browser_says_so_and_copies_the_address(app: AffinityApp, emulator: Emulator,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        row = table_of(app).current_row
        assert row is not None
        await pilot.press("o")
        url = f"https://{emulator.store.tenant.subdomain}.affinity.co/opportunities/{row.entity_id}"
        await until(pilot, lambda: any(url in t for t in toasts(app)), what="the address")
        shown = " ".join(toasts(app))
        assert "No browser here" in shown and "copied" in shown and "Opened in your browser" not in shown
        assert app.clipboard == url


async def test_after_a_refused_start_R_brings_back_the_lists_and_the_header(emulator: Emulator) -> None:
    """A 401 (a key refused for a while) says to check the key and press R; R then recovers
    everything, the header's tenant and user too, without a restart."""
    from affinity_tui.screens.lists import ListsScreen

    emulator.faults.update({"fail_next": [401, 401]})  # whoami and the lists
    app = AffinityApp(AffinitySession.for_emulator(emulator))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.sub_title == "not connected"
        shown = " ".join(toasts(app))
        assert "Check the key" in shown and "press R" in shown and "without a restart" in shown
        assert isinstance(app.screen, ListsScreen) and not table_of(app).rows
        await pilot.press("R")
        await until(pilot, lambda: len(table_of(app).rows) == 4, what="the lists")
        await until(pilot, lambda: app.sub_title != "not connected", what="the header")
        me = emulator.store.persons[emulator.store.current_user_id]
        assert emulator.store.tenant.name in header_text(app) and me.full_name in app.sub_title


async def test_long_texts_in_notifications_are_cut_with_an_ellipsis(app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.widgets.prompt import TextPrompt

    from .helpers import paste

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), what="the find prompt")
        await paste(pilot, "Blue " * 1000)  # a 5,000-character find
        await pilot.press("enter")
        await settle(pilot)
        (found,) = [t for t in toasts(app) if "Blue" in t]
        assert len(found) < 400 and "…" in found
        # Any notification, whatever says it: a few lines at most, cut with an ellipsis.
        app.notify("\n".join(f"line {i} " + "x" * 300 for i in range(50)), title="Long", markup=False)
        await pilot.pause()
        (long,) = [t for t in toasts(app) if t.startswith("Long")]
        assert len(long) <= 330 and long.rstrip().endswith("…") and "line 49" not in long


async def test_a_detail_waiting_on_the_rate_limit_counts_down_and_loads_by_itself(
        app: AffinityApp, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    import affinity_tui.data.transport as transport
    from affinity_tui.screens.detail import DetailScreen

    from .helpers import PORTFOLIO, entries

    monkeypatch.setattr(transport, "SDK_WAIT_LIMIT", 1)  # the SDK's bounded part, shortened for the test
    company = entries(emulator, PORTFOLIO)[0].entity_id
    notes = emulator.store.notes_for("company", company)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_list(pilot, PORTFOLIO)
        emulator.faults.update({"rate_limit_next": 1, "retry_after": 3, "paths": [f"/v2/companies/{company}/notes"]})
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await until(pilot, lambda: "rate limited by Affinity: loads again in" in screen.section_text("notes"),
                    what="the wait, said in place")
        first = screen.section_text("notes")
        await until(pilot, lambda: screen.section_text("notes") != first, what="the countdown")
        await until(pilot, lambda: " ".join(screen.section_text("notes").split()).startswith(
            f"Notes {len(notes)} newest first"), timeout=8, what="the notes, by themselves")
