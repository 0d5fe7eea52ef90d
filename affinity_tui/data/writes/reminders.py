"""Reminders: set one on an entity, complete, snooze or edit one, delete one.

Each is a `WriteAction` (see ``core``) sending one request (the SDK may send a second through
v1 when Affinity's v2 refuses a reminder someone else created: its documented fallback, which
the confirmation counts). Effects (`ReminderSaved`, `ReminderDeleted`) say which entity's
reminders changed. Undo: a new reminder is deleted; a deleted one is set again (a new id); a
completion, snooze or edit writes the previous values back (a one-time reminder is reopened; a
recurring one, which completing moves forward, gets its previous due date back).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.models.secondary import Reminder, ReminderCreate, ReminderUpdate
from affinity.models.types import ReminderResetType, ReminderType
from affinity.types import CompanyId, OpportunityId, PersonId, ReminderIdType, UserId

from ..dates import relative
from ..detail import ReminderState, ReminderView
from ..entity_ref import EntityRef
from ..note_text import terminal_safe
from ..values import format_datetime
from .core import Change, WriteAction, WriteDone

RESET_TRIGGERS: Mapping[str, str] = {"interaction": "any email or meeting", "email": "an email",
                                     "event": "a meeting"}
"""What restarts a recurring reminder's period, in the user's words."""
LANDED_SLACK = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurring reminder: due ``period_days`` after the last ``reset`` (``RESET_TRIGGERS``)."""

    period_days: int
    reset: str = "interaction"

    def describe(self) -> str:
        """"every 30 days after any email or meeting"."""
        return f"every {self.period_days} days after {RESET_TRIGGERS.get(self.reset, self.reset)}"


@dataclass(frozen=True, slots=True)
class StoredReminder:
    """A reminder as Affinity holds it: what a completion, snooze, edit or undo starts from."""

    id: ReminderIdType
    entity: EntityRef
    content: str
    due_at: datetime
    owner_id: int
    owner_name: str
    recurrence: Recurrence | None = None
    status: ReminderState = "active"

    @property
    def completed(self) -> bool:
        """Whether Affinity has it completed (a one-time reminder only)."""
        return self.status == "completed"


# ---- what changed --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReminderSaved:
    """A reminder was set (``created``), completed, snoozed or edited."""

    reminder: ReminderView
    entity: EntityRef
    stored: StoredReminder
    created: bool = True

    def concerns(self, kind: str, entity_id: int) -> bool:
        """Whether the reminders of this entity changed."""
        return self.entity.kind == kind and self.entity.entity_id == int(entity_id)


@dataclass(frozen=True, slots=True)
class ReminderDeleted:
    """A reminder was deleted from ``entity``."""

    reminder_id: ReminderIdType
    entity: EntityRef

    def concerns(self, kind: str, entity_id: int) -> bool:
        """Whether the reminders of this entity changed."""
        return self.entity.kind == kind and self.entity.entity_id == int(entity_id)


# ---- conversions -----------------------------------------------------------------------------
def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _state(r: Reminder) -> ReminderState:
    status = str(getattr(r.status, "value", r.status))
    return "overdue" if status == "overdue" else "completed" if status == "completed" else "active"


def stored_reminder(r: Reminder, entity: EntityRef, owner_name: str) -> StoredReminder:
    """The reminder ``r`` (attached to ``entity``, owned by ``owner_name``)."""
    recurrence = None
    if r.recurrence is not None:
        recurrence = Recurrence(r.recurrence.period_days, str(getattr(r.recurrence.reset_type, "value",
                                                                      r.recurrence.reset_type)))
    return StoredReminder(r.id, entity, terminal_safe(r.content or "", single_line=True).strip(),
                          _utc(r.due_date), int(r.owner.id) if r.owner is not None else 0, owner_name,
                          recurrence, _state(r))


def reminder_view(stored: StoredReminder, tz: tzinfo | None = None) -> ReminderView:
    """The detail screen's view of a reminder."""
    return ReminderView(stored.id, format_datetime(stored.due_at, tz=tz), stored.due_at, stored.status,
                        stored.content, stored.owner_id or None, stored.owner_name,
                        recurrence=f"every {stored.recurrence.period_days} days" if stored.recurrence else "")


def entity_of(r: Reminder, names: Mapping[tuple[str, int], str] | None = None) -> EntityRef | None:
    """The entity a reminder is attached to (its name from ``names`` when known)."""
    known = names or {}
    if r.person is not None:
        return EntityRef("person", int(r.person.id), known.get(("person", int(r.person.id)), ""))
    if r.company is not None:
        return EntityRef("company", int(r.company.id), known.get(("company", int(r.company.id)), ""))
    if r.opportunity is not None:
        ident = int(r.opportunity.id)
        return EntityRef("opportunity", ident, known.get(("opportunity", ident), ""))
    return None


def _when(moment: datetime, now: datetime | None, tz: tzinfo | None) -> str:
    shown = format_datetime(moment, tz=tz)
    return f"{shown} ({relative(moment, now)})" if now is not None else shown


