"""`clientgen import-openapi`: pagination detected from a list operation's shape (generator/openapi/pagination.py),
declared or turned off in the overrides file, and `Idempotency-Key` header parameters made `idempotency_header`
(with the SDK's retry of such a POST, end to end on a local server)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import SpecError
from generator.openapi import import_openapi, write_spec
from generator.pipeline import generate
from tests.server import Reply, ScriptedServer

ROOT = Path(__file__).resolve().parent.parent
OPENAI = ROOT.parent / "shared" / "specs" / "corpus" / "openai.yaml"
CLEAR_STREET = ROOT.parent / "shared" / "specs" / "clear-street-openapi.yml"


def query(*names: str, kind: str = "string") -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "schema": {"type": kind}} for n in names]


def ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0", "info": {"title": "Lists", "version": "1"}, "servers": [{"url": "https://l.example"}],
    "components": {"schemas": {
        "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "ThingList": {"type": "object", "properties": {"object": {"type": "string"}, "data": ITEMS,
                                                       "has_more": {"type": "boolean"}}},
        "Links": {"type": "object", "properties": {"self": {"type": "string"}, "next": {"type": "string"}}},
    }},
    "paths": {
        "/files": {"get": {"operationId": "listFiles", "parameters": query("after", "limit"),
                           "responses": ok({"$ref": "#/components/schemas/ThingList"})}},
        "/charges": {"get": {"operationId": "listCharges", "parameters": query("starting_after"),
                             "responses": ok({"$ref": "#/components/schemas/ThingList"})}},
        "/msgs": {"get": {"operationId": "listMsgs", "parameters": query("iterator", "limit"),
                          "responses": ok(obj(data=ITEMS, iterator={"type": ["string", "null"]},
                                              prevIterator={"type": ["string", "null"]}, done={"type": "boolean"}))}},
        "/events": {"get": {"operationId": "listEvents", "parameters": query("page_token"),
                            "responses": ok(obj(events=ITEMS, next_page_token={"type": "string"}))}},
        "/costs": {"get": {"operationId": "listCosts", "parameters": query("page"),
                           "responses": ok(obj(data=ITEMS, has_more={"type": "boolean"},
                                               next_page={"anyOf": [{"type": "string"}, {"type": "null"}]}))}},
        "/stations": {"get": {"operationId": "listStations", "responses": ok({"allOf": [
            {"properties": {"data": ITEMS}},
            {"properties": {"links": {"allOf": [{"$ref": "#/components/schemas/Links"}]}}}]})}},
        "/users": {"get": {"operationId": "searchUsers", "parameters": query("q") + query("page", "per_page",
                                                                                           kind="integer"),
                           "responses": ok(obj(items=ITEMS, total_count={"type": "integer"}))}},
        # Not lists that page: no page parameter, no has_more, a POST, a single object.
        "/models": {"get": {"operationId": "listModels", "responses": ok(obj(data=ITEMS))},
                    "post": {"operationId": "createModel", "parameters": query("after"),
                             "responses": ok({"$ref": "#/components/schemas/ThingList"})}},
        "/plain": {"get": {"operationId": "listPlain", "parameters": query("after"), "responses": ok(obj(data=ITEMS))}},
        "/thing": {"get": {"operationId": "getThing", "parameters": query("page"),
                           "responses": ok({"$ref": "#/components/schemas/Thing"})}},
        "/orders": {"post": {
            "operationId": "createOrder",
            "parameters": [{"name": "idempotency-key", "in": "header", "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": obj(symbol={"type": "string"})}}},
            "responses": ok({"$ref": "#/components/schemas/Thing"})}},
    },
}


def methods_of(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Methods by their HTTP line, whatever names the importer gives them."""
    return {m["http"]: m for m in _all_methods(spec["resources"])}


def _all_methods(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for r in tree.values() for m in [*(r.get("methods") or {}).values(), *_all_methods(r.get("resources")
                                                                                                  or {})]]


def imported(tmp_path: Path, overrides: str | None = None) -> dict[str, dict[str, Any]]:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(DOCUMENT))
    config = None
    if overrides is not None:
        config = tmp_path / "overrides.yaml"
        config.write_text(overrides)
    return methods_of(import_openapi(source, config).spec)


def test_each_shape_is_detected(tmp_path: Path) -> None:
    methods = imported(tmp_path)
    pages = {http: m.get("pagination") for http, m in methods.items()}
    assert pages == {
        "GET /files": {"style": "cursor"},
        "GET /charges": {"style": "cursor", "cursor_param": "starting_after"},
        "GET /msgs": {"style": "iterator"},
        "GET /events": {"style": "token", "items": "events"},
        "GET /costs": {"style": "token", "token_param": "page", "next_token": "next_page"},
        "GET /stations": {"style": "next_url", "next_url": "links.next"},
        "GET /users": {"style": "page", "total": "total_count", "items": "items"},
        "GET /models": None, "POST /models": None, "GET /plain": None, "GET /thing": None, "POST /orders": None,
    }


def test_overrides_declare_or_turn_off_pagination(tmp_path: Path) -> None:
    methods = imported(tmp_path, "methods:\n"
                                 "  listFiles: {pagination: false}\n"
                                 "  listModels: {pagination: {style: page, page_param: after}}\n"
                                 "  listPlain: {pagination: true}\n"
                                 "  listCharges: {pagination: true}\n")
    assert "pagination" not in methods["GET /files"]
    assert methods["GET /models"]["pagination"] == {"style": "page", "page_param": "after"}
    assert methods["GET /plain"]["pagination"] == {}  # true with nothing detected: the defaults
    assert methods["GET /charges"]["pagination"] == {"style": "cursor", "cursor_param": "starting_after"}


