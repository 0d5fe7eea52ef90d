"""LazyTable driven through a tiny host app (with no stylesheet: the widget brings its own look):
rendering, keys, paging, mouse, sort, quick filter, horizontal scroll and narrow views."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from textual import events, on
from textual.app import App, ComposeResult
from textual.message import Message

from affinity_tui.data.rows import Column, Row
from affinity_tui.widgets import LazyTable

SIZE = (100, 30)
BODY = 29  # rows under the header: the columns fit in 100 cells, so no horizontal scrollbar

COLUMNS = (
    Column("name", "Name", "text", "builtin", 24),
    Column("amount", "Amount", "number", "field", 10, numeric=True),
    Column("owner", "Owner", "person", "field", 16),
    Column("stage", "Stage", "ranked-dropdown", "field", 14),
)
NAME, AMOUNT, OWNER, STAGE = range(4)

WIDE_COLUMNS = (
    Column("name", "Name", "text", "builtin", 30),
    Column("amount", "Amount", "number", "field", 12, numeric=True),
    Column("owner", "Owner", "person", "field", 30),
    Column("stage", "Stage", "ranked-dropdown", "field", 30),
    Column("memo", "Memo", "text", "field", 40),
    Column("sector", "Sector", "text", "field", 20),
    Column("round", "Round", "text", "field", 10),
    Column("moic", "MOIC", "number", "field", 11, numeric=True),
)
"""Twice as wide as the view: in 98 cells (a vertical scrollbar takes 2) the columns keep their
widths (the view's edge cuts a text column) and start at 0, 32, 46, 78, 110, 152, 174, 186; the
line is 199 cells, and Name stays in its 32 cells."""


def row(key: int, name: str | None = None, amount: int | None = None, owner: str = "Ada", stage: str = "Lead") -> Row:
    name = f"Company {key:05d}" if name is None else name
    amount_text = "" if amount is None else f"{amount:,}"
    return Row(
        key=key,
        entity_type="company",
        entity_id=1000 + key,
        cells=(name, amount_text, owner, stage),
        styles=(None, None, "green", None),
        sort_keys=(name.casefold(), amount, owner.casefold(), stage),
    )


def page(start: int, count: int) -> list[Row]:
    return [row(key, amount=key * 10) for key in range(start, start + count)]


class Host(App[None]):
    def __init__(self, rows: Iterable[Row] = (), columns: Sequence[Column] = COLUMNS) -> None:
        super().__init__()
        self.initial_rows = list(rows)
        self.columns = columns
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield LazyTable(self.columns, id="entries", empty_text="Nothing in this list.")

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        table.set_rows(self.initial_rows)
        table.focus()

    @on(LazyTable.NeedMoreRows, "#entries")
    @on(LazyTable.RowHighlighted, "#entries")
    @on(LazyTable.RowSelected, "#entries")
    def record(self, message: Message) -> None:
        self.messages.append(message)

    def of_type(self, kind: type[Message]) -> list[Any]:
        return [m for m in self.messages if isinstance(m, kind)]


def lines(table: LazyTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def body_keys(table: LazyTable) -> list[int]:
    """Row keys on screen, read back from the rendered names ("Company 00042")."""
    keys = []
    for text in lines(table)[1:]:
        name = text[1:25].strip()
        if name.startswith("Company "):
            keys.append(int(name.removeprefix("Company ")))
    return keys


async def test_pages_render_header_and_rows() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        assert lines(table)[1].strip() == "Nothing in this list."
        table.append_rows(page(0, 10))
        table.append_rows(page(10, 10))
        await pilot.pause()
        screen = lines(table)
        header = screen[0]
        assert header.split() == ["Name", "Amount", "Owner", "Stage"]
        # one cell of padding each side; the numeric column is right-aligned in its 10 cells
        assert header.startswith(" " + "Name".ljust(24) + "  " + "Amount".rjust(10) + "  Owner ")
        assert screen[1].startswith(" " + "Company 00000".ljust(24) + "  " + "0".rjust(10) + "  Ada ")
        assert screen[20].startswith(" " + "Company 00019".ljust(24) + "  " + "190".rjust(10) + "  Ada ")
        assert screen[21].strip() == ""
        assert len(table.rows) == 20 and table.rows[-1].key == 19
        assert table.current_row is not None and table.cursor_key == 0
        assert "Company 00019" in app.export_screenshot().replace("&#160;", " ")


async def test_long_cells_are_truncated_with_an_ellipsis() -> None:
    app = Host([row(1, name="A" * 40, owner="Bartholomew Featherstonehaugh")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.query_one(LazyTable).render_line(1).text
        assert text.startswith(" " + "A" * 23 + "… ")
        assert " Bartholomew Fea… " in text


async def test_cursor_keys_move_and_keep_the_cursor_visible() -> None:
    app = Host(page(0, 200))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "down", "j")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("k", "k")  # clamped at the top
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        table.move_cursor(BODY - 2)
        await pilot.press("j")
        assert table.cursor_row == BODY - 1 and table.scroll_offset.y == 0
        await pilot.press("j")
        assert table.cursor_row == BODY
        assert table.scroll_offset.y == 1  # scrolled the minimal amount
        assert body_keys(table)[-1] == BODY
        await pilot.press("pagedown")
        assert table.cursor_row == 2 * BODY
        assert body_keys(table)[-1] == 2 * BODY
        await pilot.press("pageup")
        assert table.cursor_row == BODY
        await pilot.press("ctrl+d")
        assert table.cursor_row == BODY + BODY // 2
        await pilot.press("ctrl+u", "ctrl+u")
        assert table.cursor_row == BODY - BODY // 2
        await pilot.press("ctrl+u", "ctrl+u")  # clamped at the top
        assert table.cursor_row == 0
        assert body_keys(table)[0] == 0
        highlighted = [m.row.key for m in app.of_type(LazyTable.RowHighlighted)]
        # one message per row change: none for the clamped "k"s at the top
        assert highlighted[:10] == [0, 1, 2, 3, 2, 1, 0, BODY - 2, BODY - 1, BODY]
        assert highlighted.count(0) == 3


async def test_cursor_line_is_the_only_highlighted_line() -> None:
    app = Host(page(0, 50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "j")
        cursor_bg = table.get_component_rich_style("lazy-table--cursor").bgcolor
        assert cursor_bg is not None and cursor_bg != table.rich_style.bgcolor  # DEFAULT_CSS
        assert table.get_component_rich_style("lazy-table--header").bold
        backgrounds = [{seg.style.bgcolor for seg in table.render_line(y) if seg.style} for y in range(1, 6)]
        assert [cursor_bg in b for b in backgrounds] == [False, False, True, False, False]


async def test_g_and_shift_g_go_to_the_first_and_last_loaded_rows() -> None:
    app = Host(page(0, 500))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("G")
        assert table.cursor_row == 499 and table.cursor_key == 499
        assert body_keys(table)[-1] == 499
        await pilot.press("g")
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        await pilot.press("end")
        assert table.cursor_row == 499
        await pilot.press("home")
        assert table.cursor_row == 0
        assert not app.of_type(LazyTable.NeedMoreRows)  # more_available is False


async def test_need_more_rows_is_posted_once_until_rows_arrive() -> None:
    app = Host(page(0, 200))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.more_available = True
        await pilot.pause()
        assert not app.of_type(LazyTable.NeedMoreRows)  # 200 rows: far from the end
        table.move_cursor(199 - 2 * BODY - 2)
        await pilot.press("j")
        assert not app.of_type(LazyTable.NeedMoreRows)
        await pilot.press("j")  # now within two screens (2 × 29 rows) of the last loaded row
        assert table.cursor_row == 199 - 2 * BODY
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1
        await pilot.press("j", "j", "pagedown", "G")
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1
        # the screen fetches the page
        table.loading_more = True
        await pilot.pause()
        assert lines(table)[-1].strip() == "Loading more…"
        await pilot.press("k", "j")
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1
        table.append_rows(page(200, 100))
        table.loading_more = False
        await pilot.pause()
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1  # cursor is at 199 of 300: not near yet
        await pilot.press("G")
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 2
        table.more_available = False  # the last page
        table.append_rows(page(300, 10))
        await pilot.press("G", "k", "j")
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 2


async def test_need_more_rows_when_the_view_is_scrolled_near_the_end() -> None:
    app = Host(page(0, 120))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.more_available = True
        await pilot.pause()
        assert not app.of_type(LazyTable.NeedMoreRows)
        wheel = events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False)
        for _ in range(10):  # the mouse wheel scrolls the view; the cursor stays on row 0
            table.post_message(wheel)
        await pilot.pause()
        assert 0 < table.scroll_offset.y < 30 and table.cursor_row == 0
        assert not app.of_type(LazyTable.NeedMoreRows)
        for _ in range(10):  # the bottom of the view is now within two screens of row 119
            table.post_message(wheel)
        await pilot.pause()
        assert 119 - (table.scroll_offset.y + BODY - 1) <= 2 * BODY
        assert table.cursor_row == 0
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1


async def test_first_page_smaller_than_two_screens_asks_for_more() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.append_rows(page(0, 30))
        table.more_available = True
        await pilot.pause()
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1
        table.append_rows(page(30, 30))  # still within two screens: ask again
        await pilot.pause()
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 2
        table.loading_more = True
        table.append_rows(page(60, 30))  # no request while a page is loading
        await pilot.pause()
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 2


async def test_enter_and_double_click_select_and_click_moves_the_cursor() -> None:
    app = Host(page(0, 50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "j", "enter")
        selected = app.of_type(LazyTable.RowSelected)
        assert [m.row.key for m in selected] == [2]
        assert selected[0].control is table and selected[0].index == 2
        await pilot.click(LazyTable, offset=(5, 6))  # screen line 6 = row 5
        assert table.cursor_row == 5
        assert len(app.of_type(LazyTable.RowSelected)) == 1
        await pilot.double_click(LazyTable, offset=(5, 8))
        assert table.cursor_row == 7
        assert [m.row.key for m in app.of_type(LazyTable.RowSelected)] == [2, 7]


async def test_clicking_a_header_sorts_by_that_column() -> None:
    app = Host([row(1, amount=30), row(2, amount=10), row(3, amount=20)])
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.click(LazyTable, offset=(30, 0))  # the Amount column
        assert table.sort_column == AMOUNT and not table.sort_reverse
        assert [r.key for r in table.rows] == [2, 3, 1]
        await pilot.click(LazyTable, offset=(30, 0))
        assert table.sort_reverse
        assert [r.key for r in table.rows] == [1, 3, 2]


async def test_sort_numeric_text_none_last_toggle_and_cursor_key() -> None:
    rows = [
        row(1, "beta", 300),
        row(2, "Alpha", None),
        row(3, "delta", 100),
        row(4, "charlie", 200),
        row(5, "echo", 100),
        row(6, "", 50),
    ]
    app = Host(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "j")  # cursor on key 3
        assert table.cursor_key == 3

        table.sort_by(AMOUNT)
        await pilot.pause()
        assert [r.key for r in table.rows] == [6, 3, 5, 4, 1, 2]  # stable 3 before 5, None last
        assert table.cursor_key == 3 and table.cursor_row == 1
        assert "Amount ▲" in lines(table)[0]

        table.sort_by(AMOUNT)  # same column again: descending, None still last, ties stable
        await pilot.pause()
        assert [r.key for r in table.rows] == [1, 4, 3, 5, 6, 2]
        assert table.sort_reverse and "Amount ▼" in lines(table)[0]
        assert table.cursor_key == 3 and table.current_row == table.rows[2]

        table.sort_by(NAME)  # text, "" last
        await pilot.pause()
        assert [r.key for r in table.rows] == [2, 1, 4, 3, 5, 6]
        assert "Name ▲" in lines(table)[0] and "▼" not in lines(table)[0]
        assert table.cursor_key == 3

        table.sort_by(NAME, reverse=True)
        assert [r.key for r in table.rows] == [5, 3, 4, 1, 2, 6]

        table.sort_by(None)  # arrival order
        assert [r.key for r in table.rows] == [1, 2, 3, 4, 5, 6]
        assert "▲" not in lines(table)[0] and table.cursor_key == 3


async def test_rows_appended_while_sorted_are_inserted_in_place() -> None:
    app = Host([row(1, amount=10), row(2, amount=30), row(3, amount=None)])
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.sort_by(AMOUNT)
        await pilot.press("j")  # cursor on key 2 (amount 30)
        assert table.cursor_key == 2
        table.append_rows([row(4, amount=20), row(5, amount=None), row(6, amount=5), row(7, amount=30)])
        await pilot.pause()
        assert [r.key for r in table.rows] == [6, 1, 4, 2, 7, 3, 5]
        assert table.cursor_key == 2
        table.sort_by(AMOUNT)
        table.append_rows([row(8, amount=25), row(9, amount=30)])
        assert [r.key for r in table.rows] == [2, 7, 9, 8, 4, 1, 6, 3, 5]


async def test_sort_with_mixed_types_does_not_crash() -> None:
    mixed = Row(9, "company", 9, ("odd", "x", "", ""), (None,) * 4, ("odd", "x", "", ""))
    app = Host([row(1, amount=10), mixed, row(2, amount=5)])
    async with app.run_test(size=SIZE):
        table = app.query_one(LazyTable)
        table.sort_by(AMOUNT)
        assert [r.key for r in table.rows] == [2, 1, 9]  # numbers before text
        table.append_rows([Row(10, "company", 10, ("z", "a", "", ""), (None,) * 4, ("z", "a", "", ""))])
        assert [r.key for r in table.rows] == [2, 1, 10, 9]


async def test_quick_filter_includes_rows_appended_later() -> None:
    rows = [row(1, "Acme Corp"), row(2, "Globex"), row(3, "acme labs", owner="Zed"), row(4, "Initech", owner="ACME")]
    app = Host(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "j")  # key 3
        table.apply_quick_filter("acme")
        await pilot.pause()
        assert [r.key for r in table.rows] == [1, 3, 4]  # case-insensitive, any cell
        assert table.cursor_key == 3 and table.quick_filter == "acme"
        assert len(table.loaded_rows) == 4

        table.append_rows([row(5, "Umbrella"), row(6, "ACME Rockets")])
        await pilot.pause()
        assert [r.key for r in table.rows] == [1, 3, 4, 6]

        table.apply_quick_filter("acme rock")  # narrowing
        assert [r.key for r in table.rows] == [6]
        assert table.cursor_key == 6  # the old row is hidden: back to the top

        table.apply_quick_filter("nothing like this")
        await pilot.pause()
        assert lines(table)[1].strip() == "No loaded rows match “nothing like this”."
        assert table.current_row is None and table.cursor_key is None

        table.apply_quick_filter("")
        assert [r.key for r in table.rows] == [1, 2, 3, 4, 5, 6]


async def test_quick_filter_finds_every_word_each_in_any_cell() -> None:
    rows = [row(1, "Acme Corp", stage="Fintech"), row(2, "Acme Labs", stage="Biotech"), row(3, "Fintech Acme")]
    app = Host(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.apply_quick_filter("acme fintech")
        await pilot.pause()
        assert [r.key for r in table.rows] == [1, 3]
        table.apply_quick_filter("FINTECH corp")
        assert [r.key for r in table.rows] == [1]
        table.append_rows([row(4, "Corp of Acme", owner="fintech")])
        assert [r.key for r in table.rows] == [1, 4]


async def test_quick_filter_and_sort_together() -> None:
    rows = [row(1, "acme b", 20), row(2, "other", 5), row(3, "acme a", 10)]
    app = Host(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(LazyTable)
        table.apply_quick_filter("ACME")
        table.sort_by(AMOUNT)
        assert [r.key for r in table.rows] == [3, 1]
        table.append_rows([row(4, "acme c", 15), row(5, "nope", 1)])
        assert [r.key for r in table.rows] == [3, 4, 1]
        table.apply_quick_filter("")
        assert [r.key for r in table.rows] == [5, 2, 3, 4, 1]


async def test_filtering_does_not_page_through_the_whole_list_by_itself() -> None:
    app = Host(page(0, 100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.apply_quick_filter("no match anywhere")
        table.more_available = True
        await pilot.pause()
        assert not app.of_type(LazyTable.NeedMoreRows)  # only a user move asks, not the filter
        await pilot.press("j")
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1
        table.append_rows(page(100, 100))
        await pilot.pause()
        assert len(app.of_type(LazyTable.NeedMoreRows)) == 1


async def test_markup_and_control_characters_are_shown_literally() -> None:
    tricky = Row(
        1, "company", 1,
        cells=("[bold]x[/bold]", "[red]", "a\nb\x1b[31mc", "[link=http://x]y"),
        styles=("not a style", None, None, "bold magenta"),
        sort_keys=("x", None, "", ""),
    )
    app = Host([tricky], columns=(*COLUMNS[:2], Column("owner", "[b]Owner[/b]", "text", "field", 16), COLUMNS[3]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(LazyTable)
        text = table.render_line(1).text
        assert text.startswith(" [bold]x[/bold] ")
        assert "[red]" in text
        assert "a b [31mc" in text
        assert "[link=http://…" in text  # truncated to the 14-cell column, still literal
        assert "[b]Owner[/b]" in table.render_line(0).text
        assert "[bold]x[/bold]" in app.export_screenshot()


def wide_row(k: int, owner: str | None = None) -> Row:
    cells = (f"Name {k}", f"{k:,}", owner or f"Owner {k}", f"Stage {k}", f"Memo {k}", "Fintech", "Seed", f"{k}.5x")
    return Row(k, "company", k, cells, (None,) * 8, (k,) * 8)


async def test_the_name_column_stays_while_the_others_scroll_under_it() -> None:
    app = Host([wide_row(k) for k in range(40)], columns=WIDE_COLUMNS)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("l")
        assert table.scroll_offset.x == 14  # Owner's left edge (46) next to Name's 32 cells
        header, first = table.render_line(0).text, table.render_line(1).text
        assert header.startswith(" Name".ljust(32) + " Owner ")
        assert first.startswith(" Name 0".ljust(32) + " Owner 0 ")
        assert first.index("Stage 0") == header.index("Stage")
        await pilot.press("G")
        header, last = table.render_line(0).text, table.render_line(BODY - 1).text
        assert last.startswith(" Name 39 ") and table.scroll_offset.y > 0
        assert last.index("Stage 39") == header.index("Stage")
        await pilot.click(LazyTable, offset=(3, 0))  # the name, scrolled or not
        assert table.sort_column == NAME
        await pilot.click(LazyTable, offset=(35, 0))  # the column next to it: Owner
        assert table.sort_column == OWNER
        await pilot.press("right", "l", "l", "l", "l", "l", "l")  # clamped at the right edge
        assert table.scroll_offset.x == table.max_scroll_x == 199 - 98
        assert table.render_line(0).text.startswith(" Name ")
        await pilot.press("left")
        assert table.scroll_offset.x == 110 - 32  # Memo next to Name
        await pilot.press(*"hhhhhh")
        assert table.scroll_offset.x == 0
        assert table.render_line(0).text.startswith(" Name".ljust(32) + " " + "Amount".rjust(12) + "  Owner")


async def test_a_scrolled_row_shows_exactly_the_cells_in_view() -> None:
    from rich.cells import cell_len

    rows = [wide_row(k, owner="漢字の会社名前") for k in range(40)]
    app = Host(rows, columns=WIDE_COLUMNS)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        assert " 漢字の会社名前 " in table.render_line(1).text
        for x in (15, 16, 17, 18, 32):  # through Owner's wide characters, then at the next column
            table.scroll_to(x=x, animate=False, force=True)
            await pilot.pause()
            line = table.render_line(1)
            assert line.cell_length == cell_len(line.text) == table.size.width
            assert line.text.startswith(" Name 0 ")
            header = table.render_line(0).text
            assert cell_len(line.text[:line.text.index("Stage")]) == cell_len(header[:header.index("Stage")])
        table.scroll_to(x=16, animate=False, force=True)
        await pilot.pause()
        assert table.render_line(1).text[32:].startswith(" 字の会社名前 ")  # 漢 half hidden: a space


DEAL_COLUMNS = (
    Column("name", "Name", "text", "builtin", 28),
    Column("status", "Status", "dropdown", "field", 10),
    Column("owners", "Owners", "person-multi", "field", 28),
    Column("amount", "Amount", "number", "field", 11, numeric=True),
    Column("sector", "Sector", "text", "field", 27),
    Column("lead", "Lead Investor", "text", "field", 23),
    Column("memo", "Memo", "text", "field", 40),
    Column("moic", "Target MOIC", "number", "field", 11, numeric=True),
)


async def test_at_80_columns_text_shrinks_and_numbers_are_whole_or_not_shown() -> None:
    names = ("Northforge — Series A Extension", "Copperbio", "Harbordata — Seed")
    rows = [Row(k, "opportunity", k,
                (names[k % 3], "Diligence", "Ines Carvalho, Tom Whitfield", "$12,000,000", "Fintech",
                 "Northzone Ventures", "Strong team, early traction", "12.5x"), (None,) * 8, (k,) * 8)
            for k in range(30)]
    whole = re.compile(r"\$12,000,000|12\.5x")
    app = Host(rows, columns=DEAL_COLUMNS)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        view = table.scrollable_content_region.width
        assert view == 78
        header, first = table.render_line(0).text[:view], table.render_line(1).text[:view]
        # Name and Owners gave up cells (with an ellipsis) so that Amount fits whole.
        assert first == " Northforge — Series A Ex…  Diligence   Ines Carvalho, Tom Whit…  $12,000,000 "
        assert header == " " + "Name".ljust(25) + "  Status".ljust(12) + "  Owners".ljust(26) + "       Amount "
        for x in range(table.max_scroll_x + 1):  # every scroll position, not only column stops
            table.scroll_to(x=x, animate=False, force=True)
            await pilot.pause()
            for y in range(1, 8):
                seen = table.render_line(y).text[:view]
                assert not re.search(r"\d", whole.sub("", seen)), (x, seen)  # no cut-off digits
        await pilot.press(*"hhhhhhhh", "l", "l")
        shown = table.render_line(1).text[:view]
        assert "$12,000,000" in shown and "12.5x" not in shown
        await pilot.press(*"llllll")
        assert "12.5x" in table.render_line(1).text[:view]


async def test_columns_fit_the_view_again_when_a_vertical_scrollbar_takes_cells() -> None:
    app = Host(columns=DEAL_COLUMNS)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        amount = ("Acme", "Lead", "Ada", "$12,000,000", "", "", "", "")
        table.append_rows([Row(1, "company", 1, amount, (None,) * 8, (1,) * 8)])
        await pilot.pause()
        assert table.render_line(1).text.endswith(" $12,000,000 ")  # 80 cells, no scrollbar
        table.append_rows([Row(k, "company", k, amount, (None,) * 8, (k,) * 8) for k in range(2, 40)])
        await pilot.pause()
        assert table.scrollable_content_region.width == 78  # the bar came, with no resize event
        assert table.render_line(1).text[:78].endswith(" $12,000,000 ")


async def test_empty_loading_and_clear() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.loading_more = True
        await pilot.pause()
        assert lines(table)[1].strip() == "Loading…"
        table.append_rows(page(0, 3))
        await pilot.pause()
        assert lines(table)[4].strip() == "Loading more…"
        table.loading_more = False
        await pilot.pause()
        assert lines(table)[4].strip() == ""
        table.clear()
        await pilot.pause()
        assert lines(table)[1].strip() == "Nothing in this list."
        assert len(table.rows) == 0 and table.current_row is None


async def test_set_rows_keeps_the_cursor_on_the_same_key() -> None:
    app = Host(page(0, 20))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("j", "j", "j")
        table.set_rows(page(2, 20))  # a refresh: key 3 is now the second row
        assert table.cursor_key == 3 and table.cursor_row == 1
        table.move_cursor(1000)
        assert table.cursor_row == 19


async def test_pages_appended_to_a_long_table_keep_its_scrollbar_in_step() -> None:
    """Growing a table that already scrolls changes only its scrollbar (no screen layout pass);
    the scrollbar must still measure every row, and the new rows must be reachable."""
    app = Host(page(0, 100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.pause()
        assert table.show_vertical_scrollbar
        for start in (100, 200, 300):
            table.append_rows(page(start, 100))
            await pilot.pause()
            assert table.virtual_size.height == 1 + start + 100
            assert table.vertical_scrollbar.window_virtual_size == 1 + start + 100
        await pilot.press("G")
        assert table.cursor_key == 399
        assert body_keys(table)[-1] == 399
        table.loading_more = True  # the "Loading more…" line, then gone again
        await pilot.pause()
        assert table.virtual_size.height == 402
        table.loading_more = False
        await pilot.pause()
        assert table.virtual_size.height == 401 and table.vertical_scrollbar.window_virtual_size == 401


async def test_the_next_screenful_is_drawn_ahead_after_a_move() -> None:
    app = Host(page(0, 200))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("down")
        await pilot.pause()
        width = table.size.width
        ahead = [key for key in table._strips.keys() if key[3] == width and not key[1]]
        assert {key[0] for key in ahead} >= set(range(BODY, 2 * BODY))
        await pilot.press("pagedown")
        assert body_keys(table) == list(range(BODY, 2 * BODY))  # drawn from those strips
        assert lines(table)[1].startswith(" Company 00029")


async def test_loaded_rows_are_not_tracked_by_the_garbage_collector() -> None:
    """Stored rows are plain tuples of plain values, so full collections never walk them."""
    import gc

    tracked_extra = Row(7, "person", 7, ("Ada",), (None,), ("ada",), {"email": "ada@example.com"})
    app = Host([*page(0, 200), tracked_extra])
    async with app.run_test(size=SIZE):
        table = app.query_one(LazyTable)
        # A tuple is untracked once the collector has seen its items untracked: an inner tuple
        # in an older generation may only be seen after its outer one, hence two collections.
        gc.collect()
        gc.collect()
        stored = [table._index.packed(i) for i in range(len(table.rows))]
        assert len(stored) == 201 and not any(gc.is_tracked(row) for row in stored)
        assert table.loaded_rows[-1] == tracked_extra and table.loaded_rows[-1].extra == {"email": "ada@example.com"}


async def test_replace_rows_redraws_a_row_in_place_and_keeps_the_cursor() -> None:
    app = Host(page(0, 30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        table.move_cursor(5)
        await pilot.pause()
        table.replace_rows([row(5, "Renamed Co", 1)])
        await pilot.pause()
        assert table.cursor_row == 5 and table.current_row is not None
        assert table.current_row.cells[0] == "Renamed Co"
        assert any("Renamed Co" in text for text in lines(table))
        assert len(table.loaded_rows) == 30


async def test_space_marks_rows_and_marks_survive_a_sort() -> None:
    app = Host(page(0, 30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("space", "space", "j", "space")
        assert table.marked_keys == {0, 1, 3}
        assert table.cursor_row == 4  # space moves down, so marking a run is space, space, space
        table.sort_by(1, reverse=True)
        assert table.marked_keys == {0, 1, 3}
        assert [r.key for r in table.marked_rows()] == [0, 1, 3]
        await pilot.press("space")  # unmarks nothing that was not marked: marks row under cursor
        table.clear_marks()
        assert table.marked_keys == frozenset()


async def test_remove_rows_takes_rows_and_their_marks_out_and_keeps_the_cursor_near() -> None:
    app = Host(page(0, 30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.press("space", "space", "space")  # marks 0, 1, 2; the cursor is on 3
        table.sort_by(AMOUNT, reverse=True)  # 29 … 0: the cursor stays on key 3
        assert table.cursor_key == 3
        table.remove_rows({1, 3, 999})
        await pilot.pause()
        assert len(table.loaded_rows) == 28 and table.loaded_row(3) is None and table.loaded_row(4) is not None
        assert table.cursor_key == 2  # the next displayed row after the one that went
        assert table.marked_keys == {0, 2} and [r.key for r in table.marked_rows()] == [0, 2]
        assert [r.key for r in table.rows][:3] == [29, 28, 27]  # still sorted
        assert not any("Company 00003" in text for text in lines(table))
        table.remove_rows({555})  # no such row: nothing changes
        assert len(table.loaded_rows) == 28


async def test_marks_are_a_style_and_the_cells_stay_as_they_are() -> None:
    app = Host(page(0, 30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        before = lines(table)
        table.move_cursor(10)
        await pilot.press("space")
        await pilot.pause()
        assert [line for line in lines(table)] == before  # the text of every line is unchanged
        marked = table.get_component_rich_style("lazy-table--marked")
        strip = table.render_line(1 + 10)
        assert any(segment.style is not None and segment.style.bold and segment.style.color == marked.color
                   for segment in strip)
        table.set_rows(page(5, 30))  # row 10 is still there: its mark stays
        assert table.marked_keys == {10}
        table.set_rows(page(20, 5))
        assert table.marked_keys == frozenset()
