"""What every table screen asks of its source: the first page, the next page, the columns, a
row's link and the status text. Screens wire a `LazyTable` to one of these and never see the SDK.

A source stands for one query (a list, a list with a filter, a saved view, people matching a
search term). A new query is a new source (``refined``), so a page that arrives for an old
query is recognised by the screen (``source is not self.source``) and dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..costs import Cost
from ..links import RecordLink, record_link
from ..rows import Column, Row
from .revision import Revision

if TYPE_CHECKING:
    from ..session import AffinitySession
    from .exporting import ExportBatch, ExportChoice, ExportOffer

FORMAT_SLICE = 25
"""Rows formatted between two chances for the event loop to paint (see `rows_in_slices`)."""


async def let_input_through() -> None:
    """Pause background work so that a key pressed meanwhile is handled and painted first.

    Not ``sleep(0)``: in a Textual app a key travels app → screen → widget, one hop per turn of
    the event loop, and ``sleep(0)`` would run the next slice of background work between every
    two hops (a key waited behind all four slices of a page). A timer lets every hop that is
    ready go first."""
    await asyncio.sleep(0.001)


async def rows_in_slices(models: Sequence[Any], columns: Sequence[Column],
                         format_rows: Callable[[Sequence[Any], Sequence[Column]], list[Row]]) -> list[Row]:
    """``format_rows`` over a page, a few rows at a time, letting the event loop run in between.

    Formatting a page of 100 rich entries takes ~10 ms of Python; done in one go it held up the
    frame a key was waiting for, and added to the loop's longest stalls while a list streams in
    (benchmarks/key_latency.py, memory.py)."""
    rows: list[Row] = []
    for start in range(0, len(models), FORMAT_SLICE):
        if start:
            await let_input_through()
        rows.extend(format_rows(models[start:start + FORMAT_SLICE], columns))
    return rows


def quoted(text: str, limit: int = 60) -> str:
    """What the user typed, cut to ``limit`` characters to be quoted back (a pasted page would
    fill the line, and measuring it would hold up the screen)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class TablePage:
    """Rows for the table; the first page of a source also says which columns to show."""

    rows: list[Row]
    has_more: bool
    columns: tuple[Column, ...] | None = None
    """Set on the first page only: the columns, sized to the first page's rows."""


@dataclass(frozen=True, slots=True)
class QueryProblem:
    """Why the text typed in the filter bar is not a query, and where (0-based)."""

    message: str
    position: int | None = None


