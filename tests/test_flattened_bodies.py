"""Imported object bodies flattened into keyword arguments, and bodies that stay one argument, on a real HTTP server:
tests/openapi/flattened/openapi.yaml imported with no overrides, generated, and called on every client kind (sync
on urllib3, sync on a caller's httpx.Client, async, async on a caller's httpx.AsyncClient), checking the exact bytes
sent; then the generated CLI, run as a subprocess, taking the flattened fields as flags."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.openapi import dump, import_openapi
from generator.pipeline import generate
from tests.conftest import ROOT
from tests.server import Reply, ScriptedServer
from tests.test_sdk_runtime import KINDS, Harness

DOCUMENT = ROOT / "tests" / "openapi" / "flattened" / "openapi.yaml"


@pytest.fixture(scope="session")
def flat_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("flattened")
    result = import_openapi(DOCUMENT)
    assert result.warnings == []
    (out / "spec.yaml").write_text(dump(result.spec, DOCUMENT.name))
    generate(out / "spec.yaml", out / "gen")
    return out / "gen"


@pytest.fixture(scope="session")
def flat_sdk(flat_out: Path) -> Any:
    sys.path.insert(0, str(flat_out / "python"))
    return importlib.import_module("flattened")


@pytest.fixture(params=KINDS)
def sdk(request: pytest.FixtureRequest, flat_sdk: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, flat_sdk, "Flattened", server)
    yield harness
    harness.close()


def _sent(server: ScriptedServer) -> tuple[str, bytes]:
    seen = server.seen[-1]
    return seen.headers.get("content-type", ""), seen.body


def test_a_flattened_body_sends_exactly_the_fields_given(sdk: Harness, server: ScriptedServer) -> None:
    """allOf of a $ref and an inline object: its fields in the signature's order (required ones first), the
    omitted ones not sent, None sent as null."""
    server.reply(Reply(204, b""))

    sdk.run(sdk.client().pets.create(name="Rex", owner={"name": "Ann"}, notes=None))

    assert _sent(server) == ("application/json", b'{"name":"Rex","owner":{"name":"Ann"},"notes":null}')
    assert server.seen[-1].method == "POST"


def test_extra_body_adds_fields_and_wins_over_the_declared_ones(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""))

    sdk.run(sdk.client().pets.create(name="Rex", owner={}, kind="dog",
                                         extra_body={"nickname": "R", "name": "Max"}))

    assert json.loads(_sent(server)[1]) == {"name": "Max", "kind": "dog", "owner": {}, "nickname": "R"}
    assert _sent(server)[1] == b'{"name":"Max","owner":{},"kind":"dog","nickname":"R"}'


def test_a_nullable_body_of_optional_fields_is_flattened(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""), Reply(204, b""), Reply(204, b""))
    client = sdk.client()

    sdk.run(client.positions.close("p1", cancel_orders=True))
    assert _sent(server) == ("application/json", b'{"cancel_orders":true}')
    sdk.run(client.positions.close("p1", cancel_orders=None))
    assert _sent(server)[1] == b'{"cancel_orders":null}'
    sdk.run(client.positions.close("p1"))
    assert _sent(server)[1] == b"{}"
    assert (server.seen[-1].method, server.seen[-1].path) == ("DELETE", "/positions/p1/close")


def test_bodies_that_stay_one_argument(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(*[Reply(204, b"")] * 7)
    client = sdk.client()

    sdk.run(client.orders.submit(orders=[{"sku": "A", "qty": 2}, {"sku": "B"}]))
    assert _sent(server)[1] == b'[{"sku":"A","qty":2},{"sku":"B"}]'
    sdk.run(client.orders.replace(orders=[]))
    assert _sent(server)[1] == b"[]"
    sdk.run(client.settings.update(settings=None))  # the body may be null: null is sent
    assert _sent(server) == ("application/json", b"null")
    sdk.run(client.settings.update())  # an optional body left out: no body at all
    assert server.seen[-1].body == b"" and "content-type" not in server.seen[-1].headers
    sdk.run(client.choices.create(choice={"name": "Ann"}))
    assert _sent(server)[1] == b'{"name":"Ann"}'
    sdk.run(client.numbers.create(body=[1, 2]))
    assert _sent(server)[1] == b"[1,2]"
    sdk.run(client.pets.search(tag="t", pet="p", body={"name": "Rex"}))
    assert (server.seen[-1].path, _sent(server)[1]) == ("/pets/search?Tag=t&pet=p", b'{"name":"Rex"}')


def test_fields_named_as_python_keywords_and_method_arguments(sdk: Harness, server: ScriptedServer) -> None:
    """Only what Python forbids gets a `_`; the wire names are sent as they are."""
    server.reply(Reply(204, b""))

    sdk.run(sdk.client().keywords.send(
        from_="a", class_="b", import_="c", type="t", date="2026-01-02", json={"k": 1}, self_="s", timeout_=1.5,
        extra_body_="e", extra_body={"more": True}))

    assert json.loads(_sent(server)[1]) == {
        "from": "a", "class": "b", "import": "c", "type": "t", "date": "2026-01-02", "json": {"k": 1}, "self": "s",
        "timeout": 1.5, "extra_body": "e", "more": True}


def test_flattened_multipart_and_form_bodies(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""), Reply(204, b""))
    client = sdk.client()

    sdk.run(client.uploads.create(file=("a.txt", b"AAA", "text/plain"), purpose="p", extra_body={"x": "1"}))
    content_type, body = _sent(server)
    boundary = content_type.partition("; boundary=")[2]
    assert content_type.startswith("multipart/form-data; boundary=") and body == (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nAAA\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\np\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'
        f"--{boundary}--\r\n").encode()
    sdk.run(client.token.create(grant_type="client_credentials", scope=["read", "write"]))
    assert _sent(server) == ("application/x-www-form-urlencoded", b"grant_type=client_credentials&scope=read,write")


def test_signatures(flat_sdk: Any) -> None:
    client = flat_sdk.Flattened(api_key="k")

    def keywords(method: Any) -> dict[str, bool]:
        """Keyword argument -> required, without the per-call options."""
        return {name: p.default is inspect.Parameter.empty for name, p in inspect.signature(method).parameters.items()
                if name not in ("extra_headers", "extra_query", "extra_body", "timeout")}

    # readOnly `id` is no argument; required fields (of any allOf member) are required.
    assert keywords(client.pets.create) == {"name": True, "owner": True, "tag": False, "kind": False,
                                                 "notes": False}
    assert keywords(client.positions.close) == {"id": True, "cancel_orders": False}
    assert keywords(client.batches.create) == {"file_ids": False, "files": False, "note": False}
    assert keywords(client.pets.rename) == {"name": True, "pet": False}
    assert keywords(client.settings.update) == {"settings": False}
    assert keywords(client.orders.submit) == {"orders": True}
    assert keywords(client.keywords.send) == {
        "from_": True, "class_": True, "import_": False, "type": False, "date": False, "json": False, "self_": False,
        "timeout_": False, "extra_body_": False}
    # A root body takes no extra_body: the value passed is the whole body.
    assert "extra_body" not in inspect.signature(client.orders.submit).parameters
    assert "extra_body" in inspect.signature(client.positions.close).parameters


def _cli(out: Path, server: ScriptedServer, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FLATTENED_")}
    environment["PYTHONPATH"] = os.pathsep.join([str(out / "python"), str(out / "cli")])
    return subprocess.run([sys.executable, "-m", "flattened_cli", *args, "--base-url", server.url, "--api-key", "k"],
                          capture_output=True, text=True, env=environment, timeout=60, check=False)


def test_the_cli_takes_flattened_fields_as_flags(flat_out: Path, server: ScriptedServer) -> None:
    server.reply(*[Reply(204, b"")] * 5)

    result = _cli(flat_out, server, "pets", "create", "--name", "Rex", "--owner", '{"name": "Ann"}',
                  "--kind", "cat")
    assert result.returncode == 0, result.stderr
    assert server.seen[-1].body == b'{"name":"Rex","owner":{"name":"Ann"},"kind":"cat"}'

    result = _cli(flat_out, server, "keywords", "send", "--from", "a", "--class", "b", "--type", "t",
                  "--timeout", "2.5", "--extra-body", "e")
    assert result.returncode == 0, result.stderr
    assert json.loads(server.seen[-1].body) == {"from": "a", "class": "b", "type": "t", "timeout": 2.5,
                                                "extra_body": "e"}

    # --body gives the whole body; its fields the document does not know go as extra_body.
    result = _cli(flat_out, server, "positions", "close", "--id", "p1", "--body",
                  '{"cancel_orders": false, "reason": "eod"}')
    assert result.returncode == 0, result.stderr
    assert json.loads(server.seen[-1].body) == {"cancel_orders": False, "reason": "eod"}
    result = _cli(flat_out, server, "positions", "close", "--id", "p1", "--cancel-orders", "true")
    assert result.returncode == 0, result.stderr
    assert server.seen[-1].body == b'{"cancel_orders":true}'

    result = _cli(flat_out, server, "orders", "submit", "--orders", '[{"sku": "A"}]')
    assert result.returncode == 0, result.stderr
    assert server.seen[-1].body == b'[{"sku":"A"}]'

    missing = _cli(flat_out, server, "pets", "create", "--name", "Rex")
    assert missing.returncode == 2 and "--owner" in missing.stderr
