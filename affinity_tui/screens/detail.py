"""One person, company or opportunity: every field value grouped by kind and by list, the
lists it is on, its notes, reminders and recent interactions.

Opened for one entity at a time (``enter`` on a row), so the expensive reads happen only for
the entity in focus. The four parts load in parallel workers and fill in as they arrive; a
part that fails says so in place, and the others still show. Everything shown is CRM data and
is rendered as plain ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ..data.cursors import EntityKind
from ..data.detail import EntityProfile, InteractionView, NoteView, ReminderView
from ..data.links import RecordLink
from ..data.session import AffinitySession
from ..data.sources import DetailSource
from ..widgets.status_line import StatusLine
from .notices import notify_failure
from .record_actions import RecordActions

STATUS_STYLES = {"overdue": "bold red", "active": "yellow", "completed": "dim"}


class DetailScreen(RecordActions):
    KEY_SECTION = "Detail"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("R", "refresh", "Refresh", show=False, id="detail.refresh"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="detail.bottom"),
        Binding("f", "toggle_empty", "Empty fields", id="detail.empty-fields"),
    ]

    def __init__(self, session: AffinitySession, kind: str, entity_id: int, *, title: str = "") -> None:
        super().__init__()
        self.session = session
        self.source = DetailSource(session, kind, entity_id)  # type: ignore[arg-type]
        self.kind: EntityKind = self.source.kind
        self.entity_id = entity_id
        self.entity_title = title
        self.profile: EntityProfile | None = None
        self.show_empty = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-title", classes="detail-title")
            yield Static(id="detail-fields", classes="detail-section")
            yield Static(id="detail-lists", classes="detail-section")
            yield Static(id="detail-notes", classes="detail-section")
            yield Static(id="detail-reminders", classes="detail-section")
            yield Static(id="detail-interactions", classes="detail-section")
        yield StatusLine(self.session.rate, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.source.kind_word}: {self.entity_title}"
        self._show_title()
        self.query_one("#detail-body").focus()
        self.load_all()

    def _set(self, part: str, renderable: RenderableType) -> None:
        self.query_one(f"#detail-{part}", Static).update(renderable)

    def _say(self, message: str) -> None:
        self.query_one(StatusLine).message = message

    # ---- loading ---------------------------------------------------------------------------
    def load_all(self) -> None:
        for part in ("fields", "lists", "notes", "reminders", "interactions"):
            self._set(part, Text(f"{part.capitalize()}: loading…", style="dim"))
        self._say(f"Loading {self.entity_title or self.kind}…")
        self.load_profile()
        self.load_notes()
        self.load_reminders()
        self.load_interactions()

    @work(exclusive=True, group="detail-profile", exit_on_error=False)
    async def load_profile(self) -> None:
        try:
            profile = await self.source.load_profile()
        except Exception as error:  # noqa: BLE001
            notify_failure(self, error)
            self._set("fields", Text(f"Fields: could not load ({getattr(error, 'title', 'error')})", style="red"))
            self._set("lists", Text(""))
            return
        self.profile = profile
        self.entity_title = profile.name or self.entity_title
        self.sub_title = f"{self.source.kind_word}: {self.entity_title}"
        self._show_title()
        self._show_fields()
        self._set("lists", _lists_renderable(profile))
        self._say(f"{self.source.kind_word} {self.entity_id}")

    @work(exclusive=True, group="detail-notes", exit_on_error=False)
    async def load_notes(self) -> None:
        try:
            notes = await self.source.load_notes()
        except Exception as error:  # noqa: BLE001
            self._set("notes", _failed("Notes", error))
            return
        self._set("notes", _notes_renderable(notes))

    @work(exclusive=True, group="detail-reminders", exit_on_error=False)
    async def load_reminders(self) -> None:
        try:
            reminders = await self.source.load_reminders()
        except Exception as error:  # noqa: BLE001
            self._set("reminders", _failed("Reminders", error))
            return
        self._set("reminders", _reminders_renderable(reminders))

    @work(exclusive=True, group="detail-interactions", exit_on_error=False)
    async def load_interactions(self) -> None:
        if not self.source.has_interactions:
            self._set("interactions", Text(""))
            return
        try:
            items = await self.source.load_interactions()
        except Exception as error:  # noqa: BLE001
            self._set("interactions", _failed("Recent interactions", error))
            return
        self._set("interactions", _interactions_renderable(items))

    # ---- rendering -------------------------------------------------------------------------
    def _show_title(self) -> None:
        text = Text(self.entity_title or f"{self.kind} {self.entity_id}", style="bold")
        profile = self.profile
        if profile is not None:
            bits = [self.source.kind_word]
            if profile.person_type:
                bits.append(profile.person_type)
            bits += list(profile.emails[:3]) + list(profile.domains[:3])
            text.append("\n" + " · ".join(bits), style="dim")
        self._set("title", text)

    def _show_fields(self) -> None:
        if self.profile is not None:
            self._set("fields", _fields_renderable(self.profile, show_empty=self.show_empty))

    # ---- actions ---------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load_all()

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#detail-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "home": body.scroll_home,
         "end": body.scroll_end}[where](animate=False)

    def action_toggle_empty(self) -> None:
        self.show_empty = not self.show_empty
        self._show_fields()
        self.notify("Showing empty fields too." if self.show_empty else "Hiding empty fields.", timeout=2)

    def record_link(self) -> RecordLink | None:
        return self.source.link()

def _heading(title: str, note: str = "") -> Text:
    return Text.assemble((title, "bold underline"), (f"  {note}" if note else "", "dim"))


def _failed(title: str, error: BaseException) -> Text:
    reason = getattr(error, "title", None) or "could not load"
    return Text.assemble((title, "bold underline"), (f"  {reason}", "red"))


def _fields_renderable(profile: EntityProfile, *, show_empty: bool) -> RenderableType:
    parts: list[RenderableType] = []
    for group in profile.groups:
        lines = group.fields if show_empty else group.filled
        hidden = len(group.fields) - len(lines)
        note = group.status_text
        if hidden and not note:
            note = f"{hidden} empty hidden (f shows them)"
        parts.append(_heading(group.title, note))
        if lines:
            table = Table(show_header=False, box=None, padding=(0, 2), expand=False)
            table.add_column("field", style="cyan", no_wrap=True, max_width=32)
            table.add_column("value", overflow="fold")
            for line in lines:
                table.add_row(Text(line.name), Text(line.text, style=line.style or ("dim" if line.empty else "")))
            parts.append(table)
        parts.append(Text(""))
    return Group(*parts) if parts else Text("No fields.", style="dim")


def _lists_renderable(profile: EntityProfile) -> RenderableType:
    if not profile.lists:
        return Group(_heading("Lists"), Text("Not on any list.", style="dim"), Text(""))
    names = Text(", ".join(m.name for m in profile.lists))
    note = "" if profile.lists_complete else "(some lists could not be read)"
    return Group(_heading("Lists", note), names, Text(""))


def _notes_renderable(notes: Sequence[NoteView]) -> RenderableType:
    if not notes:
        return Group(_heading("Notes"), Text("No notes.", style="dim"), Text(""))
    parts: list[RenderableType] = [_heading("Notes", f"{len(notes)} newest first")]
    for note in notes:
        parts.append(Text.assemble((note.created, "bold"), "  ", (note.creator_name, "cyan"),
                                   (" (edited)" if note.edited else "", "dim")))
        parts.append(Text(note.text))
        parts.append(Text(""))
    return Group(*parts)


def _reminders_renderable(reminders: Sequence[ReminderView]) -> RenderableType:
    if not reminders:
        return Group(_heading("Reminders"), Text("No reminders.", style="dim"), Text(""))
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column("due", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("what")
    table.add_column("owner", style="cyan", no_wrap=True)
    for r in reminders:
        table.add_row(Text(r.due), Text(r.status, style=STATUS_STYLES.get(r.status, "")),
                      Text(r.content + (f"  ({r.recurrence})" if r.recurrence else "")), Text(r.owner_name))
    return Group(_heading("Reminders"), table, Text(""))


def _interactions_renderable(items: Sequence[InteractionView]) -> RenderableType:
    if not items:
        return Group(_heading("Recent interactions"), Text("None in the last year.", style="dim"), Text(""))
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column("when", no_wrap=True)
    table.add_column("kind", no_wrap=True, style="magenta")
    table.add_column("subject")
    table.add_column("with", style="dim")
    for it in items:
        table.add_row(Text(it.when), Text(it.kind), Text(it.subject), Text(", ".join(it.participants[:4])))
    return Group(_heading("Recent interactions", "last 12 months"), table, Text(""))
