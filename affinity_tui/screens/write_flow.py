"""How every write goes from a key to Affinity: unlock if needed, show what will change, wait
for ``y``, send once in a worker, say what happened, offer ``u`` to undo.

One flow for notes, reminders, Status moves, field edits and list membership, so each of them
is deliberate in the same way. The flow never retries: a failed write keeps whatever the user
typed (the caller's ``on_failed`` decides how) and says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.screen import Screen

from ..data.errors import UserFacingError
from ..data.session import AffinitySession
from ..data.writes import WriteAction, WriteDone, WriteUncertain
from ..data.writes.core import UNDO_SECONDS
from ..widgets.confirm import ConfirmScreen, ConfirmWriteScreen
from .notices import notify_failure


class Unlocker(Protocol):
    """What the flow needs of the app: the lock (implemented by the app, never imported)."""

    write_mode: bool

    async def unlock_now(self) -> bool:
        """Unlock write mode (the caller already asked); True when it is unlocked."""
        ...


def perform(screen: Screen[Any], session: AffinitySession, action: WriteAction, *,
            on_done: Callable[[WriteDone], None] | None = None,
            on_failed: Callable[[UserFacingError], None] | None = None,
            confirm: bool = True) -> None:
    """Run ``action`` through the whole flow from ``screen``. ``on_done`` runs after Affinity
    confirmed; ``on_failed`` after anything else (nothing sent, refused, or uncertain)."""
    app = screen.app
    change = action.change()

    def failed(error: UserFacingError) -> None:
        if on_failed is not None:
            on_failed(error)

    async def send() -> None:
        try:
            done = await session.write(action)
        except WriteUncertain as error:
            app.notify(error.what_to_do, title=error.title, severity="warning" if error.landed else "error",
                       timeout=15, markup=False)
            if error.landed is True and on_done is not None:
                on_done(WriteDone(error.title, action.effects_if_landed()))
            else:
                failed(error)
            return
        except UserFacingError as error:
            notify_failure(screen, error)
            failed(error)
            return
        except Exception as error:  # noqa: BLE001 - a bug: shown as such, never a crash
            notify_failure(screen, error)
            failed(UserFacingError("Something went wrong", "Nothing more was sent."))
            return
        if on_done is not None:
            on_done(done)
        hint = f"  (u undoes it for {int(UNDO_SECONDS)} s)" if done.undo is not None else ""

        def tell() -> None:
            app.notify(done.summary + hint, title="Saved in Affinity", timeout=UNDO_SECONDS, markup=False)
            app.refresh_bindings()  # the footer offers u while the undo lasts
            app.set_timer(UNDO_SECONDS + 0.1, app.refresh_bindings)

        # The changed rows are painted first; the notification and the footer's u, which lay the
        # screen out again, follow in the next frame.
        app.call_after_refresh(tell)

    def confirmed(yes: bool | None) -> None:
        if yes:
            screen.run_worker(send(), group="write", exit_on_error=False)
        else:
            failed(UserFacingError("Not sent", "Nothing was sent to Affinity."))

    def ask() -> None:
        if confirm:
            app.push_screen(ConfirmWriteScreen(change.title, change.lines, requests=change.requests,
                                               verb=change.verb), confirmed)
        else:
            confirmed(True)

    unlocker: Unlocker = app  # type: ignore[assignment]
    if getattr(unlocker, "write_mode", False) and session.write_mode:
        ask()
        return

    async def unlock_then_ask() -> None:
        if await unlocker.unlock_now():
            ask()
        else:
            failed(UserFacingError("Locked", "Nothing was sent to Affinity."))

    def answered(yes: bool | None) -> None:
        if yes:
            screen.run_worker(unlock_then_ask(), group="write-unlock", exit_on_error=False)
        else:
            failed(UserFacingError("Still read-only", "Nothing was sent to Affinity."))

    app.push_screen(ConfirmScreen(
        "Unlock write mode?",
        f"affinity-tui is read-only. Unlock it to “{change.title}”? You will still see and confirm "
        "exactly what is sent. Press w to lock again.", yes="Unlock"), answered)
