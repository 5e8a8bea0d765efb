"""Stage 2, validate: structure against the shipped JSON Schema, then meaning (refs, paths, names, enums).

Every problem is collected before anything is reported, so one run shows the author all of them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jsonschema

from . import naming
from .diagnostics import Diagnostic, SpecError, did_you_mean
from .load import Document, JsonPath

REF_PREFIX = "#/schemas/"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
REF_SIBLINGS = frozenset({"$ref", "description", "nullable", "example", "default", "title", "deprecated"})
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
RUNTIME_NAMES = frozenset(
    {"BaseModel", "ClientError", "APIStatusError", "APIConnectionError", "APITimeoutError", "BadRequestError",
     "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
     "RateLimitError", "InternalServerError", "APIResponseValidationError", "Omit", "NotGiven"}
)


@lru_cache(maxsize=1)
def spec_schema() -> dict[str, Any]:
    text = resources.files("generator").joinpath("spec.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(doc: Document) -> None:
    """Raise SpecError listing every structural and semantic problem in `doc`."""
    structural = list(_structural(doc))
    # Unknown keys do not stop the semantic checks; anything else means the shape cannot be trusted.
    if all(d.code == "unknown-key" for d in structural):
        structural += _Semantics(doc).run()
    if structural:
        raise SpecError(structural)


# --- structure ---------------------------------------------------------------------------------------------------


def _structural(doc: Document) -> Iterator[Diagnostic]:
    validator = jsonschema.Draft202012Validator(spec_schema())
    for error in validator.iter_errors(doc.data):
        yield from _describe(doc, error)


def _describe(doc: Document, error: jsonschema.ValidationError) -> Iterator[Diagnostic]:
    path: JsonPath = tuple(error.absolute_path)
    kind, instance, schema = error.validator, error.instance, error.schema
    if "propertyNames" in error.absolute_schema_path:
        yield doc.error(path + (instance,), "bad-name", f"name '{_short(instance)}' is not allowed: {error.message}",
                        key=True)
    elif kind == "additionalProperties" and isinstance(instance, dict):
        allowed = schema.get("properties", {})
        for key in instance:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                yield doc.error(path + (key,), "unknown-key", f"unknown key '{_short(key)}'{hint}", key=True)
    elif kind == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                yield doc.error(path, "missing-key", f"missing required key '{key}'")
    elif kind == "type":
        yield doc.error(path, "wrong-type", f"expected {_expected(error.validator_value)}, got {_kind(instance)}")
    elif kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        hint = did_you_mean(str(instance), [str(o) for o in options])
        listed = ", ".join(repr(o) for o in options)
        yield doc.error(path, "bad-value", f"{_short(repr(instance))} is not one of {listed}{hint}")
    elif kind == "pattern":
        what = schema.get("description") or f"must match {error.validator_value}"
        yield doc.error(path, "bad-value", f"invalid value {_short(repr(instance))}: {what}")
    elif kind == "anyOf":
        yield doc.error(path, "wrong-type", f"expected a boolean or a schema mapping, got {_kind(instance)}")
    else:
        yield doc.error(path, "invalid", error.message)


def _kind(value: Any) -> str:
    for python_type, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"), (str, "a string"),
                              (int, "an integer"), (float, "a number")):
        if isinstance(value, python_type):
            return name
    return "null"


def _expected(json_types: str | list[str]) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
             "number": "a number", "boolean": "a boolean", "null": "null"}
    types = [json_types] if isinstance(json_types, str) else json_types
    return " or ".join(names.get(t, t) for t in types)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- meaning -----------------------------------------------------------------------------------------------------


class _Semantics:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.schemas: dict[str, Any] = self.data.get("schemas") or {}
        self.errors: list[Diagnostic] = []

    def error(self, path: JsonPath, code: str, message: str, *, key: bool = False) -> None:
        self.errors.append(self.doc.error(path, code, message, key=key))

    def run(self) -> list[Diagnostic]:
        self._check_schema_names()
        for path, schema in self._all_schemas():
            self._check_schema(path, schema)
        self._check_allof_cycles()
        self._check_envelope()
        self._check_resources(self.data.get("resources") or {}, ("resources",), set())
        return self.errors

    # schemas

    def _check_schema_names(self) -> None:
        api = self.data.get("api", {})
        envelope = self.data.get("envelope", {})
        taken: dict[str, JsonPath] = {name: () for name in RUNTIME_NAMES | {api.get("client", "")}}
        taken[naming.class_name(envelope.get("name", "BaseResponse"))] = ("envelope", "name")
        for name in self.schemas:
            self._claim(taken, naming.class_name(name), ("schemas", name), f"schema '{name}'")

    def _claim(self, taken: dict[str, JsonPath], python_name: str, path: JsonPath, what: str) -> None:
        """Record that `what` at `path` becomes `python_name`; report an empty name or a collision."""
        if not python_name:
            self.error(path, "bad-name", f"{what} has no letters or digits to make a Python name from", key=True)
        elif python_name in taken:
            other = taken[python_name]
            where = f"{what} becomes '{python_name}' in Python, "
            if other:
                line = self.doc.position(other, key=True)[0]
                self.error(path, "name-collision", where + f"which line {line} already defines", key=True)
            else:
                self.error(path, "name-collision", where + "a name the generated SDK already uses", key=True)
        else:
            taken[python_name] = path

    def _all_schemas(self) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
        roots: list[tuple[JsonPath, Any]] = [(("schemas", n), s) for n, s in self.schemas.items()]
        roots += [(("envelope", "properties", n), s)
                  for n, s in (self.data.get("envelope", {}).get("properties") or {}).items()]
        for path, method in self._methods(self.data.get("resources") or {}, ("resources",)):
            roots.append((path + ("response",), method.get("response")))
            roots += [(path + ("params", n, "schema"), p.get("schema")) for n, p in (method.get("params") or {}).items()]
        for path, schema in roots:
            yield from _walk(path, schema)

    def _check_schema(self, path: JsonPath, schema: dict[str, Any]) -> None:
        if "$ref" in schema:
            self._check_ref(path, schema)
        enum = schema.get("enum")
        if enum:
            self._check_enum(path, schema, enum)
        properties = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in properties:
                hint = did_you_mean(name, properties)
                self.error(path + ("required",), "unknown-required",
                           f"required property '{name}' is not declared in 'properties'{hint}")
        taken: dict[str, JsonPath] = {}
        for name in properties:
            self._claim(taken, naming.field_name(name), path + ("properties", name), f"property '{name}'")

    def _check_ref(self, path: JsonPath, schema: dict[str, Any]) -> None:
        target = schema["$ref"][len(REF_PREFIX):]
        if target not in self.schemas:
            hint = did_you_mean(target, self.schemas)
            self.error(path + ("$ref",), "unresolved-ref", f"unresolved reference '{schema['$ref']}'{hint}")
        extra = sorted(set(schema) - REF_SIBLINGS)
        if extra:
            self.error(path + (extra[0],), "ref-siblings",
                       f"'{extra[0]}' cannot stand beside '$ref'; only {', '.join(sorted(REF_SIBLINGS - {'$ref'}))} can",
                       key=True)

    def _check_enum(self, path: JsonPath, schema: dict[str, Any], enum: list[Any]) -> None:
        seen: dict[Any, int] = {}
        for index, value in enumerate(enum):
            marker = (type(value), value)
            if marker in seen:
                self.error(path + ("enum", index), "duplicate-enum",
                           f"duplicate enum value {value!r} (also item {seen[marker] + 1})")
            seen.setdefault(marker, index)
        declared = schema.get("type")
        expected = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}.get(declared)
        for index, value in enumerate(enum):
            bad_bool = isinstance(value, bool) and declared in ("integer", "number")
            if expected and (not isinstance(value, expected) or bad_bool):
                self.error(path + ("enum", index), "enum-type", f"enum value {value!r} is not of type '{declared}'")

    def _check_allof_cycles(self) -> None:
        edges = {name: [ref for _, ref in _allof_refs((), schema)] for name, schema in self.schemas.items()}
        reported: set[str] = set()
        for start in self.schemas:
            cycle = _find_cycle(start, edges)
            if cycle and start not in reported:
                reported.update(cycle)
                self.error(("schemas", start), "recursive-allof",
                           "recursive allOf: " + " -> ".join(cycle + [cycle[0]]), key=True)

    def _check_envelope(self) -> None:
        envelope = self.data.get("envelope") or {}
        data_field = envelope.get("data", "data")
        properties = envelope.get("properties") or {}
        if data_field in properties:
            self.error(("envelope", "properties", data_field), "envelope-data",
                       f"envelope property '{data_field}' clashes with the data field that carries each method's "
                       "response; remove it or rename the data field with 'data:'", key=True)
        for name in envelope.get("required") or []:
            if name not in properties:
                self.error(("envelope", "required"), "unknown-required",
                           f"required property '{name}' is not declared in the envelope's 'properties'")

    # resources and methods

    def _methods(self, tree: dict[str, Any], path: JsonPath) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
        for name, resource in tree.items():
            for method_name, method in (resource.get("methods") or {}).items():
                yield path + (name, "methods", method_name), method
            yield from self._methods(resource.get("resources") or {}, path + (name, "resources"))

    def _check_resources(self, tree: dict[str, Any], path: JsonPath, type_names: set[str]) -> None:
        taken: dict[str, JsonPath] = {}
        for name, resource in tree.items():
            self._claim(taken, naming.member_name(name), path + (name,), f"resource '{name}'")
        for name, resource in tree.items():
            members: dict[str, JsonPath] = {}
            singular = naming.resource_singular(name, resource.get("singular"))
            for child in resource.get("resources") or {}:
                members[naming.member_name(child)] = path + (name, "resources", child)
            for method_name, method in (resource.get("methods") or {}).items():
                method_path = path + (name, "methods", method_name)
                self._claim(members, naming.member_name(method_name), method_path, f"method '{method_name}'")
                stem = naming.method_type_prefix(singular, method_name)
                for suffix in ("Response", "Params"):
                    if stem + suffix in type_names:
                        self.error(method_path, "name-collision",
                                   f"method '{method_name}' needs the type name '{stem}{suffix}', which another "
                                   "method in a sibling resource already uses; set 'singular' on one resource",
                                   key=True)
                    type_names.add(stem + suffix)
                self._check_method(method_path, method)
            self._check_resources(resource.get("resources") or {}, path + (name, "resources"), set())

    def _check_method(self, path: JsonPath, method: dict[str, Any]) -> None:
        verb, _, url = method["http"].partition(" ")
        params: dict[str, Any] = method.get("params") or {}
        placeholders = PLACEHOLDER.findall(url)
        if "{" in PLACEHOLDER.sub("", url) or "}" in PLACEHOLDER.sub("", url):
            self.error(path + ("http",), "bad-path", f"unbalanced braces in path '{url}'")
        for name in placeholders:
            if placeholders.count(name) > 1:
                self.error(path + ("http",), "bad-path", f"path placeholder '{{{name}}}' appears more than once")
            param = params.get(name)
            if param is None or param.get("in") != "path":
                hint = did_you_mean(name, [n for n, p in params.items() if p.get("in") == "path"])
                self.error(path + ("http",), "undeclared-path-param",
                           f"path placeholder '{{{name}}}' has no parameter with 'in: path'{hint}")
        taken: dict[str, JsonPath] = {}
        roots = [n for n, p in params.items() if p.get("root")]
        for name, param in params.items():
            param_path = path + ("params", name)
            self._claim(taken, naming.param_name(name), param_path, f"parameter '{name}'")
            self._check_param(param_path, name, param, placeholders, verb, len(roots))

    def _check_param(self, path: JsonPath, name: str, param: dict[str, Any], placeholders: list[str], verb: str,
                     root_count: int) -> None:
        where = param["in"]
        if where == "path":
            if name not in placeholders:
                self.error(path, "unused-path-param", f"path parameter '{name}' does not appear in the path", key=True)
            if param.get("required") is False:
                self.error(path + ("required",), "optional-path-param", "path parameters are always required")
            if not self._is_scalar(param["schema"]):
                self.error(path + ("schema",), "bad-path-param", "path parameters must be strings, numbers or booleans")
        if where == "body" and verb == "GET":
            self.error(path + ("in",), "body-on-get", "GET requests cannot carry body parameters; use 'in: query'")
        if param.get("root") and where != "body":
            self.error(path + ("root",), "bad-root", "'root' applies only to 'in: body' parameters")
        if where == "body" and root_count and not param.get("root"):
            self.error(path, "bad-root", "a method whose body is a 'root' parameter cannot have other body parameters",
                       key=True)
        if param.get("root") and root_count > 1:
            self.error(path + ("root",), "bad-root", "only one body parameter can be the 'root' of the body")

    def _is_scalar(self, schema: dict[str, Any], depth: int = 0) -> bool:
        if "$ref" in schema:
            target = self.schemas.get(schema["$ref"][len(REF_PREFIX):])
            return target is None or depth > 20 or self._is_scalar(target, depth + 1)
        return schema.get("type") in SCALAR_TYPES or (schema.get("type") is None and bool(schema.get("enum")))


def _walk(path: JsonPath, schema: Any) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    yield path, schema
    for name, child in (schema.get("properties") or {}).items():
        yield from _walk(path + ("properties", name), child)
    for key in ("items", "additionalProperties"):
        yield from _walk(path + (key,), schema.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for index, child in enumerate(schema.get(key) or []):
            yield from _walk(path + (key, index), child)


def _allof_refs(path: JsonPath, schema: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    for index, member in enumerate(schema.get("allOf") or []):
        if "$ref" in member:
            yield path + ("allOf", index), member["$ref"][len(REF_PREFIX):]
        yield from _allof_refs(path + ("allOf", index), member)


def _find_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    """The allOf chain from `start` back to itself, if there is one (depth-first)."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for target in edges.get(node, []):
            if target == start:
                return trail
            if target not in seen:
                seen.add(target)
                stack.append((target, trail + [target]))
    return None

