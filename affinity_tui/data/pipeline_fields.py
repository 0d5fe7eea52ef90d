"""Which of a list's fields is its Status, its Owners and its Amount: what the Status picker moves,
and what a board groups by and adds up."""

from __future__ import annotations

from affinity.models.entities import FieldMetadata

from .field_input import value_type_of
from .fields import FieldSet
from .values import is_money_field


def status_field(fields: FieldSet) -> FieldMetadata | None:
    """The list's own field called Status (a ranked dropdown as Affinity makes it, or any
    dropdown), else its first ranked dropdown; None when it has neither."""
    own = fields.of_kind("list")
    named = [m for m in own if m.name.strip().casefold() == "status"
             and value_type_of(m) in ("ranked-dropdown", "dropdown")]
    if named:
        return named[0]
    ranked = [m for m in own if value_type_of(m) == "ranked-dropdown"]
    return ranked[0] if ranked else None


def owners_field(fields: FieldSet) -> FieldMetadata | None:
    """The list's Owners (or Owner) person field, else its first person field."""
    own = [m for m in fields.of_kind("list") if value_type_of(m) in ("person", "person-multi")
           and m.id not in ("persons",)]
    named = [m for m in own if m.name.strip().casefold() in ("owners", "owner", "deal owner", "deal owners")]
    found = named or own
    return found[0] if found else None


def amount_field(fields: FieldSet) -> FieldMetadata | None:
    """The list's Amount, else its first money field (by name), else None."""
    numbers = [m for m in fields.of_kind("list", "global") if value_type_of(m) == "number"]
    named = [m for m in numbers if m.name.strip().casefold() == "amount"]
    money = [m for m in numbers if is_money_field(m.name)]
    found = named or money
    return found[0] if found else None
