"""Cold start: from launching ``affinity-tui`` to its first interactive screen, under a real pty.

Measured (median of runs, each a fresh process, wall clock from just before ``fork``/``exec``):

* ``--demo first frame``: ``affinity-tui --demo`` until its first bytes reach the terminal;
* ``--demo lists painted`` (the figure judged, target < 0.8 s): until the lists screen's rows
  are on the terminal (the text "Deal Pipeline" was written). This is the first interactive
  screen: the lists are loaded (from the in-process demo emulator) and drawn;
* ``configured, lists painted`` per scale: plain ``affinity-tui`` with ``AFFINITY_API_KEY`` and
  the base URLs pointing at the standalone emulator serving that scale (a real user's start).

Breakdown (each ``python -c "import ..."`` in a fresh process, wall clock): the interpreter alone,
``textual`` + ``affinity`` (the SDK), and everything the ``--demo`` path imports before the UI
starts (``affinity_tui.__main__``, ``.app``, ``.emulator``). "ours" is the last minus the second;
"app start to lists" is ``--demo lists painted`` minus all imports (building the demo tenant,
the app, CSS, first screens, the lists' requests to the in-process emulator, painting). The import figures pause the garbage
collector as ``affinity-tui`` does during start-up (``__main__._collector_paused``).

Our modules are byte-compiled first (``compileall``), as ``pip install`` leaves them: a
development checkout installed in editable mode under ``PYTHONDONTWRITEBYTECODE=1`` would
otherwise compile ~60 modules from source on every launch (~100 ms no user pays).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit_json, parser, scales, table  # noqa: E402
from pty_run import spawn  # noqa: E402
from served import AFFINITY_TUI, PYTHON, Served, served  # noqa: E402

TARGET = 0.8
LISTS_PAINTED = b"Deal Pipeline"

IMPORTS = {
    "interpreter": "pass",
    "textual+sdk": "import gc; gc.disable(); import textual.app, textual.widgets, affinity",
    "all --demo imports": "import gc; gc.disable(); "
                          "import affinity_tui.__main__, affinity_tui.app, affinity_tui.emulator",
}
PACKAGE = Path(__file__).resolve().parent.parent / "affinity_tui"


def byte_compile() -> None:
    """Write ``__pycache__`` for our package, as an install does (see the module docstring)."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(PACKAGE)], check=True)


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def time_python(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], check=True)
    return time.perf_counter() - started


def pty_start(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(first output, lists painted) seconds for one launch."""
    run = spawn(argv, env)
    try:
        first = run.wait_for(b"\x1b[", timeout=60)
        painted = run.wait_for(LISTS_PAINTED, timeout=60)
    finally:
        run.stop()
    return first, painted


def measure_demo(runs: int) -> dict[str, float]:
    imports = {name: median([time_python(code) for _ in range(runs)]) for name, code in IMPORTS.items()}
    starts = [pty_start([AFFINITY_TUI, "--demo"]) for _ in range(runs)]
    first = median([s[0] for s in starts])
    painted = median([s[1] for s in starts])
    return {"interpreter": imports["interpreter"], "textual_sdk": imports["textual+sdk"],
            "all_imports": imports["all --demo imports"],
            "ours_imports": imports["all --demo imports"] - imports["textual+sdk"],
            "first_frame": first, "lists_painted": painted,
            "app_start_to_lists": painted - imports["all --demo imports"],
            "runs": [s[1] for s in starts]}


def measure_configured(scale: int, runs: int, emu: Served | None = None) -> dict[str, float]:
    if emu is None:
        with served(scale) as emu:
            return measure_configured(scale, runs, emu)
    starts = [pty_start([AFFINITY_TUI], emu.env()) for _ in range(runs)]
    return {"scale": scale, "first_frame": median([s[0] for s in starts]),
            "lists_painted": median([s[1] for s in starts])}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    byte_compile()
    demo = measure_demo(args.runs)
    configured = [measure_configured(scale, args.runs) for scale in scales(args)]
    print(table(["measure", "median"], [
        ["python -c pass", ms(demo["interpreter"])],
        ["import textual + affinity-sdk", ms(demo["textual_sdk"])],
        ["import all that --demo needs", ms(demo["all_imports"])],
        ["  of which ours (app, screens, emulator)", ms(demo["ours_imports"])],
        ["--demo: first frame on the terminal", ms(demo["first_frame"])],
        ["--demo: lists painted (target < 800 ms)", ms(demo["lists_painted"])],
        ["  app start to lists painted (after imports)", ms(demo["app_start_to_lists"])],
        *[[f"configured, served {c['scale']:,}: lists painted", ms(c["lists_painted"])] for c in configured],
    ]))
    emit_json(args, {"demo": demo, "configured": configured})


if __name__ == "__main__":
    main()
