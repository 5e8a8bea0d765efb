"""The whole Clear Street API, end to end: OpenAPI document -> `clientgen import-openapi` -> `clientgen generate` ->
the generated sync client calls every operation against Prism, a mock server of the same document on 127.0.0.1.

Arguments come from the examples in the imported spec (placeholders built from the schema where there are none);
Prism validates each request against the document (a bad one gets 4xx, which the SDK raises) and answers with the
document's example, which must parse into the method's declared response type.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import naming
from generator.load import load
from tests.mock_server import Server, serve, tools_missing

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT.parent / "shared" / "specs" / "clear-street-openapi.yml"
OVERRIDES = ROOT / "tests" / "openapi" / "clear_street.overrides.yaml"
CLIENTGEN = Path(sys.executable).parent / "clientgen"
PACKAGE = "clear_street_mock"  # not clear_street: the session already imports the SDK of spec/ under that name
VERBS = ("get", "put", "post", "delete", "patch")

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=f"{DOCUMENT} is not present")


def _operations() -> list[tuple[str, str, str]]:
    """(operationId, VERB, path) of every operation in the document, read straight from it."""
    if not DOCUMENT.exists():
        return []
    paths = load(DOCUMENT).data["paths"]
    return [(op.get("operationId", f"{verb} {route}"), verb.upper(), route)
            for route, item in paths.items() for verb, op in item.items() if verb in VERBS]


OPERATIONS = _operations()


@pytest.fixture(scope="session")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document imported with the Clear Street overrides and generated (SDK, CLI, docs); the SDK on sys.path."""
    work = tmp_path_factory.mktemp("openapi_e2e")
    overrides = yaml.safe_load(OVERRIDES.read_text())
    overrides["api"]["package"] = PACKAGE
    overrides["api"]["cli"] = "clear-street-mock"
    config = work / "overrides.yaml"
    config.write_text(yaml.safe_dump(overrides))
    spec = work / "clear_street.yaml"
    _run(str(CLIENTGEN), "import-openapi", str(DOCUMENT), "-o", str(spec), "--config", str(config))
    _run(str(CLIENTGEN), "generate", str(spec), "-o", str(work / "out"))
    sys.path.insert(0, str(work / "out" / "python"))
    return work


@pytest.fixture(scope="session")
def imported(output: Path) -> dict[str, Any]:
    """The imported spec, as data."""
    return load(output / "clear_street.yaml").data  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def prism() -> Iterator[Server]:
    missing = tools_missing()
    if missing:
        pytest.skip(f"the mock server needs node and npm: {missing}")
    with serve(DOCUMENT) as server:
        yield server


@pytest.fixture(scope="session")
def client(imported: dict[str, Any], prism: Server) -> Iterator[Any]:
    package = importlib.import_module(PACKAGE)
    options: dict[str, Any] = {"api_key": "test-key", "base_url": prism.url, "max_retries": 0}
    if "strict_response_validation" in inspect.signature(package.ClearStreet).parameters:
        options["strict_response_validation"] = True  # a response that does not match its type fails, not passes
    with package.ClearStreet(**options) as sdk:
        yield sdk


def test_the_document_has_61_operations() -> None:
    assert len(OPERATIONS) == 61
    assert len({op for op, _, _ in OPERATIONS}) == 61


def test_import_reports_no_warnings(tmp_path: Path) -> None:
    """The spec format says everything the real document says, so it imports without a warning, even --strict:
    comma-separated query arrays (array_format: comma) and a success response without a body included."""
    result = _run(str(CLIENTGEN), "import-openapi", str(DOCUMENT), "-o", str(tmp_path / "s.yaml"),
                  "--config", str(OVERRIDES))
    assert result.stderr == "" and "61 operations imported, 0 warnings" in result.stdout
    spec = (tmp_path / "s.yaml").read_text()
    assert spec.count("array_format: comma") == 13
    strict = subprocess.run([str(CLIENTGEN), "import-openapi", str(DOCUMENT), "-o", str(tmp_path / "t.yaml"),
                             "--strict"], check=False, capture_output=True, text=True)
    assert strict.returncode == 0 and (tmp_path / "t.yaml").exists(), strict.stderr


