"""Where the app finds its Affinity API key and servers, resolved once before the UI starts.

Runs before the event loop (a key command is a blocking ``subprocess.run``) and imports no
textual, so ``affinity-tui`` can explain a missing key on stderr without drawing a screen.

Sources, first match wins:

1. ``--profile NAME`` given on the command line: that profile, then the environment for
   whatever it leaves out (an explicit choice beats ambient variables).
2. ``AFFINITY_API_KEY``, ``AFFINITY_API_KEY_FILE``, ``AFFINITY_API_KEY_COMMAND`` in the
   environment (a ``--dotenv`` file fills in variables that are not already set).
3. The profile named by ``default_profile`` in the config file.

Base URLs follow the same order: ``AFFINITY_V1_BASE_URL`` / ``AFFINITY_V2_BASE_URL`` or the
profile's ``v1_base_url`` / ``v2_base_url``, defaulting to Affinity's production servers.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_V1_BASE_URL = "https://api.affinity.co"
DEFAULT_V2_BASE_URL = "https://api.affinity.co/v2"
KEY_COMMAND_TIMEOUT_SECONDS = 30.0
PROFILE_KEYS = frozenset({"api_key_file", "api_key_command", "v1_base_url", "v2_base_url"})


class Secret:
    """A value that never shows itself: not in repr, str, f-strings, logs or tracebacks.

    Deliberately not a dataclass: rich's pretty printer (used for traceback locals) walks
    dataclass fields, but prints a plain object through its ``__repr__``.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call this only where it leaves for the server."""
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with every occurrence of the secret replaced (server messages may echo it)."""
        if len(self._value) < 4:  # too short to tell apart from ordinary text
            return text
        return text.replace(self._value, "[REDACTED]")

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything needed to talk to one Affinity tenant."""

    api_key: Secret
    v1_base_url: str = DEFAULT_V1_BASE_URL
    v2_base_url: str = DEFAULT_V2_BASE_URL
    key_source: str = "given"
    """Where the key came from, in the user's words (shown when Affinity refuses it)."""


class ConfigError(Exception):
    """A configuration problem the user can fix; the message says how. Never contains the key."""


class MissingApiKey(ConfigError):
    """No source provided an API key."""

    def __init__(self, config_path: Path) -> None:
        super().__init__(missing_key_help(config_path).rstrip())


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``AFFINITY_TUI_CONFIG`` if set, else the platform's config dir (``~/.config/affinity-tui``)."""
    env = os.environ if environ is None else environ
    if env.get("AFFINITY_TUI_CONFIG"):
        return Path(env["AFFINITY_TUI_CONFIG"]).expanduser()
    import platformdirs

    return platformdirs.user_config_path("affinity-tui") / "config.toml"


def missing_key_help(config_path: Path) -> str:
    return f"""\
affinity-tui needs an Affinity API key (create one in Affinity under Settings > API).
Give it in any one of these ways:

  export AFFINITY_API_KEY=<your key>
  export AFFINITY_API_KEY_FILE=~/.affinity-key     # a file holding only the key
  export AFFINITY_API_KEY_COMMAND='op read ...'    # a command that prints the key
  affinity-tui --dotenv .env                       # a .env file with AFFINITY_API_KEY=...
  affinity-tui --profile work                      # a profile in the config file:

      # {config_path}
      default_profile = "work"                     # used when --profile is not given
      [profiles.work]
      api_key_file = "~/.affinity-key"             # or api_key_command = "..."

No key yet? Explore a demo tenant: affinity-tui --demo
"""


def load_settings(*, dotenv: Path | None = None, profile: str | None = None,
                  environ: Mapping[str, str] | None = None,
                  config_path: Path | None = None) -> Settings:
    """Resolve the key and base URLs (see the module docstring for the order).

    Raises ``MissingApiKey`` when nothing provides a key and ``ConfigError`` for anything
    else the user must fix (unreadable file, failing command, unknown profile, bad TOML).
    """
    env: dict[str, str] = dict(os.environ if environ is None else environ)
    from_dotenv: set[str] = set()
    if dotenv is not None:
        for var, value in read_dotenv(dotenv).items():
            if var not in env:
                env[var] = value
                from_dotenv.add(var)
    path = config_path or default_config_path(env)
    config = read_config_file(path)
    name = profile if profile is not None else config.get("default_profile")
    section = profile_section(config, str(name), path) if name is not None else None

    # Asked for by name, the profile comes first and the environment fills its gaps. Sources
    # are tried lazily: a key command (maybe a password-manager prompt) runs only if needed.
    def profile_key() -> tuple[Secret, str] | None:
        return key_from_profile(section, str(name), path, env) if section is not None else None

    def environment_key() -> tuple[Secret, str] | None:
        return key_from_env(env)

    urls = [env_urls(env), profile_urls(section)]
    order = [environment_key, profile_key]
    if profile is not None:
        order, urls = order[::-1], urls[::-1]
    found = order[0]() or order[1]()
    if found is None:
        raise MissingApiKey(path)
    v1 = next((u[0] for u in urls if u[0]), DEFAULT_V1_BASE_URL)
    v2 = next((u[1] for u in urls if u[1]), DEFAULT_V2_BASE_URL)
    where = f"{found[1]} in {dotenv}" if found[1] in from_dotenv else found[1]
    return Settings(api_key=found[0], key_source=where, v1_base_url=v1, v2_base_url=v2)


