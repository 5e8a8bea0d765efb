"""Real APIs, end to end: every document of ../shared/specs (OpenAI, 49 single-feature oas-examples, Clear Street) is
imported, generated, linted (ruff, black --check, mypy --strict) and every generated method is called, sync and
async, against Prism serving the original document (Steady for the calls Prism cannot answer: STEADY_SERVES in
tests/real_apis.py). tests/REAL_APIS.md explains how to read the results.

The documents run in a pool of worker processes (REAL_APIS_WORKERS, default: 2) started by the first test; each
test waits for its own document. The summary table is printed at the end of the run and written to
.cache/real-apis/summary.md.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import pydantic
import pytest

from tests.real_apis import (
    CACHE,
    NO_RESPONSES,
    Call,
    Planned,
    Result,
    check,
    documents,
    expected_error,
    is_limited,
    json_schema,
    matches,
    run_document,
    sample,
    schema_problem,
    served_document,
    steady_document,
    steady_problems,
    table,
)

# Calls the mock server cannot answer correctly, each with its reason: "DOC" (the whole document),
# "DOC::resource.method" (sync and async) or "DOC::resource.method sync|async". A call listed here is counted but
# not asserted; one that passes anyway fails the test, so the list only ever holds what is still needed.
# It must stay empty for openai.
# (tests/real_apis.py's STEADY_SERVES lists the calls that the second mock, Steady, serves because Prism cannot.)
IMPOSSIBLE_ALL_OF = ("the body schema is an allOf of string and integer: no request can be valid (Prism answers 422; "
                     "Steady 400 E1012 'Impossible schema')")
KNOWN_MOCK_LIMITATIONS: dict[str, str] = {
    "30-http-status-codes::status.get_status_10?": "the operation's only response is a 1xx status: Prism sends it "
    "and nothing after it; a 1xx is never a final response (curl waits for one until it times out, httpx raises "
    "RemoteProtocolError). Steady refuses to load the document (E1019: operations without a 2xx response)",
    "30-schema-circular::circular.put": "the operation's required `Authorization` header parameter is one "
    "OpenAPI says SHALL be ignored (the SDK sets that header; the document declares no security scheme), but both "
    "mocks validate it: Prism answers the document's 400, Steady 400 E3004 'Missing required header parameter'",
    "30-schema-types::anything.quirks.polymorphism.*_incompatible_all_of": IMPOSSIBLE_ALL_OF,
    "31-schema-types::anything.quirks.polymorphism.*_incompatible_all_of": IMPOSSIBLE_ALL_OF,
}

# Documents expected to fail, each with its reason: strict xfail, so a document that starts passing must be taken
# off. Empty: every document passes, apart from the calls in KNOWN_MOCK_LIMITATIONS.
EXPECTED_FAILURES: dict[str, str] = {}

DOCUMENTS = documents()
WORKERS = int(os.environ.get("REAL_APIS_WORKERS", "2"))
LONGEST_FIRST = ("openai", "clear-street")  # started first, so the pool is not left with one long job at the end
RESULTS: dict[str, Result] = {}  # filled as the tests run, for the summary


def _params() -> list[object]:
    return [pytest.param(doc_id, id=doc_id, marks=[pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[doc_id])]
                         if doc_id in EXPECTED_FAILURES else [])
            for doc_id in DOCUMENTS]


class Runs:
    """The documents this session selected, submitted to the pool at once (longest first); each test waits for
    its own."""

    def __init__(self, selected: list[str], work: Path) -> None:
        self.work = work
        ordered = sorted(selected, key=lambda d: (d not in LONGEST_FIRST, LONGEST_FIRST.index(d)
                                                  if d in LONGEST_FIRST else 0))
        context = multiprocessing.get_context("spawn")  # never fork pytest
        self.pool = ProcessPoolExecutor(max_workers=max(1, min(WORKERS, len(ordered))), mp_context=context)
        self.futures: dict[str, Future[Result]] = {}
        CACHE.mkdir(parents=True, exist_ok=True)
        for doc_id in ordered:  # one mypy cache for all: mypy writes its cache files atomically
            self.futures[doc_id] = self.pool.submit(run_document, doc_id, DOCUMENTS[doc_id], work / doc_id,
                                                    CACHE / "mypy")

    def result(self, doc_id: str) -> Result:
        result = self.futures[doc_id].result(timeout=1800)
        RESULTS[doc_id] = result
        (CACHE / "results").mkdir(parents=True, exist_ok=True)
        (CACHE / "results" / f"{doc_id}.json").write_text(json.dumps(result.to_json(), indent=1))
        return result

    def close(self) -> None:
        for future in self.futures.values():
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    selected = [item.callspec.params["doc_id"] for item in request.session.items
                if item.originalname == "test_real_api" and hasattr(item, "callspec")]
    pool = Runs(selected, tmp_path_factory.mktemp("real_apis"))
    yield pool
    pool.close()


@pytest.mark.parametrize("doc_id", _params())
def test_real_api(runs: Runs, doc_id: str) -> None:
    result = runs.result(doc_id)
    assert not result.import_errors, "import-openapi reported errors:\n" + "\n".join(result.import_errors)
    assert not result.generate_error, f"generate failed:\n{result.generate_error}"
    for tool, output in result.lint.items():
        assert not output, f"{tool} on the generated SDK:\n{output}"
    limited = [call for call in result.calls if is_limited(doc_id, call, KNOWN_MOCK_LIMITATIONS)]
    if not limited:
        assert not result.prism_error, result.prism_error
    assert not result.calls_error, result.calls_error
    assert result.calls or result.operations == 0, "no calls were made"
    failed = [call for call in result.calls if not call.ok and call not in limited]
    assert not failed, f"{len(failed)} of {len(result.calls)} calls failed:\n" + "\n".join(
        f"  {call.key}: {call.detail}" for call in failed[:40])
    unneeded = [call.key for call in limited if call.ok]
    assert not unneeded, f"these calls pass now: take them off KNOWN_MOCK_LIMITATIONS: {unneeded}"


def test_openai_has_no_known_mock_limitations() -> None:
    assert not [key for key in KNOWN_MOCK_LIMITATIONS if key == "openai" or key.startswith("openai::")]


def test_the_lists_name_only_documents_of_the_suite() -> None:
    assert set(EXPECTED_FAILURES) <= set(DOCUMENTS)
    assert {key.split("::")[0] for key in KNOWN_MOCK_LIMITATIONS} <= set(DOCUMENTS)
    assert all(reason.strip() for reason in [*EXPECTED_FAILURES.values(), *KNOWN_MOCK_LIMITATIONS.values()])


def summary() -> str:
    """The table of this session's results ('' when the suite did not run), also kept in .cache/real-apis."""
    if not RESULTS:
        return ""
    text = table(list(RESULTS.values()), EXPECTED_FAILURES, KNOWN_MOCK_LIMITATIONS)
    (CACHE / "summary.md").write_text(text + "\n")
    return text