@pytest.mark.parametrize(("operation_id", "verb", "route"), OPERATIONS, ids=[op for op, _, _ in OPERATIONS])
def test_every_operation_against_the_mock_server(client: Any, imported: dict[str, Any], prism: Server,
                                                 operation_id: str, verb: str, route: str) -> None:
    trail, name, method = _find_method(imported, verb, route)
    target = client
    for part in trail:
        target = getattr(target, naming.member_name(part))
    arguments = {naming.param_name(wire): _argument(param, imported.get("schemas") or {})
                 for wire, param in (method.get("params") or {}).items()
                 if param["in"] == "path" or param.get("required") or "example" in param}
    call = getattr(target, naming.member_name(name))
    try:
        response = call(**arguments)
    except Exception as exc:  # the server's account of the request makes the failure readable
        raise AssertionError(f"{'.'.join(trail)}.{name}({arguments}) failed: {exc!r}\n{prism.log(20)}") from exc
    if "response" not in method:  # a success without a body
        assert response is None
        return
    expected = naming.method_type_prefix(naming.resource_singular(trail[-1], None), name) + "Response"
    if "pagination" in method:  # a page: its items, and the envelope it came in
        assert response.items == response.response.data
        response = response.response
    assert type(response).__name__ == expected
    assert response.metadata.request_id
    assert "data" in response.model_fields_set


@pytest.mark.parametrize(("operation_id", "verb", "route"), OPERATIONS, ids=[op for op, _, _ in OPERATIONS])
def test_every_operation_is_a_method_a_command_and_a_docs_page(output: Path, imported: dict[str, Any],
                                                                operation_id: str, verb: str, route: str) -> None:
    trail, name, _ = _find_method(imported, verb, route)
    target: Any = importlib.import_module(PACKAGE).ClearStreet(api_key="k", base_url="http://127.0.0.1:9")
    for part in trail:
        target = getattr(target, naming.member_name(part))
    assert callable(getattr(target, naming.member_name(name)))
    out = output / "out"
    group = ":".join(naming.kebab(part) for part in trail)
    assert naming.kebab(name) in _cli_commands(output, group)
    page = "/".join(trail) + ".md"
    for docs in (out / "docs" / "python" / page, out / "docs" / "cli" / page):
        assert f'<a id="{naming.member_name(name)}"></a>' in docs.read_text(), docs


def test_a_paginated_method_walks_the_pages(client: Any) -> None:
    """get_accounts is marked paginated by the overrides: iterating fetches the next page with the example's
    next_page_token; Prism answers with the same token again, which ends the walk after two pages."""
    page = client.v1.accounts.get_accounts()
    assert page.has_next_page()
    accounts = list(page)
    assert len(accounts) == 2 * len(page.items) > 0
    assert type(accounts[0]).__name__ == "Account"


def test_a_method_without_a_response_body(client: Any) -> None:
    """delete_screener answers 200 with an empty body: None, and the raw response is there for who wants it."""
    raw = client.v1.screener.with_raw_response.delete_screener("550e8400-e29b-41d4-a716-446655440000")
    assert (raw.status_code, raw.content, raw.parse()) == (200, b"", None)


def test_a_comma_separated_query_array_is_split_and_checked_by_the_mock_server(client: Any,
                                                                              imported: dict[str, Any]) -> None:
    """get_orders' `status` (`style: form, explode: false`) goes as status=A,B: Prism accepts two enum values only if
    it splits them at the comma, and rejects the pair when one of them is not in the enum."""
    method = imported["resources"]["v1"]["resources"]["orders"]["methods"]["get_orders"]
    assert method["params"]["status"]["array_format"] == "comma"
    statuses = method["params"]["status"]["schema"]["items"]["enum"][:2]
    assert client.v1.orders.get_orders(0, status=statuses).response.metadata.request_id
    errors = importlib.import_module(PACKAGE)
    with pytest.raises(errors.APIStatusError) as raised:
        client.v1.orders.get_orders(0, status=[statuses[0], "NOT_A_STATUS"])
    assert raised.value.status_code in (400, 422)


def test_the_mock_server_rejects_an_invalid_request(client: Any) -> None:
    """Prism checks each request against the document, so the calls above passing means they were valid."""
    errors = importlib.import_module(PACKAGE)
    with pytest.raises(errors.APIStatusError) as raised:
        client.v1.positions.submit_position_instructions(0, instructions=[{"quantity": "1"}])  # required keys missing
    assert raised.value.status_code in (400, 422)


