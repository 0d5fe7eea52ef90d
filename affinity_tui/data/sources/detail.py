"""One person, company or opportunity, as the detail screen shows it, in parts that load at once.

The parts (profile and fields, notes, reminders, recent interactions) are independent reads
(``data/detail.py`` says what each costs); the screen starts them together and shows each as it
arrives, so the screen is complete after one round trip. A part that fails says so in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from affinity import AsyncAffinity
from affinity.models.entities import Opportunity
from affinity.types import OpportunityId

from ..cursors import EntityKind
from ..detail import (
    EntityProfile,
    InteractionView,
    NoteView,
    ReminderView,
    load_interactions,
    load_notes,
    load_profile,
    load_reminders,
    person_names,
    unnamed_owners,
    with_owner_names,
)
from affinity.types import ListEntryId, ListId

from ..links import RecordLink, record_link
from ..related import Related, load_related

if TYPE_CHECKING:
    from ..session import AffinitySession

KIND_WORDS: dict[str, str] = {"person": "Person", "company": "Company", "opportunity": "Opportunity"}


class DetailSource:
    """Reads one entity's parts. Every method raises ``UserFacingError`` on failure."""

    def __init__(self, session: AffinitySession, kind: EntityKind, entity_id: int, *,
                 list_id: int | None = None, entry_id: int | None = None) -> None:
        self.session = session
        self.kind: EntityKind = kind
        self.entity_id = int(entity_id)
        self.list_id = list_id
        """The list the entity was opened from (an opportunity's one list), if known."""
        self.entry_id = entry_id
        """Its entry on that list, if known: an opportunity's fields are then one request."""
        self.profile: EntityProfile | None = None
        """The last profile read (None until then)."""
        self._opportunity_record: asyncio.Task[Opportunity] | None = None

    def start(self) -> None:
        """A new load of every part begins (the screen opened, or ``R``): reads shared between
        parts are made afresh."""
        self._opportunity_record = None

    def _opportunity_details(self, client: AsyncAffinity) -> Awaitable[Opportunity] | None:
        """An opportunity's v1 record, read once for its profile and its related records (each
        waits for it without cancelling it for the other). None for persons and companies."""
        if self.kind != "opportunity":
            return None
        task = self._opportunity_record
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(client.opportunities.get_details(OpportunityId(self.entity_id)))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._opportunity_record = task
        return asyncio.shield(task)

    @property
    def kind_word(self) -> str:
        """"Person", "Company" or "Opportunity"."""
        return KIND_WORDS.get(self.kind, self.kind)

    @property
    def has_interactions(self) -> bool:
        """Opportunities have no emails or meetings of their own."""
        return self.kind != "opportunity"

    async def load_profile(self) -> EntityProfile:
        """Name, emails or domains and every field value, grouped (one round trip); kept as
        ``profile``."""
        entry = None
        if self.kind == "opportunity" and self.list_id is not None and self.entry_id is not None:
            known = self.session.lists.get(self.list_id)
            entry = (ListId(self.list_id), ListEntryId(self.entry_id), known.name if known is not None else "")
        async with self.session.reading() as client:
            self.profile = await load_profile(client, self.kind, self.entity_id,  # type: ignore[arg-type]
                                              entry=entry,
                                              details=self._opportunity_details(client) if entry is None else None)
        return self.profile

    async def load_related(self) -> Related:
        """The related people, companies and opportunities, each with the lists that hold it
        (``data/related.py``: two round trips, alongside the other parts)."""
        known = self.session.lists.known
        async with self.session.reading() as client:
            return await load_related(
                client, self.kind, self.entity_id,
                opportunity_lists=[int(lst.id) for lst in known if lst.type == "opportunity"],
                list_names={int(lst.id): lst.name for lst in known},
                opportunity=self._opportunity_details(client))

    async def load_notes(self) -> list[NoteView]:
        """The newest notes, newest first, as plain text."""
        async with self.session.reading() as client:
            return await load_notes(client, self.kind, self.entity_id)  # type: ignore[arg-type]

    async def load_reminders(self) -> list[ReminderView]:
        """The reminders (overdue, then active, then completed), owners named as far as the session
        knows them (one request; `owner_names` fills in the rest)."""
        async with self.session.reading() as client:
            return await load_reminders(client, self.kind, self.entity_id,  # type: ignore[arg-type]
                                        known_names=self.session.names, lookup_names=False)

    async def owner_names(self, views: list[ReminderView]) -> list[ReminderView] | None:
        """``views`` with the owners the session could not name looked up (one request), or None
        when there was nothing to look up."""
        missing = unnamed_owners(views)
        if not missing:
            return None
        async with self.session.reading() as client:
            found = await person_names(client, missing)
        self.session.names.update(found)
        return with_owner_names(views, found)

    async def load_interactions(self) -> list[InteractionView]:
        """Emails and meetings of the last year (none for an opportunity, with no request)."""
        if not self.has_interactions:
            return []
        async with self.session.reading() as client:
            return await load_interactions(client, self.kind, self.entity_id,  # type: ignore[arg-type]
                                           self.session.clock())

    def link(self) -> RecordLink | None:
        """The entity's web page and what ``y`` copies (its email or domain once known)."""
        subdomain = self.session.subdomain
        if not subdomain:
            return None
        profile = self.profile
        return record_link(subdomain, self.kind, self.entity_id,
                           email=profile.email if profile is not None else None,
                           domain=profile.domain if profile is not None else None)
