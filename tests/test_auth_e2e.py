"""Credentials and servers (spec `security_schemes`, `security`, `server_variables`, `environments`, method
`base_url`): the generated Vault SDK (tests/golden/auth/spec.yaml) against a real HTTP server on 127.0.0.1, checking
the bytes each request carries."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT
from tests.server import Reply, ScriptedServer

SPEC = ROOT / "tests" / "golden" / "auth" / "spec.yaml"
SECRETS = ("tok-SECRET-1", "alice", "pw-SECRET-2", "hk-SECRET-3", "qk+SECRET/4", "ck-SECRET-5")
CREDENTIAL_ENVS = ("VAULT_TOKEN", "VAULT_USERNAME", "VAULT_PASSWORD", "VAULT_API_KEY", "VAULT_QUERY_KEY",
                   "VAULT_SESSION", "VAULT_BASE_URL")
SECRET = {"data": {"name": "db", "value": "x"}}
SECRETS_LIST = {"data": [{"name": "db"}]}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("vault")
    generate(SPEC, out)
    sys.path.insert(0, str(out / "python"))
    try:
        yield importlib.import_module("vault")
    finally:
        sys.path.remove(str(out / "python"))


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        server.reply(Reply(200, SECRET))
        yield server


@pytest.fixture(autouse=True)
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_ENVS:
        monkeypatch.delenv(name, raising=False)


def port(server: ScriptedServer) -> str:
    return server.url.rsplit(":", 1)[1]


def make(vault: Any, server: ScriptedServer, **options: Any) -> Any:
    return vault.Vault(port=port(server), max_retries=0, **options)


def test_basic_auth_sends_the_encoded_username_and_password(vault: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SECRET))
    with make(vault, server, username="alice", password="pw-SECRET-2") as client:
        secret = client.secrets.get("db")

    seen = server.seen[-1]
    assert (seen.method, seen.path) == ("GET", "/v1/secrets/db")
    assert seen.headers["authorization"] == "Basic " + base64.b64encode(b"alice:pw-SECRET-2").decode()
    assert seen.headers["authorization"] == "Basic YWxpY2U6cHctU0VDUkVULTI="
    assert "cookie" not in seen.headers and "x-api-key" not in seen.headers
    assert secret.data.name == "db"


def test_bearer_is_the_first_alternative_and_wins_when_set(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, token="tok-SECRET-1", username="alice", password="pw-SECRET-2") as client:
        client.secrets.get("db")

    assert server.seen[-1].headers["authorization"] == "Bearer tok-SECRET-1"


def test_an_and_set_sends_the_header_key_and_the_cookie_together(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, api_key="hk-SECRET-3", session="ck-SECRET-5") as client:
        client.secrets.get("db")

    seen = server.seen[-1]
    assert seen.headers["x-api-key"] == "hk-SECRET-3"
    assert seen.headers["cookie"] == "session=ck-SECRET-5"
    assert "authorization" not in seen.headers


def test_an_incomplete_and_set_falls_back_to_the_next_alternative(vault: Any, server: ScriptedServer) -> None:
    # rotate: security [[HeaderKey, CookieKey], [Basic]]; the session cookie is missing, so basic auth is used.
    with make(vault, server, api_key="hk-SECRET-3", username="alice", password="pw-SECRET-2",
              token="tok-SECRET-1") as client:
        client.secrets.rotate("db", trace="t-1")

    seen = server.seen[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/secrets/db/rotate")
    assert seen.headers["authorization"] == "Basic YWxpY2U6cHctU0VDUkVULTI="  # not the client's default (bearer)
    assert "x-api-key" not in seen.headers and "cookie" not in seen.headers
    assert seen.headers["trace"] == "t-1"


def test_an_api_key_in_the_query_follows_the_parameters(vault: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SECRETS_LIST))
    with make(vault, server, query_key="qk+SECRET/4", token="tok-SECRET-1") as client:
        client.secrets.list(prefix="d b", session="s")

    seen = server.seen[-1]
    assert seen.path == "/v1/secrets?prefix=d+b&session=s&key=qk%2BSECRET%2F4"
    assert "authorization" not in seen.headers  # list's own security: the query key only


def test_security_empty_sends_no_credentials_and_needs_none(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, token="tok-SECRET-1", api_key="hk-SECRET-3", session="ck-SECRET-5") as client:
        assert client.secrets.health() is None
    with make(vault, server) as anonymous:
        anonymous.secrets.health()

    for seen in server.seen[-2:]:
        assert seen.path == "/v1/health"
        assert not {"authorization", "x-api-key", "cookie"} & set(seen.headers)


def test_credentials_come_from_the_environment(vault: Any, server: ScriptedServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_TOKEN", "tok-SECRET-1")
    with make(vault, server) as client:
        client.secrets.get("db")
    with make(vault, server, token="explicit") as client:  # an argument wins over the variable
        client.secrets.get("db")

    assert [s.headers["authorization"] for s in server.seen[-2:]] == ["Bearer tok-SECRET-1", "Bearer explicit"]


def test_missing_credentials_raise_a_clear_error_before_sending(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, api_key="hk-SECRET-3") as client, pytest.raises(vault.VaultError) as raised:
        client.secrets.get("db")

    message = str(raised.value)
    assert message == (
        "Missing credentials for this request: pass token to the client or set the VAULT_TOKEN environment variable; "
        "or pass username and password to the client or set the VAULT_USERNAME and VAULT_PASSWORD environment "
        "variables; or pass api_key and session to the client or set the VAULT_API_KEY and VAULT_SESSION "
        "environment variables"
    )
    assert "hk-SECRET-3" not in message
    assert server.seen == []


def test_secrets_stay_out_of_repr_logs_and_errors(vault: Any, server: ScriptedServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server.reply(Reply(401, {"message": "no"}))
    client = make(vault, server, token="tok-SECRET-1", username="alice", password="pw-SECRET-2",
                  api_key="hk-SECRET-3", query_key="qk+SECRET/4", session="ck-SECRET-5")
    with client, pytest.raises(vault.AuthenticationError) as raised:
        client.secrets.list(prefix="p")
    copy = client.with_options(max_retries=1)

    # The SDK's own log lines; urllib3's and httpx's debug logs of the request line are theirs to configure.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("vault"))
    shown = [repr(client), str(client.__dict__.get("_auth")), repr(copy), str(raised.value), repr(raised.value),
             logged]
    assert "key=[redacted]" in logged
    for text in shown:
        for secret in ("tok-SECRET-1", "pw-SECRET-2", "hk-SECRET-3", "ck-SECRET-5", "qk", "SECRET"):
            assert secret not in text, (secret, text)


def test_server_variables_fill_the_base_url(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, token="t", version="v2") as client:
        assert client.base_url == f"http://127.0.0.1:{port(server)}/v2"
        client.secrets.get("db")
        client.with_options(version="v1").secrets.get("db")  # with_options makes the URL again

    assert [s.path for s in server.seen[-2:]] == ["/v2/secrets/db", "/v1/secrets/db"]


def test_environments_select_the_base_url_and_base_url_wins(vault: Any, server: ScriptedServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with make(vault, server, token="t", environment="staging") as client:
        client.secrets.get("db")
        client.with_options(environment="local").secrets.get("db")
    with make(vault, server, token="t", environment="staging", base_url=server.url + "/explicit") as client:
        client.secrets.get("db")
    with pytest.raises(ValueError, match="environment must be one of local, staging"):
        make(vault, server, environment="prod")

    assert [s.path for s in server.seen[-3:]] == ["/staging/secrets/db", "/v1/secrets/db", "/explicit/secrets/db"]


def test_a_method_with_its_own_base_url(vault: Any, server: ScriptedServer) -> None:
    with make(vault, server, token="t", version="v2") as client:
        client.secrets.download("a.bin")  # http://{host}:{port}/files
        client.secrets.mirror()  # /mirror-root, joined to the client's base URL
    with vault.Vault(port="1", base_url=server.url + "/api", token="t") as client:
        client.secrets.mirror()

    assert [s.path for s in server.seen[-3:]] == ["/files/blobs/a.bin", "/mirror-root/mirror", "/mirror-root/mirror"]
    assert server.seen[-3].headers["authorization"] == "Bearer t"


def test_a_given_base_url_wins_over_a_methods_absolute_one(vault: Any, server: ScriptedServer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`base_url=` or VAULT_BASE_URL (a proxy, a mock): every call goes there; environment= keeps the method's own."""
    with vault.Vault(port="1", base_url=server.url + "/proxy", token="t", max_retries=0) as client:
        client.secrets.download("a.bin")  # its own http://{host}:{port}/files would be port 1: refused
        client.with_options(timeout=5).secrets.download("b.bin")  # a copy keeps the given base URL
        client.secrets.mirror()  # relative: joined to the given base URL
    monkeypatch.setenv("VAULT_BASE_URL", server.url + "/from-env")
    with vault.Vault(port="1", token="t", max_retries=0) as client:
        client.secrets.download("c.bin")
    with make(vault, server, token="t", environment="staging") as client:  # environment=: the variable is not used
        client.secrets.download("d.bin")
        client.with_options(timeout=5).secrets.download("e.bin")

    assert [s.path for s in server.seen] == ["/proxy/blobs/a.bin", "/proxy/blobs/b.bin", "/mirror-root/mirror",
                                             "/from-env/blobs/c.bin", "/files/blobs/d.bin", "/files/blobs/e.bin"]
    assert {s.headers["authorization"] for s in server.seen} == {"Bearer t"}


