"""Hostile data: every screen, picker and dialog of the hostile tenant (``affinity-tui emulator
--hostile``: markup, ANSI and OSC escape sequences, control characters, bidirectional overrides,
zero-width characters, emoji and combining marks, 10,000-character strings, scripted HTML,
formula starters) shows its text literally and safely.

For each screen the whole frame is rendered exactly as it would be written to the terminal
(``terminal_problems``): after Textual's own cursor and colour sequences (CSI) are taken out, no
escape, no OSC (a clipboard write, a hyperlink), no other control character and no bidirectional
override is left; no style carries a link; every line is exactly as wide as the terminal and no
segment breaks a line. Markup appears as typed (``[bold]`` on screen means it was not
interpreted). A CSV export, as shown and raw, holds each value whole with formula starters
defused; a long note is folded on the detail screen and ``enter`` unfolds it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.strip import Strip

from affinity_tui.data.export import defuse_formula
from affinity_tui.data.values import clean_text
from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore
from affinity_tui.screens.add_to_list import AddToListScreen
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.export_dialog import ExportDialog
from affinity_tui.screens.field_editor import FieldEditor
from affinity_tui.screens.help import HelpScreen
from affinity_tui.screens.reminder_dialog import ReminderDialog
from affinity_tui.screens.reminders import RemindersScreen
from affinity_tui.widgets.confirm import ConfirmScreen, ConfirmWriteScreen
from affinity_tui.widgets.pickers import PickMany, PickOne
from affinity_tui.widgets.status_picker import StatusPicker

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, Rig, paste, rig, screen_lines, screen_text, wait_for

HOSTILE_NOTE = ("[bold]Deck[/] [link=https://evil.example]x[/link] \x1b[2J\x1b]52;c;Y3VybA==\x07 \u202eevil "
                "<script>alert(1)</script> **bold** [a link](javascript:alert(1)) \x00\x9b31m")
"""Pasted into the composer: its preview and its HTML must show it as typed, safely."""
CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or char in BIDI


def terminal_problems(r: Rig) -> list[str]:
    """What on the current frame could act on the terminal, or break its layout."""
    app = r.app
    problems: list[str] = []
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    stream = CSI.sub("", update.render_segments(app.console)).replace("\n", "")
    found = sorted({f"U+{ord(c):04X}" for c in stream if unsafe(c)})
    if found:
        problems.append(f"reach the terminal: {', '.join(found)}")
    width, height = app.size
    lines = screen_lines(app)
    if len(lines) != height:
        problems.append(f"{len(lines)} lines on a {height}-line terminal")
    # A dialog's own lines: the screen behind it is drawn by Textual, which cuts its lines at
    # the dialog's edges (through an emoji sequence, it may count a cell more than it draws).
    area = app.screen.children[0].region if isinstance(app.screen, ModalScreen) else Region(0, 0, width, height)
    for y, line in enumerate(lines):
        text = "".join(segment.text for segment in line)
        if any(c in text for c in "\n\r\t\x0b\x0c"):
            problems.append(f"line {y} breaks: {text[:40]!r}")
        if not area.y <= y < area.bottom:
            continue
        own = Strip(line).crop(area.x, area.right) if area.width != width else Strip(line)
        cells = sum(cell_len(segment.text) for segment in own)
        if cells != area.width:
            problems.append(f"line {y} is {cells} cells wide, not {area.width}")
        links = {segment.style.link for segment in line if segment.style is not None and segment.style.link}
        if links:
            problems.append(f"line {y} links to {links}")
    return problems


class Tour:
    """The screens visited, and what each showed wrong."""

    def __init__(self, r: Rig, pilot: Pilot[Any]) -> None:
        self.r = r
        self.pilot = pilot
        self.seen: dict[str, list[str]] = {}

    async def look(self, name: str) -> str:
        # Notifications are cleared first: Textual cuts the lines under a notification at its
        # edge itself (and through an emoji sequence may count a cell more than it draws).
        self.r.app.clear_notifications()
        await settle(self.pilot, timeout=15)
        self.seen[name] = terminal_problems(self.r)
        return screen_text(self.r.app)

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def until(self, predicate: Any) -> None:
        assert await wait_for(self.pilot, predicate, 10), f"timed out on {predicate}"


async def test_every_screen_shows_hostile_text_literally_and_safely(hostile_tenant: TenantStore) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW, hostile=True), store=hostile_tenant)
    r = rig(emulator)
    app = r.app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        tour = Tour(r, pilot)
        text = await tour.look("lists")
        assert "[bold]Harbor Peak Ventures[/] [link=https://evil.example]" in text  # the header: literal markup
        assert "[bold]Deal Pipeline[/]" in text
        lists = app.screen
        for row in range(4):  # each list's saved views: list and view names carry every payload
            lists.table.move_cursor(row)  # type: ignore[attr-defined]
            await tour.press("v")
            if await wait_for(pilot, lambda: isinstance(app.screen, PickOne), 2):
                picker = await tour.look(f"saved-view picker (list {row})")
                assert row or "[bold]Active deals[/]" in picker
                await tour.press("escape")
        for row in (2, 3):  # the lists named with escape sequences, opened
            lists.table.move_cursor(row)  # type: ignore[attr-defined]
            await tour.press("enter")
            await tour.until(lambda: isinstance(app.screen, ListEntriesScreen))
            await tour.look(f"list entries (list {row})")
            await tour.press("escape")
            await tour.until(lambda: app.screen is lists)
        lists.table.move_cursor(0)  # type: ignore[attr-defined]
        await tour.press("ctrl+p")
        await tour.until(lambda: "CommandPalette" in type(app.screen).__name__)
        await pilot.press(*"deal")
        await tour.look("command palette")
        await tour.press("escape")

        await tour.press("enter")
        await tour.until(lambda: isinstance(app.screen, ListEntriesScreen))
        await tour.look("list entries")
        await tour.press("s")
        await tour.until(lambda: isinstance(app.screen, StatusPicker))
        await tour.look("Status picker")
        await tour.press("down", "enter")
        await tour.until(lambda: type(app.screen) is ConfirmScreen)
        await tour.look("unlock question")
        await tour.press("y")
        await tour.until(lambda: isinstance(app.screen, ConfirmWriteScreen))
        await tour.look("write confirmation")
        await tour.press("n")  # nothing is sent to the shared hostile tenant
        await tour.until(lambda: isinstance(app.screen, ListEntriesScreen))
        await tour.press("E")
        await tour.until(lambda: isinstance(app.screen, PickOne))
        await tour.look("field picker")
        await tour.press("enter")  # the first field: Status, a dropdown of hostile options
        await tour.until(lambda: isinstance(app.screen, FieldEditor))
        await tour.look("field editor")
        await tour.press("escape")
        await tour.until(lambda: isinstance(app.screen, ListEntriesScreen))
        await tour.press("c")
        await tour.until(lambda: isinstance(app.screen, PickMany))
        await tour.look("columns picker")
        await tour.press("escape")
        await tour.press("b")
        await tour.until(lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0)
        await tour.look("board")
        await tour.press("escape")
        await tour.until(lambda: isinstance(app.screen, ListEntriesScreen))
        await tour.press("enter")
        await tour.until(lambda: isinstance(app.screen, DetailScreen))
        await tour.look("opportunity detail")
        await tour.press("escape")

        for key, kind, rows in (("2", "person", (0, 2, 3, 9)), ("3", "company", (0, 2, 9)), ("4", "opportunity", (0,))):
            await tour.press(key)
            await tour.until(lambda: isinstance(app.screen, EntitiesScreen) and app.screen.table.loaded_rows)
            text = await tour.look(f"{kind} table")
            if kind == "person":
                assert "[bold]Morgan[/] [link=https://evil.exam" in text
                await tour.press("a")
                await tour.until(lambda: isinstance(app.screen, AddToListScreen))
                await tour.look("add-to-list picker")
                await tour.press("escape")
                # The composer on a hostile name, its preview fed hostile text; then the HTML.
                people = app.screen
                await tour.press("n")
                await tour.until(lambda: isinstance(app.screen, NoteComposer))
                composer = app.screen
                assert isinstance(composer, NoteComposer)
                await tour.until(lambda: app.focused is composer.editor)
                await paste(pilot, HOSTILE_NOTE)
                preview = await tour.look("composer preview")
                assert "[bold]Deck[/]" in preview
                await tour.press("ctrl+o")
                await tour.look("composer HTML")
                composer.editor.load_text("")
                await tour.press("escape")
                await tour.until(lambda: app.screen is people)
                await tour.press("r")
                await tour.until(lambda: isinstance(app.screen, ReminderDialog))
                await tour.look("reminder dialog")
                await tour.press("escape")
                await tour.until(lambda: app.screen is people)
            screen = app.screen
            assert isinstance(screen, EntitiesScreen)
            for row in rows:
                screen.table.move_cursor(row)
                await tour.press("enter")
                await tour.until(lambda: isinstance(app.screen, DetailScreen))
                await tour.look(f"{kind} detail (row {row})")
                await tour.press("escape")
                await tour.until(lambda: app.screen is screen)
        await tour.press("5")
        await tour.until(lambda: isinstance(app.screen, RemindersScreen) and app.screen.table.loaded_rows)
        await tour.look("reminders")
        await tour.press("question_mark")
        await tour.until(lambda: isinstance(app.screen, HelpScreen))
        await tour.look("help")
        await tour.press("escape")
    assert emulator.log.writes == []
    bad = {name: problems for name, problems in tour.seen.items() if problems}
    BOARD.figure("Hostile data", "screens, pickers and dialogs shown safely",
                 f"{len(tour.seen) - len(bad)}/{len(tour.seen)}", "all", not bad)
    assert not bad, "\n".join(f"{name}: {problems[:5]}" for name, problems in bad.items())


async def test_a_csv_export_holds_each_value_whole_with_formulas_defused(hostile_tenant: TenantStore,
                                                                           tmp_path: Path) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW, hostile=True), store=hostile_tenant)
    r = rig(emulator)
    async with r.app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(r.app.screen, EntitiesScreen) and r.app.screen.table.loaded_rows)
        await settle(pilot)
        await pilot.press("e")  # the loaded rows, as shown
        await wait_for(pilot, lambda: isinstance(r.app.screen, ExportDialog))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: sum("Exported CSV" in s for s in r.said()) == 1, 10)
        await pilot.press("e", "r")  # the raw values, read again
        await wait_for(pilot, lambda: isinstance(r.app.screen, ExportDialog) and r.app.screen.choice.raw)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: sum("Exported CSV" in s for s in r.said()) == 2, 20)
    files = list((tmp_path / "exports").glob("*.csv"))
    assert len(files) == 2
    raw = b"".join(f.read_bytes() for f in files)
    tables = []
    for file in files:
        with file.open(encoding="utf-8", newline="") as handle:
            tables.append(list(csv.reader(handle)))
    raw_rows = next(t for t in tables if "Entity ID" in t[0])  # the raw export names its ids
    rows = next(t for t in tables if t is not raw_rows)[1:]
    raw_names = {row[raw_rows[0].index("Name")] for row in raw_rows[1:]}
    people = sorted(hostile_tenant.persons.values(), key=lambda p: p.id)[:len(rows)]
    expected = [[defuse_formula(clean_text(p.full_name)), defuse_formula(clean_text(p.primary_email or ""))]
                for p in people]
    whole = sum(1 for got, want in zip(rows, expected, strict=True) if got[:2] == want)
    whole += sum(1 for want in expected if want[0] in raw_names)
    long = [row[0] for row in rows if len(row[0]) >= 10_000]
    formulas = [cell for row in rows + raw_rows for cell in row if cell[:1] and cell[:1] in "=+-@"]
    rows = rows + rows  # both files are counted
    ok = whole == len(rows) and bool(long) and not formulas and b"\x1b" not in raw
    BOARD.figure("Hostile data", "CSV cells whole, formulas defused, no escape byte",
                 f"{whole}/{len(rows)}", "all", ok)
    assert whole == len(rows)
    assert long, "the 10,000-character name was cut"
    assert not formulas, formulas[:3]
    assert b"\x1b" not in raw
    assert any(cell.startswith("'=HYPERLINK(") for row in rows for cell in row)
    assert any("[bold]Morgan[/]" in cell for row in rows for cell in row)


async def test_a_long_note_is_folded_and_enter_unfolds_it(hostile_tenant: TenantStore) -> None:
    s = hostile_tenant
    note = next(n for n in s.notes.values() if len(n.html) > 9_000 and n.person_ids and not n.parent_id
                and sum(1 for m in s.notes.values() if n.person_ids[0] in m.person_ids) <= 10)
    person = s.persons[note.person_ids[0]]
    emulator = Emulator(EmulatorConfig(now=NOW, hostile=True), store=hostile_tenant)
    r = rig(emulator)
    app = r.app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(r.session, "person", person.id, title=person.full_name))
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.notes is not None)
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        folded = detail.section_text("notes")
        assert "more characters (enter unfolds)" in folded
        assert terminal_problems(r) == []
        for _ in range(200):  # the cursor to the long note
            item = detail.focused_item()
            if getattr(item, "id", None) == note.id:
                break
            await pilot.press("j")
        else:
            raise AssertionError("the long note is not on the detail screen")
        await pilot.press("enter")
        await settle(pilot)
        unfolded = detail.section_text("notes")
        assert len(unfolded) > len(folded) + 5_000
        await pilot.press("enter")
        await settle(pilot)
        assert detail.section_text("notes") == folded
    BOARD.figure("Hostile data", "a 10,000-character note on the detail screen",
                 "folded; enter unfolds", "folded", True)