def test_an_overrides_pagination_of_another_type_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="'pagination' is false"):
        imported(tmp_path, "methods:\n  listFiles: {pagination: cursor}\n")


def test_idempotency_key_header_becomes_idempotency_header(tmp_path: Path) -> None:
    order = imported(tmp_path)["POST /orders"]
    assert order["idempotency_header"] == "idempotency-key"
    assert list(order["params"]) == ["symbol"]
    assert list(order) == ["http", "idempotency_header", "params", "response"]


def call(resource: Any, *names: str) -> Any:
    """The resource's method by its operationId's name, or by the CRUD name the importer may give it."""
    return next(getattr(resource, n) for n in names if hasattr(resource, n))


@pytest.fixture(scope="module")
def lists_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The SDK of DOCUMENT, imported and generated: the detected pagination is a valid spec that generates."""
    out = tmp_path_factory.mktemp("lists")
    source = out / "openapi.json"
    source.write_text(json.dumps(DOCUMENT))
    assert write_spec(import_openapi(source), source, out / "spec.yaml") == []
    generate(out / "spec.yaml", out / "gen")
    sys.path.insert(0, str(out / "gen" / "python"))
    return importlib.import_module("lists")


def test_detected_pages_page_end_to_end(lists_sdk: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"data": [{"id": "a"}], "has_more": True, "next_page": "p2"}),
                 Reply(200, {"data": [{"id": "b"}], "has_more": False, "next_page": None}))
    client = lists_sdk.Lists(base_url=server.url)
    page = call(client.costs, "list_costs", "list")()
    assert type(page).__name__ == "SyncTokenPage"
    assert [t.id for t in page] == ["a", "b"]
    assert [s.path for s in server.seen] == ["/costs", "/costs?page=p2"]


def test_the_sdk_sends_one_key_and_retries_the_post_with_it(lists_sdk: Any, server: ScriptedServer) -> None:
    """Idempotency-Key is no parameter: the SDK makes the key, retries the POST after a 500 and a 503 with the same
    key, and a new call gets a new key."""
    server.reply(Reply(500, {"error": "boom"}), Reply(503, {"error": "busy"}), Reply(200, {"id": "o1"}))
    client = lists_sdk.Lists(base_url=server.url, max_retries=2, initial_retry_delay=0.001, max_retry_delay=0.005)
    create = call(client.orders, "create_order", "create")
    assert create(symbol="AAPL").id == "o1"
    keys = [s.headers.get("idempotency-key") for s in server.seen]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1
    assert [s.method for s in server.seen] == ["POST"] * 3 and server.seen[0].json() == {"symbol": "AAPL"}
    server.reply(Reply(200, {"id": "o2"}))
    create(symbol="MSFT")
    assert server.seen[-1].headers["idempotency-key"] not in keys


@pytest.mark.skipif(not OPENAI.exists(), reason="the OpenAI document is not present")
def test_openai_lists_page() -> None:
    """OpenAI's cursor lists (after + has_more) and its usage lists (page + next_page) page; /models does not."""
    methods = _all_methods(import_openapi(OPENAI).spec["resources"])
    styles = [m["pagination"].get("style") for m in methods if "pagination" in m]
    assert (styles.count("cursor"), styles.count("token"), len(styles)) == (51, 11, 62)
    http = {m["http"]: m for m in methods}
    for line in ("GET /files", "GET /fine_tuning/jobs", "GET /assistants", "GET /threads/{thread_id}/messages"):
        assert http[line]["pagination"] == {"style": "cursor"}, line
    assert http["GET /organization/costs"]["pagination"] == {"style": "token", "token_param": "page",
                                                             "next_token": "next_page"}
    assert "pagination" not in http["GET /models"]


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_clear_street_lists_are_found_without_overrides() -> None:
    """The 14 lists the Clear Street overrides mark `pagination: true` are the ones detected without them: the
    token pages in its envelope, `pagination: {}`."""
    methods = _all_methods(import_openapi(CLEAR_STREET).spec["resources"])
    assert sorted(m["http"] for m in methods if "pagination" in m) == sorted([
        "GET /v1/accounts", "GET /v1/accounts/{account_id}/executions", "GET /v1/accounts/{account_id}/orders",
        "GET /v1/accounts/{account_id}/positions", "GET /v1/instruments", "GET /v1/instruments/options/contracts",
        "GET /v1/instruments/search", "GET /v1/instruments/{instrument_id}/balance-sheets",
        "GET /v1/instruments/{instrument_id}/cash-flow-statements",
        "GET /v1/instruments/{instrument_id}/income-statements", "GET /v1/news", "GET /v1/omni-ai/threads",
        "GET /v1/omni-ai/threads/{thread_id}/messages", "GET /v1/watchlists"])
    assert all(m["pagination"] == {} for m in methods if "pagination" in m)


def test_self_referring_schemas_do_not_stop_detection(tmp_path: Path) -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["components"]["schemas"]["Loop"] = {"anyOf": [{"$ref": "#/components/schemas/Loop"}, {"type": "null"}]}
    document["paths"]["/loop"] = {"get": {"operationId": "listLoop", "parameters": query("after"),
                                          "responses": ok(obj(data=ITEMS, has_more={"$ref": "#/components/schemas/Loop"}))}}
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document))
    methods = methods_of(import_openapi(source).spec)
    assert "pagination" not in methods["GET /loop"] and methods["GET /files"]["pagination"] == {"style": "cursor"}
