"""Paged reads a table can pull one page at a time, without ever fetching a page twice.

A table asks for the next page when the user scrolls near the end; the screen does that in an
exclusive worker, and Textual cancels such a worker whenever a newer one starts (the user
scrolls again, sorts, goes back). So a cursor must survive being cancelled *in the middle of*
a fetch, not only between pages.

**How a fetch survives cancellation.** ``next_page()`` runs the fetch as a task the cursor
owns and awaits it through ``asyncio.shield``. Cancelling the caller leaves the fetch running;
its page is kept and handed to the next ``next_page()`` call, which doesn't send the request
again. State (the next-page URL, the loaded count) only advances when a page is handed over,
under a lock, so two callers never receive the same page. A failed fetch changes nothing: the
next call asks for the same page again. ``aclose()`` cancels a fetch nobody wants any more.

**Which SDK call.** For plain pages the cursor keeps only the next-page URL and calls
``list(cursor=url)``: no async generator is held open across pages, and after an error the
same URL is simply asked again. (``entries(id).pages()`` would do the same requests, but an
exception inside a generator finishes it, losing the position.) Filtered reads have no such
resumable form that reports progress, so ``FilteredEntriesCursor`` holds the SDK's
``pages(filter=...)`` generator open (see there). Saved views have no async SDK call at all
(``sdk_gaps.saved_view_page``).

Cursors return SDK models; ``rows`` turns them into table rows.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from affinity import AsyncAffinity
from affinity.exceptions import ClientSideFilterWarning
from affinity.filters import FilterExpression
from affinity.models.entities import Company, ListEntryWithEntity, Opportunity, Person
from affinity.models.pagination import PaginatedResponse
from affinity.types import AnyFieldId, EnrichedFieldId, FieldId, FieldType, ListId, SavedViewId

from .page_types import kept
from .scan import ScanPaused
from .sdk_gaps import FilteredPage, filtered_entry_pages, saved_view_page

T = TypeVar("T")
Entity = Person | Company | Opportunity
EntityKind = Literal["person", "company", "opportunity"]

PAGE_SIZE = 100
"""Rows per request: Affinity's v2 maximum, and about one screenful of scrolling ahead."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page handed to the UI."""

    models: tuple[T, ...]
    """The SDK models of this page (``rows`` converts them)."""
    loaded_so_far: int
    """Models handed out by this cursor so far, this page included."""
    has_more: bool


@dataclass(slots=True)
class _Fetched(Generic[T]):
    """What one fetch brought back, applied to the cursor only when handed over."""

    models: list[T]
    has_more: bool
    next_position: str | None = None
    total: int | None = None


def as_field_ids(ids: Sequence[str]) -> list[AnyFieldId]:
    """SDK field id types for plain ids (``field-12`` → ``FieldId``; ``affinity-data-…`` etc.)."""
    out: list[AnyFieldId] = []
    for raw in ids:
        try:
            out.append(FieldId(raw))
        except ValueError:
            out.append(EnrichedFieldId(raw))
    return out


def _observe(task: asyncio.Task[Any]) -> None:
    """Mark a fetch's exception as seen: if its caller was cancelled, the exception is re-raised
    to the next caller, and asyncio must not log "exception was never retrieved" meanwhile
    (a log line on stderr would draw over the TUI)."""
    if not task.cancelled():
        task.exception()


