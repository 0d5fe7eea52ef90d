"""The emulator served over a real socket (uvicorn on 127.0.0.1) and the xaffinity CLI run
against it as a separate process: for tests of clients the emulator was not written with."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from affinity_tui.emulator import Emulator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(emu: Emulator) -> Iterator[str]:
    """Serve ``emu`` on a free port in a thread; yields its base URL (``http://127.0.0.1:PORT``)."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(emu, host="127.0.0.1", port=port, log_level="critical",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


def xaffinity() -> str | None:
    """The xaffinity CLI (affinity-sdk[cli]) next to this Python, else on PATH, else None."""
    local = Path(sys.executable).with_name("xaffinity")
    return str(local) if local.exists() else shutil.which("xaffinity")


def cli_runner(cli: str, emu: Emulator, base: str, home: Path) -> Any:
    """``run(*args)``: runs ``xaffinity --json *args`` against the served ``emu`` (its key and
    base URLs in the environment, a private home) and returns its JSON answer."""
    env = {**os.environ, "AFFINITY_API_KEY": emu.api_key, "AFFINITY_V1_BASE_URL": base,
           "AFFINITY_V2_BASE_URL": f"{base}/v2", "HOME": str(home), "XDG_CONFIG_HOME": str(home),
           "XDG_CACHE_HOME": str(home), "NO_COLOR": "1"}

    def run(*args: str) -> dict[str, Any]:
        done = subprocess.run([cli, "--json", *args], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout
        last = [line for line in done.stdout.splitlines() if line.startswith("{")][-1]
        return json.loads(last)  # type: ignore[no-any-return]

    return run
