"""Local search: people, companies and opportunities seen so far are found as each key is typed,
with no request; Affinity's results are merged in when they arrive."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette

from affinity_tui.app import AffinityApp
from affinity_tui.data.cache.store import CacheFile, Seen
from affinity_tui.emulator import Emulator
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.widgets.filter_bar import FilterBar

from ..screens.helpers import SIZE, settle, status_text, table_of, until
from .conftest import CachedSession

SEEN = [Seen("person", 1, "Jane Doe", "jane.doe@acme.io"), Seen("person", 2, "Janet Smith", "js@x.com"),
        Seen("company", 3, "Acme Robotics", "acme.io"), Seen("opportunity", 4, "Acme — Series B", ""),
        Seen("person", 5, "Zoë Ångström", "zoe@nordic.se")]


@pytest.mark.parametrize("fts", [True, False], ids=["fts5", "without fts5"])
def test_every_word_must_start_a_word_of_the_name_email_or_domain(tmp_path: Path, fts: bool) -> None:
    file = CacheFile(tmp_path / "x.sqlite3", use_fts=fts)
    file.index(SEEN)
    file.index([Seen("person", 2, "Janet Smythe", "js@x.com")])  # seen again: replaced, not doubled

    def found(text: str, kind: str | None = None) -> set[int]:
        return {s.entity_id for s in file.search(text, kind)}

    assert found("jan") == {1, 2}
    assert found("jane d") == {1}
    assert found("acme") == {1, 3, 4}  # Jane's email is at acme.io
    assert found("acme", "company") == {3}
    assert found("smy") == {2} and found("smi") == set()
    assert found("zoe ang") == {5}  # accents are ignored
    assert found("ane") == set()  # inside a word is not a match
    assert found('"; DROP TABLE x --') == set()
    assert found("") == set()
    file.close()


async def browse_people(cached_session: CachedSession) -> None:
    app = AffinityApp(cached_session())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)


async def test_slash_on_people_shows_local_matches_at_each_key_then_merges_affinitys(
        cached_session: CachedSession, emulator: Emulator) -> None:
    await browse_people(cached_session)
    people = list(emulator.store.persons.values())[:200]  # the two pages the first session saw
    app = AffinityApp(cached_session())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("slash", *"mor")
        await until(pilot, lambda: table_of(app).rows and app.screen.query_one(FilterBar).display)
        names = {row.cells[0] for row in table_of(app).rows}
        expected = {p.full_name for p in people if any(w.startswith("mor") for w in
                                                       (p.full_name + " " + " ".join(p.emails)).lower()
                                                       .replace(".", " ").replace("@", " ").split())}
        assert expected and names == expected
        assert emulator.log.entries == []  # as you type: nothing asked
        assert "seen before" in status_text(app)
        await settle(pilot)  # the pause: Affinity's search, merged
        searched = [e for e in emulator.log.entries if e.path == "/persons"]
        assert len(searched) == 1 and "term=mor" in searched[0].query
        merged = [row.cells[0] for row in table_of(app).rows]
        assert merged[: len(names)] and set(merged[: len(names)]) == names  # the local ones stay first
        assert len(merged) == len(set(row.key for row in table_of(app).rows))
        assert "seen before" not in status_text(app)
        await pilot.press("enter")  # the same search: not sent again
        await settle(pilot)
        assert len([e for e in emulator.log.entries if e.path == "/persons"]) == 1


async def test_the_palette_finds_people_seen_before_then_affinitys(
        cached_session: CachedSession, emulator: Emulator) -> None:
    await browse_people(cached_session)
    morgan = emulator.store.persons[50001]
    app = AffinityApp(cached_session())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.log.clear()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"morgan")

        def prompts() -> list[str]:
            results = app.screen.query_one(CommandList)
            return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

        await until(pilot, lambda: any(f"Person: {morgan.full_name}" in p for p in prompts()),
                    what="the local hit")
        assert emulator.log.entries == []
        await until(pilot, lambda: any(e.path == "/persons" for e in emulator.log.entries), timeout=5,
                    what="Affinity's search after the pause")
        hit = next(i for i, p in enumerate(prompts()) if f"Person: {morgan.full_name}" in p)
        results = app.screen.query_one(CommandList)
        results.highlighted = hit
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.source.entity_id == morgan.id
        await settle(pilot)
