"""The one door to Affinity: a read-only SDK client, opened inside the app's event loop.

Screens ask the session for small frozen dataclasses, never SDK models, and get a
``UserFacingError`` for anything that goes wrong. The SDK client is created lazily on first
use, so a session can be built before the loop runs (``affinity-tui --demo``, snapshot tests)
and still bind to the loop that uses it (an SDK client breaks across loops).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import httpx
from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.hooks import ResponseHeadersReceived
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId, TenantId, UserId

from ..config import Secret, Settings
from .connectivity import GATEWAY_STATUSES, Connectivity, UnreachableError, is_unreachable
from .costs import DEFAULT_ASK_ABOVE
from .errors import UserFacingError, translate, unreadable_answer
from .fields import FieldCatalog, FieldSet
from .ratelimits import RateLimitTracker
from .transport import GuardedTransport, RateWait
from .sources.lists import ListDirectory
from .writes.core import ChangeFeed, UndoOffer, WriteAction, WriteDone, WriteFailed, WriteLocked, WriteUncertain

if TYPE_CHECKING:
    from .cache import TenantCache

MAX_RETRIES = 1
"""One retry for a blip; more would keep the user waiting (each 429 sleeps its full Retry-After)."""
REQUEST_TIMEOUT_SECONDS = 20.0
CALL_DEADLINE_SECONDS = 45.0
"""Upper bound for one session call, retries and rate-limit sleeps included."""
WRITE_DEADLINE_SECONDS = 30.0
PAINT_WAIT_SECONDS = 3.0
"""Upper bound for one write; past it the write's fate is read back (``WriteAction.landed``)."""


@dataclass(frozen=True)
class TenantInfo:
    """Who is signed in, to which Affinity tenant."""

    tenant_id: TenantId
    tenant_name: str
    subdomain: str
    user_id: UserId
    user_name: str
    user_email: str


class EmulatedTenant(Protocol):
    """What the session needs from ``affinity_tui.emulator.Emulator`` (not imported here)."""

    api_key: str
    v1_base_url: str
    v2_base_url: str

    def transport(self) -> httpx.AsyncBaseTransport:
        """The httpx transport that answers in-process, without a socket."""
        ...


