"""The SDK surface: what users of the generated SDK call and read, as plain JSON-able data, computed once from the IR
(the objects the templates print), never from the generated code. `clientgen diff` compares two of them.

    {"surface": 1,
     "api": {"name", "package", "client", "base_url", "environments", "auth", "security", "server_variables",
             "location"},
     "resources": {"client.v1.positions": {"location", "description"}},
     "methods": {"client.v1.positions.cancel": {"location", "http", "base_url", "security", "summary",
                 "description", "deprecated", "returns", "response_format", "pagination", "request_format",
                 "params": [{"name", "wire_name", "in", "required", "positional", "root", "type", "description",
                             "location"}]}},
     "types": {"Position": {"kind": model|typeddict|alias, "side": response|request|alias, "named", "base",
               "description", "type" (alias), "fields": [{"name", "wire_name", "type", "required", "nullable",
               "description", "location"}], "location"}},
     "enums": {"PositionInstructionType": {"values", "sides": [request, response], "location"}}}

Types are annotation strings as the generated code spells them (`list[Position] | None`); `types` holds every class
and alias they name, so a diff can compare two annotations by shape. `named` types come from the spec's `schemas`
(and the envelope): their names are part of the surface. The others are inline types named after their parent
(`OrderShipping`) or after a method (`{Stem}Response`): compared by shape, through their parent.

Each entry's `location` is `file:line:col` in the document the side was read from: the spec, or for an OpenAPI
document the node of the OpenAPI document it was imported from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from . import naming
from .ir import AliasDef, Api, Definition, DocField, Method, ModelDef, Module, Param, Resource, TypedDictDef, TypeRef
from .ir import _Builder as _IRBuilder
from .load import Document, JsonPath

SURFACE_VERSION = 1
# A spec path -> 'file:line:col' ('' when unknown).
Locator = Callable[[JsonPath], str]


def _nowhere(path: JsonPath) -> str:
    return ""


def spec_locator(doc: Document, display: str | None = None) -> Locator:
    """Positions in a clientgen spec document."""
    name = display or doc.file

    def locate(path: JsonPath) -> str:
        line, column = doc.position(path, key=bool(path) and isinstance(path[-1], str))
        return f"{name}:{line}:{column}"

    return locate


def of_spec(api: Api, doc: Document, display: str) -> dict[str, Any]:
    """The surface of `api`, the IR built from the spec `doc`, located in it as `display`."""
    return build(api, spec_locator(doc, display), doc.data)


def build(api: Api, locate: Locator = _nowhere, spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """The surface of `api`. `spec` (the spec data the IR was built from) tells which types are the schemas' own
    and where each method came from; without it, every type counts as named and locations are the resources'."""
    schemas: dict[str, Any] = (spec or {}).get("schemas") or {}
    named = _named_types(schemas, api)
    resources: dict[str, Any] = {}
    methods: dict[str, Any] = {}
    spec_resources = (spec or {}).get("resources") or {}
    for resource, where in _walk(api.resources, spec_resources):
        path = "client." + resource.python_path
        resources[path] = {"location": locate(where), "description": resource.description}
        spec_methods = list(_node_at(spec_resources, where).get("methods") or {})
        for index, method in enumerate(resource.methods):
            key = spec_methods[index] if index < len(spec_methods) else method.name
            methods[f"{path}.{method.name}"] = _method(method, where + ("methods", key), locate)
    params_types = {m.params_type for r in api.all_resources() for m in r.methods}
    types: dict[str, Any] = {}
    for module in api.modules:
        for definition in module.definitions:
            if definition.name in params_types and isinstance(definition, TypedDictDef):
                continue  # a method's keyword arguments, as one TypedDict: the method's params already say it
            schema = named.get(definition.name)
            at: JsonPath = ("schemas", schema) if schema else ()
            if api.envelope is not None and definition.name == api.envelope.name:
                schema, at = "", ("envelope",)
            types[definition.name] = _type(definition, schema is not None or definition.name in named, at, locate)
    surface = {"surface": SURFACE_VERSION, "api": _api(api, locate), "resources": resources, "methods": methods,
               "types": dict(sorted(types.items()))}
    surface["enums"] = _enums(surface)
    return surface


