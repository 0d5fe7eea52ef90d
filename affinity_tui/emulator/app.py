"""The emulator as one ASGI app: authentication, versions, rate limits, faults, the request log
and error envelopes wrapped around the v1 and v2 routes.

`Emulator` is both the ASGI application (serve it with uvicorn) and the factory of an in-process
`httpx` transport for ``AsyncAffinity(async_transport=...)``, so the app and the tests talk to
exactly the same server, over real HTTP semantics, without a socket.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import Message, Receive, Scope, Send

from .limits import Faults, RateLimits
from .log import RequestLog
from .routes_v1 import V1Routes
from .routes_v2 import V2Routes
from .store import SavedView, TenantStore
from .tenant import DEFAULT_SCALE, DEFAULT_SEED, build_demo_tenant
from .wire import ApiError, read_json
from .writes import Writes

T = TypeVar("T")

API_VERSIONS = ("2024-01-01", "2026-07-15", "2026-09-17", "current")
DEFAULT_API_VERSION = "2024-01-01"
IN_PROCESS_BASE = "http://affinity.emulator"
DEFAULT_API_KEY = "demo-key"


@dataclass
class EmulatorConfig:
    seed: int = DEFAULT_SEED
    scale: int = DEFAULT_SCALE
    api_key: str = DEFAULT_API_KEY
    per_minute: int = 900
    monthly: int = 100_000
    latency_ms: int = 0
    error_rate: float = 0.0
    now: datetime | None = None
    """A fixed "now" for data generation and reminder status (tests, snapshots); None = live."""
    companies: int = 2000
    persons: int = 3000
    defer_activity: bool = False
    """Generate emails and meetings on the first request that may show them (the demo's cold
    start); the tenant is the same either way."""
    hostile: bool = False
    """The demo tenant with hostile text: markup, escape sequences, control characters,
    bidirectional overrides, 10,000-character strings, scripted HTML, formula starters (see
    the `hostile` module). Same shape, same seed rules."""
    extra: dict[str, Any] = field(default_factory=dict)


_ACTIVITY_FREE = re.compile(
    r"/v2/auth/whoami|/auth/whoami|/rate-limit|/v2/lists|/lists"
    r"|/v2/lists/\d+(/saved-views(/\d+)?)?|/lists/\d+|/v2/persons/\d+")
"""GETs that never show emails, meetings or relationship-intelligence values: what the lists
screen asks for at start-up (a person without ``fieldIds``/``fieldTypes`` has no values)."""


def _independent_of_activity(scope: Scope) -> bool:
    """Whether a request can be answered before the deferred activity is generated."""
    return (scope["method"] == "GET" and _ACTIVITY_FREE.fullmatch(scope["path"]) is not None
            and b"field" not in scope.get("query_string", b""))


class ConnectionDropped(Exception):
    """Raised mid-response to emulate a connection the server lost."""


class Emulator:
    """An Affinity tenant behind the Affinity REST API (v1 and v2)."""

    def __init__(self, config: EmulatorConfig | None = None, *, store: TenantStore | None = None) -> None:
        self.config = config or EmulatorConfig()
        c = self.config
        self.store = store or build_demo_tenant(c.seed, c.scale, c.now, companies=c.companies, persons=c.persons,
                                                defer_activity=c.defer_activity, hostile=c.hostile)
        self.api_key = c.api_key
        self.log = RequestLog()
        self.limits = RateLimits(per_minute=c.per_minute, monthly=c.monthly, clock=self._clock())
        self.faults = Faults(latency_ms=c.latency_ms, error_rate=c.error_rate, seed=c.seed)
        self.writes = Writes(self.store, self.now_iso)
        self._memo: dict[Any, tuple[int, Any]] = {}
        self.v1_base_url = IN_PROCESS_BASE
        self.v2_base_url = f"{IN_PROCESS_BASE}/v2"
        self._api = Router(routes=V2Routes(self).routes() + V1Routes(self).routes(), default=self._no_route)
        self._control = Router(routes=self._control_routes(), default=self._no_route)

    # ---- time and caches -------------------------------------------------------------------
    def _clock(self) -> Callable[[], float]:
        """Rate-limit time: real seconds, starting at ``config.now`` when one is given, so the
        monthly reset ("6 days") is the same on every run of a test or snapshot."""
        if self.config.now is None:
            return time.time
        base, start = self.config.now.timestamp(), time.monotonic()
        return lambda: base + (time.monotonic() - start)

    def now(self) -> datetime:
        return self.config.now or datetime.now(UTC)

    def now_iso(self) -> str:
        return self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def view_cache(self, view: SavedView, compute: Callable[[], T]) -> T:
        """Saved-view results, recomputed only after a write (paging a 100k view stays O(page))."""
        return self.memo(("view", view.id), compute)

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        hit = self._memo.get(key)
        if hit is not None and hit[0] == self.writes.revision:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._memo[key] = (self.writes.revision, value)
        return value

    # ---- in-process use --------------------------------------------------------------------
    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that calls this app directly (no socket) for ``AsyncAffinity``."""
        return InProcessTransport(self)

    def key_of(self, request: Request) -> str:
        return str(request.scope.get("emulator.key", ""))

    # ---- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if not self.store.settled and not _independent_of_activity(scope):
            self.store.settle()
        if path.startswith("/_emulator"):
            await self._control(scope, receive, send)
            return
        await self._api_request(scope, receive, send)

    async def _api_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        v2 = path == "/v2" or path.startswith("/v2/")
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = await _read_body(receive)
        query = scope.get("query_string", b"").decode()
        extra: dict[str, str] = {"X-Request-Id": uuid.uuid4().hex[:16]}
        status_box = [0]

        def log(status: int) -> None:
            logged_body: Any = None
            if body:
                try:
                    logged_body = json.loads(body)
                except ValueError:
                    logged_body = body.decode(errors="replace")
            self.log.add(method, path, query, status, logged_body)

        async def send_json(status: int, data: Any, more: dict[str, str] | None = None) -> None:
            response = JSONResponse(data, status_code=status, headers={**extra, **(more or {})})
            status_box[0] = status
            await response(scope, _replay(body), send)

        try:
            # Version (v2 only), echoed on every v2 response.
            version = headers.get("x-affinity-api-version")
            if v2:
                if version is not None and version not in API_VERSIONS:
                    extra["X-Affinity-Api-Version"] = DEFAULT_API_VERSION
                    raise ApiError(400, f"Unsupported API version {version!r}; use one of "
                                        f"{', '.join(API_VERSIONS)}", param="X-Affinity-Api-Version")
                served = version or DEFAULT_API_VERSION
                extra["X-Affinity-Api-Version"] = "2026-09-17" if served == "current" else served
            key = self._authenticate(headers.get("authorization", ""), v2)
            scope["emulator.key"] = key
            plan = self.faults.take(path)
            if plan.latency:
                await asyncio.sleep(plan.latency)
            decision = self.limits.check(key, path)
            extra.update(decision.headers)
            if plan.rate_limited or not decision.allowed:
                retry = self.faults.retry_after if plan.rate_limited else decision.retry_after
                extra["Retry-After"] = str(retry)
                raise ApiError(429, f"Too many requests: retry after {retry} seconds", code="rate-limit")
            if plan.status is not None:
                raise ApiError(plan.status, "The emulator injected a server error (fault on demand)")
            if plan.drop:
                status_box[0] = 0
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
                await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
                raise ConnectionDropped(f"{method} {path}")

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_box[0] = message["status"]
                    raw = list(message.get("headers", []))
                    raw += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
                    message = {**message, "headers": raw}
                await send(message)

            scope["app"] = self
            if plan.malformed is not None:  # carry the request out, then answer what is not JSON
                await self._malformed(scope, body, plan.malformed, extra, status_box, send)
                log(status_box[0])
                return
            if plan.drop_after:  # carry the request out, then lose the answer
                async def swallow(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        status_box[0] = message["status"]

                await self._api(scope, _replay(body), swallow)
                raise ConnectionDropped(f"{method} {path} (after it was carried out)")
            await self._api(scope, _replay(body), send_with_headers)
        except ApiError as exc:
            if "X-Ratelimit-Limit-User" not in extra:
                extra.update(self.limits.headers(str(scope.get("emulator.key", ""))))
            await send_json(exc.status, exc.body(v2))
        except HTTPException as exc:
            err = ApiError(exc.status_code, exc.detail or "Method not allowed")
            await send_json(err.status, err.body(v2))
        except ConnectionDropped:
            log(status_box[0])  # 0 unless the request was carried out before the drop
            raise
        log(status_box[0])

    async def _malformed(self, scope: Scope, body: bytes, kind: str, extra: dict[str, str],
                         status_box: list[int], send: Send) -> None:
        """Carry the request out, then answer 200 with a body that is not JSON: the real answer
        cut off in the middle ("cut"), or a proxy's HTML error page ("html")."""
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._api(scope, _replay(body), keep)
        real = b"".join(chunks)
        if kind == "html":
            content, content_type = b"<html><body><h1>502 Bad Gateway</h1></body></html>", b"text/html"
        else:
            content, content_type = (real[: max(1, len(real) // 2)] if len(real) > 1 else b"{"), b"application/json"
        headers = [(b"content-type", content_type), (b"content-length", str(len(content)).encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    def _authenticate(self, header: str, v2: bool) -> str:
        scheme, _, value = header.partition(" ")
        key = ""
        if scheme.lower() == "bearer":
            key = value.strip()
        elif scheme.lower() == "basic" and not v2:
            try:
                user, _, password = base64.b64decode(value.strip()).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = password = ""
            key = password or user
        if not key or key != self.api_key:
            raise ApiError(401, "Invalid API key" if key else
                           ("Missing Bearer API key" if v2 else "Missing API key (Basic or Bearer)"),
                           code="authentication")
        return key

    async def _no_route(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise ApiError(404, f"No route for {scope['method']} {scope['path']}")

    # ---- control routes (not part of Affinity's API) ---------------------------------------
    def _control_routes(self) -> list[Route]:
        async def requests(request: Request) -> Response:
            if request.method == "DELETE":
                self.log.clear()
                return JSONResponse({"cleared": True})
            return JSONResponse({"requests": [r.as_dict() for r in self.log.entries]})

        async def faults(request: Request) -> Response:
            if request.method == "PUT":
                try:
                    self.faults.update(read_json(await request.body()))
                except (KeyError, ApiError) as exc:
                    return JSONResponse({"error": f"unknown or invalid fault setting: {exc}"}, status_code=400)
            return JSONResponse(self.faults.public())

        async def limits(request: Request) -> Response:
            if request.method == "PUT":
                body = read_json(await request.body())
                self.limits.configure(per_minute=body.get("per_minute"), monthly=body.get("monthly"),
                                      monthly_used=body.get("monthly_used"),
                                      reset_windows=bool(body.get("reset_windows")),
                                      window_seconds=body.get("window_seconds"))
            return JSONResponse({"per_minute": self.limits.per_minute, "monthly": self.limits.monthly,
                                 "monthly_used": self.limits.monthly_used,
                                 "window_seconds": self.limits.window_seconds})

        async def auth(request: Request) -> Response:
            """The key the API accepts; a PUT changes it (the old key is revoked at once)."""
            if request.method == "PUT":
                key = read_json(await request.body()).get("api_key")
                if not isinstance(key, str) or not key:
                    return JSONResponse({"error": "api_key must be a non-empty string"}, status_code=400)
                self.api_key = key
            return JSONResponse({"api_key": self.api_key})

        async def info(request: Request) -> Response:
            s = self.store
            return JSONResponse({"tenant": s.tenant.name, "subdomain": s.tenant.subdomain,
                                 "lists": {lst.name: {"id": lst.id, "size": s.list_size(lst.id)}
                                           for lst in s.lists.values()},
                                 "persons": len(s.persons), "companies": len(s.companies),
                                 "opportunities": len(s.opportunities), "seed": self.config.seed,
                                 "scale": self.config.scale, "hostile": self.config.hostile})

        return [Route("/_emulator", info), Route("/_emulator/requests", requests, methods=["GET", "DELETE"]),
                Route("/_emulator/faults", faults, methods=["GET", "PUT"]),
                Route("/_emulator/limits", limits, methods=["GET", "PUT"]),
                Route("/_emulator/auth", auth, methods=["GET", "PUT"])]


class InProcessTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` plus the network behaviours an in-process call lacks: a dropped
    connection becomes ``httpx.RemoteProtocolError``, the client's read timeout applies
    (``httpx.ReadTimeout``), and a server that is down (``faults.down``) refuses to connect
    (``httpx.ConnectError``), as they would over a socket."""

    def __init__(self, app: Emulator) -> None:
        self._app = app
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._app.faults.down and not request.url.path.startswith("/_emulator"):
            raise httpx.ConnectError("All connection attempts failed (the emulator is down)", request=request)
        timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            if timeout:
                return await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
            return await self._inner.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError("Server disconnected without sending a complete response",
                                            request=request) from None
        except TimeoutError:
            raise httpx.ReadTimeout("The emulator did not answer in time", request=request) from None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    return receive