class PageCursor(Generic[T]):
    """The shared mechanics: one fetch at a time, shielded from its caller's cancellation."""

    def __init__(self) -> None:
        self.loaded = 0
        """Models handed out so far."""
        self.exhausted = False
        """True once the last page was handed out."""
        self.total: int | None = None
        """How many there are in all, when Affinity says (else ``None``)."""
        self._pending: asyncio.Task[_Fetched[T]] | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def next_page(self) -> Page[T]:
        """The next page (empty with ``has_more=False`` once exhausted or closed).

        Raises the SDK's errors when the fetch fails (nothing advanced: the next call asks for
        the same page again), and ``CancelledError`` when the caller is cancelled (the fetch
        goes on, and the next call gets its page without a request)."""
        async with self._lock:
            if self.exhausted or self._closed:
                return Page((), self.loaded, False)
            task = self._pending
            if task is None:
                task = asyncio.get_running_loop().create_task(self._fetch())
                task.add_done_callback(_observe)
                self._pending = task
            try:
                fetched = await self._wait_for(task)
            except ScanPaused:
                raise  # the fetch waits where it is for the user's answer: keep it
            except asyncio.CancelledError:
                if task.cancelled():  # the fetch itself was stopped (aclose, loop shutdown)
                    self._pending = None
                raise  # else only the caller was cancelled: the fetch goes on for the next call
            except BaseException:
                self._pending = None  # failed: nothing advanced, the next call asks again
                raise
            self._pending = None
            return self._hand_over(fetched)

    async def _wait_for(self, task: asyncio.Task[_Fetched[T]]) -> _Fetched[T]:
        """The fetch's result; the caller's cancellation does not reach the fetch."""
        return await asyncio.shield(task)

    def _hand_over(self, fetched: _Fetched[T]) -> Page[T]:
        self._advance(fetched)
        self.loaded += len(fetched.models)
        if fetched.total is not None:
            self.total = fetched.total
        self.exhausted = not fetched.has_more
        return Page(tuple(fetched.models), self.loaded, fetched.has_more)

    async def aclose(self) -> None:
        """Stop: cancel a fetch in flight; later ``next_page()`` calls return empty pages.

        Call it when the view goes away, so no request runs on for nobody.
        """
        self._closed = True
        task, self._pending = self._pending, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._release()

    async def _fetch(self) -> _Fetched[T]:
        """Fetch the page after the current position; must not change the cursor's state."""
        raise NotImplementedError

    def _advance(self, fetched: _Fetched[T]) -> None:
        """Move the position past a page that is being handed over."""

    async def _release(self) -> None:
        """Free what the subclass holds open."""


class _UrlCursor(PageCursor[T]):
    """A cursor whose whole position is the next-page URL (or v1 page token)."""

    def __init__(self) -> None:
        super().__init__()
        self._next: str | None = None
        self._seen: set[str] = set()

    def _page_of(self, models: list[T], next_position: str | None, total: int | None = None) -> _Fetched[T]:
        # Stop on a cursor already followed: paging would loop (the SDK's own _CursorGuard rule).
        has_more = bool(next_position) and next_position not in self._seen and next_position != self._next
        return _Fetched(models, has_more, next_position, total)

    def _advance(self, fetched: _Fetched[T]) -> None:
        if self._next is not None:
            self._seen.add(self._next)
        self._next = fetched.next_position


async def _list_size(client: AsyncAffinity, list_id: ListId) -> int | None:
    """The list's entry count (v1; the SDK caches it 5 minutes), or None if Affinity won't say."""
    try:
        return await client.lists.get_size(list_id)
    except Exception:  # noqa: BLE001 - a nicety: the page's own request reports real failures
        return None


