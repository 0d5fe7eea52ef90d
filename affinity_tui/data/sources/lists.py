"""The lists the user can see: read once per session, shown after one round trip.

One v1 ``GET /lists`` answers every list with its type, owner and size, so the lists screen
paints as soon as it returns. What it does not say — each list's saved views (one request per
list) and the owners' names (one ``GET /v2/persons?ids=…`` for all of them) — is asked for
next, all at once, and fills in cell by cell. A side request that fails costs only its own
cells ("—"); ``R`` asks again. The directory keeps the answer for the session, so the command
palette and a second visit to the lists screen send nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.types import ListId, PersonId, SavedViewId, UserId

from ..errors import UserFacingError
from ..rows import Column, Row
from ..values import clean_text
from ..sdk_gaps import all_lists_v1
from .base import TablePage, TableSource

if TYPE_CHECKING:
    from ..session import AffinitySession

SIDE_CONCURRENCY = 8
"""Saved-view requests in flight at once (one per list; a tenant may have hundreds of lists)."""
PENDING_TEXT = "…"
FAILED_TEXT = "—"
HOLDS = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}

Part = Literal["views", "owner"]


@dataclass(frozen=True, slots=True)
class SavedViewSummary:
    """One saved view of a list."""

    id: SavedViewId
    name: str
    type: str
    """"sheet", "board" or "dashboard": sheets list entries, boards group them by a Status."""

    @property
    def label(self) -> str:
        """Its name as a picker offers it: a board says so ("Pipeline board  (board)")."""
        return f"{self.name}  (board)" if self.type == "board" else self.name


@dataclass(frozen=True, slots=True)
class ListSummary:
    """One Affinity list as the lists screen shows it (names made terminal-safe once, here:
    every title, picker and palette line that names a list or view shows them as they are)."""

    id: ListId
    name: str
    type: str
    """What the list holds: "person", "company" or "opportunity" ("unknown" if Affinity adds one)."""
    owner_id: UserId | None
    is_public: bool
    size: int | None
    """Number of entries; None when Affinity would not say for this list."""
    owner_name: str | None = None
    """The owner's name; None until known (or when it could not be read: see ``failed``)."""
    views: tuple[SavedViewSummary, ...] | None = None
    """The list's saved views; None until known (or when they could not be read)."""
    failed: frozenset[Part] = frozenset()
    """Parts whose request failed: their cells show "—" until ``R``."""

    @property
    def sheet_views(self) -> tuple[SavedViewSummary, ...]:
        """The views that list entries (boards and dashboards do not open as a table)."""
        return tuple(v for v in self.views or () if v.type == "sheet")

    @property
    def openable_views(self) -> tuple[SavedViewSummary, ...]:
        """The views the app opens, in Affinity's order: sheets as a table, boards as the
        pipeline board (dashboards do not open)."""
        return tuple(v for v in self.views or () if v.type in ("sheet", "board"))

    def view(self, view_id: int | None) -> SavedViewSummary | None:
        """The saved view with this id, if it is known; None for None."""
        return next((v for v in self.views or () if view_id is not None and int(v.id) == view_id), None)


COLUMNS = (
    Column("name", "List", "name", "name", 24),
    Column("holds", "Holds", "name", "name", 13),
    Column("size", "Entries", "number", "name", 8, numeric=True),
    Column("owner", "Owner", "name", "name", 16),
    Column("shared", "Shared", "name", "name", 8),
    Column("views", "Saved views", "name", "name", 34),
)


def list_row(lst: ListSummary) -> Row:
    """The lists screen's row for ``lst`` (keyed by list id)."""
    size = "?" if lst.size is None else f"{lst.size:,}"
    owner = _part_text(lst, "owner", lst.owner_name)
    # Sheet views open with v; boards and dashboards are named so nobody looks for them in vain.
    views = _part_text(lst, "views", None if lst.views is None else
                       ", ".join(v.name if v.type == "sheet" else f"{v.name} ({v.type})" for v in lst.views))
    return Row(key=int(lst.id), entity_type="list", entity_id=int(lst.id),
               cells=(lst.name, HOLDS.get(lst.type, lst.type.capitalize()), size, owner,
                      "Everyone" if lst.is_public else "Private", views),
               styles=(None, None, None, None if lst.owner_name is not None else "dim", None,
                       None if lst.views is not None else "dim"),
               sort_keys=(lst.name.casefold(), lst.type, lst.size, (lst.owner_name or "").casefold() or None,
                          lst.is_public, len(lst.views or ())),
               search_text="\x1f".join((lst.name, lst.type, owner, views)).casefold())


def _part_text(lst: ListSummary, part: Part, value: str | None) -> str:
    if part in lst.failed:
        return FAILED_TEXT
    return PENDING_TEXT if value is None else value


