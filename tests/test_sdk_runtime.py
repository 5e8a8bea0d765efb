"""The generated SDK runtime (retries, timeouts, errors, raw responses, pagination, idempotency, logging), sync and
async, driven against a real HTTP server on 127.0.0.1 that scripts faults."""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import inspect
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.pipeline import generate
from tests.conftest import ROOT, SEED_ENVELOPE
from tests.server import Reply, ScriptedServer

INSTRUCTION_ID = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
API_KEY = "sk-test-SECRET-123"
FAST = {"initial_retry_delay": 0.001, "max_retry_delay": 0.005}  # tiny backoff keeps the suite fast
RUNTIME_SPEC = ROOT / "tests" / "golden" / "runtime" / "spec.yaml"


def envelope(data: Any, request_id: str = "req-1", next_page_token: str | None = None) -> dict[str, Any]:
    return {"metadata": {"request_id": request_id, "next_page_token": next_page_token}, "error": None, "data": data}


def order(order_id: str, status: str = "NEW") -> dict[str, Any]:
    return {"id": order_id, "status": status}


@pytest.fixture(scope="session")
def runtime_features(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The SDK of tests/golden/runtime/spec.yaml (pagination, idempotency, header auth), freshly generated."""
    out = tmp_path_factory.mktemp("runtime_sdk")
    generate(RUNTIME_SPEC, out)
    sys.path.insert(0, str(out / "python"))
    return importlib.import_module("runtime_features")


KINDS = ["sync", "sync+httpx", "async", "async+httpx"]


class Harness:
    """One test body for every client and transport: the sync and async clients, each on its default transport
    (httpx's connection pool used directly) and on a caller-supplied httpx client. `run()` awaits what the async
    client returns, on one event loop per test."""

    def __init__(self, kind: str, sdk: Any, client_class: str, server: ScriptedServer) -> None:
        self.kind = kind
        self.sdk = sdk
        self.client_class = client_class
        self.server = server
        self.loop = asyncio.new_event_loop() if kind.startswith("async") else None
        self.clients: list[Any] = []
        self.http_clients: list[Any] = []

    @property
    def is_async(self) -> bool:
        return self.loop is not None

    def client(self, **options: Any) -> Any:
        options = {"api_key": API_KEY, "base_url": self.server.url, **FAST, **options}
        if self.kind.endswith("+httpx") and "http_client" not in options:
            options["http_client"] = (httpx.AsyncClient if self.is_async else httpx.Client)()
            self.http_clients.append(options["http_client"])
        client = getattr(self.sdk, ("Async" if self.is_async else "") + self.client_class)(**options)
        self.clients.append(client)
        return client

    def run(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            assert self.loop is not None, "the sync client returned an awaitable"
            return self.loop.run_until_complete(value)
        assert self.loop is None, "the async client returned a plain value"
        return value

    def collect(self, page: Any) -> list[Any]:
        if self.is_async:
            async def items() -> list[Any]:
                return [item async for item in page]

            return self.run(items())  # type: ignore[no-any-return]
        return list(page)

    def close(self) -> None:
        for client in self.clients:
            self.run(client.close())
        for http in self.http_clients:
            self.run(http.aclose() if self.is_async else http.close())
        if self.loop is not None:
            self.loop.close()


@pytest.fixture(params=KINDS)
def cs(request: pytest.FixtureRequest, clear_street: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, clear_street, "ClearStreet", server)
    yield harness
    harness.close()


@pytest.fixture(params=KINDS)
def rf(request: pytest.FixtureRequest, runtime_features: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, runtime_features, "RuntimeFeatures", server)
    yield harness
    harness.close()


def cancel(client: Any, instruction_id: str = INSTRUCTION_ID, **kwargs: Any) -> Any:
    return client.v1.positions.cancel_position_instruction(instruction_id, account_id=0, **kwargs)


# --- clients -----------------------------------------------------------------------------------------------------


def test_sync_and_async_clients_have_the_same_resource_surface(clear_street: Any) -> None:
    sync = clear_street.ClearStreet(api_key=API_KEY)
    async_ = clear_street.AsyncClearStreet(api_key=API_KEY)
    for path in ("v1", "v1.positions"):
        sync_resource, async_resource = sync, async_
        for part in path.split("."):
            sync_resource, async_resource = getattr(sync_resource, part), getattr(async_resource, part)
        public = {n for n in dir(sync_resource) if not n.startswith("_")}
        assert public == {n for n in dir(async_resource) if not n.startswith("_")}
    for name in ("cancel_position_instruction", "get_position_instructions", "submit_position_instructions"):
        sync_method = getattr(sync.v1.positions, name)
        async_method = getattr(async_.v1.positions, name)
        assert inspect.iscoroutinefunction(async_method) and not inspect.iscoroutinefunction(sync_method)
        assert list(inspect.signature(sync_method).parameters) == list(inspect.signature(async_method).parameters)


def test_context_manager_closes_the_pool_it_owns(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    client = cs.client()
    if cs.is_async:
        async def use() -> Any:
            async with client as entered:
                assert entered is client
                return await cancel(client)

        response = cs.run(use())
    else:
        with client as entered:
            assert entered is client
            response = cancel(client)
    assert response.data.status == "SENT"
    assert client.is_closed()
    with pytest.raises(RuntimeError, match="closed"):
        cs.run(cancel(client))


def test_caller_supplied_http_client_is_used_and_left_open(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    http = (httpx.AsyncClient if cs.is_async else httpx.Client)(headers={"X-From-Caller": "yes"})
    client = cs.client(http_client=http)
    cs.run(cancel(client))
    cs.run(client.close())
    assert server.seen[-1].headers["x-from-caller"] == "yes"
    assert server.seen[-1].headers["authorization"] == f"Bearer {API_KEY}"
    assert not http.is_closed
    cs.run(http.aclose() if cs.is_async else http.close())


def test_a_callers_client_headers_are_read_on_every_call_and_ours_win(cs: Harness, server: ScriptedServer) -> None:
    """The merged headers are kept between calls (they cost a tenth of a call); a change to the caller's client
    must still show on the next call, and its cookies still go out."""
    server.reply(Reply(200, SEED_ENVELOPE))
    http = (httpx.AsyncClient if cs.is_async else httpx.Client)(headers={"X-Desk": "a", "User-Agent": "theirs"})
    cs.http_clients.append(http)
    client = cs.client(http_client=http)
    cs.run(cancel(client))
    http.headers["X-Desk"] = "b"
    cs.run(cancel(client))
    http.cookies.set("session", "s1")
    cs.run(cancel(client))
    desks = [seen.headers["x-desk"] for seen in server.seen]
    assert desks == ["a", "b", "b"]
    assert all(seen.headers["user-agent"].startswith("clear_street-python/") for seen in server.seen)
    assert "cookie" not in server.seen[1].headers and server.seen[2].headers["cookie"] == "session=s1"


def test_default_headers_timeout_and_with_options(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(503, {}), Reply(200, SEED_ENVELOPE))
    client = cs.client(default_headers={"X-Team": "risk"}, timeout=httpx.Timeout(5.0), max_retries=2)
    copy = client.with_options(max_retries=0, default_headers={"X-Desk": "options"}, timeout=3.0)
    assert (copy.max_retries, copy.timeout, client.max_retries) == (0, 3.0, 2)
    with pytest.raises(cs.sdk.InternalServerError):
        cs.run(cancel(copy))
    assert len(server.seen) == 1, "max_retries=0 on the copy: no retry"
    assert (server.seen[0].headers["x-team"], server.seen[0].headers["x-desk"]) == ("risk", "options")
    cs.run(copy.close())  # the copy shares the pool and does not close it
    assert cs.run(cancel(client)).data.status == "SENT"
    assert "x-desk" not in server.seen[-1].headers


def test_api_key_and_base_url_from_environment(cs: Harness, server: ScriptedServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    client_class = getattr(cs.sdk, ("Async" if cs.is_async else "") + "ClearStreet")
    monkeypatch.delenv("CLEAR_STREET_API_KEY", raising=False)
    with pytest.raises(cs.sdk.ClearStreetError, match="CLEAR_STREET_API_KEY"):
        client_class()
    monkeypatch.setenv("CLEAR_STREET_API_KEY", "from-env")
    monkeypatch.setenv("CLEAR_STREET_BASE_URL", server.url)
    server.reply(Reply(200, SEED_ENVELOPE))
    client = client_class()
    cs.clients.append(client)
    cs.run(cancel(client))
    assert server.seen[-1].headers["authorization"] == "Bearer from-env"


def test_api_key_in_header_scheme(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope(order("o-1"))))
    rf.run(rf.client().orders.submit(1, symbol="AAPL"))
    assert server.seen[-1].headers["x-api-key"] == API_KEY
    assert "authorization" not in server.seen[-1].headers


# --- retries -----------------------------------------------------------------------------------------------------


def test_503_then_200_is_retried_once_and_succeeds(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(503, "busy"), Reply(200, SEED_ENVELOPE))
    response = cs.run(cancel(cs.client()))
    assert response.data.status == "SENT"
    assert len(server.seen) == 2


@pytest.mark.parametrize("own_http_client", [False, True])
def test_the_async_client_retries_under_trio(clear_street: Any, server: ScriptedServer, own_http_client: bool) -> None:
    """Backoff sleeps through anyio, so an async client retries under trio as it does under asyncio."""
    import trio

    server.reply(Reply(503, "busy"), Reply(200, SEED_ENVELOPE))

    async def main() -> Any:
        http = httpx.AsyncClient() if own_http_client else None
        async with clear_street.AsyncClearStreet(api_key=API_KEY, base_url=server.url, http_client=http, **FAST) as c:
            response = await c.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=0)
        if http is not None:
            await http.aclose()
        return response

    assert trio.run(main).data.status == "SENT"
    assert len(server.seen) == 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 504])
def test_retried_statuses_until_retries_run_out(cs: Harness, server: ScriptedServer, status: int) -> None:
    server.reply(Reply(status, {"metadata": {"request_id": "r"}, "error": {"code": status, "message": "x"}}))
    with pytest.raises(cs.sdk.APIStatusError) as caught:
        cs.run(cancel(cs.client(max_retries=3)))
    assert caught.value.status_code == status
    assert len(server.seen) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_other_4xx_are_never_retried(cs: Harness, server: ScriptedServer, status: int) -> None:
    server.reply(Reply(status, {}))
    with pytest.raises(cs.sdk.APIStatusError):
        cs.run(cancel(cs.client()))
    assert len(server.seen) == 1


def test_429_retry_after_seconds_is_waited(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(429, {}, {"Retry-After": "1"}), Reply(200, SEED_ENVELOPE))
    started = time.monotonic()
    cs.run(cancel(cs.client()))
    assert time.monotonic() - started >= 0.9  # measured minimum: the backoff alone would be ~1 ms
    assert len(server.seen) == 2


def test_429_retry_after_http_date_is_waited(cs: Harness, server: ScriptedServer) -> None:
    if cs.kind.endswith("+httpx"):
        pytest.skip("reading the header does not depend on the transport; the seconds form runs on every one")
    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: waits between 1 and 2 s
    server.reply(Reply(429, {}, {"Retry-After": when}), Reply(200, SEED_ENVELOPE))
    started = time.monotonic()
    cs.run(cancel(cs.client()))
    assert time.monotonic() - started >= 0.9
    assert len(server.seen) == 2


def test_dropped_connection_is_retried(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(drop=True), Reply(200, SEED_ENVELOPE))
    assert cs.run(cancel(cs.client())).data.status == "SENT"
    assert len(server.seen) == 2


def test_read_timeout_raises_timeout_error_after_the_retries(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE, delay=0.5))
    with pytest.raises(cs.sdk.APITimeoutError):
        cs.run(cancel(cs.client(timeout=0.1)))
    assert len(server.seen) == 3  # the first try and max_retries=2 retries


def test_per_call_timeout_overrides_the_client(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE, delay=0.3))
    with pytest.raises(cs.sdk.APITimeoutError):
        cs.run(cancel(cs.client(max_retries=0), timeout=0.05))
    assert len(server.seen) == 1


def test_post_is_not_retried_unless_the_spec_allows(cs: Harness, server: ScriptedServer) -> None:
    """submit_position_instructions is a POST the spec does not mark idempotent: a retry could double-submit."""
    instruction = {"instruction_type": "EXERCISE", "instrument_id": INSTRUCTION_ID, "quantity": "1"}
    client = cs.client()
    server.reply(Reply(503, {}))
    with pytest.raises(cs.sdk.InternalServerError):
        cs.run(client.v1.positions.submit_position_instructions(1, instructions=[instruction]))
    server.reply(Reply(drop=True))
    with pytest.raises(cs.sdk.APIConnectionError):
        cs.run(client.v1.positions.submit_position_instructions(1, instructions=[instruction]))
    assert [s.method for s in server.seen] == ["POST", "POST"]


def test_a_post_that_could_not_connect_is_retried(cs: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing was sent when the connection could not be made: retrying even a POST cannot double-submit."""
    instruction = {"instruction_type": "EXERCISE", "instrument_id": INSTRUCTION_ID, "quantity": "1"}
    client = cs.client(base_url="http://127.0.0.1:9")  # the discard port: nothing listens on loopback
    with caplog.at_level(logging.INFO, logger="clear_street"), pytest.raises(cs.sdk.APIConnectionError):
        cs.run(client.v1.positions.submit_position_instructions(1, instructions=[instruction]))
    assert caplog.text.count("retrying POST") == 2
    assert "ConnectError" in caplog.text


def test_retry_after_is_capped(cs: Harness, server: ScriptedServer, caplog: pytest.LogCaptureFixture,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cs.sdk._base_client, "MAX_RETRY_AFTER", 0.2)
    server.reply(Reply(429, {}, {"Retry-After": "3600"}), Reply(200, SEED_ENVELOPE))
    with caplog.at_level(logging.INFO, logger="clear_street"):
        cs.run(cancel(cs.client()))
    assert "after status 429 in 0.200 s" in caplog.text
    assert len(server.seen) == 2


def test_backoff_grows_exponentially_with_jitter(cs: Harness, server: ScriptedServer,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(500, {}))
    with caplog.at_level(logging.INFO, logger="clear_street"), pytest.raises(cs.sdk.InternalServerError):
        cs.run(cancel(cs.client(max_retries=3, initial_retry_delay=0.01, max_retry_delay=0.03)))
    delays = [float(d) for d in re.findall(r"in ([0-9.]+) s", caplog.text)]
    assert len(delays) == 3
    for delay, nominal in zip(delays, [0.01, 0.02, 0.03]):
        assert 0.75 * nominal - 0.001 <= delay <= nominal


def test_idempotency_key_is_stable_across_retries(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(503, {}), Reply(drop=True), Reply(200, envelope(order("o-1"))))
    client = rf.client()
    created = rf.run(client.orders.create(1, symbol="AAPL", quantity="1"))
    assert created.data.id == "o-1"
    keys = [s.headers["idempotency-key"] for s in server.seen]
    assert len(keys) == 3 and len(set(keys)) == 1 and re.fullmatch(r"[0-9a-f-]{36}", keys[0])

    server.reply(Reply(200, envelope(order("o-2"))))
    rf.run(client.orders.create(1, symbol="AAPL", quantity="1"))
    assert server.seen[-1].headers["idempotency-key"] != keys[0], "a new logical call gets a new key"

    rf.run(client.orders.create(1, symbol="AAPL", quantity="1", extra_headers={"Idempotency-Key": "mine"}))
    assert server.seen[-1].headers["idempotency-key"] == "mine"


def test_idempotent_patch_is_retried_and_plain_post_is_not(rf: Harness, server: ScriptedServer) -> None:
    client = rf.client()
    server.reply(Reply(502, "bad gateway"), Reply(200, envelope(order("o-1"))))
    rf.run(client.orders.replace("o-1", account_id=1, quantity="2"))
    assert [s.method for s in server.seen] == ["PATCH", "PATCH"]
    server.reply(Reply(502, "bad gateway"))
    with pytest.raises(rf.sdk.InternalServerError):
        rf.run(client.orders.submit(1, symbol="AAPL"))
    assert [s.method for s in server.seen] == ["PATCH", "PATCH", "POST"]


def test_omitted_params_are_not_sent_and_none_is_null(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope(order("o-1"))))
    client = rf.client()
    rf.run(client.orders.replace("o-1", account_id=1))
    rf.run(client.orders.replace("o-1", account_id=1, quantity=None))
    assert [s.json() for s in server.seen] == [{}, {"quantity": None}]


def test_extra_body_query_and_headers_are_merged(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope(order("o-1"))))
    rf.run(rf.client().orders.create(1, symbol="AAPL", quantity="1", extra_body={"tag": "t"},
                                     extra_query={"ids": ["a", "b"], "dry": False}, extra_headers={"X-Trace": "1"}))
    seen = server.seen[-1]
    assert seen.json() == {"symbol": "AAPL", "quantity": "1", "tag": "t"}
    assert seen.path == "/v1/accounts/1/orders?ids=a&ids=b&dry=false"
    assert seen.headers["x-trace"] == "1" and seen.headers["content-type"] == "application/json"


