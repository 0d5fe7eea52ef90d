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

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from affinity.compare import normalize_value
from affinity.types import FieldId, FieldType, ListEntryId, ListId, SavedViewId

from ..column_prefs import ColumnChoices, list_table
from ..costs import Cost, pages_for
from ..errors import UserFacingError
from ..cursors import EntriesCursor, FilteredEntriesCursor, Page, PageCursor, SavedViewCursor
from ..scan import ScanPaused, local_scan_reasons
from ..sdk_gaps import seed_filter_planner
from ..fields import FieldSet
from ..query import FilterProblem, completions, parse_filter
from ..recent import RecentFilters
from ..rows import Column, Row, entry_columns, entry_rows, size_columns
from ..together import together
from .base import QueryProblem, TablePage, TableSource, rows_in_slices
from .cached_pages import CachedPages, query_key
from .exporting import ExportBatch, ExportChoice, ExportOffer, entries_cost, entries_offer, read_entries
from .lists import ListSummary

if TYPE_CHECKING:
    from affinity import AsyncAffinity
    from affinity.models.entities import FieldMetadata, ListEntryWithEntity

    from ..session import AffinitySession
    from ..writes.entries import EntrySnapshot

FILTER_HELP = 'e.g.  Status = "Diligence" & Amount > 1000000   ·   Owners = *   ·   Sector =~ "Fin"'
MAX_FILTER_CHARS = 2_000
"""The longest filter read at all (a real one is a line): a pasted page is refused at once."""
VIEW_NOTE = "(filtered by Affinity · the view's sort not applied)"
"""What a saved view's header says of its criteria and sort (the API gives neither)."""
ALL_FIELD_TYPES = (FieldType.LIST, FieldType.GLOBAL, FieldType.ENRICHED, FieldType.RELATIONSHIP_INTELLIGENCE)
DEFAULT_FIELD_TYPES = (FieldType.LIST, FieldType.GLOBAL)
"""The default columns, by type (``FieldSet.default_columns``): asked for without metadata."""


def entries_cache_key(list_id: int, view_id: int | None = None, filter_text: str | None = None,
                      chosen_field_ids: Sequence[str] | None = None) -> str | None:
    """Where the cache keeps one list query's pages (None: a filter, which is not kept)."""
    if filter_text:
        return None
    columns = "default" if chosen_field_ids is None else ",".join(chosen_field_ids)
    return query_key("entries", int(list_id), f"view={view_id}" if view_id is not None else "all", columns)