# --- the suite's own parts, without a mock ------------------------------------------------------------------------


class _Pet(pydantic.BaseModel):
    name: str


_T = TypeVar("_T")


class _Stream(Generic[_T]):
    """Shaped like the runtime's Stream: a context manager to iterate; records that it was entered and closed."""

    def __init__(self, events: list[Any]) -> None:
        self.events, self.closed = events, False

    def __enter__(self) -> _Stream[_T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True

    def __iter__(self) -> Iterator[_T]:
        return iter(self.events)


@pytest.mark.parametrize(("value", "declared", "ok"), [
    (_Pet(name="a"), _Pet, True),
    ({"name": "a"}, _Pet, False),  # a dict is not the model it should have been parsed into
    ([_Pet(name="a")], list[_Pet], True),
    ([_Pet(name="a"), {"name": "b"}], list[_Pet], False),
    ({"k": _Pet(name="a")}, dict[str, _Pet], True),
    ("text", str, True),
    (1, float, True),
    (True, int, False),
    ("b", Literal["a", "b"], True),
    ("c", Literal["a", "b"], False),
    (None, _Pet | None, True),
    (_Pet(name="a"), int | _Pet, True),
    ("x", int | _Pet, False),
])
def test_a_result_matches_its_declared_type_recursively(value: Any, declared: Any, ok: bool) -> None:
    assert (matches(value, declared, "the result") == "") is ok


def test_none_fails_where_the_document_declares_a_body() -> None:
    assert check(None, None, body=False) == ""
    assert "declares a success body" in check(None, None, body=True)
    assert "declares a success body" in check(None, _Pet | None, body=True)


def test_a_stream_is_entered_iterated_and_each_event_checked() -> None:
    good = _Stream[_Pet]([_Pet(name="a"), _Pet(name="b")])
    assert check(good, _Stream[_Pet], body=True) == "" and good.closed
    assert "event 1" in check(_Stream[_Pet]([_Pet(name="a"), "oops"]), _Stream[_Pet], body=True)
    assert "without an event" in check(_Stream[_Pet]([]), _Stream[_Pet], body=True)  # an empty stream proves nothing


def test_limitations_name_documents_methods_wildcards_and_single_calls() -> None:
    call = Call("information_responses.get_status_100", "async", ok=False)
    assert is_limited("d", call, {"d": "r"})
    assert is_limited("d", call, {"d::information_responses.*": "r"})
    assert is_limited("d", call, {"d::information_responses.get_status_100 async": "r"})
    assert not is_limited("d", call, {"d::information_responses.get_status_100 sync": "r"})
    assert not is_limited("e", call, {"d::information_responses.*": "r"})


def test_samples_keep_to_what_the_mock_validates() -> None:
    document = {"components": {"schemas": {
        "A": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
        "B": {"type": "object", "required": ["kind", "size"],
              "properties": {"kind": {"type": "string"}, "size": {"type": "integer", "minimum": 3}}},
    }}}
    assert sample(document, {"type": "integer", "minimum": 5, "maximum": 10}) == 5
    assert sample(document, {"type": "integer", "exclusiveMinimum": 5}) == 6
    assert sample(document, {"type": "string", "format": "email"}) == "user@example.com"
    assert len(sample(document, {"type": "string", "minLength": 12})) == 12
    assert sample(document, {"type": "string", "enum": [None, "x"]}) == "x"
    # oneOf: the first member's sample that matches exactly one member (the mock rejects a body matching two)
    assert sample(document, {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}) \
        == {"kind": "string"}
    assert sample(document, {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}]}) == {}  # B's fits both
    assert sample(document, {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}]}) \
        == {"kind": "string", "size": 3}  # anyOf: the first member's


