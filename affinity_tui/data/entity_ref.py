"""A person, company or opportunity named for the user: what a note or reminder is attached to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RefKind = Literal["person", "company", "opportunity"]
KINDS: tuple[RefKind, ...] = ("person", "company", "opportunity")
KIND_WORDS: dict[str, str] = {"person": "Person", "company": "Company", "opportunity": "Opportunity"}


@dataclass(frozen=True, slots=True)
class EntityRef:
    """One entity and the name shown for it (CRM text: show it literally)."""

    kind: RefKind
    entity_id: int
    title: str

    @property
    def label(self) -> str:
        """"Person Jane Doe", for confirmations."""
        return f"{KIND_WORDS[self.kind]} {self.title or '#' + str(self.entity_id)}"

    def same(self, other: EntityRef) -> bool:
        """The same entity, whatever the name shown."""
        return self.kind == other.kind and self.entity_id == other.entity_id


def as_kind(kind: str) -> RefKind:
    """``kind`` checked: ``person | company | opportunity`` (ValueError otherwise)."""
    for known in KINDS:
        if kind == known:
            return known
    raise ValueError(f"not an entity kind: {kind!r}")
