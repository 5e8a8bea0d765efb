"""Operations that answer JSON or `text/event-stream`, as the body's `"stream": true` asks (OpenAI's create
operations): the importer emits the JSON method and a `{name}_stream` method that always sends `"stream": true`
(spec key `body_values`), and the generated SDK streams typed events from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.openapi import import_openapi, write_spec
from generator.pipeline import generate
from tests.test_responses import WAIT, StreamingHandler, StreamingServer, sse_then_hold
from tests.test_sdk_runtime import KINDS, Harness

CHUNK = {"type": "object", "properties": {"index": {"type": "integer"}, "delta": {"type": "string"}}}
REPLY = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "text": {"type": "string"}}}
STREAM = {"type": "boolean", "nullable": True, "default": False, "description": "Stream the reply as events."}


def _answers() -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Reply"}},
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3", "info": {"title": "Chatter", "version": "1"}, "servers": [{"url": "https://c.example"}],
    "security": [{"Key": []}],
    "components": {"securitySchemes": {"Key": {"type": "http", "scheme": "bearer"}}, "schemas": {
        "Chunk": CHUNK, "Reply": REPLY,
        "Base": {"type": "object", "required": ["model"], "properties": {"model": {"type": "string"}}},
        # A body the importer keeps as one root parameter (it may be null, and `model` is required): `stream` is
        # found through its members.
        "CompletionRequest": {"allOf": [{"$ref": "#/components/schemas/Base"},
                                      {"type": "object", "properties": {"prompt": {"type": "string"},
                                                                        "stream": STREAM}}]},
    }},
    "paths": {
        "/chat": {"post": {
            "operationId": "createChat", "tags": ["chat"],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["prompt"],
                "properties": {"prompt": {"type": "string"}, "stream": STREAM}}}}},
            "responses": _answers()}},
        "/complete": {"post": {
            "operationId": "complete", "tags": ["chat"],
            "requestBody": {"content": {"application/json": {"schema": {
                "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/CompletionRequest"}]}}}},
            "responses": _answers()}},
        "/transcribe": {"post": {
            "operationId": "transcribe", "tags": ["audio"],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"},
                               "stream": {"anyOf": [{"type": "boolean"}, {"type": "null"}]}}}}}},
            "responses": _answers()}},
        # An operation named as the stream method would be keeps its name; the stream method takes another.
        "/taken": {"post": {"operationId": "taken", "tags": ["audio"], "responses": _answers()}},
        "/taken/stream": {"post": {"operationId": "takenStream", "tags": ["audio"], "responses": {
            "204": {"description": "done"}}}},
    },
}


def _import(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    source = tmp_path / "chatter.yaml"
    source.write_text(json.dumps(DOCUMENT))
    naming = tmp_path / "naming.yaml"  # methods named as the operationIds, under their tags
    naming.write_text("naming: operation_id\n")
    result = import_openapi(source, naming)
    out = tmp_path / "chatter.spec.yaml"
    assert write_spec(result, source, out) == []  # it validates
    return result.spec, out


def test_json_or_event_stream_gives_two_methods(tmp_path: Path) -> None:
    spec, _ = _import(tmp_path)
    chat = spec["resources"]["chat"]["methods"]
    assert list(chat) == ["create_chat", "create_chat_stream", "complete", "complete_stream"]
    assert chat["create_chat"]["params"]["stream"]["in"] == "body"  # the JSON method is as it was
    assert "response_format" not in chat["create_chat"] and "body_values" not in chat["create_chat"]
    assert chat["create_chat"]["response"] == {"$ref": "#/schemas/Reply"}
    stream = chat["create_chat_stream"]
    assert list(stream["params"]) == ["prompt"] and stream["body_values"] == {"stream": True}
    assert stream["response_format"] == "event_stream" and stream["response"] == {"$ref": "#/schemas/Chunk"}
    assert stream["http"] == "POST /chat"
    assert list(chat["complete_stream"]["params"]) == ["completion"]  # a root body: the value goes over it
    assert chat["complete_stream"]["body_values"] == {"stream": True}
    audio = spec["resources"]["audio"]["methods"]
    assert audio["transcribe_stream"]["request_format"] == "multipart"
    assert list(audio["transcribe_stream"]["params"]) == ["file"]
    assert audio["transcribe_stream"]["body_values"] == {"stream": True}
    # No `stream` field: the method has the same parameters and sends none; a taken name gets a suffix.
    assert list(audio) == ["transcribe", "transcribe_stream", "taken", "taken_stream_2", "taken_stream"]
    assert "body_values" not in audio["taken_stream_2"] and audio["taken_stream"]["http"] == "POST /taken/stream"


def test_an_override_of_the_operation_renames_both_methods(tmp_path: Path) -> None:
    """The overrides file's entry for an operationId applies to the JSON method; the stream method follows it."""
    source = tmp_path / "chatter.json"
    source.write_text(json.dumps(DOCUMENT))
    config = tmp_path / "overrides.yaml"
    config.write_text("naming: operation_id\nmethods:\n  createChat:\n    name: talk\n    resource: talks\n")
    result = import_openapi(source, config)
    talks = result.spec["resources"]["talks"]["methods"]
    assert list(talks) == ["talk", "talk_stream"] and talks["talk_stream"]["body_values"] == {"stream": True}
    assert "create_chat" not in result.spec["resources"]["chat"]["methods"]


