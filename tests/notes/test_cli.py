"""Against the standalone emulator (uvicorn on a real socket): a note written in the app reads
back through ``xaffinity note ls``, and every note and reminder write the CLI can send works,
is stored, and is in the request log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.config import Secret, Settings
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.screens.entities import EntitiesScreen

from ..conftest import NOW
from ..served import cli_runner, serving, xaffinity
from .helpers import SIZE, confirm_write, open_composer, people, settle, type_text, unlock, until

ROW = 7


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    emu = Emulator(EmulatorConfig(now=NOW))
    with serving(emu) as base:
        yield emu, base


@pytest.fixture
def cli(served: tuple[Emulator, str], tmp_path: Path) -> Any:
    command = xaffinity()
    if command is None:
        pytest.skip("xaffinity (affinity-sdk[cli]) is not installed")
    emu, base = served
    return cli_runner(command, emu, base, tmp_path)


async def test_a_note_written_in_the_app_reads_back_through_xaffinity(served: tuple[Emulator, str], cli: Any) -> None:
    emu, base = served
    settings = Settings(api_key=Secret(emu.api_key), v1_base_url=base, v2_base_url=f"{base}/v2",
                        key_source="test")
    session = AffinitySession(settings, clock=lambda: NOW)
    app = AffinityApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await people(pilot, ROW)
        await unlock(pilot)
        composer = await open_composer(pilot)
        person_id = composer.target.entity_id
        await type_text(pilot, "Called **Jane** about the round")
        emu.log.clear()
        await pilot.press("ctrl+s")
        await confirm_write(pilot)
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen), what="the composer to close")
        await settle(pilot)
    assert [(w.method, w.path) for w in emu.log.writes] == [("POST", "/v2/notes")]
    listed = cli("note", "ls", "--person-id", str(person_id), "--all")
    notes = listed["data"] if isinstance(listed["data"], list) else listed["data"]["notes"]
    mine = [n for n in notes if "Jane" in (n.get("content") or "")]
    assert len(mine) == 1 and mine[0]["creatorId"] == 50001
    got = cli("note", "get", str(mine[0]["id"]))
    assert "<strong>Jane</strong>" in json.dumps(got["data"])


def test_every_note_and_reminder_write_of_the_cli_works_on_the_emulator(served: tuple[Emulator, str], cli: Any) -> None:
    emu, _ = served
    s = emu.store
    person = 50010
    company = next(iter(s.companies))
    emu.log.clear()
    note = cli("note", "create", "--content", "From the CLI", "--person-id", str(person), "--company-id",
               str(company))["data"]["note"]
    stored = s.notes[note["id"]]
    assert (stored.person_ids, stored.company_ids) == ([person], [company])
    reply = cli("note", "create", "--content", "A reply", "--parent-id", str(note["id"]))["data"]["note"]
    assert s.notes[reply["id"]].parent_id == note["id"]
    cli("note", "update", str(note["id"]), "--content", "<p><b>Edited</b></p>", "--type", "html")
    assert stored.html == "<p><strong>Edited</strong></p>"
    one = cli("reminder", "create", "--type", "one-time", "--due-date", "2026-12-03T09:00:00Z", "--owner-id", "50001",
              "--person-id", str(person), "--content", "Call back")["data"]["reminder"]
    assert s.reminders[one["id"]].due_date == "2026-12-03T09:00:00Z"
    cli("reminder", "update", str(one["id"]), "--content", "Call back soon")
    cli("reminder", "update", str(one["id"]), "--completed")
    assert s.reminders[one["id"]].completed_at is not None and s.reminders[one["id"]].content == "Call back soon"
    cli("reminder", "update", str(one["id"]), "--type", "recurring", "--reset-type", "email", "--reminder-days", "14")
    assert (s.reminders[one["id"]].type, s.reminders[one["id"]].period_days) == ("recurring", 14)
    every = cli("reminder", "create", "--type", "recurring", "--reset-type", "interaction", "--reminder-days", "30",
                "--owner-id", "50002", "--company-id", str(company))["data"]["reminder"]
    assert s.reminders[every["id"]].owner_id == 50002
    for rid in (one["id"], every["id"]):
        cli("reminder", "delete", str(rid), "--yes")
        assert rid not in s.reminders
    cli("note", "delete", str(note["id"]), "--yes")
    assert note["id"] not in s.notes and reply["id"] not in s.notes  # a reply goes with its note
    writes = emu.log.writes  # 2 notes, an update, 2 reminders, 3 reminder updates, 3 deletes
    assert len(writes) >= 11 and all(w.status < 300 for w in writes)
