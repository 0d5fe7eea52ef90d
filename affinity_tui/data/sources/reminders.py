"""The signed-in user's reminders that still need doing: overdue, due today, upcoming.

Two reads at once (``GET /v2/reminders?filter=owner.id=ME & status=overdue`` and the same with
``status=active``, 100 a page, at most ``MAX_PAGES`` pages each), so the table is there after
one round trip. Reminders name their entity by id only: the names fill in afterwards
(``fill_in``) with at most one ``?ids=`` read per kind (people, companies, opportunities), all at
once. Rows are ordered overdue (oldest first), today, then upcoming (soonest first).

The source keeps each row's `StoredReminder`, which the screen's ``c`` (complete) and ``z``
(snooze) start from, and rebuilds a row from the reminder a write returned (``row_for``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from affinity.models.pagination import PaginatedResponse
from affinity.models.secondary import Reminder
from affinity.models.types import ReminderStatus
from affinity.types import CompanyId, OpportunityId, PersonId, UserId

from ..dates import relative
from ..entity_ref import KIND_WORDS, EntityRef
from ..entity_search import ref_of
from ..rows import SEARCH_SEPARATOR, Column, Row, size_columns
from ..values import format_datetime
from ..writes.reminders import StoredReminder, entity_of, stored_reminder
from .base import TablePage, TableSource

if TYPE_CHECKING:
    from ..session import AffinitySession

MAX_PAGES = 5
NAME_CHUNK = 100
WHEN_STYLES = {"overdue": "bold red", "today": "yellow", "upcoming": "", "done": "dim"}
WHEN_ORDER = {"overdue": 0, "today": 1, "upcoming": 2, "done": 3}
COLUMNS = (
    Column("when", "When", "name", "name", 8),
    Column("due", "Due", "name", "name", 16),
    Column("in", "", "name", "name", 12),
    Column("what", "Reminder", "name", "name", 40),
    Column("on", "On", "name", "name", 24),
    Column("kind", "Kind", "name", "name", 11),
    Column("repeats", "Repeats", "name", "name", 14),
)
UNNAMED = "…"
ON_WIDTH = 26
"""The entity column's width: its names arrive after the first paint, so they cannot size it."""