def usage(surface: dict[str, Any]) -> dict[str, set[str]]:
    """Type name -> the sides whose values it types ('request': a method sends it; 'response': one returns it),
    through every reference: aliases, fields, bases. A type in neither is in the SDK by name only."""
    from .difftypes import names, parse

    types = surface["types"]
    found: dict[str, set[str]] = {}
    todo: list[tuple[str, str]] = []
    for method in surface["methods"].values():
        todo += [(p["type"], "request") for p in method["params"]]
        todo.append((method["returns"], "response"))
    seen: set[tuple[str, str]] = set()
    while todo:
        annotation, side = todo.pop()
        for name in names(parse(annotation)):
            if name not in types or (name, side) in seen:
                continue
            seen.add((name, side))
            found.setdefault(name, set()).add(side)
            entry = types[name]
            todo += [(entry["type"], side)] if entry["kind"] == "alias" else []
            todo += [(f["type"], side) for f in entry.get("fields", ())]
            if entry.get("base"):
                todo.append((entry["base"], side))
    return found


def _enums(surface: dict[str, Any]) -> dict[str, Any]:
    """The named enums: their values and the sides they are used on."""
    from .difftypes import parse

    sides = usage(surface)
    found = {}
    for name, entry in surface["types"].items():
        tree = parse(entry["type"]) if entry["named"] and entry["kind"] == "alias" else ("",)
        if tree[0] == "literal":
            found[name] = {"values": sorted(tree[1], key=repr), "sides": sorted(sides.get(name, ())),
                           "location": entry["location"]}
    return found


def _named_types(schemas: dict[str, Any], api: Api) -> dict[str, str]:
    """Class name -> schema name, for the types of the spec's `schemas` and their request-side twins (FooParam)."""
    defined = {d.name for m in api.modules for d in m.definitions}
    if not schemas:
        return {name: "" for name in defined}
    found: dict[str, str] = {}
    for name in schemas:
        class_name = naming.class_name(name)
        found[class_name] = name
        twin = next((candidate for candidate in _twins(class_name) if candidate in defined), None)
        if twin is not None:
            found[twin] = name
    return found


def _twins(class_name: str) -> list[str]:
    """The names the IR may give a schema's request-side twin (ir._Builder._param_definition), in its order."""
    return [class_name + "Param", class_name + "RequestParam"] + [f"{class_name}RequestParam{n}" for n in range(2, 9)]


def _walk(resources: tuple[Resource, ...], spec_resources: dict[str, Any],
          parents: JsonPath = ()) -> list[tuple[Resource, JsonPath]]:
    """Each resource with its spec path, in order; the IR keeps the spec's order of resources."""
    found: list[tuple[Resource, JsonPath]] = []
    keys = list(spec_resources)
    for index, resource in enumerate(resources):
        key = keys[index] if index < len(keys) else resource.name
        where = parents + ("resources", key)
        found.append((resource, where))
        children = (spec_resources.get(key) or {}).get("resources") or {}
        found += _walk(resource.children, children, where)
    return found


def _node_at(spec_resources: dict[str, Any], where: JsonPath) -> dict[str, Any]:
    node: Any = {"resources": spec_resources}
    for part in where:
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _method(method: Method, where: JsonPath, locate: Locator) -> dict[str, Any]:
    plain = dataclasses.replace(method, shadowed=(), pagination=None)
    return {
        "location": locate(where),
        "http": f"{method.verb} {method.path}",
        "base_url": method.base_url,
        "security": [list(alternative) for alternative in method.security] if method.security is not None else None,
        "summary": method.summary,
        "description": method.description,
        "deprecated": method.deprecated,
        "returns": str(plain.return_annotation(False)),
        "response_format": method.response_format,
        "pagination": _plain(method.pagination) if method.pagination else None,
        "request_format": method.request_format,
        "body_values": {wire: value for wire, value in method.body_values},
        "params": [_param(p, p in method.positional, where, locate) for p in method.declared],
        "location_response": locate(where + ("response",)),
    }


