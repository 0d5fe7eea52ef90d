"""The demo emulator answers the lists screen before it has generated emails and meetings, and
generates them, once, before any request that could show them."""

from __future__ import annotations

import httpx
import pytest

from affinity_tui.emulator import Emulator, EmulatorConfig

from .conftest import NOW

KEY = {"Authorization": "Bearer demo-key"}


async def get(emulator: Emulator, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=emulator.v1_base_url) as client:
        return await client.get(path, headers=KEY)


@pytest.fixture()
def deferred() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW, defer_activity=True))


async def test_the_lists_screens_requests_do_not_generate_activity(deferred: Emulator) -> None:
    for path in ("/v2/auth/whoami", "/v2/lists", "/lists/12001", "/v2/lists/12001/saved-views",
                 "/v2/persons/50001", "/rate-limit"):
        response = await get(deferred, path)
        assert response.status_code == 200, path
    assert not deferred.store.settled


@pytest.mark.parametrize("path", [
    "/v2/lists/12001/list-entries",
    "/v2/persons/50010?fieldTypes=relationship-intelligence",
    "/v2/persons/50010?fieldIds=last-email",
    "/v2/companies",
    "/persons?term=a&with_interaction_dates=true",
    "/_emulator/requests",
])
async def test_anything_that_may_show_activity_generates_it_first(deferred: Emulator, path: str) -> None:
    response = await get(deferred, path)
    assert response.status_code == 200, response.text
    assert deferred.store.settled and deferred.store.interactions


async def test_relationship_intelligence_is_there_on_the_first_request(deferred: Emulator) -> None:
    eager = Emulator(EmulatorConfig(now=NOW))
    path = "/v2/persons/50010?fieldTypes=relationship-intelligence"
    assert (await get(deferred, path)).json() == (await get(eager, path)).json()


async def test_a_write_generates_activity_first(deferred: Emulator) -> None:
    async with httpx.AsyncClient(transport=deferred.transport(), base_url=deferred.v1_base_url) as client:
        response = await client.post("/v2/notes", headers=KEY, json={
            "type": "entities", "content": {"html": "<p>hi</p>"}, "persons": [{"id": 50010}]})
    assert response.status_code in (200, 201), response.text
    assert deferred.store.settled
