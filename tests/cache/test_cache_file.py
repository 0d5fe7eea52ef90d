"""The cache file: one per tenant and user, private, opened only for a key known to belong to it,
rebuilt when it cannot be used; the key itself is never written."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.config import Secret
from affinity_tui.data.cache import TenantCache
from affinity_tui.data.cache.identity import DB_SUFFIX, KeyIndex, clear_cache, key_fingerprint, tenant_db_name
from affinity_tui.data.cache.store import SCHEMA_VERSION
from affinity_tui.emulator import Emulator, EmulatorConfig

from ..conftest import NOW
from ..screens.helpers import DEAL_PIPELINE, SIZE, error_toasts, settle, table_of, until
from .conftest import CachedSession
from .test_warm_start import browse_deal_pipeline


def databases(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.iterdir() if p.name.endswith(DB_SUFFIX))


async def test_files_are_private_and_never_hold_the_key(cached_session: CachedSession, cache_dir: Path,
                                                       emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    [db] = databases(cache_dir)
    assert db.name == tenant_db_name(emulator.store.tenant.id, emulator.store.current_user_id)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    for path in cache_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert emulator.api_key.encode() not in path.read_bytes(), path
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.parametrize("damage", ["garbage", "old schema", "truncated"])
async def test_a_file_that_cannot_be_used_is_set_aside_and_rebuilt(
        cached_session: CachedSession, cache_dir: Path, damage: str) -> None:
    await browse_deal_pipeline(cached_session())
    [db] = databases(cache_dir)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if damage == "garbage":
        db.write_bytes(b"this is not a database\x00" * 500)
    elif damage == "old schema":
        with sqlite3.connect(db) as old:
            old.execute("PRAGMA user_version = 0")
    else:
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 3])
    session = cached_session()
    app = AffinityApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert len(table_of(app).rows) == 4  # the lists, read from Affinity: the app goes on
        assert error_toasts(app) == []
        problems = list(session.cache.problems) if session.cache else []
    assert any("set aside" in p for p in problems), problems
    assert Path(f"{db}.set-aside").exists()
    with sqlite3.connect(db) as rebuilt:
        assert rebuilt.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # The rebuilt file serves the next start.
    second = cached_session()
    assert await second.cache.ready() if second.cache else False
    lists = await second.cache.lists() if second.cache else None
    assert lists is not None and len(lists.value) == 4
    await second.close()


async def test_data_cached_under_one_key_is_never_shown_under_another(
        cached_session: CachedSession, cache_dir: Path, emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    # A key Affinity refuses: nothing cached is shown, only why nothing is.
    app = AffinityApp(cached_session(api_key="someone-elses-key"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert len(table_of(app).rows) == 0
        assert any("did not accept the API key" in t for t in error_toasts(app))
    # The same tenant served to another key (the first one revoked): its first start is cold.
    rotated = Emulator(EmulatorConfig(now=NOW, api_key="rotated-key"), store=emulator.store)
    session = cached_session(api_key="rotated-key", target=rotated)
    assert session.cache is not None and not await session.cache.ready()
    await session.close()
    # The revoked key is refused now, and forgotten: what it cached is not shown again.
    app = AffinityApp(cached_session(target=rotated, api_key=emulator.api_key))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
    assert KeyIndex(cache_dir).lookup(key_fingerprint(cache_dir, emulator.api_key)) is None
    again = cached_session(target=rotated, api_key=emulator.api_key)
    assert again.cache is not None and not await again.cache.ready()
    await again.close()


async def test_a_new_key_of_the_same_user_joins_their_file(cached_session: CachedSession, cache_dir: Path,
                                                          emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    rotated = Emulator(EmulatorConfig(now=NOW, api_key="rotated-key"), store=emulator.store)
    app = AffinityApp(cached_session(api_key="rotated-key", target=rotated))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # whoami confirms the new key: same tenant, same user, same file
    assert len(databases(cache_dir)) == 1
    warm = cached_session(api_key="rotated-key", target=rotated)
    assert warm.cache is not None and await warm.cache.ready()
    await warm.close()


async def test_cache_clear_removes_every_file(cached_session: CachedSession, cache_dir: Path) -> None:
    await browse_deal_pipeline(cached_session())
    (cache_dir / "unrelated.txt").write_text("kept")
    removed = clear_cache(cache_dir)
    assert removed and sorted(p.name for p in cache_dir.iterdir()) == ["unrelated.txt"]


async def test_a_file_locked_for_good_is_set_aside(tmp_path: Path, emulator: Emulator) -> None:
    from affinity_tui.data import AffinitySession

    cache = TenantCache(tmp_path, Secret(emulator.api_key))
    session = AffinitySession.for_emulator(emulator, cache=cache)
    await session.whoami()
    [db] = databases(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process that never lets go
    try:
        cache.save_lists([])
        await cache.flush()  # waited the busy timeout, then started a new file
        assert any("locked" in p and "set aside" in p for p in cache.problems), cache.problems
        cache.save_lists([])
        await cache.flush()
        assert (await cache.lists()) is not None
    finally:
        holder.close()
        await session.close()
    assert os.path.exists(f"{db}.set-aside")


async def test_writes_wait_for_whoami_on_a_cold_start(tmp_path: Path, emulator: Emulator) -> None:
    from affinity_tui.data import AffinitySession

    cache = TenantCache(tmp_path, Secret(emulator.api_key))
    assert not await cache.ready()
    cache.save_lists([])
    session = AffinitySession.for_emulator(emulator, cache=cache)
    await session.whoami()  # confirms the key: the queued write lands in the tenant's file
    await cache.flush()
    assert (await cache.lists()) is not None
    await session.close()


async def test_status_of_an_unusable_directory_is_no_cache(tmp_path: Path, emulator: Emulator) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    cache = TenantCache(blocked / "cache", Secret(emulator.api_key))
    assert not await cache.ready()
    assert cache.problems
    cache.close()


async def test_the_warm_paint_matches_the_first_sessions_rows(cached_session: CachedSession) -> None:
    first = await browse_deal_pipeline(cached_session())
    from affinity_tui.data.resume import Place

    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.screen_stack) > 1 and len(table_of(app).rows) > 0)
        assert [r.cells[0] for r in table_of(app).rows][:50] == first[:50]