class EntriesCursor(_UrlCursor[ListEntryWithEntity]):
    """Every entry of a list, with the values of ``field_ids`` (or of every field of
    ``field_types``), in Affinity's order.

    First page ``lists.entries(id).list(field_ids=..., limit=100)``, then
    ``list(cursor=next_url)``. ``total`` is ``known_total`` when the caller knows the list's size,
    else it comes from ``lists.get_size`` (fetched alongside the first page).
    """

    def __init__(self, client: AsyncAffinity, list_id: ListId, field_ids: Sequence[str] = (),
                 *, field_types: Sequence[FieldType] = (), known_total: int | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._client = client
        self.list_id = list_id
        self._field_ids = as_field_ids(field_ids)
        self._field_types = list(field_types)
        self._known_total = known_total
        self._page_size = page_size

    async def _fetch(self) -> _Fetched[ListEntryWithEntity]:
        entries = self._client.lists.entries(self.list_id)
        if self._next is None:
            first = entries.list(field_ids=self._field_ids or None, field_types=self._field_types or None,
                                 limit=self._page_size)
            total: int | None = self._known_total
            if total is not None:
                page = await first
            else:
                page, total = await asyncio.gather(first, _list_size(self._client, self.list_id))
            return self._page_of(kept(page).data, page.next_cursor, total)
        page = kept(await entries.list(cursor=self._next))
        return self._page_of(page.data, page.next_cursor)


class SavedViewCursor(_UrlCursor[ListEntryWithEntity]):
    """The entries of a saved view, filtered and with the view's columns, as Affinity serves them.

    ``total`` stays unknown: Affinity doesn't count a view's entries.
    """

    def __init__(self, client: AsyncAffinity, list_id: ListId, view_id: SavedViewId,
                 *, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._client = client
        self.list_id = list_id
        self.view_id = view_id
        self._page_size = page_size

    async def _fetch(self) -> _Fetched[ListEntryWithEntity]:
        models, next_url = await saved_view_page(self._client, self.list_id, self.view_id,
                                                       self._next, limit=self._page_size)
        return self._page_of(models, next_url)


class EntityCursor(_UrlCursor[Entity]):
    """People, companies or opportunities: all of them, or those matching a search term.

    No term: v2 ``persons.list(limit=100)`` then ``list(cursor=...)`` (the requests
    ``persons.pages()`` makes, with the position kept here), with the values of ``field_ids``
    (not for opportunities, which have no fields outside their list).

    With a term: v1 ``persons.search`` / ``companies.search`` / ``opportunities.search``,
    paged by ``page_token``. Affinity matches the term server-side: people by name or email
    address, companies by name or domain, opportunities by name. v1 search results carry no
    field values (their cells show as not fetched).
    """

    def __init__(self, client: AsyncAffinity, kind: EntityKind, term: str | None = None,
                 *, field_ids: Sequence[str] = (), field_types: Sequence[FieldType] = (),
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._client = client
        self.kind = kind
        self.term = (term or "").strip() or None
        self._field_ids = as_field_ids(field_ids)
        self._field_types = list(field_types)
        """Every field of these types (the columns are picked once their metadata is known)."""
        self._page_size = page_size

    async def _fetch(self) -> _Fetched[Entity]:
        page: PaginatedResponse[Person] | PaginatedResponse[Company] | PaginatedResponse[Opportunity]
        if self.term is not None:
            page = await self._search()
        elif self._next is not None:
            page = await self._service_list_cursor(self._next)
        elif self.kind == "person":
            page = await self._client.persons.list(field_ids=self._field_ids or None,
                                                   field_types=self._field_types or None, limit=self._page_size)
        elif self.kind == "company":
            page = await self._client.companies.list(field_ids=self._field_ids or None,
                                                     field_types=self._field_types or None, limit=self._page_size)
        else:
            page = await self._client.opportunities.list(limit=self._page_size)
        return self._page_of(list[Entity](kept(page).data), page.next_cursor)

    async def _service_list_cursor(self, cursor: str) -> PaginatedResponse[Any]:
        if self.kind == "person":
            return await self._client.persons.list(cursor=cursor)
        if self.kind == "company":
            return await self._client.companies.list(cursor=cursor)
        return await self._client.opportunities.list(cursor=cursor)

    async def _search(self) -> PaginatedResponse[Any]:
        assert self.term is not None
        if self.kind == "person":
            return await self._client.persons.search(self.term, page_size=self._page_size, page_token=self._next)
        if self.kind == "company":
            return await self._client.companies.search(self.term, page_size=self._page_size,
                                                       page_token=self._next)
        return await self._client.opportunities.search(self.term, page_size=self._page_size,
                                                       page_token=self._next)


# ---- filtered entries -----------------------------------------------------------------------
class _WarningsRouted(Generic[T]):
    """Await ``awaitable`` with the SDK's ``ClientSideFilterWarning`` captured, not printed.

    ``warnings.catch_warnings`` changes process-wide state, so holding it across an ``await``
    would capture (and, when two tasks leave it out of order, permanently redirect) other
    tasks' warnings. Instead the wrapped coroutine is driven one synchronous step at a time,
    with ``catch_warnings(record=True)`` around each step only: nothing else runs meanwhile.
    Other warnings caught in a step are re-issued unchanged after it.
    """

    def __init__(self, awaitable: Awaitable[T], on_warning: Callable[[warnings.WarningMessage], None]) -> None:
        self._awaitable = awaitable
        self._on_warning = on_warning

    def __await__(self) -> Generator[Any, Any, T]:
        steps: Generator[Any, Any, T] = self._awaitable.__await__()
        send: Any = None
        throw: BaseException | None = None
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ClientSideFilterWarning)
                try:
                    yielded = steps.throw(throw) if throw is not None else steps.send(send)
                    outcome: tuple[str, Any] = ("yield", yielded)
                except StopIteration as stop:
                    outcome = ("return", stop.value)
                except BaseException as error:  # noqa: BLE001 - re-raised below, after the step
                    outcome = ("raise", error)
            self._route(caught)
            kind, value = outcome
            if kind == "return":
                return cast(T, value)
            if kind == "raise":
                raise value
            try:
                send, throw = (yield value), None
            except GeneratorExit:
                steps.close()
                raise
            except BaseException as error:  # noqa: BLE001 - thrown into the wrapped coroutine
                send, throw = None, error

    def _route(self, caught: list[warnings.WarningMessage]) -> None:
        for message in caught:
            if issubclass(message.category, ClientSideFilterWarning):
                self._on_warning(message)
            else:
                warnings.warn_explicit(message.message, message.category, message.filename,
                                       message.lineno, source=message.source)


_REASON = re.compile(r"\((.*)\)\.?\s*$", re.DOTALL)


def fallback_message(sdk_message: str) -> str:
    """The user's sentence for a ``ClientSideFilterWarning``: slow, and why."""
    match = _REASON.search(sdk_message)
    reason = match.group(1) if match else ""
    if "refused" in reason:
        why = ("Affinity's search refused it; your Affinity user may lack the "
               "'Export data from Lists' permission")
    elif reason:
        why = f"{reason[0].upper()}{reason[1:]}"
    else:
        why = "Affinity's search can't answer it"
    return f"Filtering on your computer: every entry of the list is read and checked ({why})."


class FilteredEntriesCursor(PageCursor[ListEntryWithEntity]):
    """The entries of a list that match a filter, 100 matches per page, with live progress.

    Reads the SDK's filtered pages one *physical* page at a time (``sdk_gaps.filtered_entry_pages``,
    the reads behind ``lists.entries(id).pages(filter=...)``): the SDK sends what Affinity's
    search can answer (``POST .../list-entries/search``), re-checks every returned entry
    locally, and hands over each page's matches. This cursor gathers them into pages of up to
    100 matches; ``scanned`` and ``matched`` move after every request, so a slow filter shows
    progress before a page is complete (``on_progress`` is told too, synchronously, in the loop).

    When no part of the filter can go to the search, or Affinity refuses the search (403), the
    SDK reads *every* entry and filters locally, announcing it with a ``ClientSideFilterWarning``.
    That warning is captured (never printed: it would corrupt the screen) and reported as
    ``local_fallback`` / ``fallback_message``.

    The SDK's generator is held open between pages (its pages have no cursor to resume from).
    Cancelling a caller doesn't touch it (see the module docstring); but if a request fails
    inside it, the generator is finished, so the next call starts the filtered read again and
    skips the entries already handed out; ``scanned`` / ``matched`` then count the new run.

    **The request budget.** With ``scan_budget`` set, a local read that was not expected stops
    after that many requests, between two pages (no request in flight, nothing lost), and the
    caller gets `ScanPaused` at once. ``approve()`` lets it go on (the next ``next_page()``
    picks up the same fetch); ``stop()`` ends it there. A read the user already agreed to
    (``scan_budget=None``) never pauses.
    """

    def __init__(self, client: AsyncAffinity, list_id: ListId, expression: FilterExpression,
                 field_ids: Sequence[str] = (), *, page_size: int = PAGE_SIZE,
                 on_progress: Callable[[int, int], None] | None = None,
                 scan_budget: int | None = None, known_total: int | None = None) -> None:
        super().__init__()
        self._client = client
        self.list_id = list_id
        self.expression = expression
        self._field_ids = as_field_ids(field_ids)
        self._page_size = page_size
        self._on_progress = on_progress
        self.scanned = 0
        """Entries Affinity returned and the filter checked, so far."""
        self.matched = 0
        """Entries that matched, so far."""
        self.local_fallback = False
        """True when every entry of the list is being read and checked in the app (not by Affinity)."""
        self.fallback_message: str | None = None
        """Why (for the user), when ``local_fallback``."""
        self.fallback_detail: str | None = None
        """The SDK's own warning text (for logs)."""
        self.scan_budget = scan_budget
        """Requests a local read may send before it pauses to ask (None: it never pauses)."""
        self.known_total = known_total
        """The list's size, when known (for the messages)."""
        self.requests = 0
        """Requests the filtered read has sent (one per page read)."""
        self.stopped = False
        """True once the user stopped a paused read."""
        self._pages: AsyncIterator[FilteredPage] | None = None
        self._buffer: list[ListEntryWithEntity] = []
        self._read_all = False
        self._handed_out: set[int] = set()
        self._held: asyncio.Future[None] | None = None
        self._paused = asyncio.Event()

    # ---- the request budget ----------------------------------------------------------------
    @property
    def paused(self) -> bool:
        """True while a local read waits for the user's answer (``approve`` / ``stop``)."""
        return self._held is not None and not self._held.done()

    def approve(self) -> None:
        """Let a paused (or any later) local read go on to the end."""
        self.scan_budget = None
        held, self._held = self._held, None
        self._paused.clear()
        if held is not None and not held.done():
            held.set_result(None)

    async def stop(self) -> None:
        """End a paused read where it is: what was handed out stays, nothing more is read."""
        self.stopped = True
        self.exhausted = True
        await self.aclose()

    def _pause_if_over_budget(self) -> None:
        if (self.local_fallback and self.scan_budget is not None and self._held is None
                and self.requests >= self.scan_budget):
            self._held = asyncio.get_running_loop().create_future()
            self._paused.set()

    async def _wait_for(self, task: asyncio.Task[_Fetched[ListEntryWithEntity]]) -> _Fetched[ListEntryWithEntity]:
        """The fetch's result, or `ScanPaused` as soon as the read pauses (the fetch is kept)."""
        if not self._paused.is_set():
            waiter = asyncio.ensure_future(self._paused.wait())
            try:
                done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
            if task in done:
                return task.result()
        raise ScanPaused(self.scanned, self.known_total)

    # ---- reading ---------------------------------------------------------------------------
    def _warned(self, message: warnings.WarningMessage) -> None:
        self.local_fallback = True
        self.fallback_detail = str(message.message)
        self.fallback_message = fallback_message(self.fallback_detail)
        self._pause_if_over_budget()

    async def _fetch(self) -> _Fetched[ListEntryWithEntity]:
        if self._pages is None:  # a new run: counts start again, handed-out entries are skipped
            self._pages = filtered_entry_pages(self._client, self.list_id, self.expression,
                                               self._field_ids, limit=self._page_size)
            self._buffer, self._read_all = [], False
            self.scanned = self.matched = 0
            # The SDK parses each request into this page class, then hands over only the entries.
            kept(PaginatedResponse[ListEntryWithEntity](data=[]))  # type: ignore[call-arg]
        try:
            while len(self._buffer) < self._page_size and not self._read_all:
                held = self._held
                if held is not None and not held.done():
                    await held  # paused between two pages: nothing is in flight
                try:
                    matched, scanned, next_token = await _WarningsRouted(anext(self._pages), self._warned)
                except StopAsyncIteration:
                    self._read_all = True
                    break
                self.requests += 1
                self.scanned += scanned
                self.matched += len(matched)
                self._buffer.extend(matched)
                self._read_all = next_token is None
                self._pause_if_over_budget()
                if self._on_progress is not None:
                    self._on_progress(self.scanned, self.matched)
        except asyncio.CancelledError:
            raise  # stopped from outside (aclose): _release closes the generator
        except BaseException:
            self._pages = None  # an exception finished the generator: start over next time
            raise
        page, self._buffer = self._buffer[:self._page_size], self._buffer[self._page_size:]
        has_more = bool(self._buffer) or not self._read_all
        fresh = [entry for entry in page if int(entry.id) not in self._handed_out]
        return _Fetched(fresh, has_more, total=None if has_more else self.matched)

    def _advance(self, fetched: _Fetched[ListEntryWithEntity]) -> None:
        self._handed_out.update(int(entry.id) for entry in fetched.models)

    async def _release(self) -> None:
        pages, self._pages = self._pages, None
        closer = getattr(pages, "aclose", None)
        if closer is not None:
            await closer()
