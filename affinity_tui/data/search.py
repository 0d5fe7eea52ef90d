"""Finding people, companies and opportunities by name, email or domain: first among those seen
so far (the cache's local index, no request, as each key is typed), then Affinity's search
(merged in when it answers, and added to the local index for next time).

Local matches come from SQLite's FTS5 index when this Python's SQLite has it (every word typed
must start a word of the name, an email address or a domain); without FTS5, from a plain table
with the same rule (``LIKE``, slower on a big cache but the same answers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from affinity import AsyncAffinity

from .cache.store import Seen
from .rows import DOMAIN_KEY, EMAIL_KEY, NAME_KEY, SEARCH_SEPARATOR, Column, Row, entity_name
from .values import text_key

if TYPE_CHECKING:
    from .session import AffinitySession

KINDS = ("person", "company", "opportunity")
KIND_WORDS = {"person": "Person", "company": "Company", "opportunity": "Opportunity"}
REMOTE_LIMIT = 5
"""Affinity's matches per kind in the command palette."""


async def local_matches(session: AffinitySession, text: str, kind: str | None = None,
                        limit: int = 50) -> list[Seen]:
    """Matches among those seen so far (no request); [] without a cache."""
    cache = session.cache
    if cache is None or not text.strip():
        return []
    return await cache.search(text, kind, limit)


async def affinity_matches(session: AffinitySession, text: str, kinds: Sequence[str] = KINDS,
                           limit: int = REMOTE_LIMIT) -> list[Seen]:
    """Affinity's search for ``text`` (one v1 request per kind, at once), kept in the local
    index. Raises ``UserFacingError``."""
    term = text.strip()
    if not term:
        return []
    async with session.reading() as client:
        found = await asyncio.gather(*(_search(client, kind, term, limit) for kind in kinds))
    seen = [item for items in found for item in items]
    if session.cache is not None:
        session.cache.index(seen)
    return seen


async def _search(client: AsyncAffinity, kind: str, term: str, limit: int) -> list[Seen]:
    if kind == "person":
        people = await client.persons.search(term, page_size=limit)
        return [Seen("person", int(p.id), entity_name(p), " ".join(dict.fromkeys(
            e for e in (p.primary_email, *p.emails) if e))) for p in people.data[:limit]]
    if kind == "company":
        companies = await client.companies.search(term, page_size=limit)
        return [Seen("company", int(c.id), c.name or "", " ".join(dict.fromkeys(
            d for d in (c.domain, *c.domains) if d))) for c in companies.data[:limit]]
    deals = await client.opportunities.search(term, page_size=limit)
    return [Seen("opportunity", int(o.id), o.name or "", "") for o in deals.data[:limit]]


def seen_rows(seen: Sequence[Seen], columns: Sequence[Column]) -> list[Row]:
    """Table rows for local matches: the name and email or domain; other cells blank (a match
    from the index carries no field values, like Affinity's own search results)."""
    rows = []
    for item in seen:
        first = item.extra.split(" ", 1)[0] if item.extra else ""
        extra = {"email": first} if item.kind == "person" and first else \
            {"domain": first} if item.kind == "company" and first else {}
        cells = tuple(item.name if c.key == NAME_KEY else first if c.key in (EMAIL_KEY, DOMAIN_KEY) else ""
                      for c in columns)
        rows.append(Row(key=item.entity_id, entity_type=item.kind, entity_id=item.entity_id, cells=cells,
                        styles=(None,) * len(cells), sort_keys=tuple(text_key(c) if c else None for c in cells),
                        extra=extra, search_text=SEARCH_SEPARATOR.join(cells).casefold()))
    return rows
