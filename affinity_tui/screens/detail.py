"""One person, company or opportunity: every field value grouped by kind and by list, the lists
it is on, its related people, companies and opportunities, its notes, reminders and recent
interactions — with a cursor over the lines that can be acted on (a field, a list, a related
record, a note).

Opened for one entity at a time (``enter`` on a row), so the expensive reads happen only for
the entity in focus. The parts load at once (``DetailSource``) and fill in as they arrive; a
part that fails says so in place, and the others still show. ``j``/``k`` move between the lines
that can be acted on, ``enter`` opens (a list, a related record: ``escape`` comes back) or
unfolds (a long note), and other features bind
their keys to what is under the cursor (``focused_item``). Everything shown is CRM data and is
rendered as plain ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Header, Static

from ..data.cursors import EntityKind
from ..data.dates import relative
from ..data.detail import EntityProfile, FieldGroup, FieldLine, InteractionView, ListMembership, NoteView, ReminderView
from ..data.entity_ref import EntityRef
from ..data.links import RecordLink
from ..data.rows import cell_width
from ..data.session import AffinitySession
from ..data.sources import DetailSource, EntriesSource, ListSummary
from ..widgets.detail_items import DetailBody, Line, Section
from ..widgets.key_footer import KeyFooter
from ..widgets.status_line import StatusLine
from ..data.related import Related, RelatedRecord
from .notices import notify_failure
from .part_wait import AUTO_RESUME_SECONDS, rate_limit_wait, wait_then_reload, waiting_text
from .record_actions import RecordActions
from .related_lines import related_lines

STATUS_STYLES = {"overdue": "bold red", "active": "yellow", "completed": "dim"}
SECTIONS = ("fields", "lists", "related", "notes", "reminders", "interactions")
NOTE_FOLD_LINES = 8
"""A note longer than this shows its first lines; ``enter`` unfolds it."""
NOTE_FOLD_CHARS = 800
"""A note with more characters than this (ten lines of a wide screen) is folded too, however
few lines it has: one 10,000-character line would otherwise fill the screen many times over."""
NAME_WIDTH_MAX = 32


@dataclass(frozen=True, slots=True)
class FieldItem:
    """A field line under the cursor, with the group (list entry) it belongs to."""

    group: FieldGroup
    line: FieldLine


class DetailScreen(RecordActions):
    KEY_SECTION = "Detail"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("R", "refresh", "Refresh", show=False, id="detail.refresh"),
        Binding("j,down", "move(1)", "Next line", show=False, id="detail.down"),
        Binding("k,up", "move(-1)", "Previous line", show=False, id="detail.up"),
        Binding("pagedown,ctrl+d", "move(10)", "Page down", show=False, id="detail.page-down"),
        Binding("pageup,ctrl+u", "move(-10)", "Page up", show=False, id="detail.page-up"),
        Binding("g,home", "ends(False)", "Top", show=False, id="detail.top"),
        Binding("G,end", "ends(True)", "Bottom", show=False, id="detail.bottom"),
        Binding("enter", "activate", "Open / unfold", id="detail.open"),
        Binding("f", "toggle_empty", "Empty fields", id="detail.empty-fields"),
        Binding("s", "status", "Status", id="detail.status"),
        Binding("e", "edit_field", "Edit field/note", id="detail.edit-field"),
        Binding("a", "add_to_list", "Add to a list", id="detail.add-to-list"),
        Binding("n", "new_note", "Note", id="detail.note"),
        Binding("r", "new_reminder", "Reminder", id="detail.reminder"),
        Binding("d", "delete_note", "Delete note", show=False, id="detail.delete-note"),
    ]

    def __init__(self, session: AffinitySession, kind: str, entity_id: int, *, title: str = "",
                 list_id: int | None = None, entry_id: int | None = None) -> None:
        super().__init__()
        self.session = session
        self.source = DetailSource(session, kind, entity_id, list_id=list_id,  # type: ignore[arg-type]
                                   entry_id=entry_id)
        self.kind: EntityKind = self.source.kind
        self.entity_id = entity_id
        self.entity_title = title
        self.profile: EntityProfile | None = None
        self.notes: list[NoteView] | None = None
        self.reminders: list[ReminderView] | None = None
        self.interactions: list[InteractionView] | None = None
        self.related: Related | None = None
        self.show_empty = False
        self.unfolded: set[int] = set()
        """Notes shown whole."""
        self._waits: dict[str, Timer] = {}
        """Parts waiting out Affinity's rate limit before they load again."""

    def compose(self) -> ComposeResult:
        yield Header()
        with DetailBody(id="detail-body"):
            yield Static(id="detail-title", classes="detail-title", markup=False)
            for name in SECTIONS:
                yield Section(id=f"detail-{name}")
        yield StatusLine(self.session.rate, id="status")
        yield KeyFooter()

    @property
    def body(self) -> DetailBody:
        return self.query_one("#detail-body", DetailBody)

    def section(self, name: str) -> Section:
        return self.query_one(f"#detail-{name}", Section)

    def section_text(self, name: str) -> str:
        """A part as plain text (``title`` or one of ``SECTIONS``)."""
        if name == "title":
            rendered = self.query_one("#detail-title", Static).render()
            return getattr(rendered, "plain", str(rendered))
        return self.section(name).text()

    def focused_item(self) -> object | None:
        """What the cursor is on: a `FieldItem`, a `ListMembership`, a `RelatedRecord`, a
        `NoteView`, a `ReminderView`, … (None before anything selectable has loaded)."""
        return self.body.focused

    async def on_mount(self) -> None:
        self.on_mount_triage()
        self.on_mount_notes()
        self.sub_title = f"{self.source.kind_word}: {self.entity_title}"
        self._show_title()
        await self.load_all()

    async def _fill(self, name: str, heading: RenderableType | None, lines: Sequence[Line] = ()) -> None:
        await self.body.fill(self.section(name), heading, lines)

    def _say(self, message: str) -> None:
        self.query_one(StatusLine).message = message

    # ---- loading ---------------------------------------------------------------------------
    async def load_all(self) -> None:
        """Read every part again; a part already shown stays until its new answer arrives."""
        shown = {"fields": self.profile, "lists": self.profile, "related": self.related, "notes": self.notes,
                 "reminders": self.reminders, "interactions": self.interactions}
        for name in SECTIONS:
            if (name != "interactions" or self.source.has_interactions) and shown[name] is None:
                await self._fill(name, Text(f"{name.capitalize()}: loading…", style="dim"))
        self._say(f"Loading {self.entity_title or self.kind}…")
        for timer in self._waits.values():
            timer.stop()
        self._waits.clear()
        self.source.start()
        self.load_profile()
        self.load_related()
        self.load_notes()
        self.load_reminders()
        self.load_interactions()

    @work(exclusive=True, group="detail-profile", exit_on_error=False)
    async def load_profile(self) -> None:
        # A part painted from the cache stays when Affinity cannot be asked (_part_failed's shown).
        try:
            async for profile in self.source.profile_versions():
                self.profile = profile
                self.entity_title = profile.name or self.entity_title
                self.sub_title = f"{self.source.kind_word}: {self.entity_title}"
                self._show_title()
                await self._show_fields()
                await self._fill("lists", *_lists_lines(profile))
                self._say_freshness()
        except Exception as error:  # noqa: BLE001
            if self.profile is None:
                notify_failure(self, error)
            await self._part_failed("fields", "Fields", error, self.load_profile, shown=self.profile)
            if self.profile is None:
                await self._fill("lists", _failed("Lists", error))
            self._say_freshness()
            return

    def _say_freshness(self) -> None:
        """The status line: which record, and how old what is shown from the cache is (and, once
        painted, the session's first paint is done: reads in the background may go)."""
        if self.app.screen is self:
            self.call_after_refresh(self.session.painted.set)
        age = self.source.freshness_text()
        self._say(f"{self.source.kind_word} {self.entity_id}" + (f" · {age}" if age else ""))

    @work(exclusive=True, group="detail-related", exit_on_error=False)
    async def load_related(self) -> None:
        """Related people, companies and opportunities (screens/related_lines.py)."""
        try:
            async for related in self.source.related_versions():
                self.related = related
                await self._fill("related", *related_lines(related))
                self._say_freshness()
        except Exception as error:  # noqa: BLE001
            await self._part_failed("related", "Related", error, self.load_related, shown=self.related)

    @work(exclusive=True, group="detail-notes", exit_on_error=False)
    async def load_notes(self) -> None:
        try:
            async for notes in self.source.notes_versions():
                self.notes = notes
                await self.show_notes()
                self._say_freshness()
        except Exception as error:  # noqa: BLE001
            await self._part_failed("notes", "Notes", error, self.load_notes, shown=self.notes)
            return

    async def show_notes(self) -> None:
        """Redraw the notes (after a note was added, edited, deleted or unfolded)."""
        if self.notes is not None:
            await self._fill("notes", *_notes_lines(self.notes, self.unfolded))

    @work(exclusive=True, group="detail-reminders", exit_on_error=False)
    async def load_reminders(self) -> None:
        try:
            async for reminders in self.source.reminders_versions():
                self.reminders = reminders
                await self.show_reminders()
                self._say_freshness()
        except Exception as error:  # noqa: BLE001
            await self._part_failed("reminders", "Reminders", error, self.load_reminders, shown=self.reminders)
            return
        if self.reminders is None:
            return
        try:  # owners the session could not name yet: one more request, then only their cells
            named = await self.source.owner_names(self.reminders)
        except Exception:  # noqa: BLE001 - they stay shown as #id
            return
        if named is not None:
            self.reminders = named
            await self.show_reminders()

    async def show_reminders(self) -> None:
        """Redraw the reminders (after one was added or changed)."""
        if self.reminders is not None:
            await self._fill("reminders", *_reminders_lines(self.reminders, self.session))

    @work(exclusive=True, group="detail-interactions", exit_on_error=False)
    async def load_interactions(self) -> None:
        if not self.source.has_interactions:
            return
        try:
            async for items in self.source.interactions_versions():
                self.interactions = items
                await self._fill("interactions", *_interactions_lines(items))
                self._say_freshness()
        except Exception as error:  # noqa: BLE001
            await self._part_failed("interactions", "Recent interactions", error, self.load_interactions,
                                    shown=self.interactions)

    async def _part_failed(self, name: str, title: str, error: BaseException, reload: Callable[[], object], *,
                           shown: object = None) -> None:
        """A part that failed says why in place; refused by the rate limit, it counts the wait
        down and loads again by itself (screens/part_wait.py). A part ``shown`` before stays as
        it was (a failed refresh must not take it away): a notification says why instead."""
        waits = self._waits
        if (old := waits.pop(name, None)) is not None:
            old.stop()
        wait = rate_limit_wait(error)
        resumes = wait is not None and wait <= AUTO_RESUME_SECONDS
        if shown is not None:
            notify_failure(self, error, resumes_in=wait if resumes else None)
            if wait is not None and resumes:
                async def unchanged(left: float) -> None:
                    return None

                waits[name] = wait_then_reload(self, wait, unchanged, reload)
            return
        if wait is None or not resumes:
            await self._fill(name, _failed(title, error))
            return
        await self._fill(name, waiting_text(title, wait))
        self._say(f"Affinity's rate limit: waiting {round(wait)}s, then loading again")

        async def show(left: float) -> None:
            await self._fill(name, waiting_text(title, left))

        waits[name] = wait_then_reload(self, wait, show, reload)

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
        self.query_one("#detail-title", Static).update(text)

    async def _show_fields(self) -> None:
        if self.profile is not None:
            await self._fill("fields", None, _field_lines(self.profile, show_empty=self.show_empty))

    # ---- actions ---------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    async def action_refresh(self) -> None:
        self.source.from_affinity = True  # R: Affinity's answer, not the cache's
        await self.load_all()

    def revalidate(self) -> None:
        """Affinity answers again: ask it for every part (what the cache showed stays meanwhile)."""
        self.load_profile()
        self.load_notes()
        self.load_reminders()
        self.load_interactions()

    def action_move(self, step: int) -> None:
        self.body.move(step)

    def action_ends(self, end: bool) -> None:
        self.body.to_end(end)

    async def action_activate(self) -> None:
        item = self.focused_item()
        if isinstance(item, NoteView):
            self.unfolded ^= {int(item.id)}
            await self.show_notes()
        elif isinstance(item, ListMembership):
            self._open_list(item)
        elif isinstance(item, RelatedRecord):
            self._open_related(item)

    def _open_related(self, record: RelatedRecord) -> None:
        """Its detail on top (``escape`` comes back here); a deal found on its list opens by its entry."""
        entry = next((h for h in record.holdings if h.entry_id is not None), None) \
            if record.kind == "opportunity" else None
        self.app.push_screen(DetailScreen(self.session, record.kind, record.entity_id, title=record.name,
                                          list_id=entry.list_id if entry else None,
                                          entry_id=entry.entry_id if entry else None))

    def _open_list(self, membership: ListMembership) -> None:
        from .entries import ListEntriesScreen

        lst = self.session.lists.get(int(membership.list_id)) or ListSummary(
            id=membership.list_id, name=membership.name, type="unknown", owner_id=None, is_public=False, size=None)
        self.app.push_screen(ListEntriesScreen(self.session, EntriesSource(self.session, lst)))

    async def action_toggle_empty(self) -> None:
        self.show_empty = not self.show_empty
        await self._show_fields()
        self.notify("Showing empty fields too." if self.show_empty else "Hiding empty fields.", timeout=2)

    def record_link(self) -> RecordLink | None:
        return self.source.link()

    # ---- triage: Status, field edits, list membership --------------------------------------
    def _entry_in_focus(self) -> tuple[int, int] | None:
        """(list id, entry id) of the list entry the cursor is in: the field's list, the list
        line's entry, else the record's only list entry."""
        item = self.focused_item()
        if isinstance(item, FieldItem) and item.group.list_id is not None and item.group.entry_id is not None:
            return int(item.group.list_id), int(item.group.entry_id)
        if isinstance(item, ListMembership) and item.entry_ids:
            return int(item.list_id), int(item.entry_ids[0])
        entries = [(int(g.list_id), int(g.entry_id)) for g in (self.profile.groups if self.profile else ())
                   if g.list_id is not None and g.entry_id is not None]
        return entries[0] if len(entries) == 1 else None

    async def action_status(self) -> None:
        """``s``: move the list entry in focus to another Status."""
        from .triage import EntryPick, change_status

        where = self._entry_in_focus()
        if where is None:
            self.notify("Put the cursor on a list's field or on a list to move that entry.", title="Status",
                        markup=False)
            return
        await change_status(self, self.session, where[0], [EntryPick(where[1], self.entity_title)],
                            entity_type=self.kind)

    async def action_edit_field(self) -> None:
        """``e``: edit the field under the cursor (a list field; others say why not), or the note."""
        from .triage import EntryPick, edit_field

        item = self.focused_item()
        if isinstance(item, NoteView):
            self.edit_focused_note(item)
            return
        if not isinstance(item, FieldItem):
            self.notify("Put the cursor on a field to edit it.", title="Edit", markup=False)
            return
        if item.group.list_id is None or item.group.entry_id is None:
            kind = {"enriched": "enriched data that Affinity fills in",
                    "relationship-intelligence": "worked out by Affinity from emails and meetings"}.get(
                item.group.kind, "a field of the record, edited from a list it is on")
            self.notify(f"{item.line.name} cannot be edited here: it is {kind}.", title="Edit", markup=False)
            return
        await edit_field(self, self.session, int(item.group.list_id), item.line.field_id,
                         [EntryPick(int(item.group.entry_id), self.entity_title)])

    async def action_add_to_list(self) -> None:
        """``a``: put this person or company on a list (or a pipeline)."""
        from .triage import add_to_list

        await add_to_list(self, self.session, self.kind, self.entity_id, self.entity_title)

    def on_mount_triage(self) -> None:
        """Follow writes to this record's list entries: its fields and lists are read again."""
        from ..data.writes.entries import EntryAdded, EntryChanged, EntryRemoved

        def changed(effect: object) -> None:
            profile = self.profile
            if profile is None:
                return
            entries = {int(g.entry_id) for g in profile.groups if g.entry_id is not None}
            if isinstance(effect, EntryChanged | EntryRemoved) and effect.entry_id in entries:
                self.load_profile()
            elif isinstance(effect, EntryAdded) and effect.entity_id == self.entity_id:
                self.load_profile()

        self._unsubscribe_triage = self.session.changes.subscribe(changed)

    def on_unmount(self) -> None:
        unsubscribe = getattr(self, "_unsubscribe_triage", None)
        if unsubscribe is not None:
            unsubscribe()
        unsubscribe = getattr(self, "_unsubscribe_notes", None)
        if unsubscribe is not None:
            unsubscribe()

    # ---- notes and reminders ---------------------------------------------------------------
    def _me(self) -> EntityRef:
        return EntityRef(self.kind, int(self.entity_id), self.entity_title)

    def action_new_note(self) -> None:
        """``n``: write a note on this record."""
        from .composer import open_composer

        open_composer(self, self.session, self.kind, self.entity_id, self.entity_title)

    def action_new_reminder(self) -> None:
        """``r``: set a reminder on this record."""
        from .reminder_dialog import open_reminder_dialog

        open_reminder_dialog(self, self.session, self.kind, self.entity_id, self.entity_title)

    def edit_focused_note(self, note: NoteView) -> None:
        """``e`` on a note: edit it (if the signed-in user wrote it)."""
        from .composer import edit_note

        edit_note(self, self.session, note, self._me())

    def action_delete_note(self) -> None:
        """``d`` on a note: delete it (if the signed-in user wrote it), confirmed."""
        from .composer import delete_note

        item = self.focused_item()
        if not isinstance(item, NoteView):
            self.notify("Put the cursor on a note to delete it.", title="Delete", markup=False)
            return
        delete_note(self, self.session, item)

    def on_mount_notes(self) -> None:
        """Show a note or reminder saved anywhere in the app on this record at once (only its
        section is redrawn; nothing is read again)."""
        from ..data.writes.notes import NoteDeleted, NoteSaved
        from ..data.writes.reminders import ReminderDeleted, ReminderSaved

        def changed(effect: object) -> None:
            concerns = getattr(effect, "concerns", None)
            if not callable(concerns) or not concerns(self.kind, self.entity_id):
                return
            if isinstance(effect, NoteSaved | NoteDeleted) and self.notes is not None:
                kept = [n for n in self.notes
                        if int(n.id) != int(effect.note.id if isinstance(effect, NoteSaved) else effect.note_id)]
                if isinstance(effect, NoteSaved) and effect.attached_here(self.kind, self.entity_id):
                    kept.append(effect.note)
                kept.sort(key=lambda n: (n.created_at, int(n.id)), reverse=True)
                self.notes = kept
                self.call_later(self.show_notes)
            elif isinstance(effect, ReminderSaved | ReminderDeleted) and self.reminders is not None:
                rid = int(effect.reminder.id if isinstance(effect, ReminderSaved) else effect.reminder_id)
                reminders = [r for r in self.reminders if int(r.id) != rid]
                if isinstance(effect, ReminderSaved):
                    reminders.append(effect.reminder)
                reminders.sort(key=lambda r: (r.status != "overdue", r.due_at))
                self.reminders = reminders
                self.call_later(self.show_reminders)

        self._unsubscribe_notes = self.session.changes.subscribe(changed)