def _quote(text: str) -> str:
    return f"“{text}”" if text else "(no text)"


def _entity_ids(entity: EntityRef) -> dict[str, object]:
    if entity.kind == "person":
        return {"person_id": PersonId(entity.entity_id)}
    if entity.kind == "company":
        return {"company_id": CompanyId(entity.entity_id)}
    return {"opportunity_id": OpportunityId(entity.entity_id)}


def _done(stored: StoredReminder, saved: Reminder, *, created: bool, tz: tzinfo | None) -> ReminderSaved:
    after = stored_reminder(saved, stored.entity, stored.owner_name)
    return ReminderSaved(reminder_view(after, tz), stored.entity, after, created)


# ---- create ----------------------------------------------------------------------------------
MAX_CONTENT_CHARS = 2_000
"""The longest reminder text sent (a reminder is a line): a pasted page is refused before
anything is sent."""


class CreateReminder(WriteAction):
    """A new reminder on one entity: one-time (``due_at``) or recurring (``recurrence``)."""

    def __init__(self, entity: EntityRef, content: str, due_at: datetime | None, owner_id: int,
                 owner_name: str, *, recurrence: Recurrence | None = None, now: datetime | None = None,
                 tz: tzinfo | None = None, clock: Callable[[], datetime] | None = None) -> None:
        if recurrence is None and due_at is None:
            raise ValueError("a one-time reminder needs a due date")
        self.entity = entity
        self.content = content.strip()
        self.due_at = _utc(due_at).replace(microsecond=0) if due_at is not None else None
        self.owner_id = int(owner_id)
        self.owner_name = owner_name
        self.recurrence = recurrence
        self.now = now
        self.tz = tz
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        """Now as Affinity's clock has it (the session's clock), for ``landed``."""
        self._sent_at: datetime | None = None
        self._found: Reminder | None = None

    def change(self) -> Change:
        lines = [f"On {self.entity.label}", _quote(self.content)]
        if self.due_at is not None:
            lines.append(f"Due {_when(self.due_at, self.now, self.tz)}")
        if self.recurrence is not None:
            lines.append(f"Repeats {self.recurrence.describe()}")
        lines.append(f"For {self.owner_name}")
        return Change("Set a reminder", tuple(lines), verb="Save")

    def _stored(self, saved: Reminder) -> StoredReminder:
        return stored_reminder(saved, self.entity, self.owner_name)

    async def send(self, client: AsyncAffinity) -> WriteDone:
        self._sent_at = self.clock()
        recurrence = self.recurrence
        data = ReminderCreate(
            owner_id=UserId(self.owner_id),
            type=ReminderType.RECURRING if recurrence is not None else ReminderType.ONE_TIME,
            content=self.content or None, due_date=self.due_at,
            reset_type=ReminderResetType(recurrence.reset) if recurrence is not None else None,
            reminder_days=recurrence.period_days if recurrence is not None else None,
            **_entity_ids(self.entity))  # type: ignore[arg-type]
        saved = await client.reminders.create(data)
        stored = self._stored(saved)
        effect = ReminderSaved(reminder_view(stored, self.tz), self.entity, stored, True)
        due = format_datetime(stored.due_at, tz=self.tz)
        return WriteDone(f"Reminder set on {self.entity.title or self.entity.label}, due {due}", (effect,),
                         undo=DeleteReminder(stored, tz=self.tz, clock=self.clock))

    async def landed(self, client: AsyncAffinity) -> bool | None:
        since = _utc(self._sent_at or self.clock()) - LANDED_SLACK
        page = await client.reminders.list(owner_id=UserId(self.owner_id), created_after=since, limit=100,
                                           **_entity_ids(self.entity))  # type: ignore[arg-type]
        for r in page.data:
            same_due = self.due_at is None or _utc(r.due_date) == self.due_at
            if (r.content or "") == self.content and same_due:
                self._found = r
                return True
        return False

    def effects_if_landed(self) -> tuple[object, ...]:
        if self._found is None:
            return ()
        stored = self._stored(self._found)
        return (ReminderSaved(reminder_view(stored, self.tz), self.entity, stored, True),)


