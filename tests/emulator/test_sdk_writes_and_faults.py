"""Writes the SDK makes (allowed and denied), auth, versions, rate limits and injected faults."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from affinity import AsyncAffinity
from affinity.exceptions import (
    AuthenticationError,
    RateLimitError,
    ServerError,
    WriteNotAllowedError,
)
from affinity.models.secondary import NoteCreate, ReminderCreate
from affinity.types import CompanyId, FieldId, ListId, PersonId, ReminderType

from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, PORTFOLIO_ID

from .conftest import NOW, sdk_client


async def test_write_calls_change_the_store(writer: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    pid = next(p.id for p in store.persons.values() if p.type == "external")
    note = await writer.notes.create(NoteCreate(content="Met <them> & agreed", person_ids=[PersonId(pid)]))
    assert store.notes[int(note.id)].html == "<p>Met &lt;them&gt; &amp; agreed</p>"
    assert int(note.id) in {n.id for n in store.notes_for("person", pid)}

    reminder = await writer.reminders.create(ReminderCreate(
        owner_id=PersonId(store.current_user_id), type=ReminderType.ONE_TIME, content="Call back",
        due_date=datetime(2030, 1, 1, 9, tzinfo=UTC), person_id=PersonId(pid)))
    assert store.reminders[int(reminder.id)].due_date == "2030-01-01T09:00:00Z"

    entries = writer.lists.entries(ListId(DEAL_PIPELINE_ID))
    entry = store.list_entries(DEAL_PIPELINE_ID)[0]
    amount = next(f for f in store.list_fields(DEAL_PIPELINE_ID) if f.name == "Amount")
    await entries.update_field_value(entry.id, FieldId(amount.id), 4_250_000)
    assert entry.values[amount.id] == 4_250_000
    await entries.batch_update_fields(entry.id, {FieldId(amount.id): 5_000_000})
    assert entry.values[amount.id] == 5_000_000

    cid = next(c for c in store.companies if c not in {e.entity_id for e in store.list_entries(PORTFOLIO_ID)})
    before = store.list_size(PORTFOLIO_ID)
    added = await writer.lists.entries(ListId(PORTFOLIO_ID)).add_company(CompanyId(cid))
    assert store.list_size(PORTFOLIO_ID) == before + 1 and store.entries[int(added.id)].entity_id == cid

    methods = {(r.method, r.path.split("/")[1], r.status) for r in emu.log.writes}
    assert ("POST", "v2", 201) in methods and ("PATCH", "v2", 200) in methods and ("POST", "v2", 204) in methods
    assert ("POST", "lists", 200) in methods


async def test_read_only_client_sends_no_write(emu: Emulator) -> None:
    client = sdk_client(emu, read_only=True)
    store = emu.store
    entry = store.list_entries(DEAL_PIPELINE_ID)[0]
    pid = next(p.id for p in store.persons.values() if p.type == "external")
    calls = [
        client.notes.create(NoteCreate(content="x", person_ids=[PersonId(pid)])),
        client.reminders.create(ReminderCreate(owner_id=PersonId(store.current_user_id), type=ReminderType.ONE_TIME,
                                               due_date=datetime(2030, 1, 1, tzinfo=UTC), person_id=PersonId(pid))),
        client.lists.entries(ListId(DEAL_PIPELINE_ID)).update_field_value(entry.id, FieldId("field-1"), "x"),
        client.lists.entries(ListId(PORTFOLIO_ID)).add_company(CompanyId(next(iter(store.companies)))),
    ]
    for call in calls:
        with pytest.raises(WriteNotAllowedError):
            await call
    await client.close()
    assert emu.log.writes == []


async def test_wrong_key_is_401_with_both_envelopes(emu: Emulator) -> None:
    bad = AsyncAffinity("not-the-key", v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                        async_transport=emu.transport())
    with pytest.raises(AuthenticationError):
        await bad.whoami()
    await bad.close()
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url) as raw:
        v2 = await raw.get("/v2/lists", headers={"Authorization": "Bearer nope"})
        assert v2.status_code == 401 and v2.json()["errors"][0]["code"] == "authentication"
        assert int(v2.headers["x-ratelimit-limit-user"]) == 900
        basic_v2 = await raw.get("/v2/lists", auth=("", emu.api_key))
        assert basic_v2.status_code == 401, "v2 takes Bearer only"
        basic_v1 = await raw.get("/lists", auth=("", emu.api_key))
        assert basic_v1.status_code == 200 and isinstance(basic_v1.json(), list)


async def test_api_versions(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as raw:
        for version in ("2024-01-01", "2026-07-15", "2026-09-17", "current"):
            r = await raw.get("/v2/lists", headers={"X-Affinity-Api-Version": version})
            assert r.status_code == 200
            assert r.headers["x-affinity-api-version"] in ("2024-01-01", "2026-07-15", "2026-09-17")
        r = await raw.get("/v2/lists", headers={"X-Affinity-Api-Version": "1999-01-01"})
        assert r.status_code == 400
        assert r.json()["errors"][0] == {"code": "validation", "param": "X-Affinity-Api-Version",
                                         "message": r.json()["errors"][0]["message"]}
    pinned = sdk_client(emu, affinity_api_version="2026-09-17")
    assert (await pinned.whoami()).tenant.subdomain == "harborpeak"
    await pinned.close()


async def test_per_minute_budget_answers_429_with_retry_after() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, per_minute=3, companies=50, persons=80, scale=10))
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as raw:
        remaining = [int((await raw.get("/v2/lists")).headers["x-ratelimit-limit-user-remaining"]) for _ in range(3)]
        assert remaining == [2, 1, 0]
        refused = await raw.get("/v2/lists")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["errors"][0]["code"] == "rate-limit"


async def test_monthly_budget_spares_whoami_and_rate_limit() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, monthly=2, companies=50, persons=80, scale=10))
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as raw:
        assert (await raw.get("/v2/lists")).status_code == 200
        assert (await raw.get("/v2/lists")).status_code == 200
        assert (await raw.get("/v2/lists")).status_code == 429
        assert (await raw.get("/v2/auth/whoami")).status_code == 200
        assert (await raw.get("/rate-limit")).json()["rate"]["org_monthly"]["remaining"] == 0


async def test_faults_on_demand(emu: Emulator) -> None:
    client = sdk_client(emu, max_retries=1)
    emu.faults.update({"fail_next": [503]})
    assert (await client.whoami()).tenant.name  # one 503, retried once, then fine
    emu.faults.update({"fail_next": [500, 500]})
    with pytest.raises(ServerError):
        await client.whoami()
    emu.faults.update({"rate_limit_next": 2, "retry_after": 0})
    with pytest.raises(RateLimitError):
        await client.whoami()
    # A connection lost mid-response is httpx.RemoteProtocolError, over a socket as in-process,
    # and affinity-sdk 2.0.6 neither retries nor wraps it (only NetworkError/TimeoutException):
    # the app's data layer must catch httpx.TransportError itself.
    emu.faults.update({"drop_next": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        await client.whoami()
    statuses = [r.status for r in emu.log.entries]
    assert statuses == [503, 200, 500, 500, 429, 429, 0]
    await client.close()


async def test_slow_response_times_out_like_a_socket(emu: Emulator) -> None:
    from affinity.exceptions import TimeoutError as AffinityTimeout

    client = sdk_client(emu, max_retries=0, timeout=0.2)
    emu.faults.update({"slow_next": 1, "slow_seconds": 2.0})
    with pytest.raises(AffinityTimeout):
        await client.whoami()
    await client.close()


async def test_control_routes(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url) as raw:
        await raw.get("/v2/lists", headers={"Authorization": f"Bearer {emu.api_key}"})
        log = (await raw.get("/_emulator/requests")).json()["requests"]
        assert [(r["method"], r["path"], r["status"], r["write"]) for r in log] == [("GET", "/v2/lists", 200, False)]
        assert (await raw.delete("/_emulator/requests")).status_code == 200
        assert (await raw.get("/_emulator/requests")).json()["requests"] == []
        r = await raw.put("/_emulator/faults", json={"latency_ms": 5})
        assert r.json()["latency_ms"] == 5
        assert (await raw.put("/_emulator/faults", json={"nonsense": 1})).status_code == 400
        info = (await raw.get("/_emulator")).json()
        assert info["lists"]["Deal Pipeline"]["size"] == emu.store.list_size(DEAL_PIPELINE_ID)


async def test_malformed_answers_are_carried_out_then_unreadable(emu: Emulator) -> None:
    entry = emu.store.list_entries(DEAL_PIPELINE_ID)[0]
    amount = next(f for f in emu.store.list_fields(DEAL_PIPELINE_ID) if f.name == "Amount")
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as raw:
        whole = (await raw.get("/v2/lists")).content
        emu.faults.update({"malformed_next": 1})
        cut = await raw.get("/v2/lists")
        assert cut.status_code == 200 and cut.headers["content-type"] == "application/json"
        assert whole.startswith(cut.content) and len(cut.content) < len(whole)
        assert "x-ratelimit-limit-user-remaining" in cut.headers
        emu.faults.update({"malformed_next": 1, "malformed_body": "html"})
        page = await raw.post(f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries/{entry.id}/fields/{amount.id}",
                              json={"value": {"type": "number", "data": 7}})
        assert page.status_code == 200 and page.text.startswith("<html>")
    assert entry.values[amount.id] == 7  # the write was carried out, its answer was not JSON
    assert [r.status for r in emu.log.entries] == [200, 200, 204]  # what the route really answered


async def test_a_key_revoked_mid_session_and_a_server_that_is_down(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url) as raw:
        old = {"Authorization": f"Bearer {emu.api_key}"}
        assert (await raw.get("/v2/lists", headers=old)).status_code == 200
        assert (await raw.put("/_emulator/auth", json={"api_key": "rotated"})).json() == {"api_key": "rotated"}
        assert (await raw.get("/v2/lists", headers=old)).status_code == 401
        assert (await raw.get("/v2/lists", headers={"Authorization": "Bearer rotated"})).status_code == 200
        assert (await raw.put("/_emulator/auth", json={"api_key": ""})).status_code == 400
        emu.faults.update({"down": True})
        with pytest.raises(httpx.ConnectError):
            await raw.get("/v2/lists", headers=old)
        assert (await raw.get("/_emulator/faults")).json()["down"] is True  # control routes still answer
        emu.faults.update({"down": False})
        assert (await raw.get("/v2/lists", headers={"Authorization": "Bearer rotated"})).status_code == 200


async def test_the_rate_window_can_be_shortened() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, per_minute=2, companies=50, persons=80, scale=10))
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as raw:
        limits = (await raw.put("/_emulator/limits", json={"window_seconds": 2})).json()
        assert limits["window_seconds"] == 2
        first = await raw.get("/v2/lists")
        assert 1 <= int(first.headers["x-ratelimit-limit-user-reset"]) <= 2
        await raw.get("/v2/lists")
        assert (await raw.get("/v2/lists")).status_code == 429
