"""The emulator served over a real socket (uvicorn on 127.0.0.1), used by clients it was not
written with: the SDK over TCP, and the xaffinity CLI as a separate process (README's session)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from affinity import AsyncAffinity
from affinity.types import ListId

from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.serve import banner
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID

from ..served import cli_runner, serving, xaffinity
from .conftest import NOW


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, str]]:
    emu = Emulator(EmulatorConfig(now=NOW))
    with serving(emu) as base:
        yield emu, base


def test_banner_tells_a_client_what_to_set(served: tuple[Emulator, str]) -> None:
    emu, base = served
    port = int(base.rsplit(":", 1)[1])
    text = banner(emu, "127.0.0.1", port, 0.2)
    assert f"AFFINITY_V1_BASE_URL={base}" in text and f"AFFINITY_V2_BASE_URL={base}/v2" in text
    assert f"AFFINITY_API_KEY={emu.api_key}" in text


async def test_sdk_pages_over_tcp_follow_next_url(served: tuple[Emulator, str]) -> None:
    emu, base = served
    async with AsyncAffinity(emu.api_key, v1_base_url=base, v2_base_url=f"{base}/v2") as client:
        total = 0
        async for page in client.lists.entries(ListId(DEAL_PIPELINE_ID)).pages(limit=100):
            total += len(page.data)
            if page.pagination.next_cursor:
                assert page.pagination.next_cursor.startswith(f"{base}/v2/")
        assert total == emu.store.list_size(DEAL_PIPELINE_ID)


def test_dropped_connection_over_tcp(served: tuple[Emulator, str]) -> None:
    emu, base = served
    emu.faults.update({"drop_next": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{base}/v2/lists", headers={"Authorization": f"Bearer {emu.api_key}"})
    assert httpx.get(f"{base}/v2/lists", headers={"Authorization": f"Bearer {emu.api_key}"}).status_code == 200


def test_xaffinity_cli_session(served: tuple[Emulator, str], tmp_path: Path) -> None:
    """The README's CLI session: whoami, lists, a filtered export (pushed down as a search) and a
    saved view, all against the standalone emulator."""
    cli = xaffinity()
    if cli is None:
        pytest.skip("xaffinity (affinity-sdk[cli]) is not installed")
    emu, base = served
    run = cli_runner(cli, emu, base, tmp_path)
    who = run("whoami")
    assert "Harbor Peak Ventures" in json.dumps(who)
    lists = run("list", "ls")
    assert {"Deal Pipeline", "Portfolio", "Founders", "Co-investors"} <= {
        row["name"] for row in lists["data"]["lists"]}  # type: ignore[index]
    emu.log.clear()
    export = run("list", "export", str(DEAL_PIPELINE_ID), "--filter", 'Status = "Diligence"', "--all")
    rows = export["data"]["rows"]  # type: ignore[index]
    status = next(f for f in emu.store.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    expected = {e.id for e in emu.store.list_entries(DEAL_PIPELINE_ID)
                if status.option(e.values[status.id]).text == "Diligence"}  # type: ignore[union-attr]
    assert {row["listEntryId"] for row in rows} == expected
    assert any(r.path.endswith("/list-entries/search") for r in emu.log.entries)
    view = run("list", "export", str(DEAL_PIPELINE_ID), "--saved-view", "My deals", "--all")
    assert len(view["data"]["rows"]) == sum(  # type: ignore[index]
        1 for e in emu.store.list_entries(DEAL_PIPELINE_ID)
        if emu.store.current_user_id in (e.values.get(
            next(f.id for f in emu.store.list_fields(DEAL_PIPELINE_ID) if f.name == "Owners")) or []))
