"""The HTTP transport under the SDK: bounded rate-limit waits, and dropped connections retried for
reads only.

Two things affinity-sdk 2.0.6 does on its own that an interactive app cannot live with:

* **It sleeps the whole ``Retry-After`` of a 429**, however long (``Retry-After: 3600`` sleeps
  an hour, twice), and its client-wide gate then holds back every later request. This transport
  remembers the real wait (``RateWait``, which the status line counts down), hands the SDK
  a ``Retry-After`` of at most ``SDK_WAIT_LIMIT`` seconds, and while the wait lasts answers every
  request itself with a 429 **without sending it**: nothing leaves the process during a wait, and
  the SDK gives up after its bounded retry. The screens then say how long Affinity asked to
  wait, and load again by themselves when it is over.
* **It sends until Affinity refuses.** Every answer says how much of the per-minute budget is
  left and when it resets (``X-Ratelimit-Limit-User-Remaining`` / ``-Reset``). ``RateWait``
  keeps that count, less the requests still on their way, and once it is spent the next
  request is not sent: the wait until the reset starts here, exactly as if Affinity had
  answered 429, so the status line counts it down, the SDK's one retry goes out after it when
  it is short, and a longer one is reported (the screens load again by themselves).
* **A connection dropped mid-response** (``httpx.RemoteProtocolError``) reaches the caller
  unwrapped and is never retried. For a read (``GET``, ``HEAD``, the read-only search ``POST``)
  it is turned into a connection error, which the SDK retries; for a write it is passed on as
  it is: the write may have landed, so it is never sent again (``AffinitySession.write`` reads
  whether it did).
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Callable

import httpx

SDK_WAIT_LIMIT = 10
"""The longest ``Retry-After`` the SDK is shown: it sleeps that long before its one retry."""
LOCAL_HEADER = "X-Affinity-Tui-Not-Sent"
"""Marks a 429 this transport answered itself, during a wait (nothing was sent)."""
PACE_MARGIN = 0.5
"""Seconds added to the budget's reset before sending again (Affinity's clock and ours differ
by a fraction of a second; a request sent just before its window ends would be refused)."""
REMAINING_HEADER = "X-Ratelimit-Limit-User-Remaining"
RESET_HEADER = "X-Ratelimit-Limit-User-Reset"


class DroppedConnection(httpx.ConnectError):
    """A read whose connection was dropped mid-response (retried by the SDK like a refused one)."""


def is_read(request: httpx.Request) -> bool:
    """GET and HEAD, and the read-only search POSTs (``…/search``), which the SDK retries."""
    return request.method in ("GET", "HEAD") or (request.method == "POST" and request.url.path.endswith("/search"))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (seconds from now); None if absent
    or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RateWait:
    """The wait Affinity asked for, shared by the session's read and write clients."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 on_blocked: Callable[[float | None], None] | None = None) -> None:
        self._clock = clock
        self.blocked_until: float | None = None
        """``clock()`` time until which Affinity asked not to be called (None: no wait)."""
        self.on_blocked = on_blocked
        """Told the new ``blocked_until`` whenever a 429 starts a wait (and None when it ends)."""
        self.not_sent = 0
        """Requests answered locally during a wait, never sent."""
        self.paced = 0
        """Waits started here because the per-minute budget was spent (no 429 needed)."""
        self.in_flight = 0
        """Requests sent whose answer has not arrived yet."""
        self._budget: int | None = None
        """Per-minute requests still allowed before ``_reset_at`` (None: unknown)."""
        self._reset_at: float | None = None

    @property
    def seconds(self) -> float:
        """How long the current wait still lasts (0 when there is none)."""
        if self.blocked_until is None:
            return 0.0
        remaining = self.blocked_until - self._clock()
        if remaining <= 0:
            self.blocked_until = None
            if self.on_blocked is not None:
                self.on_blocked(None)
            return 0.0
        return remaining

    def may_send(self) -> float:
        """Before a request: 0 when it may be sent now (and it is counted against the budget),
        else the seconds to wait (a spent budget starts a wait until its reset)."""
        remaining = self.seconds
        if remaining > 0:
            return remaining
        if self._reset_at is not None and self._clock() >= self._reset_at:
            self._budget = self._reset_at = None  # a new window: the next answer tells its budget
        if self._budget is not None and self._budget <= 0 and self._reset_at is not None:
            self.paced += 1
            self.start(self._reset_at - self._clock())
            return self.seconds
        if self._budget is not None:
            self._budget -= 1
        return 0.0

    def answered(self, remaining: str | None, reset: str | None) -> None:
        """After an answer: the per-minute budget it reports, less the requests still out."""
        try:
            left, seconds = int(remaining or ""), float(reset or "")
        except ValueError:
            return
        self._budget = left - max(0, self.in_flight)
        self._reset_at = self._clock() + max(0.0, seconds) + PACE_MARGIN

    def start(self, seconds: float) -> None:
        """A 429 asked for ``seconds``: wait that long from now (a longer wait already running wins)."""
        until = self._clock() + seconds
        if self.blocked_until is None or until > self.blocked_until:
            self.blocked_until = until
            if self.on_blocked is not None:
                self.on_blocked(until)


class GuardedTransport(httpx.AsyncBaseTransport):
    """Wraps the real (or in-process) transport of one SDK client; ``wait`` is shared."""

    def __init__(self, inner: httpx.AsyncBaseTransport, wait: RateWait) -> None:
        self._inner = inner
        self.wait = wait

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` (or answer it here with a 429 during a wait); see the module docstring."""
        wait = self.wait
        remaining = wait.may_send()
        if remaining > 0:
            wait.not_sent += 1
            return _local_429(request, remaining)
        wait.in_flight += 1
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.RemoteProtocolError as error:
            if is_read(request):
                raise DroppedConnection(f"The connection was dropped mid-response ({error})",
                                        request=request) from None
            raise
        finally:
            wait.in_flight -= 1
        wait.answered(response.headers.get(REMAINING_HEADER), response.headers.get(RESET_HEADER))
        if response.status_code == 429:
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > 0:
                wait.start(asked)
                response.headers["Retry-After"] = str(min(SDK_WAIT_LIMIT, max(1, math.ceil(asked))))
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


def _local_429(request: httpx.Request, remaining: float) -> httpx.Response:
    seconds = max(1, math.ceil(remaining))  # the SDK's retry must not come back a moment too soon
    body = {"errors": [{"code": "rate-limit",
                        "message": f"Affinity's rate limit: waiting {seconds} more seconds (nothing was sent)"}]}
    return httpx.Response(429, headers={"Retry-After": str(min(SDK_WAIT_LIMIT, seconds)), LOCAL_HEADER: "1",
                                        "Content-Type": "application/json"},
                          content=json.dumps(body).encode(), request=request)
