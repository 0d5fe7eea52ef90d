"""KeyFooter: at 80 columns every main screen still shows ``?`` (every key) and the lock, the
filter ``/`` where there is one, and the screen's own triage keys; wider, more keys fit; keys are
dropped in the order ``DROPPED_FIRST`` says, never the ones ``ALWAYS_SHOWN`` names."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from affinity_tui.app import AffinityApp
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.key_footer import KeyFooter, cells, fit

from ..screens.helpers import settle, until


def shown(app: AffinityApp) -> list[str]:
    """The keys the footer shows, as pressed (``slash``, ``question_mark``, ``s`` …)."""
    footer = app.screen.query_one(KeyFooter)
    return [str(getattr(key, "key", "")) for key in footer.children if not key.has_class("-command-palette")]


async def fits(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.pause()
    footer = pilot.app.screen.query_one(KeyFooter)
    keys = [k for k in footer.children if not k.has_class("-command-palette")]
    assert sum(k.outer_size.width for k in keys) <= footer.size.width - 11  # the palette's key stays too


async def test_at_80_columns_the_footers_keep_help_the_lock_and_the_filter(app: AffinityApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await fits(pilot)
        assert {"question_mark", "w", "v"} <= set(shown(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await fits(pilot)
        assert {"slash", "s", "E", "b", "question_mark", "w"} <= set(shown(app))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await fits(pilot)
        assert {"shift+left", "shift+right", "s", "question_mark", "w"} <= set(shown(app))
        await pilot.press("escape", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await fits(pilot)
        assert {"s", "e", "a", "question_mark", "w"} <= set(shown(app))
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await fits(pilot)
        assert {"slash", "a", "question_mark", "w"} <= set(shown(app))
        await pilot.resize_terminal(120, 40)
        await fits(pilot)
        assert {"slash", "a", "c", "S", "f", "enter", "question_mark", "w"} <= set(shown(app))


class Key(Static):
    def __init__(self, key: str, description: str, action: str) -> None:
        super().__init__()
        self.key, self.key_display, self.description, self.action = key, key, description, action


def test_fit_drops_the_least_needed_keys_first_and_keeps_help() -> None:
    keys: list[Widget] = [Key("enter", "Open", "select_row"), Key("escape", "Back", "back"),
                          Key("S", "Sort", "sort"), Key("/", "Filter", "query"), Key("s", "Status", "status"),
                          Key("b", "Board", "board"), Key("q", "Quit", "app.quit"), Key("?", "Help", "app.help")]
    assert fit(keys, 200) == keys
    assert cells(keys[0]) == len("enter Open ")
    narrow = fit(keys, sum(map(cells, keys)) - 1)
    assert [getattr(k, "description") for k in narrow] == ["Open", "Back", "Sort", "Filter", "Status", "Board",
                                                           "Help"]  # Quit goes first
    assert [getattr(k, "description") for k in fit(keys, 30)] == ["Filter", "Status", "Help"]
    assert [getattr(k, "description") for k in fit(keys, 1)] == ["Filter", "Help"]  # never dropped
