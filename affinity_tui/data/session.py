"""The one door to Affinity: a read-only SDK client, opened inside the app's event loop.

Screens ask the session for small frozen dataclasses, never SDK models, and get a
``UserFacingError`` for anything that goes wrong. The SDK client is created lazily on first
use, so a session can be built before the loop runs (``affinity-tui --demo``, snapshot tests)
and still bind to the loop that uses it (an SDK client breaks across loops).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx
from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId, ListType, PersonId, SavedViewId, TenantId, UserId

from ..config import Secret, Settings
from .errors import UserFacingError, translate
from .fields import FieldCatalog
from .ratelimits import RateLimitTracker

MAX_RETRIES = 1
"""One retry for a blip; more would keep the user waiting (each 429 sleeps its full Retry-After)."""
REQUEST_TIMEOUT_SECONDS = 20.0
CALL_DEADLINE_SECONDS = 45.0
"""Upper bound for one session call, retries and rate-limit sleeps included."""
SIZE_CONCURRENCY = 8
"""List sizes are one v1 request per list; a tenant may have hundreds of lists."""


@dataclass(frozen=True)
class TenantInfo:
    """Who is signed in, to which Affinity tenant."""

    tenant_id: TenantId
    tenant_name: str
    subdomain: str
    user_id: UserId
    user_name: str
    user_email: str


@dataclass(frozen=True)
class ListSummary:
    """One Affinity list as the lists screen shows it."""

    id: ListId
    name: str
    type: str
    """What the list holds: "person", "company" or "opportunity" ("unknown" if Affinity adds one)."""
    owner_id: UserId
    is_public: bool
    size: int | None
    """Number of entries; None when Affinity would not say for this list."""
    owner_name: str = ""
    """The owner's name, or "" when Affinity would not say."""
    views: tuple[SavedViewSummary, ...] = ()
    """The list's saved views (sheet views can be opened as a server-side filtered table)."""


@dataclass(frozen=True)
class SavedViewSummary:
    id: SavedViewId
    name: str
    type: str
    """"sheet", "board" or "dashboard": only sheet views list entries."""


class EmulatedTenant(Protocol):
    """What the session needs from ``affinity_tui.emulator.Emulator`` (not imported here)."""

    api_key: str
    v1_base_url: str
    v2_base_url: str

    def transport(self) -> httpx.AsyncBaseTransport: ...