def key_from_env(env: Mapping[str, str]) -> tuple[Secret, str] | None:
    """The key from ``AFFINITY_API_KEY``, ``..._FILE`` or ``..._COMMAND`` (in that order)."""
    if env.get("AFFINITY_API_KEY", "").strip():
        return Secret(env["AFFINITY_API_KEY"].strip()), "AFFINITY_API_KEY"
    if env.get("AFFINITY_API_KEY_FILE", "").strip():
        where = "AFFINITY_API_KEY_FILE"
        return Secret(read_key_file(Path(env[where].strip()).expanduser(), where)), where
    if env.get("AFFINITY_API_KEY_COMMAND", "").strip():
        where = "AFFINITY_API_KEY_COMMAND"
        return Secret(run_key_command(env[where].strip(), where, env)), where
    return None


def key_from_profile(section: Mapping[str, Any], name: str, path: Path,
                     env: Mapping[str, str]) -> tuple[Secret, str] | None:
    """The key from a profile's ``api_key_file`` (relative to the config file) or ``api_key_command``."""
    if str(section.get("api_key_file", "")).strip():
        where = f"api_key_file of profile {name!r}"
        file = Path(str(section["api_key_file"]).strip()).expanduser()
        return Secret(read_key_file(file if file.is_absolute() else path.parent / file, where)), where
    if str(section.get("api_key_command", "")).strip():
        where = f"api_key_command of profile {name!r}"
        return Secret(run_key_command(str(section["api_key_command"]).strip(), where, env)), where
    return None


def env_urls(env: Mapping[str, str]) -> tuple[str, str]:
    return (_clean_url(env.get("AFFINITY_V1_BASE_URL")), _clean_url(env.get("AFFINITY_V2_BASE_URL")))


def profile_urls(section: Mapping[str, Any] | None) -> tuple[str, str]:
    section = section or {}
    return (_clean_url(section.get("v1_base_url")), _clean_url(section.get("v2_base_url")))


def _clean_url(value: object) -> str:
    return str(value or "").strip().rstrip("/")


def read_key_file(path: Path, where: str) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"Cannot read the API key file {path} (from {where}): {exc.strerror}.") from None
    if not key:
        raise ConfigError(f"The API key file {path} (from {where}) is empty.")
    return key


def run_key_command(command: str, where: str, env: Mapping[str, str]) -> str:
    """Run a key command through the shell, as git credential helpers do; stdout is the key.

    Blocking: call before the event loop starts. Errors quote stderr (capped) but never stdout.
    """
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False,
                              timeout=KEY_COMMAND_TIMEOUT_SECONDS, env=dict(env))
    except subprocess.TimeoutExpired:
        raise ConfigError(f"The key command from {where} did not finish within "
                          f"{KEY_COMMAND_TIMEOUT_SECONDS:.0f} s: {command}") from None
    except OSError as exc:
        raise ConfigError(f"Cannot run the key command from {where}: {exc.strerror}.") from None
    if done.returncode != 0:
        detail = done.stderr.strip()[:300] or "(no message on stderr)"
        raise ConfigError(f"The key command from {where} failed with exit status "
                          f"{done.returncode}: {command}\n{detail}")
    key = done.stdout.strip()
    if not key:
        raise ConfigError(f"The key command from {where} printed nothing: {command}")
    return key


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed TOML config, or {} when the file does not exist."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}") from None


def load_keymap(config_path: Path | None = None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``[keymap]`` table of the config file: binding id -> key(s), e.g.
    ``go.people = "p"`` or ``"entries.filter" = "slash,f"``. Every binding has an id (``?``
    lists them). A missing file means no overrides; a malformed entry is a ``ConfigError``."""
    path = config_path or default_config_path(environ)
    if not path.exists():
        return {}
    table = read_config_file(path).get("keymap", {})
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ConfigError(f"[keymap] in {path} must map binding ids to keys, e.g. go.people = \"p\"")
    return dict(table)


DEFAULT_ASK_ABOVE = 50
"""Reads estimated above this many requests ask first (``data/costs.py``)."""


def load_budget(config_path: Path | None = None, environ: Mapping[str, str] | None = None) -> int:
    """``ask_above`` of the config file's ``[budget]`` table: a read estimated to cost more
    requests than this states its cost and asks first (default 50; 0 asks before any such read).
    A missing file or table means the default; anything but a whole number >= 0 is a
    ``ConfigError``."""
    path = config_path or default_config_path(environ)
    if not path.exists():
        return DEFAULT_ASK_ABOVE
    table = read_config_file(path).get("budget", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[budget] in {path} must be a table, e.g. [budget] ask_above = 50")
    value = table.get("ask_above", DEFAULT_ASK_ABOVE)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"[budget] ask_above in {path} must be a whole number of requests (0 or more), "
                          "e.g. ask_above = 50")
    return value


def profile_section(config: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    profiles = config.get("profiles", {})
    section = profiles.get(name) if isinstance(profiles, dict) else None
    if not isinstance(section, dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) and profiles else "none"
        raise ConfigError(f"No profile {name!r} in {path} (profiles defined: {known}). "
                          f"Add a [profiles.{name}] table with api_key_file or api_key_command.")
    unknown = sorted(set(section) - PROFILE_KEYS)
    if unknown:
        hint = " Keep the key out of the config file: use api_key_file or api_key_command." \
            if "api_key" in unknown else ""
        raise ConfigError(f"Profile {name!r} in {path} has unknown setting(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(sorted(PROFILE_KEYS))}.{hint}")
    return section


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=VALUE`` lines, optional ``export``, quotes, ``#`` comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read the .env file {path}: {exc.strerror}.") from None
    return parse_dotenv(text)


def parse_dotenv(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.replace("_", "").isalnum():
            continue
        values[name] = _dotenv_value(value.strip())
    return values


def _dotenv_value(value: str) -> str:
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        while quote == '"' and end > 0 and value[end - 1] == "\\":
            end = value.find(quote, end + 1)
        if end > 0:
            inner = value[1:end]
            if quote == '"':
                inner = inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            return inner
    return value.split(" #", 1)[0].strip()