# ---- what each section shows -------------------------------------------------------------------
def _heading(title: str, note: str = "") -> Text:
    return Text.assemble((title, "bold underline"), (f"  {note}" if note else "", "dim"))


def _failed(title: str, error: BaseException) -> Text:
    reason = getattr(error, "title", None) or "could not load"
    return Text.assemble((title, "bold underline"), (f"  {reason} (R tries again)", "red"))


def _field_lines(profile: EntityProfile, *, show_empty: bool) -> list[Line]:
    out: list[Line] = []
    for group in profile.groups:
        lines = group.fields if show_empty else group.filled
        hidden = len(group.fields) - len(lines)
        note = group.status_text
        if hidden and not note:
            note = f"{hidden} empty hidden (f shows them)"
        if out:
            out.append(Line(Text("")))
        out.append(Line(_heading(group.title, note)))
        width = min(NAME_WIDTH_MAX, max((cell_width(line.name) for line in lines), default=0))
        for line in lines:
            name = line.name if cell_width(line.name) <= width else line.name[: width - 1] + "…"
            text = Text.assemble((name + " " * (width - cell_width(name)), "cyan"), "  ",
                                 (line.text, line.style or ("dim" if line.empty else "")))
            out.append(Line(text, FieldItem(group, line)))
    if not out:
        out.append(Line(Text("No fields.", style="dim")))
    return out


