"""Recent filters per list, so a filter typed yesterday is one keystroke away today.

Kept in ``recent-filters.json`` in the user's state directory
(``platformdirs.user_state_path("affinity-tui")``, or ``$AFFINITY_TUI_STATE_DIR``), most recent
first, without duplicates, at most ``MAX_RECENT`` per list. The file is small and written
atomically (temporary file, then rename), so a crash never leaves half a file; a damaged or
unreadable file is treated as empty rather than stopping the app. Only filter texts are stored,
never values fetched from Affinity; still, a filter quotes CRM values, so the file is readable
by its owner only (0600, ``mkstemp``'s mode, kept by the rename) in a folder created 0700.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from .private_files import private_folder, read_section, write_private

MAX_RECENT = 20
FILE_NAME = "recent-filters.json"
STATE_DIR_ENV = "AFFINITY_TUI_STATE_DIR"


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$AFFINITY_TUI_STATE_DIR`` if set, else the platform's state dir for affinity-tui."""
    env = os.environ if environ is None else environ
    if env.get(STATE_DIR_ENV):
        return Path(env[STATE_DIR_ENV]).expanduser()
    import platformdirs

    return platformdirs.user_state_path("affinity-tui")


class RecentFilters:
    """The recent filters of every list, read from and saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir() / FILE_NAME

    def for_list(self, list_id: int) -> list[str]:
        """This list's recent filters, most recent first (none when the file is missing or
        damaged). Never raises."""
        return list(self._load().get(str(int(list_id)), []))

    def remember(self, list_id: int, text: str) -> list[str]:
        """Put ``text`` first for this list (moving it if already there); returns the new list.
        Raises ``OSError`` when the file cannot be written."""
        text = text.strip()
        data = self._load()
        key = str(int(list_id))
        if not text:
            return list(data.get(key, []))
        recent = [text, *(t for t in data.get(key, []) if t != text)][:MAX_RECENT]
        data[key] = recent
        self._save(data)
        return recent

    def forget(self, list_id: int, text: str) -> list[str]:
        """Remove one filter from this list's recent ones; returns what is left. Raises
        ``OSError`` when the file cannot be written."""
        data = self._load()
        key = str(int(list_id))
        recent = [t for t in data.get(key, []) if t != text.strip()]
        if recent != data.get(key, []):
            data[key] = recent
            self._save(data)
        return recent

    def _load(self) -> dict[str, list[str]]:
        lists = read_section(self.path, "lists")
        return {str(k): [t for t in v if isinstance(t, str)][:MAX_RECENT]
                for k, v in lists.items() if isinstance(v, list)}

    def _save(self, data: dict[str, list[str]]) -> None:
        private_folder(self.path.parent)
        write_private(self.path, json.dumps({"version": 1, "lists": data}, ensure_ascii=False, indent=1))
