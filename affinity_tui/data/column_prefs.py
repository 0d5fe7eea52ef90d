"""The columns the user chose (``c``) for each list and for People and Companies, kept across
visits and sessions.

Kept in ``columns.json`` in the user's state directory (``recent.state_dir``: the platform's
state dir, or ``$AFFINITY_TUI_STATE_DIR``), written atomically like the recent filters; a
damaged or unreadable file counts as no choices. Only field ids are stored, never values.
"""

from __future__ import annotations

import json
from pathlib import Path

from .private_files import private_folder, read_section, write_private
from .recent import state_dir

FILE_NAME = "columns.json"


class ColumnChoices:
    """Chosen field ids by table: ``list:12001``, ``person``, ``company``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir() / FILE_NAME

    def get(self, table: str) -> list[str] | None:
        """The field ids chosen for ``table``, in order; None when none were chosen."""
        found = self._load().get(table)
        return list(found) if found is not None else None

    def remember(self, table: str, field_ids: list[str]) -> None:
        """Keep ``field_ids`` as the choice for ``table`` (a failed write is not an error)."""
        data = self._load()
        data[table] = [str(i) for i in field_ids]
        try:
            self._save(data)
        except OSError:
            return

    def _load(self) -> dict[str, list[str]]:
        tables = read_section(self.path, "tables")
        return {str(k): [str(i) for i in v if isinstance(i, str)] for k, v in tables.items() if isinstance(v, list)}

    def _save(self, data: dict[str, list[str]]) -> None:
        private_folder(self.path.parent)
        write_private(self.path, json.dumps({"version": 1, "tables": data}, ensure_ascii=False, indent=1))


def list_table(list_id: int) -> str:
    """The key a list's choice is kept under (``list:12001``)."""
    return f"list:{int(list_id)}"
