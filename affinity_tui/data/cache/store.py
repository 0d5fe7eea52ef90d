"""One tenant's and user's cache file: SQLite (stdlib ``sqlite3``, WAL), mode 0600, with a schema
version, used from one thread only (``TenantCache`` runs every call on its own thread).

Tables, all stamped with when Affinity answered (``fetched_at``, seconds since the epoch):

================  ==============================================================================
``meta``          who is signed in (``tenant``), the lists with sizes, views and owners
                  (``lists``), field metadata (``fields:list:<id>``, ``fields:entity:<kind>``,
                  ``fields:options:<id>``)
``queries``       one row per table query (a list, a saved view, people…): its columns and size
``pages``         the table's rows of each page of a query, compressed, and where the next page
                  starts (the cursor URL's path and query, never a host)
``details``       a person's, company's or opportunity's profile, notes, reminders, interactions
``keys``          the fingerprints of the API keys this file belongs to (``identity``)
``entity_search`` people, companies and opportunities seen so far (FTS5 when this SQLite has it)
================  ==============================================================================

A file that is damaged, of another schema version, or still locked after the busy timeout is
set aside (renamed ``*.set-aside``, the previous one deleted) and a new one is created:
the cache is a copy, never a reason for the app to stop.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 1500
SEARCH_LIMIT = 50
KIND_CODES = {"person": 1, "company": 2, "opportunity": 3}
_WORD = re.compile(r"\w+", re.UNICODE)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, data BLOB NOT NULL, fetched_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS keys (fingerprint TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS queries (query TEXT PRIMARY KEY, columns BLOB NOT NULL, total INTEGER,
                                    fetched_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS pages (query TEXT NOT NULL, page INTEGER NOT NULL, rows BLOB NOT NULL,
                                  position TEXT, has_more INTEGER NOT NULL, fetched_at REAL NOT NULL,
                                  PRIMARY KEY (query, page)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS details (kind TEXT NOT NULL, entity_id INTEGER NOT NULL, part TEXT NOT NULL,
                                    data BLOB NOT NULL, fetched_at REAL NOT NULL,
                                    PRIMARY KEY (kind, entity_id, part)) WITHOUT ROWID;
"""
_FTS = ("CREATE VIRTUAL TABLE IF NOT EXISTS entity_search USING fts5(name, extra, kind, "
        "entity_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')")
"""Prefix indexes for the first keys typed: "m" at 100,000 people in ~1 ms instead of ~6 ms."""
_PLAIN_SEARCH = ("CREATE TABLE IF NOT EXISTS entity_search (rowid INTEGER PRIMARY KEY, name TEXT, extra TEXT, "
                 "kind TEXT, entity_id INTEGER, folded TEXT)")


def _words(text: str) -> list[str]:
    """Lower-case words without accents (as FTS5's ``remove_diacritics`` sees them)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _best_first(seen: list[Seen], words: Sequence[str]) -> list[Seen]:
    """Matches whose name starts with what was typed first, then those whose name has every
    word, then the rest (an email or domain matched); by name within each."""
    typed = " ".join(words)

    def order(item: Seen) -> tuple[int, str]:
        name = " ".join(_words(item.name))
        named = all(any(w.startswith(word) for w in name.split()) for word in words)
        return (0 if name.startswith(typed) else 1 if named else 2), name

    return sorted(seen, key=order)


def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5 (the local search's index)."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        return True
    except sqlite3.Error:
        return False


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One page as stored: its rows (compressed), where the next starts, when Affinity gave it."""
    rows: bytes
    position: str | None
    has_more: bool
    fetched_at: float


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """One table query as stored: its columns (compressed), size and time."""
    columns: bytes
    total: int | None
    fetched_at: float


@dataclass(frozen=True, slots=True)
class Seen:
    """A person, company or opportunity the local search found."""

    kind: str
    entity_id: int
    name: str
    extra: str
    """Email addresses or domains, space separated."""


