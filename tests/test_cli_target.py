"""The generated command-line client, installed in a fresh virtual environment and run as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT, SEED_ENVELOPE, SPEC
from tests.server import Reply, ScriptedServer

HELP_GOLDEN = ROOT / "tests" / "cli_help"
INSTRUCTION_ID = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
KEY = "My API Key"


@pytest.fixture(scope="session")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`clear-street`, installed with the SDK into a fresh venv from freshly generated projects."""
    root = tmp_path_factory.mktemp("cli")
    generate(SPEC, root / "out")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    pip = [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(root / "out" / "python"), str(root / "out" / "cli")], check=True, capture_output=True)
    return root / "venv" / "bin" / "clear-street"


def run(cli: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLEAR_STREET_")}
    environment.update(COLUMNS="100", **(env or {}))
    return subprocess.run([str(cli), *args], capture_output=True, text=True, input=stdin, env=environment, cwd=cwd,
                          timeout=60, check=False)


def cancel(cli: Path, server: ScriptedServer, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(cli, "v1:positions", "cancel-position-instruction", "--base-url", server.url, "--api-key", KEY,
               "--account-id", "0", "--instruction-id", INSTRUCTION_ID, *extra)


def test_seed_invocation_prints_the_servers_envelope(cli: Path, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))

    result = cancel(cli, server)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == SEED_ENVELOPE
    assert result.stdout == json.dumps(SEED_ENVELOPE, indent=2) + "\n"
    request = server.seen[-1]
    assert (request.method, request.path) == ("DELETE", f"/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}")
    assert request.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(("output_format", "check"), [
    ("raw", lambda out: out == json.dumps(SEED_ENVELOPE)),
    ("yaml", lambda out: out.startswith("metadata:\n  request_id: request_id\n")),
    ("jsonl", lambda out: json.loads(out) == SEED_ENVELOPE and out.count("\n") == 1),
])
def test_output_formats(cli: Path, server: ScriptedServer, output_format: str, check: object) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    result = cancel(cli, server, "--format", output_format)
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)  # type: ignore[operator]


