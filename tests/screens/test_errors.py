"""Failures reach the user as one clear notification (what happened, what to do), the app
stays up, and neither a traceback nor the API key is ever shown or printed."""

from __future__ import annotations

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.entities import EntitiesScreen

from .helpers import (
    DEAL_PIPELINE,
    SIZE,
    entries,
    error_toasts,
    settle,
    status_text,
    table_of,
    toasts,
    until,
)

WRONG_KEY = "wrong-key-5f2c9d"
ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE}/list-entries"


def assert_nothing_leaked(app: AffinityApp, capsys: pytest.CaptureFixture[str], key: str) -> None:
    shown = "\n".join(toasts(app))
    captured = capsys.readouterr()
    for text in (shown, captured.out, captured.err):
        assert "Traceback" not in text
        assert 'File "' not in text
        assert key not in text


async def open_deal_pipeline_after(app: AffinityApp, emulator: Emulator, pilot, faults: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    emulator.log.clear()
    emulator.faults.update(faults)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
    await settle(pilot)


async def test_a_server_error_is_explained_and_R_loads_the_list(
        app: AffinityApp, emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    pipeline = entries(emulator, DEAL_PIPELINE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_deal_pipeline_after(app, emulator, pilot,
                                       {"fail_next": [500, 500], "paths": [ENTRIES_PATH]})
        assert error_toasts(app) == ["Affinity had a server problem (HTTP 500)\n"
                                     "Press R to try again in a minute; if it persists, check status.affinity.co."]
        assert status_text(app) == "Deal Pipeline: could not load"
        assert list(table_of(app).rows) == []
        assert not table_of(app).loading_more
        # The first page and its one retry, both refused; the list's fields, asked for at the same
        # time, were not (or were given up when the page failed).
        pages = [(e.method, e.status) for e in emulator.log.entries if e.path == ENTRIES_PATH]
        assert pages == [("GET", 500), ("GET", 500)]
        emulator.faults.update({"paths": []})
        assert app.is_running
        assert_nothing_leaked(app, capsys, emulator.api_key)

        await pilot.press("R")
        await until(pilot, lambda: len(table_of(app).loaded_rows) > 0)
        await settle(pilot)
        assert [row.key for row in table_of(app).loaded_rows] == [e.id for e in pipeline[:200]]
        assert status_text(app) == "loaded 200 of 300"


async def test_a_rate_limit_is_explained(app: AffinityApp, emulator: Emulator,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_deal_pipeline_after(app, emulator, pilot,
                                       {"rate_limit_next": 2, "retry_after": 0, "paths": [ENTRIES_PATH]})
        shown = error_toasts(app)
        assert len(shown) == 1
        title, what_to_do = shown[0].split("\n", 1)
        assert title == "Affinity's rate limit was reached"
        assert what_to_do.startswith("Wait ") and what_to_do.endswith("then press R to try again.")
        assert [e.status for e in emulator.log.entries if e.path == ENTRIES_PATH] == [429, 429]
        emulator.faults.update({"paths": []})
        assert status_text(app) == "Deal Pipeline: could not load"
        assert app.is_running
        assert_nothing_leaked(app, capsys, emulator.api_key)

        await pilot.press("R")
        await until(pilot, lambda: len(table_of(app).loaded_rows) > 0)
        await settle(pilot)
        assert status_text(app) == "loaded 200 of 300"


async def test_a_wrong_key_is_explained_once_and_never_shown(emulator: Emulator,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    app = AffinityApp(AffinitySession.for_emulator(emulator, api_key=WRONG_KEY))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # whoami and the lists both fail: one notification, not one per request
        assert error_toasts(app) == ["Affinity did not accept the API key\nCheck the key (it came from the demo "
                                     "emulator; Affinity shows yours under Settings > API), then press R: "
                                     "affinity-tui tries again without a restart."]
        assert app.sub_title == "not connected"
        assert status_text(app) == "Could not load the lists"
        # Other modes fail the same way, and the app stays up.
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        assert status_text(app) == "People: could not load"
        assert list(table_of(app).rows) == []
        assert app.is_running
        assert_nothing_leaked(app, capsys, WRONG_KEY)
    assert emulator.log.entries and {e.status for e in emulator.log.entries} == {401}
    assert not any(WRONG_KEY in e.query or WRONG_KEY in e.path for e in emulator.log.entries)


async def test_a_failing_next_page_is_not_retried_until_the_user_moves(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        assert len(table_of(app).loaded_rows) == 200
        emulator.faults.update({"error_rate": 1.0, "paths": [f"/v2/lists/{DEAL_PIPELINE}/list-entries"]})
        emulator.log.clear()
        await pilot.press("G")
        await until(pilot, lambda: len(error_toasts(app)) == 1, what="the error notification")
        await pilot.pause(1.0)  # no key pressed meanwhile
        emulator.faults.update({"error_rate": 0.0})
        assert [e.status for e in emulator.log.entries] in ([500, 500], [500, 503], [503, 500], [503, 503])


async def test_a_one_second_rate_limit_is_waited_out_without_a_word(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_deal_pipeline_after(app, emulator, pilot,
                                       {"rate_limit_next": 1, "retry_after": 1, "paths": [ENTRIES_PATH]})
        assert error_toasts(app) == []
        assert [e.status for e in emulator.log.entries if e.path == ENTRIES_PATH][:2] == [429, 200]
        assert status_text(app) == "loaded 200 of 300"


async def test_after_a_longer_rate_limit_wait_the_list_loads_by_itself(
        app: AffinityApp, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    import affinity_tui.data.transport as transport

    monkeypatch.setattr(transport, "SDK_WAIT_LIMIT", 1)  # the SDK's bounded part, shortened for the test
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_deal_pipeline_after(app, emulator, pilot,
                                       {"rate_limit_next": 1, "retry_after": 2, "paths": [ENTRIES_PATH]})
        assert error_toasts(app) and error_toasts(app)[0].startswith("Affinity's rate limit was reached")
        # One request reached Affinity; the SDK's retry during the wait was answered locally.
        assert [e.status for e in emulator.log.entries if e.path == ENTRIES_PATH] == [429]
        assert app.session.wait.not_sent >= 1
        assert len(table_of(app).loaded_rows) == 0
        await until(pilot, lambda: len(table_of(app).loaded_rows) > 0, timeout=6, what="the list, by itself")
        await settle(pilot)
        assert status_text(app) == "loaded 200 of 300"