# --- errors ------------------------------------------------------------------------------------------------------


def test_404_envelope_raises_not_found_with_request_id(cs: Harness, server: ScriptedServer) -> None:
    body = {"metadata": {"request_id": "req-404"}, "error": {"code": 404, "message": "Instruction not found",
                                                             "details": [{"field": "id"}]}}
    server.reply(Reply(404, body))
    with pytest.raises(cs.sdk.NotFoundError) as caught:
        cs.run(cancel(cs.client()))
    error = caught.value
    assert (error.status_code, error.code, error.error_message, error.request_id, error.details) == (
        404, 404, "Instruction not found", "req-404", [{"field": "id"}])
    assert "req-404" in str(error)
    assert error.body == body and error.response.status_code == 404


@pytest.mark.parametrize("body", ["<html><body>Bad Gateway</body></html>", "", '{"error": {"code": 50'])
def test_non_json_error_bodies_raise_the_right_class_keeping_the_text(cs: Harness, server: ScriptedServer,
                                                                      body: str) -> None:
    server.reply(Reply(502, body, {"Content-Type": "text/html"}))
    with pytest.raises(cs.sdk.InternalServerError) as caught:
        cs.run(cancel(cs.client(max_retries=0)))
    assert caught.value.body == body and caught.value.request_id is None


