"""Counting round trips in a row: what a user waits for at real-world latency.

``RoundTripTransport`` wraps the emulator's in-process transport, holds every request for
``delay`` seconds (as a network would), and records when each started and ended. ``depth`` is the
longest chain of requests each of which started only after the one before it had ended: 1 when
everything a screen needed was asked for at once, 2 when it waited for one answer before asking
the next question, and so on. It counts ordering, not speed, so it is the same on any machine.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator


@dataclass(frozen=True)
class Span:
    method: str
    path: str
    start: float
    end: float


class RoundTripTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, delay: float = 0.03) -> None:
        self._inner = inner
        self._delay = delay
        self.spans: list[Span] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        start = time.monotonic()
        await asyncio.sleep(self._delay)
        response = await self._inner.handle_async_request(request)
        self.spans.append(Span(request.method, request.url.path, start, time.monotonic()))
        return response

    def clear(self) -> None:
        self.spans.clear()

    @property
    def depth(self) -> int:
        """Round trips in a row (0 when nothing was sent)."""
        spans = sorted(self.spans, key=lambda s: s.start)
        chain: dict[int, int] = {}
        for i, span in enumerate(spans):
            before = [chain[j] for j, other in enumerate(spans[:i]) if other.end <= span.start]
            chain[i] = 1 + max(before, default=0)
        return max(chain.values(), default=0)


def session_counting_round_trips(emulator: Emulator, delay: float = 0.03) -> tuple[AffinitySession,
                                                                                    RoundTripTransport]:
    session = AffinitySession.for_emulator(emulator)
    transport = RoundTripTransport(emulator.transport(), delay)
    session._transport = transport
    return session, transport
