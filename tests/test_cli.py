"""``affinity-tui`` on the command line, without starting the UI."""

from __future__ import annotations

from pathlib import Path

import pytest

from affinity_tui.__main__ import main


def test_no_key_explains_how_to_provide_one_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "AFFINITY_API_KEY_COMMAND" in err and "affinity-tui --demo" in err
    assert "Traceback" not in err


def test_config_errors_exit_2_with_the_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--profile", "nope"]) == 2
    assert "No profile 'nope'" in capsys.readouterr().err
    assert main(["--dotenv", str(tmp_path / "missing.env")]) == 2
    assert "Cannot read the .env file" in capsys.readouterr().err


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--demo", "--dotenv", "--profile", "--seed", "--scale", "emulator"):
        assert option in out


def test_emulator_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])
    out = capsys.readouterr().out
    for option in ("--port", "--scale", "--seed", "--api-key", "--per-minute", "--monthly",
                   "--latency-ms", "--error-rate"):
        assert option in out


def test_emulator_subcommand_hands_its_options_to_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    from affinity_tui.emulator import serve

    seen = {}
    monkeypatch.setattr(serve, "main", lambda args: seen.setdefault("args", args) and 0)
    assert main(["emulator", "--port", "9999", "--scale", "50", "--api-key", "k"]) == 0
    args = seen["args"]
    assert (args.port, args.scale, args.api_key) == (9999, 50, "k")