def test_truncated_json_on_400_raises_bad_request(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(400, '{"metadata": {"request_id": "r'))
    with pytest.raises(cs.sdk.BadRequestError) as caught:
        cs.run(cancel(cs.client()))
    assert caught.value.body == '{"metadata": {"request_id": "r'


def test_malformed_json_on_200_raises_the_sdk_error(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, '{"metadata": {"request_id": '))
    with pytest.raises(cs.sdk.APIResponseValidationError, match="Expected a JSON response body") as caught:
        cs.run(cancel(cs.client()))
    assert isinstance(caught.value, cs.sdk.ClearStreetError)


def test_207_returns_the_envelope(cs: Harness, server: ScriptedServer) -> None:
    rejected = {**SEED_ENVELOPE["data"], "status": "REJECTED", "rejection_reason": "Duplicate"}
    server.reply(Reply(207, {"metadata": {"request_id": "r-207"}, "error": {"code": 409, "message": "1 rejected"},
                             "data": [SEED_ENVELOPE["data"], rejected]}))
    instruction = {"instruction_type": "EXERCISE", "instrument_id": INSTRUCTION_ID, "quantity": "1"}
    response = cs.run(cs.client().v1.positions.submit_position_instructions(1, instructions=[instruction]))
    assert [row.status for row in response.data] == ["SENT", "REJECTED"]
    assert response.error.message == "1 rejected"


