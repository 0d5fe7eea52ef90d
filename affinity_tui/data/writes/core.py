"""The contract every write follows, so that no write is ever a surprise.

A `WriteAction` is built by a screen from what the user chose, *before* anything is sent:

1. ``change()`` says what it will change, in the user's words (the confirm dialog shows it),
   and how many write requests it sends.
2. ``send(client)`` sends exactly those requests on the write client (``max_retries=0``: a write
   is never retried, by the SDK or by us) and returns a `WriteDone`: a sentence for the user,
   the *effects* (what changed, for screens to update in place without reloading) and the
   *undo* (another `WriteAction` that writes the previous values back).
3. ``landed(client)`` is asked only when the answer never came (a timeout, a dropped
   connection): it *reads* whether the change is there, so the app can tell the user whether it
   landed instead of guessing, and never sends it twice on its own.

``AffinitySession.write`` runs an action and turns every failure into a `UserFacingError`:
`WriteLocked` (read-only: nothing sent), `WriteFailed` (Affinity refused or could not be asked:
nothing changed) or `WriteUncertain` (the answer was lost; ``landed`` says what the read found).

Screens learn about changes made anywhere through the session's `ChangeFeed` (a new note shows
on an open detail screen, a moved deal on an open list).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import UserFacingError

if TYPE_CHECKING:
    from affinity import AsyncAffinity

UNDO_SECONDS = 15.0
"""How long ``u`` offers to undo the last change."""


@dataclass(frozen=True, slots=True)
class Change:
    """What a write will do, shown before it is sent."""

    title: str
    """"Move 1 deal to IC Review", "Save a note"."""
    lines: tuple[str, ...] = ()
    """What changes where, one fact a line ("Copperbio — Series A: Diligence → IC Review").
    CRM text in them is already terminal-safe."""
    requests: int = 1
    """Write requests it will send."""
    verb: str = "Save"
    """The confirm button's word ("Save", "Move", "Delete")."""


@dataclass(frozen=True, slots=True)
class WriteDone:
    """A write Affinity confirmed."""

    summary: str
    """One sentence for the notification ("Copperbio — Series A is now in IC Review")."""
    effects: tuple[object, ...] = ()
    """What changed (typed per family of writes), for screens to update in place."""
    undo: WriteAction | None = None
    """Writes the previous state back; None where nothing can be undone."""


class WriteAction:
    """One confirmed change. Subclasses implement ``change``, ``send`` and, where a read can
    tell, ``landed``."""

    def change(self) -> Change:
        """What it will change, for the confirm dialog, from what the action already holds (no
        request)."""
        raise NotImplementedError

    async def send(self, client: AsyncAffinity) -> WriteDone:
        """Send the write requests once. Raises the SDK's errors (the session translates them)."""
        raise NotImplementedError

    async def landed(self, client: AsyncAffinity) -> bool | None:
        """After a lost answer: True if the change is in Affinity, False if not, None when a read
        cannot tell. ``client`` is the read-only client. May raise (then: None)."""
        return None

    def effects_if_landed(self) -> tuple[object, ...]:
        """The effects to apply when ``landed`` found the change there (no answer carried them)."""
        return ()


class WriteLocked(UserFacingError):
    """The app is read-only: nothing was sent."""

    def __init__(self) -> None:
        super().__init__("affinity-tui is locked (read-only)",
                         "Press w and confirm to unlock write mode. Nothing was sent.")


class WriteFailed(UserFacingError):
    """Affinity refused the write, or could not be asked: nothing changed."""


class WriteUncertain(UserFacingError):
    """The answer never came. ``landed`` is what a read found afterwards: True (it is there),
    False (it is not: safe to try again), None (could not tell: look before trying again)."""

    def __init__(self, title: str, what_to_do: str, *, landed: bool | None) -> None:
        super().__init__(title, what_to_do)
        self.landed = landed


@dataclass(slots=True)
class UndoOffer:
    """The last change's undo, offered for ``UNDO_SECONDS``."""

    action: WriteAction
    summary: str
    until: float = field(default_factory=lambda: time.monotonic() + UNDO_SECONDS)

    @property
    def live(self) -> bool:
        """True until ``until`` (``UNDO_SECONDS`` after the change)."""
        return time.monotonic() < self.until


Listener = Callable[[object], None]


class ChangeFeed:
    """Effects of confirmed writes, for every screen that shows what changed."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(effect)`` for every effect from now on; returns the unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, effects: tuple[object, ...]) -> None:
        """Hand every effect to every listener. Never raises: a listener that raises is skipped
        and the others still hear of the change."""
        for effect in effects:
            for listener in list(self._listeners):
                try:
                    listener(effect)
                except Exception:  # noqa: BLE001 - one screen's bug must not lose the others' update
                    continue