class EntriesSource(CachedPages, TableSource):
    """The entries of one list, of one of its saved views, or matching one filter (the whole
    list and its views are kept in the cache: ``CachedPages``)."""

    what = "entries"

    def __init__(self, session: AffinitySession, lst: ListSummary, *, view_id: int | None = None,
                 filter_text: str | None = None, chosen_field_ids: Sequence[str] | None = None,
                 recent: RecentFilters | None = None, scan_reasons: Sequence[str] | None = None,
                 scan_approved: bool = False) -> None:
        super().__init__(session)
        self.scan_reasons: list[str] | None = list(scan_reasons) if scan_reasons is not None else None
        """Why Affinity's search cannot answer the filter (every entry is then read here), as
        known before it starts; None when it can, or when not known."""
        self.scan_approved = scan_approved
        """The user agreed to a read of every entry for this filter: it never pauses to ask."""
        self._first_paused = False
        self.lst = lst
        self.view_id = view_id
        self.filter_text = filter_text
        self._columns_remembered = chosen_field_ids is None
        if chosen_field_ids is None:  # the columns chosen on an earlier visit, if any
            chosen_field_ids = ColumnChoices().get(list_table(int(lst.id)))
        self._columns_remembered = self._columns_remembered and chosen_field_ids is not None
        self.chosen_field_ids: list[str] | None = list(chosen_field_ids) if chosen_field_ids is not None else None
        """The columns the user chose (``c``, now or on an earlier visit); None: the list's defaults."""
        self.recent = recent or RecentFilters()
        self.on_progress: Callable[[], None] | None = None
        """Told after every request of a filtered read (scanned/matched moved)."""
        self._cursor: PageCursor[Any] | None = None
        self._unformatted: Page[Any] | None = None
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
        known = self.session.lists.get(int(self.lst.id))
        if known is not None and known is not self.lst and known.name != self.lst.name:
            self.lst = known  # opened by id (a link) before the lists were read
        if self.filter_text:
            return f"{self.lst.name} · filter: {self.filter_text}"
        if self.view_id is not None:
            view = self.lst.view(self.view_id)
            # Affinity's API applies a view's filter but neither returns its criteria nor applies
            # its sort: the header says so, as the criteria and sort are all it could show.
            return f"{self.lst.name} · view: {view.name if view else self.view_id} {VIEW_NOTE}"
        return self.lst.name

    @property
    def loading_text(self) -> str:
        return f"Loading {self.lst.name}…"

    @property
    def query_text(self) -> str | None:
        return self.filter_text

    @property
    def narrowed(self) -> bool:
        return self.filter_text is not None or self.view_id is not None

    @property
    def exhausted(self) -> bool:
        return self._cursor is not None and self._cursor.exhausted and self._unformatted is None

    @property
    def filtered_locally(self) -> bool:
        """True when Affinity's search could not answer the filter: every entry is read here."""
        return isinstance(self._cursor, FilteredEntriesCursor) and self._cursor.local_fallback

    @property
    def fallback_message(self) -> str | None:
        """Why the filter runs in the app rather than in Affinity's search, in the user's words (once known)."""
        return self._cursor.fallback_message if isinstance(self._cursor, FilteredEntriesCursor) else None

    @property
    def failed_text(self) -> str:
        if self.scan_paused:
            return f"{self.lst.name}: filter paused"
        return f"{self.lst.name}: could not load"

    def counts(self, loaded: int) -> list[str]:
        cursor = self._cursor
        parts: list[str] = []
        if self.view_id is not None and not self.filter_text:
            parts.append("view filtered by Affinity")
        if isinstance(cursor, FilteredEntriesCursor):
            of = f" of {self.lst.size:,}" if cursor.local_fallback and self.lst.size else ""
            parts.append(f"scanned {cursor.scanned:,}{of} · matched {cursor.matched:,}")
            if cursor.local_fallback:
                parts.append("filtered on your computer")
            if cursor.paused:
                parts.append("paused")
            elif cursor.stopped:
                parts.append("stopped (R starts again, x clears)")
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
        if options["filter_text"] == self.filter_text and "scan_reasons" not in changes:
            # The same filter (other columns): what is known of its cost, and the user's yes, stay.
            options.update(scan_reasons=self.scan_reasons, scan_approved=self.scan_approved)
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
        fields = await self._fields_with_options()
        parsed = parse_filter(text, fields)
        if isinstance(parsed, FilterProblem):
            return QueryProblem(parsed.message, parsed.position)
        try:
            self.recent.remember(int(self.lst.id), text)
        except OSError:  # a read-only state directory costs the history, not the filter
            pass
        return self._refined(filter_text=text, view_id=None,
                             scan_reasons=local_scan_reasons(parsed.expression, fields))

    # ---- what a read will cost -------------------------------------------------------------
    def start_cost(self) -> Cost | None:
        """What the filter costs before its first row, when every entry must be read here and
        the user has not agreed yet (None: only matches are read, or the size is unknown)."""
        if not self.filter_text or self.scan_reasons is None or self.scan_approved or self.lst.size is None:
            return None
        return Cost.of(pages_for(self.lst.size), self.session.rate.status)

    def approved(self) -> EntriesSource:
        """The same filter, with the user's yes to reading every entry."""
        source = self._refined()
        source.scan_approved = True
        return source

    def expected_total(self) -> int | None:
        cursor = self._cursor
        if isinstance(cursor, FilteredEntriesCursor):
            return cursor.total  # the matches, once the last page is in
        if self.view_id is not None:
            return None
        return (cursor.total if cursor is not None else None) or self.lst.size

    def load_all_cost(self, loaded: int) -> Cost | None:
        """Pages of 100 for the rest of the list: exact for the whole list, the rest of the
        list for a filter read here, at most the rest for a search or a saved view."""
        if self.exhausted:
            return None
        cursor, size, status = self._cursor, self.lst.size, self.session.rate.status
        if isinstance(cursor, FilteredEntriesCursor):
            if size is None:
                return None
            if cursor.local_fallback or self.scan_reasons is not None:
                return Cost.of(pages_for(size - cursor.scanned), status)
            return Cost.of(pages_for(size - loaded), status, at_most=True)
        if self.view_id is not None:
            return Cost.of(pages_for(size - loaded), status, at_most=True) if size is not None else None
        total = (cursor.total if cursor is not None else None) or size
        return Cost.of(pages_for(total - loaded), status) if total is not None else None

    def reading_all(self) -> None:
        self.continue_scan()

    def export_offer(self, loaded: int, visible: Sequence[Column]) -> ExportOffer | None:
        return entries_offer(self, loaded, visible)

    def export_cost(self, choice: ExportChoice, loaded: int) -> Cost | None:
        return entries_cost(self, choice, loaded)

    def export_batches(self, choice: ExportChoice, loaded: int,
                       visible: Sequence[Column]) -> AsyncIterator[ExportBatch]:
        return read_entries(self, choice, loaded, visible)

    @property
    def scan_paused(self) -> bool:
        """True while a read of every entry waits at the request budget for the user's answer."""
        cursor = self._cursor
        return isinstance(cursor, FilteredEntriesCursor) and cursor.paused

    def scan_progress(self) -> tuple[int, int | None, str]:
        """A read of every entry so far: entries read, the list's size, and why it is read here."""
        cursor = self._cursor
        scanned = cursor.scanned if isinstance(cursor, FilteredEntriesCursor) else 0
        why = (cursor.fallback_message if isinstance(cursor, FilteredEntriesCursor) else None) or \
            "Affinity's search cannot answer this filter"
        return scanned, self.lst.size, why

    def rest_of_scan_cost(self) -> Cost:
        """What reading the rest of the list costs (the size less what was read)."""
        scanned, total, _ = self.scan_progress()
        if total is None:
            return Cost.of(pages_for(scanned), self.session.rate.status, at_most=True)
        return Cost.of(pages_for(total - scanned), self.session.rate.status)

    @property
    def paused_before_first_page(self) -> bool:
        """True when the read paused before its first page: ``first_page()`` picks it up again."""
        return self._first_paused

    def continue_scan(self) -> None:
        """The user's yes: the paused read goes on to the end without asking again."""
        self.scan_approved = True
        cursor = self._cursor
        if isinstance(cursor, FilteredEntriesCursor):
            cursor.approve()

    async def stop_scan(self) -> None:
        """The user's no: the paused read ends; the matches shown so far stay."""
        cursor = self._cursor
        self._first_paused = False
        if isinstance(cursor, FilteredEntriesCursor):
            await cursor.stop()

    def with_view(self, view_id: int | None) -> EntriesSource:
        """The entries of one saved view (None: the whole list). A view replaces a filter."""
        return self._refined(view_id=view_id, filter_text=None)

    def with_columns(self, field_ids: Sequence[str]) -> EntriesSource:
        """The same query with these fields as columns (ids from ``column_choices``), which are
        kept for the next visit too."""
        ColumnChoices().remember(list_table(int(self.lst.id)), list(field_ids))
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
        if self.chosen_field_ids is not None:  # a field deleted since it was chosen is left out
            return [i for i in self.chosen_field_ids if fields.by_id(i) is not None]
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

    async def entry_record(self, entry_id: int) -> tuple[str, int, str]:
        """(kind, entity id, name) of one entry of this list (one request). Raises ``UserFacingError``."""
        from ..rows import entity_name

        async with self.session.reading() as client:
            entry = await client.lists.entries(self.list_id).get(ListEntryId(entry_id))
        entity = entry.entity
        if entity is None:
            raise UserFacingError("Not found in Affinity", "That entry has no record behind it any more.")
        return entry.type, int(entity.id), entity_name(entity)

    # ---- the cache -------------------------------------------------------------------------
    @property
    def cache_key(self) -> str | None:
        """The whole list or a saved view, with the columns chosen; a filter is not kept (its
        pages have no cursor to ask again from)."""
        return entries_cache_key(int(self.lst.id), self.view_id, self.filter_text, self.chosen_field_ids)

    async def _cursor_at(self, client: AsyncAffinity, position: str | None) -> PageCursor[Any]:
        # The size as the lists say it, else as the cache kept it: no request just to count.
        total = self.lst.size if self.lst.size is not None else getattr(self._cursor, "total", None)
        if self.view_id is not None:
            cursor: PageCursor[Any] = SavedViewCursor(client, self.list_id, SavedViewId(self.view_id))
        elif self.chosen_field_ids is not None:
            cursor = EntriesCursor(client, self.list_id, self.chosen_field_ids, known_total=total)
        else:
            cursor = EntriesCursor(client, self.list_id, field_types=DEFAULT_FIELD_TYPES, known_total=total)
        if isinstance(cursor, EntriesCursor | SavedViewCursor):
            cursor.resume_from(position)
        return cursor

    async def _fresh_fields(self) -> FieldSet:
        catalog = await self.session.catalog()
        return await catalog.for_list(self.list_id)

    def _columns_for(self, fields: FieldSet, models: Sequence[Any]) -> list[Column]:
        return self._columns(fields, models)

    async def _format(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        return await rows_in_slices(models, columns, entry_rows)

    def _use_columns(self, columns: tuple[Column, ...]) -> None:
        self._current_columns = columns

    def _base_status(self, loaded: int, shown: int, quick_filter: str) -> str:
        return TableSource.status_text(self, loaded=loaded, shown=shown, quick_filter=quick_filter)

    # ---- paging ----------------------------------------------------------------------------
    async def _network_first_page(self) -> TablePage:
        session = self.session
        if self._first_paused and self._cursor is not None:
            return await self._first_page_after_pause(self._cursor)
        await self.close()
        catalog = await session.catalog()
        known = catalog.cached_list(self.list_id)
        async with session.reading() as client:
            if self.filter_text:
                fields = known = await catalog.with_options(self.list_id)
                seed_filter_planner(client, self.list_id, fields.fields)  # its search goes at once
                parsed = parse_filter(self.filter_text, fields)
                if isinstance(parsed, FilterProblem):  # the list's fields changed since it was typed
                    raise UserFacingError("The filter no longer fits this list",
                                          f"{parsed.message}. Press / to change it, or x to clear it.")
                self._cursor = FilteredEntriesCursor(
                    client, self.list_id, parsed.expression, self._field_ids(fields), on_progress=self._progressed,
                    scan_budget=None if self.scan_approved else session.ask_above, known_total=self.lst.size)
            elif self.view_id is not None:
                self._cursor = SavedViewCursor(client, self.list_id, SavedViewId(self.view_id))
            elif known is not None or (self.chosen_field_ids is not None and not self._columns_remembered):
                ids = self._field_ids(known) if known is not None else list(self.chosen_field_ids or ())
                self._cursor = EntriesCursor(client, self.list_id, ids, known_total=self.lst.size)
            elif self.chosen_field_ids is not None:
                # Columns kept from an earlier session, before this one knows the list's fields:
                # every field by type (one round trip; an id deleted since is then no error).
                self._cursor = EntriesCursor(client, self.list_id, field_types=ALL_FIELD_TYPES,
                                             known_total=self.lst.size)
            else:
                self._cursor = EntriesCursor(client, self.list_id, field_types=DEFAULT_FIELD_TYPES,
                                             known_total=self.lst.size)
            cursor = self._cursor
            try:
                if known is None:
                    # Metadata and the first page in one round trip (see the module docstring).
                    fields, page = await together(catalog.for_list(self.list_id), cursor.next_page())
                else:
                    fields, page = known, await cursor.next_page()
            except ScanPaused:
                self._first_paused = True  # asked again (after the user's yes), the same read goes on
                raise
        return await self._first_rows(fields, page)

    async def _first_page_after_pause(self, cursor: PageCursor[Any]) -> TablePage:
        self._first_paused = False
        catalog = await self.session.catalog()
        async with self.session.reading():
            try:
                page = await cursor.next_page()
            except ScanPaused:
                self._first_paused = True
                raise
            fields = await catalog.with_options(self.list_id)
        return await self._first_rows(fields, page)

    async def _first_rows(self, fields: FieldSet, page: Page[Any]) -> TablePage:
        columns = self._columns(fields, page.models)
        rows = await rows_in_slices(page.models, columns, entry_rows)
        self._current_columns = tuple(size_columns(columns, rows))
        return TablePage(rows, page.has_more, self._current_columns)

    async def _network_next_page(self) -> TablePage:
        cursor = self._cursor
        page = self._unformatted
        if page is None:
            if cursor is None or cursor.exhausted:
                return TablePage([], False)
            async with self.session.reading():
                page = await cursor.next_page()
            # Kept until its rows are handed over: a caller cancelled while they are formatted
            # (they are formatted in slices) gets them on its next call, not a page later.
            self._unformatted = page
        columns = self._current_columns
        rows = await rows_in_slices(page.models, columns, entry_rows) if columns is not None else []
        self._unformatted = None
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
        self._unformatted = None
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()