# --- the generated SDK against a real server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def chatter_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("chatter")
    _, spec = _import(tmp)
    generate(spec, tmp / "out")
    return tmp / "out"


@pytest.fixture(scope="module")
def chatter(chatter_out: Path) -> Any:
    sys.path.insert(0, str(chatter_out / "python"))
    return importlib.import_module("chatter")


def test_the_docs_say_what_the_body_always_carries(chatter_out: Path) -> None:
    docs = (chatter_out / "docs" / "python" / "chat.md").read_text()
    stream = docs[docs.index('<a id="create_chat_stream">'):docs.index('<a id="complete">')]
    assert "- `prompt: str`\n\nThe body always carries `stream: true` (not a parameter).\n\n### Returns" in stream
    assert "always carries" not in docs[:docs.index('<a id="create_chat_stream">')]


@pytest.fixture
def streaming() -> Iterator[StreamingServer]:
    server = StreamingServer()
    yield server
    server.close()


@pytest.fixture(params=KINDS)
def ch(request: pytest.FixtureRequest, chatter: Any, streaming: StreamingServer) -> Iterator[Harness]:
    harness = Harness(request.param, chatter, "Chatter", streaming)  # type: ignore[arg-type]
    yield harness
    if harness.loop is not None:
        harness.loop.run_until_complete(harness.loop.shutdown_asyncgens())
    harness.close()


def _events(ch: Harness, call: Any) -> list[Any]:
    async def collect() -> list[Any]:
        async with await call() as stream:
            return [event async for event in stream]

    if ch.is_async:
        return ch.run(collect())  # type: ignore[no-any-return]
    with call() as stream:
        return list(stream)


def _check_events(ch: Harness, streaming: StreamingServer, events: list[Any]) -> None:
    assert [(e.index, e.delta) for e in events] == [(0, "Hel"), (1, "lo"), (2, "!")]
    assert all(type(e) is ch.sdk.types.Chunk for e in events)
    assert streaming.client_closed.wait(WAIT), "the server did not see the connection close"
    assert streaming.requests[0].headers["accept"] == "text/event-stream"


def test_the_stream_method_sends_stream_true_and_yields_typed_events(ch: Harness,
                                                                      streaming: StreamingServer) -> None:
    streaming.routes["/chat"] = sse_then_hold
    client = ch.client()
    events = _events(ch, lambda: client.chat.create_chat_stream(prompt="hi"))
    _check_events(ch, streaming, events)
    assert streaming.requests[0].body == b'{"prompt":"hi","stream":true}'
    assert streaming.requests[0].headers["content-type"] == "application/json"


def test_the_stream_method_merges_stream_true_over_a_root_body(ch: Harness, streaming: StreamingServer) -> None:
    streaming.routes["/complete"] = sse_then_hold
    client = ch.client()
    events = _events(ch, lambda: client.chat.complete_stream(completion={"model": "m", "prompt": "hi", "stream": False}))
    _check_events(ch, streaming, events)
    assert streaming.requests[0].body == b'{"model":"m","prompt":"hi","stream":true}'


def test_the_stream_method_of_a_multipart_body_sends_a_stream_part(ch: Harness,
                                                                    streaming: StreamingServer) -> None:
    streaming.routes["/transcribe"] = sse_then_hold
    client = ch.client()
    events = _events(ch, lambda: client.audio.transcribe_stream(file=("a.wav", b"RIFF", "audio/wav")))
    _check_events(ch, streaming, events)
    request = streaming.requests[0]
    boundary = request.headers["content-type"].split("boundary=", 1)[1].encode()
    assert request.body == (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\nRIFF\r\n"
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="stream"\r\n\r\ntrue\r\n'
        b"--" + boundary + b"--\r\n")


def test_the_json_method_is_unchanged(ch: Harness, streaming: StreamingServer) -> None:
    def reply(h: StreamingHandler) -> None:
        h.json({"id": "r1", "text": "Hello!"})

    streaming.routes["/chat"] = reply
    client = ch.client()
    result = ch.run(client.chat.create_chat(prompt="hi"))
    assert type(result) is ch.sdk.types.Reply and result.text == "Hello!"
    assert ch.run(client.chat.create_chat(prompt="hi", stream=False)).id == "r1"
    assert [r.body for r in streaming.requests] == [b'{"prompt":"hi"}', b'{"prompt":"hi","stream":false}']
    assert streaming.requests[0].headers["accept"] == "application/json"