def test_an_object_whose_any_of_only_requires_properties_is_sampled_with_them() -> None:
    """OpenAI's `anyOf: [{required: [file_ids]}, {required: [files]}]` beside `properties`: a constraint on the
    object, not a union of other shapes."""
    schema = {"type": "object", "properties": {"file_ids": {"type": "array", "items": {"type": "string"}},
                                               "files": {"type": "array", "items": {"type": "string"}}},
              "anyOf": [{"required": ["file_ids"]}, {"required": ["files"]}]}
    assert sample({}, schema) == {"file_ids": ["string"]}


def test_the_document_schema_a_mock_response_is_checked_against() -> None:
    document = {"openapi": "3.0.3", "components": {"schemas": {
        "Eval": {"type": "object", "required": ["schema", "note"], "properties": {
            "schema": {"type": "object"}, "note": {"type": "string", "nullable": True},
            "nullable": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}}}}}
    ref = {"$ref": "#/components/schemas/Eval"}
    assert schema_problem(document, {"schema": {}, "note": None, "nullable": 1}, ref) == ""  # 3.0's nullable
    assert "'{}' is not of type 'object'" in schema_problem(document, {"schema": "{}", "note": "x"}, ref)
    assert "0 is less than or equal to the minimum of 0" in schema_problem(
        document, {"schema": {}, "note": "x", "nullable": 0}, ref)  # 3.0's boolean exclusiveMinimum
    assert json_schema({"enum": [{"nullable": True}], "nullable": True}) == {
        "anyOf": [{"enum": [{"nullable": True}]}, {"type": "null"}]}  # values are left as they are


