"""The generated positions SDK, imported and driven against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime
import inspect
import logging
from typing import Any

import pytest

from tests.conftest import SEED_ENVELOPE
from tests.server import Reply, ScriptedServer

INSTRUCTION_ID = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
API_KEY = "sk-test-SECRET-123"


@pytest.fixture
def client(clear_street: Any, server: ScriptedServer) -> Any:
    with clear_street.ClearStreet(api_key=API_KEY, base_url=server.url, initial_retry_delay=0.001) as client:
        yield client


def test_seed_example_cancel_position_instruction(client: Any, server: ScriptedServer, clear_street: Any) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))

    response = client.v1.positions.cancel_position_instruction(instruction_id=INSTRUCTION_ID, account_id=0)

    request = server.seen[-1]
    assert (request.method, request.path) == ("DELETE", f"/v1/accounts/0/positions/instructions/{INSTRUCTION_ID}")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body == b""
    types = __import__("clear_street.types", fromlist=["PositionInstruction"])
    v1_types = __import__("clear_street.types.v1", fromlist=["PositionCancelPositionInstructionResponse"])
    assert type(response) is v1_types.PositionCancelPositionInstructionResponse
    assert isinstance(response, types.BaseResponse)
    assert isinstance(response.data, types.PositionInstruction)
    assert response.data.status == "SENT"
    assert response.data.instruction_type == "EXERCISE"
    assert response.data.account_id == 122503
    assert response.data.created_at == datetime.datetime(2026, 4, 24, 14, 30, tzinfo=datetime.timezone.utc)
    assert response.data.accepted_quantity is None and response.data.rejection_reason is None
    assert isinstance(response.metadata, types.ResponseMetadata)
    assert response.metadata.request_id == "request_id"
    assert response.metadata.next_page_token == "U3RhaW5sZXNzIHJvY2tz"
    assert isinstance(response.error, types.APIError)
    assert (response.error.code, response.error.details) == (400, [{"foo": "bar"}])


def test_signature_matches_seed(client: Any) -> None:
    parameters = inspect.signature(client.v1.positions.cancel_position_instruction).parameters
    assert parameters["instruction_id"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters["account_id"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(parameters)[:2] == ["instruction_id", "account_id"]


def test_query_parameter_sent_only_when_given(client: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": [SEED_ENVELOPE["data"]]}))

    listed = client.v1.positions.get_position_instructions(7)
    client.v1.positions.get_position_instructions(7, instrument_id="AAPL 280121C00195000")

    assert [s.path for s in server.seen] == [
        "/v1/accounts/7/positions/instructions",
        "/v1/accounts/7/positions/instructions?instrument_id=AAPL+280121C00195000",
    ]
    assert [item.symbol for item in listed.data] == ["AAPL 280121C00195000"]


def test_submit_sends_the_list_as_body_and_207_returns_the_envelope(client: Any, server: ScriptedServer) -> None:
    rejected = {**SEED_ENVELOPE["data"], "status": "REJECTED", "rejection_reason": "Duplicate exercise instruction"}
    batch = {"metadata": {"request_id": "r-207"}, "error": {"code": 409, "message": "Duplicate exercise instruction"},
             "data": [SEED_ENVELOPE["data"], rejected]}
    server.reply(Reply(207, batch))
    instruction = {"instruction_type": "EXERCISE", "instrument_id": INSTRUCTION_ID, "quantity": "1"}

    response = client.v1.positions.submit_position_instructions(122503, instructions=[instruction])

    request = server.seen[-1]
    assert (request.method, request.path) == ("POST", "/v1/accounts/122503/positions/instructions")
    assert request.headers["content-type"] == "application/json"
    assert request.json() == [instruction]
    assert [row.status for row in response.data] == ["SENT", "REJECTED"]
    assert response.error.message == "Duplicate exercise instruction"


def test_path_parameters_are_encoded_as_one_segment(client: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))

    client.v1.positions.cancel_position_instruction("../../x?y#z", account_id=0)

    assert server.seen[-1].path == "/v1/accounts/0/positions/instructions/..%2F..%2Fx%3Fy%23z"


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_path_parameters_that_would_change_the_path_are_refused(client: Any, server: ScriptedServer, bad: str) -> None:
    with pytest.raises(ValueError, match="instruction_id"):
        client.v1.positions.cancel_position_instruction(bad, account_id=0)
    assert server.seen == []


def test_account_zero_is_a_real_account(client: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=0)
    assert server.seen[-1].path.startswith("/v1/accounts/0/")


def test_error_status_raises_typed_error_with_envelope_fields(client: Any, server: ScriptedServer,
                                                              clear_street: Any) -> None:
    body = {"metadata": {"request_id": "req-404"}, "error": {"code": 404, "message": "Instruction not found"},
            "data": None}
    server.reply(Reply(404, body))

    with pytest.raises(clear_street.NotFoundError) as caught:
        client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)

    error = caught.value
    assert isinstance(error, clear_street.APIStatusError)
    assert (error.status_code, error.code, error.error_message, error.request_id) == (
        404, 404, "Instruction not found", "req-404")
    assert str(error) == "Error code: 404 - Instruction not found (request_id: req-404)"


def test_html_error_page_raises_server_error_keeping_the_text(client: Any, server: ScriptedServer,
                                                              clear_street: Any) -> None:
    server.reply(Reply(502, "<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"}))

    with pytest.raises(clear_street.InternalServerError) as caught:
        client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)

    assert caught.value.body == "<html><body>Bad Gateway</body></html>"
    assert caught.value.request_id is None


def test_malformed_json_on_success_raises_sdk_error(client: Any, server: ScriptedServer, clear_street: Any) -> None:
    server.reply(Reply(200, '{"metadata": {"request_id": '))

    with pytest.raises(clear_street.APIResponseValidationError, match="Expected a JSON response body"):
        client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)


def test_connection_refused_raises_connection_error(clear_street: Any) -> None:
    client = clear_street.ClearStreet(api_key=API_KEY, base_url="http://127.0.0.1:9", initial_retry_delay=0.001)
    with pytest.raises(clear_street.APIConnectionError) as caught:
        client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)
    assert API_KEY not in str(caught.value)


def test_api_key_from_environment_and_missing_key(clear_street: Any, server: ScriptedServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEAR_STREET_API_KEY", raising=False)
    with pytest.raises(clear_street.ClearStreetError, match="CLEAR_STREET_API_KEY"):
        clear_street.ClearStreet(base_url=server.url)

    monkeypatch.setenv("CLEAR_STREET_API_KEY", "from-env")
    monkeypatch.setenv("CLEAR_STREET_BASE_URL", server.url)
    server.reply(Reply(200, SEED_ENVELOPE))
    clear_street.ClearStreet().v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)
    assert server.seen[-1].headers["authorization"] == "Bearer from-env"


def test_api_key_never_in_repr_logs_or_errors(client: Any, server: ScriptedServer, clear_street: Any,
                                              caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(401, {"metadata": {"request_id": "r"}, "error": {"code": 401, "message": "bad key"}}))
    with caplog.at_level(logging.DEBUG, logger="clear_street"), pytest.raises(clear_street.AuthenticationError) as caught:
        client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)
    assert caplog.records, "the SDK logs requests at debug level"
    for text in (repr(client), caplog.text, str(caught.value), repr(caught.value)):
        assert API_KEY not in text


def test_unknown_response_fields_are_kept(client: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, {**SEED_ENVELOPE, "data": {**SEED_ENVELOPE["data"], "venue": "OCC"}}))
    response = client.v1.positions.cancel_position_instruction(INSTRUCTION_ID, account_id=1)
    assert response.data.model_extra == {"venue": "OCC"}


def test_extra_headers_query_and_per_call_timeout(client: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, SEED_ENVELOPE))
    client.v1.positions.cancel_position_instruction(
        INSTRUCTION_ID, account_id=1, extra_headers={"X-Trace": "t-1"}, extra_query={"dry": True}, timeout=5.0
    )
    assert server.seen[-1].headers["x-trace"] == "t-1"
    assert server.seen[-1].path.endswith("?dry=true")