def test_the_generated_cli_calls_the_mock_server(output: Path, prism: Server) -> None:
    cli = output / "out" / "cli"
    package = next(p.name for p in cli.iterdir() if (p / "__main__.py").exists())
    env = {"PYTHONPATH": f"{cli}:{output / 'out' / 'python'}", "PATH": os.environ.get("PATH", "")}
    result = subprocess.run(
        [sys.executable, "-m", package, "v1:positions", "cancel-position-instruction", "--api-key", "k",
         "--base-url", prism.url, "--account-id", "0", "--instruction-id", "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"],
        check=False, capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 0, result.stderr + prism.log(10)
    body = json.loads(result.stdout)
    assert body["data"]["status"] and body["metadata"]["request_id"]


@functools.cache
def _cli_commands(output: Path, group: str) -> list[str]:
    """The commands `CLI GROUP --help` lists."""
    cli = output / "out" / "cli"
    package = next(p.name for p in cli.iterdir() if (p / "__main__.py").exists())
    env = {"PYTHONPATH": f"{cli}:{output / 'out' / 'python'}", "PATH": os.environ.get("PATH", ""), "COLUMNS": "200"}
    result = _run(sys.executable, "-m", package, group, "--help", env=env)
    listed = result.stdout.split("Commands:", 1)[-1]
    return [line.split()[0] for line in listed.splitlines() if line.strip()]


def _run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result


def _find_method(spec: dict[str, Any], verb: str, route: str) -> tuple[list[str], str, dict[str, Any]]:
    wanted = f"{verb} {re.sub(r'{[^}]*}', '{}', route)}"
    for trail, name, method in _methods(spec["resources"], []):
        verb_path = re.sub(r"{[^}]*}", "{}", method["http"])
        if verb_path == wanted:
            return trail, name, method
    raise AssertionError(f"{verb} {route} is not a method of the imported spec")


def _methods(tree: dict[str, Any], trail: list[str]) -> Iterator[tuple[list[str], str, dict[str, Any]]]:
    for resource_name, resource in tree.items():
        for name, method in (resource.get("methods") or {}).items():
            yield trail + [resource_name], name, method
        yield from _methods(resource.get("resources") or {}, trail + [resource_name])


def _argument(param: dict[str, Any], schemas: dict[str, Any]) -> Any:
    if "example" in param:
        return _coerce(param["example"], param["schema"], schemas)
    return _example(param["schema"], schemas)


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if "$ref" not in schema:
            break
        schema = {**schemas[schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _coerce(value: Any, schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """Examples written as strings for numbers ("1" for an integer) become the declared type."""
    kind = _resolve(schema, schemas).get("type")
    if isinstance(value, str) and kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, str) and kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    if kind == "array" and not isinstance(value, list):
        return [value]
    return value


SAMPLES = {"uuid": "0195f6d0-a1b2-7c3d-8e4f-5a6b7c8d9e02", "date": "2025-01-15", "date-time": "2025-01-15T14:30:00Z",
           "byte": "U3RhaW5sZXNzIHJvY2tz"}


def _example(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """A valid value for a schema: its example or default, else the first enum value or a typed placeholder."""
    schema = _resolve(schema, schemas)
    for key in ("example", "default"):
        if key in schema:
            return _coerce(schema[key], schema, schemas)
    if schema.get("enum"):
        return schema["enum"][0]
    variants = schema.get("oneOf") or schema.get("anyOf")
    if variants:
        return _example(variants[0], schemas, depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for member in schema["allOf"]:
            merged.update(_example(member, schemas, depth + 1) or {})
        merged.update(_object_example(schema, schemas, depth))
        return merged
    kind = schema.get("type")
    if kind == "array":
        return [_example(schema.get("items") or {}, schemas, depth + 1)] * max(1, schema.get("minItems", 1))
    if kind == "object" or "properties" in schema:
        return _object_example(schema, schemas, depth)
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return SAMPLES.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))


def _object_example(schema: dict[str, Any], schemas: dict[str, Any], depth: int) -> dict[str, Any]:
    required = set(schema.get("required") or [])
    return {name: _example(prop, schemas, depth + 1) for name, prop in (schema.get("properties") or {}).items()
            if name in required and depth < 12}
