"""Writes to list entries: a Status move, a field edit, the same on many rows, list membership.

Every field write starts from a read of the entry's current values (`read_entries`, done when
the user opens a picker or an editor, before anything is confirmed): the confirmation shows the
true "before → after", and the undo writes exactly those previous values back, ids and all.

`SetFields` sends one request per entry: ``update_field_value`` for one field, the SDK's
``batch_update_fields`` (all or nothing) where one entry changes several. With several entries
each is sent and reported on its own: what failed is listed with Affinity's reason, the rest
stay changed, and nothing is skipped without saying so. Nothing is ever sent twice.

`AddToList` adds a person or company to a list of its kind (v1 ``POST .../list-entries``, the
SDK's ``entries.add_company`` / ``add_person``). An opportunity list holds only its own
opportunities: Affinity has no way to put an existing opportunity on another list, so "adding"
a company or person to a pipeline creates a new opportunity there, named after it and
associated with it (v1 ``POST /opportunities``). Its undo, `RemoveEntry`, deletes the entry
(on an opportunity list Affinity then deletes the opportunity it created).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from affinity import exceptions as sdk
from affinity.models.entities import OpportunityCreate
from affinity.types import CompanyId, FieldId, ListEntryId, ListId, PersonId

from ..field_input import NewValue, same_value
from ..values import clean_text, format_value
from .core import Change, WriteAction, WriteDone, WriteFailed

if TYPE_CHECKING:
    from affinity import AsyncAffinity
    from affinity.models.entities import ListEntryWithEntity

READ_CONCURRENCY = 6
"""Entries read at once before a change on many rows (each is one request)."""
LINES_SHOWN = 40
"""Entries named in a confirmation; the rest are counted."""


# ---- what an entry holds now ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldState:
    """One field's value on one entry, as a v2 read returned it."""

    field_id: str
    name: str
    value_type: str
    data: Any


@dataclass(frozen=True, slots=True)
class EntrySnapshot:
    """An entry's current values of the fields a change touches (and the filter tests)."""

    list_id: int
    entry_id: int
    entity_type: str
    entity_id: int
    name: str
    fields: Mapping[str, FieldState]

    def with_values(self, values: Mapping[str, Any]) -> EntrySnapshot:
        """The same entry with ``values`` (field id → read data) in place of the old ones."""
        fields = dict(self.fields)
        for field_id, data in values.items():
            if field_id in fields:
                fields[field_id] = replace(fields[field_id], data=data)
        return replace(self, fields=fields)


def snapshot_of(list_id: int, entry: ListEntryWithEntity, field_ids: Sequence[str]) -> EntrySnapshot:
    """What a v2 read of one entry says about ``field_ids``."""
    from ..rows import entity_name

    entity = entry.entity
    data = entity.fields.data if entity is not None else {}
    fields: dict[str, FieldState] = {}
    for field_id in field_ids:
        item = data.get(field_id)
        if not isinstance(item, Mapping):
            continue
        raw = item.get("value")
        value: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        fields[field_id] = FieldState(field_id, str(item.get("name") or field_id), str(value.get("type") or ""),
                                      value.get("data"))
    return EntrySnapshot(list_id, int(entry.id), str(entry.type), int(entity.id) if entity is not None else 0,
                         clean_text(entity_name(entity)), fields)


async def read_entries(client: AsyncAffinity, list_id: int, entry_ids: Sequence[int],
                       field_ids: Sequence[str]) -> dict[int, EntrySnapshot]:
    """The current values of ``field_ids`` on each entry: one read each, a few at a time.
    Raises the SDK's errors (the caller reads inside ``session.reading()``)."""
    service = client.lists.entries(ListId(list_id))
    gate = asyncio.Semaphore(READ_CONCURRENCY)
    ids = [FieldId(f) if f.startswith("field-") else f for f in field_ids]

    async def one(entry_id: int) -> EntrySnapshot:
        async with gate:
            entry = await service.get(ListEntryId(entry_id), field_ids=ids)  # type: ignore[arg-type]
        return snapshot_of(list_id, entry, field_ids)

    found = await asyncio.gather(*(one(e) for e in dict.fromkeys(entry_ids)))
    return {snap.entry_id: snap for snap in found}


# ---- effects ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EntryChanged:
    """Affinity confirmed new values on an entry: screens redraw its row in place."""

    list_id: int
    entry_id: int
    values: Mapping[str, Mapping[str, Any]]
    """Field id → the v2 read value ``{"type", "data"}`` it now has."""
    snapshot: EntrySnapshot
    """Every value read for the change, with the new ones in place (a filter re-checks it)."""