def test_async_a_given_base_url_wins_over_a_methods_absolute_one(vault: Any, server: ScriptedServer) -> None:
    async def calls() -> None:
        async with vault.AsyncVault(port="1", base_url=server.url + "/proxy", token="t", max_retries=0) as client:
            await client.secrets.download("a.bin")
        async with vault.AsyncVault(port=port(server), token="t", max_retries=0) as client:
            await client.secrets.download("b.bin")

    asyncio.run(calls())
    assert [s.path for s in server.seen] == ["/proxy/blobs/a.bin", "/files/blobs/b.bin"]


def test_async_client_sends_the_same_credentials(vault: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SECRET), Reply(200, SECRETS_LIST))

    async def calls() -> None:
        async with vault.AsyncVault(port=port(server), api_key="hk-SECRET-3", session="ck-SECRET-5",
                                    query_key="qk") as client:
            await client.secrets.get("db")
            await client.secrets.list()
            await client.secrets.download("a")
            await client.secrets.health()
        async with vault.AsyncVault(port=port(server), query_key="qk") as bare:
            with pytest.raises(vault.VaultError, match="pass token to the client"):
                await bare.secrets.get("db")

    asyncio.run(calls())

    get, listed, download, health = server.seen[-4:]
    assert (get.headers["x-api-key"], get.headers["cookie"]) == ("hk-SECRET-3", "session=ck-SECRET-5")
    assert listed.path == "/v1/secrets?key=qk" and "x-api-key" not in listed.headers
    assert download.path == "/files/blobs/a"
    assert not {"authorization", "x-api-key", "cookie"} & set(health.headers)