def set_aside(path: Path) -> None:
    """Move a cache file (and its WAL files) out of the way; an older set-aside copy is deleted."""
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        target = Path(f"{path}.set-aside{suffix}")
        target.unlink(missing_ok=True)
        if source.exists():
            try:
                source.replace(target)
            except OSError:
                source.unlink(missing_ok=True)


class CacheFile:
    """One open cache database. Raises ``sqlite3.Error`` (the caller sets the file aside)."""

    def __init__(self, path: Path, *, use_fts: bool | None = None) -> None:
        self.path = path
        self.fts = fts5_available() if use_fts is None else use_fts
        self.rebuilt = False
        """True when the file found could not be used and was set aside for this new one."""
        self.db = self._connect()

    @classmethod
    def open_or_rebuild(cls, path: Path, *, use_fts: bool | None = None) -> CacheFile:
        """Open ``path``, or set it aside and start a new one when it cannot be used."""
        try:
            return cls(path, use_fts=use_fts)
        except (sqlite3.Error, OSError):
            set_aside(path)
            file = cls(path, use_fts=use_fts)
            file.rebuilt = True
            return file

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                             isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema version {version}, not {SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if version != SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(_FTS if self.fts else _PLAIN_SEARCH)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:
                db.execute("SELECT count(*) FROM keys").fetchone()  # a damaged file fails here
        except BaseException:
            db.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            try:
                os.chmod(f"{self.path}{suffix}", 0o600)
            except OSError:
                pass
        return db

    def close(self) -> None:
        """Close the connection (errors ignored: the file is being left)."""
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    # ---- keys ------------------------------------------------------------------------------
    def has_key(self, fingerprint: str) -> bool:
        """Whether this file belongs to the key with ``fingerprint``."""
        return self.db.execute("SELECT 1 FROM keys WHERE fingerprint = ?", (fingerprint,)).fetchone() is not None

    def add_key(self, fingerprint: str) -> None:
        """Record that the key with ``fingerprint`` belongs to this file."""
        self.db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?)", (fingerprint, time.time()))

    def remove_key(self, fingerprint: str) -> None:
        """Forget the key with ``fingerprint`` (Affinity refused it)."""
        self.db.execute("DELETE FROM keys WHERE fingerprint = ?", (fingerprint,))

    # ---- metadata --------------------------------------------------------------------------
    def get_meta(self, name: str) -> tuple[bytes, float] | None:
        """(data, fetched_at) of a metadata entry, or None."""
        found = self.db.execute("SELECT data, fetched_at FROM meta WHERE name = ?", (name,)).fetchone()
        return (bytes(found[0]), float(found[1])) if found else None

    def put_meta(self, name: str, data: bytes, fetched_at: float) -> None:
        """Store a metadata entry (replacing it)."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", (name, data, fetched_at))

    # ---- pages -----------------------------------------------------------------------------
    def get_query(self, query: str) -> StoredQuery | None:
        """A query's columns, size and time, or None."""
        found = self.db.execute("SELECT columns, total, fetched_at FROM queries WHERE query = ?",
                                (query,)).fetchone()
        return StoredQuery(bytes(found[0]), found[1], float(found[2])) if found else None

    def get_page(self, query: str, page: int) -> StoredPage | None:
        """Page ``page`` (1-based) of ``query``, or None."""
        found = self.db.execute("SELECT rows, position, has_more, fetched_at FROM pages WHERE query = ? AND page = ?",
                                (query, page)).fetchone()
        return StoredPage(bytes(found[0]), found[1], bool(found[2]), float(found[3])) if found else None

    def put_page(self, query: str, page: int, rows: bytes, position: str | None, has_more: bool,
                 fetched_at: float, columns: bytes | None, total: int | None, seen: Sequence[Seen]) -> None:
        """Store one page; ``columns`` (with page 1) starts the query afresh: its other pages go.
        A last page drops the pages after it (the query got shorter)."""
        with self.db:
            self.db.execute("BEGIN")
            if columns is not None:
                self.db.execute("DELETE FROM pages WHERE query = ? AND page != ?", (query, page))
                self.db.execute("INSERT OR REPLACE INTO queries VALUES (?, ?, ?, ?)", (query, columns, total, fetched_at))
            elif total is not None:
                self.db.execute("UPDATE queries SET total = ? WHERE query = ?", (total, query))
            if not has_more:
                self.db.execute("DELETE FROM pages WHERE query = ? AND page > ?", (query, page))
            self.db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                            (query, page, rows, position, int(has_more), fetched_at))
            self._index(seen)

    def drop_query(self, query: str) -> None:
        """Forget a query and all its pages."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM pages WHERE query = ?", (query,))
            self.db.execute("DELETE FROM queries WHERE query = ?", (query,))

    # ---- details ---------------------------------------------------------------------------
    def get_detail(self, kind: str, entity_id: int, part: str) -> tuple[bytes, float] | None:
        """(data, fetched_at) of one part of a record, or None."""
        found = self.db.execute("SELECT data, fetched_at FROM details WHERE kind = ? AND entity_id = ? AND part = ?",
                                (kind, entity_id, part)).fetchone()
        return (bytes(found[0]), float(found[1])) if found else None

    def put_detail(self, kind: str, entity_id: int, part: str, data: bytes, fetched_at: float,
                   seen: Sequence[Seen] = ()) -> None:
        """Store one part of a record, and index the record it names for the local search."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT OR REPLACE INTO details VALUES (?, ?, ?, ?, ?)",
                            (kind, entity_id, part, data, fetched_at))
            self._index(seen)

    # ---- local search ----------------------------------------------------------------------
    def _index(self, seen: Iterable[Seen]) -> None:
        rows = [(KIND_CODES[s.kind] << 40 | s.entity_id, s.name, s.extra, s.kind, s.entity_id)
                for s in seen if s.kind in KIND_CODES and 0 < s.entity_id < 1 << 40 and s.name]
        if not rows:
            return
        if self.fts:
            self.db.executemany("INSERT OR REPLACE INTO entity_search (rowid, name, extra, kind, entity_id) "
                                "VALUES (?, ?, ?, ?, ?)", rows)
        else:
            self.db.executemany("INSERT OR REPLACE INTO entity_search VALUES (?, ?, ?, ?, ?, ?)",
                                [(*r, " " + " ".join(_words(f"{r[1]} {r[2]}"))) for r in rows])

    def index(self, seen: Sequence[Seen]) -> None:
        """Add people, companies or opportunities to the local search (replacing what was there)."""
        with self.db:
            self.db.execute("BEGIN")
            self._index(seen)

    def search(self, text: str, kind: str | None = None, limit: int = SEARCH_LIMIT) -> list[Seen]:
        """People, companies or opportunities whose name, email or domain has words starting
        with every word of ``text``; best matches first."""
        words = _words(text) if not self.fts else _WORD.findall(text.casefold())
        if not words:
            return []
        if self.fts:
            match = " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
            query = f"{{name extra}} : ({match})"
            if kind is not None:
                query = f'kind : "{kind}" AND {query}'
            # FTS5's ``ORDER BY rank`` ranks every match: tens of thousands for a short prefix, 30-100
            # ms at 100,000. The first ``limit`` come in index order instead; when that is all of
            # them, they are put in order here (``_best_first``).
            found = self.db.execute("SELECT kind, entity_id, name, extra FROM entity_search WHERE entity_search MATCH ? "
                                    "LIMIT ?", (query, limit)).fetchall()
        else:
            clauses = " AND ".join("(' ' || folded) LIKE ? ESCAPE '\\'" for _ in words)
            params: list[Any] = ["% " + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                                 for w in words]
            if kind is not None:
                clauses += " AND kind = ?"
                params.append(kind)
            found = self.db.execute(f"SELECT kind, entity_id, name, extra FROM entity_search WHERE {clauses} "
                                    "ORDER BY name LIMIT ?", (*params, limit)).fetchall()
        seen = [Seen(str(k), int(i), str(n), str(e or "")) for k, i, n, e in found]
        return _best_first(seen, words) if len(seen) < limit else seen

    def count_seen(self) -> int:
        """How many people, companies and opportunities the local search knows."""
        return int(self.db.execute("SELECT count(*) FROM entity_search").fetchone()[0])
