"""A pipeline as a board: one column per Status stage in rank order, each with its count and the
sum of its Amount (or the list's first money field), cards that show name, owner and amount.

Built from the entries loaded so far, a page (100 entries) at a time like the table, asking
only for the three fields a card shows. It says how many of the list's entries it shows;
loading every entry of a big list first states what that costs (requests, time at the
per-minute budget, share of the month's budget) so the user can decide.

A card is a small tuple-like object with slots; grouping 10,000 cards takes a few
milliseconds, and the screen draws only the cards on screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from affinity.types import ListId

from ..cursors import PAGE_SIZE, EntriesCursor
from ..field_input import option_shown, ranked_options, value_type_of
from ..pipeline_fields import amount_field, owners_field, status_field
from ..rows import entity_name
from ..values import clean_text, format_number, is_money_field, person_name, rich_colour
from .lists import ListSummary

if TYPE_CHECKING:
    from affinity.models.entities import DropdownOption, FieldMetadata, ListEntryWithEntity

    from ..session import AffinitySession

NO_STAGE = -1
"""The column of entries with no Status."""
DEFAULT_PER_MINUTE = 900
"""Affinity's per-minute budget per key when no response has told us yet."""


@dataclass(slots=True)
class Card:
    """One entry as a card: what it shows (name, owner, amount) and the stage it is in."""

    entry_id: int
    entity_type: str
    entity_id: int
    name: str
    stage: int
    """The Status option id (``NO_STAGE`` when empty)."""
    owner: str
    amount: float | None


@dataclass(slots=True)
class Stage:
    """One column: a Status option, and its cards in list order."""

    option_id: int
    text: str
    style: str | None
    cards: list[Card]
    total: float = 0.0

    @property
    def count(self) -> int:
        """Cards loaded in this column."""
        return len(self.cards)


@dataclass(frozen=True, slots=True)
class LoadCost:
    """What loading the rest of a list costs, to say before doing it."""

    requests: int
    seconds: float
    per_minute: int
    month_share: float | None
    """Of this month's remaining budget, 0..1 (None when Affinity has not said)."""

    def describe(self) -> str:
        """The cost in a sentence ("1,000 requests, about 1 min 7 s at 900/min, 1% of this
        month's budget")."""
        minutes, seconds = divmod(round(self.seconds), 60)
        when = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        text = f"{self.requests:,} request{'s' if self.requests != 1 else ''}, about {when} at {self.per_minute:,}/min"
        if self.month_share is not None:
            text += f", {max(1, round(self.month_share * 100)) if self.month_share > 0 else 0}% of this month's budget"
        return text


