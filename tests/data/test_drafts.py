"""Drafts on disk: one file per entity, atomic, private, removed on request, damage tolerated."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from affinity_tui.data.drafts import NoteDraft, NoteDraftStore
from affinity_tui.data.entity_ref import EntityRef

JANE = EntityRef("person", 50010, "Jane [b]Doe[/b]")
ACME = EntityRef("company", 60001, "Acme")


def test_a_draft_round_trips_and_is_private(tmp_path: Path) -> None:
    store = NoteDraftStore(tmp_path / "drafts")
    path = store.save(NoteDraft(JANE, "Met **Jane**\n- next: deck", (ACME,), tenant_id=7))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    draft = store.load(7, "person", 50010)
    assert draft is not None
    assert (draft.target, draft.text, draft.also, draft.tenant_id) == (JANE, "Met **Jane**\n- next: deck", (ACME,), 7)
    assert store.load(8, "person", 50010) is None  # another tenant's entity 50010 is another entity


def test_one_file_per_entity_and_discard(tmp_path: Path) -> None:
    store = NoteDraftStore(tmp_path)
    now = datetime(2026, 11, 24, tzinfo=UTC)
    store.save(NoteDraft(JANE, "first", tenant_id=1, saved_at=now))
    store.save(NoteDraft(JANE, "second", tenant_id=1, saved_at=now + timedelta(seconds=1)))
    store.save(NoteDraft(ACME, "acme", tenant_id=1, saved_at=now + timedelta(seconds=2)))
    assert [d.text for d in store.all(1)] == ["acme", "second"]
    assert store.all(2) == []
    store.discard(1, "person", 50010)
    assert [d.text for d in store.all(1)] == ["acme"]
    store.discard(1, "person", 50010)  # twice is fine
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1-company-60001.json"]  # no temporary files left


def test_a_damaged_file_is_skipped(tmp_path: Path) -> None:
    store = NoteDraftStore(tmp_path)
    store.save(NoteDraft(ACME, "fine", tenant_id=1))
    (tmp_path / "1-person-50010.json").write_text("{not json")
    (tmp_path / "1-person-50011.json").write_text('{"text": 3}')
    assert [d.text for d in store.all(1)] == ["fine"]
    assert store.load(1, "person", 50010) is None


def test_a_failed_write_keeps_the_previous_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = NoteDraftStore(tmp_path)
    store.save(NoteDraft(JANE, "kept", tenant_id=1))

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.save(NoteDraft(JANE, "lost", tenant_id=1))
    monkeypatch.undo()
    draft = store.load(1, "person", 50010)
    assert draft is not None and draft.text == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["1-person-50010.json"]


def test_the_state_directory_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFFINITY_TUI_STATE_DIR", str(tmp_path / "state"))
    assert NoteDraftStore().directory == tmp_path / "state" / "note-drafts"


def test_an_open_directory_is_made_private(tmp_path: Path) -> None:
    loose = tmp_path / "drafts"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    NoteDraftStore(loose).save(NoteDraft(JANE, "x", tenant_id=1))
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