def test_jsonl_prints_one_line_per_item(cli: Path, server: ScriptedServer) -> None:
    rows = [SEED_ENVELOPE["data"], {**SEED_ENVELOPE["data"], "id": "second"}]
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": rows}))
    result = run(cli, "v1:positions", "get-position-instructions", "--base-url", server.url, "--api-key", KEY,
                 "--account-id", "7", "--instrument-id", "AAPL", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [rows[0]["id"], "second"]
    assert server.seen[-1].path == "/v1/accounts/7/positions/instructions?instrument_id=AAPL"


def test_structured_body_from_flag_file_and_stdin(cli: Path, server: ScriptedServer, tmp_path: Path) -> None:
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": [SEED_ENVELOPE["data"]]}))
    rows = [{"instruction_type": "EXERCISE", "instrument_id": INSTRUCTION_ID, "quantity": "1"}]
    (tmp_path / "body.json").write_text(json.dumps(rows))
    base = ["v1:positions", "submit-position-instructions", "--base-url", server.url, "--api-key", KEY,
            "--account-id", "1"]

    results = [
        run(cli, *base, "--instructions", json.dumps(rows)),
        run(cli, *base, "--body", "@body.json", cwd=tmp_path),
        run(cli, *base, "--body", "-", stdin=json.dumps(rows)),
    ]

    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    assert [s.json() for s in server.seen] == [rows, rows, rows]
    assert all(s.method == "POST" for s in server.seen)


def test_api_error_goes_to_stderr_with_status_1(cli: Path, server: ScriptedServer) -> None:
    error = {"code": 404, "message": "Instruction not found"}
    server.reply(Reply(404, {"metadata": {"request_id": "req-1"}, "error": error, "data": None}))
    result = cancel(cli, server)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "clear-street: error: HTTP 404\n" + json.dumps(error, indent=2) + "\n"


def test_usage_errors_exit_2(cli: Path, server: ScriptedServer) -> None:
    missing = run(cli, "v1:positions", "cancel-position-instruction", "--api-key", KEY, "--account-id", "0")
    assert missing.returncode == 2
    assert "Missing option '--instruction-id'" in missing.stderr
    not_int = run(cli, "v1:positions", "cancel-position-instruction", "--api-key", KEY, "--account-id", "zero",
                  "--instruction-id", "x")
    assert not_int.returncode == 2
    assert "'zero' is not a valid integer" in not_int.stderr
    bad_json = run(cli, "v1:positions", "submit-position-instructions", "--api-key", KEY, "--account-id", "0",
                   "--instructions", "[not json")
    assert bad_json.returncode == 2
    assert "not valid JSON" in bad_json.stderr
    no_key = run(cli, "v1:positions", "cancel-position-instruction", "--account-id", "0", "--instruction-id", "x")
    assert no_key.returncode == 2
    assert "Missing option '--api-key'" in no_key.stderr
    assert server.seen == []


def test_connection_error_is_one_line(cli: Path) -> None:
    result = run(cli, "v1:positions", "cancel-position-instruction", "--base-url", "http://127.0.0.1:9",
                 "--api-key", KEY, "--account-id", "0", "--instruction-id", "x")
    assert result.returncode == 1
    assert result.stderr.startswith("clear-street: error: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_api_key_and_base_url_from_environment(cli: Path, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    result = run(cli, "v1:positions", "cancel-position-instruction", "--account-id", "3", "--instruction-id", "i",
                 env={"CLEAR_STREET_API_KEY": "env-key", "CLEAR_STREET_BASE_URL": server.url})
    assert result.returncode == 0, result.stderr
    assert server.seen[-1].headers["authorization"] == "Bearer env-key"


def test_debug_shows_the_exchange_without_the_key(cli: Path, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    result = cancel(cli, server, "--debug")
    assert result.returncode == 0
    assert f"> DELETE {server.url}/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}" in result.stderr
    assert "> authorization: [redacted]" in result.stderr
    assert "< HTTP 200" in result.stderr
    assert KEY not in result.stderr


def test_version(cli: Path) -> None:
    assert run(cli, "--version").stdout == "clear-street, version 0.1.0\n"


HELP_CASES = {
    "root": [],
    "group": ["v1:positions"],
    "cancel": ["v1:positions", "cancel-position-instruction"],
    "submit": ["v1:positions", "submit-position-instructions"],
}


@pytest.mark.parametrize("case", sorted(HELP_CASES))
def test_help_matches_golden(cli: Path, case: str) -> None:
    result = run(cli, *HELP_CASES[case], "--help")
    assert result.returncode == 0
    golden = HELP_GOLDEN / f"{case}.txt"
    if os.environ.get("CLIENTGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text(), f"--help changed; if intended, run `make golden`\n{result.stdout}"


def golden_cli(case: str, server: ScriptedServer, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI of a golden case, run from its committed tree against the local server."""
    expected = ROOT / "tests" / "golden" / case / "expected"
    package = next(p.name for p in (expected / "cli").iterdir() if (p / "__main__.py").exists())
    env = {**os.environ, "PYTHONPATH": f"{expected / 'python'}:{expected / 'cli'}", "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", package, *args, "--base-url", server.url, "--api-key", "k"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_parameters_named_like_global_flags_get_their_own(server: ScriptedServer) -> None:
    """The edge-case CLI (from its golden tree) has --format-param and --api-key-param beside the globals."""
    server.reply(Reply(200, {"meta": {"request_id": "r"}, "result": []}))
    result = golden_cli("edge_cases", server, "widgets", "list", "--limit", "5", "--format-param", "csv",
                        "--api-key-param", "q", "--priority", "2", "--format", "raw")

    assert result.returncode == 0, result.stderr
    assert result.stdout == json.dumps({"meta": {"request_id": "r"}, "result": []})
    assert server.seen[-1].path == "/widgets?limit=5&format=csv&api_key=q&priority=2"
    assert server.seen[-1].headers["x-api-key"] == "k"


@pytest.mark.parametrize("reply", [Reply(204), Reply(200, "an undeclared body")], ids=["204", "200-with-body"])
def test_a_method_without_a_response_body_prints_nothing(server: ScriptedServer, reply: Reply) -> None:
    server.reply(reply)
    result = golden_cli("runtime", server, "orders", "cancel", "--account-id", "7", "--order-id", "o-1")

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (server.seen[-1].method, server.seen[-1].path) == ("DELETE", "/v1/accounts/7/orders/o-1")


def test_a_method_without_a_response_body_still_reports_errors_and_raw_bytes(server: ScriptedServer) -> None:
    server.reply(Reply(404, {"metadata": {"request_id": "r"}, "error": {"code": 404, "message": "No order"}}))
    failed = golden_cli("runtime", server, "orders", "cancel", "--account-id", "7", "--order-id", "o-1")
    assert failed.returncode == 1 and "HTTP 404" in failed.stderr and "No order" in failed.stderr
    server.reply(Reply(200, "bytes as they came"))
    raw = golden_cli("runtime", server, "orders", "cancel", "--account-id", "7", "--order-id", "o-1",
                     "--format", "raw")
    assert (raw.returncode, raw.stdout) == (0, "bytes as they came")


def test_array_options_are_sent_as_the_spec_says(server: ScriptedServer) -> None:
    """`--status` is repeated in the query, `--ids` (array_format: comma) one comma-separated entry."""
    server.reply(Reply(200, {"metadata": {"request_id": "r"}, "data": []}))
    result = golden_cli("runtime", server, "orders", "list", "--account-id", "7", "--status", '["NEW", "FILLED"]',
                        "--ids", '["a", "b,c"]')

    assert result.returncode == 0, result.stderr
    assert server.seen[-1].path == "/v1/accounts/7/orders?status=NEW&status=FILLED&ids=a,b%2Cc"