def test_path_parameter_arrives_percent_encoded_in_one_segment(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    cs.run(cancel(cs.client(), "../../x?y#z"))
    assert server.seen[-1].path == "/v1/accounts/0/positions/instructions/..%2F..%2Fx%3Fy%23z"
    for bad in ("", ".", ".."):
        with pytest.raises(ValueError, match="instruction_id"):
            cs.run(cancel(cs.client(), bad))
    assert len(server.seen) == 1


# --- responses ---------------------------------------------------------------------------------------------------


def test_with_raw_response_gives_status_headers_and_parse(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE, {"X-Request-Id": "hdr-1"}))
    client = cs.client()
    raw = cs.run(client.v1.positions.with_raw_response.cancel_position_instruction(INSTRUCTION_ID, account_id=0))
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "hdr-1"
    parsed = raw.parse()
    assert type(parsed).__name__ == "PositionCancelPositionInstructionResponse"
    assert parsed.data.id == SEED_ENVELOPE["data"]["id"] and raw.parse() is parsed
    raw = cs.run(client.with_raw_response.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=0))
    assert raw.status_code == 200
    assert type(cs.run(cancel(client))).__name__ == "PositionCancelPositionInstructionResponse", "not raw after"


def test_a_compressed_response_is_decoded_on_every_transport(cs: Harness, server: ScriptedServer) -> None:
    import gzip

    server.reply(Reply(200, gzip.compress(json.dumps(SEED_ENVELOPE).encode()), {"Content-Encoding": "gzip"}))
    client = cs.client()
    assert cs.run(cancel(client)).data.id == SEED_ENVELOPE["data"]["id"]
    raw = cs.run(client.v1.positions.with_raw_response.cancel_position_instruction(INSTRUCTION_ID, account_id=0))
    assert raw.json() == SEED_ENVELOPE and raw.http_response.json() == SEED_ENVELOPE
    server.reply(Reply(404, gzip.compress(b'{"error": {"code": 404, "message": "gone"}}'), {"Content-Encoding": "gzip"}))
    with pytest.raises(cs.sdk.NotFoundError) as caught:
        cs.run(cancel(client))
    assert caught.value.body == {"error": {"code": 404, "message": "gone"}}


