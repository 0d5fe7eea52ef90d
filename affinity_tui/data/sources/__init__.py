"""One source per thing a screen shows: the screen asks it for pages, columns, links and status
text, and never sees the SDK."""

from .base import QueryProblem, TablePage, TableSource
from .detail import DetailSource
from .entities import EntitySource
from .entries import EntriesSource
from .lists import ListDirectory, ListsSource, ListSummary, SavedViewSummary
from .reminders import RemindersSource

__all__ = ["DetailSource", "EntriesSource", "EntitySource", "ListDirectory", "ListSummary",
           "ListsSource", "QueryProblem", "RemindersSource", "SavedViewSummary", "TablePage", "TableSource"]
