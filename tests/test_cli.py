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


async def test_the_config_files_keymap_and_budget_apply_under_demo_too(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from affinity_tui.app import AffinityApp
    from affinity_tui.screens.entities import EntitiesScreen

    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"go.people" = "p"\n\n[budget]\nask_above = 7\n')
    monkeypatch.setenv("AFFINITY_TUI_CONFIG", str(config))
    started: list[AffinityApp] = []
    monkeypatch.setattr(AffinityApp, "run", lambda self, *a, **k: started.append(self))
    assert main(["--demo", "--seed", "3"]) == 0
    app = started[0]
    assert app.session.ask_above == 7
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, EntitiesScreen) and app.screen.kind == "person"


def test_a_bad_budget_in_the_config_file_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    from affinity_tui.app import AffinityApp

    config.write_text("[budget]\nask_above = \"lots\"\n")
    monkeypatch.setenv("AFFINITY_TUI_CONFIG", str(config))
    monkeypatch.setattr(AffinityApp, "run", lambda self, *a, **k: None)
    assert main(["--demo"]) == 2
    assert "ask_above" in capsys.readouterr().err
