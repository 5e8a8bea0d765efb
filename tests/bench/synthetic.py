"""A deterministic synthetic OpenAPI 3.1 document for benchmarks: 4 operations and 4 schemas per resource.

    python tests/bench/synthetic.py OPERATIONS [--deep] > api.json

--deep makes every resource model refer to the models of the five resources before it, a deep $ref graph.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ENVELOPE = {
    "BaseResponse": {
        "type": "object",
        "required": ["metadata"],
        "properties": {
            "metadata": {"$ref": "#/components/schemas/ResponseMetadata"},
            "error": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/ApiError"}]},
        },
    },
    "ResponseMetadata": {
        "type": "object",
        "required": ["request_id"],
        "properties": {"request_id": {"type": "string"}, "next_page_token": {"type": ["string", "null"]}},
    },
    "ApiError": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
    },
}


def document(operations: int, deep: bool = False) -> dict[str, Any]:
    resources = max(1, operations // 4)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = dict(ENVELOPE)
    for index in range(resources):
        name = f"Widget{index:04d}"
        schemas.update(_schemas(name, index, deep))
        paths.update(_paths(name, index))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic API", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"BearerAuth": []}],
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _enveloped(data: dict[str, Any]) -> dict[str, Any]:
    return {"allOf": [_ref("BaseResponse"), {"type": "object", "required": ["data"], "properties": {"data": data}}]}


def _schemas(name: str, index: int, deep: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "format": "uuid", "description": f"Identifier of the {name}."},
        "name": {"type": "string", "description": "Display name.", "example": "example"},
        "status": _ref(f"{name}Status"),
        "size": {"type": "integer", "format": "int64"},
        "ratio": {"type": ["number", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "detail": _ref(f"{name}Detail"),
    }
    if deep:
        for back in range(1, 6):
            if index - back >= 0:
                properties[f"related_{back}"] = _ref(f"Widget{index - back:04d}")
    return {
        name: {"type": "object", "description": f"A {name}.", "required": ["id", "name", "status"],
               "properties": properties},
        f"{name}Status": {"type": "string", "enum": ["ACTIVE", "PAUSED", "DELETED"]},
        f"{name}Detail": {"type": "object", "properties": {"note": {"type": "string"}, "count": {"type": "integer"}}},
        f"{name}Create": {"type": "object", "required": ["name"],
                          "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}},
    }


def _paths(name: str, index: int) -> dict[str, Any]:
    tag = f"Widgets {index:04d}"
    base = f"/v1/widgets{index:04d}"
    ok = lambda schema: {"200": {"description": "OK", "content": {"application/json": {"schema": _enveloped(schema)}}}}
    item_id = {"name": "widget_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        base: {
            "get": {"tags": [tag], "operationId": f"list_widgets_{index:04d}", "summary": f"List {name}",
                    "parameters": [{"name": "page_token", "in": "query", "schema": {"type": "string"}},
                                   {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "responses": ok({"type": "array", "items": _ref(name)})},
            "post": {"tags": [tag], "operationId": f"create_widget_{index:04d}", "summary": f"Create {name}",
                     "requestBody": {"required": True,
                                     "content": {"application/json": {"schema": _ref(f"{name}Create")}}},
                     "responses": ok(_ref(name))},
        },
        f"{base}/{{widget_id}}": {
            "get": {"tags": [tag], "operationId": f"get_widget_{index:04d}", "summary": f"Get {name}",
                    "parameters": [item_id], "responses": ok(_ref(name))},
            "delete": {"tags": [tag], "operationId": f"delete_widget_{index:04d}", "summary": f"Delete {name}",
                       "parameters": [item_id], "responses": ok(_ref(name))},
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("operations", type=int)
    parser.add_argument("--deep", action="store_true")
    arguments = parser.parse_args()
    json.dump(document(arguments.operations, arguments.deep), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
