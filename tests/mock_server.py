"""OpenAPI mock servers for the end-to-end tests, from the npm registry: Prism (@stoplight/prism-cli), and Steady
(@stdy/cli) for what Prism cannot serve (tests/REAL_APIS.md says which calls).

    python -m tests.mock_server install [steady]          # npm ci into .cache/ (pinned by tests/<mock>/package-lock.json)
    python -m tests.mock_server serve [steady] DOC [PORT]  # serve an OpenAPI document on 127.0.0.1 until Ctrl-C

Needs node and npm. An install is cached: it reruns only when that mock's package*.json change. Steady is a binary
(compiled with Deno) that npm installs from the registry package `@stdy/cli-<platform>-<arch>`, an optional
dependency of `@stdy/cli`: no install script, nothing fetched from elsewhere.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only


@dataclass(frozen=True)
class Mock:
    """One pinned mock server: its npm package (tests/<name>/package*.json), where it is installed, its entry
    script, the log line that says it listens, and its command line."""

    name: str
    package: Path
    cache: Path
    entry: Path
    ready: tuple[str, ...]  # a log line with one of these says it listens

    def command(self, document: Path, port: int, options: tuple[str, ...]) -> list[str]:
        if self.name == "prism":
            return ["node", str(self.entry), "mock", *options, "--host", HOST, "--port", str(port), str(document)]
        # Steady validates every request (an invalid one gets 400: --reject-on-sdk-error is its default) and answers
        # with the document's examples, else a response generated from the schema (--generator-seed: always the same).
        return ["node", str(self.entry), "--host", HOST, "--port", str(port), "--no-color", "--generator-seed", "1", *options, str(document)]


PRISM = Mock("prism", ROOT / "tests" / "prism", ROOT / ".cache" / "mock-server",
             ROOT / ".cache" / "mock-server" / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js",
             ("Prism is listening",))
STEADY = Mock("steady", ROOT / "tests" / "steady", ROOT / ".cache" / "steady",
              ROOT / ".cache" / "steady" / "node_modules" / "@stdy" / "cli" / "steady.js",
              # "Server listening at" is printed once the socket listens; "Ready ..." follows it, but not always
              # (seen once in CI: the first line and then nothing, the port open, for the 180 s of wait_ready).
              ("Server listening at", "Ready to accept requests"))
MOCKS = {mock.name: mock for mock in (PRISM, STEADY)}


class MockServerError(RuntimeError):
    pass


def tools_missing() -> str | None:
    """Why the mock server cannot be installed here, or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found on PATH" if missing else None


def install(mock: Mock = PRISM) -> Path:
    """`npm ci` the pinned mock into .cache/ (once; concurrent callers wait on a lock)."""
    mock.cache.mkdir(parents=True, exist_ok=True)
    stamp = mock.cache / ".installed"
    wanted = hashlib.sha256(b"".join((mock.package / n).read_bytes() for n in ("package.json", "package-lock.json")))
    with open(mock.cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if mock.entry.exists() and stamp.exists() and stamp.read_text() == wanted.hexdigest():
            return mock.entry
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(mock.package / name, mock.cache / name)
        env = {**os.environ, "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1"}
        result = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=mock.cache, env=env, check=False, capture_output=True, text=True, timeout=600,
        )
        if result.returncode != 0 or not mock.entry.exists():
            raise MockServerError(f"npm ci failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        stamp.write_text(wanted.hexdigest())
    return mock.entry


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """A running mock server: `url`, and everything it logged so far (`log()`), for failure messages."""

    def __init__(self, process: subprocess.Popen[str], url: str, mock: Mock = PRISM,
                 started_with: tuple[Path, tuple[str, ...]] | None = None) -> None:
        self.process = process
        self.url = url
        self.mock = mock
        self.started_with = started_with  # (document, options), for `restart`
        self._lines: list[str] = []
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)
            if any(marker in line for marker in self.mock.ready):
                self._ready.set()
        self._ready.set()

    def log(self, last: int = 60) -> str:
        return "".join(self._lines[-last:])

    def wait_ready(self, timeout: float) -> None:
        if not self._ready.wait(timeout) or self.process.poll() is not None:
            raise MockServerError(f"{self.mock.name} did not start (exit {self.process.poll()}):\n{self.log()}")


def start(document: Path, port: int | None = None, options: tuple[str, ...] = (), mock: Mock = PRISM) -> Server:
    """Start a mock server (Prism in static mode: responses are the document's examples) on 127.0.0.1 and return at
    once: the caller may do other work while it starts, then `wait_ready`, and must `stop` it. `options` go to the
    mock's command line (Prism: `--dynamic`: responses built from the schemas). In a session of its own, so that
    `stop` also ends what it started (Steady's node wrapper runs the binary as a child)."""
    install(mock)
    port = port or free_port()
    process = subprocess.Popen(mock.command(document, port, options), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True,
                               env={**os.environ, "SCARF_ANALYTICS": "false", "NO_COLOR": "1", "FORCE_COLOR": "0"})
    return Server(process, f"http://{HOST}:{port}", mock, (document, options))


def restart(server: Server) -> Server:
    """Stop a mock server (one that crashed) and start the same mock on the same document again (a new port)."""
    stop(server)
    assert server.started_with is not None
    document, options = server.started_with
    return start(document, None, options, server.mock)


def stop(server: Server) -> None:
    """End the mock server and whatever it started (its process group, which `start` made for it alone)."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.process.pid, sent)
        except ProcessLookupError:
            pass
        try:
            server.process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # the wrapper has gone; its child, if it outlived the wrapper, goes too
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def serve(document: Path, port: int | None = None, startup_timeout: float = 120.0,
          mock: Mock = PRISM) -> Iterator[Server]:
    """Run a mock server (Prism in static mode: responses are the document's examples) on 127.0.0.1; stop it
    afterwards."""
    server = start(document, port, mock=mock)
    try:
        server.wait_ready(startup_timeout)
        yield server
    finally:
        stop(server)


def strip_colors(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    mock = PRISM
    if argv[1:2] and argv[1] in MOCKS:
        mock = MOCKS[argv.pop(1)]
    if argv == ["install"]:
        print(install(mock))
        return 0
    if argv[:1] == ["serve"] and len(argv) in (2, 3):
        signal.signal(signal.SIGTERM, _interrupt)  # the mock runs in a session of its own: stop it on SIGTERM too
        with serve(Path(argv[1]), int(argv[2]) if len(argv) == 3 else None, mock=mock) as server:
            print(f"serving {argv[1]} at {server.url}; Ctrl-C stops", flush=True)
            try:
                while server.process.poll() is None:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
