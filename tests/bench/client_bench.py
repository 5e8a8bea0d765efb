"""Client benchmark (`make bench`): sequential `cancel_position_instruction` calls against a local keep-alive server.

Per-call time of the generated SDK (default transport, and with a caller-supplied httpx.Client), relative to raw
`httpx.Client` + `json.loads` of the same response measured in the same run; the Stainless SDK (`clearstreet`,
when installed) as the peer; and `import clear_street` time relative to `import httpx, pydantic`.
ROUNDS x CALLS calls each, in interleaved batches. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "generated" / "python"))

from tests.conftest import SEED_ENVELOPE

PEER_DIR = os.environ.get("BENCH_PEER_DIR")  # where `make bench` installed clearstreet==0.7.0 (pip --target)
if PEER_DIR:
    sys.path.append(PEER_DIR)
CALLS = int(os.environ.get("BENCH_CALLS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
BATCH = 100
INSTRUCTION_ID = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
BODY = json.dumps(SEED_ENVELOPE).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n"
    + BODY
)


class FastServer:
    """A minimal keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with one canned envelope in a
    single write (TCP_NODELAY), so the server costs little and the clients are what is measured."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                conn.sendall(RESPONSE)


def serve_forever(port_out: multiprocessing.connection.Connection) -> None:
    server = FastServer()
    port_out.send(server.url)
    threading.Event().wait()


def start_server() -> tuple[str, multiprocessing.Process]:
    """The server runs in its own process, so that it does not compete with the clients for the GIL."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(target=serve_forever, args=(sender,), daemon=True)
    process.start()
    return receiver.recv(), process


def per_call(candidates: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median time per call in microseconds, over batches of BATCH calls: the candidates take turns batch by batch
    (ROUNDS x CALLS calls each in all), so that the load of a shared machine, which drifts over seconds, touches
    them all alike."""
    for fn in candidates.values():
        for _ in range(200):
            fn()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(ROUNDS * CALLS // BATCH):
        for name, fn in candidates.items():
            started = time.perf_counter()
            for _ in range(BATCH):
                fn()
            times[name].append((time.perf_counter() - started) / BATCH * 1e6)
    return {name: statistics.median(values) for name, values in times.items()}


def import_time(statement: str) -> float:
    """Median wall time of a fresh interpreter running `statement`, minus a bare interpreter's, in ms."""
    path = os.pathsep.join([str(ROOT / "generated" / "python"), *([PEER_DIR] if PEER_DIR else [])])
    env = {**os.environ, "PYTHONPATH": path}

    def run(code: str) -> float:
        samples = []
        for _ in range(7):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    return run(statement) - run("pass")


def main() -> None:
    import clear_street
    import httpx

    url, process = start_server()
    path = f"/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}"
    http = httpx.Client()
    default = clear_street.ClearStreet(api_key="bench", base_url=url)
    own = clear_street.ClearStreet(api_key="bench", base_url=url, http_client=httpx.Client())
    candidates: dict[str, Callable[[], object]] = {
        "raw httpx.Client + json.loads": lambda: json.loads(http.delete(url + path).content),
        "clear_street (default transport)": lambda: default.v1.positions.cancel_position_instruction(
            INSTRUCTION_ID, account_id=0
        ),
        "clear_street (caller's httpx.Client)": lambda: own.v1.positions.cancel_position_instruction(
            INSTRUCTION_ID, account_id=0
        ),
    }
    try:
        import clearstreet  # type: ignore[import-not-found]
    except ImportError:
        print("(clearstreet==0.7.0, the Stainless SDK, is not installed: `pip install clearstreet==0.7.0` to compare)")
    else:
        peer = clearstreet.ClearStreet(api_key="bench", base_url=url)
        candidates["clearstreet 0.7.0 (Stainless)"] = lambda: peer.v1.positions.cancel_position_instruction(
            INSTRUCTION_ID, account_id=0
        )
    results = per_call(candidates)

    floor = results["raw httpx.Client + json.loads"]
    print(f"per call, {ROUNDS} x {CALLS} sequential calls each, median over batches of {BATCH}"
          " (keep-alive loopback DELETE):")
    for name, value in results.items():
        print(f"  {name:40} {value:8.1f} us  {value / floor:5.2f}x raw httpx")
    peer_time = results.get("clearstreet 0.7.0 (Stainless)")
    if peer_time:
        ours = results["clear_street (default transport)"]
        print(f"  clear_street / Stainless: {ours / peer_time:.2f}x")

    floor_import = import_time("import httpx, pydantic")
    ours_import = import_time("import clear_street")
    print("import time (fresh interpreter, minus a bare one):")
    print(f"  import httpx, pydantic {floor_import:7.1f} ms")
    print(f"  import clear_street    {ours_import:7.1f} ms  {ours_import / floor_import:5.2f}x the floor")
    if peer_time:
        peer_import = import_time("import clearstreet")
        print(f"  import clearstreet     {peer_import:7.1f} ms  {peer_import / floor_import:5.2f}x the floor")
    process.terminate()


if __name__ == "__main__":
    main()
