"""Secrets: the API key never appears on screen, in a screenshot, in any log (Python logging, the
SDK's, httpx's, Textual's), on stdout or stderr, in an exported file, a note draft or any other
file the app writes, nor in a crash report; files the app writes that hold CRM data are created
0600 in folders created 0700.

A tour with a recognisable key: every screen, a filter (the recent-filters file), an export, a
note left unsent (its draft), a server error, the key revoked mid-session (401), a bug inside one of the app's workers (said in
a notification, the app stays up), and finally a worker that crashes the app (a test-only hook:
``run_worker(..., exit_on_error=True)`` raising from code whose locals hold the key), whose
crash report is read as the terminal would show it.
"""

from __future__ import annotations

import io
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.worker import WorkerFailed

from affinity_tui.data.sources.lists import ListsSource
from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.lists import ListsScreen

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, Rig, paste, rig, screen_text, wait_for

KEY = "sk-live-4f9a7c21e0b84d3a9e6f"


class Seen:
    """Everything the app showed or wrote somewhere, to look for the key in."""

    def __init__(self, r: Rig) -> None:
        self.places: dict[str, list[str]] = {"screen": [], "screenshots": [], "notifications": [],
                                             "textual log": []}
        self.r = r
        app = r.app
        original = app._log

        def log(group: Any, verbosity: Any, _textual_calling_frame: Any, *objects: Any, **kwargs: Any) -> None:
            self.places["textual log"].append(" ".join(map(str, objects)) + " " + repr(kwargs))
            original(group, verbosity, _textual_calling_frame, *objects, **kwargs)

        app._log = log  # type: ignore[method-assign]

    def look(self) -> None:
        app = self.r.app
        self.places["screen"].append(screen_text(app))
        self.places["screenshots"].append(app.export_screenshot())
        self.places["notifications"] = self.r.said()

    def leaks(self, extra: dict[str, str]) -> list[str]:
        found = [name for name, texts in self.places.items() if any(KEY in t for t in texts)]
        return found + [name for name, text in extra.items() if KEY in text]


def written_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def test_the_key_is_never_shown_logged_written_or_printed(
        demo_tenant: TenantStore, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, the SDK's and httpx's included
    emulator = Emulator(EmulatorConfig(now=NOW, api_key=KEY), store=demo_tenant)
    r = rig(emulator)
    app = r.app
    seen = Seen(r)
    printed = io.StringIO()
    app.error_console = Console(file=printed, width=200, color_system=None)
    with pytest.raises(WorkerFailed, match="a bug in a worker"):
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            seen.look()
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
            await settle(pilot)
            seen.look()
            await pilot.press("slash")
            await paste(pilot, 'Status = "Diligence"')
            await pilot.press("enter")
            await settle(pilot)
            seen.look()
            await pilot.press("e")  # an export
            await wait_for(pilot, lambda: any("Exported CSV" in s for s in r.said()))
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            await settle(pilot)
            seen.look()
            await pilot.press("escape", "2")
            await wait_for(pilot, lambda: isinstance(app.screen, EntitiesScreen))
            await settle(pilot)
            await pilot.press("n")  # a note typed, then left: its draft is kept on disk
            await wait_for(pilot, lambda: isinstance(app.screen, NoteComposer))
            await wait_for(pilot, lambda: app.focused is app.screen.editor)  # type: ignore[attr-defined]
            await paste(pilot, "Met the founders: strong team.")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, EntitiesScreen))
            await settle(pilot)
            emulator.faults.update({"fail_next": [500, 500]})
            await pilot.press("R")
            await settle(pilot)
            seen.look()
            emulator.api_key = "rotated-" + KEY[::-1]  # the key is revoked mid-session
            await pilot.press("R")
            await settle(pilot)
            seen.look()
            assert any("did not accept the API key" in s for s in r.said())
            emulator.api_key = KEY
            await pilot.press("1", "escape")  # the lists mode, back to its lists screen
            await wait_for(pilot, lambda: isinstance(app.screen, ListsScreen))
            await settle(pilot)

            # A bug inside one of the app's workers, with the key in its message and its locals:
            # the app says something went wrong, names no detail, and stays up.
            async def buggy_fill_in(self: ListsSource, on_rows: Any) -> None:
                api_key = r.session.settings.api_key.reveal()  # noqa: F841 - a local holding the key
                raise RuntimeError(f"a bug while filling in, near {api_key}")

            monkeypatch.setattr(ListsSource, "fill_in", buggy_fill_in)
            await pilot.press("R")
            await settle(pilot)
            assert await wait_for(pilot, lambda: any("Something went wrong in affinity-tui (RuntimeError)" in s
                                                     for s in r.said()))
            assert app.is_running
            seen.look()

            # The test-only hook: a worker that crashes the app, from a frame holding the key.
            async def crash() -> None:
                async with r.session.reading() as client:
                    pass
                secret = r.session.settings.api_key.reveal()
                config = vars(client)  # noqa: F841 - locals holding the key, never printed
                raise RuntimeError(f"a bug in a worker while holding {secret}")

            app.run_worker(crash(), exit_on_error=True)
            await pilot.pause(0.2)
    report = printed.getvalue()
    captured = capsys.readouterr()
    files = written_files(tmp_path)
    leaks = seen.leaks({"crash report": report, "stdout": captured.out, "stderr": captured.err,
                        "python logs": caplog.text, **{f"file {name}": data.decode("utf-8", "replace")
                                                        for name, data in files.items()}})
    places = len(seen.places) + 5 + len(files)
    BOARD.figure("Secrets", "places the key appeared (screen, logs, files, crash…)",
                 f"{len(leaks)} of {places}", "0", not leaks)
    assert "Traceback" in report and "a bug in a worker" in report  # the crash was reported...
    assert "[REDACTED]" in report  # ...with the key scrubbed from its message
    assert not leaks, leaks
    assert any(name.startswith("exports") for name in files)
    assert any("recent-filters" in name for name in files) and any("note-drafts" in name for name in files)


