"""Whose cache is whose: one database per tenant and user, opened only for a key known to belong
to them.

A cache is read before Affinity has said who the key belongs to (that is what makes a warm start
cost no request), so the key itself must lead to the right file. The key is never stored: its
*fingerprint* is an HMAC-SHA256 of the key under a random secret kept in the cache directory
(mode 0600), so the fingerprint tells nothing about the key to someone who has only the
fingerprint. ``keys.json`` maps fingerprints to the database of the tenant and user ``whoami``
confirmed for that key, and each database lists the fingerprints it belongs to. A key that is
not in the index (new, rotated, mistyped, another user's) opens nothing until ``whoami``
answers for it; a key Affinity refuses (401) is forgotten, so data cached under one key is never
shown under another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from ..private_files import private_folder, read_section, write_private

CACHE_DIR_ENV = "AFFINITY_TUI_CACHE_DIR"
SECRET_FILE = "secret"
INDEX_FILE = "keys.json"
DB_SUFFIX = ".sqlite3"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$AFFINITY_TUI_CACHE_DIR`` if set, else the platform's cache dir for affinity-tui."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_DIR_ENV):
        return Path(env[CACHE_DIR_ENV]).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("affinity-tui")


def _secret(directory: Path) -> bytes:
    path = directory / SECRET_FILE
    try:
        value = path.read_bytes()
        if len(value) >= 32:
            return value
    except OSError:
        pass
    value = secrets.token_bytes(32)
    write_private(path, value)
    return value


def key_fingerprint(directory: Path, api_key: str) -> str:
    """The key's keyed hash under this cache directory's secret (never the key itself)."""
    return hmac.new(_secret(private_folder(directory)), api_key.encode("utf-8"), hashlib.sha256).hexdigest()


def tenant_db_name(tenant_id: int, user_id: int) -> str:
    """The database file of one tenant and user (a hash of both ids)."""
    digest = hashlib.sha256(f"affinity-tui:{int(tenant_id)}:{int(user_id)}".encode()).hexdigest()
    return f"{digest[:32]}{DB_SUFFIX}"


class KeyIndex:
    """``keys.json``: fingerprint → the database ``whoami`` confirmed for it. Small, rewritten
    atomically; a damaged file counts as empty (every key then starts cold once)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / INDEX_FILE

    def _load(self) -> dict[str, str]:
        keys = read_section(self.path, "keys")
        return {str(k): str(v) for k, v in keys.items() if isinstance(v, str) and v.endswith(DB_SUFFIX)
                and "/" not in v and "\\" not in v}

    def lookup(self, fingerprint: str) -> str | None:
        """The database file confirmed for ``fingerprint``, or None."""
        return self._load().get(fingerprint)

    def remember(self, fingerprint: str, db_name: str) -> None:
        """Record that ``fingerprint`` leads to ``db_name`` (``whoami`` confirmed it)."""
        keys = self._load()
        if keys.get(fingerprint) != db_name:
            keys[fingerprint] = db_name
            self._save(keys)

    def forget(self, fingerprint: str) -> None:
        """Drop ``fingerprint`` (Affinity refused its key): it leads nowhere any more."""
        keys = self._load()
        if keys.pop(fingerprint, None) is not None:
            self._save(keys)

    def _save(self, keys: dict[str, str]) -> None:
        private_folder(self.path.parent)
        write_private(self.path, json.dumps({"version": 1, "keys": keys}, indent=1).encode())


def cache_files(directory: Path) -> list[Path]:
    """Every file affinity-tui keeps in ``directory``: databases (with their WAL and set-aside
    copies), the key index and the secret."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and (
        p.name in (INDEX_FILE, SECRET_FILE) or DB_SUFFIX in p.name or p.name.startswith(f".{INDEX_FILE}-")))


def clear_cache(directory: Path) -> list[Path]:
    """Delete every cache file (all tenants and users; see ``cache_files``); returns them."""
    removed = []
    for path in cache_files(directory):
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed
