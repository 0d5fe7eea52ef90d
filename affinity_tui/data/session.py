"""The one door to Affinity: a read-only SDK client, opened inside the app's event loop.

Screens ask the session for small frozen dataclasses, never SDK models, and get a
``UserFacingError`` for anything that goes wrong. The SDK client is created lazily on first
use, so a session can be built before the loop runs (``affinity-tui --demo``, snapshot tests)
and still bind to the loop that uses it (an SDK client breaks across loops).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx
from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId, ListType, TenantId, UserId

from ..config import Secret, Settings
from .errors import UserFacingError, translate

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
        self._opening: asyncio.Lock | None = None
        self._closed = False

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

            sizes = await asyncio.gather(*(size_of(lst.id) for lst in found))
        return [ListSummary(id=lst.id, name=lst.name, type=_list_type_word(lst.type), owner_id=lst.owner_id,
                            is_public=lst.is_public, size=size)
                for lst, size in zip(found, sizes, strict=True)]

    # ---- lifecycle -------------------------------------------------------------------------
    async def close(self) -> None:
        """Close the client for good (a closed SDK client would silently reopen)."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    @asynccontextmanager
    async def _call(self) -> AsyncIterator[AsyncAffinity]:
        """The client, with a deadline, and every failure turned into a ``UserFacingError``.

        ``from None`` drops the SDK exception from the chain, so a traceback of the error
        carries no SDK frames (whose locals hold the key).
        """
        try:
            async with asyncio.timeout(CALL_DEADLINE_SECONDS):
                yield await self._open()
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
                    policies=Policies(write=WritePolicy.DENY))
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
