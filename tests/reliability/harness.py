"""What the reliability tests share: an app on an emulator whose requests are counted as they
leave the process, faults injected and cleared by name, and readers of what the user sees (the
notifications said, the screen's text, its segments).

Faults by name (``FAULTS`` in ``figures``), each limited to the request paths of the action under
test so the app's other requests go on normally:

* ``429``: one 429 with ``Retry-After: 1`` (the SDK is shown none of it: ``fast_timeouts``), so
  the action is refused, says so, and starts again by itself after the wait;
* ``500``, ``503``, ``403``: every matching request answered with that status;
* ``timeout``: every matching request takes longer than the client waits;
* ``dropped``: the connection is lost before the answer, the request not carried out;
* ``dropped after``: the request is carried out, then the connection is lost;
* ``bad JSON``: the request is carried out, then answered 200 with half of its JSON;
* ``401``: the emulator accepts another key from now on (the app's key is revoked).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.segment import Segment
from textual.app import App
from textual.pilot import Pilot

from affinity_tui.app import AffinityApp
from affinity_tui.config import Secret, Settings
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator
from affinity_tui.emulator.log import is_write

from ..conftest import NOW

SIZE = (120, 40)
REVOKED = "a-key-issued-after-the-old-one-was-revoked"
HOW_MANY = 40
"""Matching requests a counted fault applies to: every one the action (and the SDK's retry)
sends before the fault is cleared."""
SLOW_SECONDS = 0.9
RETRY_AFTER = 1


class CountingTransport(httpx.AsyncBaseTransport):
    """The emulator's transport, noting every request that leaves the app (a request that times
    out never reaches the emulator's log, but it was sent)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    @property
    def writes(self) -> list[tuple[str, str]]:
        """The write requests sent so far (method, path)."""
        return [(m, p) for m, p in self.sent if is_write(m, p)]

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Said:
    """Every notification the app showed, in order."""

    items: list[tuple[str, str, str]] = field(default_factory=list)

    def __call__(self) -> list[str]:
        return [f"{title}: {message}" for title, message, _ in self.items]

    def since(self, start: int) -> list[str]:
        return [f"{title}: {message}" for title, message, _ in self.items[start:]]

    def problems_since(self, start: int) -> list[str]:
        """Error and warning notifications since ``start``."""
        return [f"{title}: {message}" for title, message, severity in self.items[start:]
                if severity in ("error", "warning")]


@dataclass
class Rig:
    """An app on an emulator, with its counted transport and what it said."""

    app: AffinityApp
    emulator: Emulator
    wire: CountingTransport
    said: Said
    key: str

    @property
    def session(self) -> AffinitySession:
        return self.app.session


def rig(emulator: Emulator) -> Rig:
    """The app on ``emulator`` through a counting transport, its notifications recorded."""
    wire = CountingTransport(emulator.transport())
    settings = Settings(api_key=Secret(emulator.api_key), v1_base_url=emulator.v1_base_url,
                        v2_base_url=emulator.v2_base_url, key_source="the demo emulator")
    session = AffinitySession(settings, transport=wire, clock=lambda: NOW)
    app = AffinityApp(session)
    app.animation_level = "none"  # keys are pressed at once, not after a notification slid in
    said = Said()
    notify = app.notify

    def recording(message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
                  markup: bool = True) -> None:
        said.items.append((title, message, str(severity)))
        notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = recording  # type: ignore[method-assign]
    return Rig(app, emulator, wire, said, emulator.api_key)


def inject(r: Rig, fault: str, paths: list[str], *, how_many: int = HOW_MANY) -> None:
    """Make the emulator misbehave for requests under ``paths`` (see the module docstring)."""
    if fault == "401":
        r.emulator.api_key = REVOKED
        return
    changes: dict[str, Any] = {"paths": list(paths)}
    if fault == "429":
        changes.update(rate_limit_next=1, retry_after=RETRY_AFTER)
    elif fault in ("500", "503", "403"):
        changes.update(fail_next=[int(fault)] * how_many)
    elif fault == "timeout":
        changes.update(slow_next=how_many, slow_seconds=SLOW_SECONDS)
    elif fault == "dropped":
        changes.update(drop_next=how_many)
    elif fault == "dropped after":
        changes.update(drop_after_next=how_many)
    elif fault == "bad JSON":
        changes.update(malformed_next=how_many)
    else:
        raise ValueError(fault)
    r.emulator.faults.update(changes)


def clear(r: Rig) -> None:
    """No fault any more: the emulator answers normally and accepts the app's key again."""
    r.emulator.faults.update({"paths": [], "fail_next": [], "rate_limit_next": 0, "slow_next": 0, "drop_next": 0,
                              "drop_after_next": 0, "malformed_next": 0, "down": False, "error_rate": 0.0,
                              "latency_ms": 0, "drop_rate": 0.0})
    r.emulator.api_key = r.key


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` as a terminal's bracketed paste arrives: to the app, which hands it to the
    focused widget (a paste posted to the widget itself would reach the app too, and be handed
    over a second time)."""
    from textual import events

    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 8.0) -> bool:
    """Let the app run until ``predicate()`` holds (True), or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.01)
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - a widget not mounted yet
            continue
    return False


async def wait_out_rate_limit(r: Rig) -> None:
    """Let a rate-limit wait the app is in run out (nothing is sent during it)."""
    import asyncio

    while r.session.wait.seconds > 0:
        await asyncio.sleep(0.05)


def crashed(app: App[Any]) -> str | None:
    """What crashed the app, if anything did."""
    error = getattr(app, "_exception", None)
    if error is not None:
        return f"crashed: {type(error).__name__}"
    if not app.is_running:
        return "the app stopped"
    return None


def screen_lines(app: App[Any]) -> list[list[Segment]]:
    """The top screen as drawn: one list of segments per line."""
    return [list(strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    """The top screen's text, line by line."""
    return "\n".join("".join(segment.text for segment in line) for line in screen_lines(app))
