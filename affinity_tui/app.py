"""The Textual application: a read-only browser over one ``AffinitySession``."""

from __future__ import annotations

import sys
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from .crash_report import redacted_traceback
from .data import AffinitySession
from .paths import styles_dir
from .screens.lists import ListsScreen
from .screens.notices import notify_failure


class AffinityApp(App[None]):
    """Browse Affinity from the keyboard. Reads only: the session denies every write."""

    CSS_PATH = str(styles_dir() / "app.tcss")
    TITLE = "affinity-tui"
    SUB_TITLE = "connecting…"
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, session: AffinitySession) -> None:
        super().__init__()
        self.session = session

    def get_default_screen(self) -> Screen[None]:
        return ListsScreen(self.session)

    def on_mount(self) -> None:
        self.load_tenant()

    @work(exclusive=True, group="tenant", exit_on_error=False)
    async def load_tenant(self) -> None:
        """Put the tenant and the signed-in user in the header."""
        try:
            me = await self.session.whoami()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            self.sub_title = "not connected"
            notify_failure(self, error)
            return
        self.title = me.tenant_name
        self.sub_title = f"{me.user_name} <{me.user_email}>" if me.user_email else me.user_name

    async def on_unmount(self) -> None:
        await self.session.close()

    def _fatal_error(self) -> None:
        """Textual's crash report, minus local variables and the key.

        Textual renders an unhandled exception with ``show_locals=True`` here (textual 8.2.8,
        ``App._fatal_error``); the SDK's frames hold the key in their locals. ``panic`` is the
        public way to exit with a message, so only this one private hook is overridden.
        """
        error = sys.exception() or self._exception
        self.bell()
        if error is None:
            self.panic(Text("affinity-tui stopped after an unexpected error."))
        else:
            self.panic(redacted_traceback(error, self.session.secrets))


def demo_app(*, seed: int | None = None, scale: int | None = None, now: datetime | None = None) -> AffinityApp:
    """The app on an in-process emulator of a demo tenant (``affinity-tui --demo``, snapshots)."""
    from .emulator import Emulator, EmulatorConfig

    config = EmulatorConfig(now=now)
    config.seed = config.seed if seed is None else seed
    config.scale = config.scale if scale is None else scale
    return AffinityApp(AffinitySession.for_emulator(Emulator(config)))
