"""One person, company or opportunity, as the detail screen shows it, in parts that load at once.

The parts (profile and fields, notes, reminders, recent interactions) are independent reads
(``data/detail.py`` says what each costs); the screen starts them together and shows each as it
arrives, so the screen is complete after one round trip. A part that fails says so in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
)
from ..links import RecordLink, record_link

if TYPE_CHECKING:
    from ..session import AffinitySession

KIND_WORDS: dict[str, str] = {"person": "Person", "company": "Company", "opportunity": "Opportunity"}


class DetailSource:
    """Reads one entity's parts. Every method raises ``UserFacingError`` on failure."""

    def __init__(self, session: AffinitySession, kind: EntityKind, entity_id: int) -> None:
        self.session = session
        self.kind: EntityKind = kind
        self.entity_id = int(entity_id)
        self.profile: EntityProfile | None = None
        """The last profile read (None until then)."""

    @property
    def kind_word(self) -> str:
        """"Person", "Company" or "Opportunity"."""
        return KIND_WORDS.get(self.kind, self.kind)

    @property
    def has_interactions(self) -> bool:
        """Opportunities have no emails or meetings of their own."""
        return self.kind != "opportunity"

    async def load_profile(self) -> EntityProfile:
        """Name, emails or domains and every field value, grouped; kept as ``profile``."""
        async with self.session.reading() as client:
            self.profile = await load_profile(client, self.kind, self.entity_id)  # type: ignore[arg-type]
        return self.profile

    async def load_notes(self) -> list[NoteView]:
        """The newest notes, newest first, as plain text."""
        async with self.session.reading() as client:
            return await load_notes(client, self.kind, self.entity_id)  # type: ignore[arg-type]

    async def load_reminders(self) -> list[ReminderView]:
        """The reminders: overdue, then active, then completed."""
        async with self.session.reading() as client:
            return await load_reminders(client, self.kind, self.entity_id)  # type: ignore[arg-type]

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
