"""``affinity-tui open URL``, ``open --list NAME [--view NAME]``, resume, ``--fresh``,
``--no-cache`` and ``cache path|clear``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from affinity_tui.__main__ import main
from affinity_tui.app import AffinityApp
from affinity_tui.data.resume import DetailPlace, Place, ResumeStore
from affinity_tui.data.web_links import ACCEPTED_FORMS
from affinity_tui.emulator import Emulator
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen

from ..screens.helpers import DEAL_PIPELINE, SIZE, error_toasts, settle, table_of, until
from .conftest import CachedSession


# ---- the command line ------------------------------------------------------------------------
def test_a_link_it_cannot_read_says_which_forms_it_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["open", "https://harborpeak.affinity.co/deals/12"]) == 2
    err = capsys.readouterr().err
    assert "Cannot open" in err and all(form in err for form in ACCEPTED_FORMS)
    assert main(["open"]) == 2
    assert "--list NAME" in capsys.readouterr().err
    assert main(["open", "https://x.affinity.co/persons/1", "--view", "Mine"]) == 2
    assert "--view goes with a list" in capsys.readouterr().err


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[AffinityApp]:
    """Run ``main`` up to the point where the UI would start; the app it built is kept."""
    apps: list[AffinityApp] = []
    monkeypatch.setattr(AffinityApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setenv("AFFINITY_API_KEY", "k-123")
    return apps


def test_open_builds_the_app_on_the_links_place(launched: list[AffinityApp], cache_dir: Path) -> None:
    assert main(["open", "https://harborpeak.affinity.co/lists/12001/entries/300005"]) == 0
    assert launched[0].start_place == Place(mode="lists", list_id=12001, row_key=300005, open_entry=True)
    assert launched[0].session.cache is not None
    assert main(["open", "--list", "Deal Pipeline", "--view", "My deals", "--no-cache"]) == 0
    assert launched[1].start_place == Place(mode="lists", list_by_name="Deal Pipeline", view_name="My deals")
    assert launched[1].session.cache is None


def test_a_start_resumes_unless_fresh(launched: list[AffinityApp], cache_dir: Path) -> None:
    place = Place(mode="lists", list_id=12002, view_id=906, row_key=7)
    ResumeStore("k-123").save(place)
    assert main([]) == 0
    assert launched[0].start_place == place
    assert main(["--fresh"]) == 0
    assert launched[1].start_place is None
    ResumeStore("another-key").save(Place(mode="people"))
    assert main([]) == 0
    assert launched[2].start_place == place  # each key has its own place


def test_cache_path_and_clear(capsys: pytest.CaptureFixture[str], cache_dir: Path) -> None:
    assert main(["cache", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(cache_dir)
    cache_dir.mkdir(parents=True)
    (cache_dir / "keys.json").write_text("{}")
    assert main(["cache", "clear"]) == 0
    assert "Removed 1 cache file" in capsys.readouterr().out
    assert not (cache_dir / "keys.json").exists()


def test_the_cache_setting_in_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from affinity_tui.config import ConfigError
    from affinity_tui.data.cache.settings import load_cache_settings

    config = tmp_path / "config.toml"
    config.write_text("[cache]\nmetadata_minutes = 2.5\nenabled = false\n")
    settings = load_cache_settings(config)
    assert (settings.metadata_minutes, settings.enabled) == (2.5, False)
    config.write_text("[cache]\nmetadata_minutes = \"ten\"\n")
    with pytest.raises(ConfigError, match="metadata_minutes"):
        load_cache_settings(config)


# ---- the app opening a place ---------------------------------------------------------------------
async def test_open_a_list_and_view_by_name(cached_session: CachedSession) -> None:
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_by_name="deal PIPELINE", view_name="my deals"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen)
        assert screen.entries.view_id == 902 and screen.lst.name == "Deal Pipeline"
        assert len(table_of(app).rows) > 0


async def test_a_list_name_that_does_not_exist_says_which_do(cached_session: CachedSession) -> None:
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_by_name="Deals"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ListEntriesScreen)
        [said] = [t for t in error_toasts(app) if "No list is called" in t]
        assert "Deal Pipeline" in said and "Portfolio" in said


async def test_a_list_link_opened_on_an_empty_cache_gets_the_lists_name(cached_session: CachedSession) -> None:
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and table_of(app).loaded_rows)
        await until(pilot, lambda: app.screen.sub_title == "Deal Pipeline", what="the list's name in the header")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListEntriesScreen) and screen.lst.name == "Deal Pipeline"


async def test_a_list_entry_link_opens_its_record_over_its_list(cached_session: CachedSession,
                                                                emulator: Emulator) -> None:
    entry = emulator.store.list_entries(DEAL_PIPELINE)[250]  # beyond the first page: read by id
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE, row_key=entry.id,
                                                    open_entry=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the entry's record")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert (screen.source.kind, screen.source.entity_id) == (entry.entity_type, entry.entity_id)
        assert isinstance(app.screen_stack[-2], ListEntriesScreen)
        await settle(pilot)
        assert screen.entity_title == emulator.store.entity_name(entry.entity_type, entry.entity_id)


async def test_a_person_link_opens_the_person_on_the_people_screen(cached_session: CachedSession,
                                                                   emulator: Emulator) -> None:
    person = next(iter(emulator.store.persons.values()))
    app = AffinityApp(cached_session(), start=Place(mode="people", detail=DetailPlace("person", person.id)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert app.current_mode == "people"
        assert isinstance(app.screen_stack[0], EntitiesScreen)
        await settle(pilot)


async def test_quitting_remembers_the_list_view_filter_and_row_and_the_next_start_returns(
        cached_session: CachedSession, tmp_path: Path) -> None:
    store = ResumeStore("demo-key", tmp_path / "state")
    filter_text = 'Status = "Diligence"'
    app = AffinityApp(cached_session(), resume=store,
                      start=Place(mode="lists", list_id=DEAL_PIPELINE, filter_text=filter_text))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        await pilot.press("j", "j", "j")
        key = table_of(app).cursor_key
        await pilot.press("q")
    saved = store.load()
    assert saved is not None
    assert (saved.list_id, saved.filter_text, saved.row_key) == (DEAL_PIPELINE, filter_text, key)
    app = AffinityApp(cached_session(), resume=store, start=saved)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 3)
        await settle(pilot)
        screen: Any = app.screen
        assert screen.entries.filter_text == filter_text
        assert table_of(app).cursor_key == key


async def test_resume_returns_to_a_saved_view_deep_in_the_cache(cached_session: CachedSession,
                                                                tmp_path: Path) -> None:
    store = ResumeStore("demo-key", tmp_path / "state")
    app = AffinityApp(cached_session(), resume=store, start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await settle(pilot)
        await pilot.press("G")  # to the end of what is loaded, and the next pages come
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        key = table_of(app).cursor_key
        row = table_of(app).cursor_row
        assert row > 150
        await pilot.press("q")
    app = AffinityApp(cached_session(), resume=store, start=store.load())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
        assert table_of(app).cursor_key == key  # at once: the cache held the pages down to it
        await settle(pilot)


# ---- affinity-tui note URL ------------------------------------------------------------------------
def test_note_takes_a_records_link(capsys: pytest.CaptureFixture[str], launched: list[AffinityApp]) -> None:
    assert main(["note", "https://harborpeak.affinity.co/lists/12001"]) == 2
    assert "not on a list" in capsys.readouterr().err
    assert main(["note", "https://harborpeak.affinity.co/notes/5"]) == 2
    err = capsys.readouterr().err
    assert all(form in err for form in ACCEPTED_FORMS)
    assert main(["note", "https://harborpeak.affinity.co/persons/50007"]) == 0
    app = launched[0]
    assert app.start_place == Place(mode="people", detail=DetailPlace("person", 50007), note=True)
    assert app.resume is None  # writing one note is not where the next start returns


async def test_note_opens_the_composer_on_the_record_and_exits_once_saved(
        cached_session: CachedSession, emulator: Emulator) -> None:
    from textual.widgets import Static

    from affinity_tui.screens.composer import NoteComposer
    from affinity_tui.widgets.confirm import ConfirmScreen

    from ..notes.helpers import confirm_write, type_text

    person = emulator.store.persons[50007]
    app = AffinityApp(cached_session(), start=Place(mode="people", detail=DetailPlace("person", person.id), note=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), timeout=10, what="the composer")
        composer = app.screen
        assert isinstance(composer, NoteComposer)
        assert (composer.target.kind, composer.target.entity_id, composer.target.title) == \
            ("person", person.id, person.full_name)
        await pilot.pause()
        await type_text(pilot, "Called about the round")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Unlock write mode?" in str(app.screen.query_one("#confirm-title", Static).render())
        await pilot.press("y")  # unlock
        await confirm_write(pilot)
        await until(pilot, lambda: not app.is_running, timeout=10, what="the app to stop")
    assert app.return_code == 0
    assert [(w.method, w.path) for w in emulator.log.writes] == [("POST", "/v2/notes")]
    assert any(n.person_ids == [person.id] and "Called about the round" in n.html
               for n in emulator.store.notes.values())
