"""Raw export values: numbers as numbers, ISO dates, option text, names, "; " between items."""

from __future__ import annotations

import csv
from pathlib import Path

from affinity_tui.data.export import export_records_csv
from affinity_tui.data.export_records import raw_value


def test_raw_values_by_type() -> None:
    assert raw_value({"type": "number", "data": 12_000_000}) == 12_000_000
    assert raw_value({"type": "number", "data": 2.5}) == 2.5
    assert raw_value({"type": "number", "data": 3.0}) == 3
    assert raw_value({"type": "formula-number", "data": {"calculatedValue": 4.5}}) == 4.5
    assert raw_value({"type": "datetime", "data": "2026-05-31T12:00:00Z"}) == "2026-05-31T12:00:00Z"
    assert raw_value({"type": "datetime", "data": "2026-05-31T14:30:00+02:00"}) == "2026-05-31T12:30:00Z"
    assert raw_value({"type": "ranked-dropdown", "data": {"dropdownOptionId": 1, "text": "Diligence"}}) == "Diligence"
    assert raw_value({"type": "dropdown-multi", "data": [{"dropdownOptionId": 1, "text": "AI/ML"},
                                                         {"dropdownOptionId": 2, "text": "Fintech"}]}) == "AI/ML; Fintech"
    assert raw_value({"type": "person-multi", "data": [{"id": 1, "firstName": "Ada", "lastName": "Lovelace"},
                                                       {"id": 2, "firstName": "Alan", "lastName": None}]}) == \
        "Ada Lovelace; Alan"
    assert raw_value({"type": "company", "data": {"id": 9, "name": "Acme, Inc.", "domain": "acme.co"}}) == "Acme, Inc."
    assert raw_value({"type": "number-multi", "data": [1, 2.5]}) == "1; 2.5"
    assert raw_value({"type": "text", "data": "line\nbreak\x1b[31m"}) == "line break\ufffd[31m"
    assert raw_value(None) == "" and raw_value({"type": "text", "data": None}) == ""
    assert raw_value({"type": "person-multi", "data": []}) == ""


def test_raw_records_keep_numbers_and_defuse_formulas(tmp_path: Path) -> None:
    path = export_records_csv(["Name", "Amount", "Entity ID"], [["=HYPERLINK(\"x\")", 12_000_000, 7],
                                                                ["-12", -5.5, 8]], what="raw", directory=tmp_path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["Name", "Amount", "Entity ID"], ["'=HYPERLINK(\"x\")", "12000000", "7"], ["-12", "-5.5", "8"]]
    assert path.name.startswith("affinity-tui-raw-")