@dataclass(frozen=True, slots=True)
class EntryAdded:
    """A new entry on a list (its screen, if open, shows it)."""

    list_id: int
    entry_id: int
    entity_type: str
    entity_id: int
    name: str


@dataclass(frozen=True, slots=True)
class EntryRemoved:
    """An entry left its list (its screen, if open, drops the row)."""

    list_id: int
    entry_id: int


# ---- field writes -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldEdit:
    """One field of one entry: what it holds (as read) and what it will hold."""

    field_id: str
    name: str
    value_type: str
    before: Any
    """The v2 read data now (None: empty)."""
    after: NewValue

    def describe(self) -> str:
        """The edit in a line ("Status: Diligence → IC Review")."""
        old = format_value({"type": self.value_type, "data": self.before}).detail_text
        return f"{clean_text(self.name)}: {old} → {self.after.text}"

    @property
    def reverse(self) -> FieldEdit:
        """The edit that puts the value back as it was read."""
        from ..field_input import write_data

        return FieldEdit(self.field_id, self.name, self.value_type, self.after.shown,
                         NewValue(self.value_type, write_data(self.value_type, self.before), self.before))


@dataclass(frozen=True, slots=True)
class EntryEdit:
    """The fields to change on one entry."""

    snapshot: EntrySnapshot
    edits: tuple[FieldEdit, ...]

    @property
    def entry_id(self) -> int:
        """The entry's id."""
        return self.snapshot.entry_id

    @property
    def name(self) -> str:
        """The entry's name, or "entry <id>" when it has none."""
        return self.snapshot.name or f"entry {self.snapshot.entry_id}"

    def describe(self) -> str:
        """The entry and its edits in a line ("Copperbio — Status: Diligence → IC Review")."""
        return f"{self.name} — " + "; ".join(e.describe() for e in self.edits)

    def effect(self) -> EntryChanged:
        """What screens hear once Affinity confirmed the edits (the new values, read-shaped)."""
        values = {e.field_id: {"type": e.value_type, "data": e.after.shown} for e in self.edits}
        return EntryChanged(self.snapshot.list_id, self.entry_id, values,
                            self.snapshot.with_values({k: v["data"] for k, v in values.items()}))


def plan_edit(snapshot: EntrySnapshot, changes: Mapping[str, tuple[str, NewValue]]) -> EntryEdit:
    """The edits that change ``snapshot`` to ``changes`` (field id → (name, new value)); a
    field that already holds the new value is left out (nothing to send for it)."""
    edits = []
    for field_id, (name, new) in changes.items():
        state = snapshot.fields.get(field_id)
        before = state.data if state is not None else None
        if same_value(new.value_type, before, new.data):
            continue
        edits.append(FieldEdit(field_id, state.name if state is not None else name, new.value_type, before, new))
    return EntryEdit(snapshot, tuple(edits))


@dataclass(frozen=True, slots=True)
class EntryFailure:
    """An entry a change on many rows could not change, with Affinity's reason."""

    name: str
    reason: str


