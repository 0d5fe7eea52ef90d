"""The Textual application: a read-only-by-default browser over one ``AffinitySession``.

Five modes, one per thing a deal team browses (``1`` Lists, ``2`` People, ``3`` Companies,
``4`` Opportunities, ``5`` Reminders), each with its own screen stack so ``escape`` goes back
within it. The write lock lives here: ``w`` toggles it, unlocking asks first, and while locked
the session has no client that can write at all. At start, notes written but never sent (drafts
kept on disk) are counted in a notification; ``D`` lists them.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.worker import Worker

from .crash_report import redacted_traceback
from .data import AffinitySession
from .data.connectivity import UnreachableError
from .data.ratelimits import RateLimitStatus
from .data.resume import Place, ResumeStore
from .data.session import TenantInfo
from .keys import GLOBAL_BINDINGS
from .paths import styles_dir
from .screens.lists import ListsScreen
from .screens.notices import cut_for_notice, notify_failure, say_worker_failure
from .screens.start import open_place, place_of, prepare_mode_screen, push_after_start, screens_to_open_now
from .widgets.confirm import ConfirmScreen

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen

    from .data.fields import EntityKind
    from .screens.table_screen import TableScreen

STYLESHEETS = ("app.tcss", "widgets.tcss", "notes.tcss")
ScreenT = TypeVar("ScreenT", bound="Screen[None]")


# What the first screen does not show is imported when first used, not at start (a warm start
# paints within a few dozen milliseconds of importing Textual and the SDK: benchmarks/warm_start.py).
def _affinity_commands() -> type[Provider]:
    from .commands import AffinityCommands

    return AffinityCommands


def _unsent_notes_commands() -> type[Provider]:
    from .drafts_commands import UnsentNotesCommands

    return UnsentNotesCommands


def _entities_screen(session: AffinitySession, kind: EntityKind) -> TableScreen:
    from .screens.entities import EntitiesScreen

    return EntitiesScreen(session, kind)


def _reminders_screen(session: AffinitySession) -> Screen[None]:
    from .screens.reminders import RemindersScreen

    return RemindersScreen(session)


GC_THRESHOLDS = (5_000, 10, 10)
"""Python's defaults are (700, 10, 10). A young collection every 5,000 new objects instead of
700 lets a page's short-lived objects (its JSON, the SDK's models) die by reference counting
before a collection promotes them, so the full collections, which walk every live object, run
far less often. Measured at 100,000 entries (benchmarks/memory.py, key_latency.py): time in
full collections while loading all 2.7 s → 0.27 s, key → painted p95 13.9 → 11.0 ms; 20,000 was
no better, 50,000 made the young collections themselves stall the loop (88 ms)."""
RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 60.0
"""While offline, Affinity is asked again after 5 s, then twice as long each time, up to a minute."""


class AffinityApp(App[None]):
    """Browse Affinity from the keyboard. Reads only, until the user unlocks write mode."""

    CSS_PATH = [str(styles_dir() / name) for name in STYLESHEETS if (styles_dir() / name).exists()]
    TITLE = "affinity-tui"
    SUB_TITLE = "connecting…"
    DEFAULT_MODE = "lists"
    COMMANDS = App.COMMANDS | {_affinity_commands, _unsent_notes_commands}
    BINDINGS: ClassVar[list[BindingType]] = GLOBAL_BINDINGS

    write_mode: reactive[bool] = reactive(False, bindings=True)
    """False (locked, read-only) until the user unlocks; the status line shows it."""
    offline: reactive[bool] = reactive(False, bindings=True)
    """True while Affinity cannot be reached: the cache is shown, write mode stays locked."""

    def __init__(self, session: AffinitySession, *, keymap: dict[str, str] | None = None,
                 start: Place | None = None, resume: ResumeStore | None = None) -> None:
        super().__init__()
        self._styles_built_at = self._css_update_count
        self.session = session
        self.start_place = start
        """Where to open: the last session's place (resume) or a link's; None: the lists."""
        self.resume = resume
        """Where the place is kept for next time (None: not kept, e.g. the demo)."""
        self.add_mode("lists", lambda: self._styled(prepare_mode_screen(ListsScreen(session), self.start_place,
                                                                        "lists")))
        self.add_mode("people", lambda: self._styled(prepare_mode_screen(_entities_screen(session, "person"),
                                                                         self.start_place, "people")))
        self.add_mode("companies", lambda: self._styled(prepare_mode_screen(_entities_screen(session, "company"),
                                                                            self.start_place, "companies")))
        self.add_mode("opportunities", lambda: self._styled(prepare_mode_screen(
            _entities_screen(session, "opportunity"), self.start_place, "opportunities")))
        self.add_mode("reminders", lambda: self._styled(_reminders_screen(session)))
        self.user_keymap: dict[str, str] = dict(keymap or {})
        """Binding id -> keys, from the config file's [keymap] (help shows these keys)."""
        self._retry_seconds = RETRY_FIRST_SECONDS
        self._start_screens: list[Screen[None]] = []
        """What the start opens at once (``on_load``), pushed once the app is mounted."""

    def _styled(self, screen: ScreenT) -> ScreenT:
        """A mode's first screen, marked as styled by the stylesheet as it stands. Textual parses
        the whole stylesheet again for a mode's first screen (``refresh_css``, ~10 ms of every
        start and of the first visit to each mode) in case the theme changed since the app was
        built; unless it did, that parse repeats the one the screen's widgets were styled with."""
        if self._css_update_count == self._styles_built_at:
            screen._css_update_count = self._css_update_count
        return screen

    def on_load(self) -> None:
        # The first thing Textual runs on the event loop: a list the start opens asks for its
        # first page here, ~20 ms before the app is mounted (benchmarks/open_url.py).
        place = self.start_place
        self._start_screens = screens_to_open_now(self.session, place) if place is not None else []

    def on_mount(self) -> None:
        # Everything alive at start-up (modules, the demo tenant) stays alive: keep it out of
        # the garbage collector's full passes, which would otherwise stall the event loop.
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        self.run_worker(self.collect_after_first_paint(), group="gc", exit_on_error=False)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        def heard(online: bool) -> None:  # told from inside a request: act on the next turn
            self.call_later(self._connection_changed, online)

        self.session.connection.subscribe(heard)
        self.session.rate.subscribe(self._answered)
        self.load_tenant()
        place = self.start_place
        if self._start_screens:
            # Handed over, not kept: a list closed later must not stay alive (rows and all) here.
            screens, self._start_screens = self._start_screens, []
            push_after_start(self, screens)
        elif place is not None and (
                place.mode != "lists" or place.list_id is not None or place.list_by_name or place.detail is not None):
            self.run_worker(open_place(self, self.session, place), group="start", exit_on_error=False)
        self.screen_change_signal.subscribe(self, lambda _screen: self.remember_place())

    async def collect_after_first_paint(self) -> None:
        """The garbage collector, paused by ``affinity-tui`` for start-up, runs again once the
        first screen is painted (what start-up made is frozen out of its passes first)."""
        await self.session.first_paint()
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    _tenant_unknown = False
    """whoami failed: the next answer Affinity gives (``R``, any read) asks again."""

    def _answered(self, status: RateLimitStatus) -> None:
        """Affinity answered a request (the budget moved): if the start had failed, the header
        comes back now instead of saying "not connected" after the connection is back."""
        if self._tenant_unknown and self.session.tenant is None and not status.waiting_seconds:
            self._tenant_unknown = False
            self.call_later(self.load_tenant)

    @work(exclusive=True, group="tenant", exit_on_error=False)
    async def load_tenant(self) -> None:
        """Put the tenant and the signed-in user in the header: from the cache at once when it
        knows them. ``whoami`` is asked either way (after the first paint when the cache
        painted it): it is how a start learns that the key was revoked or Affinity is down."""
        cached = await self.session.cached_tenant()
        if cached is not None:
            self._show_tenant(cached[0])
        if cached is not None or self.start_place is not None:
            await self.session.first_paint()  # what a start opens goes first
        try:
            me = await self.session.whoami()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            if cached is not None and isinstance(error, UnreachableError):
                await self.announce_unsent_notes()  # the cache stands in; the offline notice says why
                return
            self.sub_title = "not connected"
            self._tenant_unknown = True
            notify_failure(self, error)
            return
        self._show_tenant(me)
        await self.announce_unsent_notes()

    def _show_tenant(self, me: TenantInfo) -> None:
        self.title = me.tenant_name
        self.sub_title = f"{me.user_name} <{me.user_email}>" if me.user_email else me.user_name

    # ---- unsent notes ----------------------------------------------------------------------
    async def announce_unsent_notes(self) -> None:
        """Say how many notes were written but never sent (drafts on disk), once, at start."""
        from .screens.composer import unsent_drafts

        try:
            drafts = await asyncio.to_thread(unsent_drafts, self.session)
        except OSError:
            return
        if drafts:
            count = "1 unsent note" if len(drafts) == 1 else f"{len(drafts)} unsent notes"
            self.notify(f"{count}: press D to open {'it' if len(drafts) == 1 else 'them'}.", title="Drafts",
                        timeout=10)

    def action_unsent_notes(self) -> None:
        """``D``: pick an unsent note and open it in the composer."""
        self.run_worker(self._pick_unsent_note(), group="drafts", exclusive=True, exit_on_error=False)

    async def _pick_unsent_note(self) -> None:
        from .screens.composer import describe_draft, open_composer, unsent_drafts
        from .widgets.pickers import PickOne

        drafts = await asyncio.to_thread(unsent_drafts, self.session)
        if not drafts:
            self.notify("No unsent notes.", timeout=3)
            return
        choices = [(describe_draft(d), str(i)) for i, d in enumerate(drafts)]

        def chosen(value: str | None) -> None:
            if value is not None:
                target = drafts[int(value)].target
                open_composer(self.screen, self.session, target.kind, target.entity_id, target.title)

        self.push_screen(PickOne("Unsent notes (newest first)", choices), chosen)

    # ---- where the user is (resume) --------------------------------------------------------
    def remember_place(self) -> None:
        """Keep where the user is, to return there next time (``--fresh`` does not)."""
        if self.resume is not None and self.is_running:
            place = place_of(self)
            if place is not None:
                self.resume.save(place)

    async def action_quit(self) -> None:
        self.remember_place()
        await super().action_quit()

    # ---- offline ---------------------------------------------------------------------------
    def _connection_changed(self, online: bool) -> None:
        if online == (not self.offline):
            return
        self.offline = not online
        if not online:
            if self.write_mode:
                self.relock()
            shown = ("Showing what was cached, read-only; " if self.session.cache is not None
                     else "Nothing can be loaded meanwhile (the cache is off); ")
            self.notify(f"Cannot reach Affinity. {shown}trying again in the background.",
                        title="Offline", severity="warning", timeout=10)
            self._retry_seconds = RETRY_FIRST_SECONDS
            self.set_timer(self._retry_seconds, self._probe)
            return
        self.notify("Affinity answers again: what is on screen is being brought up to date.", title="Back online")
        revalidate = getattr(self.screen, "revalidate", None)
        if callable(revalidate):
            revalidate()

    def _probe(self) -> None:
        if self.offline:
            self.run_worker(self._probe_once(), group="probe", exclusive=True, exit_on_error=False)

    async def _probe_once(self) -> None:
        if await self.session.probe() or not self.offline:
            return
        self._retry_seconds = min(self._retry_seconds * 2, RETRY_MAX_SECONDS)
        self.set_timer(self._retry_seconds, self._probe)

    # ---- the lock --------------------------------------------------------------------------
    def action_toggle_lock(self) -> None:
        if self.write_mode:
            self.relock()
            return
        if self.offline:
            self.notify("Affinity cannot be reached: write mode stays locked until it answers again "
                        "(what you see is the cache).", title="Offline", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.unlock()

        self.push_screen(ConfirmScreen(
            "Unlock write mode?",
            "affinity-tui will be able to change your Affinity data (notes, reminders, statuses, "
            "list membership), each change still confirmed. Press w again to lock.",
            yes="Unlock"), answered)

    @work(exclusive=True, group="lock", exit_on_error=False)
    async def unlock(self) -> None:
        await self.unlock_now()

    async def unlock_now(self) -> bool:
        """Open the write client (the user already confirmed); True when write mode is on."""
        try:
            await self.session.unlock()
        except Exception as error:  # noqa: BLE001
            notify_failure(self, error)
            return False
        self.write_mode = True
        self.notify("Write mode is on: changes can be sent to Affinity, each one confirmed.",
                    title="Unlocked", severity="warning")
        return True

    @work(exclusive=True, group="lock", exit_on_error=False)
    async def relock(self) -> None:
        await self.session.lock()
        self.write_mode = False
        self.notify("Read-only again: nothing can be sent that changes Affinity.", title="Locked")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Write actions (named ``write_*``) stay visible but disabled while locked; ``u`` is
        offered only while the last change can be undone."""
        if action == "undo":
            offer = self.session.undo
            return offer is not None and offer.live
        if action.startswith("write_") and not self.write_mode:
            return None
        return True

    def action_undo(self) -> None:
        offer = self.session.undo
        if offer is None or not offer.live:
            self.notify("Nothing to undo.", timeout=3)
            return
        self.session.undo = None
        from .screens.write_flow import perform

        perform(self.screen, self.session, offer.action)  # confirmed like any write

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, cut to a few lines (``notices.cut_for_notice``): CRM text and
        what the user typed can be any length. Markup is never cut (it could break in two)."""
        if not markup:
            message, title = cut_for_notice(message), cut_for_notice(title, lines=1, line_chars=120)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # ---- help, crash reports, lifecycle ----------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers: a bug is said, never silent (the screens do the same)."""
        say_worker_failure(self, event)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def on_unmount(self) -> None:
        await self.session.close()

    def _fatal_error(self) -> None:
        """Textual's crash report, minus local variables and the key.

        Textual renders an unhandled exception with ``show_locals=True`` here (textual 8.2.8,
        ``App._fatal_error``); the SDK's frames hold the key in their locals. ``panic`` is the
        public way to exit with a message, so only this one private hook is overridden.
        """
        error = sys.exception() or self._exception
        self.bell()
        if error is None:
            self.panic(Text("affinity-tui stopped after an unexpected error."))
        else:
            self.panic(redacted_traceback(error, self.session.secrets))


def demo_app(*, seed: int | None = None, scale: int | None = None, now: datetime | None = None,
             keymap: dict[str, str] | None = None) -> AffinityApp:
    """The app on an in-process emulator of a demo tenant (``affinity-tui --demo``, snapshots),
    with ``keymap`` (the config file's) as for a real tenant."""
    from .emulator import Emulator, EmulatorConfig

    options: dict[str, object] = {"now": now, "defer_activity": True}
    if seed is not None:
        options["seed"] = seed
    if scale is not None:
        options["scale"] = scale
    emulator = Emulator(EmulatorConfig(**options))  # type: ignore[arg-type]
    return AffinityApp(AffinitySession.for_emulator(emulator, clock=(lambda: now) if now else None), keymap=keymap)
