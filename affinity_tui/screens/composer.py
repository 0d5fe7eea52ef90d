"""Write a note: Markdown on the left, what Affinity will store on the right, saved with ``ctrl+s``.

Opened by ``n`` on any person, company, opportunity or list entry (``open_composer``), and by
``e`` on a note the user wrote (``edit_note``). The text is kept on disk as it is typed (a draft
per entity, ``data/drafts``, written half a second after the last key) and removed only once
Affinity confirmed the note; opening the composer on the same entity again brings the draft
back. Saving goes through the one write flow (``write_flow.perform``): unlock if needed, confirm
what will be attached where, send once. A save that fails for any reason (locked, refused, rate
limited, timed out) leaves the composer open with the text, and says what happened.

``@`` after a space asks for a person (Affinity search) and inserts a link to them; ``ctrl+e``
hands the text to ``$VISUAL``/``$EDITOR`` (``App.suspend``); ``ctrl+t`` attaches the note to
another person, company or opportunity and ``ctrl+r`` removes one.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static, TextArea

from ..data.detail import NoteView
from ..data.drafts import NoteDraft, NoteDraftStore
from ..data.entity_ref import EntityRef, as_kind
from ..data.errors import UserFacingError
from ..data.links import web_url
from ..data.note_html import html_to_markdown, markdown_to_html
from ..data.session import AffinitySession
from ..data.writes import WriteDone, WriteUncertain
from ..data.writes.notes import (
    MAX_NOTE_CHARS,
    CreateNote,
    DeleteNote,
    StoredNote,
    UpdateNote,
    may_change,
    read_note,
)
from ..widgets.confirm import ConfirmScreen
from ..widgets.key_footer import KeyFooter
from ..widgets.pickers import PickOne
from .entity_picker import EntityPicker
from .note_preview import render_note
from .notices import notify_failure
from .write_flow import perform

DRAFT_DELAY = 0.5
"""Seconds after the last key before the draft is written."""
PREVIEW_AT_ONCE = 5_000
"""Notes up to this many characters are previewed at every key; a longer one is converted after
a pause in typing, in a thread (a long structured note takes a third of a second to convert)."""
PREVIEW_DELAY = 0.3
MENTION_AFTER = frozenset(" \t\n([{\"'")
"""``@`` typed after one of these (or at the start) asks for a person; inside a word (an email
address) it is just ``@``."""
MENTION_TYPED_AHEAD = 60
"""Characters typed after ``@`` before the person picker opened that become its search."""


_UNSAFE_IN_NOTES: dict[int, str | None] = {
    code: "\ufffd" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    if code not in (0x09, 0x0A)} | {0x0D: None}


def note_safe(text: str) -> str:
    """``text`` as the composer may show and send it: line breaks and tabs kept (Markdown needs
    them), ``\r`` dropped, every other control character and bidirectional override replaced
    with ``�``."""
    return text if text.isprintable() else text.translate(_UNSAFE_IN_NOTES)


class NoteEditor(TextArea):
    """The composer's Markdown text area; ``@`` at the start of a word asks for a person."""

    class MentionWanted(Message):
        """The user typed ``@`` where a mention can start (``at``: where the ``@`` is)."""

        def __init__(self, at: tuple[int, int]) -> None:
            super().__init__()
            self.at = at

    class PasteRefused(Message):
        """A paste that would make the note longer than a note may be (nothing was pasted)."""

        def __init__(self, characters: int) -> None:
            super().__init__()
            self.characters = characters

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste past ``MAX_NOTE_CHARS`` is refused whole (laying out a line of megabytes would
        hold up the screen for seconds); the text already there stays. Control characters in a
        paste (an escape sequence copied from elsewhere) are replaced, so they never reach the
        terminal, nor the note."""
        if len(self.text) + len(event.text) > MAX_NOTE_CHARS:
            event.prevent_default()
            event.stop()
            self.post_message(self.PasteRefused(len(event.text)))
            return
        safe = note_safe(event.text)
        if safe != event.text and not self.read_only:
            event.prevent_default()
            event.stop()
            result = self.replace(safe, *self.selection)
            self.move_cursor(result.end_location)

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)  # a restored draft continues where it ended

    async def _on_key(self, event: events.Key) -> None:
        if event.character == "@" and not self.read_only and self._word_starts_here():
            await super()._on_key(event)
            row, column = self.selection.end
            self.post_message(self.MentionWanted((row, max(column - 1, 0))))
            return
        await super()._on_key(event)

    def _word_starts_here(self) -> bool:
        row, column = self.selection.start
        if column == 0:
            return True
        return self.document.get_line(row)[column - 1] in MENTION_AFTER


class NoteComposer(Screen[None]):
    """A new note on ``target`` (restoring its draft), or an edit of ``note``."""

    KEY_SECTION = "Note composer"
    AUTO_FOCUS = "#composer-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="composer.save"),
        Binding("ctrl+e", "external_editor", "Edit in $EDITOR", priority=True, id="composer.editor"),
        Binding("ctrl+t", "attach", "Attach to…", id="composer.attach"),
        Binding("ctrl+r", "detach", "Remove attached", id="composer.detach"),
        Binding("ctrl+o", "toggle_html", "Show HTML", id="composer.html"),
        Binding("escape", "close", "Close (draft kept)", id="composer.close"),
    ]

    def __init__(self, session: AffinitySession, target: EntityRef, *, note: StoredNote | None = None,
                 drafts: NoteDraftStore | None = None) -> None:
        super().__init__()
        self.session = session
        self.target = target
        self.note = note
        self.drafts = drafts if drafts is not None else NoteDraftStore()
        self.tenant_id = int(session.tenant.tenant_id) if session.tenant is not None else 0
        self.attached: list[EntityRef] = list(note.attached) if note is not None else [target]
        self.restored: NoteDraft | None = None
        self.initial_text = ""
        self.show_html = False
        self.saving = False
        self.sent = False
        """True once Affinity confirmed the note: nothing more is written to the draft."""
        self._draft_timer: Timer | None = None
        self._preview_timer: Timer | None = None
        self._draft_io = asyncio.Lock()
        if note is not None:
            self.initial_text = note_safe(html_to_markdown(note.html))
        else:
            self.restored = self.drafts.load(self.tenant_id, target.kind, target.entity_id)
            if self.restored is not None:
                self.initial_text = note_safe(self.restored.text)
                self.attached += [ref for ref in self.restored.also if not ref.same(target)]

    @property
    def editing(self) -> bool:
        return self.note is not None

    @property
    def editor(self) -> NoteEditor:
        return self.query_one("#composer-text", NoteEditor)

    # ---- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Everything is drawn from what the composer holds, before anything is mounted: the
        # screen paints complete in its first frame.
        yield Header()
        with Vertical(id="composer"):
            yield Static(self._target_text(), id="composer-target", markup=False)
            yield Static(self._attached_text(), id="composer-attached", markup=False)
            with Horizontal(id="composer-panes"):
                yield NoteEditor(self.initial_text, id="composer-text", soft_wrap=True, tab_behavior="focus",
                                 placeholder="Write the note in Markdown: **bold**, *italics*, - lists, "
                                             "1. numbered, [links](https://…), @ mentions a person")
                title, body = self._preview(self.initial_text)
                with VerticalScroll(id="composer-preview-pane"):
                    yield Static(title, id="composer-preview-title", markup=False)
                    yield Static(body, id="composer-preview", markup=False)
            yield Static(Text(self._greeting(), style="dim"), id="composer-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = ("Edit a note" if self.editing else "New note") + f" · {self.target.label}"

    def _greeting(self) -> str:
        if self.restored is not None:
            saved = self.restored.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            return f"Your unsent draft from {saved} is back. ctrl+s saves it to Affinity."
        if self.editing:
            return "Editing your note. ctrl+s saves the change; escape leaves it as it is."
        return "ctrl+s saves to Affinity · the draft is kept on this computer as you type."

    def _say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#composer-status", Static)
        status.update(Text(message, style="bold red" if error else "dim"))
        status.set_class(error, "-error")

    def _target_text(self) -> Text:
        if self.note is not None:
            return Text(f"Edit your note of {self.note.view.created}", style="bold")
        return Text(f"New note on {self.target.label}", style="bold")

    def _attached_text(self) -> Text:
        text = Text("Attached to: ", style="dim")
        for index, ref in enumerate(self.attached):
            if index:
                text.append(" · ", style="dim")
            text.append(ref.label, style="cyan")
        if not self.attached:
            text.append("nothing yet: ctrl+t attaches it", style="bold red")
        text.append("   ctrl+t adds · ctrl+r removes", style="dim")
        return text

    def _show_attached(self) -> None:
        self.query_one("#composer-attached", Static).update(self._attached_text())

    def _preview(self, markdown: str) -> tuple[Text, Text]:
        """The preview's title and body for ``markdown``."""
        if len(markdown) > MAX_NOTE_CHARS:
            return (Text("Preview", style="bold"),
                    Text(f"Too long: {len(markdown):,} characters; a note is at most {MAX_NOTE_CHARS:,}.",
                         style="bold red"))
        html = markdown_to_html(markdown)
        title = Text("Preview: what Affinity will store", style="bold")
        title.append(f"   {len(html):,} characters of HTML · ctrl+o shows {'the note' if self.show_html else 'the HTML'}",
                     style="dim")
        if not html:
            body = Text("Nothing yet.", style="dim")
        elif self.show_html:
            body = Text(html)
        else:
            body = render_note(html)
        return title, body

    def _show_preview(self) -> None:
        self._put_preview(*self._preview(self.editor.text))

    def _put_preview(self, title: Text, body: Text) -> None:
        if self.is_mounted:
            self.query_one("#composer-preview-title", Static).update(title)
            self.query_one("#composer-preview", Static).update(body)

    def _schedule_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        text = self.editor.text
        if len(text) <= PREVIEW_AT_ONCE or len(text) > MAX_NOTE_CHARS:
            self._show_preview()
        else:
            self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._preview_in_thread(self.editor.text))

    @work(thread=True, exclusive=True, group="composer-preview", exit_on_error=False)
    def _preview_in_thread(self, text: str) -> None:
        title, body = self._preview(text)
        self.app.call_from_thread(self._put_preview, title, body)

    # ---- typing and drafts -----------------------------------------------------------------
    @on(TextArea.Changed, "#composer-text")
    def _changed(self) -> None:
        self._schedule_preview()
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        if self.editing or self.sent:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._write_draft)

    def _draft(self) -> NoteDraft:
        also = tuple(ref for ref in self.attached if not ref.same(self.target))
        return NoteDraft(self.target, self.editor.text, also, self.tenant_id)

    def _write_draft(self) -> None:
        """Write the draft now (in a thread: a draft is fsynced), or remove it when emptied."""
        if self.editing or self.sent:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        draft = self._draft()
        self.app.run_worker(self._store_draft(draft), group="note-draft", exit_on_error=False)

    async def _store_draft(self, draft: NoteDraft) -> None:
        async with self._draft_io:
            if self.sent:
                return
            try:
                if draft.text.strip():
                    await asyncio.to_thread(self.drafts.save, draft)
                else:
                    await asyncio.to_thread(self.drafts.discard, self.tenant_id, self.target.kind,
                                            self.target.entity_id)
            except OSError as error:
                self.app.notify(f"The draft could not be written ({error.strerror or error}). "
                                "Your text is still in the composer.", title="Draft not saved",
                                severity="warning", markup=False)

    async def _discard_draft(self) -> None:
        async with self._draft_io:
            try:
                await asyncio.to_thread(self.drafts.discard, self.tenant_id, self.target.kind, self.target.entity_id)
            except OSError:
                pass

    @on(NoteEditor.PasteRefused)
    def _paste_refused(self, event: NoteEditor.PasteRefused) -> None:
        self._say(f"Not pasted: {event.characters:,} characters, and a note is at most {MAX_NOTE_CHARS:,}. "
                  "Your text is as it was; nothing was sent.", error=True)

    @on(NoteEditor.MentionWanted)
    def _mention(self, event: NoteEditor.MentionWanted) -> None:
        editor = self.editor
        row, at = event.at
        if editor.document.get_line(row)[at:at + 1] != "@":
            return
        # Keys typed after the ``@`` before the picker opened (a fast typist) are its search.
        typed = ""
        end_row, end_column = editor.selection.end
        if end_row == row and at < end_column <= at + 1 + MENTION_TYPED_AHEAD:
            typed = editor.document.get_line(row)[at + 1:end_column]
            if typed:
                editor.replace("", (row, at + 1), (row, end_column))

        def chosen(ref: EntityRef | None) -> None:
            if ref is None:
                if typed:  # nothing lost: what was typed goes back after the @
                    editor.replace(typed, (row, at + 1), (row, at + 1))
                return
            if editor.document.get_line(row)[at:at + 1] != "@":
                return
            subdomain = self.session.subdomain
            link = f"[{_link_text(ref.title)}]({web_url(subdomain, 'person', ref.entity_id)})" if subdomain \
                else f"@{ref.title}"
            editor.replace(link, (row, at), (row, at + 1))

        self.app.push_screen(EntityPicker(self.session, "Mention a person (Affinity search)", term=typed), chosen)

    # ---- attachments -----------------------------------------------------------------------
    def action_attach(self) -> None:
        def chosen(ref: EntityRef | None) -> None:
            if ref is not None and not any(ref.same(x) for x in self.attached):
                self.attached.append(ref)
                self._show_attached()
                self._schedule_draft()

        self.app.push_screen(EntityPicker(self.session, "Attach the note to…",
                                          kinds=("person", "company", "opportunity"), exclude=self.attached),
                             chosen)

    def action_detach(self) -> None:
        if not self.attached:
            self.notify("The note is not attached to anything yet (ctrl+t attaches it).", timeout=4)
            return
        choices = [(ref.label, str(index)) for index, ref in enumerate(self.attached)]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            del self.attached[int(value)]
            self._show_attached()
            self._schedule_draft()

        self.app.push_screen(PickOne("Remove the note from…", choices), chosen)

    def action_toggle_html(self) -> None:
        self.show_html = not self.show_html
        self._show_preview()

    # ---- external editor -------------------------------------------------------------------
    def action_external_editor(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        text = self.editor.text
        directory = self.drafts.directory
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix="note-", suffix=".md", dir=directory)
        except OSError as error:
            self._say(f"Could not prepare the file for your editor: {error.strerror or error}", error=True)
            return
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            try:
                with self.app.suspend():
                    done = subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:
                self._say("This terminal cannot hand the screen to another program (web or headless): "
                          "keep writing here.", error=True)
                return
            except OSError as error:
                self._say(f"Could not start {command!r}: {error.strerror or error}", error=True)
                return
            edited = note_safe(path.read_text(encoding="utf-8"))
        finally:
            path.unlink(missing_ok=True)
        if done.returncode != 0:
            self._say(f"{command} exited with status {done.returncode}; the text is as it was.", error=True)
            return
        if edited != text:
            self.editor.load_text(edited.rstrip("\n") if not text.endswith("\n") else edited)
            self.editor.move_cursor(self.editor.document.end)
        self._say(f"Back from {command}.")

    # ---- saving ----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        if len(self.editor.text) > MAX_NOTE_CHARS:
            self._say(f"A note is at most {MAX_NOTE_CHARS:,} characters; this one has {len(self.editor.text):,}. "
                      "Nothing was sent.", error=True)
            return
        html = markdown_to_html(self.editor.text)
        if not html:
            self._say("Nothing to save yet: write the note first.", error=True)
            return
        if not self.attached:
            self._say("The note must be attached to at least one person, company or opportunity (ctrl+t).",
                      error=True)
            return
        if self.note is not None:
            edit = UpdateNote(self.note, html, self.attached)
            if not edit.changes_anything:
                self._say("Nothing changed: the note is as Affinity has it.")
                return
            action: CreateNote | UpdateNote = edit
        else:
            action = CreateNote(html, self.attached, clock=self.session.clock)
            self._write_draft()
        self.saving = True
        self._say("Saving…")
        perform(self, self.session, action, on_done=self._saved, on_failed=self._not_saved)

    def _saved(self, done: WriteDone) -> None:
        self.saving = False
        self.sent = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not self.editing:
            self.app.run_worker(self._discard_draft(), group="note-draft", exit_on_error=False)
        if self.app.screen is self:
            self.dismiss(None)

    def _not_saved(self, error: UserFacingError) -> None:
        self.saving = False
        kept = "Your text is still here" + ("" if self.editing else " and saved as a draft")
        if isinstance(error, WriteUncertain) and error.landed is None:
            self._say(f"{error.title}. {error.what_to_do} {kept}.", error=True)
            return
        self._say(f"Not saved: {error.title}. {error.what_to_do} {kept}.", error=True)

    def action_close(self) -> None:
        if self.editing:
            if self.note is not None and self.editor.text != self.initial_text:
                def answered(yes: bool | None) -> None:
                    if yes:
                        self.dismiss(None)

                self.app.push_screen(ConfirmScreen("Discard your changes?", "The note stays as Affinity has it.",
                                                   yes="Discard"), answered)
                return
            self.dismiss(None)
            return
        if self.editor.text.strip():
            self._write_draft()
            self.app.notify(f"Draft kept: n on {self.target.title or self.target.label} brings it back.",
                            title="Note not sent", timeout=6, markup=False)
        else:
            self._write_draft()  # an emptied note forgets its draft
        self.dismiss(None)