class TableSource:
    """One query's rows, a page at a time.

    Every method that talks to Affinity raises ``UserFacingError`` (never an SDK exception).
    """

    what: str = "rows"
    """Names the rows in messages and file names ("entries", "people")."""

    query_hint: str | None = None
    """The filter bar's placeholder; None when this table has no filter bar."""

    from_affinity: bool = False
    """True: the next first page is read from Affinity even if the cache has it (``R``)."""
    restore_key: int | None = None
    """The row (``Row.key``) the cursor returns to when the first page is shown (resume); a
    cached query reads its pages up to that row at once."""

    def __init__(self, session: AffinitySession) -> None:
        self.session = session

    # ---- the filter bar --------------------------------------------------------------------
    @property
    def query_text(self) -> str | None:
        """What the filter bar holds for this source (its filter or search term), if anything."""
        return None

    @property
    def narrowed(self) -> bool:
        """True when a filter, search or view narrows the rows (``x`` clears it)."""
        return self.query_text is not None

    async def prepare_query(self) -> None:
        """Read what checking a query needs (the filter bar just opened). Never raises."""

    async def with_query(self, text: str) -> TableSource | QueryProblem:
        """A source for ``text`` typed in the filter bar ("" clears the query), or what is
        wrong with it (nothing is sent for the query itself; checking it may read field
        metadata once). Raises ``UserFacingError`` when that metadata cannot be read."""
        return QueryProblem("This table has no filter.")

    def cleared(self) -> TableSource:
        """The same table with no filter, search or view."""
        return self

    def complete(self, text_before_cursor: str) -> list[str]:
        """Completions of what is typed in the filter bar (the whole new text before the cursor)."""
        return []

    def recent_queries(self) -> list[str]:
        """Queries typed here before, most recent first."""
        return []

    # ---- what the screen shows -------------------------------------------------------------
    @property
    def title(self) -> str:
        """The header's subtitle: what the table shows (a list, and its view or filter)."""
        return self.what.capitalize()

    @property
    def loading_text(self) -> str:
        """Says what is being loaded ("Loading Deal Pipeline…")."""
        return f"Loading {self.title}…"

    @property
    def failed_text(self) -> str:
        """The status line when the first page could not be loaded."""
        return f"{self.title}: could not load"

    @property
    def exhausted(self) -> bool:
        """True once the last page was handed out (or the source never pages)."""
        return True

    def counts(self, loaded: int) -> list[str]:
        """The source's own parts of the status line ("loaded 300 of 1,000")."""
        more = "" if self.exhausted else "+"
        return [f"loaded {loaded:,}{more}"]

    def status_text(self, *, loaded: int, shown: int, quick_filter: str) -> str:
        """The status line: the source's counts, then what the local find narrows them to."""
        parts = self.counts(loaded)
        if quick_filter:
            parts.append(f"showing {shown:,} containing “{quoted(quick_filter)}” (local)")
        return " · ".join(parts)

    def export_name(self) -> str:
        """Names the CSV file of this table."""
        return self.what

    def link(self, row: Row | None) -> RecordLink | None:
        """The row's page in Affinity's web app and what ``y`` copies, when both are known."""
        if row is None or row.entity_id <= 0:
            return None
        subdomain = self.session.subdomain
        if not subdomain:
            return None
        return record_link(subdomain, row.entity_type, row.entity_id,
                           email=row.extra.get("email"), domain=row.extra.get("domain"))

    # ---- paging ----------------------------------------------------------------------------
    async def first_page(self) -> TablePage:
        """The first page, with the columns to show. Raises ``UserFacingError``."""
        raise NotImplementedError

    _early_first: asyncio.Task[TablePage] | None = None

    def read_first_page_now(self) -> None:
        """Start reading the first page before the screen that shows it exists (a list a start
        opens): the request is on its way while the screen is composed. ``take_first_page``
        hands it over."""
        if self._early_first is None:
            self._early_first = asyncio.ensure_future(self.first_page())
            # A screen closed before it asked keeps the failure from being logged as unseen.
            self._early_first.add_done_callback(lambda task: task.cancelled() or task.exception())

    async def take_first_page(self) -> TablePage:
        """The first page: the one ``read_first_page_now`` started, else read now. Cancelled,
        it cancels that read too, as ``first_page`` would be."""
        early, self._early_first = self._early_first, None
        return await (early if early is not None else self.first_page())

    async def next_page(self) -> TablePage:
        """The page after the last one handed out; empty with ``has_more=False`` when there is
        none. Never fetches a page twice, even when the caller is cancelled mid-request.
        Raises ``UserFacingError``; after a failure the same page is asked for again."""
        return TablePage([], False)

    # ---- reading every row ------------------------------------------------------------------
    def expected_total(self) -> int | None:
        """How many rows there are in all, when known without a request."""
        return None

    def load_all_cost(self, loaded: int) -> Cost | None:
        """What reading every row not loaded yet costs (None: not estimated, so not offered)."""
        return None

    def reading_all(self) -> None:
        """The user agreed to read every row: nothing on the way stops to ask again."""

    # ---- exports (sources/exporting.py) ------------------------------------------------------
    def export_offer(self, loaded: int, visible: Sequence[Column]) -> ExportOffer | None:
        """What the export dialog may offer besides the loaded rows as shown (None: nothing)."""
        return None

    def export_cost(self, choice: ExportChoice, loaded: int) -> Cost | None:
        """What reading the chosen export costs (None: no request, or not estimated)."""
        return None

    def export_batches(self, choice: ExportChoice, loaded: int,
                       visible: Sequence[Column]) -> AsyncIterator[ExportBatch]:
        """The records of an export that is read again from Affinity. Raises ``UserFacingError``."""
        raise NotImplementedError

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        """After the first page: fetch what the rows show besides (list sizes, saved views,
        owners' names) and hand each changed row to ``on_rows`` as it arrives. Never raises:
        a part that fails marks only its own cells."""

    async def close(self) -> None:
        """Stop any request in flight for this source (the screen is leaving, or a new query
        replaces it)."""

    # ---- the cache -------------------------------------------------------------------------
    async def revalidate(self, on_revision: Callable[[Revision], None]) -> None:
        """Ask Affinity for what was shown from the cache and not yet asked for this session
        (the first page after the first paint, pages scrolled to later); ``on_revision`` gets
        what changed. Does nothing when nothing shown came from the cache. Never raises: when
        Affinity cannot be reached, the cached rows stay, marked with their age."""

    @property
    def revalidation_due(self) -> bool:
        """True when rows handed out from the cache wait to be asked for again."""
        return False
