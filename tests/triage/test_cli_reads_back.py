"""What the app changes is in Affinity for every other client: a deal moved to IC Review in the
app (on a session over TCP to the standalone emulator, unlocked through the UI) is in the
``xaffinity list export 12001 --filter 'Status = "IC Review"'`` the CLI prints afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.config import Secret, Settings
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.widgets.status_picker import StatusPicker

from ..conftest import NOW
from ..screens.helpers import SIZE, field_named, open_list, settle, table_of, until
from ..served import cli_runner, serving, xaffinity
from .test_triage_screens import PIPELINE, confirm

IC_REVIEW = 'Status = "IC Review"'


async def test_a_status_move_made_in_the_app_reads_back_through_the_cli(tmp_path: Path) -> None:
    cli = xaffinity()
    if cli is None:
        pytest.skip("xaffinity (affinity-sdk[cli]) is not installed")
    emulator = Emulator(EmulatorConfig(now=NOW))
    status = field_named(emulator, PIPELINE, "Status")
    ic_review = status.option_by_text("IC Review")
    with serving(emulator) as base:
        run = cli_runner(cli, emulator, base, tmp_path)
        before = {row["listEntryId"] for row in run("list", "export", str(PIPELINE), "--filter", IC_REVIEW)
                  ["data"]["rows"]}
        session = AffinitySession(Settings(api_key=Secret(emulator.api_key), v1_base_url=base,
                                           v2_base_url=f"{base}/v2", key_source="the test"), clock=lambda: NOW)
        app = AffinityApp(session)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await open_list(pilot, PIPELINE)
                table = table_of(app)
                while table.current_row is not None and table.current_row.key in before:
                    await pilot.press("j")
                row = table.current_row
                assert row is not None and emulator.store.entries[row.key].values.get(status.id) != ic_review.id
                await pilot.press("s")
                await until(pilot, lambda: isinstance(app.screen, StatusPicker), what="the Status picker")
                await pilot.press(*"ic review", "enter")
                await confirm(pilot, unlock=True)
                column = next(i for i, c in enumerate(table.columns) if c.key == status.id)
                await until(pilot, lambda: table.loaded_row(row.key).cells[column] == "IC Review",  # type: ignore[union-attr]
                            what="the row repainted")
                await settle(pilot)
                assert app.write_mode
        finally:
            await session.close()
        after = run("list", "export", str(PIPELINE), "--filter", IC_REVIEW)["data"]["rows"]
    assert row.key not in before
    assert {r["listEntryId"] for r in after} == before | {row.key}
    moved = next(r for r in after if r["listEntryId"] == row.key)
    assert moved["Status"]["text"] == "IC Review" and moved["entityName"] == row.cells[0]
    assert [(r.method, r.path) for r in emulator.log.writes] == [
        ("POST", f"/v2/lists/{PIPELINE}/list-entries/{row.key}/fields/{status.id}")]
