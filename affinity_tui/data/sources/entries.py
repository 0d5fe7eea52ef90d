"""One list's entries: the entity and the list's fields as columns, a page at a time.

Three kinds of query, one per source: the whole list (plain pages), a saved view (Affinity
applies its filter and columns), or a filter typed in the filter bar (the SDK pushes what it
can to Affinity's search and checks the rest here, with a live scanned/matched count).

**One round trip to the first page.** The first page does not wait for the list's field
metadata: it asks for the values of every list and global field by *type*
(``fieldTypes=list,global``, exactly the default columns), while the metadata (column titles,
types, order) is asked for at the same time. A saved view needs no field ids at all. Metadata
is kept for the session (``FieldCatalog``), and the size comes from the lists screen when it
knows it, so opening a list a second time is one request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from affinity.compare import normalize_value
from affinity.types import FieldId, FieldType, ListEntryId, ListId, SavedViewId

from ..errors import UserFacingError
from ..cursors import EntriesCursor, FilteredEntriesCursor, PageCursor, SavedViewCursor
from ..fields import FieldSet
from ..query import FilterProblem, completions, parse_filter
from ..recent import RecentFilters
from ..rows import Column, Row, entry_columns, entry_rows, size_columns
from ..together import together
from .base import QueryProblem, TablePage, TableSource, rows_in_slices
from .lists import ListSummary

if TYPE_CHECKING:
    from affinity.models.entities import FieldMetadata, ListEntryWithEntity

    from ..session import AffinitySession
    from ..writes.entries import EntrySnapshot

FILTER_HELP = 'e.g.  Status = "Diligence" & Amount > 1000000   ·   Owners = *   ·   Sector =~ "Fin"'
MAX_FILTER_CHARS = 2_000
"""The longest filter read at all (a real one is a line): a pasted page is refused at once."""
DEFAULT_FIELD_TYPES = (FieldType.LIST, FieldType.GLOBAL)
"""The default columns, by type (``FieldSet.default_columns``): asked for without metadata."""


class EntriesSource(TableSource):
    """The entries of one list, of one of its saved views, or matching one filter."""

    what = "entries"

    def __init__(self, session: AffinitySession, lst: ListSummary, *, view_id: int | None = None,
                 filter_text: str | None = None, chosen_field_ids: Sequence[str] | None = None,
                 recent: RecentFilters | None = None) -> None:
        super().__init__(session)
        self.lst = lst
        self.view_id = view_id
        self.filter_text = filter_text
        self.chosen_field_ids: list[str] | None = list(chosen_field_ids) if chosen_field_ids is not None else None
        """The columns the user chose (``c``); None: the list's default columns."""
        self.recent = recent or RecentFilters()
        self.on_progress: Callable[[], None] | None = None
        """Told after every request of a filtered read (scanned/matched moved)."""
        self._cursor: PageCursor[Any] | None = None
        self._current_columns: tuple[Column, ...] | None = None
        self._added = 0
        self.query_hint = f"Filter {lst.name}:  {FILTER_HELP}"

    # ---- what it is ------------------------------------------------------------------------
    @property
    def list_id(self) -> ListId:
        """The list's id, typed for the SDK."""
        return ListId(int(self.lst.id))

    @property
    def fields(self) -> FieldSet | None:
        """The list's fields, once known (no request)."""
        catalog = self.session.catalog_now
        return catalog.cached_list(self.list_id) if catalog is not None else None

    @property
    def title(self) -> str:
        if self.filter_text:
            return f"{self.lst.name} · filter: {self.filter_text}"
        if self.view_id is not None:
            view = self.lst.view(self.view_id)
            return f"{self.lst.name} · view: {view.name if view else self.view_id}"
        return self.lst.name

    @property
    def loading_text(self) -> str:
        return f"Loading {self.lst.name}…"

    @property
    def failed_text(self) -> str:
        return f"{self.lst.name}: could not load"

    @property
    def query_text(self) -> str | None:
        return self.filter_text

    @property
    def narrowed(self) -> bool:
        return self.filter_text is not None or self.view_id is not None

    @property
    def exhausted(self) -> bool:
        return self._cursor is not None and self._cursor.exhausted

    @property
    def filtered_locally(self) -> bool:
        """True when Affinity's search could not answer the filter: every entry is read here."""
        return isinstance(self._cursor, FilteredEntriesCursor) and self._cursor.local_fallback

    @property
    def fallback_message(self) -> str | None:
        """Why the filter runs in the app rather than in Affinity's search, in the user's words (once known)."""
        return self._cursor.fallback_message if isinstance(self._cursor, FilteredEntriesCursor) else None

    def counts(self, loaded: int) -> list[str]:
        cursor = self._cursor
        parts: list[str] = []
        if self.view_id is not None and not self.filter_text:
            parts.append("view filtered by Affinity")
        if isinstance(cursor, FilteredEntriesCursor):
            parts.append(f"scanned {cursor.scanned:,} · matched {cursor.matched:,}")
            if cursor.local_fallback:
                parts.append("filtered on your computer")
        total = cursor.total if cursor is not None else None
        if total is not None:
            total += self._added
        if total is not None and not isinstance(cursor, FilteredEntriesCursor):
            parts.append(f"loaded {loaded:,} of {total:,}")
        else:
            more = "+" if cursor is not None and not cursor.exhausted else ""
            parts.append(f"loaded {loaded:,}{more}")
        return parts

    def export_name(self) -> str:
        view = self.lst.view(self.view_id)
        return f"{self.lst.name} {view.name}" if view and not self.filter_text else self.lst.name

    # ---- new queries -----------------------------------------------------------------------
    def _refined(self, **changes: Any) -> EntriesSource:
        options: dict[str, Any] = {"view_id": self.view_id, "filter_text": self.filter_text,
                                   "chosen_field_ids": self.chosen_field_ids, "recent": self.recent}
        options.update(changes)
        return EntriesSource(self.session, self.lst, **options)

    async def prepare_query(self) -> None:
        """Read the dropdown options the filter's values are checked against (once a session).
        Never raises: ``with_query`` asks again and reports a failure."""
        try:
            await self._fields_with_options()
        except Exception:  # noqa: BLE001 - with_query asks again and reports the failure
            return

    async def _fields_with_options(self) -> FieldSet:
        catalog = await self.session.catalog()
        async with self.session.reading():
            return await catalog.with_options(self.list_id)

    async def with_query(self, text: str) -> EntriesSource | QueryProblem:
        """The entries matching the filter ``text`` ("" clears it). A filter replaces a view.

        Field names, option values, dates and numbers are checked against the list's fields
        first: a typo is refused here instead of making Affinity scan the whole list. Raises
        ``UserFacingError`` when the fields cannot be read."""
        text = text.strip()
        if not text:
            return self._refined(filter_text=None)
        if len(text) > MAX_FILTER_CHARS:
            return QueryProblem(f"A filter is at most {MAX_FILTER_CHARS:,} characters; this one has {len(text):,}. "
                                "Nothing was sent.")
        parsed = parse_filter(text, await self._fields_with_options())
        if isinstance(parsed, FilterProblem):
            return QueryProblem(parsed.message, parsed.position)
        try:
            self.recent.remember(int(self.lst.id), text)
        except OSError:  # a read-only state directory costs the history, not the filter
            pass
        return self._refined(filter_text=text, view_id=None)

    def with_view(self, view_id: int | None) -> EntriesSource:
        """The entries of one saved view (None: the whole list). A view replaces a filter."""
        return self._refined(view_id=view_id, filter_text=None)

    def with_columns(self, field_ids: Sequence[str]) -> EntriesSource:
        """The same query with these fields as columns (ids from ``column_choices``)."""
        return self._refined(chosen_field_ids=list(field_ids))

    def cleared(self) -> EntriesSource:
        return self._refined(filter_text=None, view_id=None)

    def complete(self, text_before_cursor: str) -> list[str]:
        if len(text_before_cursor) > MAX_FILTER_CHARS:
            return []  # refused when submitted; reading it at every key would hold up the screen
        fields = self.fields
        return completions(text_before_cursor, fields if fields is not None else [])

    def recent_queries(self) -> list[str]:
        return self.recent.for_list(int(self.lst.id))

    # ---- columns ---------------------------------------------------------------------------
    def column_choices(self) -> list[tuple[str, str, bool]]:
        """(label, field id, shown) for the columns picker: defaults first, then the opt-in kinds
        (enriched, relationship intelligence). Empty until the fields are known."""
        fields = self.fields
        if fields is None:
            return []
        shown = set(self._field_ids(fields))
        return [(f"{f.name}  ({f.type})", str(f.id), str(f.id) in shown)
                for f in [*fields.default_columns(), *fields.opt_in_columns()]]

    def _field_ids(self, fields: FieldSet) -> list[str]:
        if self.chosen_field_ids is not None:
            return list(self.chosen_field_ids)
        return fields.ids(fields.default_columns())

    def _columns(self, fields: FieldSet, models: Sequence[ListEntryWithEntity]) -> list[Column]:
        ordered: list[FieldMetadata] = [*fields.default_columns(), *fields.opt_in_columns()]
        if self.view_id is not None and not self.filter_text:
            # A saved view returns only its own columns: show those, in the list's field order.
            present: set[str] = set()
            for entry in models:
                entity = entry.entity
                if entity is not None:
                    present.update(str(key) for key in entity.fields.data)
            return entry_columns([f for f in ordered if str(f.id) in present])
        wanted = set(self._field_ids(fields))
        return entry_columns([f for f in ordered if str(f.id) in wanted])

    # ---- paging ----------------------------------------------------------------------------
    async def first_page(self) -> TablePage:
        session = self.session
        await self.close()
        catalog = await session.catalog()
        known = catalog.cached_list(self.list_id)
        async with session.reading() as client:
            if self.filter_text:
                fields = await catalog.with_options(self.list_id)
                parsed = parse_filter(self.filter_text, fields)
                if isinstance(parsed, FilterProblem):  # the list's fields changed since it was typed
                    raise UserFacingError("The filter no longer fits this list",
                                          f"{parsed.message}. Press / to change it, or x to clear it.")
                self._cursor = FilteredEntriesCursor(client, self.list_id, parsed.expression,
                                                     self._field_ids(fields), on_progress=self._progressed)
            elif self.view_id is not None:
                self._cursor = SavedViewCursor(client, self.list_id, SavedViewId(self.view_id))
            elif self.chosen_field_ids is not None or known is not None:
                ids = self.chosen_field_ids if self.chosen_field_ids is not None else \
                    self._field_ids(known) if known is not None else []
                self._cursor = EntriesCursor(client, self.list_id, ids, known_total=self.lst.size)
            else:
                self._cursor = EntriesCursor(client, self.list_id, field_types=DEFAULT_FIELD_TYPES,
                                             known_total=self.lst.size)
            cursor = self._cursor
            if known is None:
                # Metadata and the first page in one round trip (see the module docstring).
                fields, page = await together(catalog.for_list(self.list_id), cursor.next_page())
            else:
                fields, page = known, await cursor.next_page()
        columns = self._columns(fields, page.models)
        rows = await rows_in_slices(page.models, columns, entry_rows)
        self._current_columns = tuple(size_columns(columns, rows))
        return TablePage(rows, page.has_more, self._current_columns)

    async def next_page(self) -> TablePage:
        cursor = self._cursor
        if cursor is None or cursor.exhausted:
            return TablePage([], False)
        async with self.session.reading():
            page = await cursor.next_page()
        columns = self._current_columns
        rows = await rows_in_slices(page.models, columns, entry_rows) if columns is not None else []
        return TablePage(rows, page.has_more)

    # ---- rows changed by a write -------------------------------------------------------------
    def filter_field_ids(self) -> list[str]:
        """The fields the active filter tests (a write reads them along, to re-check the row);
        empty without a filter or before the list's fields are known."""
        fields = self.fields
        if not self.filter_text or fields is None:
            return []
        parsed = parse_filter(self.filter_text, fields)
        if isinstance(parsed, FilterProblem):
            return []
        found = (fields.named(name) for name in parsed.fields)
        return [str(meta.id) for meta in found if meta is not None]

    def still_matches(self, snapshot: EntrySnapshot) -> bool | None:
        """Whether an entry, with the values a write just gave it, still passes the filter
        (None: no filter, or the snapshot lacks a field the filter tests)."""
        fields = self.fields
        if not self.filter_text or fields is None:
            return None
        parsed = parse_filter(self.filter_text, fields)
        if isinstance(parsed, FilterProblem):
            return None
        values: dict[str, Any] = {"name": snapshot.name}
        for name in parsed.fields:
            meta = fields.named(name)
            state = snapshot.fields.get(str(meta.id)) if meta is not None else None
            if state is None:
                return None
            values[state.name] = normalize_value(state.data)
            values[name] = values[state.name]
        return bool(parsed.expression.matches(values))

    def entry_added(self, delta: int = 1) -> None:
        """An entry was added to (or removed from, ``-1``) the list here: "of Y" follows."""
        self._added += delta

    async def row_for(self, entry_id: int) -> Row | None:
        """One entry as a row of this table (a new entry, to show it): one read. Raises
        ``UserFacingError``."""
        columns = self._current_columns
        if columns is None:
            return None
        ids = [c.key for c in columns if c.kind != "name"]
        async with self.session.reading() as client:
            entry = await client.lists.entries(self.list_id).get(
                ListEntryId(entry_id), field_ids=[FieldId(i) if i.startswith("field-") else i for i in ids])  # type: ignore[misc]
        return entry_rows([entry], columns)[0]

    def _progressed(self, scanned: int, matched: int) -> None:
        if self.on_progress is not None:
            self.on_progress()

    async def close(self) -> None:
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()