def test_framing_response_headers_are_left_out_of_the_served_document(tmp_path: Path) -> None:
    """Prism would send `Transfer-Encoding: string` (the header schema's example): unreadable HTTP."""
    speech = {"responses": {"200": {"description": "OK", "headers": {
        "Transfer-Encoding": {"schema": {"type": "string"}}, "X-Request-Id": {"schema": {"type": "string"}}},
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/speech": {"post": speech}}}
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document))
    served = served_document(source, tmp_path / "work")
    assert served != source
    headers = json.loads(served.read_text())["paths"]["/speech"]["post"]["responses"]["200"]["headers"]
    assert list(headers) == ["X-Request-Id"]
    del speech["responses"]["200"]["headers"]["Transfer-Encoding"]
    source.write_text(json.dumps(document))
    assert served_document(source, tmp_path / "work") == source  # nothing to leave out: the original


def test_an_event_stream_of_objects_is_served_as_one_sampled_event(tmp_path: Path) -> None:
    """Prism cannot serve an object schema as `text/event-stream` (a 500): the copy serves one event as text."""
    chunk = {"type": "object", "required": ["delta"], "properties": {"delta": {"type": "string"}}}
    chat = {"responses": {"200": {"description": "OK", "content": {
        "application/json": {"schema": {"type": "object"}},
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}}}
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/chat": {"post": chat}},
                "components": {"schemas": {"Chunk": chunk}}}
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document))
    content = json.loads(served_document(source, tmp_path / "work").read_text())[
        "paths"]["/chat"]["post"]["responses"]["200"]["content"]
    assert content["application/json"] == {"schema": {"type": "object"}}
    assert content["text/event-stream"] == {"schema": {"type": "string"},
                                            "example": 'data: {"delta": "string"}\n\ndata: [DONE]\n\n'}


def test_an_operation_without_success_response_passes_with_its_typed_status_error() -> None:
    class APIStatusError(Exception):  # named as the generated SDK's
        def __init__(self, status_code: int) -> None:
            super().__init__(f"Error code: {status_code}")
            self.status_code = status_code

    class NotFoundError(APIStatusError):
        pass

    only_404 = Planned("pets.get", ("pets",), "get", [], {}, body=False, errors=(404,))
    assert expected_error(NotFoundError(404), only_404) == ""
    assert "Error code: 500" in expected_error(APIStatusError(500), only_404)  # not a documented status
    assert "ValueError" in expected_error(ValueError("x"), only_404)
    with_success = Planned("pets.get", ("pets",), "get", [], {}, body=True, errors=())
    assert "NotFoundError" in expected_error(NotFoundError(404), with_success)


def test_steady_serves_an_operation_without_responses_and_rejects_wrong_requests(tmp_path: Path) -> None:
    """The second mock proves something only if it validates: an operation that declares no responses is answered
    204 (the copy Steady serves declares it) when the request is valid; a wrong body, content type or required
    query parameter gets a 400, and a value out of its bounds or format a diagnostic that fails the call."""
    import httpx

    from tests import mock_server

    if mock_server.tools_missing():
        pytest.skip(f"the mock server needs node and npm: {mock_server.tools_missing()}")
    body = {"type": "object", "required": ["size"], "properties": {
        "size": {"type": "integer", "minimum": 1}, "email": {"type": "string", "format": "email"}}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/boxes": {"put": {
        "operationId": "putBox",
        "parameters": [{"name": "color", "in": "query", "required": True, "schema": {"enum": ["red", "blue"]}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}}}}}}
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document))
    served = steady_document(source, tmp_path / "work")
    assert json.loads(served.read_text())["paths"]["/boxes"]["put"]["responses"] == NO_RESPONSES
    with mock_server.serve(served, mock=mock_server.STEADY) as server, httpx.Client(base_url=server.url) as http:
        good = http.put("/boxes", params={"color": "red"}, json={"size": 2, "email": "a@example.com"})
        assert (good.status_code, good.content, steady_problems(good.headers)) == (204, b"", "")
        for params, kwargs in [({"color": "red"}, {"json": {"size": "2"}}), ({"color": "red"}, {"json": {}}),
                               ({"color": "green"}, {"json": {"size": 2}}), ({}, {"json": {"size": 2}}),
                               ({"color": "red"}, {"content": b"size=2", "headers": {
                                   "content-type": "application/x-www-form-urlencoded"}})]:
            wrong = http.put("/boxes", params=params, **kwargs)
            assert (wrong.status_code, wrong.headers["x-steady-request-valid"]) == (400, "false"), (params, kwargs)
            assert steady_problems(wrong.headers).startswith("E3"), (params, kwargs)
        for value, code in [({"size": 0}, "E4004"), ({"size": 1, "email": "not-an-email"}, "E4001")]:
            noted = http.put("/boxes", params={"color": "red"}, json=value)
            assert noted.status_code == 204 and steady_problems(noted.headers).startswith(code), value