@dataclass(eq=False)
class SetFields(WriteAction):
    """New values for one or more fields of one or more entries of a list."""

    list_id: int
    entries: tuple[EntryEdit, ...]
    title: str
    verb: str = "Save"
    done_text: str = "Saved"
    """The summary's verb in the past tense ("Moved", "Saved")."""
    is_undo: bool = False
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    """Told (sent so far, total) after each entry, for a progress line."""

    def __post_init__(self) -> None:
        self.entries = tuple(e for e in self.entries if e.edits)

    def change(self) -> Change:
        lines = [clean_text(e.describe()) for e in self.entries[:LINES_SHOWN]]
        if len(self.entries) > LINES_SHOWN:
            lines.append(f"… and {len(self.entries) - LINES_SHOWN:,} more")
        return Change(self.title, tuple(lines), requests=len(self.entries), verb=self.verb)

    async def send(self, client: AsyncAffinity) -> WriteDone:
        if not self.entries:
            return WriteDone("Nothing to change: every value was already there.")
        service = client.lists.entries(ListId(self.list_id))
        if len(self.entries) == 1:  # a lone write's failure is the session's to report
            await _send_one(service, self.entries[0])
            return self._done(list(self.entries), [])
        sent: list[EntryEdit] = []
        failed: list[EntryFailure] = []
        for index, entry in enumerate(self.entries):
            try:
                await _send_one(service, entry)
            except (TimeoutError, sdk.TimeoutError, sdk.NetworkError) as error:
                failed.append(EntryFailure(entry.name, f"no answer ({type(error).__name__}): it may or may "
                                                       "not have changed, look before trying again"))
            except Exception as error:  # noqa: BLE001 - reported per entry, the others go on
                failed.append(EntryFailure(entry.name, _reason(error)))
            else:
                sent.append(entry)
            if self.progress is not None:
                self.progress(index + 1, len(self.entries))
        if not sent:
            raise WriteFailed(f"{self.title}: nothing changed",
                              "Affinity refused every entry: " + _failures(failed))
        return self._done(sent, failed)

    def _done(self, sent: list[EntryEdit], failed: list[EntryFailure]) -> WriteDone:
        undo = None
        if not self.is_undo:
            undo = SetFields(self.list_id, tuple(EntryEdit(e.snapshot.with_values(
                {f.field_id: f.after.shown for f in e.edits}), tuple(f.reverse for f in e.edits)) for e in sent),
                f"Undo: {self.title}", verb="Undo", done_text="Put back", is_undo=True)
        if len(sent) == 1 and not failed:
            summary = f"{self.done_text}: {sent[0].describe()}"
        else:
            summary = f"{self.done_text} {len(sent):,} of {len(self.entries):,} entries ({self.title})."
        if failed:
            summary += f" {len(failed):,} failed and did not change: {_failures(failed)}"
        return WriteDone(clean_text(summary), tuple(e.effect() for e in sent), undo)

    async def landed(self, client: AsyncAffinity) -> bool | None:
        ids = [e.entry_id for e in self.entries]
        field_ids = sorted({f.field_id for e in self.entries for f in e.edits})
        now = await read_entries(client, self.list_id, ids, field_ids)
        for entry in self.entries:
            snap = now.get(entry.entry_id)
            if snap is None:
                return None
            for edit in entry.edits:
                state = snap.fields.get(edit.field_id)
                if state is None or not same_value(edit.value_type, state.data, edit.after.data):
                    return False
        return True

    def effects_if_landed(self) -> tuple[object, ...]:
        return tuple(e.effect() for e in self.entries)


async def _send_one(service: Any, entry: EntryEdit) -> None:
    if len(entry.edits) == 1:
        edit = entry.edits[0]
        await service.update_field_value(ListEntryId(entry.entry_id), _field_id(edit.field_id), edit.after.data,
                                         edit.value_type)
        return
    await service.batch_update_fields(ListEntryId(entry.entry_id),
                                      {_field_id(e.field_id): e.after.data for e in entry.edits},
                                      value_types={_field_id(e.field_id): e.value_type for e in entry.edits})


def _field_id(field_id: str) -> Any:
    return FieldId(field_id) if field_id.startswith("field-") else field_id


def _reason(error: BaseException) -> str:
    """Affinity's reason for refusing one entry, short (never a traceback)."""
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    status = getattr(error, "status_code", None)
    text = clean_text(str(message)).strip()
    if len(text) > 140:
        text = text[:139] + "…"
    return f"{text} ({status})" if status else text


def _failures(failed: Sequence[EntryFailure]) -> str:
    shown = "; ".join(f"{f.name}: {f.reason}" for f in failed[:8])
    return shown + (f"; and {len(failed) - 8} more" if len(failed) > 8 else "")


def status_move(list_id: int, edits: Sequence[EntryEdit], option_text: str, *, noun: str = "entry",
                nouns: str = "entries") -> SetFields:
    """A Status move of one or more entries (one field each)."""
    count = len([e for e in edits if e.edits])
    what = f"1 {noun}" if count == 1 else f"{count:,} {nouns}"
    return SetFields(list_id, tuple(edits), f"Move {what} to {clean_text(option_text)}", verb="Move",
                     done_text="Moved")


def field_edit(list_id: int, edits: Sequence[EntryEdit], field_name: str, new_text: str) -> SetFields:
    """A field set to one new value on one or more entries (one request each). Never raises."""
    count = len([e for e in edits if e.edits])
    where = "1 entry" if count == 1 else f"{count:,} entries"
    return SetFields(list_id, tuple(edits), f"Set {clean_text(field_name)} to {clean_text(new_text)} on {where}")


# ---- list membership --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ListTarget:
    """A list to add to: its id, name and what it holds."""

    id: int
    name: str
    type: str
    """``person`` / ``company`` / ``opportunity``."""