class AffinitySession:
    """A connection to one Affinity tenant: a read client built with ``WritePolicy.DENY``, and a
    second client that may write only between ``unlock()`` and ``lock()``.

    Every read through ``reading()`` raises ``UserFacingError`` (never an SDK exception); writes
    go through ``write()``. See docs/architecture.md, "The lock"."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None, cache: TenantCache | None = None) -> None:
        self.settings = settings
        self.cache = cache
        """What earlier sessions of this tenant and user showed, read first (None: ``--no-cache``)."""
        self.connection = Connectivity()
        """Whether Affinity answers (the app says so when it stops and when it is back)."""
        self.painted = asyncio.Event()
        """Set once the first screen is painted: background revalidation waits for it, so a warm
        start sends nothing before its first paint."""
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        """"Now" for relative reads (interactions of the last year, due dates); fixed in tests."""
        self.tenant: TenantInfo | None = None
        """Who is signed in, once ``whoami`` answered."""
        self.lists: ListDirectory = ListDirectory(self)
        """Every list the user can see, read once per session (``R`` on the lists screen reads
        them again); the command palette reads it without a request."""
        self.changes = ChangeFeed()
        """Effects of every confirmed write, for the screens that show what changed."""
        self.undo: UndoOffer | None = None
        """The last change's undo while it is offered (``u``)."""
        self.names: dict[int, str] = {}
        """People's names by person id, as far as reads have told them (the signed-in user,
        list owners, reminder owners), so a screen can name people without asking again."""
        self._transport = transport
        self._client: AsyncAffinity | None = None
        self._writer: AsyncAffinity | None = None
        self._opening: asyncio.Lock | None = None
        self._prepared: concurrent.futures.Future[httpx.AsyncHTTPTransport] | None = None
        self._closed = False
        self.rate = RateLimitTracker()
        """Rate-limit budgets, updated after every response (the footer subscribes)."""
        self.wait = RateWait(on_blocked=self.rate.blocked)
        """The wait Affinity asked for with a 429; no request is sent while it lasts."""
        self._catalog: FieldCatalog | None = None
        self.ask_above = DEFAULT_ASK_ABOVE
        """Reads estimated above this many requests state their cost and ask first
        (``[budget] ask_above`` in config.toml; ``data/costs.py``)."""

    @classmethod
    def for_emulator(cls, emulator: EmulatedTenant, *, api_key: str | None = None,
                     clock: Callable[[], datetime] | None = None,
                     cache: TenantCache | None = None) -> AffinitySession:
        """A session on an in-process emulator; ``api_key`` overrides the emulator's own key."""
        settings = Settings(api_key=Secret(emulator.api_key if api_key is None else api_key),
                            v1_base_url=emulator.v1_base_url, v2_base_url=emulator.v2_base_url,
                            key_source="the demo emulator")
        return cls(settings, transport=emulator.transport(), clock=clock, cache=cache)

    @property
    def subdomain(self) -> str:
        """The tenant's web subdomain (for links to Affinity's web app); "" until known."""
        return self.tenant.subdomain if self.tenant is not None else ""

    @property
    def secrets(self) -> tuple[Secret, ...]:
        """Values that must never be shown (crash reports scrub them)."""
        return (self.settings.api_key,)

    # ---- reads -----------------------------------------------------------------------------
    async def whoami(self) -> TenantInfo:
        """Who is signed in, to which tenant (one request); kept as ``tenant``.

        Raises ``UserFacingError``."""
        async with self._call() as client:
            me = await client.whoami()
        name = " ".join(part for part in (me.user.first_name, me.user.last_name) if part)
        self.tenant = TenantInfo(tenant_id=me.tenant.id, tenant_name=me.tenant.name,
                                 subdomain=me.tenant.subdomain, user_id=me.user.id, user_name=name,
                                 user_email=me.user.email)
        if name:
            self.names[int(me.user.id)] = name
        if self.cache is not None:
            await self.cache.adopt(self.tenant)
        return self.tenant

    async def cached_tenant(self) -> tuple[TenantInfo, bool] | None:
        """Who the cache says is signed in (no request), and whether that is recent enough to skip
        ``whoami``; None without a cache for this key. Kept as ``tenant``."""
        if self.cache is None:
            return None
        cached = await self.cache.tenant()
        if cached is None or not isinstance(cached.value, TenantInfo):
            return None
        if self.tenant is None:
            self.tenant = cached.value
            if cached.value.user_name:
                self.names.setdefault(int(cached.value.user_id), cached.value.user_name)
        return cached.value, self.cache.metadata_fresh(cached)

    async def first_paint(self, timeout: float = PAINT_WAIT_SECONDS) -> None:
        """Wait for the first screen's paint (``painted``), at most ``timeout`` seconds: a screen
        that never paints (a dialog on top at start) must not hold background reads for ever."""
        try:
            async with asyncio.timeout(timeout):
                await self.painted.wait()
        except TimeoutError:
            self.painted.set()

    @property
    def offline(self) -> bool:
        """True after a request could not reach Affinity, until one does again."""
        return not self.connection.online

    async def probe(self) -> bool:
        """One request to see whether Affinity answers again (while offline); True when it does."""
        try:
            await self.whoami()
        except UnreachableError:
            return False
        except UserFacingError:
            return True  # Affinity answered, if only with an error
        return True

    # ---- the doors the screens' loaders use -------------------------------------------------
    def reading(self) -> AbstractAsyncContextManager[AsyncAffinity]:
        """``async with session.reading() as client:`` — the read-only client, with a deadline,
        and every failure inside the block raised as a ``UserFacingError`` (see ``_call``).
        Cursors built on the client must be advanced inside ``reading()`` too, for the same
        translation."""
        return self._call()

    @property
    def catalog_now(self) -> FieldCatalog | None:
        """The field-metadata cache if the client is open (no request, no await)."""
        return self._catalog

    async def catalog(self) -> FieldCatalog:
        """The session's field-metadata cache (created on first use, without a request; its
        reads fetch once per list or entity kind). Raises ``UserFacingError`` when the client
        cannot be opened."""
        if self._catalog is None:
            async with self._call() as client:
                self._catalog = FieldCatalog(client, cache=self.cache)
        return self._catalog

    async def list_fields(self, list_id: int) -> FieldSet:
        """A list's fields with every dropdown's options (``FieldCatalog.with_options``: read
        once per session, none after). Raises ``UserFacingError``."""
        catalog = await self.catalog()
        async with self._call():
            return await catalog.with_options(ListId(list_id))

    # ---- write lock ------------------------------------------------------------------------
    @property
    def write_mode(self) -> bool:
        """True only between `unlock()` and `lock()`; the app starts locked."""
        return self._writer is not None

    async def unlock(self) -> None:
        """Open a separate client that may write (no request). Reads keep using the read-only
        client, so no read path can ever send a write; only `write()` and `writer()` use it.
        Raises ``RuntimeError`` once the session is closed."""
        if self._closed:
            raise RuntimeError("This AffinitySession is closed.")
        if self.offline:
            raise UserFacingError("Affinity cannot be reached",
                                  "Write mode stays locked while offline: what you see is the cache. "
                                  "It can be unlocked once Affinity answers again.")
        if self._writer is None:
            self._writer = AsyncAffinity(
                self.settings.api_key.reveal(), v1_base_url=self.settings.v1_base_url,
                v2_base_url=self.settings.v2_base_url,
                async_transport=GuardedTransport(await self._inner_transport(), self.wait),
                max_retries=0, timeout=REQUEST_TIMEOUT_SECONDS, on_event=self._on_event,
                policies=Policies(write=WritePolicy.ALLOW))

    async def lock(self) -> None:
        """Back to read-only: the write client is closed and forgotten."""
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer.close()

    async def write(self, action: WriteAction) -> WriteDone:
        """Send one confirmed write, once; publish its effects and offer its undo.

        Raises `WriteLocked` (nothing sent), `WriteFailed` (nothing changed) or `WriteUncertain`
        (the answer was lost; a read then looked whether the change landed).
        """
        writer = self._writer
        if writer is None:
            raise WriteLocked()
        try:
            async with asyncio.timeout(WRITE_DEADLINE_SECONDS):
                done = await action.send(writer)
        except Exception as error:  # noqa: BLE001 - every failure reaches the user as a message
            if not _answer_lost(error):
                raise self._refused(error) from None
            landed = await self._landed(action)
            if landed:
                self.changes.publish(action.effects_if_landed())
            raise _uncertain(action, landed, error) from None
        self.changes.publish(done.effects)
        self.undo = UndoOffer(done.undo, done.summary) if done.undo is not None else None
        return done

    def _refused(self, error: BaseException) -> UserFacingError:
        """A write Affinity refused (or that never left): nothing changed."""
        if isinstance(error, UserFacingError):
            return error
        translated = translate(error, key=self.settings.api_key, key_source=self.settings.key_source,
                               base_url=self.settings.v2_base_url, waiting=self.wait.seconds)
        return WriteFailed(translated.title, _nothing_changed(translated.what_to_do),
                           status=translated.status, retry_after=translated.retry_after)

    async def _landed(self, action: WriteAction) -> bool | None:
        try:
            async with self._call() as client:
                return await action.landed(client)
        except Exception:  # noqa: BLE001 - could not tell
            return None

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncAffinity]:
        """``async with session.writer() as client:`` — the write client, for a confirmed write.
        Raises ``UserFacingError`` while locked (nothing sent) and for every failure inside."""
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
        if self.cache is not None:
            await asyncio.to_thread(self.cache.close)  # finishes the writes still queued

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
            translated = translate(error, key=self.settings.api_key, key_source=self.settings.key_source,
                                   base_url=self.settings.v2_base_url, waiting=self.wait.seconds)
            if is_unreachable(error):
                self.connection.lost()
                raise UnreachableError.from_error(translated) from None
            if isinstance(error, sdk.AuthenticationError) and self.cache is not None:
                await self.cache.forget_key()  # nothing cached under this key is shown again
            raise translated from None

    def _on_event(self, event: object) -> None:
        """The SDK's hook for every request: the rate-limit budget, and whether Affinity answers."""
        self.rate.on_event(event)
        if isinstance(event, ResponseHeadersReceived) and event.status_code not in GATEWAY_STATUSES:
            self.connection.reached()

    def prepare(self) -> None:
        """Start building the real HTTP transport on a thread of its own, now: its SSL context
        (~35 ms, which leaves the interpreter free meanwhile) is then ready when the first request
        goes, instead of delaying it (``affinity-tui`` calls this before importing the UI)."""
        if self._transport is None and self._prepared is None:
            self._prepared = concurrent.futures.Future()
            prepared = self._prepared

            def build() -> None:
                try:
                    prepared.set_result(_network_transport())
                except BaseException as error:  # noqa: BLE001 - handed to whoever awaits it
                    prepared.set_exception(error)

            threading.Thread(target=build, name="affinity-tui-transport", daemon=True).start()

    async def _inner_transport(self) -> httpx.AsyncBaseTransport:
        """The given transport (the emulator's), else a real one built off the loop."""
        if self._transport is not None:
            return self._transport
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            return await asyncio.wrap_future(prepared)
        return await asyncio.to_thread(_network_transport)

    async def _open(self) -> AsyncAffinity:
        if self._closed:
            raise RuntimeError("This AffinitySession is closed.")
        if self._client is not None:
            return self._client
        self._opening = self._opening or asyncio.Lock()
        async with self._opening:
            if self._client is None:
                transport = GuardedTransport(await self._inner_transport(), self.wait)
                self._client = AsyncAffinity(
                    self.settings.api_key.reveal(), v1_base_url=self.settings.v1_base_url,
                    v2_base_url=self.settings.v2_base_url, async_transport=transport,
                    max_retries=MAX_RETRIES, timeout=REQUEST_TIMEOUT_SECONDS,
                    on_event=self._on_event, policies=Policies(write=WritePolicy.DENY))
                self.rate.bind(self._client.rate_limits.snapshot)
            return self._client


