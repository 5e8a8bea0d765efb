"""The importer's credentials and servers: `securitySchemes`, `security` (AND, OR, `[]`, per operation), `servers`
with variables, several servers (environments), and path- and operation-level `servers` (a method's base URL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.load import load
from generator.openapi import import_openapi, write_spec
from generator.pipeline import generate_files

OK = {"200": {"description": "ok"}}
ENVELOPE = {"Envelope": {"type": "object", "properties": {"request_id": {"type": "string"}}}}


def imported(tmp_path: Path, document: dict[str, Any]) -> Any:
    source = tmp_path / "doc.json"
    source.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"}, **document}))
    naming = tmp_path / "naming.yaml"  # methods named as the operationIds: what these tests look up
    naming.write_text("naming: operation_id\n")
    return import_openapi(source, naming)


def test_schemes_and_requirements(tmp_path: Path) -> None:
    result = imported(tmp_path, {
        "servers": [{"url": "https://shop.example/v1"}],
        "components": {"schemas": ENVELOPE, "securitySchemes": {
            "Basic": {"type": "http", "scheme": "basic"},
            "Key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "QueryKey": {"type": "apiKey", "in": "query", "name": "key"},
            "Session": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "OAuth": {"type": "oauth2", "flows": {}},
            "Digest": {"type": "http", "scheme": "digest"},
        }},
        "security": [{"OAuth": []}, {"Key": [], "Session": []}],
        "paths": {
            "/orders": {"get": {"operationId": "listOrders", "responses": OK},
                        "post": {"operationId": "createOrder", "security": [{"Basic": []}, {"QueryKey": []}],
                                 "responses": OK}},
            "/health": {"get": {"operationId": "health", "security": [], "responses": OK}},
            "/digest": {"get": {"operationId": "digest", "security": [{"Digest": []}, {"Basic": []}],
                                "responses": OK}},
        },
    })
    api = result.spec["api"]
    assert api["security_schemes"] == {
        "Basic": {"type": "basic"},
        "Key": {"type": "api_key", "in": "header", "name": "X-Key", "param": "key"},
        "QueryKey": {"type": "api_key", "in": "query", "name": "key", "param": "query_key"},
        "Session": {"type": "api_key", "in": "cookie", "name": "sid", "param": "session"},
        "OAuth": {"type": "bearer", "description": "oauth2: the SDK sends an access token as a bearer token; it does "
                                                   "not obtain one.", "param": "api_key"},
    }
    assert api["security"] == [["OAuth"], ["Key", "Session"]]
    methods = result.spec["resources"]
    assert "security" not in methods["orders"]["methods"]["list_orders"]  # the API's default
    assert methods["orders"]["methods"]["create_order"]["security"] == [["Basic"], ["QueryKey"]]
    assert methods["health"]["methods"]["health"]["security"] == []
    assert methods["digest"]["methods"]["digest"]["security"] == [["Basic"]]  # Digest cannot be sent
    digest = "#/components/securitySchemes/Digest: security scheme 'Digest' (http digest) cannot be expressed; dropped"
    assert [(w.code, w.message) for w in result.warnings if "ecurit" in w.message] == [("unsupported", digest)]


def test_servers_variables_environments_and_method_base_urls(tmp_path: Path) -> None:
    result = imported(tmp_path, {
        "servers": [
            {"url": "https://{region}.shop.example/{version}", "description": "Production",
             "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}, "version": {"default": "v1"}}},
            {"url": "https://sandbox.shop.example/{version}", "description": "Sandbox"},
            {"url": "http://localhost:8080"},
        ],
        "components": {"schemas": ENVELOPE},
        "paths": {
            "/files/{id}": {"servers": [{"url": "https://files.shop.example"}],
                            "get": {"operationId": "getFile", "responses": OK,
                                    "parameters": [{"name": "id", "in": "path", "required": True,
                                                    "schema": {"type": "string"}}]},
                            "put": {"operationId": "putFile", "responses": OK, "servers": [
                                {"url": "https://{bucket}.uploads.shop.example",
                                 "variables": {"bucket": {"default": "main"}}}],
                                    "parameters": [{"name": "id", "in": "path", "required": True,
                                                    "schema": {"type": "string"}}]}},
            "/v2/ping": {"get": {"operationId": "ping", "servers": [{"url": "/next"}], "responses": OK}},
        },
    })
    api = result.spec["api"]
    assert "base_url" not in api
    assert api["environments"] == {"production": "https://{region}.shop.example/{version}",
                                   "sandbox": "https://sandbox.shop.example/{version}",
                                   "localhost_8080": "http://localhost:8080"}
    assert api["server_variables"] == {"region": {"default": "eu", "enum": ["eu", "us"]},
                                       "version": {"default": "v1"}, "bucket": {"default": "main"}}
    files = result.spec["resources"]["files"]["methods"]
    assert files["get_file"]["base_url"] == "https://files.shop.example"  # the path's servers
    assert files["put_file"]["base_url"] == "https://{bucket}.uploads.shop.example"  # the operation's win
    assert result.spec["resources"]["v2"]["resources"]["ping"]["methods"]["ping"]["base_url"] == "/next"
    assert not [w for w in result.warnings if "server" in w.message]


def test_the_imported_spec_generates(tmp_path: Path) -> None:
    """Both documents above, written as specs: they validate and generate."""
    for test in (test_schemes_and_requirements, test_servers_variables_environments_and_method_base_urls):
        directory = tmp_path / test.__name__
        directory.mkdir()
        test(directory)
        result = import_openapi(directory / "doc.json", directory / "naming.yaml")
        assert not write_spec(result, directory / "doc.json", directory / "spec.yaml")
        assert generate_files(directory / "spec.yaml").files
        assert load(directory / "spec.yaml").data["api"]["name"] == "Shop"