class AffinitySession:
    """A read-only connection to one Affinity tenant (``WritePolicy.DENY``)."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._client: AsyncAffinity | None = None
        self._writer: AsyncAffinity | None = None
        self._opening: asyncio.Lock | None = None
        self._closed = False
        self.rate = RateLimitTracker()
        """Rate-limit budgets, updated after every response (the footer subscribes)."""
        self._catalog: FieldCatalog | None = None

    @classmethod
    def for_emulator(cls, emulator: EmulatedTenant, *, api_key: str | None = None) -> AffinitySession:
        """A session on an in-process emulator; ``api_key`` overrides the emulator's own key."""
        settings = Settings(api_key=Secret(emulator.api_key if api_key is None else api_key),
                            v1_base_url=emulator.v1_base_url, v2_base_url=emulator.v2_base_url,
                            key_source="the demo emulator")
        return cls(settings, transport=emulator.transport())

    @property
    def secrets(self) -> tuple[Secret, ...]:
        """Values that must never be shown (crash reports scrub them)."""
        return (self.settings.api_key,)

    # ---- reads -----------------------------------------------------------------------------
    async def whoami(self) -> TenantInfo:
        async with self._call() as client:
            me = await client.whoami()
        name = " ".join(part for part in (me.user.first_name, me.user.last_name) if part)
        return TenantInfo(tenant_id=me.tenant.id, tenant_name=me.tenant.name, subdomain=me.tenant.subdomain,
                          user_id=me.user.id, user_name=name, user_email=me.user.email)

    async def lists(self) -> list[ListSummary]:
        """Every list the user can see, with its size (sizes fetched concurrently)."""
        async with self._call() as client:
            found = [lst async for page in client.lists.pages() for lst in page.data]
            gate = asyncio.Semaphore(SIZE_CONCURRENCY)

            async def size_of(list_id: ListId) -> int | None:
                async with gate:
                    try:
                        return await client.lists.get_size(list_id)
                    except (sdk.NotFoundError, sdk.AuthorizationError):
                        return None

            async def views_of(list_id: ListId) -> tuple[SavedViewSummary, ...]:
                async with gate:
                    try:
                        page = await client.lists.get_saved_views(list_id)
                    except (sdk.NotFoundError, sdk.AuthorizationError):
                        return ()
                    return tuple(SavedViewSummary(id=v.id, name=v.name, type=str(v.type)) for v in page.data)

            async def name_of(person_id: UserId) -> str:
                async with gate:
                    try:
                        p = await client.persons.get(PersonId(int(person_id)))
                    except (sdk.NotFoundError, sdk.AuthorizationError):
                        return ""
                    return " ".join(part for part in (p.first_name, p.last_name) if part)

            owner_ids = sorted({lst.owner_id for lst in found})
            sizes, views, names = await asyncio.gather(
                asyncio.gather(*(size_of(lst.id) for lst in found)),
                asyncio.gather(*(views_of(lst.id) for lst in found)),
                asyncio.gather(*(name_of(o) for o in owner_ids)))
        owners = dict(zip(owner_ids, names, strict=True))
        return [ListSummary(id=lst.id, name=lst.name, type=_list_type_word(lst.type), owner_id=lst.owner_id,
                            is_public=lst.is_public, size=size, owner_name=owners.get(lst.owner_id, ""),
                            views=view_list)
                for lst, size, view_list in zip(found, sizes, views, strict=True)]

    # ---- the doors the screens' loaders use -------------------------------------------------
    def reading(self) -> AbstractAsyncContextManager[AsyncAffinity]:
        """``async with session.reading() as client:`` — the read-only client, with a deadline,
        and every failure turned into a ``UserFacingError`` (see ``_call``). Cursors built on
        the client must be advanced inside ``reading()`` too, for the same translation."""
        return self._call()

    async def catalog(self) -> FieldCatalog:
        """Field metadata, fetched once per session per list or entity kind."""
        if self._catalog is None:
            async with self._call() as client:
                self._catalog = FieldCatalog(client)
        return self._catalog

    # ---- write lock ------------------------------------------------------------------------
    @property
    def write_mode(self) -> bool:
        """True only between `unlock()` and `lock()`; the app starts locked."""
        return self._writer is not None

    async def unlock(self) -> None:
        """Open a separate client that may write. Reads keep using the read-only client, so
        no read path can ever send a write; only code that asks for `writer()` can."""
        if self._closed:
            raise RuntimeError("This AffinitySession is closed.")
        if self._writer is None:
            self._writer = AsyncAffinity(
                self.settings.api_key.reveal(), v1_base_url=self.settings.v1_base_url,
                v2_base_url=self.settings.v2_base_url,
                async_transport=self._transport or await asyncio.to_thread(_network_transport),
                max_retries=0, timeout=REQUEST_TIMEOUT_SECONDS, on_event=self.rate.on_event,
                policies=Policies(write=WritePolicy.ALLOW))

    async def lock(self) -> None:
        """Back to read-only: the write client is closed and forgotten."""
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer.close()

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncAffinity]:
        """The write client, for a confirmed write action; refused while locked."""
        if self._writer is None:
            raise UserFacingError("affinity-tui is locked (read-only)",
                                  "Press w and confirm to unlock write mode first. Nothing was sent.")
        async with self._translating():
            yield self._writer

    # ---- lifecycle -------------------------------------------------------------------------
    async def close(self) -> None:
        """Close the clients for good (a closed SDK client would silently reopen)."""
        self._closed = True
        await self.lock()
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    @asynccontextmanager
    async def _call(self) -> AsyncIterator[AsyncAffinity]:
        """The read-only client, with a deadline, and every failure a ``UserFacingError``."""
        async with self._translating():
            yield await self._open()

    @asynccontextmanager
    async def _translating(self) -> AsyncIterator[None]:
        """A deadline, and every failure inside turned into a ``UserFacingError``.

        ``from None`` drops the SDK exception from the chain, so a traceback of the error
        carries no SDK frames (whose locals hold the key).
        """
        try:
            async with asyncio.timeout(CALL_DEADLINE_SECONDS):
                yield
        except UserFacingError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure reaches the user as a message
            raise translate(error, key=self.settings.api_key, key_source=self.settings.key_source,
                            base_url=self.settings.v2_base_url) from None

    async def _open(self) -> AsyncAffinity:
        if self._closed:
            raise RuntimeError("This AffinitySession is closed.")
        if self._client is not None:
            return self._client
        self._opening = self._opening or asyncio.Lock()
        async with self._opening:
            if self._client is None:
                transport = self._transport or await asyncio.to_thread(_network_transport)
                self._client = AsyncAffinity(
                    self.settings.api_key.reveal(), v1_base_url=self.settings.v1_base_url,
                    v2_base_url=self.settings.v2_base_url, async_transport=transport,
                    max_retries=MAX_RETRIES, timeout=REQUEST_TIMEOUT_SECONDS,
                    on_event=self.rate.on_event, policies=Policies(write=WritePolicy.DENY))
                self.rate.bind(self._client.rate_limits.snapshot)
            return self._client


def _network_transport() -> httpx.AsyncHTTPTransport:
    """The real HTTP transport, built off the loop: its SSL context takes ~30 ms of CPU, which
    the SDK would otherwise spend inside the event loop on the first request. Same pool limits
    as the SDK's own client."""
    return httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30))


def _list_type_word(value: int) -> str:
    kind = ListType(value)
    return "unknown" if kind.name.startswith("UNKNOWN") else kind.name.lower()
