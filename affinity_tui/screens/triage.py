"""The triage keys, shared by the entries table, the detail screen and the board: ``s`` moves
entries to a Status, ``e`` edits a field of them, ``a`` adds a record to a list.

Each reads what the change needs first (the list's options, once a session; the entries'
current values, one read each), then shows the picker or the editor, then hands the write to
the one write flow (``write_flow.perform``: unlock if needed, confirm what changes, send once,
offer ``u``). Locked, the reads still happen and the pickers still open: nothing is sent until
the user unlocks and confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from ..data.field_input import (
    REFERENCE_TYPES,
    Reference,
    base_type,
    dropdown_value,
    ranked_options,
    references_in,
    search_references,
    value_type_of,
    why_read_only,
)
from ..data.pipeline_fields import status_field
from ..data.session import AffinitySession
from ..data.values import clean_text, format_value, rich_colour
from ..data.errors import UserFacingError
from ..data.writes import WriteDone, WriteFailed, WriteUncertain
from ..data.writes.entries import (
    AddToList,
    EntrySnapshot,
    ListTarget,
    field_edit,
    memberships,
    plan_edit,
    read_entries,
    status_move,
)
from ..widgets.status_picker import Choice, FilterPicker, StatusPicker
from .notices import notify_failure
from .write_flow import perform

NOUNS = {"opportunity": ("deal", "deals"), "company": ("company", "companies"), "person": ("person", "people")}


@dataclass(frozen=True, slots=True)
class EntryPick:
    """An entry a triage key acts on: its id and the name it shows."""

    entry_id: int
    name: str


Done = Callable[[WriteDone], None]


async def snapshots(session: AffinitySession, list_id: int, entries: Sequence[EntryPick],
                    field_ids: Sequence[str]) -> list[EntrySnapshot]:
    async with session.reading() as client:
        found = await read_entries(client, list_id, [e.entry_id for e in entries], field_ids)
    return [found[e.entry_id] for e in entries if e.entry_id in found]


def _who(entries: Sequence[EntryPick], entity_type: str) -> str:
    noun, nouns = NOUNS.get(entity_type, ("entry", "entries"))
    return entries[0].name if len(entries) == 1 else f"{len(entries):,} {nouns}"


async def change_status(screen: Screen[Any], session: AffinitySession, list_id: int,
                        entries: Sequence[EntryPick], *, entity_type: str = "", extra_field_ids: Sequence[str] = (),
                        on_done: Done | None = None, on_picked: Callable[[], None] | None = None) -> None:
    """``s``: the Status picker for ``entries`` of a list, then the move (confirmed, sent once).
    ``extra_field_ids`` are read along (an active filter re-checks the moved rows with them)."""
    if not entries:
        screen.notify("No entry here to move.", severity="warning", markup=False)
        return
    try:
        fields = await session.list_fields(list_id)
    except Exception as error:  # noqa: BLE001 - said, never a crash
        notify_failure(screen, error)
        return
    meta = status_field(fields)
    if meta is None:
        screen.notify("This list has no Status field.", title="Status", severity="warning", markup=False)
        return
    field_id = str(meta.id)
    try:
        snaps = await snapshots(session, list_id, entries, [field_id, *extra_field_ids])
    except Exception as error:  # noqa: BLE001
        notify_failure(screen, error)
        return
    if not snaps:
        screen.notify("Those entries are no longer on the list (press R).", severity="warning", markup=False)
        return
    currents = {_option_id(s.fields[field_id].data) if field_id in s.fields else None for s in snaps}
    current = next(iter(currents)) if len(currents) == 1 else None
    options = ranked_options(meta)
    choices = [Choice(str(int(o.id)), clean_text(o.text), rich_colour(o.color), int(o.id) == current)
               for o in options]
    kind = entity_type or snaps[0].entity_type
    noun, nouns = NOUNS.get(kind, ("entry", "entries"))
    title = f"Move {_who(entries, kind)} to…" if len(snaps) == 1 else f"Move {len(snaps):,} {nouns} to…"

    def picked(value: str | None) -> None:
        if value is None:
            return
        option = next(o for o in options if str(int(o.id)) == value)
        new = dropdown_value(meta, [option])
        plans = [plan_edit(s, {field_id: (meta.name, new)}) for s in snaps]
        action = status_move(list_id, plans, option.text, noun=noun, nouns=nouns)
        if not action.entries:
            screen.notify(f"Already in {option.text}: nothing to send.", title="Status", markup=False)
            return
        if on_picked is not None:
            on_picked()
        _progress(screen, action)
        perform(screen, session, action, on_done=on_done)

    screen.app.push_screen(StatusPicker(title, choices, hint="type to filter · enter moves · escape cancels",
                                        id="status-picker"), picked)


async def edit_field(screen: Screen[Any], session: AffinitySession, list_id: int, field_id: str,
                     entries: Sequence[EntryPick], *, extra_field_ids: Sequence[str] = (),
                     on_done: Done | None = None) -> None:
    """``e``: the editor of one field for ``entries`` of a list, then the change (confirmed)."""
    from .field_editor import FieldEditor

    if not entries:
        return
    try:
        fields = await session.list_fields(list_id)
    except Exception as error:  # noqa: BLE001
        notify_failure(screen, error)
        return
    meta = fields.by_id(field_id)
    if meta is None:
        screen.notify("This is not a field of the list.", severity="warning", markup=False)
        return
    reason = why_read_only(meta)
    if reason is not None:
        screen.notify(f"{meta.name} cannot be edited: {reason}.", title="Read-only field", markup=False)
        return
    try:
        snaps = await snapshots(session, list_id, entries, [field_id, *extra_field_ids])
    except Exception as error:  # noqa: BLE001
        notify_failure(screen, error)
        return
    if not snaps:
        return
    value_type = value_type_of(meta)
    shown = {format_value({"type": value_type, "data": s.fields[field_id].data}, field_name=meta.name).detail_text
             if field_id in s.fields else "—" for s in snaps}
    current = next(iter(shown)) if len(shown) == 1 else "(differs between them)"
    refs: list[Reference] = []
    if base_type(value_type) in REFERENCE_TYPES and len(snaps) == 1 and field_id in snaps[0].fields:
        refs = references_in(value_type, snaps[0].fields[field_id].data)

    async def search(term: str) -> list[Reference]:
        async with session.reading() as client:
            return await search_references(client, base_type(value_type), term)

    who = _who(entries, snaps[0].entity_type) if len(snaps) > 1 else snaps[0].name

    def open_editor(typed: str | None = None, problem: str | None = None) -> None:
        editor = FieldEditor(meta, current if current != "—" else "", now=session.clock(), entries=who,
                             search=search, current_refs=refs, typed=typed, problem=problem)

        def not_saved(error: UserFacingError) -> None:
            """A write to one entry that did not land: the editor comes back with what was typed
            (several entries are reported entry by entry; some of them may have changed)."""
            sent = isinstance(error, WriteFailed) or (isinstance(error, WriteUncertain) and error.landed is False)
            if sent and len(snaps) == 1 and editor.keeps_text and editor.typed is not None:
                open_editor(editor.typed, f"Not saved: {error.title}. Enter tries again.")

        def edited(new: object) -> None:
            from ..data.field_input import NewValue

            if not isinstance(new, NewValue):
                return
            plans = [plan_edit(s, {field_id: (meta.name, new)}) for s in snaps]
            action = field_edit(list_id, plans, meta.name, new.text)
            if not action.entries:
                screen.notify(f"{meta.name} already holds that: nothing to send.", markup=False)
                return
            _progress(screen, action)
            perform(screen, session, action, on_done=on_done, on_failed=not_saved)

        screen.app.push_screen(editor, edited)

    open_editor()


def _progress(screen: Screen[Any], action: object) -> None:
    """A progress line on the screen's status line while many entries are sent."""
    from ..data.writes.entries import SetFields

    if not isinstance(action, SetFields) or len(action.entries) < 2:
        return
    say = getattr(screen, "say", None)
    if not callable(say):
        return

    def progress(done: int, total: int) -> None:
        say(f"Saving {done:,} of {total:,} entries…")

    action.progress = progress


