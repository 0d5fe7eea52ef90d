"""``?`` help, the ``ctrl+p`` command palette, binding ids and a user keymap."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette

import affinity_tui.screens
import affinity_tui.widgets
from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.help import HelpScreen
from affinity_tui.screens.lists import ListsScreen

from .helpers import PORTFOLIO, SIZE, entries, settle, table_of, until, widget_text


def app_modules() -> list[ModuleType]:
    found = [importlib.import_module("affinity_tui.app"), importlib.import_module("affinity_tui.commands")]
    for package in (affinity_tui.screens, affinity_tui.widgets):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            found.append(importlib.import_module(info.name))
    return found


def classes_with_bindings() -> list[type]:
    return [cls for module in app_modules() for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__]


async def open_help(app: AffinityApp, pilot) -> str:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("question_mark")
    await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help screen")
    return widget_text(app.screen.query_one("#help-text"))


async def test_help_lists_every_key_with_its_binding_id(app: AffinityApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        text = await open_help(app, pilot)
        for key, what, binding_id in (("2", "People", "go.people"), ("w", "Lock/unlock", "lock.toggle"),
                                      ("/", "Filter", "entries.filter"), ("v", "Saved view", "lists.saved-view"),
                                      ("R", "Refresh", "screen.refresh"), ("f", "Empty fields", "detail.empty-fields")):
            assert re.search(rf"^\s*{re.escape(key)}\s+{re.escape(what)}\s+{re.escape(binding_id)}\s*$", text,
                             re.MULTILINE), (key, what, binding_id)
        for cls in (AffinityApp, ListsScreen, ListEntriesScreen, EntitiesScreen):
            for binding in cls.BINDINGS:
                assert isinstance(binding, Binding) and binding.id and binding.id in text
        for section in ("Everywhere", "Moving in a table", "List entries", "Detail", "Filter bar"):
            assert re.search(rf"^{re.escape(section)}\s*$", text, re.MULTILINE)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))
        assert len(app.screen_stack) == 1
        # ? again opens it, and ? also closes it
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))


async def test_palette_goes_to_a_list_by_name(app: AffinityApp, emulator: Emulator) -> None:
    portfolio = entries(emulator, PORTFOLIO)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the command palette")
        await pilot.press(*"Portfolio")

        def highlighted_hit() -> str:
            results = app.screen.query_one(CommandList)
            if results.highlighted is None:
                return ""
            return str(results.get_option_at_index(results.highlighted).prompt)

        hit = f"Go to list: Portfolio\n{len(portfolio)} entries"
        await until(pilot, lambda: highlighted_hit() == hit, what="the Portfolio hit")
        assert emulator.log.entries == []  # the lists were read once, by the lists screen
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the Portfolio entries")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen)
        assert screen.lst.name == "Portfolio" and int(screen.lst.id) == PORTFOLIO
        assert [row.key for row in table_of(app).loaded_rows] == [e.id for e in portfolio]
        assert app.current_mode == "lists"  # pushed on the lists stack: escape goes back
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))


def test_every_binding_has_an_id() -> None:
    classes = classes_with_bindings()
    names = {cls.__name__ for cls in classes}
    assert {"AffinityApp", "TableScreen", "ListsScreen", "ListEntriesScreen", "EntitiesScreen", "DetailScreen",
            "HelpScreen", "LazyTable", "FilterBar", "PickOne", "PickMany", "ConfirmScreen"} <= names
    missing = []
    for cls in classes:
        ids = []
        for binding in cls.__dict__["BINDINGS"]:
            if not isinstance(binding, Binding) or not binding.id:
                missing.append(f"{cls.__name__}: {binding!r}")
            else:
                ids.append(binding.id)
        assert len(ids) == len(set(ids)), f"{cls.__name__} repeats a binding id: {ids}"
    assert missing == []


async def test_a_user_keymap_rebinds_by_id(session: AffinitySession) -> None:
    app = AffinityApp(session, keymap={"go.people": "p"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # no longer bound
        await pilot.pause()
        assert app.current_mode == "lists"
        await pilot.press("p")
        await until(pilot, lambda: app.current_mode == "people")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen) and app.screen.kind == "person"
        assert len(table_of(app).rows) > 0


async def test_help_shows_the_keys_of_the_user_keymap(session: AffinitySession) -> None:
    app = AffinityApp(session, keymap={"go.people": "p"})
    async with app.run_test(size=SIZE) as pilot:
        text = await open_help(app, pilot)
        assert re.search(r"^\s*p\s+People\s+go\.people\s*$", text, re.MULTILINE), text


async def test_the_palette_runs_a_key_of_the_screen_in_view_by_its_name(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the Deal Pipeline
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the command palette")
        await pilot.press(*"Key: Filter")

        def hits() -> list[str]:
            results = app.screen.query_one(CommandList)
            return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

        await until(pilot, lambda: any(h.startswith("Key: Filter") for h in hits()), what="the filter key")
        assert any("press / (entries.filter)" in h for h in hits())
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and app.screen.filter_bar.display,
                    what="the filter bar")
