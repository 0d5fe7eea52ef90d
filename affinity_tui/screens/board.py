"""The pipeline board (``b`` on a list, or a saved view of type board): one column per Status
stage, cards to move between them.

Arrows move between cards and columns; ``shift+←/→`` moves the card to the previous or next
stage (write mode, confirmed, one request); ``s`` picks any stage; ``n`` writes a note on the
card's record; ``enter`` opens the card's record. The board starts with the first page of entries and says how many it shows; ``m``
loads the next page, ``A`` loads all of them after saying what that costs. A move made
anywhere (here, the table, a detail screen) moves the card, through the session's changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header

from ..data.links import RecordLink, record_link
from ..data.session import AffinitySession
from ..data.sources import ListSummary
from ..data.sources.board import NO_STAGE, BoardSource
from ..data.writes.entries import EntryAdded, EntryChanged, EntryRemoved, plan_edit, status_move
from ..widgets.board_view import BoardView
from ..widgets.confirm import ConfirmScreen
from ..widgets.key_footer import KeyFooter
from ..widgets.status_line import StatusLine
from .notices import AUTO_RESUME_SECONDS, notify_failure, resume_delay
from .record_actions import RecordActions
from .triage import NOUNS, EntryPick, change_status, snapshots
from .write_flow import perform


class BoardScreen(RecordActions):
    KEY_SECTION = "Board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="board.back"),
        Binding("left,h", "column(-1)", "Previous stage", show=False, id="board.left"),
        Binding("right,l", "column(1)", "Next stage", show=False, id="board.right"),
        Binding("up,k", "card(-1)", "Previous card", show=False, id="board.up"),
        Binding("down,j", "card(1)", "Next card", show=False, id="board.down"),
        Binding("pageup", "card(-10)", "Page up", show=False, id="board.page-up"),
        Binding("pagedown", "card(10)", "Page down", show=False, id="board.page-down"),
        Binding("shift+left", "move_card(-1)", "Move back", id="board.move-left",
                tooltip="Move the card to the previous stage"),
        Binding("shift+right", "move_card(1)", "Move on", id="board.move-right",
                tooltip="Move the card to the next stage"),
        Binding("s", "status", "Status", id="board.status"),
        Binding("enter", "open", "Open", id="board.open"),
        Binding("n", "note", "Note", id="board.note", tooltip="Write a note on the card's record"),
        Binding("m", "more", "Load more", id="board.more"),
        Binding("A", "load_all", "Load all", show=False, id="board.load-all"),
        Binding("R", "refresh", "Refresh", show=False, id="board.refresh"),
    ]

    def __init__(self, session: AffinitySession, lst: ListSummary) -> None:
        super().__init__()
        self.session = session
        self.lst = lst
        self.source = BoardSource(session, lst)
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield BoardView(id="board")
        yield StatusLine(self.session.rate, id="status")
        yield KeyFooter()

    @property
    def board(self) -> BoardView:
        return self.query_one("#board", BoardView)

    def say(self, message: str) -> None:
        status = self.query_one("#status", StatusLine)
        if status.message != message:
            status.message = message

    def on_mount(self) -> None:
        self.sub_title = f"{self.lst.name} · board"
        self.board.focus()
        self.board.amount_text = self.source.amount_text
        self._unsubscribe = self.session.changes.subscribe(self._changed)
        self.say(f"Loading {self.lst.name}…")
        self.load_more()

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.source.close()

    def report(self) -> None:
        amount = f" · sums of {self.source.amount.name}" if self.source.amount is not None else ""
        self.say(self.source.counts_text() + amount)

    # ---- loading ----------------------------------------------------------------------------
    @work(exclusive=True, group="board-load", exit_on_error=False)
    async def load_more(self, pages: int = 1) -> None:
        """``pages`` more pages onto the board (0: every page left), repainting after each."""
        source = self.source
        done = 0
        try:
            while not source.exhausted and (pages == 0 or done < pages):
                await source.load_more()
                done += 1
                self.board.show(source.stages)
                self.report()
                if pages == 0:
                    self.say(f"Loading every entry: {source.counts_text().split(' · ')[0]}…")
        except Exception as error:  # noqa: BLE001 - said, never a crash
            if source is not self.source:
                return
            wait = resume_delay(error, AUTO_RESUME_SECONDS)
            notify_failure(self, error, resumes_in=wait)
            if wait is not None:  # the cards shown stay; the rest follows after the wait
                self.set_timer(wait + 0.25, lambda: self.load_more(pages) if self.source is source else None)
            shown = "" if not source.loaded else ": showing what was loaded (R tries again)"
            self.say(f"{self.lst.name}: could not load the board" + (shown or " (R tries again)"))
            return
        self.board.show(source.stages)
        self.report()

    def action_more(self) -> None:
        if self.source.exhausted:
            self.notify("Every entry is on the board.", timeout=3)
            return
        self.load_more()

    def action_load_all(self) -> None:
        cost = self.source.cost_of_the_rest()
        if cost is None:
            self.notify("Every entry is on the board.", timeout=3)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load_more(0)

        self.app.push_screen(ConfirmScreen(
            f"Load every entry of {self.lst.name}?",
            f"That is {cost.describe()}. Only reads: nothing is changed.", yes="Load all"), answered)

    def action_refresh(self) -> None:
        self.reload()

    @work(exclusive=True, group="board-load", exit_on_error=False)
    async def reload(self) -> None:
        """Read the board again from its first page; the cards shown stay until it arrives (and
        when it cannot be read)."""
        old, new = self.source, BoardSource(self.session, self.lst)
        self.say(f"Loading {self.lst.name}…")
        try:
            await new.load_more()
        except Exception as error:  # noqa: BLE001 - said, never a crash
            await new.close()
            wait = resume_delay(error, AUTO_RESUME_SECONDS)
            notify_failure(self, error, resumes_in=wait)
            if wait is not None:
                self.set_timer(wait + 0.25, lambda: self.reload() if self.source is old else None)
            self.say(f"{self.lst.name}: could not load the board" +
                     (": showing what was loaded before (R tries again)" if old.loaded else " (R tries again)"))
            return
        self.source = new
        self.run_worker(old.close(), exit_on_error=False)
        self.board.amount_text = new.amount_text
        self.board.show(new.stages)
        self.report()

    # ---- moving the cursor ------------------------------------------------------------------
    def action_column(self, step: int) -> None:
        self.board.move_column(step)

    def action_card(self, step: int) -> None:
        self.board.move_card(step)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_note(self) -> None:
        """``n``: the note composer on the card's record."""
        from .composer import open_composer

        card = self.board.current
        if card is not None:
            open_composer(self, self.session, card.entity_type, card.entity_id, card.name)

    def action_open(self) -> None:
        from .detail import DetailScreen

        card = self.board.current
        if card is not None:
            self.app.push_screen(DetailScreen(self.session, card.entity_type, card.entity_id, title=card.name))

    def record_link(self) -> RecordLink | None:
        card = self.board.current
        if card is None or not self.session.subdomain:
            return None
        return record_link(self.session.subdomain, card.entity_type, card.entity_id)

    # ---- moving cards -----------------------------------------------------------------------
    async def action_status(self) -> None:
        card = self.board.current
        if card is None:
            return
        await change_status(self, self.session, self.source.list_id, [EntryPick(card.entry_id, card.name)],
                            entity_type=card.entity_type)

    async def action_move_card(self, step: int) -> None:
        """``shift+←/→``: the card to the previous or next stage, confirmed, one request."""
        card = self.board.current
        status = self.source.status
        if card is None or status is None:
            return
        options = self.source.stage_options()
        ids = [int(o.id) for o in options]
        if card.stage == NO_STAGE:
            target = 0 if step > 0 else None
        else:
            index = ids.index(card.stage) if card.stage in ids else -1
            target = index + step if 0 <= index + step < len(ids) else None
        if target is None:
            self.notify("No stage that way.", timeout=2)
            return
        option = options[target]
        try:
            snaps = await snapshots(self.session, self.source.list_id, [EntryPick(card.entry_id, card.name)],
                                    [str(status.id)])
        except Exception as error:  # noqa: BLE001
            notify_failure(self, error)
            return
        if not snaps:
            return
        from ..data.field_input import dropdown_value

        noun, nouns = NOUNS.get(card.entity_type, ("entry", "entries"))
        plans = [plan_edit(snaps[0], {str(status.id): (status.name, dropdown_value(status, [option]))})]
        action = status_move(self.source.list_id, plans, option.text, noun=noun, nouns=nouns)
        if not action.entries:
            self.notify(f"Already in {option.text}.", timeout=3, markup=False)
            return
        perform(cast("Screen[object]", self), self.session, action)

    def _changed(self, effect: object) -> None:
        list_id = self.source.list_id
        if isinstance(effect, EntryChanged) and effect.list_id == list_id:
            following = self.board.current
            moved = self.source.apply(effect.entry_id, effect.values)
            self.board.show(self.source.stages)
            if moved is not None and following is not None and following.entry_id == moved.entry_id:
                self.board.put_cursor_on(moved)
            self.report()
        elif isinstance(effect, EntryRemoved) and effect.list_id == list_id:
            self.source.remove(effect.entry_id)
            self.board.show(self.source.stages)
            self.report()
        elif isinstance(effect, EntryAdded) and effect.list_id == list_id:
            self.notify(f"{effect.name} was added to {self.lst.name}: R shows it here.", timeout=4, markup=False)
