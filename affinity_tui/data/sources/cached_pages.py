"""The cache under a paged table source: pages painted from disk at once, asked again in the
background, and kept as they arrive from Affinity.

A source that mixes this in (``EntriesSource``, ``EntitySource``) keeps its own network code
(``_network_first_page``, ``_network_next_page``, ``_cursor_at``) and gains:

* **first page**: the query's cached pages, without a request, when the cache has them (up to the
  row a resumed screen returns to, ``restore_key``); else Affinity's first page, kept.
* **next page**: the next cached page while there is one (scrolling through cached rows costs
  nothing); then Affinity's, starting where the last cached page ended (its cursor URL was kept),
  each kept as it arrives.
* **revalidation** (``revalidate``, run by the screen after the first paint and when scrolling
  pauses): the last two pages handed out from the cache, the ones in view, are asked again at
  once (one round trip). Cells that changed are redrawn in place, rows that came or went are
  spliced in (``revision``); when the columns themselves changed (a field was added), the table
  starts again from Affinity's first page. Pages scrolled past and never looked at again stay as
  cached, and the status line says how old they are ("as of 12 min ago"), until ``R``.

Affinity's cursor URLs are kept as path and query only (never a host): a cached position is
always sent to the servers the session is configured for, and the SDK's same-host check applies.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from affinity import AsyncAffinity

from ..cursors import PageCursor
from ..errors import UserFacingError
from ..rows import Column, Row, size_columns
from ..together import together
from .base import TablePage
from .revision import Revision, changed_rows

if TYPE_CHECKING:
    from ..cache import CachedQuery, TenantCache
    from ..session import AffinitySession

REVALIDATE_PAGES = 2
"""Pages asked again per revalidation: about what one screen shows (a page and the read-ahead)."""
RESTORE_PAGES_MAX = 500
"""Cached pages read at once to reach a resumed row (50,000 rows)."""


def relative_position(position: str | None) -> str | None:
    """A cursor URL without scheme and host (a v1 page token as it is)."""
    if not position:
        return None
    parts = urlsplit(position)
    if not parts.scheme and not parts.netloc:
        return position
    return urlunsplit(("", "", parts.path, parts.query, ""))


def query_key(*parts: object) -> str:
    """A cache key for one query; long parts (a filter's text, chosen columns) hashed."""
    out = []
    for part in parts:
        text = "" if part is None else str(part)
        out.append(text if len(text) <= 40 else hashlib.sha256(text.encode()).hexdigest()[:24])
    return ":".join(out)


class CachedPosition(PageCursor[Any]):
    """Stands in for the network cursor while pages come from the cache: it knows the total and
    whether the cached pages reach the end, and fetches nothing."""

    def __init__(self, total: int | None, exhausted: bool) -> None:
        super().__init__()
        self.total = total
        self.exhausted = exhausted

    async def _fetch(self) -> Any:
        raise RuntimeError("a cached position fetches nothing")


@dataclass(slots=True)
class _Shown:
    """A page handed out from the cache and not asked for again yet."""

    rows: list[Row]
    fetched_at: float


class CachedPages:
    """Mixed into a ``TableSource`` before it (see the module docstring)."""

    session: AffinitySession
    from_affinity: bool
    _cursor: PageCursor[Any] | None

    restore_key: int | None
    # ---- what the source provides --------------------------------------------------------------
    @property
    def cache_key(self) -> str | None:
        """This query in the cache; None when it is not kept (e.g. a search)."""
        return None

    async def _network_first_page(self) -> TablePage:
        raise NotImplementedError

    async def _network_next_page(self) -> TablePage:
        raise NotImplementedError

    async def _cursor_at(self, client: AsyncAffinity, position: str | None) -> PageCursor[Any]:
        """A new network cursor of this query that starts at ``position`` (None: the first page)."""
        raise NotImplementedError

    async def _fresh_fields(self) -> Any:
        """The field metadata the columns come from (the catalog's: a request only when it is
        not known, asked for while the first page travels)."""
        raise NotImplementedError

    def _columns_for(self, fields: Any, models: Sequence[Any]) -> list[Column]:
        """The columns a first page with ``models`` calls for."""
        raise NotImplementedError

    async def _format(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        raise NotImplementedError

    def _use_columns(self, columns: tuple[Column, ...]) -> None:
        """The columns rows are formatted for from now on."""
        raise NotImplementedError

    def _base_status(self, loaded: int, shown: int, quick_filter: str) -> str:
        raise NotImplementedError

    # ---- state -----------------------------------------------------------------------------------
    def _cache_state(self) -> dict[str, Any]:
        state: dict[str, Any] | None = self.__dict__.get("_cached_pages_state")
        if state is None:
            state = self.__dict__["_cached_pages_state"] = {
                "handed": 0, "serving": False, "positions": {1: None}, "shown": {}, "query": None}
        return state

    def _cache(self) -> TenantCache | None:
        return self.session.cache if self.cache_key is not None else None

    @property
    def stale_since(self) -> float | None:
        """When Affinity gave the oldest rows shown from the cache and not asked for again."""
        shown: dict[int, _Shown] = self._cache_state()["shown"]
        return min((s.fetched_at for s in shown.values()), default=None)

    @property
    def revalidation_due(self) -> bool:
        """True while pages handed out from the cache wait to be asked again."""
        return bool(self._cache_state()["shown"])

    def status_text(self, *, loaded: int, shown: int, quick_filter: str) -> str:
        """The source's status, with how old the rows shown from the cache are."""
        text = self._base_status(loaded, shown, quick_filter)
        stale, cache = self.stale_since, self.session.cache
        if stale is None or cache is None:
            return text
        from ..cache import age_text

        note = age_text(stale, cache.clock())
        if self.session.offline:
            note = f"offline · {note}"
        return f"{text} · {note}"

    # ---- paging ----------------------------------------------------------------------------------
    async def first_page(self) -> TablePage:
        """The cached pages (up to ``restore_key``) without a request, else Affinity's first page, kept.
        Raises ``UserFacingError``."""
        state = self._cache_state()
        cache, key = self._cache(), self.cache_key
        if cache is not None and key is not None and not self.from_affinity:
            page = await self._cached_first(cache, key)
            if page is not None:
                return page
        self.from_affinity = False
        page = await self._network_first_page()
        state.update(handed=1, serving=False, positions={1: None}, shown={})
        if cache is not None and key is not None:
            position = self._position_of(self._cursor)
            state["positions"][2] = position
            cache.save_page(key, 1, page.rows, position, page.has_more, columns=page.columns or (),
                            total=self._cursor.total if self._cursor is not None else None)
        return page

    async def _cached_first(self, cache: TenantCache, key: str) -> TablePage | None:
        query = await cache.query(key)
        if query is None:
            return None
        state = self._cache_state()
        rows: list[Row] = []
        number, has_more = 0, False
        while number < RESTORE_PAGES_MAX:
            page = await cache.page(key, number + 1, query.columns)
            if page is None:
                break
            number += 1
            state["positions"][number + 1] = page.position
            if not cache.data_fresh(page.fetched_at):
                state["shown"][number] = _Shown(page.rows, page.fetched_at)
            rows.extend(page.rows)
            has_more = page.has_more
            if self.restore_key is None or any(row.key == self.restore_key for row in page.rows) \
                    or not page.has_more:
                break
        if number == 0:
            return None
        await self.close_cursor()
        state.update(handed=number, serving=True, query=query)
        self._use_columns(query.columns)
        self._cursor = CachedPosition(query.total, exhausted=not has_more)
        return TablePage(rows, has_more, query.columns)

    async def close_cursor(self) -> None:
        """Stop the network cursor (or the cached stand-in) of this source."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()

    async def next_page(self) -> TablePage:
        """The next cached page, else Affinity's next one (kept). Raises ``UserFacingError``."""
        state = self._cache_state()
        cache, key = self._cache(), self.cache_key
        number = state["handed"] + 1
        if state["serving"] and cache is not None and key is not None:
            query: CachedQuery = state["query"]
            page = await cache.page(key, number, query.columns)
            if page is not None:
                state["handed"] = number
                state["positions"][number + 1] = page.position
                if not cache.data_fresh(page.fetched_at):
                    state["shown"][number] = _Shown(page.rows, page.fetched_at)
                placeholder = self._cursor
                if isinstance(placeholder, CachedPosition):
                    placeholder.exhausted = not page.has_more
                return TablePage(page.rows, page.has_more)
            state["serving"] = False
            position = state["positions"].get(number)
            if position is None:  # the cached pages ended the list
                return TablePage([], False)
            total = self._cursor.total if self._cursor is not None else None
            async with self.session.reading() as client:
                cursor = await self._cursor_at(client, position)
            cursor.total = total
            self._cursor = cursor
        fetched = await self._network_next_page()
        if fetched.rows or not fetched.has_more:
            state["handed"] = number
            position = self._position_of(self._cursor)
            state["positions"][number + 1] = position
            if cache is not None and key is not None:
                cache.save_page(key, number, fetched.rows, position, fetched.has_more)
        return fetched

    @staticmethod
    def _position_of(cursor: PageCursor[Any] | None) -> str | None:
        return relative_position(getattr(cursor, "position", None))

    # ---- revalidation ----------------------------------------------------------------------------
    async def revalidate(self, on_revision: Callable[[Revision], None]) -> None:
        """Ask Affinity again for the last pages handed out from the cache; never raises."""
        state = self._cache_state()
        cache, key = self._cache(), self.cache_key
        shown: dict[int, _Shown] = state["shown"]
        if cache is None or key is None or not shown:
            return
        wanted = sorted(shown)[-REVALIDATE_PAGES:]
        try:
            async with self.session.reading() as client:
                results = await asyncio.gather(*(self._page_again(client, n) for n in wanted))
        except UserFacingError:
            on_revision(Revision())  # the cached rows stay, with their age (offline: the app says so)
            return
        # Pages asked again side by side are compared as one run: a row that moved from one to
        # the other (a row deleted above it) is then a moved row, not a gone one and a new one.
        runs: list[tuple[list[Row], list[Row]]] = []
        fresh_keys: dict[int, frozenset[int]] = state.setdefault("fresh_keys", {})
        previous = -1
        changed_more: bool | None = None
        for number, result in zip(wanted, results, strict=True):
            if isinstance(result, _Restart):
                self._restart(state, cache, key, result, on_revision)
                return
            before = shown.pop(number, None)
            if result is None or before is None:
                continue
            if number != previous + 1 or not runs:
                runs.append(([], []))
            previous = number
            old_rows, new_rows = runs[-1]
            # Rows a neighbouring page asked again earlier took from this one are there already.
            placed = fresh_keys.get(number - 1, frozenset()) | fresh_keys.get(number + 1, frozenset())
            old_rows.extend(row for row in before.rows if row.key not in placed)
            seen = {row.key for row in new_rows} | placed
            new_rows.extend(row for row in result.rows if row.key not in seen)
            fresh_keys[number] = frozenset(row.key for row in result.rows)
            while len(fresh_keys) > 2 * REVALIDATE_PAGES:
                del fresh_keys[next(iter(fresh_keys))]
            state["positions"][number + 1] = result.position
            cache.save_page(key, number, result.rows, result.position, result.has_more, total=result.total)
            cursor = self._cursor
            if result.total is not None and cursor is not None:
                cursor.total = result.total
            if number == state["handed"] and isinstance(cursor, CachedPosition) \
                    and cursor.exhausted == result.has_more:
                cursor.exhausted = not result.has_more
                changed_more = result.has_more
        for old_rows, new_rows in runs:
            revision = changed_rows(old_rows, new_rows)
            on_revision(Revision(revision.changed, revision.page))
        on_revision(Revision(has_more=changed_more))

    async def _page_again(self, client: AsyncAffinity, number: int) -> _Again | _Restart | None:
        """Page ``number`` as Affinity gives it now; None when it cannot be asked for (its
        position was never kept)."""
        state = self._cache_state()
        position = state["positions"].get(number)
        query: CachedQuery | None = state["query"]
        if (number > 1 and position is None) or query is None:
            return None
        cursor = await self._cursor_at(client, position)
        kept = False
        try:
            if number > 1:
                page = await cursor.next_page()
                rows = await self._format(page.models, query.columns)
                return _Again(rows, self._position_of(cursor), page.has_more, None)
            page, fields = await together(cursor.next_page(), self._fresh_fields())
            columns = self._columns_for(fields, page.models)
            if [c.key for c in columns] != [c.key for c in query.columns]:
                rows = await self._format(page.models, columns)
                kept = True
                return _Restart(tuple(size_columns(columns, rows)), rows, cursor, page.has_more)
            rows = await self._format(page.models, query.columns)
            return _Again(rows, self._position_of(cursor), page.has_more, cursor.total)
        finally:
            if not kept:
                await cursor.aclose()

    def _restart(self, state: dict[str, Any], cache: TenantCache, key: str, fresh: _Restart,
                 on_revision: Callable[[Revision], None]) -> None:
        """The columns changed: the table starts again from Affinity's first page."""
        position = self._position_of(fresh.cursor)
        state.update(handed=1, serving=False, positions={1: None, 2: position}, shown={}, query=None)
        old, self._cursor = self._cursor, fresh.cursor
        if old is not None:
            asyncio.ensure_future(old.aclose())
        self._use_columns(fresh.columns)
        cache.save_page(key, 1, fresh.rows, position, fresh.has_more, columns=fresh.columns,
                        total=fresh.cursor.total)
        on_revision(Revision(columns=fresh.columns, rows=fresh.rows, has_more=fresh.has_more))


@dataclass(frozen=True, slots=True)
class _Again:
    """A page asked for again: its rows now, where the next one starts, whether there is one."""

    rows: list[Row]
    position: str | None
    has_more: bool
    total: int | None


@dataclass(frozen=True, slots=True)
class _Restart:
    """Affinity's first page calls for other columns (a field was added or removed)."""

    columns: tuple[Column, ...]
    rows: list[Row]
    cursor: PageCursor[Any]
    has_more: bool
