"""`clientgen import-openapi` on schema features and documents in several files: each feature in 3.0 (YAML) and 3.1
(JSON) where the versions differ, the warnings (or their absence) with their positions, and an imported
discriminated union parsed by the generated SDK on a real local HTTP server."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.openapi import import_openapi
from generator.pipeline import generate
from tests.server import Reply, ScriptedServer


def document(version: str, schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "Feature", "version": "1"}, "servers": [{"url": "https://f.example"}],
            "components": {"schemas": schemas, "securitySchemes": {"b": {"type": "http", "scheme": "bearer"}}},
            "security": [{"b": []}], "paths": paths or {}}


def write(tmp_path: Path, data: dict[str, Any], name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False))
    return path


def imported(tmp_path: Path, version: str, schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> Any:
    name = "openapi.json" if version.startswith("3.1") else "openapi.yaml"
    return import_openapi(write(tmp_path, document(version, schemas, paths), name))


def ours(result: Any) -> list[Any]:
    """The warnings about schemas and documents (not that the API has no operations or no envelope)."""
    return [w for w in result.warnings if w.code not in ("no-operations", "no-envelope")]


def messages(result: Any) -> list[str]:
    return [w.message for w in ours(result)]


VERSIONS = ["3.0.3", "3.1.0"]


@pytest.mark.parametrize("version", VERSIONS)
def test_read_only_write_only_const_and_validation_keywords_carry_over_silently(tmp_path: Path, version: str) -> None:
    lower = {"exclusiveMinimum": 0} if version == "3.1.0" else {"minimum": 0, "exclusiveMinimum": True}
    account = {"type": "object", "properties": {
        "id": {"type": "string", "readOnly": True},
        "password": {"type": "string", "writeOnly": True},
        "kind": {"type": "string", "const": "account"} if version == "3.1.0" else {"type": "string", "enum": ["account"]},
        "score": {"type": "number", "multipleOf": 0.5, "maximum": 10, **lower},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "contains": {"const": "a"}},
        "meta": {"type": "object", "maxProperties": 3, "minProperties": 1, "propertyNames": {"pattern": "^a"},
                 "additionalProperties": {"type": "string"}},
        "owner": {"$ref": "#/components/schemas/Account", "readOnly": True},
    }, "x-internal": True, "x-enum-varnames": ["A"]}

    result = imported(tmp_path, version, {"Account": account})

    props = result.spec["schemas"]["Account"]["properties"]
    assert props["id"] == {"type": "string", "readOnly": True}
    assert props["password"] == {"type": "string", "writeOnly": True}
    assert props["kind"] == ({"type": "string", "const": "account"} if version == "3.1.0"
                             else {"type": "string", "enum": ["account"]})
    assert props["score"] == {"type": "number", "maximum": 10, "exclusiveMinimum": 0, "multipleOf": 0.5}
    assert props["tags"]["uniqueItems"] is True and "contains" not in props["tags"]
    assert props["meta"]["minProperties"] == 1 and props["meta"]["maxProperties"] == 3
    assert props["owner"] == {"$ref": "#/schemas/Account", "readOnly": True}
    assert messages(result) == []  # vendor extensions and validation-only keywords: no warning


def test_pattern_properties_type_the_values_of_a_map(tmp_path: Path) -> None:
    schemas = {"Labels": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
               "Mixed": {"type": "object", "additionalProperties": {"type": "integer"},
                         "patternProperties": {"^s": {"type": "string"}, "^b": {"type": "boolean"}}}}
    result = imported(tmp_path, "3.1.0", schemas)
    assert result.spec["schemas"]["Labels"] == {"type": "object", "additionalProperties": {"type": "string"}}
    assert result.spec["schemas"]["Mixed"]["additionalProperties"] == {
        "anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "boolean"}]}
    assert messages(result) == []


def test_several_types_become_a_union_with_each_types_keywords(tmp_path: Path) -> None:
    schema = {"type": ["string", "integer", "null"], "description": "An id.", "format": "uuid", "minimum": 1,
              "enum": ["a", 1, None]}
    result = imported(tmp_path, "3.1.0", {"Id": schema, "Nullable": {"type": ["string", "null"]}})
    assert result.spec["schemas"]["Id"] == {
        "nullable": True, "description": "An id.",
        "anyOf": [{"type": "string", "format": "uuid", "enum": ["a"]},
                  {"type": "integer", "format": "uuid", "enum": [1], "minimum": 1}]}
    assert result.spec["schemas"]["Nullable"] == {"type": "string", "nullable": True}
    assert messages(result) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_required_names_that_are_not_declared_are_kept_as_any_value(tmp_path: Path, version: str) -> None:
    schemas = {"Base": {"type": "object", "properties": {"a": {"type": "string"}}},
               "Thing": {"type": "object", "required": ["a", "ghost"], "properties": {"a": {"type": "string"}}},
               "Merged": {"allOf": [{"$ref": "#/components/schemas/Base"}], "required": ["a", "phantom"]}}
    result = imported(tmp_path, version, schemas)
    thing = result.spec["schemas"]["Thing"]
    assert thing["required"] == ["a", "ghost"] and thing["properties"]["ghost"] == {}
    merged = result.spec["schemas"]["Merged"]
    assert merged["required"] == ["a", "phantom"] and merged["properties"]["phantom"] == {}
    assert messages(result) == []


def test_an_all_of_member_of_annotations_only_annotates_the_reference(tmp_path: Path) -> None:
    """OpenAI's `tool_choice: {allOf: [{$ref: ToolChoiceOption}, {nullable: true}]}` where ToolChoiceOption is a
    oneOf of a string enum and an object: the property is that union, nullable, not an object model."""
    ref = "#/components/schemas/"
    schemas = {
        "Named": {"type": "object", "properties": {"type": {"type": "string"}}},
        "Choice": {"oneOf": [{"type": "string", "enum": ["none", "auto"]}, {"$ref": ref + "Named"}]},
        "Run": {"type": "object", "properties": {
            "choice": {"allOf": [{"$ref": ref + "Choice"}, {"nullable": True}]},
            "described": {"allOf": [{"$ref": ref + "Choice"}, {"description": "Which tool."}]},
            "both": {"allOf": [{"$ref": ref + "Named"}, {"properties": {"x": {"type": "integer"}}}]}}}}
    result = imported(tmp_path, "3.0.3", schemas)
    properties = result.spec["schemas"]["Run"]["properties"]
    assert properties["choice"] == {"$ref": "#/schemas/Choice", "nullable": True}
    assert properties["described"] == {"$ref": "#/schemas/Choice", "description": "Which tool."}
    assert properties["both"]["allOf"][0] == {"$ref": "#/schemas/Named"} and len(properties["both"]["allOf"]) == 2
    assert messages(result) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_discriminators_with_and_without_mapping(tmp_path: Path, version: str) -> None:
    ref = "#/components/schemas/"
    schemas = {
        "Cat": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["cat"]}}},
        "Dog": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
        "Pet": {"oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}], "discriminator": {"propertyName": "type"}},
        "Mapped": {"oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}],
                   "discriminator": {"propertyName": "type", "mapping": {"c": ref + "Cat", "d": "Dog", "x": ref + "X"}}},
        # A member that is a union itself: its members join the outer union.
        "Nested": {"anyOf": [{"$ref": ref + "Pet"}, {"$ref": ref + "Bird"}], "discriminator": {"propertyName": "type"}},
        "Bird": {"type": "object", "properties": {"type": {"type": "string", "const": "bird"}}},
        # Cannot be told apart by the property: the discriminator goes, the union stays.
        "Loose": {"oneOf": [{"$ref": ref + "Cat"}, {"type": "string"}], "discriminator": {"propertyName": "type"}},
        # On an object: the base of an allOf hierarchy, which the spec cannot express.
        "Base": {"type": "object", "properties": {"type": {"type": "string"}}, "discriminator": {"propertyName": "type"}},
        "Sub": {"allOf": [{"$ref": ref + "Base"}, {"properties": {"x": {"type": "integer"}}}]},
    }
    result = imported(tmp_path, version, schemas)
    spec = result.spec["schemas"]
    assert spec["Pet"]["discriminator"] == {"propertyName": "type"}
    assert spec["Mapped"]["discriminator"] == {"propertyName": "type",
                                              "mapping": {"c": "#/schemas/Cat", "d": "#/schemas/Dog"}}
    assert spec["Nested"]["anyOf"] == [{"$ref": "#/schemas/Cat"}, {"$ref": "#/schemas/Dog"}, {"$ref": "#/schemas/Bird"}]
    assert "discriminator" not in spec["Loose"] and len(spec["Loose"]["oneOf"]) == 2
    assert "discriminator" not in spec["Base"]
    assert sorted((w.message.split(": ", 1)[0], w.code) for w in ours(result)) == [
        ("#/components/schemas/Base/discriminator", "discriminator"),
        ("#/components/schemas/Loose/discriminator", "discriminator"),
        ("#/components/schemas/Mapped/discriminator/mapping/x", "unsupported"),
    ]


def test_recursive_ref_to_the_enclosing_schema(tmp_path: Path) -> None:
    ref = "#/components/schemas/"
    schemas = {
        "Leaf": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["eq"]}}},
        "Filter": {"type": "object", "required": ["type"], "properties": {
            "type": {"type": "string", "enum": ["and", "or"]},
            "filters": {"type": "array", "items": {"oneOf": [{"$ref": ref + "Leaf"}, {"$recursiveRef": "#"}],
                                                   "discriminator": {"propertyName": "type"}}}}},
    }
    result = imported(tmp_path, "3.1.0", schemas)
    items = result.spec["schemas"]["Filter"]["properties"]["filters"]["items"]
    assert items == {"oneOf": [{"$ref": "#/schemas/Leaf"}, {"$ref": "#/schemas/Filter"}],
                     "discriminator": {"propertyName": "type"}}
    assert messages(result) == []


# --- documents in several files ----------------------------------------------------------------------------------


def test_multi_file_references_resolve_and_name_their_schemas(tmp_path: Path) -> None:
    (tmp_path / "defs").mkdir()
    write(tmp_path, {"Money": {"type": "object", "required": ["amount"], "properties": {
        "amount": {"type": "string"}, "currency": {"$ref": "#/Currency"}}},
        "Currency": {"type": "string", "enum": ["EUR", "USD"]}}, "defs/money.yaml")
    write(tmp_path, {"type": "object", "properties": {"total": {"$ref": "defs/money.yaml#/Money"},
                                                      "self": {"$ref": "order.json"}}}, "order.json")
    write(tmp_path, {"components": {"parameters": {"Page": {"name": "page", "in": "query",
                                                            "schema": {"type": "integer"}}}}}, "params.yaml")
    paths = {"/orders": {"get": {"operationId": "list_orders", "parameters": [{"$ref": "params.yaml#/components/parameters/Page"}],
                                 "responses": {"200": {"description": "ok", "content": {"application/json": {
                                     "schema": {"type": "array", "items": {"$ref": "./order.json"}}}}}}}}}
    schemas = {"Money": {"type": "object", "properties": {"cents": {"type": "integer"}}}}
    result = import_openapi(write(tmp_path, document("3.0.3", schemas, paths), "openapi.yaml"))
    spec = result.spec
    assert set(spec["schemas"]) == {"Money", "order", "Money2", "Currency"}
    assert spec["schemas"]["order"]["properties"] == {"total": {"$ref": "#/schemas/Money2"},
                                                       "self": {"$ref": "#/schemas/order"}}
    assert spec["schemas"]["Money2"]["properties"]["currency"] == {"$ref": "#/schemas/Currency"}
    method = spec["resources"]["orders"]["methods"]["list"]
    assert method["params"]["page"] == {"in": "query", "schema": {"type": "integer"}}
    assert method["response"] == {"type": "array", "items": {"$ref": "#/schemas/order"}}


def test_multi_file_problems_are_warnings_at_the_offending_ref_in_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("get:\n  parameters:\n    - $ref: 'b.yaml#/P'\n  responses: {}\n")
    (tmp_path / "b.yaml").write_text("P:\n  $ref: 'a.yaml#/get/parameters/0'\n")
    (tmp_path / "x.yaml").write_text("X:\n  $ref: 'y.yaml'\n")
    (tmp_path / "y.yaml").write_text("$ref: 'x.yaml#/X'\n")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    schemas = {"Missing": {"type": "object", "properties": {"m": {"$ref": "nowhere.yaml#/M"}}},
               "BadPointer": {"type": "object", "properties": {"p": {"$ref": "x.yaml#/Nope"}}},
               "NotAPointer": {"type": "object", "properties": {"p": {"$ref": "x.yaml#Nope"}}},
               "Remote": {"type": "object", "properties": {"r": {"$ref": "https://example.com/s.yaml#/S"}}},
               "Broken": {"type": "object", "properties": {"b": {"$ref": "broken.yaml#/a"}}},
               "Alias": {"type": "object", "properties": {"c": {"$ref": "x.yaml#/X"}}}}
    paths = {"/loop": {"$ref": "a.yaml"}}
    result = import_openapi(write(tmp_path, document("3.0.3", schemas, paths), "openapi.yaml"))
    found = {(Path(w.file).name, w.line, w.column, w.message.split(": ", 1)[1].split(";")[0], w.code)
             for w in result.warnings if w.code == "unresolved-ref"}
    root = (tmp_path / "openapi.yaml").read_text().splitlines()

    def at(text: str) -> tuple[int, int]:
        """Line and column of the `$ref` key whose value ends with `text`, in the root document."""
        line = next(i for i, row in enumerate(root, 1) if "$ref" in row and row.endswith(text))
        return line, root[line - 1].index("$ref") + 1

    def reported(where: tuple[int, int], words: str) -> bool:
        return any(f[0] == "openapi.yaml" and (f[1], f[2]) == where and words in f[3] for f in found)

    assert reported(at("nowhere.yaml#/M"), "cannot resolve 'nowhere.yaml#/M'")
    assert reported(at("x.yaml#/Nope"), "'/Nope' is not in x.yaml")
    assert reported(at("x.yaml#Nope"), "'#Nope' is not a JSON pointer")
    assert reported(at("s.yaml#/S"), "references to URLs are not fetched")
    assert reported(at("broken.yaml#/a"), "cannot resolve 'broken.yaml#/a'")
    # The cycle of copies is reported at the $ref that closes it, in a.yaml; the cycle of aliases at a $ref of it.
    assert ("a.yaml", 3, 7, "circular reference: b.yaml#/P -> a.yaml#/get/parameters/0 -> b.yaml#/P",
            "unresolved-ref") in found
    assert any(f[0] in ("x.yaml", "y.yaml") and f[3].startswith("circular reference: ") for f in found)
    spec = result.spec["schemas"]
    assert spec["Missing"]["properties"]["m"] == {} and spec["Remote"]["properties"]["r"] == {}


def test_warnings_about_parts_of_other_files_point_into_those_files(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text("Thing:\n  type: object\n  properties:\n    odd: {type: string, optional: true}\n")
    schemas = {"Use": {"type": "object", "properties": {"t": {"$ref": "other.yaml#/Thing"}}}}
    result = import_openapi(write(tmp_path, document("3.0.3", schemas), "openapi.yaml"))
    [warning] = [w for w in result.warnings if "optional" in w.message]
    assert (Path(warning.file).name, warning.line, warning.column) == ("other.yaml", 4, 25)
    assert warning.message.startswith("#/Thing/properties/odd/optional: ")


# --- an imported discriminated union, parsed by the generated SDK ----------------------------------------------------


@pytest.fixture(scope="module")
def imported_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp_path = tmp_path_factory.mktemp("disc")
    ref = "#/components/schemas/"
    envelope = {"type": "object", "properties": {"data": {}}}
    schemas = {
        "Envelope": envelope,
        "Card": {"type": "object", "required": ["method", "last4"],
                 "properties": {"method": {"type": "string", "const": "card"}, "last4": {"type": "string"}}},
        "Bank": {"type": "object", "required": ["method", "iban"],
                 "properties": {"method": {"type": "string"}, "iban": {"type": "string"}}},
        "Payment": {"oneOf": [{"$ref": ref + "Card"}, {"$ref": ref + "Bank"}],
                    "discriminator": {"propertyName": "method", "mapping": {"sepa": ref + "Bank", "card": ref + "Card"}}},
        "Plain": {"oneOf": [{"$ref": ref + "Card"}, {"$ref": ref + "Bank"}], "discriminator": {"propertyName": "method"}},
        # OpenAI's ItemResource: two members share the tag value "message" (InputMessageResource through its allOf).
        "InputMessage": {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["message"]}, "role": {"type": "string", "enum": ["user", "system"]}}},
        "InputMessageResource": {"allOf": [{"$ref": ref + "InputMessage"}, {
            "type": "object", "required": ["id", "type"], "properties": {"id": {"type": "string"}}}]},
        "OutputMessage": {"type": "object", "required": ["type", "role"], "properties": {
            "type": {"type": "string", "enum": ["message"]}, "role": {"type": "string", "enum": ["assistant"]}}},
        "Call": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["call"]}}},
        "Item": {"oneOf": [{"$ref": ref + "InputMessageResource"}, {"$ref": ref + "OutputMessage"},
                           {"$ref": ref + "Call"}], "discriminator": {"propertyName": "type"}},
        "UserMessage": {"type": "object", "required": ["type", "role"], "properties": {
            "type": {"type": "string", "enum": ["message"]}, "role": {"type": "string", "enum": ["user"]}}},
        "Direct": {"oneOf": [{"$ref": ref + "OutputMessage"}, {"$ref": ref + "UserMessage"}, {"$ref": ref + "Call"}],
                   "discriminator": {"propertyName": "type"}},
    }

    def wrapped(schema: dict[str, Any]) -> dict[str, Any]:
        return {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "allOf": [{"$ref": ref + "Envelope"}, {"type": "object", "properties": {"data": schema}}]}}}}}

    paths = {"/payments": {"get": {"operationId": "list_payments", "tags": ["payments"], "responses": wrapped(
        {"type": "array", "items": {"$ref": ref + "Payment"}})}},
        "/plain": {"get": {"operationId": "list_plain", "tags": ["payments"], "responses": wrapped(
            {"type": "array", "items": {"$ref": ref + "Plain"}})}},
        "/items": {"get": {"operationId": "list_items", "tags": ["payments"], "responses": wrapped(
            {"type": "array", "items": {"$ref": ref + "Item"}})}},
        "/direct": {"get": {"operationId": "list_direct", "tags": ["payments"], "responses": wrapped(
            {"type": "array", "items": {"$ref": ref + "Direct"}})}}}
    result = import_openapi(write(tmp_path, document("3.1.0", schemas, paths), "openapi.json"))
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(result.spec, sort_keys=False))
    generate(spec_path, tmp_path / "out")
    sys.path.insert(0, str(tmp_path / "out" / "python"))
    package = result.spec["api"]["package"]
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp_path / "out" / "python"))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def test_imported_discriminated_union_parses_into_the_right_class(imported_sdk: Any, server: ScriptedServer) -> None:
    payments = [{"method": "sepa", "iban": "DE00"}, {"method": "card", "last4": "4242"}]
    server.reply(Reply(200, {"data": payments}), Reply(200, {"data": [{"method": "Bank", "iban": "FR00"}]}))
    client_class = next(getattr(imported_sdk, n) for n in imported_sdk.__all__
                        if isinstance(getattr(imported_sdk, n), type) and hasattr(getattr(imported_sdk, n), "payments")
                        and not n.startswith("Async"))
    with client_class(api_key="k", base_url=server.url, max_retries=0) as client:
        mapped = client.payments.list().data
        plain = client.plain.list().data  # no mapping: Bank's method is its schema name
    assert [type(p).__name__ for p in mapped] == ["Bank", "Card"]
    assert mapped[0].iban == "DE00" and mapped[1].last4 == "4242"
    assert [type(p).__name__ for p in plain] == ["Bank"]
    assert [s.path for s in server.seen] == ["/payments", "/plain"]


def test_a_tag_value_two_members_share_does_not_select_one_of_them(imported_sdk: Any, server: ScriptedServer) -> None:
    """"message" is the type of InputMessageResource (declared by the allOf member it refers to, required by the
    other) and of OutputMessage: the union is not discriminated on it, each item parses into the member it fits."""
    items = [{"type": "message", "role": "user", "id": "m1"}, {"type": "message", "role": "assistant"},
             {"type": "call"}]
    server.reply(Reply(200, {"data": items}), Reply(200, {"data": [{"type": "call"},
                                                                 {"type": "message", "role": "assistant"},
                                                                 {"type": "message", "role": "user"}]}))
    client_class = next(getattr(imported_sdk, n) for n in imported_sdk.__all__
                        if isinstance(getattr(imported_sdk, n), type) and hasattr(getattr(imported_sdk, n), "payments")
                        and not n.startswith("Async"))
    with client_class(api_key="k", base_url=server.url, max_retries=0) as client:
        parsed = client.items.list().data
        direct = client.direct.list().data  # two members with a Literal "message" field
    assert [type(item).__name__ for item in parsed] == ["InputMessageResource", "OutputMessage", "Call"]
    assert parsed[0].type == "message" and parsed[0].role == "user" and parsed[0].id == "m1"
    assert [type(item).__name__ for item in direct] == ["Call", "OutputMessage", "UserMessage"]


def test_multi_file_golden_sdk_parses_schemas_of_several_files(tmp_path: Path, server: ScriptedServer) -> None:
    """tests/openapi/multi_file: Pet (schemas/pet.yaml) and owner (schemas/owner.yaml) refer to each other across
    files; the parameter and the envelope come from common.json, the list operation from paths/pets.yaml; Animal's
    discriminator mapping names schemas of two files."""
    generate(Path(__file__).parent / "openapi" / "multi_file" / "expected.yaml", tmp_path / "out")
    sys.path.insert(0, str(tmp_path / "out" / "python"))
    try:
        kennel = importlib.import_module("kennel")
        server.reply(Reply(200, {"request_id": "r", "data": {"id": "p1", "name": "Rex", "tags": ["loud"], "owner": {
            "name": "Ann", "pets": [{"id": "p2", "name": "Fido"}]}}}))
        with kennel.Kennel(api_key="k", base_url=server.url, max_retries=0) as client:
            pet = client.pets.retrieve("p1").data
            server.reply(Reply(200, {"request_id": "r", "data": {"kind": "bird", "wings": 2}}),
                         Reply(200, {"request_id": "r", "data": {"kind": "pet", "id": "p3", "name": "Tom"}}))
            bird = client.animals.retrieve("a1").data  # the mapping names bird.yaml and pet.yaml's Pet
            cat = client.animals.retrieve("a2").data
        assert type(pet) is kennel.types.Pet and pet.tags == ["loud"]
        assert type(pet.owner) is kennel.types.Owner and type(pet.owner.pets[0]) is kennel.types.Pet
        assert type(bird) is kennel.types.Bird and bird.wings == 2
        assert type(cat) is kennel.types.Pet and cat.name == "Tom"
        assert [s.path for s in server.seen] == ["/pets/p1", "/animals/a1", "/animals/a2"]
    finally:
        sys.path.remove(str(tmp_path / "out" / "python"))
        for name in [m for m in sys.modules if m == "kennel" or m.startswith("kennel.")]:
            del sys.modules[name]
