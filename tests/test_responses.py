"""Responses without an envelope, and responses other than JSON (text, binary downloads, server-sent event streams),
on every client kind against a real HTTP server on 127.0.0.1 that streams its answers."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT
from tests.test_sdk_runtime import KINDS, Harness

SPEC = ROOT / "tests" / "golden" / "envelope_free" / "spec.yaml"
WAIT = 10.0  # seconds the server waits for the client at each step; a failure shows as a timeout, not a hang


@pytest.fixture(scope="session")
def envelope_free(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("envelope_free_sdk")
    generate(SPEC, out)
    sys.path.insert(0, str(out / "python"))
    return importlib.import_module("envelope_free")


# --- a server that streams ---------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Callable[["StreamingHandler"], None]


@dataclass
class StreamingServer:
    """Routes by path to functions that write the answer themselves, so a test controls when each byte goes out."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    client_closed: threading.Event = field(default_factory=threading.Event)
    client_got_first_chunk: threading.Event = field(default_factory=threading.Event)
    released: list[bool] = field(default_factory=list)  # per download: did the client read the start before the end?

    def __post_init__(self) -> None:
        server = self

        class Handler(StreamingHandler):
            owner = server

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class StreamingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: StreamingServer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        self.owner.requests.append(Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                           body))
        self.owner.routes[path](self)

    do_GET = do_POST = do_DELETE = _handle

    def log_message(self, *args: Any) -> None:
        pass

    def json(self, data: Any, status: int = 200) -> None:
        self.whole(json.dumps(data).encode(), "application/json", status)

    def whole(self, payload: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def chunk(self, data: bytes) -> None:
        """One chunk of a chunked body; a client that hung up already is recorded as having closed."""
        try:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.owner.client_closed.set()

    def wait_for_close(self) -> None:
        """Hold the connection open until the client closes it (the server reads EOF), and record that."""
        self.connection.settimeout(WAIT)
        try:
            if self.connection.recv(1) == b"":
                self.owner.client_closed.set()
        except ConnectionResetError:  # closed with data it had not read: the kernel answers with a reset
            self.owner.client_closed.set()
        except (TimeoutError, OSError):
            pass
        self.close_connection = True


@pytest.fixture
def streaming() -> Iterator[StreamingServer]:
    server = StreamingServer()
    yield server
    server.close()


@pytest.fixture(params=KINDS)
def ef(request: pytest.FixtureRequest, envelope_free: Any, streaming: StreamingServer) -> Iterator[Harness]:
    harness = Harness(request.param, envelope_free, "EnvelopeFree", streaming)  # type: ignore[arg-type]
    yield harness
    if harness.loop is not None:  # as asyncio.run does: httpx's own byte iterators are async generators
        harness.loop.run_until_complete(harness.loop.shutdown_asyncgens())
    harness.close()


def note(note_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": note_id, "text": f"text of {note_id}", "status": "draft", **extra}


# --- JSON without an envelope ------------------------------------------------------------------------------------


def test_methods_return_their_response_types_themselves(ef: Harness, streaming: StreamingServer) -> None:
    sdk = ef.sdk
    streaming.routes.update({
        "/notes/n1": lambda h: h.json(note("n1")),
        "/notes": lambda h: h.json([note("n1"), note("n2")] if h.command == "GET" else {"id": "n3", "created": True}),
        "/notes/counts": lambda h: h.json({"draft": 2, "published": 5}),
        "/notes/n1/title": lambda h: h.json("A title"),
        "/notes/find": lambda h: h.json([note("n1")] if "many" in h.path else note("n2")),
        "/notes/lookup": lambda h: h.json([note("n4")]),
    })
    client = ef.client()

    got = ef.run(client.notes.get("n1"))
    assert type(got) is sdk.types.Note and (got.id, got.status) == ("n1", "draft")
    listed = ef.run(client.notes.list(status="draft"))
    assert type(listed) is list and [n.id for n in listed] == ["n1", "n2"] and type(listed[0]) is sdk.types.Note
    created = ef.run(client.notes.create(text="hi"))
    assert type(created).__name__ == "NoteCreateResponse" and (created.id, created.created) == ("n3", True)
    assert ef.run(client.notes.counts()) == {"draft": 2, "published": 5}
    assert ef.run(client.notes.title("n1")) == "A title"
    one = ef.run(client.notes.find(q="one"))
    many = ef.run(client.notes.find(q="many"))
    assert type(one) is sdk.types.Note and type(many) is list and many[0].id == "n1"
    assert [n.id for n in ef.run(client.notes.lookup(q="x"))] == ["n4"]
    assert streaming.requests[2].body == b'{"text":"hi"}'
    assert all(r.headers["accept"] == "application/json" for r in streaming.requests)


def test_unknown_fields_and_enum_values_are_kept_without_an_envelope(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/notes"] = lambda h: h.json([note("n1", status="archived", color="red")])
    streaming.routes["/notes/n1"] = lambda h: h.json(note("n1", status="archived"))

    [listed] = ef.run(ef.client().notes.list())
    assert (listed.status, listed.model_extra) == ("archived", {"color": "red"})
    assert ef.run(ef.client().notes.get("n1")).status == "archived"
    with pytest.raises(ef.sdk.APIResponseValidationError):
        ef.run(ef.client(strict_response_validation=True).notes.get("n1"))


def test_a_response_of_the_wrong_shape_raises(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/notes"] = lambda h: h.json({"not": "a list"})
    streaming.routes["/notes/counts"] = lambda h: h.whole(b"<html>", "text/html")

    with pytest.raises(ef.sdk.APIResponseValidationError, match="Response does not match list"):
        ef.run(ef.client().notes.list())
    with pytest.raises(ef.sdk.APIResponseValidationError, match="Expected a JSON response body"):
        ef.run(ef.client().notes.counts())


def test_errors_are_typed_and_carry_the_json_body(ef: Harness, streaming: StreamingServer) -> None:
    body = {"message": "no such note", "code": "missing"}
    streaming.routes["/notes/nope"] = lambda h: h.json(body, status=404)
    streaming.routes["/notes/nope/render"] = lambda h: h.json(body, status=404)

    with pytest.raises(ef.sdk.NotFoundError) as caught:
        ef.run(ef.client().notes.get("nope"))
    assert caught.value.body == body and caught.value.status_code == 404
    assert str(caught.value) == "Error code: 404 - no such note"
    assert not hasattr(caught.value, "request_id")  # envelope fields exist only with an envelope
    with pytest.raises(ef.sdk.NotFoundError) as caught:
        ef.run(ef.client().notes.render("nope"))
    assert caught.value.body == body


def test_a_method_without_a_response_returns_none(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/notes/n1"] = lambda h: h.whole(b"", "application/json", 204)
    assert ef.run(ef.client().notes.delete("n1")) is None


def test_raw_responses_parse_into_the_return_value(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/notes"] = lambda h: h.json([note("n1")])
    streaming.routes["/notes/n1/render"] = lambda h: h.whole("héllo\n".encode(), "text/plain; charset=utf-8")

    raw = ef.run(ef.client().notes.with_raw_response.list())
    assert raw.status_code == 200 and raw.json() == [note("n1")]
    assert raw.parse()[0].id == "n1"
    raw_text = ef.run(ef.client().notes.with_raw_response.render("n1"))
    assert raw_text.parse() == "héllo\n" and raw_text.headers["content-type"].startswith("text/plain")


# --- text --------------------------------------------------------------------------------------------------------


def test_text_response_returns_str(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/notes/n1/render"] = lambda h: h.whole("Ünïcode\r\nline two".encode("latin-1"),
                                                             "text/plain; charset=latin-1")

    assert ef.run(ef.client().notes.render("n1")) == "Ünïcode\r\nline two"
    assert streaming.requests[0].headers["accept"] == "text/*, */*;q=0.5"


# --- binary ------------------------------------------------------------------------------------------------------

BLOB = bytes(range(256)) * 4096 * 2  # 2 MiB
FIRST = 64 * 1024


def send_blob_in_two_parts(streaming: StreamingServer) -> Route:
    """The first 64 KiB, then the rest only once the client says it has read a first chunk: a client that waited
    for the whole body would time out here instead."""

    def route(h: StreamingHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(BLOB)))
        h.end_headers()
        h.wfile.write(BLOB[:FIRST])
        h.wfile.flush()
        streaming.released.append(streaming.client_got_first_chunk.wait(WAIT))
        h.wfile.write(BLOB[FIRST:])

    return route


def test_binary_download_streams_to_a_file(ef: Harness, streaming: StreamingServer, tmp_path: Path) -> None:
    streaming.routes["/notes/export"] = send_blob_in_two_parts(streaming)
    client = ef.client()
    target = tmp_path / "export.bin"

    download = ef.run(client.notes.export())
    assert type(download).__name__ == ("AsyncBinaryResponse" if ef.is_async else "BinaryResponse")
    assert download.content_type == "application/octet-stream"
    chunks: list[bytes] = []

    async def read_async() -> None:
        async with download:
            iterator = download.iter_bytes()
            chunks.append(await iterator.__anext__())
            streaming.client_got_first_chunk.set()
            chunks.extend([chunk async for chunk in iterator])

    if ef.is_async:
        ef.run(read_async())
    else:
        with download:
            iterator = download.iter_bytes()
            chunks.append(next(iterator))
            streaming.client_got_first_chunk.set()
            chunks.extend(iterator)
    assert streaming.released == [True], "the client read the whole body before returning"
    assert b"".join(chunks) == BLOB and len(chunks) > 2 and len(chunks[0]) <= FIRST

    streaming.client_got_first_chunk.set()  # the second download need not wait
    ef.run(ef.run(client.notes.export()).write_to_file(target))
    assert target.read_bytes() == BLOB
    assert ef.run(ef.run(client.notes.export()).read()) == BLOB
    assert all(r.headers["accept"] == "*/*" for r in streaming.requests)


def test_closing_a_download_early_closes_the_connection(ef: Harness, streaming: StreamingServer) -> None:
    def route(h: StreamingHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", str(len(BLOB)))
        h.end_headers()
        h.wfile.write(BLOB[:FIRST])
        h.wfile.flush()
        h.wait_for_close()

    streaming.routes["/notes/export"] = route
    download = ef.run(ef.client().notes.export())
    ef.run(download.close())
    assert streaming.client_closed.wait(WAIT)


# --- server-sent events ------------------------------------------------------------------------------------------


def sse_then_hold(h: StreamingHandler) -> None:
    """Three events (with a comment, a multi-line data field, CRLF and CR line ends, ids), then [DONE]; then the
    connection stays open until the client closes it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.chunk(b": keep-alive\n\n")
    h.chunk(b'id: 1\nevent: chunk\ndata: {"index": 0, "delta": "Hel"}\n\n')
    h.chunk(b'data: {"index": 1,\r\ndata:  "delta": "lo"}\r\n\r\n')
    h.chunk(b'id: 3\rdata: {"index": 2, "delta": "!", "extra": true}\r\r')
    h.chunk(b"data: [DONE]\n\n")
    h.wait_for_close()


def test_event_stream_yields_typed_events_and_closes_the_connection(ef: Harness,
                                                                    streaming: StreamingServer) -> None:
    streaming.routes["/chat"] = sse_then_hold
    client = ef.client()

    async def collect_async() -> list[Any]:
        async with await client.chat.stream(prompt="hi") as stream:
            return [event async for event in stream]

    if ef.is_async:
        events = ef.run(collect_async())
    else:
        with client.chat.stream(prompt="hi") as stream:
            events = list(stream)
    assert [(e.index, e.delta) for e in events] == [(0, "Hel"), (1, "lo"), (2, "!")]
    assert all(type(e) is ef.sdk.types.ChatChunk for e in events) and events[2].model_extra == {"extra": True}
    assert streaming.client_closed.wait(WAIT), "the server did not see the connection close"
    assert streaming.requests[0].headers["accept"] == "text/event-stream"
    assert streaming.requests[0].body == b'{"prompt":"hi"}'


def test_leaving_a_stream_early_closes_the_connection(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/chat"] = sse_then_hold
    client = ef.client()

    async def first_async() -> Any:
        async with await client.chat.stream(prompt="hi") as stream:
            async for event in stream:
                return event
        return None

    if ef.is_async:
        first = ef.run(first_async())
    else:
        with client.chat.stream(prompt="hi") as stream:
            first = next(stream)
    assert first.delta == "Hel"
    assert streaming.client_closed.wait(WAIT)


def test_raw_events_and_untyped_streams(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/events"] = sse_then_hold
    client = ef.client()

    async def collect_async() -> tuple[list[Any], list[Any]]:
        async with await client.chat.events() as stream:
            items = [item async for item in stream]
        async with await client.chat.events() as stream:
            raw = [event async for event in stream.events()]
        return items, raw

    if ef.is_async:
        items, raw = ef.run(collect_async())
    else:
        with client.chat.events() as stream:
            items = list(stream)
        with client.chat.events() as stream:
            raw = list(stream.events())
    assert items == [{"index": 0, "delta": "Hel"}, {"index": 1, "delta": "lo"},
                     {"index": 2, "delta": "!", "extra": True}]
    assert [(e.event, e.id) for e in raw] == [("chunk", "1"), ("message", "1"), ("message", "3")]
    assert raw[1].data == '{"index": 1,\n "delta": "lo"}'


def test_an_error_status_on_a_stream_raises_with_the_body(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/chat"] = lambda h: h.json({"error": {"message": "bad prompt"}}, status=400)
    with pytest.raises(ef.sdk.BadRequestError) as caught:
        ef.run(ef.client().chat.stream(prompt=""))
    assert caught.value.body == {"error": {"message": "bad prompt"}} and "bad prompt" in str(caught.value)


def test_raw_response_of_a_stream_parses_into_the_stream(ef: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/chat"] = sse_then_hold
    raw = ef.run(ef.client().chat.with_raw_response.stream(prompt="hi"))
    assert raw.headers["content-type"] == "text/event-stream"
    stream = raw.parse()

    async def collect_async() -> list[Any]:
        async with stream:
            return [e.delta async for e in stream]

    deltas = ef.run(collect_async()) if ef.is_async else [e.delta for e in stream]
    assert deltas == ["Hel", "lo", "!"]


# --- the SSE decoder ---------------------------------------------------------------------------------------------


def decode(sdk: Any, chunks: list[bytes]) -> list[tuple[str, str, str, int | None]]:
    from importlib import import_module

    streaming_module = import_module(sdk.__name__ + "._streaming")
    events = streaming_module.SSEDecoder().iter_events(chunks)
    return [(e.event, e.data, e.id, e.retry) for e in events]


def test_sse_decoder_follows_the_whatwg_rules(envelope_free: Any) -> None:
    text = ("\ufeffdata: a\r\n: comment\r\ndata\r\ndata:b\r\n\r\n"  # BOM, empty data line, no space after colon
            "event: x\nid: 7\nretry: 1500\ndata: c\n\n"
            "id: bad\0id\nretry: soon\ndata: d\n\n"  # an id with NUL and a retry that is not a number are ignored
            "event: empty\n\n"  # no data: not dispatched
            "data: e\nunknown: field\n\n"
            "data: never dispatched")  # the stream ends in the middle of an event
    expected = [("message", "a\n\nb", "", None), ("x", "c", "7", 1500), ("message", "d", "7", 1500),
                ("message", "e", "7", 1500)]
    whole = text.encode()
    assert decode(envelope_free, [whole]) == expected
    assert decode(envelope_free, [whole[i:i + 1] for i in range(len(whole))]) == expected  # byte by byte
    assert decode(envelope_free, [b"data: 1\r", b"\ndata: 2\r", b"\r"]) == [("message", "1\n2", "", None)]


def test_the_sync_default_transport_does_not_preload_a_stream(envelope_free: Any,
                                                              streaming: StreamingServer) -> None:
    """The urllib3 transport hands the stream over as soon as the headers arrive."""
    gate = threading.Event()

    def route(h: StreamingHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.chunk(b'data: {"index": 0, "delta": "a"}\n\n')
        gate.wait(WAIT)
        h.chunk(b"data: [DONE]\n\n")
        h.chunk(b"")

    streaming.routes["/chat"] = route
    with envelope_free.EnvelopeFree(api_key="k", base_url=streaming.url) as client:
        with client.chat.stream(prompt="x") as stream:
            first = next(stream)
            gate.set()
            assert first.delta == "a" and list(stream) == []
        # Read to its end, the connection goes back to the pool and serves the next call.
        streaming.routes["/notes/n1/title"] = lambda h: h.json("t")
        assert client.notes.title("n1") == "t"


# --- the CLI -----------------------------------------------------------------------------------------------------


def cli(streaming: StreamingServer, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The golden tree's CLI, run as `python -m envelope_free_cli`."""
    expected = ROOT / "tests" / "golden" / "envelope_free" / "expected"
    env = {**os.environ, "PYTHONPATH": f"{expected / 'python'}:{expected / 'cli'}", "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "envelope_free_cli", *args, "--base-url", streaming.url, "--api-key", "k"]
    return subprocess.run(command, capture_output=True, env=env, timeout=60, check=False)


def test_cli_prints_text_bytes_and_events(streaming: StreamingServer, tmp_path: Path) -> None:
    small = bytes(range(256)) * 300
    streaming.routes["/notes/n1/render"] = lambda h: h.whole("héllo\nworld".encode(), "text/plain; charset=utf-8")
    streaming.routes["/notes/export"] = lambda h: h.whole(small, "application/octet-stream")
    streaming.routes["/chat"] = sse_then_hold
    streaming.routes["/notes"] = lambda h: h.json([note("n1"), note("n2")])

    text = cli(streaming, "notes", "render", "--note-id", "n1")
    assert (text.returncode, text.stdout) == (0, "héllo\nworld\n".encode()), text.stderr
    download = cli(streaming, "notes", "export")
    assert (download.returncode, download.stdout) == (0, small), download.stderr
    target = tmp_path / "out.bin"
    to_file = cli(streaming, "notes", "export", "--output", str(target))
    assert (to_file.returncode, to_file.stdout, target.read_bytes()) == (0, b"", small), to_file.stderr
    events = cli(streaming, "chat", "stream", "--prompt", "hi")
    assert events.returncode == 0, events.stderr
    assert [json.loads(line) for line in events.stdout.splitlines()] == [
        {"index": 0, "delta": "Hel"}, {"index": 1, "delta": "lo"}, {"index": 2, "delta": "!", "extra": True}]
    listed = cli(streaming, "notes", "list", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == ["n1", "n2"], listed.stderr


def test_cli_reports_an_error_body_without_an_envelope(streaming: StreamingServer) -> None:
    streaming.routes["/notes/nope"] = lambda h: h.json({"message": "no such note"}, status=404)
    result = cli(streaming, "notes", "get", "--note-id", "nope")
    assert result.returncode == 1 and b"HTTP 404" in result.stderr and b"no such note" in result.stderr


def test_readme_examples_run_against_the_local_server(streaming: StreamingServer) -> None:
    expected = ROOT / "tests" / "golden" / "envelope_free" / "expected"
    examples = re.findall(r"```python\n(.*?)```", (expected / "python" / "README.md").read_text(), flags=re.DOTALL)
    assert len(examples) >= 4, "usage, async, errors, raw response"
    streaming.routes["/notes/note_id"] = lambda h: h.json(note("note_id"))
    env = {**os.environ, "PYTHONPATH": str(expected / "python"), "ENVELOPE_FREE_BASE_URL": streaming.url,
           "PYTHONDONTWRITEBYTECODE": "1"}
    for example in examples:
        result = subprocess.run([sys.executable, "-c", example], env=env, capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, f"README example failed:\n{example}\n{result.stderr}"
    assert len(streaming.requests) == len(examples)


def test_other_media_types_of_a_json_method_are_reachable_raw(ef: Harness, streaming: StreamingServer) -> None:
    """JSON wins in the spec; asking for another media type (Accept in extra_headers), the raw response has it."""

    def route(h: StreamingHandler) -> None:
        if h.headers["Accept"] == "application/xml":
            h.whole(b"<note id='n1'/>", "application/xml")
        else:
            h.json(note("n1"))

    streaming.routes["/notes/n1"] = route
    client = ef.client()
    raw = ef.run(client.notes.with_raw_response.get("n1", extra_headers={"Accept": "application/xml"}))
    assert (raw.headers["content-type"], raw.content, raw.text) == ("application/xml", b"<note id='n1'/>",
                                                                    "<note id='n1'/>")
    assert ef.run(client.notes.get("n1")).id == "n1"
