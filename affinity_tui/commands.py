"""The command palette (``ctrl+p``): go to any list by name, or search people, companies and
opportunities in Affinity, from anywhere."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .data import ListSummary

if TYPE_CHECKING:
    from .app import AffinityApp

SEARCHES = (("person", "people", "People"), ("company", "companies", "Companies"),
            ("opportunity", "opportunities", "Opportunities"))


class AffinityCommands(Provider):
    async def startup(self) -> None:
        app: AffinityApp = self.app  # type: ignore[assignment]
        self.lists: list[ListSummary] = []
        try:
            self.lists = await app.session.lists()
        except Exception:  # noqa: BLE001 - the palette still offers searches without lists
            self.lists = []

    def _open_list(self, lst: ListSummary) -> None:
        from .screens.entries import ListEntriesScreen

        app: AffinityApp = self.app  # type: ignore[assignment]
        app.push_screen(ListEntriesScreen(app.session, lst))

    def _search_in(self, mode: str, term: str) -> None:
        app: AffinityApp = self.app  # type: ignore[assignment]

        async def go() -> None:
            await app.switch_mode(mode)
            screen = app.screen
            if hasattr(screen, "search_for"):
                screen.search_for(term)

        app.call_later(go)

    async def discover(self) -> Hits:
        for lst in self.lists:
            yield DiscoveryHit(f"Go to list: {lst.name}", partial(self._open_list, lst),
                               help=f"{lst.size if lst.size is not None else '?'} entries")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for lst in self.lists:
            label = f"Go to list: {lst.name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._open_list, lst),
                          help=f"{lst.size if lst.size is not None else '?'} entries")
        term = query.strip()
        if len(term) >= 2:
            for _kind, mode, title in SEARCHES:
                yield Hit(0.5, Text(f"Search {title} for “{term}”"), partial(self._search_in, mode, term),
                          help="Affinity search by name, email or domain")