# ---- complete, snooze, edit ------------------------------------------------------------------
class UpdateReminder(WriteAction):
    """Complete (``complete=True``), reopen (``False``), snooze (``due_at``) or edit a reminder."""

    def __init__(self, before: StoredReminder, *, content: str | None = None, due_at: datetime | None = None,
                 owner: tuple[int, str] | None = None, complete: bool | None = None,
                 title: str | None = None, now: datetime | None = None, tz: tzinfo | None = None) -> None:
        self.before = before
        self.content = content.strip() if content is not None else None
        self.due_at = _utc(due_at).replace(microsecond=0) if due_at is not None else None
        self.owner = owner
        self.complete = complete
        self.title = title
        self.now = now
        self.tz = tz
        self._found: Reminder | None = None
        """The reminder as ``landed`` read it back (the change there, its answer lost)."""

    def _what(self) -> str:
        text = self.before.content or "reminder"
        return text if len(text) <= 40 else text[:39] + "…"

    def change(self) -> Change:
        b = self.before
        lines = [f"On {b.entity.label}: {_quote(b.content)}"]
        if self.complete is True:
            lines.append("Completed" if b.recurrence is None else
                         f"Completed: next due {b.recurrence.period_days} days from now")
        elif self.complete is False:
            lines.append("Reopened")
        if self.due_at is not None:
            lines.append(f"Due {_when(b.due_at, self.now, self.tz)} → {_when(self.due_at, self.now, self.tz)}")
        if self.content is not None and self.content != b.content:
            lines.append(f"Text {_quote(b.content)} → {_quote(self.content)}")
        if self.owner is not None and self.owner[0] != b.owner_id:
            lines.append(f"Owner {b.owner_name} → {self.owner[1]}")
        verb = "Complete" if self.complete else "Snooze" if self.due_at is not None else "Save"
        title = self.title or (f"Complete “{self._what()}”" if self.complete else
                               f"Snooze “{self._what()}”" if self.due_at is not None else
                               f"Edit “{self._what()}”")
        return Change(title, tuple(lines), verb=verb)

    async def send(self, client: AsyncAffinity) -> WriteDone:
        b = self.before
        saved = await client.reminders.update(b.id, ReminderUpdate(
            content=self.content if self.content and self.content != b.content else None,
            clear_content=self.content == "" and bool(b.content),
            due_date=self.due_at, owner_id=UserId(self.owner[0]) if self.owner is not None else None,
            is_completed=self.complete))
        owner_name = self.owner[1] if self.owner is not None else b.owner_name
        after = stored_reminder(saved, b.entity, owner_name)
        effect = ReminderSaved(reminder_view(after, self.tz), b.entity, after, created=False)
        return WriteDone(self._summary(after), (effect,), undo=self._undo(after))

    def _summary(self, after: StoredReminder) -> str:
        what = f"“{self._what()}”"
        if self.complete is True:
            return f"{what} completed" if after.recurrence is None else \
                f"{what} completed; next due {format_datetime(after.due_at, tz=self.tz)}"
        if self.complete is False:
            return f"{what} reopened"
        if self.due_at is not None:
            return f"{what} snoozed to {format_datetime(after.due_at, tz=self.tz)}"
        return f"{what} saved"

    def _undo(self, after: StoredReminder) -> UpdateReminder:
        b = self.before
        if self.complete is True and b.recurrence is None:
            return UpdateReminder(after, complete=False, title=f"Reopen “{self._what()}”", now=self.now, tz=self.tz)
        return UpdateReminder(
            after, due_at=b.due_at if after.due_at != b.due_at else None,
            content=b.content if self.content is not None and self.content != b.content else None,
            owner=(b.owner_id, b.owner_name) if self.owner is not None and self.owner[0] != b.owner_id else None,
            title=f"Undo the change to “{self._what()}”", now=self.now, tz=self.tz)

    async def landed(self, client: AsyncAffinity) -> bool | None:
        r = await client.reminders.get(self.before.id)
        self._found = r
        if self.complete is True:
            return _state(r) == "completed" if self.before.recurrence is None else \
                _utc(r.due_date) != self.before.due_at
        if self.due_at is not None:
            return _utc(r.due_date) == self.due_at
        if self.content is not None:
            return (r.content or "") == self.content
        return None

    def effects_if_landed(self) -> tuple[object, ...]:
        """The reminder as read back, for the screens that show it (its answer never came)."""
        if self._found is None:
            return ()
        b = self.before
        after = stored_reminder(self._found, b.entity, self.owner[1] if self.owner is not None else b.owner_name)
        return (ReminderSaved(reminder_view(after, self.tz), b.entity, after, created=False),)


# ---- delete ----------------------------------------------------------------------------------
class DeleteReminder(WriteAction):
    """Delete a reminder; undo sets it again (same text, due date, owner and recurrence)."""

    def __init__(self, before: StoredReminder, *, tz: tzinfo | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.before = before
        self.tz = tz
        self.clock = clock

    def change(self) -> Change:
        b = self.before
        return Change(f"Delete the reminder “{b.content or 'reminder'}”",
                      (f"On {b.entity.label}", f"Due {format_datetime(b.due_at, tz=self.tz)}",
                       f"For {b.owner_name}"), verb="Delete")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        b = self.before
        await client.reminders.delete(b.id)
        undo = CreateReminder(b.entity, b.content, b.due_at, b.owner_id, b.owner_name, recurrence=b.recurrence,
                              tz=self.tz, clock=self.clock)
        return WriteDone(f"Reminder “{b.content or 'reminder'}” deleted", (ReminderDeleted(b.id, b.entity),),
                         undo=undo)

    async def landed(self, client: AsyncAffinity) -> bool | None:
        try:
            await client.reminders.get(self.before.id)
        except sdk.NotFoundError:
            return True
        return False

    def effects_if_landed(self) -> tuple[object, ...]:
        return (ReminderDeleted(self.before.id, self.before.entity),)
