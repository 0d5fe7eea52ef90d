"""Where the key and servers come from: every source, their order, and that the key stays hidden."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from affinity_tui.config import (
    DEFAULT_V1_BASE_URL,
    DEFAULT_V2_BASE_URL,
    ConfigError,
    MissingApiKey,
    Secret,
    load_settings,
    parse_dotenv,
)

KEY = "sk-test-4c0ffee"
PY = f'"{sys.executable}"'


def settings(tmp_path: Path, env: dict[str, str] | None = None, config: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    if config is not None:
        path.write_text(config)
    return load_settings(environ=env or {}, config_path=path, **kw)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---- each source --------------------------------------------------------------------------
def test_key_from_environment_variable(tmp_path: Path) -> None:
    s = settings(tmp_path, {"AFFINITY_API_KEY": f"  {KEY}\n"})
    assert s.api_key.reveal() == KEY
    assert s.key_source == "AFFINITY_API_KEY"
    assert (s.v1_base_url, s.v2_base_url) == (DEFAULT_V1_BASE_URL, DEFAULT_V2_BASE_URL)


def test_key_from_file(tmp_path: Path) -> None:
    key_file = write(tmp_path, "key", f"{KEY}\n\n")
    s = settings(tmp_path, {"AFFINITY_API_KEY_FILE": str(key_file)})
    assert s.api_key.reveal() == KEY
    assert s.key_source == "AFFINITY_API_KEY_FILE"


def test_key_from_command(tmp_path: Path) -> None:
    s = settings(tmp_path, {"AFFINITY_API_KEY_COMMAND": f"{PY} -c \"print('{KEY}')\""})
    assert s.api_key.reveal() == KEY
    assert s.key_source == "AFFINITY_API_KEY_COMMAND"


def test_failing_key_command_is_a_clear_error_without_its_output(tmp_path: Path) -> None:
    half = len(KEY) // 2  # the command prints the key without quoting it whole
    command = f"{PY} -c \"import sys; print('{KEY[:half]}' + '{KEY[half:]}'); sys.exit('vault is locked')\""
    with pytest.raises(ConfigError) as raised:
        settings(tmp_path, {"AFFINITY_API_KEY_COMMAND": command})
    message = str(raised.value)
    assert "AFFINITY_API_KEY_COMMAND" in message and "exit status 1" in message
    assert "vault is locked" in message
    assert KEY not in message


def test_key_command_printing_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="printed nothing"):
        settings(tmp_path, {"AFFINITY_API_KEY_COMMAND": f"{PY} -c \"pass\""})


def test_missing_or_empty_key_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the API key file"):
        settings(tmp_path, {"AFFINITY_API_KEY_FILE": str(tmp_path / "absent")})
    with pytest.raises(ConfigError, match="is empty"):
        settings(tmp_path, {"AFFINITY_API_KEY_FILE": str(write(tmp_path, "blank", " \n"))})


def test_key_from_default_profile(tmp_path: Path) -> None:
    write(tmp_path, "work.key", KEY)
    s = settings(tmp_path, config="""
        default_profile = "work"
        [profiles.work]
        api_key_file = "work.key"
        v1_base_url = "http://localhost:8765/"
        v2_base_url = "http://localhost:8765/v2"
    """)
    assert s.api_key.reveal() == KEY  # a relative api_key_file is next to the config file
    assert s.key_source == "api_key_file of profile 'work'"
    assert (s.v1_base_url, s.v2_base_url) == ("http://localhost:8765", "http://localhost:8765/v2")


def test_key_from_named_profile_command(tmp_path: Path) -> None:
    s = settings(tmp_path, profile="personal", config=f"""
        [profiles.personal]
        api_key_command = '{PY} -c "print(42)"'
    """)
    assert s.api_key.reveal() == "42"


def test_dotenv_fills_in_unset_variables(tmp_path: Path) -> None:
    dotenv = write(tmp_path, ".env", f"AFFINITY_API_KEY={KEY}\nAFFINITY_V2_BASE_URL=http://e/v2\n")
    s = settings(tmp_path, {"AFFINITY_V2_BASE_URL": "http://set/v2"}, dotenv=dotenv)
    assert s.api_key.reveal() == KEY
    assert s.key_source == f"AFFINITY_API_KEY in {dotenv}"
    assert s.v2_base_url == "http://set/v2"  # already set: the .env does not override it


def test_dotenv_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the .env file"):
        settings(tmp_path, {"AFFINITY_API_KEY": KEY}, dotenv=tmp_path / "missing.env")


def test_base_urls_from_environment(tmp_path: Path) -> None:
    s = settings(tmp_path, {"AFFINITY_API_KEY": KEY, "AFFINITY_V1_BASE_URL": "http://127.0.0.1:8765",
                            "AFFINITY_V2_BASE_URL": "http://127.0.0.1:8765/v2/"})
    assert (s.v1_base_url, s.v2_base_url) == ("http://127.0.0.1:8765", "http://127.0.0.1:8765/v2")


# ---- precedence ---------------------------------------------------------------------------
def test_environment_sources_in_order(tmp_path: Path) -> None:
    key_file = write(tmp_path, "key", "from-file")
    failing = f"{PY} -c \"import sys; sys.exit(3)\""  # never run: an earlier source wins
    env = {"AFFINITY_API_KEY": "from-env", "AFFINITY_API_KEY_FILE": str(key_file),
           "AFFINITY_API_KEY_COMMAND": failing}
    assert settings(tmp_path, env).api_key.reveal() == "from-env"
    del env["AFFINITY_API_KEY"]
    assert settings(tmp_path, env).api_key.reveal() == "from-file"


PROFILES = """
default_profile = "work"
[profiles.work]
api_key_command = "echo from-work"
v2_base_url = "http://work/v2"
[profiles.lab]
api_key_command = "echo from-lab"
v2_base_url = "http://lab/v2"
"""


def test_environment_beats_the_default_profile(tmp_path: Path) -> None:
    config = PROFILES.format(py=sys.executable)
    s = settings(tmp_path, {"AFFINITY_API_KEY": "from-env", "AFFINITY_V2_BASE_URL": "http://env/v2"},
                 config=config)
    assert (s.api_key.reveal(), s.v2_base_url) == ("from-env", "http://env/v2")
    assert settings(tmp_path, config=config).api_key.reveal() == "from-work"


def test_an_explicit_profile_beats_the_environment(tmp_path: Path) -> None:
    s = settings(tmp_path, {"AFFINITY_API_KEY": "from-env", "AFFINITY_V1_BASE_URL": "http://env"},
                 profile="lab", config=PROFILES.format(py=sys.executable))
    assert (s.api_key.reveal(), s.v2_base_url) == ("from-lab", "http://lab/v2")
    assert s.v1_base_url == "http://env"  # the profile leaves it out; the environment fills in


def test_an_explicit_profile_without_a_key_falls_back_to_the_environment(tmp_path: Path) -> None:
    s = settings(tmp_path, {"AFFINITY_API_KEY": "from-env"}, profile="urls",
                 config='[profiles.urls]\nv2_base_url = "http://x/v2"\n')
    assert (s.api_key.reveal(), s.v2_base_url) == ("from-env", "http://x/v2")


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"No profile 'nope'.*lab, work"):
        settings(tmp_path, profile="nope", config=PROFILES.format(py=sys.executable))


def test_a_plain_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="api_key_file or api_key_command") as raised:
        settings(tmp_path, profile="w", config=f'[profiles.w]\napi_key = "{KEY}"\n')
    assert KEY not in str(raised.value)


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        settings(tmp_path, config="[profiles\n")


# ---- dotenv parsing -----------------------------------------------------------------------
def test_dotenv_parsing() -> None:
    text = """
