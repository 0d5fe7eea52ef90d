"""Reminders (``5``): the signed-in user's reminders that still need doing, overdue first.

``enter`` opens the entity a reminder is on; ``c`` completes the reminder and ``z`` snoozes it
(``1d``, ``1w``, a date; the day is shown before anything is sent): both writes, each through
the one write flow (unlock if needed, confirm, send once, ``u`` undoes). A row changes in place
when Affinity confirmed the change, made here or anywhere else in the app (``session.changes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType

from ..data.dates import When
from ..data.rows import Row
from ..data.session import AffinitySession
from ..data.sources import RemindersSource, TableSource
from ..data.writes.reminders import ReminderDeleted, ReminderSaved, StoredReminder, UpdateReminder
from ..widgets.lazy_table import LazyTable
from .date_prompt import DatePrompt
from .table_screen import TableScreen
from .write_flow import perform


class RemindersScreen(TableScreen):
    KEY_SECTION = "Reminders"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "complete", "Complete", id="reminders.complete"),
        Binding("z", "snooze", "Snooze", id="reminders.snooze"),
    ]

    def __init__(self, session: AffinitySession) -> None:
        super().__init__(session, RemindersSource(session), id="reminders-screen")
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def reminders(self) -> RemindersSource:
        assert isinstance(self.source, RemindersSource)
        return self.source

    def empty_message(self) -> str:
        return "Nothing due: no open reminders are yours."

    def on_mount(self) -> None:
        self._unsubscribe = self.session.changes.subscribe(self._changed)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def adopt(self, source: TableSource) -> None:
        """A reload starts over: the rows are the source's own again."""

    def row_title(self, row: Row) -> str:
        name = row.cells[4] if len(row.cells) > 4 else ""
        return "" if name == "…" else name

    def action_refresh(self) -> None:
        self.use(RemindersSource(self.session))

    # ---- changes from anywhere ---------------------------------------------------------------
    def _changed(self, effect: object) -> None:
        source = self.reminders
        me = self.session.tenant.user_id if self.session.tenant is not None else None
        if isinstance(effect, ReminderSaved):
            stored = effect.stored
            if int(stored.id) not in source.stored and stored.owner_id != me:
                return
            source.remember(stored)
        elif isinstance(effect, ReminderDeleted):
            if int(effect.reminder_id) not in source.stored:
                return
            source.forget(int(effect.reminder_id))
        else:
            return
        self.table.set_rows(source.current_rows())
        self.report()

    # ---- keys ------------------------------------------------------------------------------
    def _current(self) -> StoredReminder | None:
        row = self.table.current_row
        stored = self.reminders.stored.get(row.key) if row is not None else None
        if stored is None:
            self.notify("No reminder is selected.", timeout=3)
        return stored

    def action_complete(self) -> None:
        stored = self._current()
        if stored is None:
            return
        if stored.completed:
            self.notify("This reminder is already completed (u undoes it while offered).", timeout=4)
            return
        perform(self, self.session, UpdateReminder(stored, complete=True, now=self.session.clock()))

    def action_snooze(self) -> None:
        stored = self._current()
        if stored is None:
            return

        def chosen(when: When | None) -> None:
            if when is not None:
                perform(self, self.session, UpdateReminder(stored, due_at=when.at, now=self.session.clock()))

        self.app.push_screen(DatePrompt(f"Snooze “{stored.content or 'reminder'}” until…", self.session.clock,
                                        value="1d", hint="1d, 1w, next monday, a date · enter snoozes"), chosen)

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        from .detail import DetailScreen

        row = event.row
        self.app.push_screen(DetailScreen(self.session, row.entity_type, row.entity_id, title=self.row_title(row)))
