"""Recent filters per list: most recent first, no duplicates, at most 20, kept in a JSON file."""

from __future__ import annotations

from pathlib import Path

import pytest

from affinity_tui.data.recent import FILE_NAME, MAX_RECENT, RecentFilters, state_dir


def test_round_trip_most_recent_first_deduplicated(tmp_path: Path) -> None:
    path = tmp_path / "state" / FILE_NAME
    recent = RecentFilters(path)
    assert recent.for_list(12001) == []
    recent.remember(12001, 'Status = "Won"')
    recent.remember(12001, "Amount > 5")
    recent.remember(12002, "Fund = *")
    assert recent.remember(12001, '  Status = "Won" ') == ['Status = "Won"', "Amount > 5"]
    again = RecentFilters(path)  # a new session reads the file
    assert again.for_list(12001) == ['Status = "Won"', "Amount > 5"]
    assert again.for_list(12002) == ["Fund = *"]
    assert again.forget(12001, "Amount > 5") == ['Status = "Won"']
    assert RecentFilters(path).for_list(12001) == ['Status = "Won"']
    assert again.remember(12001, "   ") == ['Status = "Won"']


def test_at_most_twenty(tmp_path: Path) -> None:
    recent = RecentFilters(tmp_path / FILE_NAME)
    for i in range(30):
        recent.remember(1, f"Amount > {i}")
    kept = RecentFilters(tmp_path / FILE_NAME).for_list(1)
    assert len(kept) == MAX_RECENT and kept[0] == "Amount > 29" and kept[-1] == "Amount > 10"


def test_damaged_file_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text("{not json", encoding="utf-8")
    recent = RecentFilters(path)
    assert recent.for_list(1) == []
    recent.remember(1, "Owners = *")
    assert RecentFilters(path).for_list(1) == ["Owners = *"]
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left


def test_state_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFFINITY_TUI_STATE_DIR", str(tmp_path))
    assert state_dir() == tmp_path
    assert RecentFilters().path == tmp_path / FILE_NAME
    assert state_dir({}).name == "affinity-tui"
