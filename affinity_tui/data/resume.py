"""Where the user was: the screen, list, saved view, filter, search and row, so the next start
returns there (``--fresh`` starts on the lists screen instead).

A ``Place`` is also what the entry points ask for (``affinity-tui open URL``, ``open --list``):
the app opens a place the same way whether it came from the last session or from a link.

Kept in ``resume.json`` in the state directory (``recent.state_dir``), one place per API key,
under the key's keyed hash (``cache.identity``: never the key), written atomically; a damaged
file is treated as empty. It holds ids, a list's name and a filter's text, never rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .cache.identity import key_fingerprint
from .private_files import private_folder, read_section, write_private
from .recent import state_dir

FILE_NAME = "resume.json"
MODES = ("lists", "people", "companies", "opportunities")
KIND_MODES = {"person": "people", "company": "companies", "opportunity": "opportunities"}
MAX_KEYS = 20


@dataclass(frozen=True)
class DetailPlace:
    """A person, company or opportunity open on top."""

    kind: str
    entity_id: int
    title: str = ""
    list_id: int | None = None
    entry_id: int | None = None


@dataclass(frozen=True)
class Place:
    """One screen stack to return to."""

    mode: str = "lists"
    """``lists``, ``people``, ``companies`` or ``opportunities``."""
    list_id: int | None = None
    """A list open on top of the lists screen."""
    list_name: str = ""
    list_type: str = "unknown"
    view_id: int | None = None
    view_name: str | None = None
    """A saved view to find by name once the list's views are known (``open --view``)."""
    filter_text: str | None = None
    columns: list[str] | None = None
    search: str | None = None
    """An Affinity search on the people, companies or opportunities screen."""
    row_key: int | None = None
    """The row the cursor was on in the table on top (an entry, entity or list id)."""
    detail: DetailPlace | None = None
    list_by_name: str | None = None
    """A list to find by name once the lists are known (``open --list``)."""
    open_entry: bool = False
    """Open the detail of the entry ``row_key`` once it is known (a list entry's URL)."""
    note: bool = False
    """Open the note composer on the record, and stop once it closes (``affinity-tui note``)."""

    def to_json(self) -> dict[str, Any]:
        """The place as JSON-ready data (empty fields left out)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "", False)}

    @classmethod
    def from_json(cls, data: Any) -> Place | None:
        """A place from ``to_json`` data, or None when it is not one (another version, damaged)."""
        if not isinstance(data, dict):
            return None
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            detail = values.pop("detail", None)
            place = cls(**values)
            if detail is not None:
                place = _replace(place, detail=DetailPlace(**detail))
        except TypeError:
            return None
        if place.mode not in MODES or not _ids_ok(place):
            return None
        return place


def _replace(place: Place, **changes: Any) -> Place:
    from dataclasses import replace

    return replace(place, **changes)


def _ids_ok(place: Place) -> bool:
    ints = [place.list_id, place.view_id, place.row_key]
    if place.detail is not None:
        ints += [place.detail.entity_id, place.detail.list_id, place.detail.entry_id]
    return all(v is None or (isinstance(v, int) and not isinstance(v, bool) and v > 0) for v in ints) \
        and (place.columns is None or all(isinstance(c, str) for c in place.columns))


class ResumeStore:
    """The last place of each API key (by its keyed hash)."""

    def __init__(self, api_key: str, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else state_dir()
        self.path = self.directory / FILE_NAME
        self._api_key = api_key
        self._identity: str | None = None

    @property
    def identity(self) -> str:
        """This key's keyed hash: which place in the file is this key's."""
        if self._identity is None:
            self._identity = key_fingerprint(self.directory, self._api_key)[:32]
        return self._identity

    def _load(self) -> dict[str, Any]:
        return read_section(self.path, "places")

    def load(self) -> Place | None:
        """The place to return to, if there is one for this key."""
        return Place.from_json(self._load().get(self.identity))

    def save(self, place: Place) -> None:
        """Remember ``place`` (ignores a directory it cannot write: resuming is a nicety)."""
        try:
            places = self._load()
            places.pop(self.identity, None)
            places[self.identity] = place.to_json()
            while len(places) > MAX_KEYS:
                places.pop(next(iter(places)))
            private_folder(self.directory)
            write_private(self.path, json.dumps({"version": 1, "places": places}, indent=1).encode())
        except OSError:
            pass