def _option_id(data: object) -> int | None:
    if isinstance(data, dict) and data.get("dropdownOptionId") is not None:
        return int(data["dropdownOptionId"])
    return None


async def add_to_list(screen: Screen[Any], session: AffinitySession, entity_type: str, entity_id: int,
                      name: str, *, on_done: Done | None = None) -> None:
    """``a``: pick a list of the record's kind (or a pipeline), then add it (confirmed). A list
    it is already on is marked, and the confirmation says a second entry will be made."""
    if entity_type == "opportunity":
        screen.notify("An opportunity belongs to its own list only: Affinity cannot put it on another list. "
                      "Add its company or person to a pipeline instead.", title="Add to a list", markup=False,
                      timeout=8)
        return
    if entity_id <= 0:
        return
    try:
        lists = await session.lists.load()
        async with session.reading() as client:
            counts = await memberships(client, entity_type, entity_id)
    except Exception as error:  # noqa: BLE001
        notify_failure(screen, error)
        return
    fitting = [lst for lst in lists if lst.type in (entity_type, "opportunity")]
    if not fitting:
        screen.notify(f"There is no list of {NOUNS[entity_type][1]} or opportunities to add to.",
                      title="Add to a list", markup=False)
        return
    choices = []
    for lst in fitting:
        count = counts.get(int(lst.id), 0)
        if lst.type == "opportunity":
            note = "pipeline: adds a new opportunity"
        elif count:
            note = f"already on it ({count} {'entry' if count == 1 else 'entries'})"
        else:
            note = f"{lst.size:,} {NOUNS[entity_type][1]}" if lst.size is not None else ""
        choices.append(Choice(str(int(lst.id)), clean_text(lst.name), None, False, note))

    def picked(value: str | None) -> None:
        if value is None:
            return
        lst = next(x for x in fitting if str(int(x.id)) == value)
        already = counts.get(int(lst.id), 0) if lst.type != "opportunity" else 0
        action = AddToList(ListTarget(int(lst.id), lst.name, lst.type), entity_type, entity_id, name, already=already)
        perform(screen, session, action, on_done=on_done)

    from .add_to_list import AddToListScreen

    screen.app.push_screen(AddToListScreen(f"Add {clean_text(name)} to…", choices,
                                           hint="type to filter · enter adds (you confirm first) · escape cancels"),
                           picked)


__all__ = ["EntryPick", "FilterPicker", "add_to_list", "change_status", "edit_field"]
