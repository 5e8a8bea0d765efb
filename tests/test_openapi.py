"""`clientgen import-openapi`: golden files for small OpenAPI 3.0 (YAML) and 3.1 (JSON) documents, the readable YAML
writer, warnings with JSON pointers, --strict, overrides and the exit codes.

Regenerate the golden files deliberately with `CLIENTGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_openapi.py`
and read the diff.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import naming
from generator.diagnostics import SpecError
from generator.load import json_positions, load, load_json
from generator.openapi import dump, import_openapi, pointer, write_spec
from generator.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "openapi"
CLIENTGEN = Path(sys.executable).parent / "clientgen"
BIN = Path(sys.executable).parent
UPDATE = os.environ.get("CLIENTGEN_UPDATE_GOLDEN") == "1"
CLEAR_STREET = ROOT.parent / "shared" / "specs" / "clear-street-openapi.yml"
GOLDEN = ["v30", "v31", "multi_file", "flattened", "naming_crud", "naming_prefix", "naming_collision",
          "naming_operation_id"]


def _source(case: Path) -> Path:
    return next(p for p in case.iterdir() if p.name.startswith("openapi."))


def _import(case: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(CLIENTGEN), "import-openapi", _source(case).name, "-o", str(out), *extra]
    if (case / "overrides.yaml").exists():
        command += ["--config", "overrides.yaml"]
    return subprocess.run(command, cwd=case, check=False, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name: str, tmp_path: Path) -> None:
    case = CASES / name
    result = _import(case, tmp_path / "spec.yaml")
    assert result.returncode == 0, result.stderr
    produced = (tmp_path / "spec.yaml").read_text()
    warnings = result.stderr
    if UPDATE:
        (case / "expected.yaml").write_text(produced)
        (case / "expected.warnings").write_text(warnings)
    assert produced == (case / "expected.yaml").read_text()
    assert warnings == (case / "expected.warnings").read_text()


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_spec_generates_a_clean_sdk(name: str, tmp_path: Path) -> None:
    """The imported spec validates, generates, and the SDK passes ruff and mypy --strict."""
    generate(CASES / name / "expected.yaml", tmp_path / "out")
    sdk = tmp_path / "out" / "python"
    for command in ([str(BIN / "ruff"), "check", "--no-cache", "."],
                    [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / ".mypy"), "."]):
        result = subprocess.run(command, cwd=sdk, check=False, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


def test_constructs_of_3_1() -> None:
    spec = import_openapi(CASES / "v31" / "openapi.json").spec
    animal = spec["schemas"]["Animal"]["properties"]
    assert animal["legs"] == {"type": "integer", "format": "int32", "nullable": True,  # type: [integer, "null"]
                              "exclusiveMinimum": 0}
    assert animal["size"] == {"type": "string", "nullable": True, "enum": ["S", "M", "L"]}  # null in the enum
    assert animal["kind"] == {"type": "string", "const": "animal"}
    assert animal["born"]["nullable"] is True and animal["born"]["format"] == "date"  # oneOf with {type: null}
    assert animal["keeper"] == {"$ref": "#/schemas/Keeper", "description": "Who looks after it."}  # allOf of one
    assert animal["species"]["example"] == "lion"  # examples: [...]
    assert [m["title"] for m in animal["diet"]["anyOf"]] == ["Plants", "Meat"]
    # The envelope is what most responses are wrapped in, under its own data field name.
    assert spec["envelope"]["name"] == "Result" and spec["envelope"]["data"] == "result"
    problem = spec["envelope"]["properties"]["problem"]  # oneOf: [oneOf: [null, $ref]]
    assert problem == {"$ref": "#/schemas/Problem", "nullable": True, "description": "What went wrong."}
    assert "AnimalResponse" not in spec["schemas"] and "Result" not in spec["schemas"]
    methods = spec["resources"]["v2"]["resources"]["animals"]["methods"]
    assert list(methods) == ["retrieve", "update", "create"]  # CRUD names from the paths' shapes
    # A nullable body with a required property stays one argument, named after the last word of its schema's name.
    assert methods["update"]["params"]["update"] == {
        "in": "body", "root": True, "schema": {"$ref": "#/schemas/AnimalUpdate", "nullable": True}}
    assert methods["create"]["params"]["species"]["required"] is True  # object body -> one param per field
    assert spec["api"]["base_url"] == "https://zoo.example"
    assert spec["api"]["security_schemes"] == {"Bearer": {"type": "bearer"}} and "security" not in spec["api"]


def test_constructs_of_3_0_with_overrides() -> None:
    spec = import_openapi(CASES / "v30" / "openapi.yaml", CASES / "v30" / "overrides.yaml").spec
    assert spec["api"]["base_url"] == "https://{region}.acme.example/api"  # a client argument, default eu
    assert spec["api"]["server_variables"] == {"region": {"default": "eu"}}
    assert spec["api"]["security_schemes"] == {"ApiKey": {"type": "api_key", "in": "header", "name": "X-API-Key"}}
    assert spec["resources"]["meta"]["methods"]["health"]["security"] == []  # security: [] on the operation
    assert spec["envelope"]["properties"]["error"]["nullable"] is True  # nullable: true (3.0)
    assert "Kind" in spec["schemas"] and "NoteKind" not in spec["schemas"]  # types: renamed
    notes = spec["resources"]["v1"]["resources"]["notebooks"]["resources"]["notes"]
    assert notes["description"] == "The notes of a notebook."  # the tag's description follows the tag
    assert list(notes["methods"]) == ["list", "create", "replace_tags", "delete"]
    replace = notes["methods"]["replace_tags"]
    assert replace["http"] == "PUT /v1/notebooks/{notebook_id}/notes/{id}"  # path parameter renamed
    assert list(replace["params"]) == ["notebook_id", "id", "tags"]  # in place, order kept
    assert notes["methods"]["list"]["pagination"] == {"token_param": "page_token"}
    assert notes["methods"]["list"]["params"]["notebook_id"]["example"] == 7  # path-level $ref parameter
    assert spec["resources"]["meta"]["methods"]["health"]["http"] == "GET /health"  # moved


def test_warnings_carry_json_pointers_and_positions() -> None:
    result = import_openapi(CASES / "v30" / "openapi.yaml")
    by_message = {w.message.split(": ", 1)[0]: w for w in result.warnings}
    head = by_message["#/paths/~1v1~1notebooks~1{notebook_id}~1notes~1{note_id}/head"]
    assert (head.line, head.column, head.severity, head.code) == (120, 5, "warning", "unsupported")
    assert "HEAD operations" in head.message
    assert pointer(("paths", "/a~b/{c}", "get")) == "#/paths/~1a~0b~1{c}/get"


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    result = _import(CASES / "v30", tmp_path / "spec.yaml", "--strict")
    assert result.returncode == 1
    assert "(--strict); nothing was written" in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_a_clean_document_passes_strict(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.0", "info": {"title": "Tiny", "version": "1"}, "servers": [{"url": "https://t.example"}],
        "components": {"securitySchemes": {"B": {"type": "http", "scheme": "bearer"}}},
        "security": [{"B": []}],
        "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {}}}}}}}}},
    }
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(document, indent="\t"))  # tabs: JSON that a YAML parser refuses
    result = subprocess.run([str(CLIENTGEN), "import-openapi", str(source), "-o", str(tmp_path / "t.yaml"),
                             "--strict"], check=False, capture_output=True, text=True)
    # No envelope: methods return their responses themselves, nothing to warn about.
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    spec = yaml.safe_load((tmp_path / "t.yaml").read_text())
    assert "envelope" not in spec
    assert spec["resources"]["things"]["methods"]["list"]["response"] == {"type": "array", "items": {}}


def test_success_responses_without_a_body(tmp_path: Path) -> None:
    """No success response with a body: a method without `response`. One with a body beside one without: the body's
    schema, and a warning for the other (the SDK would fail to parse its empty body)."""
    envelope = {"allOf": [{"$ref": "#/components/schemas/Envelope"},
                          {"type": "object", "properties": {"data": {"type": "string"}}}]}
    document = {
        "openapi": "3.0.0", "info": {"title": "Tiny", "version": "1"}, "servers": [{"url": "https://t.example"}],
        "components": {"schemas": {"Envelope": {"type": "object", "properties": {"request_id": {"type": "string"}}}}},
        "paths": {"/things/{id}": {
            "delete": {"operationId": "deleteThing", "responses": {"204": {"description": "Gone."},
                                                                   "404": {"description": "Not there."}}},
            "put": {"operationId": "putThing", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": envelope}}},
                "204": {"description": "unchanged"}}}}},
    }
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(document))
    result = import_openapi(source)
    methods = result.spec["resources"]["things"]["methods"]
    assert "response" not in methods["delete"] and methods["update"]["response"] == {"type": "string"}
    assert [(w.code, w.message.split(": ", 1)[0]) for w in result.warnings if "no body" in w.message] == [
        ("no-response", "#/paths/~1things~1{id}/put/responses/204")]


def test_exit_codes(tmp_path: Path) -> None:
    usage = subprocess.run([str(CLIENTGEN), "import-openapi", "x.yaml"], check=False, capture_output=True, text=True)
    assert usage.returncode == 2 and "--output" in usage.stderr
    missing = subprocess.run([str(CLIENTGEN), "import-openapi", str(tmp_path / "nope.yaml"), "-o",
                              str(tmp_path / "o.yaml")], check=False, capture_output=True, text=True)
    assert missing.returncode == 1 and "nope.yaml:1:1: error:" in missing.stderr
    config = tmp_path / "bad.yaml"
    config.write_text("methds: {}\n")
    bad = subprocess.run([str(CLIENTGEN), "import-openapi", str(CASES / "v31" / "openapi.json"), "-o",
                          str(tmp_path / "o.yaml"), "--config", str(config)], check=False, capture_output=True, text=True)
    assert bad.returncode == 1 and "unknown key 'methds'; did you mean 'methods'?" in bad.stderr
    assert not (tmp_path / "o.yaml").exists()
    (tmp_path / "file").touch()
    unwritable = subprocess.run([str(CLIENTGEN), "import-openapi", str(CASES / "v31" / "openapi.json"), "-o",
                                 str(tmp_path / "file" / "o.yaml")], check=False, capture_output=True, text=True)
    assert unwritable.returncode == 1 and "cannot write the spec" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr


TRICKY = ["1e3", "0o17", "0x1f", "yes", "on", "null", "~", "true", "2026-01-01", "12.50", "-", "#x", "a: b",
          "'q'", '"d"', "[x]", "{y}", "line\nbreak", "trailing \nspace", "\ttab", "", " lead", "@at", "*star",
          "%p", "!bang", "|", ">", "é ü", "x\u2028y", "multi\n\nparagraph\n"]


def test_dump_round_trips_every_string(tmp_path: Path) -> None:
    """Whatever the text, the YAML we write reads back (YAML 1.2 core schema, as clientgen reads specs) as itself."""
    data = {"values": TRICKY, "map": {text or "empty": text for text in TRICKY}, "n": [1, 2.5, True, None]}
    path = tmp_path / "d.yaml"
    path.write_text(dump(data, "test"))
    assert load(path).data == data


@pytest.mark.parametrize("source", [_source(CASES / name) for name in GOLDEN] + [CLEAR_STREET], ids=[*GOLDEN, "cs"])
def test_imported_specs_read_back_as_themselves(source: Path, tmp_path: Path) -> None:
    """write_spec checks the spec it wrote without reading it back: it must read back as exactly what was dumped."""
    if not source.exists():
        pytest.skip("the Clear Street document is not present")
    result = import_openapi(source)
    write_spec(result, source, tmp_path / "spec.yaml")
    assert load(tmp_path / "spec.yaml").data == result.spec


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=8), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=JSON, indent=st.sampled_from([None, 0, 1, 2]), ascii=st.booleans(),
       separators=st.sampled_from([(",", ":"), (", ", ": "), (" ,", " :  ")]))
def test_json_positions_are_those_yaml_gives(value: Any, indent: int | None, ascii: bool,
                                            separators: tuple[str, str]) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii, separators=separators)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "doc.json"
        path.write_text(text, encoding="utf-8")
        try:
            as_yaml = load(path)
        except SpecError:  # JSON that YAML refuses (U+FFFE and the like): nothing to compare
            return
    if as_yaml.data != json.loads(text):  # YAML reads an escaped surrogate pair as two characters
        return
    assert json_positions(text) == (dict(as_yaml.value_positions), dict(as_yaml.key_positions))


def test_json_is_read_as_json_with_the_positions_yaml_gives(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"a": {"b": [1, "x", {"c": None}]}, "d": 2.5, "é": "\u2028"}, indent=3))
    doc, as_yaml = load_json(path), load(path)
    assert doc is not None and doc.data == as_yaml.data and doc.sha256 == as_yaml.sha256
    assert dict(doc.value_positions) == dict(as_yaml.value_positions)
    assert dict(doc.key_positions) == dict(as_yaml.key_positions)
    path.write_text('{"a": NaN}')  # not JSON; YAML reads NaN as a string
    assert load_json(path) is None
    path.write_text("a: 1\n")
    assert load_json(path) is None


def test_dump_is_readable() -> None:
    text = dump({"api": {"description": "one\ntwo", "auth": {"type": "bearer"}}, "list": ["a", "b"]}, "x.json")
    assert "  description: |-\n    one\n    two\n" in text
    assert "  auth: {type: bearer}\n" in text and "list: [a, b]\n" in text
    assert text.startswith("# Imported from x.json by `clientgen import-openapi`.")


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_clear_street_import_keeps_the_hand_written_surface() -> None:
    """Every method of spec/clear_street.yaml is in the imported spec under the same path, name and HTTP line,
    and the envelope and its error fields are what the runtime reads."""
    imported = import_openapi(CLEAR_STREET, CASES / "clear_street.overrides.yaml").spec
    hand = load(ROOT / "spec" / "clear_street.yaml").data
    positions = imported["resources"]["v1"]["resources"]["positions"]["methods"]
    for name, method in hand["resources"]["v1"]["resources"]["positions"]["methods"].items():
        assert positions[name]["http"] == method["http"]
        assert list(positions[name]["params"]) == list(method["params"])
        assert positions[name]["response"] == method["response"]
    envelope = imported["envelope"]
    assert (envelope["name"], envelope["data"], envelope["required"]) == ("BaseResponse", "data", ["metadata"])
    assert envelope["properties"]["error"]["$ref"] == "#/schemas/APIError"
    error = imported["schemas"]["APIError"]["properties"]
    assert {"code", "message", "details"} <= set(error)
    assert "request_id" in imported["schemas"]["ResponseMetadata"]["properties"]
    stems = {naming.method_type_prefix("position", n) for n in positions}
    assert "PositionCancelPositionInstruction" in stems


def _walk_methods(tree: dict[str, Any]) -> int:
    return sum(len(r.get("methods") or {}) + _walk_methods(r.get("resources") or {}) for r in tree.values())


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_clear_street_has_all_61_operations() -> None:
    result = import_openapi(CLEAR_STREET)
    assert result.operations == 61 and _walk_methods(result.spec["resources"]) == 61


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_clear_street_bodies_without_overrides() -> None:
    """Object bodies are keyword arguments (`positions.close(..., cancel_orders=True)`: a body that may be null, of
    optional fields); the lists stay one argument, named after what they hold."""
    resources = import_openapi(CLEAR_STREET).spec["resources"]

    def params(resource: str, method: str) -> dict[str, Any]:
        node: dict[str, Any] = {"resources": resources}
        for part in resource.split("."):
            node = node["resources"][part]
        return node["methods"][method]["params"]  # type: ignore[no-any-return]

    close = params("v1.accounts.positions", "close")
    assert list(close) == ["account_id", "instrument_id", "cancel_orders"]
    assert (close["cancel_orders"]["in"], close["cancel_orders"]["schema"]) == (
        "body", {"type": "boolean", "nullable": True})
    assert "required" not in close["cancel_orders"]
    assert {"columns", "filters", "sorts"} <= set(params("v1.screener", "search"))
    assert params("v1.screener", "search")["filters"]["in"] == "body"
    assert params("v1.accounts.orders", "submit")["orders"]["root"] is True
    assert params("v1.accounts.positions.instructions", "submit")["instructions"]["root"] is True
    assert [n for n, p in params("v1.accounts.orders", "update").items() if p["in"] == "body"] == [
        "limit_price", "quantity", "stop_price"]


_ODD_VALUES: list[Any] = [None, 1, "x", [], {}, [1], {"a": 1}, True, {"$ref": "#/nope"}, {"type": "null"},
                          {"oneOf": []}, {"allOf": [{}]}, {"$ref": "#/components/schemas/Note"}]


def _mutated(document: Any, rng: random.Random) -> Any:
    """The document with one to four nodes deleted or replaced by a value of another kind."""
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 4)):
        paths = list(_node_paths(document, ()))
        path = rng.choice(paths)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and rng.random() < 0.4:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return document


def _node_paths(node: Any, path: tuple[Any, ...]) -> Any:
    if path:
        yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _node_paths(child, path + (key,))


def test_malformed_documents_never_crash_the_importer(tmp_path: Path) -> None:
    """Mutated documents: the import finishes (warnings for what it skipped) and writes a spec, or says why not."""
    sources = [load(CASES / "v30" / "openapi.yaml").data, json.loads((CASES / "v31" / "openapi.json").read_text())]
    rng = random.Random(20261125)
    invalid = 0
    for number in range(300):
        source = tmp_path / f"doc{number}.json"
        source.write_text(json.dumps(_mutated(rng.choice(sources), rng)))
        try:
            result = import_openapi(source)
        except SpecError:  # only for what cannot be read at all
            continue
        invalid += bool(write_spec(result, source, tmp_path / "spec.yaml"))
    assert invalid <= 6  # a document without operations leaves no resources: reported, exit 1


@pytest.mark.parametrize("fork", [True, False], ids=["checked-in-a-child", "checked-here"])
def test_a_spec_that_does_not_validate_is_reported_and_its_ir_not_kept(
        fork: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pipeline import recall_built

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if not fork:
        monkeypatch.delattr(os, "fork")
    source = CASES / "v31" / "openapi.json"
    result = import_openapi(source)
    valid = write_spec(result, source, tmp_path / "valid.yaml")
    assert valid == [] and recall_built(tmp_path / "valid.yaml") is not None
    result.spec["api"]["package"] = "Not a package"
    problems = write_spec(result, source, tmp_path / "spec.yaml")
    assert [(p.code, p.line) for p in problems] == [("bad-value", _line_of(tmp_path / "spec.yaml", "  package:"))]
    assert problems[0].file == str(tmp_path / "spec.yaml")
    assert recall_built(tmp_path / "spec.yaml") is None


def _line_of(path: Path, start: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


def test_envelope_override(tmp_path: Path) -> None:
    config = tmp_path / "o.yaml"
    config.write_text("envelope: {schema: Result, data: result}\n")
    forced = import_openapi(CASES / "v31" / "openapi.json", config).spec
    assert forced["envelope"] == import_openapi(CASES / "v31" / "openapi.json").spec["envelope"]
    config.write_text("envelope: {schema: Nothing}\n")
    result = import_openapi(CASES / "v31" / "openapi.json", config)
    assert any("envelope schema 'Nothing' does not exist" in w.message for w in result.warnings)


def test_bodies_parameters_and_names(tmp_path: Path) -> None:
    """Form (with `encoding`), multipart, binary and text bodies; JSON wins among several; cookie and header
    parameters; every query style; label and matrix path styles; colliding names import and generate."""
    form_schema = {"type": "object", "required": ["grant_type"], "properties": {
        "grant_type": {"type": "string"}, "filter": {"type": "object", "properties": {"a": {"type": "string"}}},
        "ids": {"type": "array", "items": {"type": "integer"}}}}
    upload_schema = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"},
                                                      "image": {"type": "string", "contentMediaType": "image/png"},
                                                      "purpose": {"type": "string"}}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
    document = {
        "openapi": "3.0.3", "info": {"title": "Bodies", "version": "1"}, "servers": [{"url": "https://b.example"}],
        "paths": {
            "/token": {"post": {"operationId": "token", "responses": ok, "requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": form_schema, "encoding": {
                    "filter": {"style": "deepObject", "explode": True}, "ids": {"style": "form", "explode": False}}}}}}},
            "/files": {"post": {"operationId": "upload", "responses": ok, "requestBody": {"content": {
                "multipart/form-data": {"schema": upload_schema}}}}},
            "/both": {"post": {"operationId": "both", "responses": ok, "requestBody": {"content": {
                "multipart/form-data": {"schema": upload_schema},
                "application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}}}},
            "/files/{id}/content": {"put": {"operationId": "put_content", "responses": ok, "requestBody": {
                "required": True, "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
                "parameters": [{"name": "id", "in": "path", "required": True, "style": "matrix",
                                "schema": {"type": "string"}}]}},
            "/notes/{id}": {"put": {"operationId": "put_note", "responses": ok, "requestBody": {
                "content": {"text/plain": {"schema": {"type": "string"}}}},
                "parameters": [{"name": "id", "in": "path", "required": True, "style": "label",
                                "schema": {"type": "string"}}]}},
            "/tables": {"put": {"operationId": "put_table", "responses": ok, "requestBody": {
                "content": {"text/csv": {"schema": {"type": "string"}}}}}},
            "/cells/{ids}": {"get": {"operationId": "cells", "responses": ok, "parameters": [
                {"name": "ids", "in": "path", "required": True, "schema": {"type": "array",
                                                                           "items": {"type": "integer"}}}]}},
            "/search": {"get": {"operationId": "search", "responses": ok, "parameters": [
                {"name": "StartTime<", "in": "query", "schema": {"type": "string"}},
                {"name": "StartTime>", "in": "query", "schema": {"type": "string"}},
                {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "filter", "in": "query", "style": "deepObject", "schema": {"type": "object"}},
                {"name": "ids", "in": "query", "style": "pipeDelimited", "schema": {"type": "array",
                                                                                   "items": {"type": "integer"}}},
                {"name": "words", "in": "query", "style": "spaceDelimited", "explode": True,
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}]}},
        },
    }
    source = tmp_path / "bodies.json"
    source.write_text(json.dumps(document))
    result = import_openapi(source)
    methods = result.spec["resources"]
    token = methods["token"]["methods"]["create"]
    assert token["request_format"] == "form"
    assert token["params"]["grant_type"]["required"] is True  # the schema requires it, the body is optional
    assert token["params"]["filter"]["style"] == "deepObject" and token["params"]["filter"]["explode"] is True
    assert (token["params"]["ids"]["style"], token["params"]["ids"]["explode"]) == ("form", False)
    # The body is not `required`, but its schema requires grant_type: a required parameter all the same.
    assert token["params"]["grant_type"]["required"] is True and "required" not in token["params"]["filter"]
    upload = methods["files"]["methods"]["create"]
    assert upload["request_format"] == "multipart"
    assert upload["params"]["file"]["schema"] == {"type": "string", "format": "binary"}
    assert upload["params"]["image"]["schema"] == {"type": "string", "format": "binary"}  # 3.1: contentMediaType
    assert "request_format" not in methods["both"]["methods"]["create"]  # JSON wins
    put = methods["files"]["methods"]["content"]
    assert (put["request_format"], put["content_type"], put["http"]) == ("binary", "image/png",
                                                                       "PUT /files/;id={id}/content")
    assert put["params"]["body"] == {"in": "body", "root": True, "required": True,
                                     "schema": {"type": "string", "format": "binary"}}
    note = methods["notes"]["methods"]["update"]
    assert (note["request_format"], note["http"]) == ("text", "PUT /notes/.{id}")
    assert methods["cells"]["methods"]["retrieve"]["params"]["ids"]["schema"]["type"] == "array"
    table = methods["tables"]["methods"]["put"]
    assert (table["request_format"], table["content_type"]) == ("text", "text/csv")
    search = methods["search"]["methods"]["retrieve"]["params"]
    assert search["session"]["in"] == "cookie" and search["X-Trace"]["in"] == "header"
    assert search["filter"]["style"] == "deepObject" and search["ids"]["style"] == "pipeDelimited"
    assert (search["words"]["style"], search["words"]["explode"]) == ("spaceDelimited", True)
    assert [w.message for w in result.warnings if "envelope" not in w.message and "security" not in w.message] == []
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(dump(result.spec, "b.json"))
    generate(spec_path, tmp_path / "out")
    resource = (tmp_path / "out" / "python" / "bodies" / "resources" / "search.py").read_text()
    assert "start_time_lt: str | Omit = omit" in resource and "start_time_gt: str | Omit = omit" in resource
    assert "date: str | date | Omit = omit" in resource


def test_exploded_path_parameters_keep_their_style(tmp_path: Path) -> None:
    """An exploded array or object path parameter gets `style` and `explode: true` (its items each carry the
    prefix: `;k=v;k2=v2`); a scalar or a not exploded one keeps its label/matrix prefix in the path; an exploded
    header object still cannot be expressed (a warning)."""
    obj = {"type": "object", "properties": {"k": {"type": "string"}}}
    ok = {"200": {"description": "ok"}}
    document = {"openapi": "3.0.3", "info": {"title": "Styles", "version": "1"}, "paths": {
        "/a/{id}/{ids}/{at}/{point}": {"get": {"operationId": "styled", "responses": ok, "parameters": [
            {"name": "id", "in": "path", "required": True, "style": "matrix", "explode": True,
             "schema": {"type": "string"}},
            {"name": "ids", "in": "path", "required": True, "style": "label", "explode": True,
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "at", "in": "path", "required": True, "style": "matrix", "explode": True, "schema": obj},
            {"name": "point", "in": "path", "required": True, "explode": True, "schema": obj},
            {"name": "X-O", "in": "header", "explode": True, "schema": obj}]}}}}
    source = tmp_path / "styles.json"
    source.write_text(json.dumps(document))
    result = import_openapi(source)
    method = result.spec["resources"]["a"]["methods"]["styled"]
    assert method["http"] == "GET /a/;id={id}/{ids}/{at}/{point}"
    params = method["params"]
    assert (params["ids"]["style"], params["ids"]["explode"]) == ("label", True)
    assert (params["at"]["style"], params["at"]["explode"]) == ("matrix", True)
    assert "style" not in params["point"] and params["point"]["explode"] is True
    assert "style" not in params["id"] and "explode" not in params["id"]
    assert [w.message.split(": ", 1)[1] for w in result.warnings if "explode" in w.message] == [
        "an exploded header parameter that is an array or object cannot be expressed; sent not exploded (a,b / k,v)"]


def test_responses_without_an_envelope_and_their_media_types(tmp_path: Path) -> None:
    """No envelope: each method returns its success response's schema. JSON wins over other media types; without
    it, text/event-stream is an event stream (typed by its schema), text/* text, anything else binary. None of it
    is a warning; an operation that offers JSON and an event stream gets a second method for the stream."""
    note = {"$ref": "#/components/schemas/Note"}

    def ok(*media: tuple[str, Any]) -> dict[str, Any]:
        return {"responses": {"200": {"description": "ok", "content": {m: ({"schema": s} if s else {})
                                                                        for m, s in media}}}}

    document = {
        "openapi": "3.1.0", "info": {"title": "Notes", "version": "1"}, "servers": [{"url": "https://n.example"}],
        "security": [{"B": []}],
        "components": {"securitySchemes": {"B": {"type": "http", "scheme": "bearer"}}, "schemas": {
            "Note": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Chunk": {"type": "object", "properties": {"delta": {"type": "string"}}}}},
        "paths": {
            "/notes": {"get": {"operationId": "listNotes", **ok(("application/json", {"type": "array", "items": note}))}},
            "/notes/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {"operationId": "getNote", **ok(("application/problem+json", note), ("application/xml", note))},
                "delete": {"operationId": "deleteNote", "responses": {"default": {"description": "an error"}}}},
            "/notes/{id}/render": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {"operationId": "renderNote", **ok(("text/markdown; charset=utf-8", {"type": "string"}))}},
            "/export": {"get": {"operationId": "exportNotes", **ok(("application/octet-stream",
                                                                    {"type": "string", "format": "binary"}))}},
            "/image": {"get": {"operationId": "getImage", **ok(("image/png", None), ("application/pdf", None))}},
            "/speech": {"post": {"operationId": "speak", **ok(("application/octet-stream", None),
                                                              ("text/event-stream", {"$ref": "#/components/schemas/Chunk"}))}},
            "/chat": {"post": {"operationId": "chat", **ok(("application/json", note),
                                                           ("text/event-stream", {"$ref": "#/components/schemas/Chunk"}))}},
            "/stream": {"post": {"operationId": "stream", **ok(("text/event-stream",
                                                                {"$ref": "#/components/schemas/Chunk"}))}},
            "/events": {"get": {"operationId": "events", **ok(("text/event-stream", None))}},
        },
    }
    source = tmp_path / "notes.json"
    source.write_text(json.dumps(document))

    result = import_openapi(source)

    assert result.warnings == [] and "envelope" not in result.spec
    methods = {f"{resource_name}.{name}": method for resource_name, resource in result.spec["resources"].items()
               for name, method in resource["methods"].items()}
    shapes = {name: (m.get("response_format", "json"), m.get("response")) for name, m in methods.items()}
    assert shapes == {
        "notes.list": ("json", {"type": "array", "items": {"$ref": "#/schemas/Note"}}),
        "notes.retrieve": ("json", {"$ref": "#/schemas/Note"}),
        "notes.delete": ("json", None),
        "notes.render": ("text", None),
        "export.retrieve": ("binary", None),
        "image.retrieve": ("binary", None),
        "speech.speak": ("binary", None),  # an operationId verb other than create
        "chat.create": ("json", {"$ref": "#/schemas/Note"}),
        "chat.create_stream": ("event_stream", {"$ref": "#/schemas/Chunk"}),  # JSON or events: a method for each
        "stream.create": ("event_stream", {"$ref": "#/schemas/Chunk"}),
        "events.list": ("event_stream", None),
    }
    out = tmp_path / "notes.yaml"
    assert write_spec(result, source, out) == []  # checked as `clientgen validate` would
    generate(out, tmp_path / "sdk")
    assert (tmp_path / "sdk" / "python" / "notes" / "_streaming.py").exists()


def test_a_schema_a_few_responses_extend_is_not_an_envelope(tmp_path: Path) -> None:
    """allOf: [{$ref: Key}, {properties: {value: ...}}] on one response of three does not make Key an envelope."""
    key = {"type": "object", "properties": {"id": {"type": "string"}}}
    extended = {"allOf": [{"$ref": "#/components/schemas/Key"},
                          {"type": "object", "properties": {"value": {"type": "string"}}}]}
    plain = {"$ref": "#/components/schemas/Key"}

    def get(operation_id: str, schema: Any) -> dict[str, Any]:
        return {"get": {"operationId": operation_id, "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": schema}}}}}}

    document = {
        "openapi": "3.0.0", "info": {"title": "Keys", "version": "1"}, "servers": [{"url": "https://k.example"}],
        "components": {"schemas": {"Key": key}},
        "paths": {"/a": get("a", extended), "/b": get("b", plain), "/c": get("c", plain)},
    }
    source = tmp_path / "keys.json"
    source.write_text(json.dumps(document))
    result = import_openapi(source)
    assert "envelope" not in result.spec
    assert not [w for w in result.warnings if w.code == "no-envelope"]
    assert result.spec["resources"]["b"]["methods"]["retrieve"]["response"] == {"$ref": "#/schemas/Key"}


def test_a_schema_every_response_extends_the_same_way_is_not_an_envelope(tmp_path: Path) -> None:
    """Pet: allOf: [{$ref: NewPet}, {properties: {id: ...}}] wraps the same payload every time: Pet is a model."""
    new_pet = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    pet = {"allOf": [{"$ref": "#/components/schemas/NewPet"},
                     {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}]}
    ref = {"$ref": "#/components/schemas/Pet"}

    def answer(schema: Any) -> dict[str, Any]:
        return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}

    document = {
        "openapi": "3.0.0", "info": {"title": "Pets", "version": "1"}, "servers": [{"url": "https://p.example"}],
        "components": {"schemas": {"NewPet": new_pet, "Pet": pet}},
        "paths": {"/pets": {"post": {"operationId": "addPet", "responses": answer(ref)}},
                  "/pets/{id}": {"get": {"operationId": "getPet", "responses": answer(ref), "parameters": [
                      {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]}}},
    }
    source = tmp_path / "pets.json"
    source.write_text(json.dumps(document))
    result = import_openapi(source)
    assert "envelope" not in result.spec and "Pet" in result.spec["schemas"]
    assert result.spec["resources"]["pets"]["methods"]["retrieve"]["response"] == {"$ref": "#/schemas/Pet"}


def test_stringified_json_body_examples(tmp_path: Path) -> None:
    """A JSON body's example written as a JSON string where the schema wants an array or object is that JSON; a
    string that is not JSON there is no example; a string body keeps its string."""
    def operation(schema: dict[str, Any], example: str) -> dict[str, Any]:
        return {"responses": {"204": {"description": "ok"}}, "requestBody": {"required": True, "content": {
            "application/json": {"schema": schema, "examples": {"a": {"value": example}}}}}}
    document = {
        "openapi": "3.0.3", "info": {"title": "Examples", "version": "1"},
        "paths": {"/pets": {"put": operation({"$ref": "#/components/schemas/Pets"}, '[{"name": "Fluffy"}]'),
                            "patch": operation({"$ref": "#/components/schemas/Pets"}, "not JSON"),
                            "post": operation({"type": "string"}, "[1]")}},
        "components": {"schemas": {"Pets": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}}}}}},
    }
    source = tmp_path / "examples.json"
    source.write_text(json.dumps(document))
    methods = import_openapi(source).spec["resources"]["pets"]["methods"]
    bodies = {name: next(p for p in method["params"].values() if p.get("root")) for name, method in methods.items()}
    assert [next(iter(method["params"])) for method in methods.values()] == ["pets", "pets", "body"]
    assert [body.get("example", "-") for body in bodies.values()] == [[{"name": "Fluffy"}], "-", "[1]"]


def test_flattened_bodies_and_the_names_of_the_others(tmp_path: Path) -> None:
    """tests/openapi/flattened: which bodies become keyword arguments, and the names of those that stay one."""
    result = import_openapi(CASES / "flattened" / "openapi.yaml")
    assert result.warnings == []
    methods = {f"{resource_name}.{name}": method for resource_name, resource in result.spec["resources"].items()
               for name, method in resource["methods"].items()}

    def params(name: str) -> list[str]:
        return [wire + ("*" if p.get("root") else "") for wire, p in methods[name]["params"].items()]

    assert params("pets.create") == ["id", "name", "tag", "kind", "owner", "notes"]  # allOf: $ref + inline
    assert methods["pets.create"]["params"]["owner"] == {  # $refs stay $refs; the body's example gives examples
        "in": "body", "required": True, "example": {"name": "Ann"}, "schema": {"$ref": "#/schemas/Owner"}}
    assert params("positions.close") == ["id", "cancel_orders"]  # nullable, every property optional
    assert params("batches.create") == ["file_ids", "files", "note"]  # anyOf of `required` alternatives only
    assert params("token.create") == ["grant_type", "scope"] and methods["token.create"]["request_format"] == "form"
    assert params("uploads.create") == ["file", "purpose"] and methods["uploads.create"]["request_format"] == "multipart"
    assert params("pets.rename") == ["name", "pet*"]  # a property named as the path parameter
    assert params("pets.search") == ["Tag", "pet", "body*"]  # `Tag` -> tag clashes; `pet` is taken
    assert params("orders.submit") == ["orders*"]  # array of OrderSubmissionRequest
    assert params("orders.replace") == ["orders*"]  # $ref to OrderList, an array
    assert params("settings.update") == ["settings*"]  # nullable with a required property
    assert params("choices.create") == ["choice*"]  # a union
    assert params("numbers.create") == ["body*"]  # an array of integers


@pytest.mark.parametrize(("schema_name", "plural", "expected"), [
    ("Order", False, "order"), ("Order", True, "orders"), ("OrderSubmissionRequest", True, "orders"),
    ("PositionInstructionSubmissionRequest", True, "instructions"), ("CreateChatCompletionRequest", False,
                                                                     "completion"),
    ("AnimalUpdate", False, "update"), ("PetList", True, "pets"), ("Pets", True, "pets"),
    ("Entry", True, "entries"), ("Address", True, "addresses"), ("Key", True, "keys"), ("RequestBody", False, "request"),
    ("UpdateAccountSettingsRequest", False, "settings"), ("ReplaceOrderRequest", False, "order"),
    ("Everything", True, "everything"), ("UserData", True, "data"), ("Analysis", True, "analyses"),
    ("Box", True, "boxes"), ("Day", True, "days"),
])
def test_names_of_bodies_after_their_schema(schema_name: str, plural: bool, expected: str) -> None:
    from generator.openapi.bodies import _noun
    assert _noun(schema_name, plural) == expected


def test_body_in_overrides_renames_the_root_body_whatever_its_name(tmp_path: Path) -> None:
    """`params: {body: NEW}` (the root body's name before bodies were named after what they hold) still renames it."""
    config = tmp_path / "o.yaml"
    config.write_text("methods:\n  submit_orders:\n    params: {body: items}\n  add_numbers:\n"
                      "    params: {body: numbers}\n")  # by operationId
    result = import_openapi(CASES / "flattened" / "openapi.yaml", config)
    assert result.warnings == []
    methods = result.spec["resources"]
    assert list(methods["orders"]["methods"]["submit"]["params"]) == ["items"]
    assert list(methods["numbers"]["methods"]["create"]["params"]) == ["numbers"]


def test_a_root_body_never_takes_the_name_of_another_parameter(tmp_path: Path) -> None:
    query = [{"name": "body", "in": "query", "schema": {"type": "string"}},
             {"name": "Pets", "in": "query", "schema": {"type": "string"}}]
    ok = {"204": {"description": "ok"}}
    document = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/x": {
        "put": {"operationId": "put_blob", "parameters": query, "responses": ok,
                "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}}},
        "post": {"operationId": "post_pets", "parameters": query, "responses": ok, "requestBody": {"content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}}},
        "components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
    source = tmp_path / "t.json"
    source.write_text(json.dumps(document))
    methods = import_openapi(source).spec["resources"]["x"]["methods"]
    assert list(methods["put_blob"]["params"]) == ["body", "Pets", "body_2"]
    assert list(methods["create"]["params"]) == ["body", "Pets", "body_2"]  # `pets` is Pets' Python name


OPENAI = ROOT.parent / "shared" / "specs" / "corpus" / "openai.yaml"


@pytest.mark.skipif(not OPENAI.exists(), reason="the OpenAI document is not present")
def test_openai_bodies_are_keyword_arguments() -> None:
    """`CreateChatCompletionRequest` (an allOf of a $ref, itself an allOf, and an object) and every other body of
    the document are flattened: no root body is left."""
    resources = import_openapi(OPENAI).spec["resources"]
    chat = resources["chat"]["resources"]["completions"]["methods"]
    create = chat["create"]["params"]
    assert create["model"]["required"] is True and create["messages"]["required"] is True
    assert create["messages"]["schema"] == {"type": "array", "minItems": 1,
                                            "items": {"$ref": "#/schemas/ChatCompletionRequestMessage"}}
    assert {"temperature", "tools", "stream", "metadata"} <= set(create) and "body" not in create
    stream = chat["create_stream"]
    assert "stream" not in stream["params"] and stream["body_values"] == {"stream": True}
    embedding = resources["embeddings"]["methods"]["create"]["params"]
    assert [n for n, p in embedding.items() if p.get("required")] == ["input", "model"]

    def roots(tree: dict[str, Any]) -> list[str]:
        return [name for resource in tree.values() for name, method in (resource.get("methods") or {}).items()
                if any(p.get("root") for p in (method.get("params") or {}).values())] + \
            [name for resource in tree.values() for name in roots(resource.get("resources") or {})]

    assert roots(resources) == []
