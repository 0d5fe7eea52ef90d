"""Notes: create one (attached to people, companies and opportunities), edit one, delete one.

Each is a `WriteAction` (see ``core``) sending exactly one request. Their effects, published on
``session.changes``, say which entities' notes changed, so an open detail screen shows the new
note at once (``NoteSaved.concerns``). Undo: a created note is deleted; a deleted note is
created again with the same content and attachments (a new id: Affinity cannot restore one);
an edit writes the previous content and attachments back.

``landed`` (asked only after an answer was lost) reads instead of guessing: a new note is looked
for among the target's newest notes (same HTML, created since the request left); an edit or a
delete reads the note itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.models.entities import (
    Company,
    CompanySummary,
    Opportunity,
    OpportunitySummary,
    Person,
    PersonSummary,
)
from affinity.models.secondary import NoteCreate, NoteUpdate, NoteV2
from affinity.models.types import NoteType
from affinity.types import CompanyId, NoteId, OpportunityId, PersonId, UserId

from ..detail import NoteView
from ..entity_ref import EntityRef, RefKind
from ..note_text import first_line, html_to_text, terminal_safe
from ..values import format_datetime
from .core import Change, WriteAction, WriteDone

MAX_NOTE_CHARS = 100_000
"""The longest note sent (Markdown as typed): a meeting's whole transcript fits; a pasted file
of megabytes is refused in the composer before anything is sent."""

LANDED_SLACK = timedelta(minutes=2)
"""How far before the request a note found by ``landed`` may say it was created (clock skew)."""


# ---- what changed --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NoteSaved:
    """A note was created (``created``) or edited; it is attached to ``attached`` now, and an
    edit took it off ``detached``."""

    note: NoteView
    attached: tuple[EntityRef, ...]
    created: bool = True
    detached: tuple[EntityRef, ...] = ()

    def concerns(self, kind: str, entity_id: int) -> bool:
        """Whether the notes of this entity changed (the note is there now, or was taken off it)."""
        return _concerns(self.attached, kind, entity_id) or _concerns(self.detached, kind, entity_id)

    def attached_here(self, kind: str, entity_id: int) -> bool:
        """Whether the note is now among this entity's notes."""
        return _concerns(self.attached, kind, entity_id)


@dataclass(frozen=True, slots=True)
class NoteDeleted:
    """A note was deleted (with its replies) from every entity in ``attached``."""

    note_id: NoteId
    attached: tuple[EntityRef, ...]

    def concerns(self, kind: str, entity_id: int) -> bool:
        """Whether the notes of this entity changed."""
        return _concerns(self.attached, kind, entity_id)


def _concerns(attached: Sequence[EntityRef], kind: str, entity_id: int) -> bool:
    return any(ref.kind == kind and ref.entity_id == int(entity_id) for ref in attached)


@dataclass(frozen=True, slots=True)
class StoredNote:
    """A note as Affinity holds it: what an edit starts from and what undoing a delete restores."""

    id: NoteId
    html: str
    attached: tuple[EntityRef, ...]
    creator_id: int | None
    view: NoteView
    has_mentions: bool = False
    """Affinity refuses to change the text of a note that @mentions people (attachments may change)."""


# ---- reading ---------------------------------------------------------------------------------
def note_view(note: NoteV2, tz: tzinfo | None = None) -> NoteView:
    """The detail screen's view of a note (plain text, creator's name, local time)."""
    creator = _person_title(note.creator) if note.creator is not None else "Unknown"
    created = _utc(note.created_at)
    return NoteView(note.id, creator, format_datetime(created, tz=tz), created,
                    html_to_text(note.content.html), edited=note.updated_at is not None,
                    note_type=terminal_safe(str(note.type), single_line=True))


