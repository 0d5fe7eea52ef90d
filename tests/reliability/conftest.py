"""The reliability suite's fixtures, and the summary table printed at the end of the run.

Every test here gets its own emulator; tests that only read share one generated demo tenant
(as the screens tests do), tests that write build their own. The session's timeouts are
shortened so that a timeout is seen in a fraction of a second, not twenty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from affinity_tui.emulator import TenantStore, build_demo_tenant

from ..conftest import NOW
from .figures import BOARD


@pytest.fixture(scope="session")
def demo_tenant() -> TenantStore:
    """The demo tenant, shared by the tests that never write."""
    return build_demo_tenant(now=NOW)


@pytest.fixture(scope="session")
def hostile_tenant() -> TenantStore:
    """The hostile tenant (``affinity-tui emulator --hostile``), shared, never written to."""
    return build_demo_tenant(now=NOW, hostile=True)


@pytest.fixture(autouse=True)
def quick_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Pilot.press`` waits for the process to look idle after every key, sampling it every
    20 ms; every 5 ms is enough here (the tests wait for what they expect, not for idleness),
    and makes the hundreds of keys of this suite take a quarter of the time."""
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.005)


@pytest.fixture
def fast_timeouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Faults seen in a fraction of a second: a request times out after 0.5 s (not 20), the
    SDK waits 0.05 s before its one retry (not up to 1 s), and it is shown none of a
    ``Retry-After`` (the transport still keeps the whole wait: nothing is sent during it)."""
    import affinity.clients.http as sdk_http

    import affinity_tui.data.session as session
    import affinity_tui.data.transport as transport

    monkeypatch.setattr(session, "REQUEST_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(transport, "SDK_WAIT_LIMIT", 0)
    monkeypatch.setattr(sdk_http, "_compute_backoff_seconds", lambda attempt, *, base: 0.05)
    yield


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = BOARD.lines()
    if not lines:
        return
    terminalreporter.section("Reliability figures")
    for line in lines:
        terminalreporter.write_line(line)
    failing = BOARD.failing
    if failing:
        terminalreporter.write_line("")
        terminalreporter.write_line(f"{len(failing)} figure(s) fell short:", red=True)
        for line in failing:
            terminalreporter.write_line(f"  {line}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if BOARD.failing and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
