"""The session's cache: what the screens showed, kept on disk per tenant and user, read back first.

Every call runs on one thread of its own (SQLite, JSON and compression never run in the event
loop) and none raises: a cache that cannot be read answers "nothing cached", one that cannot be
written drops the write, and a damaged file is set aside and rebuilt (``store``). Reads wait for
the file to be opened; writes are queued and return at once (``flush`` waits for them).

Which file: the key's fingerprint leads to it (``identity``). Until ``whoami`` has confirmed a key
that is not known yet, nothing is read and writes wait; ``adopt`` then opens (or creates) the
tenant's and user's file and writes them, ``forget_key`` (Affinity refused the key) drops them
and stops using the cache for this session.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from affinity.models.entities import FieldMetadata

from ...config import Secret
from ..rows import Column, Row
from . import codec
from ..private_files import private_folder
from .identity import KeyIndex, key_fingerprint, tenant_db_name
from .store import BUSY_TIMEOUT_MS, CacheFile, Seen, set_aside

T = TypeVar("T")
DEFAULT_METADATA_SECONDS = 600.0
"""Lists, views, owners and field metadata are used without asking Affinity for this long."""
DEFAULT_DATA_SECONDS = 60.0
"""Rows and records shown less than this long after Affinity gave them are not asked again."""
MAX_PENDING = 5000
"""Writes kept while the key is not confirmed yet (a cold start before ``whoami`` answers)."""
SEARCH_KINDS = ("person", "company", "opportunity")
PREFETCH_PAGES = 100
"""Pages read ahead at start to reach the row a resumed list was left on (10,000 rows)."""


@dataclass(frozen=True, slots=True)
class Cached(Generic[T]):
    """A value from the cache and when Affinity gave it (seconds since the epoch)."""

    value: T
    fetched_at: float


@dataclass(frozen=True, slots=True)
class CachedQuery:
    """A cached table query: its columns, size and when Affinity gave them."""
    columns: tuple[Column, ...]
    total: int | None
    fetched_at: float


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A cached page of rows, decoded, with where the next page starts."""
    rows: list[Row]
    position: str | None
    """Where the page after this one starts (path and query of the cursor URL)."""
    has_more: bool
    fetched_at: float


def seen_in_rows(rows: Sequence[Row]) -> list[Seen]:
    """The people, companies and opportunities a page of rows names (for the local search)."""
    return [Seen(row.entity_type, row.entity_id, row.cells[0], " ".join(row.extra.values()))
            for row in rows if row.entity_type in SEARCH_KINDS and row.entity_id > 0 and row.cells]


