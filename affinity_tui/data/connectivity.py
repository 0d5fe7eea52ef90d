"""Whether Affinity can be reached, as the session's own requests tell it: no probe of its own
while things work.

A request that cannot reach Affinity at all (no connection, DNS, a timeout, a gateway answering
502/503/504 for it) turns the session *offline*; the next request that gets any answer from
Affinity turns it back *online*. Subscribers hear each change once (the app says "offline" once,
and "back" once). While offline, the app shows what the cache holds, refuses write mode, and
retries in the background.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from affinity import exceptions as sdk

from .errors import UserFacingError

GATEWAY_STATUSES = frozenset({502, 503, 504})


def is_unreachable(error: BaseException) -> bool:
    """True when ``error`` (an SDK or httpx exception) means Affinity was not reached."""
    if isinstance(error, sdk.TimeoutError | sdk.NetworkError | httpx.TransportError | TimeoutError):
        return True
    return isinstance(error, sdk.ServerError) and getattr(error, "status_code", None) in GATEWAY_STATUSES


class UnreachableError(UserFacingError):
    """A read failed because Affinity could not be reached (the app has said so already)."""

    @classmethod
    def from_error(cls, error: UserFacingError) -> UnreachableError:
        """The same message, marked as a failure to reach Affinity."""
        return cls(error.title, error.what_to_do, status=error.status, retry_after=error.retry_after)


class Connectivity:
    """Online or offline, with subscribers told on every change."""

    def __init__(self) -> None:
        self.online = True
        self._listeners: list[Callable[[bool], None]] = []

    def subscribe(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """``listener(online)`` on every change; returns the unsubscribe function."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def lost(self) -> None:
        """A request could not reach Affinity."""
        self._set(False)

    def reached(self) -> None:
        """Affinity answered a request (with anything, even an error of its own)."""
        self._set(True)

    def _set(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        for listener in list(self._listeners):
            listener(online)
