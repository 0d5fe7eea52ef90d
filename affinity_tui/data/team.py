"""The team: the users a reminder can be given to, read once per session.

Affinity's users are its internal people (a user's id is also their person id). One
``GET /v2/users?filter=status=active`` (paged by 100) gives them all; the reminder dialog's owner
picker reads it when it first opens and never again in that session.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from affinity.models.org import UserStatus

from .note_text import terminal_safe

if TYPE_CHECKING:
    from .session import AffinitySession

MAX_PAGES = 10


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A user of the tenant: someone a reminder can be given to."""

    user_id: int
    name: str
    email: str

    @property
    def label(self) -> str:
        """"Name <email>" (just the name when the email is not shown to this key)."""
        return f"{self.name} <{self.email}>" if self.email else self.name


class Team:
    """The active users of one session's tenant, read on first use."""

    def __init__(self, session: AffinitySession) -> None:
        self.session = session
        self._members: list[TeamMember] | None = None
        self._reading: asyncio.Lock | None = None

    @property
    def known(self) -> list[TeamMember] | None:
        """The members if already read (no request), else None."""
        return self._members

    async def members(self) -> list[TeamMember]:
        """Every active user, signed-in user first. Raises ``UserFacingError``."""
        if self._members is not None:
            return self._members
        self._reading = self._reading or asyncio.Lock()
        async with self._reading:
            if self._members is None:
                found: list[TeamMember] = []
                async with self.session.reading() as client:
                    page = await client.users.list(status=UserStatus.ACTIVE, limit=100)
                    for _ in range(MAX_PAGES):
                        for user in page.data:
                            name = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
                            found.append(TeamMember(int(user.id),
                                                    terminal_safe(name or f"#{int(user.id)}", single_line=True),
                                                    terminal_safe(user.primary_email or "", single_line=True)))
                        if not page.next_cursor:
                            break
                        page = await client.users.list(cursor=page.next_cursor)
                me = self.session.tenant.user_id if self.session.tenant is not None else None
                found.sort(key=lambda m: (m.user_id != me, m.name.casefold()))
                self._members = found
        return self._members


_TEAMS: WeakKeyDictionary[AffinitySession, Team] = WeakKeyDictionary()


def team_of(session: AffinitySession) -> Team:
    """The session's team directory (one per session)."""
    team = _TEAMS.get(session)
    if team is None:
        team = _TEAMS[session] = Team(session)
    return team
