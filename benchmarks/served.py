"""The standalone emulator, served in its own process, for the benchmarks.

``served(scale)`` starts ``affinity-tui emulator --port <free> --scale N`` as a subprocess (so its
CPU is never charged to the app being measured), waits until ``GET /_emulator`` answers, yields a
``Served`` (base URL, key, helpers for the request log) and stops the process afterwards.

The emulator's rate limits are raised (``--per-minute``/``--monthly``): loading all 100,000 entries
takes 1,000 requests, which the default 900/minute budget would throttle with 429s + Retry-After,
and a benchmark should measure the app, not the emulator's simulated quota.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
AFFINITY_TUI = str(VENV_BIN / "affinity-tui")
XAFFINITY = str(VENV_BIN / "xaffinity")
PYTHON = str(VENV_BIN / "python")
DEAL_PIPELINE = 12001
DEMO_KEY = "demo-key"
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Served:
    base: str
    """``http://127.0.0.1:PORT`` (v1 base URL; v2 is ``base + "/v2"``)."""
    key: str
    scale: int
    pid: int

    @classmethod
    def at(cls, base: str, scale: int = 0, key: str = DEMO_KEY) -> Served:
        """A handle on an emulator someone else started (a benchmark's child process)."""
        return cls(base=base, key=key, scale=scale, pid=0)

    @property
    def v2(self) -> str:
        return self.base + "/v2"

    def env(self) -> dict[str, str]:
        """Environment for a client process (affinity-tui, xaffinity) pointed at this emulator.
        For affinity-tui it is a first start: a cache, state and config folder of its own, new
        for each call and empty (a cache or a place to resume left by another run would make a
        cold start warm)."""
        home = Path(tempfile.mkdtemp(prefix="affinity-tui-bench-"))
        atexit.register(shutil.rmtree, home, True)
        env = dict(os.environ)
        env.update(AFFINITY_API_KEY=self.key, AFFINITY_V1_BASE_URL=self.base, AFFINITY_V2_BASE_URL=self.v2,
                   AFFINITY_TUI_CACHE_DIR=str(home / "cache"), AFFINITY_TUI_STATE_DIR=str(home / "state"),
                   AFFINITY_TUI_CONFIG=str(home / "no-config.toml"))
        return env

    def settings(self) -> Any:
        from affinity_tui.config import Secret, Settings

        return Settings(api_key=Secret(self.key), v1_base_url=self.base, v2_base_url=self.v2,
                        key_source="benchmark")

    # ---- request log ----------------------------------------------------------------------
    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.base + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def info(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_emulator"))

    def requests(self) -> list[dict[str, Any]]:
        """Every API request logged since the last ``clear_requests()`` (control routes excluded)."""
        return list(self._call("GET", "/_emulator/requests")["requests"])

    def clear_requests(self) -> None:
        self._call("DELETE", "/_emulator/requests")


def request_line(r: dict[str, Any]) -> str:
    query = f"?{r['query']}" if r.get("query") else ""
    return f"{r['method']} {r['path']}{query}"


def duplicates(requests: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Requests sent more than once (same method, path and query), with their counts."""
    counts = Counter(request_line(r) for r in requests)
    return [(line, n) for line, n in counts.items() if n > 1]


@contextmanager
def served(scale: int, *, port: int | None = None, seed: int | None = None,
           latency_ms: int = 0) -> Iterator[Served]:
    """Serve an emulated tenant whose Deal Pipeline has ``scale`` entries, in a subprocess;
    ``latency_ms`` is added to every API request (Affinity answers in a few hundred ms)."""
    port = port or free_port()
    cmd = [AFFINITY_TUI, "emulator", "--port", str(port), "--scale", str(scale),
           "--per-minute", "10000000", "--monthly", "1000000000", "--latency-ms", str(latency_ms)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    handle = Served(base=base, key=DEMO_KEY, scale=scale, pid=proc.pid)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"emulator exited with {proc.returncode}: {err[-2000:]}")
            try:
                handle.info()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"emulator did not answer within {START_TIMEOUT}s") from None
                time.sleep(0.1)
        yield handle
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stderr:
            proc.stderr.close()


if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    started = time.perf_counter()
    with served(scale) as s:
        print(f"served scale={scale} at {s.base} in {time.perf_counter() - started:.2f}s: {s.info()}")
