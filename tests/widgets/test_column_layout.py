"""Column layout without an app: shrinking text columns, the fixed name column, what a line shows."""

from __future__ import annotations

from affinity_tui.data.rows import Column
from affinity_tui.widgets.column_layout import MIN_NAME_WIDTH, MIN_TEXT_WIDTH, ColumnLayout, fitted_widths


def text(key: str, width: int) -> Column:
    return Column(key, key.title(), "text", "field", width)


def number(key: str, width: int) -> Column:
    return Column(key, key.title(), "number", "field", width, numeric=True)


DEALS = (text("name", 28), text("status", 10), text("owners", 28), number("amount", 11), text("memo", 40))
"""Text cells 117 + padding 10 = 127."""


def test_columns_that_fit_keep_their_widths() -> None:
    assert fitted_widths(DEALS, 127) == (28, 10, 28, 11, 40)
    assert fitted_widths(DEALS, 0) == (28, 10, 28, 11, 40)  # not yet on screen


def test_text_before_a_number_the_edge_would_cut_gives_up_cells_widest_first() -> None:
    assert fitted_widths(DEALS, 80) == (26, 10, 25, 11, 40)  # capped at 25, one cell to spare
    assert sum(fitted_widths(DEALS, 80)[:4]) + 8 == 80  # Amount ends at the edge; Memo keeps 40
    assert fitted_widths(DEALS, 78) == (25, 10, 24, 11, 40)
    assert fitted_widths(DEALS, 120) == (28, 10, 28, 11, 40)  # the edge cuts Memo: text may be cut
    assert fitted_widths(DEALS, 60) == (28, 10, 28, 11, 40)  # the edge cuts Owners: Amount is further


def test_text_stops_at_its_minimum_and_numbers_never_shrink() -> None:
    owners = text("owners", 21)
    assert fitted_widths((text("name", 28), owners, number("amount", 11)), 53) == (MIN_NAME_WIDTH, MIN_TEXT_WIDTH, 11)
    # Not enough even at the minimum: only the name's cap at half the view (53 // 2 - 2).
    assert fitted_widths((text("name", 28), owners, number("amount", 20)), 53) == (24, 21, 20)
    assert fitted_widths((number("a", 11), number("b", 12)), 10) == (11, 12)


def test_the_name_takes_at_most_half_the_view() -> None:
    assert fitted_widths((text("name", 40), text("memo", 40)), 80) == (38, 40)
    assert fitted_widths((text("name", 40), text("memo", 40)), 30) == (MIN_NAME_WIDTH, 40)
    assert fitted_widths((text("name", 40),), 30) == (40,)  # one column: it scrolls


def test_the_name_column_stays_when_the_others_scroll() -> None:
    layout = ColumnLayout(DEALS, 78)  # widths 25, 10, 24, 11, 40: offsets 0, 27, 39, 65, 78, 120
    assert layout.frozen == 27 and layout.total == 120
    assert layout.stops() == [0, 12, 38, 51, 93]  # each column's left edge next to the name
    assert layout.column_at(5, 30) == 0  # the name, whatever the scroll
    assert layout.column_at(30, 0) == 1 and layout.column_at(30, 38) == 3
    assert layout.column_at(77, 50) is None  # past the last column
    assert ColumnLayout(DEALS, 127).frozen == 0  # nothing to scroll
    assert ColumnLayout(DEALS, 40).frozen == 0  # the name would take over half of the view


def test_a_number_is_shown_whole_or_blank_and_text_cut_by_the_edge_is_fitted() -> None:
    layout = ColumnLayout(DEALS, 60)  # as measured: offsets 0, 30, 42, 72, 85, 127
    fixed, scrolled = layout.line(0, 60, 62).pieces
    assert (fixed.origin, fixed.start, fixed.end) == (0, 0, 30) and fixed.cells[0].column == 0
    assert (scrolled.origin, scrolled.start, scrolled.end) == (30, 0, 32)
    assert [(cell.column, cell.width, cell.blank) for cell in scrolled.cells] == [
        (1, 10, ""), (2, 17, "")]  # Owners fitted to the 17 cells seen
    _, scrolled = layout.line(20, 60, 62).pieces
    assert (scrolled.origin, scrolled.start, scrolled.end) == (42, 8, 40)
    assert [(cell.column, cell.width, cell.blank) for cell in scrolled.cells] == [
        (2, 28, ""), (3, 7, " " * 9)]  # Owners partly under the name; Amount cut by the edge: blank
    assert scrolled.cells[1].titled  # its title shows there is more to see
    _, scrolled = layout.line(44, 60, 62).pieces  # Amount's first digit under the name
    assert [(cell.column, cell.width, cell.blank, cell.titled) for cell in scrolled.cells] == [
        (3, 11, " " * 13, False), (4, 18, "", True)]
    assert layout.line(44, 60, 62) is layout.line(44, 60, 62)  # worked out once per position