def _link_text(title: str) -> str:
    """A name as Markdown link text (brackets escaped)."""
    return title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


# ---- entry points --------------------------------------------------------------------------
def open_composer(screen: Screen[Any], session: AffinitySession, kind: str, entity_id: int, title: str,
                  *, drafts: NoteDraftStore | None = None) -> NoteComposer:
    """``n``: a new note on this entity (its draft restored, if any)."""
    composer = NoteComposer(session, EntityRef(as_kind(kind), int(entity_id), title), drafts=drafts)
    screen.app.push_screen(composer)
    return composer


def edit_note(screen: Screen[Any], session: AffinitySession, note: NoteView | int,
              target: EntityRef | None = None) -> None:
    """``e`` on a note: read it (content and every attachment), then open it in the composer if the
    signed-in user wrote it."""
    note_id = int(note.id) if isinstance(note, NoteView) else int(note)

    async def load() -> None:
        stored = await _read(screen, session, note_id)
        if stored is None:
            return
        if stored.has_mentions:
            screen.notify("This note @mentions people, and Affinity cannot change the text of such notes "
                          "through its API. Edit it in Affinity (o).", title="Cannot edit this note",
                          severity="warning", markup=False)
            return
        home = target if target is not None and any(target.same(x) for x in stored.attached) else \
            (stored.attached[0] if stored.attached else target)
        if home is None:
            screen.notify("This note is not attached to anything that can be shown.", severity="warning")
            return
        screen.app.push_screen(NoteComposer(session, home, note=stored))

    screen.run_worker(load(), group="note-edit", exclusive=True, exit_on_error=False)


