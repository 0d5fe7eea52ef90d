"""Opening a place at start: where the last session was (resume), or what a link or
``open --list`` asks for; and reading the place back from the screens when the app stops.

A place is a screen stack: the mode (lists, people, companies, opportunities), a list open on
top of the lists screen (with its saved view, filter and columns), a search on an entities
screen, a record's detail on top, and the row the cursor was on. Rows come back from the cache
when it has them, so a resumed list is on screen before anything is asked of Affinity.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeGuard

from textual.app import App
from textual.screen import Screen

from ..data.resume import DetailPlace, Place
from ..data.session import AffinitySession
from ..data.sources import EntriesSource, ListSummary
from .entries import ListEntriesScreen
from .lists import ListsScreen
from .notices import notify_failure
from .table_screen import TableScreen

if TYPE_CHECKING:
    from .detail import DetailScreen
    from .entities import EntitiesScreen


# The detail and entity screens are imported when a start opens one, not before (a warm start to
# a list paints sooner); a screen of a class whose module was never imported cannot be on screen.
def _is_detail(screen: object) -> TypeGuard[DetailScreen]:
    module = sys.modules.get(f"{__package__}.detail")
    return module is not None and isinstance(screen, module.DetailScreen)


def _is_entities(screen: object) -> TypeGuard[EntitiesScreen]:
    module = sys.modules.get(f"{__package__}.entities")
    return module is not None and isinstance(screen, module.EntitiesScreen)


def _detail_screen(session: AffinitySession, d: DetailPlace) -> DetailScreen:
    from .detail import DetailScreen

    return DetailScreen(session, d.kind, d.entity_id, title=d.title, list_id=d.list_id, entry_id=d.entry_id)


def restore_key_for(place: Place, mode: str) -> int | None:
    """The row the cursor goes back to on the screen at the bottom of ``mode``."""
    if place.mode != mode:
        return None
    if mode == "lists":
        return place.list_id if place.list_id is not None else place.row_key
    if place.detail is not None:
        return place.detail.entity_id
    return place.row_key


def opens_at_once(place: Place) -> bool:
    """Whether ``screens_to_open_now`` opens ``place`` (a list known by id, and a record on it)."""
    return (place.mode == "lists" and place.list_id is not None and not place.list_by_name
            and not place.view_name and not place.open_entry)


def screens_to_open_now(session: AffinitySession, place: Place) -> list[Screen[Any]]:
    """The screens of a list known by id (and a record on it), made before the first paint so
    the lists screen underneath is never drawn, with the list's first page already on its way
    (the request overlaps Textual's start); [] when ``place`` needs ``open_place`` (a name to
    look up, another mode). The list's name and size fill in from the lists once they are read."""
    if not opens_at_once(place) or place.list_id is None:
        return []
    lst = session.lists.get(place.list_id) or session.lists.stand_in(place.list_id, place.list_name, place.list_type)
    source = EntriesSource(session, lst, view_id=place.view_id, filter_text=place.filter_text,
                           chosen_field_ids=place.columns)
    source.restore_key = place.row_key
    source.read_first_page_now()
    screens: list[Screen[Any]] = [ListEntriesScreen(session, source)]
    if place.detail is not None:
        screens.append(_detail_screen(session, place.detail))
    return screens


def push_after_start(app: App[Any], screens: list[Screen[Any]]) -> None:
    """Push ``screens`` right after Textual's start-up batch, whose frames are drawn but never
    shown: the list's first frame is drawn once, and shown (~8 ms sooner on screen)."""
    def push() -> None:
        for screen in screens:
            app.push_screen(screen)

    app.call_later(push)


async def open_place(app: App[Any], session: AffinitySession, place: Place) -> None:
    """Open ``place`` on top of the app's screens (the bottom screen of its mode was already
    told its row and search: ``prepare_mode_screen``). Never raises: what cannot be found is
    said in a notification."""
    try:
        if app.current_mode != place.mode:
            await app.switch_mode(place.mode)
        if place.mode == "lists" and (place.list_id is not None or place.list_by_name):
            lst = await _the_list(app, session, place)
            if lst is None:
                return
            view_id = place.view_id
            if place.view_name:
                view_id = await _the_view(app, session, lst, place.view_name)
                if view_id is None:
                    return
            source = EntriesSource(session, lst, view_id=view_id, filter_text=place.filter_text,
                                   chosen_field_ids=place.columns)
            source.restore_key = place.row_key
            screen = ListEntriesScreen(session, source)
            if place.open_entry and place.row_key is not None:
                screen.open_entry_on_load = place.row_key
            await app.push_screen(screen)
        if place.detail is not None:
            await app.push_screen(_detail_screen(session, place.detail))
        if place.note:
            await compose_note_then_exit(app, session)
    except Exception as error:  # noqa: BLE001 - a place that cannot be opened is not a crash
        notify_failure(app.screen, error)
    finally:
        if len(app.screen_stack) == 1:  # nothing opened on top: the screen underneath goes on
            session.painted.set()


