"""Paged cursors with the real SDK against the emulator: every entry once, requests counted."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from affinity import AsyncAffinity
from affinity.exceptions import AffinityError
from affinity.filters import parse
from affinity.policies import Policies, WritePolicy
from affinity.types import ListId, SavedViewId

from affinity_tui.data.cursors import (
    EntityCursor,
    EntriesCursor,
    FilteredEntriesCursor,
    PageCursor,
    SavedViewCursor,
)
from affinity_tui.data.query import ParsedFilter, parse_filter
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, PORTFOLIO_ID

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE_ID}/list-entries"
PIPELINE = ListId(DEAL_PIPELINE_ID)


@pytest.fixture(scope="module")
def shared() -> Emulator:
    """One tenant for the read-only tests of this module (its log is cleared per test)."""
    return Emulator(EmulatorConfig(now=NOW))


@pytest.fixture
def emu(shared: Emulator) -> Emulator:
    shared.log.clear()
    shared.faults.update({"fail_next": [], "slow_next": 0, "paths": []})
    return shared


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                      async_transport=emu.transport(), max_retries=0,
                      policies=Policies(write=WritePolicy.DENY))
    yield c
    await c.close()


async def drain(cursor: PageCursor[Any]) -> list[Any]:
    models: list[Any] = []
    before = cursor.loaded
    while not cursor.exhausted:
        page = await cursor.next_page()
        models += page.models
        assert page.loaded_so_far == before + len(models) == cursor.loaded
        assert page.has_more is not cursor.exhausted
    return models


def gets(emu: Emulator, path: str) -> list[str]:
    return [r.query for r in emu.log.entries if r.method == "GET" and r.path == path]


def field_id(emu: Emulator, list_id: int, name: str) -> str:
    return next(f.id for f in emu.store.list_fields(list_id) if f.name == name)


async def test_entries_cursor_loads_every_entry_once_one_get_per_page(client: AsyncAffinity, emu: Emulator) -> None:
    status, amount = field_id(emu, DEAL_PIPELINE_ID, "Status"), field_id(emu, DEAL_PIPELINE_ID, "Amount")
    cursor = EntriesCursor(client, PIPELINE, [status, amount])
    entries = await drain(cursor)
    expected = [e.id for e in emu.store.list_entries(DEAL_PIPELINE_ID)]
    assert [int(e.id) for e in entries] == expected and len(expected) == 300
    assert cursor.total == 300 and cursor.exhausted
    queries = gets(emu, ENTRIES_PATH)
    assert len(queries) == 3 == len(set(queries))  # one GET per page of 100, none repeated
    assert f"fieldIds={status}" in queries[0] and "limit=100" in queries[0]
    assert all(q.startswith("cursor=") for q in queries[1:])
    assert {str(k) for k in entries[0].entity.fields.data} == {status, amount}
    assert not any(r.write for r in emu.log.entries)
    emu.log.clear()
    assert (await cursor.next_page()).models == () and emu.log.entries == []


async def test_a_cancelled_fetch_is_kept_for_the_next_call(client: AsyncAffinity, emu: Emulator) -> None:
    cursor = EntriesCursor(client, PIPELINE)
    first = await cursor.next_page()
    emu.faults.update({"slow_next": 1, "slow_seconds": 0.3, "paths": [ENTRIES_PATH]})
    worker = asyncio.create_task(cursor.next_page())
    await asyncio.sleep(0.05)
    worker.cancel()  # the UI's exclusive worker was replaced mid-request
    with pytest.raises(asyncio.CancelledError):
        await worker
    second = await cursor.next_page()  # the same request, finished in the background
    rest = await drain(cursor)
    ids = [int(e.id) for e in (*first.models, *second.models, *rest)]
    assert ids == [e.id for e in emu.store.list_entries(DEAL_PIPELINE_ID)]
    assert len(gets(emu, ENTRIES_PATH)) == 3


async def test_a_failed_page_is_asked_again_and_nothing_is_skipped(client: AsyncAffinity, emu: Emulator) -> None:
    cursor = EntriesCursor(client, PIPELINE)
    first = await cursor.next_page()
    emu.faults.update({"fail_next": [503], "paths": [ENTRIES_PATH]})
    with pytest.raises(AffinityError):
        await cursor.next_page()
    assert cursor.loaded == 100 and not cursor.exhausted
    rest = await drain(cursor)
    assert len(first.models) + len(rest) == 300 == len({int(e.id) for e in (*first.models, *rest)})


async def test_two_callers_never_get_the_same_page(client: AsyncAffinity, emu: Emulator) -> None:
    cursor = EntriesCursor(client, PIPELINE)
    pages = await asyncio.gather(*(cursor.next_page() for _ in range(4)))
    ids = [int(e.id) for page in pages for e in page.models]
    assert len(ids) == 300 == len(set(ids)) and pages[-1].models == ()
    assert len(gets(emu, ENTRIES_PATH)) == 3


async def test_saved_view_cursor_returns_the_server_side_filtered_view(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    view = next(v for v in store.saved_views.values() if v.list_id == DEAL_PIPELINE_ID and v.name == "My deals")
    owners = field_id(emu, DEAL_PIPELINE_ID, "Owners")
    expected = [e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                if store.current_user_id in (e.values.get(owners) or [])]
    cursor = SavedViewCursor(client, PIPELINE, SavedViewId(view.id), page_size=20)
    entries = await drain(cursor)
    assert [int(e.id) for e in entries] == expected and len(expected) > 20
    assert all({str(k) for k in e.entity.fields.data} <= set(view.field_ids) for e in entries)
    path = f"/v2/lists/{DEAL_PIPELINE_ID}/saved-views/{view.id}/list-entries"
    assert len(gets(emu, path)) == -(-len(expected) // 20) == len(set(gets(emu, path)))
    assert cursor.total is None


def brute_force_diligence(emu: Emulator) -> list[int]:
    store = emu.store
    status = next(f for f in store.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    amount = field_id(emu, DEAL_PIPELINE_ID, "Amount")
    diligence = status.option_by_text("Diligence")
    assert diligence is not None
    return [e.id for e in store.list_entries(DEAL_PIPELINE_ID)
            if e.values.get(status.id) == diligence.id and (e.values.get(amount) or 0) > 1_000_000]


async def test_filtered_cursor_matches_brute_force_with_progress(client: AsyncAffinity, emu: Emulator) -> None:
    expected = brute_force_diligence(emu)
    progress: list[tuple[int, int]] = []
    cursor = FilteredEntriesCursor(client, PIPELINE, parse('Status = "Diligence" & Amount > 1000000'),
                                   page_size=10, on_progress=lambda s, m: progress.append((s, m)))
    entries = await drain(cursor)
    assert sorted(int(e.id) for e in entries) == sorted(expected) and len(expected) > 10
    assert cursor.matched == len(expected) == cursor.total and cursor.scanned >= cursor.matched
    assert progress[-1] == (cursor.scanned, cursor.matched)
    assert not cursor.local_fallback and cursor.fallback_message is None
    searches = [r for r in emu.log.entries if r.path.endswith("/list-entries/search")]
    assert searches and all(r.method == "POST" and not r.write for r in searches)
    assert not any(r.path == ENTRIES_PATH for r in emu.log.entries)  # no full scan


async def test_filter_bar_spelling_is_fixed_before_the_sdk_sees_it(client: AsyncAffinity, emu: Emulator) -> None:
    """The SDK re-checks rows by exact field name: ``status`` alone would match nothing."""
    names = [f.name for f in emu.store.list_fields(DEAL_PIPELINE_ID)]
    parsed = parse_filter('status = "Diligence" & amount > 1000000', names)
    assert isinstance(parsed, ParsedFilter) and parsed.fields == ("Status", "Amount")
    entries = await drain(FilteredEntriesCursor(client, PIPELINE, parsed.expression))
    assert sorted(int(e.id) for e in entries) == sorted(brute_force_diligence(emu))
    raw = await drain(FilteredEntriesCursor(client, PIPELINE, parse('status = "Diligence" & amount > 1000000')))
    assert raw == []  # what the SDK does with the user's spelling


async def test_local_fallback_is_reported_not_printed(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    expected = sorted(e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                      if "blue" in store.entity_name("opportunity", e.entity_id).lower())
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        cursor = FilteredEntriesCursor(client, PIPELINE, parse('name =~ "Blue"'))
        entries = await drain(cursor)
    assert leaked == []
    assert sorted(int(e.id) for e in entries) == expected and expected
    assert cursor.local_fallback and cursor.scanned == 300 and cursor.matched == len(expected)
    assert cursor.fallback_message is not None
    assert cursor.fallback_message.startswith("Filtering on your computer: every entry of the list is read")
    assert cursor.fallback_detail is not None and "locally" in cursor.fallback_detail
    assert len(gets(emu, ENTRIES_PATH)) == 3


async def test_refused_search_falls_back_and_says_why(emu: Emulator) -> None:
    fresh = Emulator(EmulatorConfig(now=NOW))  # the SDK remembers a refusal per client and list
    fresh.faults.update({"fail_next": [403], "paths": [f"{ENTRIES_PATH}/search"]})
    client = AsyncAffinity(fresh.api_key, v1_base_url=fresh.v1_base_url, v2_base_url=fresh.v2_base_url,
                           async_transport=fresh.transport(), policies=Policies(write=WritePolicy.DENY))
    try:
        with warnings.catch_warnings(record=True) as leaked:
            warnings.simplefilter("always")
            cursor = FilteredEntriesCursor(client, PIPELINE, parse('Status = "Diligence" & Amount > 1000000'))
            entries = await drain(cursor)
    finally:
        await client.close()
    assert leaked == []
    assert sorted(int(e.id) for e in entries) == sorted(brute_force_diligence(fresh))
    assert cursor.local_fallback and cursor.fallback_message is not None
    assert "Export data from Lists" in cursor.fallback_message


async def test_warning_capture_leaves_other_warnings_alone() -> None:
    from affinity.exceptions import ClientSideFilterWarning

    from affinity_tui.data.cursors import _WarningsRouted

    async def noisy() -> int:
        warnings.warn("slow filter", ClientSideFilterWarning, stacklevel=1)
        await asyncio.sleep(0)
        warnings.warn("something else", RuntimeWarning, stacklevel=1)
        return 7

    captured: list[warnings.WarningMessage] = []
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        assert await _WarningsRouted(noisy(), captured.append) == 7
    assert [str(w.message) for w in captured] == ["slow filter"]
    assert [str(w.message) for w in outside] == ["something else"]


async def test_closing_cancels_a_fetch_in_flight(client: AsyncAffinity, emu: Emulator) -> None:
    cursor = FilteredEntriesCursor(client, PIPELINE, parse('name =~ "Blue"'), page_size=5)
    await cursor.next_page()
    emu.faults.update({"slow_next": 1, "slow_seconds": 5, "paths": [ENTRIES_PATH]})
    worker = asyncio.create_task(cursor.next_page())
    await asyncio.sleep(0.05)
    worker.cancel()
    await cursor.aclose()
    assert (await cursor.next_page()).models == ()


async def test_entity_cursor_lists_everyone_page_by_page(client: AsyncAffinity, emu: Emulator) -> None:
    for kind, pool, path in (("company", emu.store.companies, "/v2/companies"),
                             ("person", emu.store.persons, "/v2/persons"),
                             ("opportunity", emu.store.opportunities, "/v2/opportunities")):
        emu.log.clear()
        cursor = EntityCursor(client, kind)  # type: ignore[arg-type]
        models = await drain(cursor)
        assert [int(m.id) for m in models] == list(pool)
        assert len(gets(emu, path)) == -(-len(pool) // 100) == len(set(gets(emu, path)))


async def test_entity_cursor_term_search_is_server_side(client: AsyncAffinity, emu: Emulator) -> None:
    store = emu.store
    person = next(p for p in store.persons.values() if p.type == "external")
    found = await drain(EntityCursor(client, "person", person.emails[0]))
    assert [int(p.id) for p in found] == [person.id]
    ada = await drain(EntityCursor(client, "person", "ada"))
    assert sorted(int(p.id) for p in ada) == sorted(
        p.id for p in store.persons.values() if any("ada" in t.lower() for t in (p.full_name, *p.emails)))
    company = store.companies[person.company_ids[0]]
    assert company.id in [int(c.id) for c in await drain(EntityCursor(client, "company", company.domain))]
    series = await drain(EntityCursor(client, "opportunity", "Series", page_size=50))
    assert len(series) == sum(1 for o in store.opportunities.values() if "series" in o.name.lower()) > 50
    assert all(r.api == "v1" for r in emu.log.entries)


async def test_entity_cursor_fetches_requested_fields(client: AsyncAffinity, emu: Emulator) -> None:
    cursor = EntityCursor(client, "company", field_ids=["affinity-data-location", "field-3001"], page_size=5)
    page = await cursor.next_page()
    assert all(set(c.fields.data) == {"affinity-data-location", "field-3001"} for c in page.models)
    portfolio = await drain(EntriesCursor(client, ListId(PORTFOLIO_ID), page_size=50))
    assert len(portfolio) == emu.store.list_size(PORTFOLIO_ID)


# ---- the SDK's page classes outlive their pages -------------------------------------------------
def _page_class_ref(model: type[Any], keep: bool) -> Any:
    """A weak reference to the class of a page built the way the SDK builds one (in a function)."""
    import weakref

    from affinity.models.pagination import PaginatedResponse

    from affinity_tui.data.page_types import kept

    page = PaginatedResponse[model](data=[])  # type: ignore[valid-type]
    if keep:
        kept(page)
    return weakref.ref(type(page))


def test_kept_page_classes_survive_their_pages() -> None:
    import gc

    from affinity.models.secondary import Webhook
    from affinity.models.entities import ListSummary

    control = _page_class_ref(Webhook, keep=False)
    gc.collect()
    assert control() is None, "pydantic now keeps generic classes alive: page_types is no longer needed"
    ref = _page_class_ref(ListSummary, keep=True)
    gc.collect()
    assert ref() is not None


async def test_every_cursor_page_goes_through_kept(client: AsyncAffinity, monkeypatch: pytest.MonkeyPatch) -> None:
    from affinity.models.pagination import PaginatedResponse

    import affinity_tui.data.cursors as cursors

    seen: list[type[Any]] = []
    monkeypatch.setattr(cursors, "kept", lambda page: seen.append(type(page)) or page)
    cursor = EntriesCursor(client, PIPELINE, page_size=10)
    await cursor.next_page()
    await cursor.next_page()
    await EntityCursor(client, "person", page_size=10).next_page()
    filtered = FilteredEntriesCursor(client, PIPELINE, parse('Status = "Diligence"'), page_size=10)
    await filtered.next_page()
    await filtered.aclose()
    assert len(seen) == 4 and all(issubclass(t, PaginatedResponse) for t in seen)


# ---- the request budget of a local read ------------------------------------------------------------
@pytest.fixture(scope="module")
def big() -> Emulator:
    """2,000 entries: a local read is 20 requests."""
    return Emulator(EmulatorConfig(now=NOW, scale=2000))


async def big_client(emu: Emulator) -> AsyncAffinity:
    emu.log.clear()
    return AsyncAffinity(emu.api_key, v1_base_url=emu.v1_base_url, v2_base_url=emu.v2_base_url,
                         async_transport=emu.transport(), max_retries=0, policies=Policies(write=WritePolicy.DENY))


def named_blue(emu: Emulator) -> list[int]:
    store = emu.store
    return sorted(e.id for e in store.list_entries(DEAL_PIPELINE_ID)
                  if "blue" in store.entity_name("opportunity", e.entity_id).lower())


async def test_an_unexpected_local_read_pauses_at_its_budget_and_goes_on_when_approved(big: Emulator) -> None:
    from affinity_tui.data.scan import ScanPaused

    client = await big_client(big)
    try:
        cursor = FilteredEntriesCursor(client, PIPELINE, parse('name =~ "Blue"'), scan_budget=5, known_total=2000)
        with pytest.raises(ScanPaused) as paused:
            await cursor.next_page()
        assert cursor.paused and cursor.local_fallback
        read = len(gets(big, ENTRIES_PATH))
        assert 5 <= read <= 6, read  # at most the request already on its way when the budget was reached
        assert paused.value.scanned == cursor.scanned and paused.value.total == 2000
        assert "every entry is read and checked here" in paused.value.what_to_do
        with pytest.raises(ScanPaused):  # asked again while paused: the same answer, nothing sent
            await cursor.next_page()
        await asyncio.sleep(0.05)
        assert len(gets(big, ENTRIES_PATH)) == read
        cursor.approve()
        entries = await drain(cursor)
    finally:
        await client.close()
    assert sorted(int(e.id) for e in entries) == named_blue(big)
    assert len(gets(big, ENTRIES_PATH)) == 20, "no page read twice, none skipped"


async def test_a_paused_read_stopped_reads_nothing_more(big: Emulator) -> None:
    from affinity_tui.data.scan import ScanPaused

    client = await big_client(big)
    try:
        cursor = FilteredEntriesCursor(client, PIPELINE, parse('name =~ "Blue"'), scan_budget=2)
        with pytest.raises(ScanPaused):
            await cursor.next_page()
        read = len(gets(big, ENTRIES_PATH))
        await cursor.stop()
        assert cursor.stopped and cursor.exhausted and not cursor.paused
        assert (await cursor.next_page()).models == ()
        await asyncio.sleep(0.05)
        assert len(gets(big, ENTRIES_PATH)) == read
    finally:
        await client.close()


async def test_a_read_the_search_answers_never_pauses(big: Emulator) -> None:
    client = await big_client(big)
    try:
        cursor = FilteredEntriesCursor(client, PIPELINE, parse('Status = "Diligence"'), scan_budget=0)
        page = await cursor.next_page()
    finally:
        await client.close()
    assert page.models and not cursor.local_fallback and not cursor.paused
