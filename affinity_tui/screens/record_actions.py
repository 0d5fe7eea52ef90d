"""Open the record in focus in Affinity's web app (``o``) or copy it (``y``): one implementation
for every screen that shows records (which also says, never hides, a worker of theirs that
died of a bug)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from ..data.links import RecordLink, open_in_browser
from .notices import say_worker_failure


class RecordActions(Screen[None]):
    """Mixed into screens that can name the record in focus (``record_link``)."""

    KEY_SECTION = "Records"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_in_browser", "Open in Affinity", show=False, id="record.open-web"),
        Binding("y", "copy", "Copy email, domain or link", show=False, id="record.copy"),
    ]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this screen that died of a bug is said, never silent."""
        say_worker_failure(self, event)

    def record_link(self) -> RecordLink | None:
        """The record in focus, or None (nothing in focus, tenant not known yet)."""
        return None

    async def action_open_in_browser(self) -> None:
        link = self.record_link()
        if link is None:
            self.notify("Nothing to open here yet.", severity="warning")
            return
        opened = await asyncio.to_thread(open_in_browser, link.url)
        if opened:
            self.notify(link.url, title="Opened in your browser", markup=False)
            return
        self.app.copy_to_clipboard(link.url)
        self.notify(f"{link.url}\n(copied to the clipboard)", title="No browser here: the address is",
                    markup=False, timeout=10)

    def action_copy(self) -> None:
        link = self.record_link()
        if link is None:
            self.notify("Nothing to copy here yet.", severity="warning")
            return
        self.app.copy_to_clipboard(link.copy)
        self.notify(link.copy, title="Copied", markup=False)
