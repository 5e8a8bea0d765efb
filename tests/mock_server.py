"""An OpenAPI mock server for the end-to-end tests: Prism (@stoplight/prism-cli) from the npm registry.

    python -m tests.mock_server install          # npm ci into .cache/mock-server (pinned by tests/prism/package-lock.json)
    python -m tests.mock_server serve DOC [PORT]  # serve an OpenAPI document on 127.0.0.1 until Ctrl-C

Needs node and npm. The install is cached: it reruns only when tests/prism/package*.json change.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tests" / "prism"
CACHE = ROOT / ".cache" / "mock-server"
ENTRY = CACHE / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
HOST = "127.0.0.1"  # loopback only


class MockServerError(RuntimeError):
    pass


def tools_missing() -> str | None:
    """Why the mock server cannot be installed here, or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found on PATH" if missing else None


def install() -> Path:
    """`npm ci` the pinned Prism into .cache/mock-server (once; concurrent callers wait on a lock)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp = CACHE / ".installed"
    wanted = hashlib.sha256(b"".join((PACKAGE / n).read_bytes() for n in ("package.json", "package-lock.json")))
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ENTRY.exists() and stamp.exists() and stamp.read_text() == wanted.hexdigest():
            return ENTRY
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(PACKAGE / name, CACHE / name)
        env = {**os.environ, "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1"}
        result = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=CACHE, env=env, check=False, capture_output=True, text=True, timeout=600,
        )
        if result.returncode != 0 or not ENTRY.exists():
            raise MockServerError(f"npm ci failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        stamp.write_text(wanted.hexdigest())
    return ENTRY


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """A running Prism: `url`, and everything it logged so far (`log()`), for failure messages."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self._lines: list[str] = []
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)
            if "Prism is listening" in line:
                self._ready.set()
        self._ready.set()

    def log(self, last: int = 60) -> str:
        return "".join(self._lines[-last:])

    def wait_ready(self, timeout: float) -> None:
        if not self._ready.wait(timeout) or self.process.poll() is not None:
            raise MockServerError(f"Prism did not start (exit {self.process.poll()}):\n{self.log()}")


def start(document: Path, port: int | None = None, options: tuple[str, ...] = ()) -> Server:
    """Start Prism in static mode (responses are the document's examples) on 127.0.0.1 and return at once: the
    caller may do other work while it starts, then `wait_ready`, and must `stop` it. `options` go to `prism mock`
    (`--ignoreExamples`: static responses built from the schemas)."""
    entry = install()
    port = port or free_port()
    command = ["node", str(entry), "mock", *options, "--host", HOST, "--port", str(port), str(document)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "SCARF_ANALYTICS": "false", "NO_COLOR": "1", "FORCE_COLOR": "0"})
    return Server(process, f"http://{HOST}:{port}")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def serve(document: Path, port: int | None = None, startup_timeout: float = 120.0) -> Iterator[Server]:
    """Run Prism in static mode (responses are the document's examples) on 127.0.0.1; stop it afterwards."""
    server = start(document, port)
    try:
        server.wait_ready(startup_timeout)
        yield server
    finally:
        stop(server)


def strip_colors(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        print(install())
        return 0
    if argv[:1] == ["serve"] and len(argv) in (2, 3):
        with serve(Path(argv[1]), int(argv[2]) if len(argv) == 3 else None) as server:
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
