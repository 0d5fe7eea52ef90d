"""Set a reminder on one entity (``r``): what, when, for whom, once or repeating.

The due date is typed the way people say it (``tomorrow``, ``3d``, ``2w``, ``next monday``,
``eod``, ``2026-12-03 14:30``; ``data/dates``) and the date it resolves to is shown under it as
it is typed, so nothing is saved on a misunderstanding; a date that is not one says why, and
``ctrl+s`` then sends nothing. The owner is the signed-in user unless another team member is
picked (the team is read once per session). A recurring reminder comes back every N days after
the last email, meeting or either (what Affinity's API offers); its first due date is optional.
Saving goes through the one write flow (unlock if needed, confirm, send once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static

from ..data.dates import FORMS, DateProblem, When, parse_when
from ..data.entity_ref import EntityRef, as_kind
from ..data.errors import UserFacingError
from ..data.session import AffinitySession
from ..data.team import TeamMember, team_of
from ..data.values import clean_text
from ..data.writes import WriteDone
from ..data.writes.reminders import MAX_CONTENT_CHARS, RESET_TRIGGERS, CreateReminder, Recurrence
from .notices import notify_failure
from .write_flow import perform

ONCE = "once"
MAX_PERIOD_DAYS = 3650


class ReminderDialog(ModalScreen[bool]):
    """Dismisses with True once Affinity confirmed the reminder, False when closed without one."""

    KEY_SECTION = "Reminder dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="reminder.save"),
        Binding("escape", "cancel", "Cancel", id="reminder.cancel"),
    ]

    def __init__(self, session: AffinitySession, target: EntityRef, *, due: str = "tomorrow",
                 content: str = "") -> None:
        super().__init__()
        self.session = session
        self.target = target
        self._due = due
        self._content = content
        self.saving = False
        tenant = session.tenant
        self.me = TeamMember(int(tenant.user_id), f"{tenant.user_name} (you)", tenant.user_email) \
            if tenant is not None else None
        self.owners: list[tuple[str, int]] = [(self.me.name, self.me.user_id)] if self.me is not None else []
        """The owner picker's choices (label, user id): "you" until the team is read."""
        self.names: dict[int, str] = {int(tenant.user_id): tenant.user_name} if tenant is not None else {}

    def compose(self) -> ComposeResult:
        with Vertical(id="reminder-dialog"):
            yield Static(Text(f"Reminder on {self.target.label}", style="bold"), id="reminder-title")
            yield Label("What (optional)")
            # Not an example sentence: dimmed or not, one reads as text already typed, and a
            # reminder saved with it would have none (the confirmation says "(no text)").
            yield Input(self._content, placeholder="what to follow up on", id="reminder-content")
            yield Label("Due")
            yield Input(self._due, placeholder=FORMS, id="reminder-due")
            yield Static(id="reminder-when", markup=False)
            with Horizontal(id="reminder-row"):
                with Vertical(classes="reminder-cell"):
                    yield Label("For")
                    yield Select(_literal(self.owners), value=self.me.user_id if self.me else Select.BLANK, allow_blank=self.me is None,
                                 id="reminder-owner")
                with Vertical(classes="reminder-cell"):
                    yield Label("Repeats")
                    yield Select([("Once", ONCE), *((f"Every N days after {words}", trigger)
                                                    for trigger, words in RESET_TRIGGERS.items())],
                                 value=ONCE, allow_blank=False, id="reminder-repeat")
                with Vertical(classes="reminder-cell", id="reminder-period-cell"):
                    yield Label("Every (days)")
                    yield Input("30", id="reminder-period", type="integer")
            yield Static(id="reminder-problem", markup=False)
            with Horizontal(id="reminder-buttons"):
                yield Button("Save (ctrl+s)", id="reminder-save", variant="warning")
                yield Button("Cancel (esc)", id="reminder-cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#reminder-period-cell").display = False
        self.query_one("#reminder-content", Input).focus()
        self._show_when()
        self._load_team()

    @work(exclusive=True, group="team", exit_on_error=False)
    async def _load_team(self) -> None:
        try:
            members = await team_of(self.session).members()
        except Exception as error:  # noqa: BLE001 - the owner stays "you"
            notify_failure(self, error)
            return
        me = self.me.user_id if self.me is not None else None
        options = [((self.me.name if self.me is not None and m.user_id == me else m.label), m.user_id)
                   for m in members]
        select: Select[int] = self.query_one("#reminder-owner", Select)
        current = select.value
        self.owners = options
        self.names.update({m.user_id: m.name for m in members})
        select.set_options(_literal(options))
        if current is not Select.BLANK and any(value == current for _, value in options):
            select.value = current
        elif me is not None and any(value == me for _, value in options):
            select.value = me

    # ---- the due date, live ----------------------------------------------------------------
    def _now(self) -> datetime:
        return self.session.clock()

    @property
    def recurring(self) -> bool:
        return self.query_one("#reminder-repeat", Select).value != ONCE

    def resolved(self) -> When | DateProblem | None:
        """The due date typed (None: left empty, allowed for a recurring reminder)."""
        text = self.query_one("#reminder-due", Input).value
        if not text.strip() and self.recurring:
            return None
        return parse_when(text, self._now())

    def _show_when(self) -> None:
        found = self.resolved()
        when = self.query_one("#reminder-when", Static)
        if found is None:
            when.update(Text("First due one period from now.", style="dim"))
        elif isinstance(found, DateProblem):
            when.update(Text(found.message, style="bold red"))
        else:
            past = " — that is in the past" if found.at < self._now() else ""
            when.update(Text(f"→ {found.describe(self._now())}{past}", style="yellow" if past else "green"))

    @on(Input.Changed, "#reminder-due")
    def _due_changed(self) -> None:
        self._show_when()

    @on(Select.Changed, "#reminder-repeat")
    def _repeat_changed(self) -> None:
        self.query_one("#reminder-period-cell").display = self.recurring
        self._show_when()

    def _problem(self, message: str) -> None:
        self.query_one("#reminder-problem", Static).update(Text(message, style="bold red"))

    # ---- saving ----------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#reminder-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#reminder-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def build(self) -> CreateReminder | str:
        """The reminder to set, or why it cannot be (nothing is sent then)."""
        due = self.resolved()
        if isinstance(due, DateProblem):
            return due.message
        recurrence = None
        if self.recurring:
            raw = self.query_one("#reminder-period", Input).value.strip()
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_PERIOD_DAYS:
                return f"Repeat every 1 to {MAX_PERIOD_DAYS} days (type a whole number)."
            recurrence = Recurrence(int(raw), str(self.query_one("#reminder-repeat", Select).value))
        owner = self.query_one("#reminder-owner", Select).value
        if owner is Select.BLANK or not isinstance(owner, int):
            return "Choose who the reminder is for."
        owner_name = self.names.get(owner, f"#{owner}")
        content = self.query_one("#reminder-content", Input).value.strip()
        if len(content) > MAX_CONTENT_CHARS:
            return f"A reminder's text is at most {MAX_CONTENT_CHARS:,} characters (this has {len(content):,})."
        return CreateReminder(self.target, content, due.at if due is not None else None, owner, owner_name,
                              recurrence=recurrence, now=self._now(), clock=self.session.clock)

    def action_save(self) -> None:
        if self.saving:
            return
        action = self.build()
        if isinstance(action, str):
            self._problem(f"{action} Nothing was sent.")
            return
        self._problem("")
        self.saving = True
        perform(self, self.session, action, on_done=self._saved, on_failed=self._not_saved)

    def _saved(self, done: WriteDone) -> None:
        self.saving = False
        if self.app.screen is self:
            self.dismiss(True)

    def _not_saved(self, error: UserFacingError) -> None:
        self.saving = False
        self._problem(f"Not saved: {error.title}. {error.what_to_do}")

    def action_cancel(self) -> None:
        self.dismiss(False)


def open_reminder_dialog(screen: Screen[Any], session: AffinitySession, kind: str, entity_id: int,
                         title: str) -> ReminderDialog:
    """``r``: set a reminder on this entity."""
    dialog = ReminderDialog(session, EntityRef(as_kind(kind), int(entity_id), title))
    screen.app.push_screen(dialog)
    return dialog


def _literal(options: list[tuple[str, int]]) -> list[tuple[Text, int]]:
    """People's names as the owner picker shows them: data, never markup (a ``Select`` reads a
    plain string as markup), control characters replaced."""
    return [(Text(clean_text(label)), value) for label, value in options]
