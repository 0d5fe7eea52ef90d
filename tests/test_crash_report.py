"""An exception from deep inside the SDK must never print the API key, even when it crashes the app.

Textual's own crash report shows local variables, and the SDK's frames hold the key in theirs
(``config``, request headers). These tests crash the app through a real SDK call path and read
what Textual would print on exit.
"""

from __future__ import annotations

import contextlib
import io

import httpx
import pytest
from affinity import AsyncAffinity
from rich.console import Console
from rich.traceback import Traceback
from textual.worker import WorkerFailed

from affinity_tui.app import AffinityApp
from affinity_tui.config import Secret
from affinity_tui.crash_report import redacted_traceback
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator

KEY = "sk-live-7f3a9c2e51d84b06"


class BrokenTransport(httpx.AsyncBaseTransport):
    """A transport with a bug: it fails inside the SDK's middleware, quoting the request."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"transport bug while sending {request.headers['authorization']}")


def rendered(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def crash_inside_the_sdk() -> None:
    client = AsyncAffinity(KEY, async_transport=BrokenTransport(), max_retries=0)
    try:
        await client.lists.get_size(12001)  # type: ignore[arg-type]
    finally:
        await client.close()


async def test_a_crash_from_inside_an_sdk_call_never_prints_the_key(emulator: Emulator) -> None:
    emulator.api_key = KEY
    app = AffinityApp(AffinitySession.for_emulator(emulator))
    printed = io.StringIO()
    app.error_console = Console(file=printed, width=200, color_system=None)
    with pytest.raises(WorkerFailed, match="transport bug"):  # run_test re-raises what crashed the app
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            worker = app.run_worker(crash_inside_the_sdk(), exit_on_error=True)  # as an unguarded worker would
            with contextlib.suppress(WorkerFailed):
                await worker.wait()
            await pilot.pause()
    report = printed.getvalue()
    assert "Traceback" in report and "transport bug" in report  # the crash was reported...
    assert "affinity/clients" in report  # ...through the SDK's frames...
    assert KEY not in report  # ...without the key
    assert "[REDACTED]" in report  # the key quoted in the message was scrubbed

    # Textual's default report (show_locals=True) would show the key: the hook matters.
    error = worker.error
    assert error is not None
    trace = Traceback.extract(type(error), error, error.__traceback__, show_locals=True)
    local_values = [node.render() for stack in trace.stacks for frame in stack.frames
                    for node in (frame.locals or {}).values()]
    assert any(KEY in value for value in local_values)


def test_redacted_traceback_drops_locals_and_scrubs_chained_messages() -> None:
    def fail() -> None:
        api_key = KEY  # noqa: F841 - a local that must not be shown
        try:
            raise ValueError(f"inner {KEY}")
        except ValueError as inner:
            raise RuntimeError(f"outer {KEY}") from inner

    try:
        fail()
    except RuntimeError as error:
        text = rendered(redacted_traceback(error, [Secret(KEY)]))
    assert "inner [REDACTED]" in text and "outer [REDACTED]" in text
    assert KEY not in text
    assert "api_key" in text  # the source line is shown, its value is not