class ListDirectory:
    """The session's lists: read once, kept, refreshed on demand."""

    def __init__(self, session: AffinitySession) -> None:
        self._session = session
        self._lists: dict[int, ListSummary] | None = None

    @property
    def known(self) -> list[ListSummary]:
        """The lists read so far (no request); empty before the lists screen loaded them."""
        return list(self._lists.values()) if self._lists is not None else []

    def get(self, list_id: int) -> ListSummary | None:
        """A list already read, by id (no request)."""
        return self._lists.get(int(list_id)) if self._lists is not None else None

    async def load(self, *, refresh: bool = False) -> list[ListSummary]:
        """Every list (one v1 request), views and owners not yet known; the kept answer unless
        ``refresh``. Raises ``UserFacingError``."""
        if self._lists is not None and not refresh:
            return self.known
        async with self._session.reading() as client:
            found = await all_lists_v1(client)
        old = self._lists or {}
        lists: dict[int, ListSummary] = {}
        for item in found:
            before = old.get(int(item.id))
            lists[int(item.id)] = ListSummary(
                id=item.id, name=clean_text(item.name), type=item.type, owner_id=item.owner_id, is_public=item.is_public,
                size=item.size,
                # A refresh asks for views and owners again; a first load never had them.
                owner_name=before.owner_name if before and not refresh else None,
                views=before.views if before and not refresh else None)
        self._lists = lists
        return self.known

    async def fill_in(self, on_change: Callable[[list[ListSummary]], None]) -> None:
        """Ask for every list's saved views and the owners' names at once; ``on_change`` gets
        the lists that changed as each answer arrives. Never raises."""
        lists = self._lists
        if not lists:
            return
        try:
            async with self._session.reading() as client:
                gate = asyncio.Semaphore(SIDE_CONCURRENCY)
                wanted = [lst for lst in lists.values() if lst.views is None]
                owners = sorted({int(lst.owner_id) for lst in lists.values()
                                 if lst.owner_id is not None and lst.owner_name is None})
                await asyncio.gather(self._owners(client, owners, on_change),
                                     *(self._views(client, gate, lst.id, on_change) for lst in wanted))
        except UserFacingError:  # the client could not even be opened: mark what is missing
            self._mark_failed(on_change)

    async def _views(self, client: AsyncAffinity, gate: asyncio.Semaphore, list_id: ListId,
                     on_change: Callable[[list[ListSummary]], None]) -> None:
        async with gate:
            try:
                page = await client.lists.get_saved_views(list_id)
                views: tuple[SavedViewSummary, ...] | None = tuple(
                    SavedViewSummary(id=v.id, name=clean_text(v.name), type=str(getattr(v.type, "value", v.type)))
                    for v in page.data)
            except (sdk.NotFoundError, sdk.AuthorizationError):
                views = ()  # a list whose views the key may not see has none to offer
            except Exception:  # noqa: BLE001 - only this cell fails; R asks again
                views = None
        self._update(list_id, on_change, views=views)

    async def _owners(self, client: AsyncAffinity, owner_ids: list[int],
                      on_change: Callable[[list[ListSummary]], None]) -> None:
        if not owner_ids:
            return
        names: Mapping[int, str] | None
        try:
            page = await client.persons.list(ids=[PersonId(i) for i in owner_ids], limit=len(owner_ids))
            names = {int(p.id): clean_text(" ".join(x for x in (p.first_name, p.last_name) if x)
                                           or (p.primary_email or "")) for p in page.data}
        except Exception:  # noqa: BLE001 - only the owner cells fail
            names = None
        if names:
            self._session.names.update(names)
        lists = self._lists or {}
        changed = []
        for lst in list(lists.values()):
            if lst.owner_id is None or int(lst.owner_id) not in owner_ids:
                continue
            if names is None:
                new = replace(lst, failed=lst.failed | {"owner"})
            else:
                new = replace(lst, owner_name=names.get(int(lst.owner_id), f"#{int(lst.owner_id)}"),
                              failed=lst.failed - {"owner"})
            lists[int(lst.id)] = new
            changed.append(new)
        if changed:
            on_change(changed)

    def _update(self, list_id: ListId, on_change: Callable[[list[ListSummary]], None], *,
                views: tuple[SavedViewSummary, ...] | None) -> None:
        lists = self._lists or {}
        lst = lists.get(int(list_id))
        if lst is None:
            return
        if views is None:
            new = replace(lst, failed=lst.failed | {"views"})
        else:
            new = replace(lst, views=views, failed=lst.failed - {"views"})
        lists[int(list_id)] = new
        on_change([new])

    def _mark_failed(self, on_change: Callable[[list[ListSummary]], None]) -> None:
        lists = self._lists or {}
        changed = []
        for key, lst in list(lists.items()):
            missing: set[Part] = set()
            if lst.views is None:
                missing.add("views")
            if lst.owner_name is None and lst.owner_id is not None:
                missing.add("owner")
            if missing:
                lists[key] = replace(lst, failed=lst.failed | missing)
                changed.append(lists[key])
        if changed:
            on_change(changed)

    async def saved_views(self, list_id: int) -> tuple[SavedViewSummary, ...]:
        """A list's saved views: the kept ones, or one request when they are not known yet.
        Raises ``UserFacingError``."""
        lst = self.get(list_id)
        if lst is not None and lst.views is not None:
            return lst.views
        async with self._session.reading() as client:
            page = await client.lists.get_saved_views(ListId(int(list_id)))
        views = tuple(SavedViewSummary(id=v.id, name=clean_text(v.name), type=str(getattr(v.type, "value", v.type)))
                      for v in page.data)
        if lst is not None:
            self._update(lst.id, lambda _changed: None, views=views)
        return views


class ListsSource(TableSource):
    """The lists screen's table: every list, one row each, cells filled in as answers arrive."""

    what = "lists"

    def __init__(self, session: AffinitySession, *, refresh: bool = False) -> None:
        super().__init__(session)
        self._refresh = refresh
        self._count = 0

    @property
    def title(self) -> str:
        return "Lists"

    @property
    def loading_text(self) -> str:
        return "Loading lists…"

    @property
    def failed_text(self) -> str:
        return "Could not load the lists"

    def counts(self, loaded: int) -> list[str]:
        return [f"{loaded:,} lists"]

    async def first_page(self) -> TablePage:
        lists = await self.session.lists.load(refresh=self._refresh)
        self._refresh = False
        return TablePage([list_row(lst) for lst in lists], False, COLUMNS)

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        await self.session.lists.fill_in(lambda changed: on_rows([list_row(lst) for lst in changed]))

    def summary(self, row: Row | None) -> ListSummary | None:
        """The list behind a row of this table."""
        return self.session.lists.get(row.key) if row is not None else None