def delete_note(screen: Screen[Any], session: AffinitySession, note: NoteView | int) -> None:
    """``d`` on a note: read it (so undo can restore it whole), then confirm and delete it."""
    note_id = int(note.id) if isinstance(note, NoteView) else int(note)

    async def load() -> None:
        stored = await _read(screen, session, note_id)
        if stored is not None:
            perform(screen, session, DeleteNote(stored, clock=session.clock))

    screen.run_worker(load(), group="note-delete", exclusive=True, exit_on_error=False)


async def _read(screen: Screen[Any], session: AffinitySession, note_id: int) -> StoredNote | None:
    try:
        async with session.reading() as client:
            stored = await read_note(client, note_id)
    except Exception as error:  # noqa: BLE001 - shown, never a crash
        notify_failure(screen, error)
        return None
    why_not = may_change(stored, session.tenant.user_id if session.tenant is not None else None)
    if why_not is not None:
        screen.notify(why_not, title="Not your note", severity="warning", markup=False)
        return None
    return stored


def unsent_drafts(session: AffinitySession, drafts: NoteDraftStore | None = None) -> list[NoteDraft]:
    """The signed-in tenant's drafts, newest first (reads the drafts directory: call off the loop)."""
    store = drafts if drafts is not None else NoteDraftStore()
    tenant = int(session.tenant.tenant_id) if session.tenant is not None else 0
    return store.all(tenant)


def describe_draft(draft: NoteDraft) -> str:
    """"Person Jane Doe — “Met Jane…” (2026-11-24 14:02)", for pickers and the palette."""
    first = next((line.strip() for line in draft.text.splitlines() if line.strip()), "")
    first = first if len(first) <= 50 else first[:49] + "…"
    when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{draft.target.label} — “{first}” ({when})"


__all__ = ["NoteComposer", "delete_note", "describe_draft", "edit_note", "open_composer", "unsent_drafts"]