class TenantCache:
    """One session's view of the cache directory (see the module docstring)."""

    def __init__(self, directory: Path, api_key: Secret, *, metadata_seconds: float = DEFAULT_METADATA_SECONDS,
                 data_seconds: float = DEFAULT_DATA_SECONDS, clock: Callable[[], float] = time.time,
                 use_fts: bool | None = None) -> None:
        self.directory = directory
        self.metadata_seconds = metadata_seconds
        self.data_seconds = data_seconds
        self.clock = clock
        self._use_fts = use_fts
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="affinity-tui-cache")
        self._file: CacheFile | None = None
        self._fingerprint: str | None = None
        self._decided = False
        """True once it is known whether this key has a file (found, adopted or forgotten)."""
        self._forgotten = False
        self._pending: list[Callable[[CacheFile], None]] = []
        self._closed = False
        self._memo: dict[tuple[Any, ...], Any] = {}
        """What ``prefetch`` read at start, decoded, for the first paint (dropped when written)."""
        self._prefetched: Future[None] | None = None
        self.problems: list[str] = []
        """What went wrong with the file this session (set aside, unreadable), for logs and tests."""
        self._located: Future[None] = self._executor.submit(self._locate, api_key.reveal())

    # ---- identity (runs on the cache thread) ------------------------------------------------
    def _locate(self, api_key: str) -> None:
        try:
            self._fingerprint = key_fingerprint(self.directory, api_key)
            name = KeyIndex(self.directory).lookup(self._fingerprint)
            if name is None:
                return
            file = self._open(self.directory / name)
            if file is not None and file.has_key(self._fingerprint):
                self._file = file
                self._decided = True
            elif file is not None:
                file.close()
        except (OSError, sqlite3.Error) as error:
            self.problems.append(f"cache not opened: {error}")

    def _open(self, path: Path) -> CacheFile | None:
        try:
            private_folder(path.parent)
            file = CacheFile.open_or_rebuild(path, use_fts=self._use_fts)
            if file.rebuilt:
                self.problems.append(f"{path.name} could not be used: set aside and rebuilt")
            return file
        except (OSError, sqlite3.Error) as error:
            self.problems.append(f"cache not opened: {error}")
            return None

    def _adopt(self, tenant: Any) -> None:
        fingerprint = self._fingerprint
        if fingerprint is None or self._forgotten:
            return
        name = tenant_db_name(int(tenant.tenant_id), int(tenant.user_id))
        if self._file is None or self._file.path.name != name:
            if self._file is not None:
                self._file.close()
            self._file = self._open(self.directory / name)
        file = self._file
        self._decided = True
        if file is None:
            self._pending.clear()
            return
        stamp = self.clock()

        def confirm(f: CacheFile) -> None:
            f.add_key(fingerprint)
            f.put_meta("tenant", codec.encode_tenant(tenant), stamp)

        self._guarded(confirm)
        KeyIndex(self.directory).remember(fingerprint, name)
        pending, self._pending = self._pending, []
        for write in pending:
            self._guarded(write)

    def _forget(self) -> None:
        self._forgotten = True
        self._decided = True
        self._pending.clear()
        fingerprint = self._fingerprint
        if fingerprint is not None:
            try:
                KeyIndex(self.directory).forget(fingerprint)
            except OSError:
                pass
            if self._file is not None:
                self._guarded(lambda f: f.remove_key(fingerprint))
        if self._file is not None:
            self._file.close()
            self._file = None

    def _guarded(self, work: Callable[[CacheFile], T], default: T | None = None) -> T | None:
        """Run ``work`` on the open file; a damaged file is set aside and rebuilt."""
        file = self._file
        if file is None:
            return default
        try:
            return work(file)
        except codec.CacheFormatError as error:
            self.problems.append(f"unreadable entry: {error}")
            return default
        except sqlite3.OperationalError as error:
            if not any(word in str(error) for word in ("locked", "busy")):  # disk full, read-only: skip
                self.problems.append(f"cache write skipped: {error}")
                return default
            return self._rebuild(file, f"still locked after {BUSY_TIMEOUT_MS} ms", default)
        except sqlite3.DatabaseError as error:  # damaged: start again
            return self._rebuild(file, f"damaged ({error})", default)
        except (TypeError, ValueError, OSError) as error:
            self.problems.append(f"cache write skipped: {error}")
            return default

    def _rebuild(self, file: CacheFile, why: str, default: T | None) -> T | None:
        """Set a file that cannot be used aside and start a new one in its place."""
        self.problems.append(f"{file.path.name} {why}: set aside and rebuilt")
        file.close()
        set_aside(file.path)
        self._file = self._open(file.path)
        if self._file is not None and self._fingerprint is not None:
            try:
                self._file.add_key(self._fingerprint)
            except sqlite3.Error:
                pass
        return default

    # ---- the doors ---------------------------------------------------------------------------
    async def ready(self) -> bool:
        """Wait until the file for this key is open; True when there is one."""
        await asyncio.wrap_future(self._located)
        return self._file is not None

    @property
    def known(self) -> bool:
        """True while a file confirmed for this key is open (no wait)."""
        return self._located.done() and self._file is not None

    def prefetch(self, queries: Sequence[tuple[str, int | None]] = ()) -> None:
        """Read, on the cache's thread and while the rest of the app is still being imported, what
        a warm start paints first: who is signed in, the lists, and the first pages of
        ``queries`` (query, the row to reach or None), decoded. The first reads are then answered
        from memory instead of waiting for the thread behind a busy event loop."""
        wanted = list(queries)

        def read_all(file: CacheFile) -> None:
            for name in ("tenant", "lists"):
                found = file.get_meta(name)
                if found is not None:
                    self._memo[("meta", name)] = found
            for query, stop in wanted:
                stored = file.get_query(query)
                if stored is None:
                    continue
                cached = CachedQuery(codec.decode_columns(codec.unpack(stored.columns)), stored.total,
                                     stored.fetched_at)
                self._memo[("query", query)] = cached
                for number in range(1, PREFETCH_PAGES + 1):
                    page = file.get_page(query, number)
                    if page is None:
                        break
                    rows = codec.decode_rows(page.rows, cached.columns)
                    self._memo[("page", query, number)] = CachedPage(rows, page.position, page.has_more,
                                                                      page.fetched_at)
                    if not page.has_more or (stop is None and number >= 2) or \
                            (stop is not None and any(row.key == stop for row in rows)):
                        break

        def read() -> None:
            self._guarded(read_all)

        try:
            self._prefetched = self._executor.submit(read)
        except RuntimeError:
            pass

    async def _remembered(self, key: tuple[Any, ...]) -> tuple[bool, Any]:
        """(True, value) when ``prefetch`` read it (once for pages, until written for metadata)."""
        if self._prefetched is None or self._closed or (self._located.done() and self._file is None):
            return False, None
        if not self._prefetched.done():
            await asyncio.wrap_future(self._prefetched)
        if key not in self._memo:
            return False, None
        return True, self._memo.pop(key) if key[0] == "page" else self._memo[key]

    def _forget_memo(self, key: tuple[Any, ...]) -> None:
        self._memo.pop(key, None)

    async def _read(self, work: Callable[[CacheFile], T]) -> T | None:
        if self._closed or (self._located.done() and self._file is None):
            return None  # no file for this key (yet): nothing to wait for
        await asyncio.wrap_future(self._located)
        if self._file is None:
            return None
        try:
            return await asyncio.wrap_future(self._executor.submit(self._guarded, work))
        except RuntimeError:  # closed meanwhile
            return None

    def _write(self, work: Callable[[CacheFile], None]) -> None:
        if self._closed or self._forgotten:
            return

        def run() -> None:
            if self._file is not None:
                self._guarded(work)
            elif not self._decided and not self._forgotten and len(self._pending) < MAX_PENDING:
                self._pending.append(work)

        try:
            self._executor.submit(run)
        except RuntimeError:  # closed meanwhile
            pass

    async def flush(self) -> None:
        """Wait for every write queued so far."""
        if not self._closed:
            await asyncio.wrap_future(self._executor.submit(lambda: None))

    async def adopt(self, tenant: Any) -> None:
        """``whoami`` confirmed the key: use (or create) its tenant's and user's file."""
        if not self._closed:
            await asyncio.wrap_future(self._located)
            await asyncio.wrap_future(self._executor.submit(self._adopt, tenant))

    async def forget_key(self) -> None:
        """Affinity refused the key: it leads to no cached data any more, now or next time."""
        if not self._closed:
            await asyncio.wrap_future(self._located)
            await asyncio.wrap_future(self._executor.submit(self._forget))

    def close(self) -> None:
        """Finish queued writes and close the file (blocks briefly: call at exit)."""
        if self._closed:
            return
        self._closed = True

        def shut() -> None:
            if self._file is not None:
                self._file.close()
                self._file = None

        try:
            self._executor.submit(shut)
        finally:
            self._executor.shutdown(wait=True)

    # ---- freshness ----------------------------------------------------------------------------
    def age(self, fetched_at: float) -> float:
        """Seconds since ``fetched_at`` (never negative)."""
        return max(0.0, self.clock() - fetched_at)

    def metadata_fresh(self, cached: Cached[Any] | None) -> bool:
        """Whether cached metadata is young enough to use without asking Affinity."""
        return cached is not None and self.age(cached.fetched_at) < self.metadata_seconds

    def data_fresh(self, fetched_at: float) -> bool:
        """Whether rows or a record Affinity gave at ``fetched_at`` are shown without asking again."""
        return self.age(fetched_at) < self.data_seconds

    # ---- metadata -----------------------------------------------------------------------------
    async def _meta(self, name: str, decode: Callable[[bytes], T]) -> Cached[T] | None:
        def read(file: CacheFile) -> Cached[T] | None:
            found = file.get_meta(name)
            return Cached(decode(found[0]), found[1]) if found else None

        known, found = await self._remembered(("meta", name))
        if known:
            try:
                return Cached(decode(found[0]), found[1])
            except codec.CacheFormatError:
                return None
        return await self._read(read)

    def _put_meta(self, name: str, encode: Callable[[], bytes]) -> None:
        self._forget_memo(("meta", name))
        stamp = self.clock()
        self._write(lambda file: file.put_meta(name, encode(), stamp))

    async def tenant(self) -> Cached[Any] | None:
        """Who was signed in with this key, or None."""
        return await self._meta("tenant", codec.decode_tenant)

    async def lists(self) -> Cached[list[Any]] | None:
        """The lists as last shown (views and owners' names included), or None."""
        return await self._meta("lists", codec.decode_lists)

    def save_lists(self, lists: Sequence[Any]) -> None:
        """Keep the lists as shown now (queued; returns at once)."""
        kept = list(lists)
        self._put_meta("lists", lambda: codec.encode_lists(kept))

    async def fields(self, name: str) -> Cached[list[FieldMetadata]] | None:
        """Field metadata kept under ``name`` (``list:<id>``, ``entity:<kind>``, ``options:<id>``), or None."""
        return await self._meta(f"fields:{name}", codec.decode_fields)

    def save_fields(self, name: str, fields: Sequence[FieldMetadata]) -> None:
        """Keep field metadata under ``name`` (queued)."""
        kept = list(fields)
        self._put_meta(f"fields:{name}", lambda: codec.encode_fields(kept))

    # ---- pages ----------------------------------------------------------------------------------
    async def query(self, query: str) -> CachedQuery | None:
        """A table query's columns and size, or None."""
        known, found = await self._remembered(("query", query))
        if known:
            return found  # type: ignore[no-any-return]

        def read(file: CacheFile) -> CachedQuery | None:
            found = file.get_query(query)
            if found is None:
                return None
            return CachedQuery(codec.decode_columns(codec.unpack(found.columns)), found.total, found.fetched_at)

        return await self._read(read)

    async def page(self, query: str, number: int, columns: Sequence[Column]) -> CachedPage | None:
        """Page ``number`` of ``query``, its rows decoded for ``columns``, or None."""
        known, found = await self._remembered(("page", query, number))
        if known:
            return found  # type: ignore[no-any-return]

        def read(file: CacheFile) -> CachedPage | None:
            found = file.get_page(query, number)
            if found is None:
                return None
            return CachedPage(codec.decode_rows(found.rows, columns), found.position, found.has_more,
                              found.fetched_at)

        return await self._read(read)

    def save_page(self, query: str, number: int, rows: Sequence[Row], position: str | None, has_more: bool, *,
                  columns: Sequence[Column] | None = None, total: int | None = None) -> None:
        """Store a page as fetched now; ``columns`` (page 1 only) replaces the query's other pages."""
        kept, stamp = list(rows), self.clock()
        cols = tuple(columns) if columns is not None else None
        self._forget_memo(("page", query, number))
        if cols is not None:
            self._memo = {k: v for k, v in self._memo.items() if k[:2] not in (("query", query), ("page", query))}

        def write(file: CacheFile) -> None:
            file.put_page(query, number, codec.encode_rows(kept), position, has_more, stamp,
                          codec.pack(codec.encode_columns(cols)) if cols is not None else None, total,
                          seen_in_rows(kept))

        self._write(write)

    def drop_query(self, query: str) -> None:
        """Forget a query and its pages (queued)."""
        self._write(lambda file: file.drop_query(query))

    # ---- details --------------------------------------------------------------------------------
    async def detail(self, kind: str, entity_id: int, part: str) -> Cached[Any] | None:
        """One part of a record (``profile``, ``notes``, ``reminders``, ``interactions``), or None."""
        def read(file: CacheFile) -> Cached[Any] | None:
            found = file.get_detail(kind, int(entity_id), part)
            return Cached(codec.decode_detail(part, found[0]), found[1]) if found else None

        return await self._read(read)

    def save_detail(self, kind: str, entity_id: int, part: str, value: Any) -> None:
        """Keep one part of a record as shown now (queued)."""
        stamp = self.clock()

        def write(file: CacheFile) -> None:
            seen: list[Seen] = []
            if part == "profile" and value.name:
                seen.append(Seen(kind, int(entity_id), value.name, " ".join((*value.emails, *value.domains))))
            file.put_detail(kind, int(entity_id), part, codec.encode_detail(part, value), stamp, seen)

        self._write(write)

    # ---- local search ----------------------------------------------------------------------------
    async def search(self, text: str, kind: str | None = None, limit: int = 50) -> list[Seen]:
        """People, companies or opportunities seen so far that match ``text`` (see ``CacheFile.search``)."""
        found = await self._read(lambda file: file.search(text, kind, limit))
        return found or []

    def index(self, seen: Sequence[Seen]) -> None:
        """Add people, companies or opportunities to the local search (e.g. Affinity's search results)."""
        kept = list(seen)
        self._write(lambda file: file.index(kept))
