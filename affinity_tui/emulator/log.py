"""The emulator's request log: what a client really sent, for tests and curious users.

Every request is recorded (method, path, query, status, whether it was a write) and can be read
at ``GET /_emulator/requests`` or cleared with ``DELETE /_emulator/requests``. Tests use it to
prove that no write left a read-only client and to count requests per page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_ONLY_POSTS = ("/search",)
"""POST paths that only read (the v2 search endpoints): not writes."""


def is_write(method: str, path: str) -> bool:
    """True for a request that changes data; the v2 ``POST .../search`` calls only read."""
    if method.upper() not in WRITE_METHODS:
        return False
    return not (method.upper() == "POST" and path.rstrip("/").endswith(READ_ONLY_POSTS))


@dataclass(frozen=True)
class LoggedRequest:
    seq: int
    at: float
    method: str
    path: str
    query: str
    status: int
    write: bool
    api: str
    """``v1`` or ``v2`` (or ``emulator`` for the control routes, which are not logged)."""
    body: Any = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """A bounded, thread-safe list of `LoggedRequest` (uvicorn may run the app in a thread)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._items: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._seq = 0
        self.max_entries = max_entries

    def add(self, method: str, path: str, query: str, status: int, body: Any = None) -> LoggedRequest:
        with self._lock:
            self._seq += 1
            item = LoggedRequest(seq=self._seq, at=time.time(), method=method, path=path, query=query,
                                 status=status, write=is_write(method, path),
                                 api="v2" if path.startswith("/v2/") else "v1", body=body)
            self._items.append(item)
            if len(self._items) > self.max_entries:
                del self._items[: len(self._items) - self.max_entries]
            return item

    @property
    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    @property
    def writes(self) -> list[LoggedRequest]:
        return [r for r in self.entries if r.write]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
