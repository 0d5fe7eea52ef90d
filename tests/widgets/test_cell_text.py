"""Cell text helpers: control characters, fitting to a width, cutting runs to the view, styles."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style

from affinity_tui.widgets.cell_text import clean, cut, fit, parsed_style, text_cells


def test_control_characters_become_spaces_and_printable_text_is_untouched() -> None:
    assert clean("a\nb\x1b[31mc\x7f\x9b") == "a b [31mc  "
    text = "Acme — 漢字 [bold]"
    assert clean(text) is text


def test_fit_pads_aligns_and_truncates_with_an_ellipsis() -> None:
    assert fit("abc", 6) == "abc   "
    assert fit("abc", 6, right=True) == "   abc"
    assert fit("abcdef", 6) == "abcdef"
    assert fit("abcdefgh", 6) == "abcde…"
    assert fit("abc", 0) == "" and fit("abc", 1) == "…"
    wide = fit("漢字の会社", 6)  # 10 cells into 6: whole characters, then the ellipsis
    assert cell_len(wide) == 6 and wide.endswith("…") and wide.startswith("漢字")


def test_text_cells_blank_a_wide_character_cut_in_two() -> None:
    assert text_cells("abcdef", 1, 4) == "bcd"
    assert text_cells("a漢b", 0, 2) == "a "  # 漢 takes cells 1-2: only its first is in range
    assert text_cells("a漢b", 2, 4) == " b"
    assert text_cells("a漢b", 1, 3) == "漢"


def test_cutting_a_line_keeps_cells_and_blanks_a_split_wide_character() -> None:
    line = [("ab漢字cd", Style(), 8), ("xyz", Style(bold=True), 3)]  # cells: a b 漢漢 字字 c d x y z
    assert "".join(s.text for s in cut(line, 0, 11)) == "ab漢字cdxyz"
    assert "".join(s.text for s in cut(line, 3, 8)) == " 字cd"  # 漢 cut in two: a space
    assert "".join(s.text for s in cut(line, 1, 5)) == "b漢 "  # and 字 too
    assert [(s.text, s.style) for s in cut(line, 8, 10)] == [("xy", Style(bold=True))]
    assert cut(line, 11, 20) == []


def test_styles_are_parsed_once_and_a_bad_one_is_ignored() -> None:
    assert parsed_style("bold green") == Style(bold=True, color="green")
    assert parsed_style("bold green") is parsed_style("bold green")
    assert parsed_style("not a style") is None
    assert parsed_style(None) is None and parsed_style("") is None


def test_bidirectional_controls_become_spaces() -> None:
    assert clean("a\u202eb\u2066c") == "a b c"


def test_text_cells_measure_an_emoji_sequence_as_cell_len_does() -> None:
    family = "x 👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 y"
    whole = text_cells(family, 0, cell_len(family) + 5)
    assert whole == family
    for start in range(cell_len(family)):  # any cut of it is exactly as wide as asked
        part = text_cells(family, start, cell_len(family))
        assert cell_len(part) == cell_len(family) - start, (start, part)