def test_the_proxy_comes_from_the_environment(cs: Harness, server: ScriptedServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured on every transport: the request reaches the proxy in absolute form."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("http_proxy", server.url)
    server.reply(Reply(200, SEED_ENVELOPE))
    cs.run(cancel(cs.client(base_url="http://api.clear-street.invalid/base")))
    target = f"http://api.clear-street.invalid/base/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}"
    assert server.seen[-1].path == target


def test_no_proxy_is_honoured(clear_street: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clear_street._transport import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.internal:3128")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "localhost,.corp.example")
    assert env_proxy("https://api.clearstreet.com") == "http://proxy.internal:3128"
    assert env_proxy("https://api.corp.example:8443/v1") is None
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert env_proxy("http://api.clearstreet.com") is None, "an https proxy is not one for http"


def test_unknown_fields_and_enum_values_are_kept(cs: Harness, server: ScriptedServer) -> None:
    data = {**SEED_ENVELOPE["data"], "status": "PARTIALLY_CANCELLED", "venue": "OCC"}
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": data, "trace": {"span": 1}}))
    response = cs.run(cancel(cs.client()))
    assert response.data.status == "PARTIALLY_CANCELLED"
    assert response.data.instruction_type == "EXERCISE"
    assert response.data.model_extra == {"venue": "OCC"}
    assert response.model_extra == {"trace": {"span": 1}}


def test_strict_mode_rejects_unknown_enum_values(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": {**SEED_ENVELOPE["data"], "status": "PARTIALLY_CANCELLED"}}))
    with pytest.raises(cs.sdk.APIResponseValidationError, match="status"):
        cs.run(cancel(cs.client(strict_response_validation=True)))


def test_a_response_of_the_wrong_shape_still_raises(cs: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": {**SEED_ENVELOPE["data"], "account_id": "not a number"}}))
    with pytest.raises(cs.sdk.APIResponseValidationError, match="account_id"):
        cs.run(cancel(cs.client()))


@pytest.mark.parametrize("reply", [Reply(204), Reply(200), Reply(200, "not json", {"Content-Type": "text/plain"}),
                                   Reply(202, envelope({"ignored": True}))], ids=["204", "200-empty", "text", "json"])
def test_a_method_without_a_response_body_returns_none(rf: Harness, server: ScriptedServer, reply: Reply) -> None:
    """`orders.cancel` declares no response: whatever a success carries is ignored, never parsed."""
    server.reply(reply)
    assert rf.run(rf.client().orders.cancel("o-1", account_id=7)) is None
    assert (server.seen[-1].method, server.seen[-1].path) == ("DELETE", "/v1/accounts/7/orders/o-1")


def test_raw_response_of_a_method_without_a_body_parses_to_none(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b"", {"X-Request-Id": "r-204"}))
    raw = rf.run(rf.client().orders.with_raw_response.cancel("o-1", account_id=7))
    assert (raw.status_code, raw.headers["x-request-id"], raw.content) == (204, "r-204", b"")
    assert raw.parse() is None


def test_a_method_without_a_body_still_raises_on_error_statuses(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(404, {"metadata": {"request_id": "r-404"}, "error": {"code": 404, "message": "No order"}}))
    with pytest.raises(rf.sdk.NotFoundError) as caught:
        rf.run(rf.client().orders.cancel("o-1", account_id=7))
    assert (caught.value.request_id, caught.value.error_message) == ("r-404", "No order")
    server.reply(Reply(503), Reply(204))  # and DELETE is retried like any idempotent method
    assert rf.run(rf.client().orders.cancel("o-1", account_id=7)) is None
    assert [s.method for s in server.seen[-2:]] == ["DELETE", "DELETE"]


# --- pagination --------------------------------------------------------------------------------------------------


def test_pagination_walks_three_pages(rf: Harness, server: ScriptedServer) -> None:
    server.reply(
        Reply(200, envelope([order("a"), order("b")], next_page_token="t2")),
        Reply(200, envelope([order("c")], next_page_token="t3")),
        Reply(200, envelope([order("d", "FILLED")], next_page_token=None)),
    )
    page = rf.run(rf.client().orders.list(7, page_size=2))
    assert [o.id for o in page.items] == ["a", "b"]
    assert [o.id for o in rf.collect(page)] == ["a", "b", "c", "d"]
    assert [s.path for s in server.seen] == [
        "/v1/accounts/7/orders?page_size=2",
        "/v1/accounts/7/orders?page_token=t2&page_size=2",
        "/v1/accounts/7/orders?page_token=t3&page_size=2",
    ]


def test_array_query_parameters_go_repeated_or_comma_separated(rf: Harness, server: ScriptedServer) -> None:
    """`status` is repeated (the default), `ids` has `array_format: comma`: its separators stay literal commas and a
    comma inside an item is percent-encoded. The next page is asked for with the same items."""
    server.reply(Reply(200, envelope([order("a")], next_page_token="t2")), Reply(200, envelope([order("b")])))
    page = rf.run(rf.client().orders.list(7, status=["NEW", "FILLED"], ids=iter(["a,1", "b c", "é/"])))
    assert [o.id for o in rf.collect(page)] == ["a", "b"]
    assert [s.path for s in server.seen] == [
        "/v1/accounts/7/orders?status=NEW&status=FILLED&ids=a%2C1,b+c,%C3%A9%2F",
        "/v1/accounts/7/orders?page_token=t2&status=NEW&status=FILLED&ids=a%2C1,b+c,%C3%A9%2F",
    ]


def test_arrays_given_as_generators_are_read_once_and_sent_whole(rf: Harness, server: ScriptedServer) -> None:
    """Any iterable is an array: a generator in a repeated query array and in a header array; the next page sends
    the same items again, and a header array goes comma-separated."""
    server.reply(Reply(200, envelope([order("a")], next_page_token="t2")), Reply(200, envelope([order("b")])))
    statuses = (s for s in ("NEW", "FILLED"))
    page = rf.run(rf.client().orders.list(7, status=statuses, x_tags=(t for t in ("a", "b c"))))
    assert [o.id for o in rf.collect(page)] == ["a", "b"]
    assert [s.path for s in server.seen] == [
        "/v1/accounts/7/orders?status=NEW&status=FILLED",
        "/v1/accounts/7/orders?page_token=t2&status=NEW&status=FILLED",
    ]
    assert server.seen[0].headers["x-tags"] == "a,b c"


def test_empty_and_single_item_arrays_in_the_query(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope([])))
    client = rf.client()
    rf.run(client.orders.list(7, status=[], ids=[]))
    rf.run(client.orders.list(7, status=["NEW"], ids=["x"]))
    assert [s.path for s in server.seen] == ["/v1/accounts/7/orders", "/v1/accounts/7/orders?status=NEW&ids=x"]


def test_a_callers_client_adds_its_default_params(rf: Harness, server: ScriptedServer) -> None:
    """httpx would put a client's own `params` in place of a query already in the URL; both must arrive."""
    http = (httpx.AsyncClient if rf.is_async else httpx.Client)(params={"tenant": "t 1"})
    rf.http_clients.append(http)
    server.reply(Reply(200, envelope([])))
    client = rf.client(http_client=http)
    rf.run(client.orders.list(7, ids=["a", "b"]))
    rf.run(client.orders.list(7))
    assert [s.path for s in server.seen] == ["/v1/accounts/7/orders?tenant=t+1&ids=a,b",
                                             "/v1/accounts/7/orders?tenant=t+1"]


def test_pages_step_one_at_a_time(rf: Harness, server: ScriptedServer) -> None:
    server.reply(
        Reply(200, {"metadata": {"request_id": "1", "next_page_token": "c2"}, "data": [{"id": "f1"}]}),
        Reply(200, {"metadata": {"request_id": "2", "next_page_token": ""}, "data": [{"id": "f2"}]}),
    )
    first = rf.run(rf.client().orders.list_fills(7))
    assert first.has_next_page()
    second = rf.run(first.get_next_page())
    assert [f.id for f in second.items] == ["f2"] and not second.has_next_page()
    assert server.seen[-1].path == "/v1/accounts/7/fills?cursor=c2"
    with pytest.raises(RuntimeError, match="No next page"):
        rf.run(second.get_next_page())


def test_raw_response_of_a_paginated_method_parses_into_the_page(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope([order("a")], next_page_token="t2"), {"X-Page": "1"}),
                 Reply(200, envelope([order("b")])))
    raw = rf.run(rf.client().orders.with_raw_response.list(7))
    assert (raw.status_code, raw.headers["x-page"]) == (200, "1")
    page = raw.parse()
    assert type(page).__name__ == ("AsyncPage" if rf.is_async else "SyncPage")
    assert [o.id for o in rf.collect(page)] == ["a", "b"]


def test_pagination_stops_when_the_server_repeats_the_token(rf: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, envelope([order("a")], next_page_token="same")))
    assert [o.id for o in rf.collect(rf.run(rf.client().orders.list(7, page_token="same")))] == ["a"]
    assert len(server.seen) == 1


