"""The command palette (``ctrl+p``): go to any list by name, search people, companies and
opportunities in Affinity, or run any key of the screen in view by its name.

Opening the palette sends nothing: the lists are those the session already read (the lists
screen reads them once), and the keys come from the key registry (``keys.py``).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Protocol

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from .data.cache.store import Seen
from .data.search import KIND_WORDS, affinity_matches, local_matches
from .data.session import AffinitySession
from .data.sources import ListSummary
from .data.values import clean_text
from .keys import key_sections

SEARCHES = (("people", "People"), ("companies", "Companies"), ("opportunities", "Opportunities"))
LOCAL_HITS = 8
REMOTE_PAUSE_SECONDS = 0.6
"""Typing that pauses this long asks Affinity's search too (a key typed meanwhile cancels it)."""
REMOTE_MIN_CHARACTERS = 3
PALETTE_BATCH_SECONDS = 0.3
"""Textual's palette shows the hits gathered so far when one arrives after 0.25 s."""


def _short(text: str, limit: int = 60) -> str:
    """What was typed, cut for the palette's line (a pasted page would not fit)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _HasSession(Protocol):
    session: AffinitySession


def _size(lst: ListSummary) -> str:
    return f"{lst.size:,} entries" if lst.size is not None else "? entries"


def _literal(label: str, matcher: Matcher | None = None) -> Content:
    """``label`` as the palette shows it: CRM text taken literally (the palette would read a
    plain string as markup, and ``Matcher.highlight`` does), control characters replaced, the
    letters that match the query highlighted."""
    label = clean_text(label)
    content = Content(label)
    if matcher is None:
        return content
    score, offsets = matcher.fuzzy_search.match(matcher.query, label)
    if score:
        for offset in offsets:
            if not label[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class AffinityCommands(Provider):
    """Lists (from the session, no request), Affinity searches, and the keys of the screen in view."""

    @property
    def session(self) -> AffinitySession:
        app: _HasSession = self.app  # type: ignore[assignment]
        return app.session

    def _lists(self) -> list[ListSummary]:
        return self.session.lists.known

    def _open_list(self, lst: ListSummary) -> None:
        from .data.sources import EntriesSource
        from .screens.entries import ListEntriesScreen

        session = self.session
        self.app.push_screen(ListEntriesScreen(session, EntriesSource(session, lst)))

    def _search_in(self, mode: str, term: str) -> None:
        app = self.app

        async def go() -> None:
            await app.switch_mode(mode)
            screen = app.screen
            search_for = getattr(screen, "search_for", None)
            if callable(search_for):
                search_for(term)

        app.call_later(go)

    def _key_hits(self) -> list[tuple[str, str, Binding]]:
        """(label, help, binding) for every key that works on the screen in view."""
        screen = self.screen
        hits: list[tuple[str, str, Binding]] = []
        seen: set[str] = set()
        for owner in key_sections():
            if owner.owner is None or not isinstance(screen, owner.owner):
                continue
            for binding in owner.bindings:
                if binding.action in seen or not binding.description:
                    continue
                seen.add(binding.action)
                key = self.app.get_key_display(Binding(binding.key.split(",")[0].strip(), binding.action))
                label = binding.tooltip or binding.description
                hits.append((f"Key: {label}", f"press {key} ({binding.id or binding.action})", binding))
        return hits

    def _run(self, binding: Binding) -> None:
        screen = self.screen
        self.app.call_later(screen.run_action, binding.action)

    async def discover(self) -> Hits:
        for lst in self._lists():
            yield DiscoveryHit(_literal(f"Go to list: {lst.name}"), partial(self._open_list, lst), help=_size(lst),
                               text=clean_text(f"Go to list: {lst.name}"))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        labels: list[str] = []
        for lst in self._lists():
            label = clean_text(f"Go to list: {lst.name}")
            labels.append(label)
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, _literal(label, matcher), partial(self._open_list, lst), help=_size(lst), text=label)
        for label, help_text, binding in self._key_hits():
            labels.append(label)
            score = matcher.match(label)
            if score > 0:
                yield Hit(score * 0.9, _literal(label, matcher), partial(self._run, binding), help=help_text)
        term = query.strip()
        # People, companies and opportunities seen before, at once; Affinity's when typing pauses
        # (not for a list's or a key's name: that is where the user is going).
        shown: set[tuple[str, int]] = set()
        for seen in await local_matches(self.session, term, limit=LOCAL_HITS):
            shown.add((seen.kind, seen.entity_id))
            yield self._record_hit(seen, 0.8, "seen before")
        remote = len(term) >= REMOTE_MIN_CHARACTERS and not any(term.casefold() in label.casefold() for label in labels)
        if remote:
            # The palette shows what it has once a hit arrives after its batch time: these do.
            await asyncio.sleep(PALETTE_BATCH_SECONDS)
        if len(term) >= 2:
            for mode, title in SEARCHES:
                yield Hit(0.5, _literal(f"Search {title} for “{_short(term)}”"), partial(self._search_in, mode, term),
                          help="Affinity search by name, email or domain")
        if not remote:
            return
        await asyncio.sleep(REMOTE_PAUSE_SECONDS - PALETTE_BATCH_SECONDS)
        try:
            found = await affinity_matches(self.session, term)
        except Exception:  # noqa: BLE001 - the local hits and the search entries above still work
            return
        for seen in found:
            if (seen.kind, seen.entity_id) not in shown:
                shown.add((seen.kind, seen.entity_id))
                yield self._record_hit(seen, 0.7, "from Affinity's search")

    def _record_hit(self, seen: Seen, score: float, where: str) -> Hit:
        label = _literal(f"{KIND_WORDS.get(seen.kind, seen.kind)}: {seen.name}")
        detail = clean_text(seen.extra.split(" ", 1)[0]) if seen.extra else ""
        # A hit's help is read as markup: the record's own text is escaped.
        return Hit(score, label, partial(self._open_record, seen),
                   help=f"{escape(detail)} · {where}" if detail else where)

    def _open_record(self, seen: Seen) -> None:
        from .screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(self.session, seen.kind, seen.entity_id, title=seen.name))