class BoardSource:
    """One pipeline's board. Methods that read raise ``UserFacingError``."""

    def __init__(self, session: AffinitySession, lst: ListSummary) -> None:
        self.session = session
        self.lst = lst
        self.status: FieldMetadata | None = None
        self.owners: FieldMetadata | None = None
        self.amount: FieldMetadata | None = None
        self.stages: list[Stage] = []
        self._by_option: dict[int, Stage] = {}
        self._cards: dict[int, Card] = {}
        self._cursor: EntriesCursor | None = None

    # ---- what it shows ------------------------------------------------------------------------
    @property
    def list_id(self) -> int:
        """The list's id."""
        return int(self.lst.id)

    @property
    def loaded(self) -> int:
        """Cards on the board (entries loaded so far)."""
        return len(self._cards)

    @property
    def total(self) -> int | None:
        """Entries on the list, as Affinity last said (None when unknown)."""
        cursor = self._cursor
        total = cursor.total if cursor is not None else None
        return total if total is not None else self.lst.size

    @property
    def exhausted(self) -> bool:
        """True once every entry is loaded."""
        return self._cursor is not None and self._cursor.exhausted

    @property
    def money(self) -> bool:
        """True when the summed field is money (sums are shown as ``$12.5M``)."""
        return self.amount is not None and is_money_field(self.amount.name)

    def counts_text(self) -> str:
        """What the board shows, for the status line ("showing 100 of 300 entries · m loads 100
        more · A loads all")."""
        total = self.total
        shown = f"showing {self.loaded:,} of {total:,} entries" if total is not None else \
            f"showing {self.loaded:,} entries"
        if self.exhausted:
            return shown
        return f"{shown} · m loads {PAGE_SIZE} more · A loads all"

    def amount_text(self, value: float | None) -> str:
        """A card's amount or a column's sum as shown ("" for none)."""
        if value is None:
            return ""
        if self.money:
            return short_money(value)
        return format_number(value)

    def card(self, entry_id: int) -> Card | None:
        """The entry's card, or None when it is not loaded."""
        return self._cards.get(entry_id)

    def stage_options(self) -> list[DropdownOption]:
        """The Status options in rank order (empty before ``prepare``)."""
        return ranked_options(self.status) if self.status is not None else []

    # ---- loading ------------------------------------------------------------------------------
    async def prepare(self) -> None:
        """Read the list's fields with the Status options (once a session). Raises
        ``UserFacingError`` when they cannot be read or the list has no Status."""
        from ..errors import UserFacingError

        fields = await self.session.list_fields(self.list_id)
        self.status, self.owners, self.amount = status_field(fields), owners_field(fields), amount_field(fields)
        if self.status is None:
            raise UserFacingError(f"{self.lst.name} has no Status field",
                                  "A board has one column per Status stage; this list has none.")
        self.stages = [Stage(int(o.id), clean_text(o.text), rich_colour(o.color), []) for o in self.stage_options()]
        self._by_option = {s.option_id: s for s in self.stages}

    def _field_ids(self) -> list[str]:
        return [str(m.id) for m in (self.status, self.owners, self.amount) if m is not None]

    async def load_more(self) -> int:
        """The next page of entries onto the board; how many cards came. Raises
        ``UserFacingError``."""
        if self.status is None:
            await self.prepare()
        async with self.session.reading() as client:
            if self._cursor is None:
                self._cursor = EntriesCursor(client, ListId(self.list_id), self._field_ids(),
                                             known_total=self.lst.size)
            if self._cursor.exhausted:
                return 0
            page = await self._cursor.next_page()
        self.add_entries(page.models)
        return len(page.models)

    def add_entries(self, entries: Sequence[ListEntryWithEntity]) -> None:
        """Entries as cards on their stage's column (an entry already on the board is replaced)."""
        status_id = str(self.status.id) if self.status is not None else ""
        owners_id = str(self.owners.id) if self.owners is not None else ""
        amount_id = str(self.amount.id) if self.amount is not None else ""
        for entry in entries:
            entity = entry.entity
            data = entity.fields.data if entity is not None else {}
            card = Card(int(entry.id), str(entry.type), int(entity.id) if entity is not None else 0,
                        clean_text(entity_name(entity)), _option_of(_data(data, status_id)),
                        _owners_text(_data(data, owners_id)), _number(_data(data, amount_id)))
            self._place(card)

    def add_cards(self, cards: Sequence[Card]) -> None:
        """Cards built elsewhere (benchmarks, tests), placed on their columns."""
        for card in cards:
            self._place(card)

    def _place(self, card: Card) -> None:
        old = self._cards.get(card.entry_id)
        if old is not None:
            self._take(old)
        self._cards[card.entry_id] = card
        stage = self._stage_for(card.stage)
        stage.cards.append(card)
        if card.amount is not None:
            stage.total += card.amount

    def _take(self, card: Card) -> None:
        stage = self._stage_for(card.stage)
        try:
            stage.cards.remove(card)
        except ValueError:
            return
        if card.amount is not None:
            stage.total -= card.amount

    def _stage_for(self, option_id: int) -> Stage:
        stage = self._by_option.get(option_id)
        if stage is None:  # no Status, or an option the field no longer has
            stage = Stage(option_id, "No status" if option_id == NO_STAGE else f"Option {option_id}", "grey50", [])
            self._by_option[option_id] = stage
            if option_id == NO_STAGE:
                self.stages.insert(0, stage)
            else:
                self.stages.append(stage)
        return stage

    def apply(self, entry_id: int, values: Mapping[str, Mapping[str, Any]]) -> Card | None:
        """New values Affinity confirmed for an entry: its card moves or changes in place."""
        card = self._cards.get(entry_id)
        if card is None:
            return None
        status_id = str(self.status.id) if self.status is not None else ""
        moved = Card(card.entry_id, card.entity_type, card.entity_id, card.name, card.stage, card.owner, card.amount)
        if status_id in values:
            moved.stage = _option_of(values[status_id].get("data"))
        if self.owners is not None and str(self.owners.id) in values:
            moved.owner = _owners_text(values[str(self.owners.id)].get("data"))
        if self.amount is not None and str(self.amount.id) in values:
            moved.amount = _number(values[str(self.amount.id)].get("data"))
        old_stage = self._stage_for(card.stage)
        position = next((i for i, c in enumerate(old_stage.cards) if c is card), None)
        self._take(card)
        self._cards[entry_id] = moved
        stage = self._stage_for(moved.stage)
        if stage is old_stage and position is not None:
            stage.cards.insert(position, moved)  # changed in place: it keeps its spot
        else:
            stage.cards.append(moved)
        if moved.amount is not None:
            stage.total += moved.amount
        return moved

    def remove(self, entry_id: int) -> None:
        """Take the entry's card off the board (nothing when it is not there)."""
        card = self._cards.pop(entry_id, None)
        if card is not None:
            self._take(card)

    def cost_of_the_rest(self) -> LoadCost | None:
        """What loading every entry not loaded yet costs (None when all are loaded or the size
        is unknown)."""
        total = self.total
        if total is None or self.exhausted:
            return None
        remaining = max(0, total - self.loaded)
        requests = math.ceil(remaining / PAGE_SIZE)
        status = self.session.rate.status
        per_minute = status.per_minute.limit if status.per_minute is not None else DEFAULT_PER_MINUTE
        share = None
        if status.monthly is not None and status.monthly.remaining > 0:
            share = requests / status.monthly.remaining
        return LoadCost(requests, requests / max(1, per_minute) * 60, per_minute, share)

    def new_status(self, option: DropdownOption) -> dict[str, Any]:
        """The v2 read value of a Status option (what a card move shows before a read)."""
        assert self.status is not None
        return option_shown(option, value_type_of(self.status))

    async def close(self) -> None:
        """Close the open page cursor, if any; no request. Never raises."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()


def short_money(value: float) -> str:
    """``$12.5M``, ``$750K``, ``$950`` (a column's sum must fit its header)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= limit:
            number = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{sign}${number}{suffix}"
    return f"{sign}${value:,.0f}"


def _data(fields: Mapping[str, Any], field_id: str) -> Any:
    item = fields.get(field_id) if field_id else None
    if not isinstance(item, Mapping):
        return None
    value = item.get("value")
    return value.get("data") if isinstance(value, Mapping) else None


def _option_of(data: Any) -> int:
    if isinstance(data, Mapping) and data.get("dropdownOptionId") is not None:
        return int(data["dropdownOptionId"])
    return NO_STAGE


def _owners_text(data: Any) -> str:
    items = data if isinstance(data, list) else [data] if data is not None else []
    return clean_text(", ".join(person_name(p) for p in items if isinstance(p, Mapping)))


def _number(data: Any) -> float | None:
    if isinstance(data, bool) or not isinstance(data, int | float):
        return None
    return float(data)