def _lists_lines(profile: EntityProfile) -> tuple[Text, list[Line]]:
    note = "" if profile.lists_complete else "(some lists could not be read)"
    if not profile.lists:
        return _heading("Lists", note), [Line(Text("Not on any list.", style="dim"))]
    return _heading("Lists", note + ("  enter opens" if not note else "")), \
        [Line(Text(m.name), m) for m in profile.lists]


def _notes_lines(notes: Sequence[NoteView], unfolded: set[int]) -> tuple[Text, list[Line]]:
    if not notes:
        return _heading("Notes"), [Line(Text("No notes.", style="dim"))]
    lines: list[Line] = []
    for note in notes:
        head = Text.assemble((note.created, "bold"), "  ", (note.creator_name, "cyan"),
                             (" (edited)" if note.edited else "", "dim"))
        parts: list[RenderableType] = [head, *_note_body(note.text, folded=int(note.id) not in unfolded)]
        lines.append(Line(Group(*parts, Text("")), note))
    return _heading("Notes", f"{len(notes)} newest first"), lines


def _note_body(text: str, *, folded: bool) -> list[RenderableType]:
    """A note's text; a long one (more than ``NOTE_FOLD_LINES`` lines, or one line of thousands
    of characters) folded to its start, with how much more there is."""
    lines = text.splitlines() or [""]
    if not folded or (len(lines) <= NOTE_FOLD_LINES and len(text) <= NOTE_FOLD_CHARS):
        return [Text(text)]
    shown = "\n".join(lines[:NOTE_FOLD_LINES])
    if len(shown) > NOTE_FOLD_CHARS:
        shown = shown[:NOTE_FOLD_CHARS]
        more = f"{len(text) - len(shown):,} more characters"
    else:
        more = f"{len(lines) - NOTE_FOLD_LINES:,} more lines"
    return [Text(shown), Text(f"… {more} (enter unfolds)", style="dim italic")]


