"""Files only this user can read, written whole or not at all.

Recent filters, column choices, note drafts and the cache's key index hold CRM data or say
which keys were used: each is written to a temporary file created 0600 (``mkstemp``'s mode) in
the same folder and renamed over the old one, so a crash mid-write leaves the old file, never
half a new one, and no other user can read either.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_private(path: Path, data: str | bytes, *, sync: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, mode 0600. ``sync``: on disk before
    the rename (a note draft must survive a power cut). Raises ``OSError``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) for files of this user only (0700), and close an existing
    one that others could read (where this user may); returns it. Raises ``OSError`` when it
    cannot be created."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o700)
    except OSError:
        pass  # not this user's folder (a shared $AFFINITY_TUI_STATE_DIR): its files are still 0600
    return path


def read_section(path: Path, name: str) -> dict[str, Any]:
    """The JSON object under ``name`` in the file at ``path`` (``{"version": 1, name: {...}}``);
    empty when the file is missing, unreadable, damaged or of another shape (never raises)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    section = raw.get(name) if isinstance(raw, dict) else None
    return section if isinstance(section, dict) else {}