async def read_note(client: AsyncAffinity, note_id: NoteId | int) -> StoredNote:
    """One note with its HTML and every entity it is attached to: one request, plus the pages of
    attachments of a kind the preview does not hold in full (rare: more than 20). Raises the
    SDK's errors (``NotFoundError`` when it is gone)."""
    note_id = NoteId(int(note_id))
    note = await client.notes.get(note_id, includes=True)
    persons: list[PersonSummary | Person] = list(note.persons or [])
    if (note.persons_total or 0) > len(persons):
        persons = [p async for p in client.notes.iter_attached_persons(note_id)]
    companies: list[CompanySummary | Company] = list(note.companies or [])
    if (note.companies_total or 0) > len(companies):
        companies = [c async for c in client.notes.iter_attached_companies(note_id)]
    opportunities: list[OpportunitySummary | Opportunity] = list(note.opportunities or [])
    if (note.opportunities_total or 0) > len(opportunities):
        opportunities = [o async for o in client.notes.iter_attached_opportunities(note_id)]
    attached = [EntityRef("person", int(p.id), _person_title(p)) for p in persons]
    attached += [EntityRef("company", int(c.id), _text(c.name)) for c in companies]
    attached += [EntityRef("opportunity", int(o.id), _text(o.name)) for o in opportunities]
    return StoredNote(note.id, note.content.html or "", tuple(attached),
                      int(note.creator.id) if note.creator is not None else None, note_view(note),
                      has_mentions=bool(note.mentions))


def _text(value: object) -> str:
    return terminal_safe(str(value or ""), single_line=True).strip()


def _person_title(person: PersonSummary | Person) -> str:
    name = " ".join(p for p in (person.first_name, person.last_name) if p).strip()
    return _text(name or person.primary_email or f"#{int(person.id)}")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _ids(attached: Sequence[EntityRef], kind: RefKind) -> list[int]:
    return [ref.entity_id for ref in attached if ref.kind == kind]


def _where(attached: Sequence[EntityRef]) -> tuple[str, ...]:
    return tuple(f"On {ref.label}" for ref in attached)


def _short(attached: Sequence[EntityRef]) -> str:
    if not attached:
        return "nothing"
    first = attached[0].title or attached[0].label
    return first if len(attached) == 1 else f"{first} and {len(attached) - 1} more"


def _quote(html: str) -> str:
    line = first_line(html_to_text(html), 60)
    return f"“{line}”" if line else "(empty)"