# --- logging and secrets -----------------------------------------------------------------------------------------


def test_api_key_never_in_repr_logs_or_errors(cs: Harness, server: ScriptedServer,
                                              caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(503, {}), Reply(401, {"metadata": {"request_id": "r"}, "error": {"code": 401,
                                                                                        "message": "bad key"}}))
    client = cs.client()
    with caplog.at_level(logging.DEBUG, logger="clear_street"), pytest.raises(cs.sdk.AuthenticationError) as caught:
        cs.run(cancel(client))
    assert "retrying DELETE" in caplog.text and "status 503" in caplog.text
    assert "-> 401" in caplog.text
    for text in (repr(client), repr(client.with_options(timeout=1.0)), caplog.text, str(caught.value),
                 repr(caught.value), repr(caught.value.response), repr(caught.value.response.request)):
        assert API_KEY not in text


def test_log_env_variable_turns_on_debug_logging(server: ScriptedServer, sdk_root: Path) -> None:
    server.reply(Reply(500, {}), Reply(200, SEED_ENVELOPE))
    script = (
        "import clear_street\n"
        f"client = clear_street.ClearStreet(api_key={API_KEY!r}, base_url={server.url!r}, initial_retry_delay=0)\n"
        f"client.v1.positions.cancel_position_instruction({INSTRUCTION_ID!r}, account_id=0)\n"
    )
    env = {**os.environ, "CLEAR_STREET_LOG": "debug", "PYTHONPATH": str(sdk_root / "python")}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert f"request: DELETE {server.url}/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}" in result.stderr
    assert "-> 500" in result.stderr and "retrying DELETE" in result.stderr and "-> 200" in result.stderr
    assert API_KEY not in result.stderr
    quiet = subprocess.run([sys.executable, "-c", script], env={**env, "CLEAR_STREET_LOG": ""},
                           capture_output=True, text=True, timeout=60, check=False)
    assert quiet.returncode == 0 and quiet.stderr == ""


