"""Run a TUI under a pseudo-terminal (120×40) and time when given text first appears on it.

Used for cold starts: the clock starts just before ``fork``/``exec``, so interpreter start-up,
imports, building the app, the first screens and the bytes reaching the terminal all count.
A byte pattern "appears" when it is in the output stream; Textual writes a row's text as one run
of characters, so a cell's text is found as written.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class PtyRun:
    pid: int
    fd: int
    started: float
    output: bytearray = field(default_factory=bytearray)

    def wait_for(self, pattern: bytes, timeout: float = 60.0) -> float:
        """Seconds from the start until ``pattern`` first appeared in the output."""
        deadline = time.perf_counter() + timeout
        searched = 0
        while True:
            index = self.output.find(pattern, max(0, searched - len(pattern)))
            if index >= 0:
                return self._seen_at(index + len(pattern))
            searched = len(self.output)
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                tail = bytes(self.output[-400:])
                raise TimeoutError(f"{pattern!r} did not appear within {timeout}s; last output: {tail!r}")
            self.read(remaining)

    def _seen_at(self, end: int) -> float:
        for offset, at in self._marks:
            if offset >= end:
                return at - self.started
        return self._marks[-1][1] - self.started

    def read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        now = time.perf_counter()
        if not chunk:
            raise EOFError("the program closed its terminal")
        self.output += chunk
        self._marks.append((len(self.output), now))

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def stop(self, quit_keys: bytes = b"q", timeout: float = 10.0) -> int:
        """Ask the program to quit (``q``), else kill it; returns its exit status."""
        try:
            self.send(quit_keys)
        except OSError:
            pass
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                self.read(0.05)
            except EOFError:
                time.sleep(0.01)
        os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)

    def __post_init__(self) -> None:
        self._marks: list[tuple[int, float]] = []


def spawn(argv: Sequence[str], env: dict[str, str] | None = None, size: tuple[int, int] = (120, 40)) -> PtyRun:
    env = dict(os.environ if env is None else env)
    env.setdefault("TERM", "xterm-256color")
    env["COLUMNS"], env["LINES"] = str(size[0]), str(size[1])
    env.pop("TEXTUAL", None)
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execve(argv[0], list(argv), env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    return PtyRun(pid=pid, fd=fd, started=started)
