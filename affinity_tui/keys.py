"""The one registry of keys: every screen and widget that binds keys, found, not listed.

A class that declares ``BINDINGS`` under ``affinity_tui.screens`` or ``affinity_tui.widgets``
also declares ``KEY_SECTION``: the heading its keys appear under in help (``?``). `key_sections`
imports those packages and collects every such class, so the help screen, the command palette's
key entries and the read-only guarantee test (which presses every key on every screen while
locked) all read the same list, and a new screen is covered the day it is added. A test fails
if a class binds keys without naming its section.

The app-wide keys live here too (`GLOBAL_BINDINGS`), so nothing but ``__main__`` needs to
import the app module.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

GLOBAL_SECTION = "Everywhere"
GLOBAL_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("1", "switch_mode('lists')", "Lists", show=False, id="go.lists"),
    Binding("2", "switch_mode('people')", "People", show=False, id="go.people"),
    Binding("3", "switch_mode('companies')", "Companies", show=False, id="go.companies"),
    Binding("4", "switch_mode('opportunities')", "Opportunities", show=False, id="go.opportunities"),
    Binding("5", "switch_mode('reminders')", "Reminders", show=False, id="go.reminders"),
    Binding("D", "unsent_notes", "Unsent notes (drafts)", show=False, id="drafts"),
    Binding("w", "toggle_lock", "Lock/unlock", id="lock.toggle"),
    Binding("u", "undo", "Undo", id="undo", tooltip="Undo the last change (offered for 15 s)"),
    Binding("question_mark", "help", "Help", id="help"),
]
PALETTE_BINDING = Binding("ctrl+p", "command_palette", "Command palette: go to a list, search, run a key",
                          id="palette")
"""Textual's own (``App.COMMAND_PALETTE_BINDING``), listed so help shows it."""

SECTION_ORDER = ("Everywhere", "Records", "Moving in a table", "Any table", "Lists", "List entries",
                 "People, Companies, Opportunities", "Reminders", "Detail", "Note composer", "Reminder dialog",
                 "Filter bar", "Dialogs")
"""Help's order; a section not named here comes after these, alphabetically."""

PACKAGES = ("affinity_tui.screens", "affinity_tui.widgets")


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """A class that binds keys, and the help section they belong to."""

    section: str
    owner: type | None
    """The screen or widget class (None for the app-wide keys)."""
    bindings: tuple[Binding, ...]


def binding_owners(packages: Sequence[str] = PACKAGES) -> Iterator[type]:
    """Every class defined in ``packages`` whose own ``BINDINGS`` are not empty."""
    for package_name in packages:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, f"{package_name}."):
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and cls.__dict__.get("BINDINGS"):
                    yield cls


def key_sections() -> list[KeyOwner]:
    """The app-wide keys, then every binding owner, in help's order."""
    owners = [KeyOwner(GLOBAL_SECTION, None, (*_bindings(GLOBAL_BINDINGS), PALETTE_BINDING))]
    for cls in binding_owners():
        section = cls.__dict__.get("KEY_SECTION")
        if not isinstance(section, str):
            raise TypeError(f"{cls.__module__}.{cls.__qualname__} binds keys but names no KEY_SECTION")
        owners.append(KeyOwner(section, cls, _bindings(cls.__dict__["BINDINGS"])))

    def order(owner: KeyOwner) -> tuple[int, str]:
        known = owner.section in SECTION_ORDER
        return (SECTION_ORDER.index(owner.section) if known else len(SECTION_ORDER),
                "" if known else owner.section)

    return sorted(owners, key=order)


def every_key(owners: Sequence[KeyOwner] | None = None) -> list[str]:
    """Every key bound anywhere, once each, in section order."""
    keys: list[str] = []
    for owner in key_sections() if owners is None else owners:
        for binding in owner.bindings:
            for key in binding.key.split(","):
                key = key.strip()
                if key and key not in keys:
                    keys.append(key)
    return keys


def _bindings(raw: object) -> tuple[Binding, ...]:
    out: list[Binding] = []
    for item in raw if isinstance(raw, list | tuple) else ():
        if isinstance(item, Binding):
            out.append(item)
        elif isinstance(item, tuple) and len(item) >= 2:
            out.append(Binding(*item))
    return tuple(out)
