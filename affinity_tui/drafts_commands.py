"""The command palette's unsent notes: each draft kept on disk, to reopen in the composer.

Listing them reads the drafts directory (a few small files) in a thread; nothing is sent.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .data.drafts import NoteDraft
from .data.session import AffinitySession


class _HasSession(Protocol):
    session: AffinitySession


class UnsentNotesCommands(Provider):
    """"Unsent note: Person Jane Doe — “Met Jane…”" for every draft of the signed-in tenant."""

    async def _drafts(self) -> list[NoteDraft]:
        from .screens.composer import unsent_drafts

        app: _HasSession = self.app  # type: ignore[assignment]
        try:
            return await asyncio.to_thread(unsent_drafts, app.session)
        except OSError:
            return []

    def _open(self, draft: NoteDraft) -> None:
        from .screens.composer import open_composer

        app: _HasSession = self.app  # type: ignore[assignment]
        target = draft.target
        open_composer(self.screen, app.session, target.kind, target.entity_id, target.title)

    async def discover(self) -> Hits:
        from .screens.composer import describe_draft

        for draft in await self._drafts():
            yield DiscoveryHit(f"Unsent note: {describe_draft(draft)}", partial(self._open, draft),
                               help="open it in the composer")

    async def search(self, query: str) -> Hits:
        from .screens.composer import describe_draft

        matcher = self.matcher(query)
        for draft in await self._drafts():
            label = f"Unsent note: {describe_draft(draft)}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._open, draft), help="open it in the composer")