# --- the generated README ----------------------------------------------------------------------------------------


def readme_examples(readme: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("name", ["clear_street", "runtime_features"])
def test_readme_examples_run_against_the_local_server(name: str, sdk_root: Path, runtime_features: Any,
                                                      server: ScriptedServer) -> None:
    root = sdk_root if name == "clear_street" else Path(runtime_features.__file__).parent.parent.parent
    readme = root / "python" / "README.md"
    examples = readme_examples(readme)
    assert len(examples) >= 4, "usage, async, errors, raw response"
    body = SEED_ENVELOPE if name == "clear_street" else envelope([order("o-1")])  # its first method is paginated
    server.reply(Reply(200, body))
    env = {**os.environ, "PYTHONPATH": str(root / "python"), f"{name.upper()}_BASE_URL": server.url}
    for example in examples:
        result = subprocess.run([sys.executable, "-c", example], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
        assert result.returncode == 0, f"README example failed:\n{example}\n{result.stderr}"
    assert server.seen, "the examples talked to the local server"


def test_pagination_spec_errors_are_reported(tmp_path: Path) -> None:
    from generator.diagnostics import SpecError
    from generator.load import load
    from generator.validate import validate

    text = RUNTIME_SPEC.read_text().replace("pagination: {token_param: cursor, next_token: metadata.next_page_token}",
                                            "pagination: {token_param: cursr}")
    text = text.replace("        pagination: {}\n", "        pagination: {}\n        response: {$ref: '#/schemas/Order'}\n", 1)
    text = text.replace("        response: {$ref: \"#/schemas/OrderList\"}\n", "", 1)
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        validate(load(path, display_name="spec.yaml"))
    messages = [str(d) for d in caught.value.diagnostics]
    assert any("[bad-pagination]" in m and "'cursr'" in m and "did you mean 'cursor'" in m for m in messages), messages
    assert any("[bad-pagination]" in m and "must be a list" in m for m in messages), messages


def test_the_package_is_vendorable(sdk_root: Path) -> None:
    """Only relative imports of itself, nothing but the standard library and its declared dependencies from
    outside, and loggers named by module; so the package can be copied under any name."""
    import ast

    allowed = set(sys.stdlib_module_names) | {"anyio", "httpx", "pydantic", "typing_extensions", "urllib3"}
    package = sdk_root / "python" / "clear_street"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert (node.module or "").split(".")[0] in allowed, f"{path.name}: from {node.module} import"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] in allowed, f"{path.name}: import {alias.name}"
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "getLogger":
                assert [ast.unparse(a) for a in node.args] in (["__name__"], ["__name__.rpartition('.')[0]"]), path