class RemindersSource(TableSource):
    """Reminders owned by the signed-in user, not completed."""

    what = "reminders"

    def __init__(self, session: AffinitySession, *, tz: tzinfo | None = None) -> None:
        super().__init__(session)
        self.tz = tz
        self.stored: dict[int, StoredReminder] = {}
        """Row key (reminder id) → the reminder, for the write keys."""
        self.names: dict[tuple[str, int], str] = {}
        self._rows: list[Row] = []

    @property
    def title(self) -> str:
        return "My reminders"

    def counts(self, loaded: int) -> list[str]:
        when = [row.cells[0] for row in self._rows]
        parts = [f"{when.count(w):,} {w}" for w in ("overdue", "today", "upcoming", "done") if w in when]
        return parts or ["nothing due"]

    # ---- rows ------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.session.clock()

    def _today(self) -> date:
        return self._now().astimezone(self.tz).date()

    def when_of(self, stored: StoredReminder) -> str:
        """``overdue``, ``today``, ``upcoming`` or ``done``, counted from the session's now."""
        if stored.completed:
            return "done"
        if stored.due_at < self._now():
            return "overdue"
        return "today" if stored.due_at.astimezone(self.tz).date() == self._today() else "upcoming"

    def row_for(self, stored: StoredReminder) -> Row:
        """The row of one reminder (its entity's name as known so far)."""
        entity = stored.entity
        name = self.names.get((entity.kind, entity.entity_id)) or entity.title or UNNAMED
        when = self.when_of(stored)
        due = format_datetime(stored.due_at, tz=self.tz)
        repeats = f"every {stored.recurrence.period_days} d" if stored.recurrence else ""
        cells = (when, due, relative(stored.due_at, self._now()), stored.content or "(no text)", name,
                 KIND_WORDS[entity.kind], repeats)
        styles = (WHEN_STYLES[when], None, WHEN_STYLES[when] or None, None, None, "dim", "dim")
        stamp = stored.due_at.timestamp()
        sort_keys = ((WHEN_ORDER[when], stamp), stamp, stamp, stored.content.casefold(), name.casefold(),
                     entity.kind, stored.recurrence.period_days if stored.recurrence else None)
        return Row(key=int(stored.id), entity_type=entity.kind, entity_id=entity.entity_id, cells=cells,
                   styles=styles, sort_keys=sort_keys,
                   search_text=SEARCH_SEPARATOR.join(cells).casefold())

    def remember(self, stored: StoredReminder) -> Row:
        """Keep (or replace) a reminder a write returned; its new row (a changed one keeps its
        place, a new one goes where the order puts it)."""
        known = self.stored.get(int(stored.id))
        if not stored.entity.title and known is not None:
            stored = StoredReminder(stored.id, known.entity, stored.content, stored.due_at, stored.owner_id,
                                    stored.owner_name, stored.recurrence, stored.status)
        self.stored[int(stored.id)] = stored
        row = self.row_for(stored)
        if any(r.key == row.key for r in self._rows):  # changed: stays where it is (under the cursor)
            self._rows = [row if r.key == row.key else r for r in self._rows]
        else:  # new: in its place in the order
            at = next((i for i, r in enumerate(self._rows) if r.sort_keys[0] > row.sort_keys[0]), len(self._rows))
            self._rows.insert(at, row)
        return row

    def current_rows(self) -> list[Row]:
        """Every row as it is now (after ``remember``/``forget``)."""
        return list(self._rows)

    def forget(self, reminder_id: int) -> None:
        """Drop a deleted reminder and its row."""
        self.stored.pop(int(reminder_id), None)
        self._rows = [r for r in self._rows if r.key != int(reminder_id)]

    def _ordered(self, stored: Iterable[StoredReminder]) -> list[Row]:
        rows = [self.row_for(s) for s in stored]
        rows.sort(key=lambda r: r.sort_keys[0])
        return rows

    # ---- paging ----------------------------------------------------------------------------
    async def _me(self) -> int:
        tenant = self.session.tenant or await self.session.whoami()
        return int(tenant.user_id)

    async def first_page(self) -> TablePage:
        me = await self._me()
        owner = self.session.tenant.user_name if self.session.tenant is not None else ""
        async with self.session.reading() as client:
            async def of_status(status: ReminderStatus) -> list[Reminder]:
                page: PaginatedResponse[Reminder] = await client.reminders.list(
                    owner_id=UserId(me), status=status, limit=100)
                found = list(page.data)
                for _ in range(MAX_PAGES - 1):
                    if not page.next_cursor:
                        break
                    page = await client.reminders.list(cursor=page.next_cursor)
                    found.extend(page.data)
                return found

            overdue, active = await asyncio.gather(of_status(ReminderStatus.OVERDUE),
                                                   of_status(ReminderStatus.ACTIVE))
        self.stored = {}
        for r in [*overdue, *active]:
            entity = entity_of(r, self.names)
            if entity is not None:
                self.stored[int(r.id)] = stored_reminder(r, entity, owner)
        self._rows = self._ordered(self.stored.values())
        columns = [replace(c, width=max(c.width, ON_WIDTH)) if c.key == "on" else c
                   for c in size_columns(COLUMNS, self._rows)]
        return TablePage(list(self._rows), False, tuple(columns))

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        """The entities' names: one read per kind, at once. A failed read leaves its ``…``."""
        wanted: dict[str, list[int]] = {"person": [], "company": [], "opportunity": []}
        for stored in self.stored.values():
            key = (stored.entity.kind, stored.entity.entity_id)
            if key not in self.names and stored.entity.entity_id not in wanted[stored.entity.kind]:
                wanted[stored.entity.kind].append(stored.entity.entity_id)
        if not any(wanted.values()):
            return
        try:
            async with self.session.reading() as client:
                async def names(kind: str, ids: list[int]) -> list[EntityRef]:
                    refs: list[EntityRef] = []
                    for start in range(0, len(ids), NAME_CHUNK):
                        chunk = ids[start:start + NAME_CHUNK]
                        if kind == "person":
                            refs += [ref_of(p) for p in (await client.persons.list(
                                ids=[PersonId(i) for i in chunk], limit=len(chunk))).data]
                        elif kind == "company":
                            refs += [ref_of(c) for c in (await client.companies.list(
                                ids=[CompanyId(i) for i in chunk], limit=len(chunk))).data]
                        else:
                            refs += [ref_of(o) for o in (await client.opportunities.list(
                                ids=[OpportunityId(i) for i in chunk], limit=len(chunk))).data]
                    return refs

                found = await asyncio.gather(*(names(kind, ids) for kind, ids in wanted.items() if ids),
                                             return_exceptions=True)
        except Exception:  # noqa: BLE001 - names are a nicety: the rows stay
            return
        for refs in found:
            if isinstance(refs, BaseException):
                continue
            for ref in refs:
                self.names[(ref.kind, ref.entity_id)] = ref.title
        for ident, stored in list(self.stored.items()):
            title = self.names.get((stored.entity.kind, stored.entity.entity_id))
            if title and title != stored.entity.title:
                self.stored[ident] = StoredReminder(
                    stored.id, EntityRef(stored.entity.kind, stored.entity.entity_id, title), stored.content,
                    stored.due_at, stored.owner_id, stored.owner_name, stored.recurrence, stored.status)
        self._rows = [self.row_for(self.stored[r.key]) if r.key in self.stored else r for r in self._rows]
        on_rows(list(self._rows))
