"""``BoardView``: columns of cards drawn line by line (Textual's Line API), for boards of 10,000+
cards: only the lines on screen are drawn, each column scrolls on its own to keep its cursor
card in view, and a move repaints without laying anything out.

Each column: its stage name in its colour with the count, the sum of its amounts, a rule, then
cards of three lines (name; owner · amount; a blank). CRM text is drawn as plain segments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from affinity_tui.data.sources.board import Card, Stage

HEADER_LINES = 3
CARD_LINES = 3
MIN_COLUMN = 22
MAX_COLUMN = 34


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class BoardView(Widget, can_focus=True):
    """Stages side by side; ``column`` and each column's ``row`` say where the cursor is."""

    DEFAULT_CSS = """
    BoardView {
        height: 1fr;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"board--cursor", "board--dim", "board--rule"}

    column: reactive[int] = reactive(0, repaint=False, init=False)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's own parameter name
        super().__init__(id=id)
        self.stages: Sequence[Stage] = ()
        self.rows: list[int] = []
        """The cursor's card in each column."""
        self._tops: list[int] = []
        self._first = 0
        self.amount_text: Callable[[float | None], str] = lambda value: "" if value is None else f"{value:,.0f}"

    # ---- data -------------------------------------------------------------------------------
    def show(self, stages: Sequence[Stage]) -> None:
        """Draw these stages (the same list objects may change later: call ``refresh``)."""
        self.stages = stages
        self._fit_cursor()
        self.refresh()

    def _fit_cursor(self) -> None:
        count = len(self.stages)
        self.rows = (self.rows + [0] * count)[:count]
        self._tops = (self._tops + [0] * count)[:count]
        for index, stage in enumerate(self.stages):
            self.rows[index] = max(0, min(self.rows[index], len(stage.cards) - 1))
        self.set_reactive(BoardView.column, max(0, min(self.column, count - 1)))

    @property
    def current(self) -> Card | None:
        if not self.stages:
            return None
        stage = self.stages[self.column]
        row = self.rows[self.column] if self.column < len(self.rows) else 0
        return stage.cards[row] if 0 <= row < len(stage.cards) else None

    def put_cursor_on(self, card: Card) -> None:
        """Follow a card (to its new column after a move)."""
        for index, stage in enumerate(self.stages):
            for row, other in enumerate(stage.cards):
                if other.entry_id == card.entry_id:
                    self._fit_cursor()
                    self.rows[index] = row
                    self.set_reactive(BoardView.column, index)
                    self._scroll_into_view()
                    self.refresh()
                    return

    # ---- moving -----------------------------------------------------------------------------
    def move_column(self, step: int) -> None:
        if not self.stages:
            return
        self.set_reactive(BoardView.column, max(0, min(len(self.stages) - 1, self.column + step)))
        self._scroll_into_view()
        self.refresh()

    def move_card(self, step: int) -> None:
        if not self.stages:
            return
        cards = len(self.stages[self.column].cards)
        if not cards:
            return
        old = self.rows[self.column]
        self.rows[self.column] = max(0, min(cards - 1, old + step))
        if self.rows[self.column] != old:
            self._scroll_into_view()
            self.refresh()

    def _column_width(self) -> int:
        width = self.size.width or 120
        count = max(1, len(self.stages))
        return max(MIN_COLUMN, min(MAX_COLUMN, width // count))

    def _visible_columns(self) -> int:
        return max(1, (self.size.width or 120) // self._column_width())

    def _body_cards(self) -> int:
        return max(1, ((self.size.height or 30) - HEADER_LINES) // CARD_LINES)

    def _scroll_into_view(self) -> None:
        visible = self._visible_columns()
        if self.column < self._first:
            self._first = self.column
        elif self.column >= self._first + visible:
            self._first = self.column - visible + 1
        body = self._body_cards()
        row, top = self.rows[self.column], self._tops[self.column]
        if row < top:
            self._tops[self.column] = row
        elif row >= top + body:
            self._tops[self.column] = row - body + 1

    def on_resize(self) -> None:
        if self.stages:
            self._scroll_into_view()

    # ---- drawing ----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        column_width = self._column_width()
        base = self.rich_style
        cursor = self.get_component_rich_style("board--cursor")
        dim = self.get_component_rich_style("board--dim")
        segments: list[Segment] = []
        used = 0
        for index in range(self._first, min(len(self.stages), self._first + self._visible_columns())):
            segments.extend(self._cell(index, y, column_width - 1, base, cursor, dim))
            segments.append(Segment(" ", base))
            used += column_width
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width).crop(0, width)

    def _cell(self, index: int, y: int, width: int, base: Style, cursor: Style, dim: Style) -> list[Segment]:
        stage = self.stages[index]
        if y == 0:
            count = f" {stage.count:,}"
            name = _fit(stage.text, max(1, width - len(count)))
            colour = Style.parse(stage.style) if stage.style else Style()
            return [Segment(name, base + colour + Style(bold=True)), Segment(_fit(count, width - cell_len(name)), dim)]
        if y == 1:
            return [Segment(_fit(self.amount_text(stage.total) if stage.cards else "", width), dim)]
        if y == 2:
            return [Segment("─" * width, self.get_component_rich_style("board--rule"))]
        top = self._tops[index] if index < len(self._tops) else 0
        card_index, line = divmod(y - HEADER_LINES, CARD_LINES)
        card_index += top
        if card_index >= len(stage.cards):
            return [Segment(" " * width, base)]
        card = stage.cards[card_index]
        selected = index == self.column and card_index == self.rows[index] and self.has_focus
        style = cursor if selected else base
        if line == 0:
            return [Segment(_fit(card.name, width), style + Style(bold=True) if not selected else style)]
        if line == 1:
            parts = [p for p in (card.owner, self.amount_text(card.amount)) if p]
            return [Segment(_fit(" · ".join(parts), width), style if selected else dim)]
        return [Segment(" " * width, base)]

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