@dataclass(eq=False)
class AddToList(WriteAction):
    """Put a person or company on a list (a new opportunity, on an opportunity list)."""

    target: ListTarget
    entity_type: str
    entity_id: int
    name: str
    already: int = 0
    """Entries it already has on the list (adding makes another)."""

    def change(self) -> Change:
        name, lst = clean_text(self.name), clean_text(self.target.name)
        if self.target.type == "opportunity":
            return Change(f"Add {name} to {lst}", (
                f"A new opportunity “{name}” on {lst}, with {name} as its "
                f"{'organization' if self.entity_type == 'company' else 'person'}.",
                "An opportunity list holds only its own opportunities: this is how Affinity puts a "
                f"{self.entity_type} in a pipeline."), verb="Add")
        lines = [f"{name} becomes an entry of {lst}."]
        if self.already:
            lines.append(f"{name} is already on {lst} ({self.already} "
                         f"{'entry' if self.already == 1 else 'entries'}): this adds another one.")
        return Change(f"Add {name} to {lst}", tuple(lines), verb="Add")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        target = self.target
        if target.type == "opportunity":
            created = await client.opportunities.create(OpportunityCreate.model_validate({
                "name": self.name, "list_id": target.id,
                "organization_ids": [self.entity_id] if self.entity_type == "company" else [],
                "person_ids": [self.entity_id] if self.entity_type == "person" else []}))
            entries = [e for e in created.list_entries or [] if int(e.list_id) == target.id]
            entry_id = int(entries[0].id) if entries else 0
            added = EntryAdded(target.id, entry_id, "opportunity", int(created.id), self.name)
        else:
            service = client.lists.entries(ListId(target.id))
            if self.entity_type == "company":
                entry = await service.add_company(CompanyId(self.entity_id))
            else:
                entry = await service.add_person(PersonId(self.entity_id))
            added = EntryAdded(target.id, int(entry.id), self.entity_type, self.entity_id, self.name)
        undo = RemoveEntry(target, added.entry_id, self.name, opportunity=target.type == "opportunity") \
            if added.entry_id else None
        return WriteDone(clean_text(f"Added {self.name} to {target.name}"), (added,), undo)

    async def landed(self, client: AsyncAffinity) -> bool | None:
        if self.target.type == "opportunity":
            return None
        service = client.lists.entries(ListId(self.target.id))
        if self.entity_type == "company":
            found = await service.find_all_company(CompanyId(self.entity_id))
        else:
            found = await service.find_all_person(PersonId(self.entity_id))
        return len(found) > self.already


@dataclass(eq=False)
class RemoveEntry(WriteAction):
    """Take an entry off its list (on an opportunity list: delete the opportunity too)."""

    target: ListTarget
    entry_id: int
    name: str
    opportunity: bool = False

    def change(self) -> Change:
        name, lst = clean_text(self.name), clean_text(self.target.name)
        if self.opportunity:
            return Change(f"Delete {name} from {lst}", (
                f"Removes the entry from {lst}; Affinity deletes the opportunity “{name}” with it.",),
                verb="Delete")
        return Change(f"Remove {name} from {lst}", (f"{name} stays in Affinity; only this entry of {lst} goes.",),
                      verb="Remove")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        await client.lists.entries(ListId(self.target.id)).delete(ListEntryId(self.entry_id))
        return WriteDone(clean_text(f"Removed {self.name} from {self.target.name}"),
                         (EntryRemoved(self.target.id, self.entry_id),))

    async def landed(self, client: AsyncAffinity) -> bool | None:
        try:
            await client.lists.entries(ListId(self.target.id)).get(ListEntryId(self.entry_id))
        except sdk.NotFoundError:
            return True
        return False

    def effects_if_landed(self) -> tuple[object, ...]:
        return (EntryRemoved(self.target.id, self.entry_id),)


async def memberships(client: AsyncAffinity, entity_type: str, entity_id: int) -> dict[int, int]:
    """How many entries a person or company has on each list (list id → count): one read of
    its list entries (v2 ``/{persons,companies}/{id}/list-entries``)."""
    service: Any = client.persons if entity_type == "person" else client.companies
    ident: Any = PersonId(entity_id) if entity_type == "person" else CompanyId(entity_id)
    counts: dict[int, int] = {}
    page = await service.get_list_entries(ident)
    while True:
        for entry in page.data:
            counts[int(entry.list_id)] = counts.get(int(entry.list_id), 0) + 1
        cursor = getattr(page, "next_cursor", None)
        if not cursor or not getattr(page, "has_next", False):
            break
        page = await service.get_list_entries(ident, cursor=cursor)
    return counts