RECORD_WAIT_SECONDS = 20.0
NAME_WAIT_SECONDS = 3.0


async def compose_note_then_exit(app: App[Any], session: AffinitySession) -> None:
    """``affinity-tui note URL``: once the record is open, the note composer on it; the app stops
    when the composer closes (status 0 once the note was saved, 1 when it was closed unsent: its
    draft is kept)."""
    from ..data.entity_ref import EntityRef, as_kind
    from .composer import NoteComposer

    loop = asyncio.get_running_loop()
    deadline = loop.time() + RECORD_WAIT_SECONDS
    while not _is_detail(app.screen):
        if loop.time() > deadline:
            app.notify("The record did not open: no note was started.", title="Note", severity="error")
            return
        await asyncio.sleep(0.02)
    screen = app.screen
    assert _is_detail(screen)
    deadline = loop.time() + NAME_WAIT_SECONDS  # its name (the cache's or Affinity's), and who writes
    while (screen.profile is None or session.tenant is None) and loop.time() < deadline:
        await asyncio.sleep(0.02)
    composer = NoteComposer(session, EntityRef(as_kind(screen.kind), int(screen.entity_id), screen.entity_title))

    def closed(_result: None) -> None:
        app.exit(return_code=0 if composer.sent else 1)

    await app.push_screen(composer, closed)


def prepare_mode_screen(screen: TableScreen, place: Place | None, mode: str) -> TableScreen:
    """Before ``screen`` (the bottom of ``mode``) mounts: the row and search ``place`` left it on."""
    if place is None:
        return screen
    if place.mode == mode and (place.list_id is not None or place.list_by_name or place.detail is not None):
        screen.under_start = True
        screen.compose_after_start = mode == "lists" and opens_at_once(place)
    key = restore_key_for(place, mode)
    if _is_entities(screen) and place.mode == mode and place.search:
        screen.source = screen.entities.searching(place.search)
    if key is not None:
        screen.source.restore_key = key
    return screen


async def _the_list(app: App[Any], session: AffinitySession, place: Place) -> ListSummary | None:
    """The list a place names, as the directory knows it (the cache's lists: no request), else a
    stand-in with the id (its name fills in once the lists are read)."""
    if place.list_by_name:
        lists = await session.lists.load()
        wanted = place.list_by_name.casefold().strip()
        found = next((lst for lst in lists if lst.name.casefold().strip() == wanted), None)
        if found is None:
            names = ", ".join(sorted(lst.name for lst in lists)) or "none"
            app.notify(f"No list is called “{place.list_by_name}”. Lists: {names}", title="Cannot open the list",
                       severity="error", markup=False, timeout=15)
        return found
    assert place.list_id is not None
    known = session.lists.get(place.list_id)
    if known is None and await session.lists.from_cache():
        known = session.lists.get(place.list_id)
    return known or session.lists.stand_in(place.list_id, place.list_name, place.list_type)


async def _the_view(app: App[Any], session: AffinitySession, lst: ListSummary, name: str) -> int | None:
    views = await session.lists.saved_views(int(lst.id))
    wanted = name.casefold().strip()
    found = next((v for v in views if v.name.casefold().strip() == wanted and v.type == "sheet"), None)
    if found is None:
        names = ", ".join(v.name for v in views if v.type == "sheet") or "none"
        app.notify(f"{lst.name} has no saved view called “{name}”. Its views: {names}",
                   title="Cannot open the view", severity="error", markup=False, timeout=15)
        return None
    return int(found.id)


def place_of(app: App[Any]) -> Place | None:
    """Where the app is now, to come back to next time."""
    mode = app.current_mode
    if mode not in ("lists", "people", "companies", "opportunities"):
        return None
    place = Place(mode=mode)
    for screen in app.screen_stack:
        if isinstance(screen, ListsScreen):
            place = replace(place, row_key=screen.current_key())
        elif isinstance(screen, ListEntriesScreen):
            entries = screen.entries
            place = replace(place, list_id=int(entries.lst.id), list_name=entries.lst.name,
                            list_type=entries.lst.type, view_id=entries.view_id, filter_text=entries.filter_text,
                            columns=entries.chosen_field_ids, row_key=screen.current_key())
        elif _is_entities(screen):
            place = replace(place, search=screen.entities.term, row_key=screen.current_key())
        elif _is_detail(screen):
            source = screen.source
            place = replace(place, detail=DetailPlace(source.kind, source.entity_id, screen.entity_title,
                                                      source.list_id, source.entry_id))
            break
    return place