# ---- create ----------------------------------------------------------------------------------
class CreateNote(WriteAction):
    """A new note (HTML from ``note_html``) attached to ``attached`` (at least one entity)."""

    def __init__(self, html: str, attached: Sequence[EntityRef], *, tz: tzinfo | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        if not attached:
            raise ValueError("a note is attached to at least one person, company or opportunity")
        self.html = html
        self.attached = tuple(attached)
        self.tz = tz
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        """Now as Affinity's clock has it (the session's clock): a note found by ``landed`` must
        have been created after the request left."""
        self._sent_at: datetime | None = None
        self._found: NoteV2 | None = None

    def change(self) -> Change:
        return Change("Save a note", (*_where(self.attached), _quote(self.html)), verb="Save")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        self._sent_at = self.clock()
        note = await client.notes.create(NoteCreate(
            content=self.html, type=NoteType.HTML,
            person_ids=[PersonId(i) for i in _ids(self.attached, "person")],
            company_ids=[CompanyId(i) for i in _ids(self.attached, "company")],
            opportunity_ids=[OpportunityId(i) for i in _ids(self.attached, "opportunity")]))
        view = note_view(note, self.tz)
        stored = StoredNote(note.id, self.html, self.attached,
                            int(note.creator.id) if note.creator is not None else None, view)
        return WriteDone(f"Note saved on {_short(self.attached)}", (NoteSaved(view, self.attached),),
                         undo=DeleteNote(stored, tz=self.tz, clock=self.clock))

    async def landed(self, client: AsyncAffinity) -> bool | None:
        target = self.attached[0]
        since = _utc(self._sent_at or self.clock()) - LANDED_SLACK
        page = await _entity_notes(client, target)
        for note in page:
            if (note.content.html or "") == self.html and _utc(note.created_at) >= since:
                self._found = note
                return True
        return False

    def effects_if_landed(self) -> tuple[object, ...]:
        if self._found is None:
            return ()
        return (NoteSaved(note_view(self._found, self.tz), self.attached),)


async def _entity_notes(client: AsyncAffinity, ref: EntityRef) -> list[NoteV2]:
    """The first page (100) of an entity's notes, newest included (creation order)."""
    if ref.kind == "person":
        page = await client.persons.list_notes(PersonId(ref.entity_id), limit=100)
    elif ref.kind == "company":
        page = await client.companies.list_notes(CompanyId(ref.entity_id), limit=100)
    else:
        page = await client.opportunities.list_notes(OpportunityId(ref.entity_id), limit=100)
    return list(page.data)


# ---- edit ------------------------------------------------------------------------------------
class UpdateNote(WriteAction):
    """New content and/or attachments for a note (``POST /v2/notes/{id}``, one request)."""

    def __init__(self, before: StoredNote, html: str, attached: Sequence[EntityRef], *,
                 tz: tzinfo | None = None) -> None:
        if not attached:
            raise ValueError("a note keeps at least one person, company or opportunity")
        self.before = before
        self.html = html
        self.attached = tuple(attached)
        self.tz = tz

    @property
    def content_changed(self) -> bool:
        """Whether the text differs from what Affinity holds."""
        return self.html != self.before.html

    def _kinds_changed(self) -> list[RefKind]:
        kinds: list[RefKind] = ["person", "company", "opportunity"]
        return [k for k in kinds if sorted(_ids(self.attached, k)) != sorted(_ids(self.before.attached, k))]

    @property
    def changes_anything(self) -> bool:
        """Whether the text or any attachment differs (else there is nothing to send)."""
        return self.content_changed or bool(self._kinds_changed())

    def change(self) -> Change:
        lines: list[str] = []
        if self.content_changed:
            lines.append(f"Text: {_quote(self.before.html)} → {_quote(self.html)}")
        old = {(r.kind, r.entity_id) for r in self.before.attached}
        new = {(r.kind, r.entity_id) for r in self.attached}
        lines += [f"Attach to {r.label}" for r in self.attached if (r.kind, r.entity_id) not in old]
        lines += [f"Detach from {r.label}" for r in self.before.attached if (r.kind, r.entity_id) not in new]
        return Change(f"Edit the note of {self.before.view.created}", tuple(lines), verb="Save")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        kinds = self._kinds_changed()
        note = await client.notes.update(self.before.id, NoteUpdate(
            content=self.html if self.content_changed else None, type=NoteType.HTML,
            person_ids=[PersonId(i) for i in _ids(self.attached, "person")] if "person" in kinds else None,
            company_ids=[CompanyId(i) for i in _ids(self.attached, "company")] if "company" in kinds else None,
            opportunity_ids=([OpportunityId(i) for i in _ids(self.attached, "opportunity")]
                             if "opportunity" in kinds else None)))
        view = note_view(note, self.tz)
        after = StoredNote(self.before.id, self.html, self.attached, self.before.creator_id, view)
        detached = tuple(r for r in self.before.attached if not any(r.same(x) for x in self.attached))
        effect = NoteSaved(view, self.attached, created=False, detached=detached)
        return WriteDone(f"Note of {self.before.view.created} edited", (effect,),
                         undo=UpdateNote(after, self.before.html, self.before.attached, tz=self.tz))

    async def landed(self, client: AsyncAffinity) -> bool | None:
        note = await client.notes.get(self.before.id)
        return (note.content.html or "") == self.html if self.content_changed else None


# ---- delete ----------------------------------------------------------------------------------
class DeleteNote(WriteAction):
    """Delete a note (and its replies); undo creates it again with the same content and attachments."""

    def __init__(self, before: StoredNote, *, tz: tzinfo | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.before = before
        self.tz = tz
        self.clock = clock

    def change(self) -> Change:
        return Change(f"Delete the note of {self.before.view.created}",
                      (*_where(self.before.attached), _quote(self.before.html),
                       "Its replies are deleted with it."), verb="Delete")

    async def send(self, client: AsyncAffinity) -> WriteDone:
        await client.notes.delete(self.before.id)
        undo = (CreateNote(self.before.html, self.before.attached, tz=self.tz, clock=self.clock)
                if self.before.attached else None)
        return WriteDone(f"Note of {self.before.view.created} deleted",
                         (NoteDeleted(self.before.id, self.before.attached),), undo=undo)

    async def landed(self, client: AsyncAffinity) -> bool | None:
        try:
            await client.notes.get(self.before.id)
        except sdk.NotFoundError:
            return True
        return False

    def effects_if_landed(self) -> tuple[object, ...]:
        return (NoteDeleted(self.before.id, self.before.attached),)


def may_change(note: StoredNote, user_id: int | UserId | None) -> str | None:
    """Why the signed-in user may not edit or delete ``note`` here, or None when they may."""
    if user_id is None:
        return "Who is signed in is not known yet; try again in a moment."
    if note.creator_id != int(user_id):
        return "Only notes you wrote can be edited or deleted here."
    return None


__all__ = ["CreateNote", "DeleteNote", "NoteDeleted", "NoteSaved", "StoredNote", "UpdateNote", "may_change",
           "note_view", "read_note"]
