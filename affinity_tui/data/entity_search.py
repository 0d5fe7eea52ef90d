"""Find people, companies and opportunities by name as the user types (attachments, @mentions).

One v1 search request per lookup (``persons.search`` by name or email, ``companies.search`` by
name or domain, ``opportunities.search`` by name), first page only: a picker shows a handful of
matches, so paging further would fetch what nobody reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from affinity.models.entities import Company, Opportunity, Person

from .entity_ref import EntityRef, RefKind
from .note_text import terminal_safe

if TYPE_CHECKING:
    from .session import AffinitySession

MATCHES = 10


def _clean(text: str | None) -> str:
    return terminal_safe(text or "", single_line=True).strip()


def ref_of(entity: Person | Company | Opportunity) -> EntityRef:
    """The entity as a reference, titled the way the app names it."""
    if isinstance(entity, Person):
        name = " ".join(p for p in (entity.first_name, entity.last_name) if p).strip()
        return EntityRef("person", int(entity.id), _clean(name or entity.primary_email or f"#{int(entity.id)}"))
    if isinstance(entity, Company):
        return EntityRef("company", int(entity.id), _clean(entity.name) or f"#{int(entity.id)}")
    return EntityRef("opportunity", int(entity.id), _clean(entity.name) or f"#{int(entity.id)}")


def detail_of(entity: Person | Company | Opportunity) -> str:
    """What tells two matches of the same name apart: an email or a domain."""
    if isinstance(entity, Person):
        return _clean(entity.primary_email)
    if isinstance(entity, Company):
        return _clean(entity.domain)
    return ""


async def search(session: AffinitySession, kind: RefKind, term: str,
                 limit: int = MATCHES) -> list[tuple[EntityRef, str]]:
    """Up to ``limit`` matches of ``term`` (reference, detail). Raises ``UserFacingError``."""
    term = term.strip()
    if not term:
        return []
    async with session.reading() as client:
        if kind == "person":
            found: list[Person | Company | Opportunity] = list(
                (await client.persons.search(term, page_size=limit)).data)
        elif kind == "company":
            found = list((await client.companies.search(term, page_size=limit)).data)
        else:
            found = list((await client.opportunities.search(term, page_size=limit)).data)
    return [(ref_of(e), detail_of(e)) for e in found[:limit]]