def _param(param: Param, positional: bool, where: JsonPath, locate: Locator) -> dict[str, Any]:
    return {"name": param.name, "wire_name": param.wire_name, "in": param.location, "required": param.required,
            "positional": positional, "root": param.root, "type": str(param.type.annotation),
            "description": param.description, "location": locate(where + ("params", param.wire_name))}


def _plain(value: Any) -> Any:
    """A dataclass of the IR as JSON: type references as their annotations."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "annotation") and hasattr(value, "imports"):  # a TypeRef
            return str(value.annotation)
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _type(definition: AliasDef | ModelDef | TypedDictDef, named: bool, where: JsonPath,
          locate: Locator) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": definition.kind, "named": named, "description": definition.description,
                             "location": locate(where) if where else ""}
    if isinstance(definition, AliasDef):
        entry.update(side="alias", type=str(definition.type.annotation))
        return entry
    entry["side"] = "request" if isinstance(definition, TypedDictDef) else "response"
    if isinstance(definition, ModelDef) and definition.base != "BaseModel":
        entry["base"] = definition.base
    properties = where + ("properties",) if where else ()
    entry["fields"] = [{"name": f.name, "wire_name": f.wire_name, "type": str(f.type.annotation),
                        "required": f.required, "nullable": f.type.nullable, "description": f.description,
                        "location": locate(properties + (f.wire_name,)) if properties else ""}
                       for f in definition.fields]
    return entry


def _api(api: Api, locate: Locator) -> dict[str, Any]:
    return {
        "name": api.name,
        "description": api.description,
        "package": api.package,
        "client": api.client_class,
        "base_url": api.base_url,
        "environments": dict(api.environments),
        "auth": {"type": api.auth.type, "header": api.auth.header} if api.auth else None,
        "env": {**{c.name: c.env for c in api.credentials}, "base_url": api.base_url_env},
        "schemes": {s.name: {"kind": s.kind, "in": s.location, "wire_name": s.wire_name,
                             "credentials": list(s.credentials)} for s in api.schemes},
        "security": [list(alternative) for alternative in api.security],
        "server_variables": {v.name: {"default": v.default, "enum": list(v.enum)} for v in api.server_variables},
        "location": locate(("api",)),
        "location_base_url": locate(("api", "base_url") if api.environments == () else ("api", "environments")),
        "location_auth": locate(("api", "auth") if api.auth else ("api", "security_schemes")),
    }


def build_ir(doc: Document) -> Api:
    """The IR of a valid spec as `ir.build` makes it, without what only the docs and the README print (examples,
    the reference docs' fields) and without the modules' import lines: a third less work, the same surface
    (tests/test_diff.py checks that it is)."""
    return _Lean(doc).api()


class _Lean(_IRBuilder):
    def _example(self, schema: dict[str, Any], name: str, depth: int = 0, full: bool = False,
                 path: frozenset[str] = frozenset()) -> Any:
        return None

    def _response_example(self, schema: dict[str, Any], data_wire: str) -> dict[str, Any]:
        return {}

    def _doc_field(self, name: str, type_ref: TypeRef, description: str, depth: int = 1,
                   expanded: set[str] | None = None) -> DocField:
        return DocField(name, "", "", (), ())

    def _type_doc(self, definition: Definition) -> DocField:
        return DocField(definition.name, "", "", (), ())

    def _module(self, name: str, definitions: list[Definition]) -> Module:
        return Module(name, tuple(definitions), ())


def load_side(arg: str) -> dict[str, Any]:
    """One side of `clientgen diff`: a spec file, an OpenAPI document (it has an `openapi` key; imported in memory,
    nothing written) or `git:REF:path` (read from git, the work tree untouched). Raises SideError."""
    from .sides import load_side as load

    return load(arg)
