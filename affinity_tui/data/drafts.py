"""Unsent notes, kept on disk while they are typed, so nothing written after a call is lost.

One file per target entity (``note-drafts/<tenant>-<kind>-<id>.json`` in the user's state
directory, see ``recent.state_dir``), rewritten as the user types (the composer debounces) and
removed only after Affinity confirmed the note. Each write is atomic (a temporary file in the
same directory, then a rename), so a process killed mid-write leaves the previous draft, never
half of one; the directory is private to the user (0700) and every draft file is 0600, because
a note about a deal is not for other accounts on the machine. A damaged file is skipped, never
fatal.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .entity_ref import KINDS, EntityRef, as_kind
from .private_files import private_folder, write_private
from .recent import state_dir

DIR_NAME = "note-drafts"
VERSION = 1
_NAME = re.compile(r"^(\d+)-(person|company|opportunity)-(\d+)\.json$")


@dataclass(frozen=True, slots=True)
class NoteDraft:
    """What the user typed for a note on ``target``, and what else it is attached to."""

    target: EntityRef
    text: str
    """The Markdown as typed."""
    also: tuple[EntityRef, ...] = ()
    """Entities attached besides the target (added in the composer)."""
    tenant_id: int = 0
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class NoteDraftStore:
    """The drafts of one user, one file per (tenant, target entity)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else state_dir() / DIR_NAME

    def path_for(self, tenant_id: int, kind: str, entity_id: int) -> Path:
        """The file of this entity's draft. Raises ``ValueError`` for a kind that is not an entity."""
        if kind not in KINDS:
            raise ValueError(f"not an entity kind: {kind!r}")
        return self.directory / f"{int(tenant_id)}-{kind}-{int(entity_id)}.json"

    def load(self, tenant_id: int, kind: str, entity_id: int) -> NoteDraft | None:
        """The draft for this entity, or None (none, or unreadable)."""
        return _read(self.path_for(tenant_id, kind, entity_id))

    def save(self, draft: NoteDraft) -> Path:
        """Write ``draft`` atomically (0600, in a 0700 directory); returns its file."""
        target = draft.target
        path = self.path_for(draft.tenant_id, target.kind, target.entity_id)
        self._private_directory()
        write_private(path, json.dumps(_to_json(draft), ensure_ascii=False, indent=1), sync=True)
        return path

    def discard(self, tenant_id: int, kind: str, entity_id: int) -> None:
        """Forget the draft for this entity (Affinity confirmed the note, or the text was emptied)."""
        self.path_for(tenant_id, kind, entity_id).unlink(missing_ok=True)

    def all(self, tenant_id: int | None = None) -> list[NoteDraft]:
        """Every readable draft (of ``tenant_id`` when given), most recently saved first."""
        try:
            names = [entry.name for entry in os.scandir(self.directory) if _NAME.match(entry.name)]
        except OSError:
            return []
        drafts = []
        for name in names:
            match = _NAME.match(name)
            if match is None or (tenant_id is not None and int(match.group(1)) != int(tenant_id)):
                continue
            draft = _read(self.directory / name)
            if draft is not None:
                drafts.append(draft)
        drafts.sort(key=lambda d: d.saved_at, reverse=True)
        return drafts

    def _private_directory(self) -> None:
        """Drafts are written only into a folder no one else can read (else ``OSError``)."""
        if private_folder(self.directory).stat().st_mode & 0o077:
            raise PermissionError(f"{self.directory} can be read by other users; drafts are not written there")


def _to_json(draft: NoteDraft) -> dict[str, Any]:
    def entity(e: EntityRef) -> dict[str, Any]:
        return {"kind": e.kind, "id": int(e.entity_id), "title": e.title}

    return {"version": VERSION, "tenant_id": int(draft.tenant_id), "target": entity(draft.target),
            "also": [entity(e) for e in draft.also], "text": draft.text,
            "saved_at": draft.saved_at.astimezone(UTC).isoformat()}


def _entity(raw: Any) -> EntityRef | None:
    if not isinstance(raw, dict):
        return None
    kind, ident, title = raw.get("kind"), raw.get("id"), raw.get("title")
    if kind not in KINDS or not isinstance(ident, int) or not isinstance(title, str):
        return None
    return EntityRef(as_kind(kind), ident, title)


def _read(path: Path) -> NoteDraft | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None
    target = _entity(raw.get("target"))
    if target is None:
        return None
    also = tuple(e for e in map(_entity, raw.get("also") or []) if e is not None)
    try:
        saved_at = datetime.fromisoformat(str(raw.get("saved_at")))
    except ValueError:
        saved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    tenant = raw.get("tenant_id")
    return NoteDraft(target, raw["text"], also, tenant if isinstance(tenant, int) else 0, saved_at)
