"""How the cache is set up: on or off, where, and how long metadata is used without asking.

``config.toml``::

    [cache]
    enabled = true            # false: like --no-cache, always
    metadata_minutes = 10     # lists, sizes, views, owners and field metadata
    data_minutes = 1          # rows and records younger than this are not asked again

``--no-cache`` turns it off for one run; ``$AFFINITY_TUI_CACHE_DIR`` moves it (tests do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...config import ConfigError, default_config_path, read_config_file
from ..dates import relative
from .identity import cache_dir

DEFAULT_METADATA_MINUTES = 10.0
DEFAULT_DATA_MINUTES = 1.0


@dataclass(frozen=True)
class CacheSettings:
    """The ``[cache]`` table of the config file, with its defaults."""
    enabled: bool = True
    directory: Path | None = None
    """None: ``identity.cache_dir()`` (the platform's cache dir, or ``$AFFINITY_TUI_CACHE_DIR``)."""
    metadata_minutes: float = DEFAULT_METADATA_MINUTES
    data_minutes: float = DEFAULT_DATA_MINUTES

    @property
    def path(self) -> Path:
        """Where the cache lives."""
        return self.directory if self.directory is not None else cache_dir()


def load_cache_settings(config_path: Path | None = None, environ: Mapping[str, str] | None = None) -> CacheSettings:
    """The ``[cache]`` table of the config file (defaults when there is none).

    Raises ``ConfigError`` for a value that is not what it should be."""
    path = config_path or default_config_path(environ)
    table: Any = read_config_file(path).get("cache", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[cache] in {path} must be a table, e.g. metadata_minutes = 10")
    unknown = sorted(set(table) - {"enabled", "metadata_minutes", "data_minutes"})
    if unknown:
        raise ConfigError(f"[cache] in {path} has unknown setting(s) {', '.join(unknown)}; "
                          "allowed: enabled, metadata_minutes, data_minutes.")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"[cache] enabled in {path} must be true or false.")
    minutes = {}
    for name, default in (("metadata_minutes", DEFAULT_METADATA_MINUTES), ("data_minutes", DEFAULT_DATA_MINUTES)):
        value = table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"[cache] {name} in {path} must be a number of minutes (0 or more).")
        minutes[name] = float(value)
    return CacheSettings(enabled=enabled, directory=cache_dir(environ), **minutes)


def age_text(fetched_at: float, now: float) -> str:
    """"as of 12 min ago" for data Affinity gave at ``fetched_at`` (epoch seconds)."""
    moment = datetime.fromtimestamp(fetched_at, UTC)
    said = relative(moment, datetime.fromtimestamp(max(now, fetched_at), UTC))
    return "as of just now" if said == "now" else f"as of {said}"
