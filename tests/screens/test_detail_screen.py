"""The detail screen of one record: fields grouped by list, the lists it is on, notes as plain
readable text (never markup, never terminal escapes), and escape back to the table."""

from __future__ import annotations

import html
import re

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.emulator.store import Note
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entries import ListEntriesScreen

from .helpers import (
    PORTFOLIO,
    SIZE,
    entries,
    field_named,
    normalized,
    open_list,
    settle,
    table_of,
    until,
    widget_segments,
    widget_text,
)



async def open_portfolio_row(pilot, index: int) -> DetailScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await open_list(pilot, PORTFOLIO)
    await pilot.press(*["j"] * index)
    assert table_of(app).cursor_row == index
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail screen")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    return screen


def part(screen: DetailScreen, name: str) -> str:
    return screen.section_text(name)


def first_paragraph(emulator: Emulator, note: Note) -> str:
    """What a person should read first in a note: its first paragraph as plain text."""
    body = note.html.split("</p>", 1)[0]
    body = re.sub(r'<span data-type="note-mention"[^>]*data-note-mention-person-id="(\d+)">[^<]*</span>',
                  lambda m: "@" + emulator.store.persons[int(m.group(1))].full_name, body)
    return normalized(html.unescape(re.sub(r"<[^>]+>", " ", body)))


async def test_a_portfolio_company_shows_its_portfolio_fields_and_lists(app: AffinityApp, emulator: Emulator) -> None:
    store = emulator.store
    index = 5
    entry = entries(emulator, PORTFOLIO)[index]
    company = store.companies[entry.entity_id]
    value = entry.values
    health, fund = field_named(emulator, PORTFOLIO, "Health"), field_named(emulator, PORTFOLIO, "Fund")
    expected = {
        "Health": health.option(value[health.id]).text,  # type: ignore[union-attr]
        "Invested (USD)": f"${value[field_named(emulator, PORTFOLIO, 'Invested (USD)').id]:,}",
        "Ownership %": f"{value[field_named(emulator, PORTFOLIO, 'Ownership %').id]:g}",
        "First Check": value[field_named(emulator, PORTFOLIO, "First Check").id][:10],
        "Fund": fund.option(value[fund.id]).text,  # type: ignore[union-attr]
    }
    board = field_named(emulator, PORTFOLIO, "Board Member")
    if board.id in value:
        expected["Board Member"] = store.persons[value[board.id]].full_name
    on_lists = {store.lists[e.list_id].name for e in store.entries_of("company", company.id)}
    assert "Portfolio" in on_lists

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_row(pilot, index)
        assert (screen.kind, screen.entity_id) == ("company", company.id)
        assert screen.sub_title == f"Company: {company.name}"
        title = part(screen, "title")
        assert company.name in title and str(company.domain) in title
        fields = part(screen, "fields")
        portfolio = fields[fields.index("\nPortfolio"):]  # the group of the Portfolio list's fields
        for name, shown in expected.items():
            assert re.search(rf"^\s*{re.escape(name)}\s{{2,}}{re.escape(shown)}\s*$", portfolio, re.MULTILINE), \
                (name, shown, portfolio)
        lists = part(screen, "lists").splitlines()
        assert lists[0].split()[0] == "Lists"
        assert set(lists[1:]) == on_lists

        # escape: back to the table, on the same row
        table_screen = app.screen_stack[-2]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is table_screen)
        assert isinstance(app.screen, ListEntriesScreen)
        table = table_of(app)
        assert table.cursor_row == index
        assert table.current_row is not None and table.current_row.entity_id == company.id
        assert app.focused is table


async def test_notes_are_plain_text_and_markup_in_notes_stays_literal(app: AffinityApp, emulator: Emulator) -> None:
    store = emulator.store
    hostile = next(n for n in store.notes.values() if "[bold]Not markup" in n.html)
    company_id = hostile.company_ids[0]
    portfolio = entries(emulator, PORTFOLIO)
    index = next(i for i, e in enumerate(portfolio) if e.entity_id == company_id)
    notes = store.notes_for("company", company_id)
    assert 2 <= len(notes) <= 10
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_row(pilot, index)
        assert screen.entity_id == company_id
        text = part(screen, "notes")
        assert text.splitlines()[0].split() == ["Notes", str(len(notes)), "newest", "first"]
        flat = normalized(text)
        # Readable: no HTML tags, each note's first paragraph as a person would read it.
        for tag in ("<p>", "</p>", "<strong>", "<em>", "<li>", "<ul>", "<span", "&lt;", "&gt;"):
            assert tag not in text
        for note in notes:
            if note is not hostile:
                assert first_paragraph(emulator, note) in flat
        # Literal: markup-looking text is shown as typed, and the ESC byte never reaches the screen.
        assert "[bold]Not markup[/bold] <script>alert(1)</script>" in flat
        assert "[link=https://evil.example]click[/link]" in flat
        segments = [s for widget in screen.query("#detail-body Static") for s in widget_segments(widget)]
        assert not any("\x1b" in s.text for s in segments)
        # Nothing in the hostile note got styled: "Not markup" is drawn in the plain note style.
        drawn = [s for widget in screen.query("#detail-notes Static") for s in widget_segments(widget)
                 if "Not markup" in s.text]
        assert drawn and not any(s.style and (s.style.bold or s.style.link) for s in drawn)


async def test_the_cursor_walks_the_lines_that_can_be_acted_on(app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.data.detail import ListMembership, NoteView
    from affinity_tui.screens.detail import FieldItem

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_row(pilot, 5)
        first = screen.focused_item()
        assert isinstance(first, FieldItem)  # the first field line
        seen = [first]
        for _ in range(60):
            await pilot.press("j")
            seen.append(screen.focused_item())
        kinds = {type(item) for item in seen}
        assert {FieldItem, ListMembership, NoteView} <= kinds
        await pilot.press("g")
        assert screen.focused_item() == first
        # enter on a list line opens that list; escape comes back to the same line.
        await pilot.press("G")
        while not isinstance(screen.focused_item(), ListMembership):
            await pilot.press("k")
        membership = screen.focused_item()
        assert isinstance(membership, ListMembership)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen), what="the list")
        assert app.screen.sub_title == membership.name  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.focused_item() == membership


def test_a_long_note_is_folded_until_unfolded() -> None:
    from datetime import UTC, datetime

    from affinity.types import NoteId

    from affinity_tui.data.detail import NoteView
    from rich.console import Console

    from affinity_tui.screens.detail import NOTE_FOLD_LINES, _notes_lines

    text = "\n".join(f"line {i}" for i in range(40))
    note = NoteView(NoteId(7), "Morgan Reyes", "2026-11-20 10:00", datetime(2026, 11, 20, tzinfo=UTC), text)

    def shown(unfolded: set[int]) -> str:
        console = Console(width=100, color_system=None)
        with console.capture() as capture:
            for line in _notes_lines([note], unfolded)[1]:
                console.print(line.renderable)
        return capture.get()

    folded = shown(set())
    assert f"line {NOTE_FOLD_LINES - 1}" in folded and f"line {NOTE_FOLD_LINES}\n" not in folded
    assert f"… {40 - NOTE_FOLD_LINES} more lines (enter unfolds)" in folded
    whole = shown({7})
    assert "line 39" in whole and "more lines" not in whole


async def test_related_records_open_with_enter_and_escape_comes_back(app: AffinityApp, emulator: Emulator) -> None:
    from affinity_tui.data.related import RelatedRecord

    store = emulator.store
    portfolio = entries(emulator, PORTFOLIO)
    index = next(i for i, e in enumerate(portfolio)
                 if any(e.entity_id in o.company_ids for o in store.opportunities.values())
                 and store.companies[e.entity_id].person_ids)
    company = store.companies[portfolio[index].entity_id]
    deals = [o for o in store.opportunities.values() if company.id in o.company_ids]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_row(pilot, index)
        text = part(screen, "related")
        assert text.splitlines()[0].startswith("Related")
        for pid in company.person_ids[:5]:
            assert store.persons[pid].full_name in text
        for deal in deals:
            assert re.search(rf"{re.escape(deal.name[:30])}.*Deal Pipeline: \w", text), text
        # The cursor lands on the related records; enter opens the deal, escape comes back to it.
        await pilot.press("G")
        while not (isinstance(screen.focused_item(), RelatedRecord)
                   and screen.focused_item().kind == "opportunity"):  # type: ignore[union-attr]
            await pilot.press("k")
        record = screen.focused_item()
        assert isinstance(record, RelatedRecord)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen is not screen,
                    what="the deal's detail")
        await settle(pilot)
        deal_screen = app.screen
        assert isinstance(deal_screen, DetailScreen)
        assert (deal_screen.kind, deal_screen.entity_id) == ("opportunity", record.entity_id)
        assert deal_screen.sub_title == f"Opportunity: {store.opportunities[record.entity_id].name}"
        assert company.name in part(deal_screen, "related")  # the deal's company, back the other way
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.focused_item() == record