def _answer_lost(error: BaseException) -> bool:
    """Whether a write's answer was lost on the way back (it may have been carried out): a
    timeout, a dropped or failed connection, or an answer that was not readable JSON."""
    return isinstance(error, TimeoutError | sdk.TimeoutError | sdk.NetworkError | httpx.TransportError) \
        or unreadable_answer(error)


def _uncertain(action: WriteAction, landed: bool | None, error: BaseException) -> WriteUncertain:
    what = action.change().title
    if landed is True:
        return WriteUncertain(f"“{what}” reached Affinity", "The answer was lost on the way back, but "
                              "reading it again shows the change is there. Nothing more to do.", landed=True)
    if landed is False:
        return WriteUncertain(f"“{what}” did not reach Affinity", "The connection failed and reading again "
                              "shows no change. Nothing was changed; it is safe to try again.", landed=False)
    return WriteUncertain(f"“{what}” may or may not have reached Affinity",
                          "The answer was lost and a read could not tell. Look in Affinity (o) before "
                          "trying again, so it is not done twice.", landed=None)


def _nothing_changed(what_to_do: str) -> str:
    """A refused write's advice: nothing changed; R (reload) is not what a write needs."""
    advice = what_to_do.replace("then press R to try again", "then try again") \
        .replace("Press R to try again", "Try again").replace("press R", "try again")
    return f"Nothing was changed. {advice}"


def _network_transport() -> httpx.AsyncHTTPTransport:
    """The real HTTP transport, built off the loop: its SSL context takes ~30 ms of CPU, which
    the SDK would otherwise spend inside the event loop on the first request. Same pool limits
    as the SDK's own client."""
    return httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30))

