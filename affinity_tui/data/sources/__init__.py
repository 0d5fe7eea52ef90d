"""One source per thing a screen shows: the screen asks it for pages, columns, links and status
text, and never sees the SDK."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import QueryProblem, TablePage, TableSource
    from .detail import DetailSource
    from .entities import EntitySource
    from .entries import EntriesSource
    from .lists import ListDirectory, ListsSource, ListSummary, SavedViewSummary
    from .reminders import RemindersSource

_HOMES = {"QueryProblem": "base", "TablePage": "base", "TableSource": "base", "DetailSource": "detail",
          "EntitySource": "entities", "EntriesSource": "entries", "ListDirectory": "lists",
          "ListsSource": "lists", "ListSummary": "lists", "SavedViewSummary": "lists",
          "RemindersSource": "reminders"}
"""Each source is imported when first asked for: a start that shows one list does not pay for
importing the others (and the writes, exports and detail reads they bring)."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = ["DetailSource", "EntriesSource", "EntitySource", "ListDirectory", "ListSummary",
           "ListsSource", "QueryProblem", "RemindersSource", "SavedViewSummary", "TablePage", "TableSource"]