def _reminders_lines(reminders: Sequence[ReminderView], session: AffinitySession) -> tuple[Text, list[Line]]:
    open_ones = [r for r in reminders if r.status != "completed"]
    done = len(reminders) - len(open_ones)
    note = f"{done} completed" if done else ""
    if not open_ones:
        return _heading("Reminders", note), [Line(Text("No open reminders.", style="dim"))]
    now = session.clock()
    lines = []
    for r in open_ones:
        text = Text.assemble((f"{r.due}  ({relative(r.due_at, now)})", STATUS_STYLES.get(r.status, "")), "  ",
                             r.content + (f"  ({r.recurrence})" if r.recurrence else ""), "  ",
                             (r.owner_name, "cyan"))
        lines.append(Line(text, r))
    return _heading("Reminders", note), lines


def _interactions_lines(items: Sequence[InteractionView]) -> tuple[Text, list[Line]]:
    if not items:
        return _heading("Recent interactions"), [Line(Text("None in the last year.", style="dim"))]
    lines = []
    for it in items:
        who = ", ".join(it.participants[:4])
        lines.append(Line(Text.assemble((it.when, ""), "  ", (f"{it.kind:<7}", "magenta"), "  ", it.subject,
                                        ("  " + who if who else "", "dim"))))
    return _heading("Recent interactions", "last 12 months"), lines
