"""The detail screen's body: sections of lines, some of which the cursor can land on.

A section (fields, lists, notes, …) is a heading and a run of `ItemLine`s; a line that carries
a *payload* (a field, a note, a list membership) is selectable. `DetailBody` keeps a cursor over
the selectable lines of every section in document order, highlights the line under it and
scrolls it into view, and tells its screen what is under it (``focused``) so the screen's keys
act on it (open, edit, delete). Sections fill in independently as their parts load; the cursor
stays on the same payload when a section is redrawn.

Everything shown is CRM data: lines are rich ``Text`` built by the screen, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass


from rich.console import Console, RenderableType
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Line:
    """One line (or paragraph) of a section; ``payload`` makes it selectable."""

    renderable: RenderableType
    payload: object | None = None


class ItemLine(Static):
    """A line of a section; selectable when it has a payload."""

    DEFAULT_CSS = """
    ItemLine {
        height: auto;
        padding: 0 1;
    }
    ItemLine.-cursor {
        background: $accent 30%;
    }
    """

    def __init__(self, line: Line) -> None:
        super().__init__(line.renderable, markup=False, classes="-selectable" if line.payload is not None else "")
        self.payload = line.payload
        self.content = line.renderable


class Section(Vertical):
    """A heading and its lines."""

    DEFAULT_CSS = """
    Section {
        height: auto;
        margin-bottom: 1;
    }
    """

    def compose(self) -> ComposeResult:
        return iter(())

    def text(self, width: int = 200) -> str:
        """The section as plain text (headings and lines), for tests and copying."""
        console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
        with console.capture() as capture:
            for child in self.children:
                if isinstance(child, ItemLine):
                    console.print(child.content)
                elif isinstance(child, Static):
                    console.print(child.render())
        return "\n".join(line.rstrip() for line in capture.get().splitlines())


class DetailBody(VerticalScroll, can_focus=False):
    """The scrolling body of a detail screen, with a cursor over selectable lines."""

    class Moved(Message):
        """The cursor moved to another line (or the line under it was redrawn)."""

    def __init__(self, *children: Section, id: str | None = None) -> None:  # noqa: A002
        super().__init__(*children, id=id)
        self._cursor: ItemLine | None = None

    @property
    def focused(self) -> object | None:
        """The payload under the cursor."""
        return self._cursor.payload if self._cursor is not None and self._cursor.is_attached else None

    def selectable(self) -> list[ItemLine]:
        return [line for line in self.query(ItemLine) if line.payload is not None]

    async def fill(self, section: Section, heading: RenderableType | None, lines: Sequence[Line]) -> None:
        """Replace a section's content; the cursor stays on the same payload if it is still there."""
        keep = self.focused
        was_here = self._cursor is not None and self._cursor.parent is section
        await section.remove_children()
        widgets: list[Static] = []
        if heading is not None:
            widgets.append(Static(heading, markup=False, classes="section-heading"))
        widgets.extend(ItemLine(line) for line in lines)
        if widgets:
            await section.mount_all(widgets)
        if was_here or self._cursor is None or not self._cursor.is_attached:
            self._cursor = None
            items = self.selectable()
            target = next((w for w in items if keep is not None and w.payload == keep), None)
            self._put(target if target is not None else (items[0] if items else None), scroll=False)

    def move(self, step: int) -> None:
        """Move the cursor ``step`` selectable lines down (negative: up), clamped."""
        items = self.selectable()
        if not items:
            self.scroll_relative(y=step, animate=False)
            return
        index = items.index(self._cursor) if self._cursor in items else -1
        self._put(items[max(0, min(len(items) - 1, index + step))])

    def to_end(self, end: bool) -> None:
        items = self.selectable()
        if items:
            self._put(items[-1] if end else items[0])
        if end:
            self.scroll_end(animate=False)
        else:
            self.scroll_home(animate=False)

    def _put(self, line: ItemLine | None, *, scroll: bool = True) -> None:
        if self._cursor is not None:
            self._cursor.remove_class("-cursor")
        self._cursor = line
        if line is not None:
            line.add_class("-cursor")
            if scroll:
                self.scroll_to_widget(line, animate=False)
        self.post_message(self.Moved())
