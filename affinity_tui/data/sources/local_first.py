"""Searching people, companies or opportunities: those seen before at once, Affinity's answer
merged in when it comes.

* **As you type** (``typing``): the matches among everyone seen so far (the cache's index), no
  request at all, so each key shows its matches at once.
* **A search** (``searching``, when typing pauses or on ``enter``): the same local matches first,
  then, in the background (``revalidate``), Affinity's first page of results: local rows stay
  where they are (refreshed from Affinity's answer), Affinity's other results follow, and the
  next pages are Affinity's, without the rows already shown. What Affinity returns is added to
  the local index.

Without a cache, a search is Affinity's alone, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..cache.store import Seen
from ..cursors import EntityKind
from ..cache.tenant_cache import seen_in_rows
from ..errors import UserFacingError
from ..fields import EMPTY_FIELDS, FieldSet
from ..rows import Column, Row, size_columns
from ..search import local_matches, seen_rows
from .base import TablePage
from .cached_pages import CachedPages, CachedPosition
from .revision import Revision

LOCAL_LIMIT = 100


class LocalFirstSearch(CachedPages):
    """Mixed into ``EntitySource`` (see the module docstring)."""

    term: str | None
    kind: EntityKind
    _columns: tuple[Column, ...] | None

    @property
    def fields(self) -> FieldSet | None:
        """The kind's fields, once known (the source's own)."""
        raise NotImplementedError

    local_only: bool = False
    """As you type: the local matches only, nothing is asked of Affinity."""

    def searching(self, text: str) -> Any:
        """The same table showing Affinity's search for ``text`` (the source's own)."""
        raise NotImplementedError

    def _column_list(self, fields: FieldSet) -> list[Column]:
        raise NotImplementedError

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        """The search results' column values (the source's own)."""
        raise NotImplementedError

    def typing(self, text: str) -> Any:
        """The same table showing the local matches of ``text`` (no request)."""
        source = self.searching(text)
        source.local_only = True
        return source

    def _search_state(self) -> dict[str, Any]:
        state: dict[str, Any] | None = self.__dict__.get("_local_first_state")
        if state is None:
            state = self.__dict__["_local_first_state"] = {"due": False, "seen": [], "shown": set()}
        return state

    @property
    def local(self) -> bool:
        """True while the rows shown are the local matches only."""
        state = self._search_state()
        return bool(self.term) and self.session.cache is not None and (self.local_only or state["due"])

    async def first_page(self) -> TablePage:
        """A search's local matches at once (no request); else the source's first page.
        Raises ``UserFacingError``."""
        if not self.term or self.session.cache is None:
            return await super().first_page()
        state = self._search_state()
        seen: list[Seen] = await local_matches(self.session, self.term, self.kind, LOCAL_LIMIT)
        columns = self._column_list(self.fields or EMPTY_FIELDS)
        rows = seen_rows(seen, columns)
        state.update(due=not self.local_only, seen=seen, shown={row.key for row in rows})
        self._columns = tuple(size_columns(columns, rows))
        self._cursor = CachedPosition(None, exhausted=True)
        return TablePage(rows, False, self._columns)

    async def revalidate(self, on_revision: Callable[[Revision], None]) -> None:
        """Affinity's search merged into the local matches shown; never raises."""
        state = self._search_state()
        if not state["due"]:
            await super().revalidate(on_revision)
            return
        state["due"] = False
        try:
            page = await self._network_first_page()
        except UserFacingError:
            on_revision(Revision())  # the local matches stay (offline: the app says so)
            return
        cache = self.session.cache
        if cache is not None:
            cache.index(seen_in_rows(page.rows))
        columns = page.columns or ()
        local = seen_rows(state["seen"], columns)
        fresh = {row.key: row for row in page.rows}
        merged = [fresh.get(row.key, row) for row in local]
        merged += [row for row in page.rows if row.key not in state["shown"]]
        state["shown"] = {row.key for row in merged}
        self._columns = tuple(size_columns(columns, merged)) if merged else tuple(columns)
        on_revision(Revision(columns=self._columns, rows=merged, has_more=page.has_more))
        # Affinity's results carry no field values: the source fills their cells (one batch read).
        await self.fill_in(lambda rows: on_revision(Revision(changed=rows)))

    async def next_page(self) -> TablePage:
        """Affinity's next page of results, without rows already shown. Raises ``UserFacingError``."""
        page = await super().next_page()
        state = self._search_state()
        if not self.term or not state["shown"]:
            return page
        rows = [row for row in page.rows if row.key not in state["shown"]]
        state["shown"].update(row.key for row in rows)
        return TablePage(rows, page.has_more, page.columns)

    def status_text(self, *, loaded: int, shown: int, quick_filter: str) -> str:
        """Says when the rows are the local matches only."""
        if not self.local:
            return super().status_text(loaded=loaded, shown=shown, quick_filter=quick_filter)
        what = f"{loaded:,} seen before match “{self.term}”"
        if self.local_only:
            return f"{what} (this machine; Affinity is searched when you pause or press enter)"
        return f"{what} · Affinity's search is on its way" if not self.session.offline \
            else f"{what} · offline: Affinity's search when it answers"