def test_files_holding_crm_data_are_created_0600(tmp_path: Path) -> None:
    from affinity_tui.data.drafts import NoteDraft, NoteDraftStore
    from affinity_tui.data.entity_ref import EntityRef
    from affinity_tui.data.export import export_csv
    from affinity_tui.data.recent import RecentFilters
    from affinity_tui.data.rows import Column, Row

    old = os.umask(0o022)  # a usual umask: without care, files would be 0644
    try:
        recent = RecentFilters(tmp_path / "state" / "recent-filters.json")
        recent.remember(12001, 'Status = "Diligence"')
        row = Row(key=1, entity_type="company", entity_id=1, cells=("Acme",), styles=(None,), sort_keys=("acme",),
                  search_text="acme")
        exported = export_csv([Column("name", "Name", "name", "name", 10)], [row], what="companies",
                              directory=tmp_path / "exports")
        chosen = export_csv([Column("name", "Name", "name", "name", 10)], [row], tmp_path / "mine.csv")
        drafts = NoteDraftStore(tmp_path / "state" / "note-drafts")
        draft = drafts.save(NoteDraft(EntityRef("person", 50001, "Morgan"), "Met the founders.", tenant_id=1))
    finally:
        os.umask(old)
    modes = {"recent filters": stat.S_IMODE(recent.path.stat().st_mode),
             "state folder": stat.S_IMODE(recent.path.parent.stat().st_mode),
             "note draft": stat.S_IMODE(draft.stat().st_mode), "drafts folder": stat.S_IMODE(draft.parent.stat().st_mode),
             "export": stat.S_IMODE(exported.stat().st_mode), "export to a path": stat.S_IMODE(chosen.stat().st_mode)}
    ok = modes == {"recent filters": 0o600, "state folder": 0o700, "note draft": 0o600, "drafts folder": 0o700,
                   "export": 0o600, "export to a path": 0o600}
    BOARD.figure("Secrets", "files with CRM data owner-only (filters, drafts, exports)",
                 f"{sum(v in (0o600, 0o700) for v in modes.values())}/{len(modes)}", "0600, folders 0700", ok)
    assert ok, {k: oct(v) for k, v in modes.items()}

