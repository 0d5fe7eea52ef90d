"""Asking before an expensive read: the cost in requests, time and budget, then yes or no.

One wording for every read the request-budget guard covers (``data/costs.py``): a filter read
on your computer, loading all entries, exporting all. Nothing is sent until the user says yes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from ..data.costs import Cost
from ..widgets.confirm import ConfirmScreen


def needs_asking(screen: Screen[Any], cost: Cost | None) -> bool:
    """True when ``cost`` is over the session's ``ask_above``."""
    session = getattr(screen, "session", None)
    limit = getattr(session, "ask_above", None)
    return cost is not None and isinstance(limit, int) and cost.over(limit)


def confirm_cost(screen: Screen[Any], title: str, what: str, cost: Cost, answered: Callable[[bool], None], *,
                 yes: str, no: str = "Cancel") -> None:
    """Ask ``title`` with ``what`` and the cost in words; ``answered(True)`` only on an explicit yes."""
    question = f"{what}\n\nThat is {cost.describe()}."
    screen.app.push_screen(ConfirmScreen(title, question, yes=yes, no=no), lambda yes_: answered(bool(yes_)))