# a comment
AFFINITY_API_KEY = abc123   # trailing comment
export EXPORTED=yes
SINGLE='it''s # not a comment'
DOUBLE="line\\nbreak and \\"quotes\\""
HASH=a#b
EMPTY=
not a line
=novalue
"""
    assert parse_dotenv(text) == {
        "AFFINITY_API_KEY": "abc123", "EXPORTED": "yes", "SINGLE": "it",
        "DOUBLE": 'line\nbreak and "quotes"', "HASH": "a#b", "EMPTY": "",
    }


def test_dotenv_single_quotes_are_literal() -> None:
    assert parse_dotenv("K='a # b \\n'") == {"K": "a # b \\n"}


# ---- the key stays hidden -----------------------------------------------------------------
def test_secret_never_shows_itself(tmp_path: Path) -> None:
    secret = Secret(KEY)
    s = settings(tmp_path, {"AFFINITY_API_KEY": KEY})
    for text in (repr(secret), str(secret), f"{secret}", repr(s), str(s)):
        assert KEY not in text
    assert secret.reveal() == KEY
    assert secret.scrub(f"bad key Bearer {KEY}!") == "bad key Bearer [REDACTED]!"


def test_missing_key_explains_every_way_to_provide_one(tmp_path: Path) -> None:
    with pytest.raises(MissingApiKey) as raised:
        settings(tmp_path)
    message = str(raised.value)
    for way in ("AFFINITY_API_KEY=", "AFFINITY_API_KEY_FILE", "AFFINITY_API_KEY_COMMAND", "--dotenv",
                "--profile", "[profiles.", "default_profile", str(tmp_path / "config.toml"),
                "affinity-tui --demo"):
        assert way in message
    assert isinstance(raised.value, ConfigError)


def test_keymap_from_the_config_file(tmp_path: Path) -> None:
    from affinity_tui.config import ConfigError, load_keymap

    config = tmp_path / "config.toml"
    assert load_keymap(config) == {}
    config.write_text('[keymap]\n"go.people" = "p"\n"entries.filter" = "slash,f"\n')
    assert load_keymap(config) == {"go.people": "p", "entries.filter": "slash,f"}
    config.write_text("[keymap]\n\"go.people\" = 3\n")
    with pytest.raises(ConfigError, match="keymap"):
        load_keymap(config)