# The generated CLI: the same credentials and servers as global options.


@pytest.fixture(scope="module")
def vault_cli(vault: Any) -> list[str]:
    package = Path(vault.__file__).parent.parent
    code = "from vault_cli._app import build, load_groups; build(load_groups())(prog_name='vault')"
    return [sys.executable, "-c", code, str(package.parent / "cli")]


def run_cli(vault_cli: list[str], *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    python, flag, code, cli_root = vault_cli
    package_root = str(Path(cli_root).parent / "python")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VAULT_")}
    environment.update(PYTHONPATH=os.pathsep.join([cli_root, package_root]), COLUMNS="100", **(env or {}))
    return subprocess.run([python, flag, code, *args], capture_output=True, text=True, env=environment, timeout=60,
                          check=False)


def test_cli_takes_credentials_and_server_variables_as_options(vault_cli: list[str], server: ScriptedServer) -> None:
    result = run_cli(vault_cli, "secrets", "get", "--name", "db", "--port", port(server), "--version-variable", "v2",
                     "--username", "alice", "--password", "pw-SECRET-2")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == SECRET
    seen = server.seen[-1]
    assert (seen.path, seen.headers["authorization"]) == ("/v2/secrets/db", "Basic YWxpY2U6cHctU0VDUkVULTI=")


def test_cli_reads_credentials_from_the_environment_and_selects_an_environment(
        vault_cli: list[str], server: ScriptedServer) -> None:
    result = run_cli(vault_cli, "secrets", "get", "--name", "db", "--port", port(server), "--environment", "staging",
                     env={"VAULT_TOKEN": "tok-SECRET-1"})

    assert result.returncode == 0, result.stderr
    assert (server.seen[-1].path, server.seen[-1].headers["authorization"]) == ("/staging/secrets/db",
                                                                               "Bearer tok-SECRET-1")


def test_cli_debug_redacts_credentials_and_missing_ones_fail_clearly(vault_cli: list[str],
                                                                     server: ScriptedServer) -> None:
    server.reply(Reply(200, SECRETS_LIST))
    debug = run_cli(vault_cli, "secrets", "list", "--port", port(server), "--query-key", "qk-SECRET-4", "--debug")
    missing = run_cli(vault_cli, "secrets", "get", "--name", "db", "--port", port(server), "--api-key", "hk-SECRET-3")

    assert debug.returncode == 0, debug.stderr
    assert server.seen[-1].path == "/v1/secrets?key=qk-SECRET-4"
    assert "qk-SECRET-4" not in debug.stderr and "key=%5Bredacted%5D" in debug.stderr
    assert missing.returncode == 1 and len(server.seen) == 1
    assert missing.stderr.startswith("vault: error: Missing credentials for this request: pass token to the client")
    assert "hk-SECRET-3" not in missing.stderr


@pytest.mark.parametrize("with_params", [False, True], ids=["plain", "client-with-params"])
def test_a_callers_httpx_client_gets_the_same_credentials_and_urls(vault: Any, server: ScriptedServer,
                                                                   with_params: bool) -> None:
    """Through a caller's httpx.Client: the fast path, and the one through its build_request (a client with
    default params)."""
    import httpx

    server.reply(Reply(200, SECRETS_LIST))
    params = {"tenant": "t1"} if with_params else None
    with httpx.Client(params=params) as http, make(vault, server, http_client=http, query_key="qk",
                                                   api_key="hk", session="ck") as client:
        client.secrets.list()
        client.secrets.download("a")
        client.secrets.mirror()

    tenant = "tenant=t1&" if with_params else ""
    assert [s.path for s in server.seen] == [f"/v1/secrets?{tenant}key=qk", f"/files/blobs/a{'?tenant=t1' * with_params}",
                                             f"/mirror-root/mirror{'?tenant=t1' * with_params}"]
    assert [(s.headers["x-api-key"], s.headers["cookie"]) for s in server.seen[1:]] == [("hk", "session=ck")] * 2


LEGACY = """\
clientgen: 1
api:
  name: Legacy
  package: legacy_key
  client: Legacy
  cli: legacy
  base_url: https://legacy.example
  auth: {type: header, header: X-Key}
envelope:
  name: BaseResponse
  properties:
    request_id: {type: string}
resources:
  things:
    methods:
      get:
        http: GET /things
      health:
        http: GET /health
        security: []
"""


def test_security_empty_with_one_api_key(tmp_path: Path, server: ScriptedServer) -> None:
    """`auth` (one key) keeps its meaning; a method with `security: []` sends no key."""
    (tmp_path / "legacy.yaml").write_text(LEGACY)
    generate(tmp_path / "legacy.yaml", tmp_path / "out")
    sys.path.insert(0, str(tmp_path / "out" / "python"))
    try:
        legacy = importlib.import_module("legacy_key")
        with legacy.Legacy(api_key="k-SECRET", base_url=server.url) as client:
            client.things.get()
            client.things.health()
    finally:
        sys.path.remove(str(tmp_path / "out" / "python"))

    assert [s.headers.get("x-key") for s in server.seen] == ["k-SECRET", None]
