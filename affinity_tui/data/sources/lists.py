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
from .revision import Revision

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
        self.stale_since: float | None = None
        """When Affinity gave the lists shown, if they came from the cache and are older than
        the cache's metadata time (``revalidate`` asks again); None when fresh."""
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` each time the lists are read (from the cache or Affinity): a list
        opened by id from a link gets its name then. Returns the unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _read(self) -> None:
        for listener in list(self._listeners):
            listener()

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
        if self._lists is None and not refresh and await self.from_cache():
            return self.known
        async with self._session.reading() as client:
            found = await all_lists_v1(client)
        self.stale_since = None
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
        self._keep()
        self._read()
        return self.known

    @staticmethod
    def stand_in(list_id: int, name: str = "", list_type: str = "unknown") -> ListSummary:
        """A list known only by its id (a link): its name fills in once the lists are read."""
        return ListSummary(id=ListId(int(list_id)), name=name or f"List {int(list_id)}", type=list_type,
                           owner_id=None, is_public=False, size=None)

    async def from_cache(self) -> bool:
        """The lists an earlier session kept, views and owners included (no request); True when
        the directory has lists (from the cache or already read)."""
        cache = self._session.cache
        cached = await cache.lists() if cache is not None else None
        if cache is None or cached is None or self._lists is not None:
            return self._lists is not None
        self._lists = {int(lst.id): lst for lst in cached.value}
        self.stale_since = None if cache.metadata_fresh(cached) else cached.fetched_at
        for lst in cached.value:
            if lst.owner_id is not None and lst.owner_name:
                self._session.names.setdefault(int(lst.owner_id), lst.owner_name)
        self._read()
        return True

    def _keep(self) -> None:
        cache = self._session.cache
        if cache is not None and self._lists is not None:
            cache.save_lists([replace(lst, failed=frozenset()) for lst in self._lists.values()])

    async def revalidate(self, on_change: Callable[[list[ListSummary]], None],
                         on_reordered: Callable[[list[ListSummary]], None]) -> None:
        """Lists shown from a stale cache: ask for them again (one request), then every list's
        views and the owners' names at once. Cells change in place (``on_change``); lists that
        came or went give every list in order (``on_reordered``). Raises ``UserFacingError``
        when the lists cannot be read (the cached ones stay)."""
        if self.stale_since is None or self._lists is None:
            return
        async with self._session.reading() as client:
            found = await all_lists_v1(client)
        old = self._lists
        lists: dict[int, ListSummary] = {}
        for item in found:
            before = old.get(int(item.id))
            lists[int(item.id)] = ListSummary(
                id=item.id, name=item.name, type=item.type, owner_id=item.owner_id, is_public=item.is_public,
                size=item.size, owner_name=before.owner_name if before and before.owner_id == item.owner_id else None,
                views=before.views if before else None)
        self._lists = lists
        if list(lists) != list(old):
            on_reordered(self.known)
        else:
            on_change([lst for key, lst in lists.items() if lst != old[key]])
        try:
            async with self._session.reading() as client:
                gate = asyncio.Semaphore(SIDE_CONCURRENCY)
                owners = sorted({int(lst.owner_id) for lst in lists.values() if lst.owner_id is not None})
                await asyncio.gather(self._owners(client, owners, on_change),
                                     *(self._views(client, gate, lst.id, on_change) for lst in lists.values()))
        except UserFacingError:
            pass  # the cells keep what the cache said
        self.stale_since = None
        self._keep()

    async def fill_in(self, on_change: Callable[[list[ListSummary]], None]) -> None:
        """Ask for every list's saved views and the owners' names at once; ``on_change`` gets
        the lists that changed as each answer arrives. Never raises."""
        lists = self._lists
        if not lists:
            return
        if all(lst.views is not None and (lst.owner_id is None or lst.owner_name is not None)
               for lst in lists.values()):
            return  # everything is known (the cache said it): nothing to ask
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
        if self.stale_since is None:
            self._keep()

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
            self._keep()
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
        parts = [f"{loaded:,} lists"]
        stale, cache = self.session.lists.stale_since, self.session.cache
        if stale is not None and cache is not None:
            from ..cache import age_text

            parts.append(age_text(stale, cache.clock()))
        return parts

    async def revalidate(self, on_revision: Callable[[Revision], None]) -> None:
        """Lists from a cache older than its metadata time: asked again, cells change in place."""
        directory = self.session.lists
        if directory.stale_since is None:
            return
        try:
            await directory.revalidate(
                lambda changed: on_revision(Revision(changed=[list_row(lst) for lst in changed])),
                lambda every: on_revision(Revision(rows=[list_row(lst) for lst in every])))
        except UserFacingError:
            return  # the cached lists stay, with their age
        on_revision(Revision())

    async def first_page(self) -> TablePage:
        lists = await self.session.lists.load(refresh=self._refresh)
        self._refresh = False
        return TablePage([list_row(lst) for lst in lists], False, COLUMNS)

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        await self.session.lists.fill_in(lambda changed: on_rows([list_row(lst) for lst in changed]))

    def summary(self, row: Row | None) -> ListSummary | None:
        """The list behind a row of this table."""
        return self.session.lists.get(row.key) if row is not None else None
