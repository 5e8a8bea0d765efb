"""`clientgen import-openapi`: an OpenAPI 3.0/3.1 document (YAML or JSON) -> a clientgen spec (readable YAML).

What maps to what:

- `info` -> `api` (name, description); package, client and CLI names from the title; `servers[0]` -> `base_url`;
  the security scheme in use -> `auth` (HTTP bearer, OAuth2/OpenID tokens as bearer, API key in a header).
- `components/schemas` -> `schemas` (`#/components/schemas/X` -> `#/schemas/X`); both nullable styles
  (`nullable: true`, `type: [x, "null"]`, a `{type: "null"}` member of `oneOf`/`anyOf`, `null` in an `enum`) ->
  `nullable: true`; `const` -> a one-value `enum`; single-member `oneOf`/`anyOf`/`allOf` are unwrapped.
- Success responses written as `allOf: [{$ref: Envelope}, {properties: {data: ...}}]` -> the spec's `envelope`
  (the schema most responses are wrapped in) and each method's `response` (the typed `data`); an operation whose
  success responses have no body at all -> a method without `response` (it returns None).
- Operations -> methods: `/v1/...` -> resource `v1`, the first tag -> a resource under it (`Instrument Data` ->
  `instrument_data`), `operationId` -> the method name; path- and operation-level parameters -> `params` (a query
  array of `style: form, explode: false` -> `array_format: comma`); a JSON object request body -> one `in: body`
  parameter per property, any other body -> a `root` body parameter `body`.
- An overrides file (`--config`) renames types, methods, resources and path/body parameters, moves methods into
  (sub-)resources and marks pagination ([OVERRIDES] below).

Anything that cannot be expressed is a warning that names its JSON pointer in the OpenAPI document; nothing is
dropped without one. Documentation-only keys (`externalDocs`, `xml`, `$comment`, response `examples`, `info.contact`,
...) are not carried over and not reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml

from . import naming
from .diagnostics import Diagnostic, SpecError, did_you_mean
from .load import Document, JsonPath, lazy_positions, load, load_json, positions
from .validate import RUNTIME_NAMES

T = TypeVar("T")
COMPONENT_SCHEMAS = "#/components/schemas/"
VERBS = ("get", "put", "post", "delete", "patch")
VERSION = re.compile(r"^v[0-9]+([.][0-9]+)?((alpha|beta)[0-9]*)?$")
# Keys that only document and do not change a client: not carried over, not reported.
DOC_ONLY = frozenset({"externalDocs", "xml", "$comment", "examples", "contact", "license", "termsOfService",
                      "summary", "$schema", "$id", "$anchor", "contentMediaType"})
REF_SIBLINGS = ("description", "nullable", "example", "default", "title", "deprecated")
SCHEMA_ORDER = ("$ref", "type", "format", "title", "nullable", "description", "enum", "required", "properties",
                "additionalProperties", "items", "oneOf", "anyOf", "allOf", "discriminator", "minimum", "maximum",
                "minLength", "maxLength", "minItems", "maxItems", "pattern", "default", "deprecated", "example")
COPIED = ("format", "title", "description", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
          "pattern", "default", "deprecated", "example")
KEYWORD_TYPES: dict[str, type | tuple[type, ...]] = {
    "format": str, "title": str, "description": str, "pattern": str, "deprecated": bool, "minimum": (int, float),
    "maximum": (int, float), "minLength": int, "maxLength": int, "minItems": int, "maxItems": int,
}
HANDLED = frozenset(SCHEMA_ORDER) | {"const", "examples", "discriminator"}
SCALAR_TYPES = ("string", "integer", "number", "boolean")
ROOT_KEYS = frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "jsonSchemaDialect"})
# [OVERRIDES] The keys of an overrides file.
CONFIG_KEYS = {
    "": ("api", "envelope", "types", "resources", "methods"),
    "envelope": ("schema", "data"),
    "method": ("name", "resource", "params", "pagination", "summary", "description"),
}


@dataclass
class ImportResult:
    spec: dict[str, Any]
    warnings: list[Diagnostic] = field(default_factory=list)
    operations: int = 0


def import_openapi(path: str | Path, config: str | Path | None = None) -> ImportResult:
    """Read an OpenAPI document (and an overrides file); raise SpecError when either cannot be read."""
    doc = _read(Path(path))
    overrides = _read_config(Path(config)) if config else None
    return _Importer(doc, overrides).run()


# --- reading -----------------------------------------------------------------------------------------------------


def _read(path: Path) -> Document:
    """JSON, or YAML 1.2 (dates and `on`/`no` stay strings) with positions."""
    return load_json(path) or load(path)


def _read_config(path: Path) -> Document:
    doc = load(path)
    errors = list(_config_errors(doc))
    if errors:
        raise SpecError(errors)
    return doc


def _config_errors(doc: Document) -> Iterator[Diagnostic]:
    data = doc.data
    if not isinstance(data, dict):
        yield doc.error((), "wrong-type", "an overrides file is a mapping (api, envelope, types, resources, methods)")
        return
    yield from _unknown_keys(doc, (), data, CONFIG_KEYS[""])
    for key in ("api", "envelope", "types", "resources", "methods"):
        if key in data and not isinstance(data[key], dict):
            yield doc.error((key,), "wrong-type", f"'{key}' must be a mapping")
    if isinstance(data.get("envelope"), dict):
        yield from _unknown_keys(doc, ("envelope",), data["envelope"], CONFIG_KEYS["envelope"])
    for name, method in (data.get("methods") or {}).items() if isinstance(data.get("methods"), dict) else ():
        if not isinstance(method, dict):
            yield doc.error(("methods", name), "wrong-type", f"method override '{name}' must be a mapping")
            continue
        yield from _unknown_keys(doc, ("methods", name), method, CONFIG_KEYS["method"])
        if not isinstance(method.get("params", {}), dict):
            yield doc.error(("methods", name, "params"), "wrong-type", "'params' maps old names to new names")


def _unknown_keys(doc: Document, path: JsonPath, data: dict[str, Any], known: tuple[str, ...]) -> Iterator[Diagnostic]:
    for key in data:
        if key not in known:
            yield doc.error(path + (key,), "unknown-key", f"unknown key '{key}'{did_you_mean(key, known)}", key=True)


def pointer(path: JsonPath) -> str:
    """RFC 6901 JSON pointer, as a URI fragment: ('paths', '/v1/x', 'get') -> '#/paths/~1v1~1x/get'."""
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# --- the importer ------------------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, doc: Document, overrides: Document | None) -> None:
        self.doc = doc
        self.root: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.config: dict[str, Any] = overrides.data if overrides else {}
        self.config_doc = overrides
        self.warnings: list[Diagnostic] = []
        self.used_config: set[tuple[str, str]] = set()
        self.tag_texts = {str(t.get("name")): str(t["description"]).strip() for t in _list(self.root.get("tags"))
                          if isinstance(t, dict) and t.get("description")}
        self.components: dict[str, Any] = self._mapping(self.root.get("components"))
        self.source_schemas: dict[str, Any] = self._mapping(self.components.get("schemas"))
        self.names = self._schema_names()
        self.envelope_name, self.data_field = self._find_envelope()
        self.wrappers = self._wrapper_schemas()

    def warn(self, path: JsonPath, message: str, code: str = "unsupported") -> None:
        line, column = self.doc.position(path, key=bool(path) and isinstance(path[-1], str))
        self.warnings.append(Diagnostic(self.doc.file, line, column, f"{pointer(path)}: {message}", code, "warning"))

    def config_warn(self, path: JsonPath, message: str) -> None:
        assert self.config_doc is not None
        line, column = self.config_doc.position(path, key=True)
        self.warnings.append(Diagnostic(self.config_doc.file, line, column, message, "unused-override", "warning"))

    def _guard(self, path: JsonPath, what: str, action: Callable[[], T], fallback: T) -> T:
        """Run one unit of the import (a schema, an operation); a malformed part is skipped with a warning."""
        try:
            return action()
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
            self.warn(path, f"{what} is malformed and was skipped ({type(exc).__name__}: {exc})", "malformed")
            return fallback

    @staticmethod
    def _mapping(value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    def run(self) -> ImportResult:
        version = str(self.root.get("openapi", ""))
        if not re.match(r"^3\.[01](\.|$)", version):
            self.warn(("openapi",), f"OpenAPI version '{version}' is not 3.0 or 3.1; importing as if it were 3.1",
                      "openapi-version")
        for key in self.root:
            if key not in ROOT_KEYS and key not in DOC_ONLY and self.root[key]:
                self.warn((key,), f"'{key}' cannot be expressed; dropped")
        api = self._api()
        schemas = self._schemas()
        envelope = self._envelope()
        resources, count = self._resources()
        if not count:
            self.warn(("paths",), "the document has no operations (GET, PUT, POST, DELETE, PATCH)", "no-operations")
        self._unused_config()
        spec: dict[str, Any] = {"clientgen": 1, "api": api, "envelope": envelope}
        if schemas:
            spec["schemas"] = schemas
        spec["resources"] = resources
        return ImportResult(spec, sorted(set(self.warnings)), count)

    # api ---------------------------------------------------------------------------------------------------------

    def _api(self) -> dict[str, Any]:
        info = self._mapping(self.root.get("info"))
        given = self._mapping(self.config.get("api"))
        title = str(info.get("title") or "API").strip()
        if re.search(r"\S\s+API$", title):  # templates say "{name} API"
            title = title[:-3].rstrip()
        words = naming.words(title)
        stem = "_".join(words) or "api"
        stem = stem if stem[0].isalpha() else "api_" + stem
        api: dict[str, Any] = {"name": title}
        if info.get("description"):
            api["description"] = str(info["description"]).strip()
        base_url = self._guard(("servers",), "'servers'", self._base_url, "http://localhost")
        auth = self._guard(("components", "securitySchemes"), "the security schemes", self._auth, {"type": "bearer"})
        api.update(package=stem, client=naming.pascal(stem), cli=stem.replace("_", "-"), base_url=base_url, auth=auth)
        for key, value in given.items():
            api[key] = {**api.get("auth", {}), **value} if key == "auth" and isinstance(value, dict) else value
        return api

    def _base_url(self) -> str:
        servers = self.root.get("servers")
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            self.warn(("servers",) if "servers" in self.root else (), "no servers; base_url is http://localhost",
                      "no-server")
            return "http://localhost"
        server = servers[0]
        url = str(server.get("url", ""))
        for name, variable in self._mapping(server.get("variables")).items():
            url = url.replace("{" + name + "}", str(self._mapping(variable).get("default", "")))
        if not re.match(r"^https?://\S+$", url):
            self.warn(("servers", 0, "url"), f"server URL '{url}' is not an absolute http(s) URL; base_url is "
                      f"http://localhost{url if url.startswith('/') else ''}", "no-server")
            url = "http://localhost" + (url if url.startswith("/") else "")
        return url.rstrip("/") or url

    def _auth(self) -> dict[str, Any]:
        schemes = self._mapping(self.components.get("securitySchemes"))
        used = [name for requirement in _list(self.root.get("security")) if isinstance(requirement, dict)
                for name in requirement]
        for name in used + [n for n in schemes if n not in used]:
            auth = self._scheme(name, schemes.get(name))
            if auth is not None:
                for other in used:
                    if other != name:
                        self.warn(("security",), f"security scheme '{other}' is not used: the SDK sends one key "
                                  f"('{name}')")
                return auth
        if schemes or used:
            self.warn(("components", "securitySchemes"), "no supported security scheme (HTTP bearer, OAuth2/OpenID "
                      "token, API key in a header); auth is bearer")
        else:
            self.warn((), "the document declares no security scheme; auth is bearer", "no-auth")
        return {"type": "bearer"}

    def _scheme(self, name: str, scheme: Any) -> dict[str, Any] | None:
        scheme = self._deref(scheme, ("components", "securitySchemes", name))[0]
        scheme = self._mapping(scheme)
        kind = scheme.get("type")
        where = ("components", "securitySchemes", name)
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return {"type": "bearer"}
        if kind in ("oauth2", "openIdConnect"):
            self.warn(where, f"{kind}: the SDK sends an access token as a bearer key but does not obtain one")
            return {"type": "bearer"}
        if kind == "apiKey" and scheme.get("in") == "header" and re.fullmatch(r"[A-Za-z0-9-]+",
                                                                              str(scheme.get("name"))):
            header = str(scheme["name"])
            return {"type": "header", "header": header} if header != "Authorization" else {"type": "header"}
        if scheme:
            self.warn(where, f"security scheme '{name}' ({kind} {scheme.get('scheme') or scheme.get('in') or ''})"
                      " cannot be expressed; only bearer tokens and API keys in a header".replace(" )", ")"))
        return None

    # schemas -----------------------------------------------------------------------------------------------------

    def _schema_names(self) -> dict[str, str]:
        """OpenAPI schema name -> spec schema name: renamed by the overrides, unique as Python class names."""
        renames = self._mapping(self.config.get("types"))
        names: dict[str, str] = {}
        taken = set(RUNTIME_NAMES) | {str(self._mapping(self.config.get("api")).get("client", ""))}
        for name in self.source_schemas:
            wanted = str(renames.get(name, name))
            candidate, number = wanted, 2
            while not naming.class_name(candidate) or naming.class_name(candidate) in taken:
                candidate, number = f"{wanted}{number}", number + 1
            if candidate != wanted:
                self.warn(("components", "schemas", name), f"schema '{wanted}' would clash with another Python name; "
                          f"renamed to '{candidate}' (rename it in the overrides file under 'types')", "renamed")
            taken.add(naming.class_name(candidate))
            names[name] = candidate
        for name in renames:
            if name not in self.source_schemas:
                self.config_warn(("types", name), f"type '{name}' is not a schema of the document"
                                 f"{did_you_mean(name, self.source_schemas)}")
        return names

    def _schemas(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, schema in self.source_schemas.items():
            if name == self.envelope_name or name in self.wrappers:
                continue
            path = ("components", "schemas", name)
            out[self.names[name]] = self._guard(path, "this schema", partial(self.schema, schema, path), _any())
        return out

    def _deref(self, node: Any, path: JsonPath) -> tuple[Any, JsonPath]:
        """Follow `$ref`s to components other than schemas (parameters, requestBodies, responses, ...)."""
        for _ in range(32):
            if not isinstance(node, dict) or "$ref" not in node:
                return node, path
            ref = str(node["$ref"])
            target = self._lookup(ref)
            if target is None:
                self.warn(path + ("$ref",), f"cannot resolve '{ref}' (only local references, '#/...')",
                          "unresolved-ref")
                return {}, path
            node, path = target, tuple(_unpointer(ref))
        return node, path

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for part in _unpointer(ref):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def schema(self, node: Any, path: JsonPath) -> dict[str, Any]:
        """One OpenAPI Schema Object -> our schema (a new dict, keys in a fixed order)."""
        if node is True or node == {}:
            return {}
        if not isinstance(node, dict):
            self.warn(path, "a schema must be a mapping; read as 'any value'", "bad-schema")
            return {}
        if "$ref" in node:
            return self._ref_schema(node, path)
        self._unknown_schema_keys(node, path)
        out = self._copied(node, path)
        if "example" not in out and isinstance(node.get("examples"), list) and node["examples"]:
            out["example"] = node["examples"][0]
        nullable = self._types(node, path, out) | (node.get("nullable") is True)
        nullable |= self._enum(node, path, out)
        self._object(node, path, out)
        if "items" in node:
            out["items"] = self.schema(node["items"], path + ("items",))
        nullable |= self._variants(node, path, out)
        if "allOf" in node:
            out = self._all_of(node, path, out)
        if "discriminator" in node and "$ref" not in out:
            self._discriminator(node, path, out)
        if nullable:
            out["nullable"] = True
        return _ordered(out)

    def _copied(self, node: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        """The keywords that carry over as they are, when their values have the right type."""
        out: dict[str, Any] = {}
        for key in COPIED:
            if key not in node:
                continue
            value = node[key]
            expected = KEYWORD_TYPES.get(key, object)
            if isinstance(value, expected) and not (expected in (int, (int, float)) and isinstance(value, bool)):
                out[key] = value
            else:
                self.warn(path + (key,), f"'{key}' has a value of the wrong type; dropped", "bad-schema")
        return out

    def _ref_schema(self, node: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        ref = str(node["$ref"])
        name = _schema_name(ref)
        if name not in self.source_schemas:
            target, target_path = self._deref(node, path)
            return self.schema(target, target_path) if target else {}
        extra = [k for k in node if k not in REF_SIBLINGS and k != "$ref" and k not in DOC_ONLY
                 and not (k == "type" and node[k] == "object")]
        if extra:
            self.warn(path, f"{', '.join(extra)} beside $ref cannot be expressed; the referenced schema is used as "
                      "is", "ref-siblings")
        if name == self.envelope_name or name in self.wrappers:
            self.warn(path, f"a reference to the envelope '{name}' outside a response; its fields are copied here")
            return self.schema({k: v for k, v in self.source_schemas[name].items()}, ("components", "schemas", name))
        out = {"$ref": "#/schemas/" + self.names[name]}
        out.update((k, node[k]) for k in REF_SIBLINGS if k in node)
        return out

    def _unknown_schema_keys(self, node: dict[str, Any], path: JsonPath) -> None:
        for key in node:
            if key in HANDLED or key in DOC_ONLY or key == "nullable":
                continue
            what = "is not enforced by the SDK" if key in ("readOnly", "writeOnly") else "cannot be expressed"
            self.warn(path + (key,), f"'{key}' {what}; dropped")

    def _types(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> bool:
        """`type`, possibly a list with "null" (3.1); returns whether null is allowed."""
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind] if kind is not None else []
        nullable = "null" in kinds
        kinds = [k for k in kinds if k != "null"]
        if "const" in node:
            out["enum"] = [node["const"]]
            if node["const"] is None:
                return True
        if len(kinds) == 1 and kinds[0] in SCALAR_TYPES + ("object", "array"):
            out["type"] = kinds[0]
        elif len(kinds) > 1:
            out["anyOf"] = [{"type": k} for k in kinds if k in SCALAR_TYPES + ("object", "array")]
        elif kinds:
            self.warn(path + ("type",), f"unknown type '{kinds[0]}'; read as 'any value'", "bad-schema")
        if "type" not in out and isinstance(out.get("enum"), list) and not kinds:
            out["type"] = _type_of(out["enum"][0])
        return nullable

    def _enum(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> bool:
        values = node.get("enum")
        if not isinstance(values, list):
            return False
        kept = [v for v in values if v is not None and not isinstance(v, (dict, list))]
        if len(kept) < len([v for v in values if v is not None]):
            self.warn(path + ("enum",), "enum values that are objects or lists cannot be expressed; dropped")
        if kept:
            out["enum"] = list(dict.fromkeys(kept))
            allowed = {out.get("type"), "integer"} if out.get("type") == "number" else {out.get("type")}
            if out.get("type") in SCALAR_TYPES and any(_type_of(v) not in allowed for v in kept):
                self.warn(path + ("enum",), f"enum values do not all match type '{out['type']}'; type dropped")
                del out["type"]
        return None in values

    def _object(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> None:
        properties = node.get("properties")
        if isinstance(properties, dict):
            out["properties"] = {name: self.schema(prop, path + ("properties", name))
                                 for name, prop in properties.items()}
        required = [r for r in _list(node.get("required")) if isinstance(r, str)]
        if required:
            out["required"] = list(dict.fromkeys(required))
        extra = node.get("additionalProperties")
        if isinstance(extra, bool):
            out["additionalProperties"] = extra
        elif isinstance(extra, dict):
            out["additionalProperties"] = self.schema(extra, path + ("additionalProperties",))
        if required and not _list(node.get("allOf")):
            declared = out.get("properties") or {}
            missing = [r for r in out["required"] if r not in declared]
            if missing:
                self.warn(path + ("required",), f"required {', '.join(missing)} not declared in 'properties'; "
                          "dropped from 'required'", "unknown-required")
                out["required"] = [r for r in out["required"] if r in declared]
                if not out["required"]:
                    del out["required"]

    def _variants(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> bool:
        """oneOf/anyOf: null members become nullable; one remaining member is merged into this schema."""
        nullable = False
        for key in ("oneOf", "anyOf"):
            members = node.get(key)
            if not isinstance(members, list):
                continue
            flat = list(self._flat_members(members, path + (key,), key))
            nullable |= any(_is_null(m) for m, _ in flat)
            kept = [self.schema(m, p) for m, p in flat if not _is_null(m)]
            if len(kept) == 1:
                self._merge_into(out, kept[0], path)
            elif kept:
                out[key] = kept
        return nullable

    def _flat_members(self, members: list[Any], path: JsonPath, key: str) -> Iterator[tuple[Any, JsonPath]]:
        for index, member in enumerate(members):
            nested = member.get(key) if isinstance(member, dict) else None
            others = set(member) - {key, "description", "title"} if isinstance(member, dict) else set()
            if isinstance(nested, list) and not others:
                yield from self._flat_members(nested, path + (index, key), key)
            else:
                yield member, path + (index,)

    def _merge_into(self, out: dict[str, Any], member: dict[str, Any], path: JsonPath) -> None:
        """A single variant: a reference keeps this schema's description; an inline schema gains its keys."""
        if "$ref" not in member:
            for key, value in member.items():
                out.setdefault(key, value)
            return
        structural = [k for k in out if k not in REF_SIBLINGS]
        if structural:
            self.warn(path, f"{', '.join(structural)} beside a single oneOf/anyOf reference cannot be expressed; "
                      "the reference is used")
        siblings = {k: v for k, v in out.items() if k in REF_SIBLINGS}
        out.clear()
        out.update({**member, **siblings})

    def _all_of(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> dict[str, Any]:
        members = [self.schema(m, path + ("allOf", i)) for i, m in enumerate(_list(node["allOf"]))]
        if not members:
            return out
        own = {k: v for k, v in out.items() if k not in ("type",)}
        if len(members) == 1 and "$ref" in members[0] and set(own) <= set(REF_SIBLINGS):
            return {**members[0], **own}
        if len(members) == 1 and "$ref" not in members[0] and not (set(own) & set(members[0]) - set(REF_SIBLINGS)):
            return {**members[0], **own}
        out["allOf"] = members
        out.setdefault("type", "object")
        self._allof_required(out, path)
        return out

    def _allof_required(self, out: dict[str, Any], path: JsonPath) -> None:
        """`required` beside allOf may name properties of the members: copy their schemas here (the same type)."""
        declared = out.get("properties") or {}
        for name in [r for r in out.get("required") or [] if r not in declared]:
            found = self._member_property(out["allOf"], name)
            if found is None:
                self.warn(path + ("required",), f"required '{name}' is declared by no member; dropped",
                          "unknown-required")
                out["required"].remove(name)
            else:
                out.setdefault("properties", {})[name] = found
        if "required" in out and not out["required"]:
            del out["required"]

    def _member_property(self, members: list[dict[str, Any]], name: str, depth: int = 0) -> Any:
        for member in reversed(members):
            if "$ref" in member and depth < 20:
                source = next((k for k, v in self.names.items() if "#/schemas/" + v == member["$ref"]), None)
                member = self.schema(self.source_schemas[source], ("components", "schemas", source)) if source else {}
            if name in (member.get("properties") or {}):
                return member["properties"][name]
            found = self._member_property(member.get("allOf") or [], name, depth + 1)
            if found is not None:
                return found
        return None

    def _discriminator(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> None:
        given = self._mapping(node["discriminator"])
        if "propertyName" in given:
            out["discriminator"] = {"propertyName": str(given["propertyName"])}
        members = {m.get("$ref") for m in out.get("oneOf") or out.get("anyOf") or []}
        for value, target in self._mapping(given.get("mapping")).items():
            ref = str(target)
            spec_ref = "#/schemas/" + self.names.get(_schema_name(ref) or "", "") if "/" in ref else ""
            if spec_ref not in members and "#/schemas/" + self.names.get(ref, "") not in members:
                self.warn(path + ("discriminator", "mapping", value),
                          f"discriminator mapping '{value}' -> '{ref}' names no member of oneOf/anyOf; dropped")

    # envelope ----------------------------------------------------------------------------------------------------

    def _find_envelope(self) -> tuple[str | None, str]:
        given = self._mapping(self.config.get("envelope"))
        counts: dict[tuple[str, str], int] = {}
        for _, _, operation in self._operations():
            none: list[tuple[str, str, Any] | None] = []
            for found in self._guard((), "a response", partial(self._wrapped_responses, operation), none):
                if found:
                    counts[found[:2]] = counts.get(found[:2], 0) + 1
        if "schema" in given:
            data = str(given.get("data") or next((d for (e, d) in counts if e == given["schema"]), "data"))
            return str(given["schema"]), data
        if not counts:
            return None, str(given.get("data", "data"))
        envelope, data = max(counts, key=lambda k: counts[k])
        return envelope, str(given.get("data", data))

    def _wrapped_responses(self, operation: dict[str, Any]) -> list[tuple[str, str, Any] | None]:
        return [self._wrapped(schema) for schema in self._success_schemas(operation)]

    def _wrapped(self, schema: Any, depth: int = 0) -> tuple[str, str, Any] | None:
        """(envelope schema, data field, data schema) for `allOf: [{$ref: E}, {properties: {data: ...}}]`."""
        if not isinstance(schema, dict) or depth > 8:
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMAS):
            return self._wrapped(self.source_schemas.get(_schema_name(ref) or ""), depth + 1)
        members = schema.get("allOf")
        if not isinstance(members, list) or len(members) != 2:
            return None
        refs = [m for m in members if isinstance(m, dict) and str(m.get("$ref", "")).startswith(COMPONENT_SCHEMAS)]
        rest = [m for m in members if m not in refs and isinstance(m, dict)]
        if len(refs) != 1 or len(rest) != 1 or len(self._mapping(rest[0].get("properties"))) != 1:
            return None
        data, data_schema = next(iter(rest[0]["properties"].items()))
        return _schema_name(str(refs[0]["$ref"])) or "", data, data_schema

    def _wrapper_schemas(self) -> set[str]:
        """Schemas that only wrap data in the envelope (allOf: [Envelope, {data}]): method responses, not types."""
        wrappers = set()
        for name, schema in self.source_schemas.items():
            found = self._wrapped(schema) if isinstance(schema, dict) and "allOf" in schema else None
            if found and found[0] == self.envelope_name:
                wrappers.add(name)
        return wrappers

    def _envelope(self) -> dict[str, Any]:
        name = self.envelope_name
        if name is None:
            self.warn(("paths",), "no response is wrapped in an envelope (allOf: [{$ref: Envelope}, {properties: "
                      "{data: ...}}]); the SDK expects every body as {data: ...}", "no-envelope")
            return {"name": "Response", "data": self.data_field, "properties": {}}
        if name not in self.source_schemas:
            self.warn(("components", "schemas"), f"envelope schema '{name}' does not exist", "no-envelope")
            return {"name": "Response", "data": self.data_field, "properties": {}}
        path = ("components", "schemas", name)
        converted = self._guard(path, "the envelope", partial(self.schema, self.source_schemas[name], path), _any())
        properties = dict(converted.get("properties") or {})
        properties.pop(self.data_field, None)
        envelope: dict[str, Any] = {"name": self.names[name]}
        if converted.get("description"):
            envelope["description"] = converted["description"]
        envelope["data"] = self.data_field
        required = [r for r in converted.get("required") or [] if r in properties]
        if required:
            envelope["required"] = required
        envelope["properties"] = properties
        for key in converted:
            if key not in ("type", "description", "properties", "required", "example", "title"):
                self.warn(path + (key,), f"'{key}' on the envelope cannot be expressed; dropped")
        return envelope

    # operations --------------------------------------------------------------------------------------------------

    def _operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for route, item in self._mapping(self.root.get("paths")).items():
            item = self._deref(item, ("paths", route))[0]
            for verb, operation in self._mapping(item).items():
                if verb in VERBS and isinstance(operation, dict):
                    yield route, verb, operation

    def _success_schemas(self, operation: dict[str, Any]) -> Iterator[Any]:
        for code, response in self._mapping(operation.get("responses")).items():
            if str(code).startswith("2"):
                response = self._deref(response, ())[0]
                media = self._json_media(self._mapping(self._mapping(response).get("content")))
                if media is not None:
                    yield self._mapping(media[1]).get("schema")

    @staticmethod
    def _json_media(content: dict[str, Any]) -> tuple[str, Any] | None:
        for media_type, media in content.items():
            base = str(media_type).split(";")[0].strip().lower()
            if base == "application/json" or base.endswith("+json") or base == "*/*":
                return str(media_type), media
        return None

    def _resources(self) -> tuple[dict[str, Any], int]:
        tree: dict[str, Any] = {}
        count = 0
        for route, item in self._mapping(self.root.get("paths")).items():
            item, item_path = self._deref(item, ("paths", route))
            for verb, operation in self._mapping(item).items():
                where = item_path + (verb,)
                if verb in VERBS and isinstance(operation, dict):
                    add = partial(self._add_method, tree, route, verb, operation, self._mapping(item), where)
                    count += self._guard(where, "this operation", add, 0)
                elif verb in ("head", "options", "trace"):
                    self.warn(where, f"{verb.upper()} operations cannot be expressed; skipped")
                elif verb == "servers":
                    self.warn(where, "path-level servers cannot be expressed; the API's base_url is used")
                elif verb not in ("parameters", "description", "summary", "$ref"):
                    self.warn(where, f"'{verb}' cannot be expressed; dropped")
        return self._describe(tree), count

    def _add_method(self, tree: dict[str, Any], route: str, verb: str, operation: dict[str, Any],
                    item: dict[str, Any], path: JsonPath) -> int:
        operation_id = str(operation.get("operationId") or "")
        override = self._method_override(operation_id or f"{verb.upper()} {route}")
        trail = self._trail(route, operation, override)
        name = str(override.get("name") or naming.snake(operation_id) or _derived_name(verb, route))
        resource = self._resource_at(tree, trail)
        tags = operation.get("tags")
        if not override.get("resource") and isinstance(tags, list) and tags and str(tags[0]) in self.tag_texts:
            resource.setdefault("description", self.tag_texts[str(tags[0])])
        methods = resource.setdefault("methods", {})
        if name in methods or name in (resource.get("resources") or {}):
            unique = next(f"{name}_{n}" for n in range(2, 1000) if f"{name}_{n}" not in methods)
            self.warn(path, f"method name '{name}' is taken in '{'.'.join(trail)}'; named '{unique}'",
                      "renamed")
            name = unique
        methods[name] = self._method(route, verb, operation, item, path, override)
        return 1

    def _method_override(self, key: str) -> dict[str, Any]:
        methods = self._mapping(self.config.get("methods"))
        if key in methods:
            self.used_config.add(("methods", key))
            return {**self._mapping(methods[key]), "_key": key}
        return {}

    def _trail(self, route: str, operation: dict[str, Any], override: dict[str, Any]) -> list[str]:
        if override.get("resource"):
            return [part for part in str(override["resource"]).split(".") if part]
        segments = [s for s in route.split("/") if s]
        trail = [segments.pop(0)] if segments and VERSION.match(segments[0]) else []
        tags = operation.get("tags")
        if isinstance(tags, list) and tags:
            tag = str(tags[0])
            mapped = self._mapping(self.config.get("resources")).get(tag)
            self.used_config.add(("resources", tag)) if mapped else None
            return trail + (str(mapped).split(".") if mapped else [naming.snake(tag) or "default"])
        literal = [s for s in segments if not s.startswith("{")]
        return trail + [naming.snake(literal[0]) if literal else "root"]

    @staticmethod
    def _resource_at(tree: dict[str, Any], trail: list[str]) -> dict[str, Any]:
        node: dict[str, Any] = {"resources": tree}
        for part in trail:
            node = node.setdefault("resources", {}).setdefault(part, {})
        return node

    def _describe(self, tree: dict[str, Any]) -> dict[str, Any]:
        """Descriptions from the document's tags and version prefixes; keys of each resource in a fixed order."""
        out: dict[str, Any] = {}
        for name, node in tree.items():
            resource: dict[str, Any] = {}
            description = node.get("description") or (f"Version {name[1:]} of the API." if VERSION.match(name) else "")
            if description:
                resource["description"] = description
            if node.get("methods"):
                resource["methods"] = node["methods"]
            if node.get("resources"):
                resource["resources"] = self._describe(node["resources"])
            out[name] = resource
        return out

    def _method(self, route: str, verb: str, operation: dict[str, Any], item: dict[str, Any], path: JsonPath,
                override: dict[str, Any]) -> dict[str, Any]:
        for key, value in operation.items():
            if key in ("callbacks", "servers"):
                self.warn(path + (key,), f"operation '{key}' cannot be expressed; dropped")
            elif key == "security":
                self._operation_security(value, path + (key,))
            elif key not in ("tags", "summary", "description", "operationId", "parameters", "requestBody",
                             "responses", "deprecated") and key not in DOC_ONLY:
                self.warn(path + (key,), f"'{key}' cannot be expressed; dropped")
        renames = {str(k): str(v) for k, v in self._mapping(override.get("params")).items()}
        params = self._params(operation, item, path)
        params.update(self._body(operation, path, params))
        params = self._path_params(params, route, path)
        params, route = self._rename_params(params, renames, route, path, override.get("_key", ""))
        method: dict[str, Any] = {}
        summary = override.get("summary") or operation.get("summary")
        if summary:
            method["summary"] = str(summary).strip()
        method["http"] = f"{verb.upper()} {route}"
        description = override.get("description") or operation.get("description")
        if description:
            method["description"] = str(description).strip()
        if operation.get("deprecated") is True:
            method["deprecated"] = True
        if override.get("pagination") is True or isinstance(override.get("pagination"), dict):
            method["pagination"] = override["pagination"] if isinstance(override["pagination"], dict) else {}
        if params:
            method["params"] = params
        response = self._response(operation, path)
        if response is not None:
            method["response"] = response
        return method

    def _path_params(self, params: dict[str, Any], route: str, path: JsonPath) -> dict[str, Any]:
        """Every {placeholder} has a scalar path parameter, and every path parameter a placeholder."""
        placeholders = re.findall(r"{([^{}]+)}", route)
        for name in placeholders:
            if params.get(name, {}).get("in") != "path":
                self.warn(path, f"path parameter '{name}' is not declared; imported as a string", "path-param")
                params[name] = {"in": "path", "schema": {"type": "string"}}
        for name, param in list(params.items()):
            if param["in"] == "path" and name not in placeholders:
                self.warn(path, f"path parameter '{name}' does not appear in the path; dropped", "path-param")
                del params[name]
            elif param["in"] == "path" and not self._scalar(param["schema"]):
                self.warn(path, f"path parameter '{name}' is not a string, number or boolean; imported as a string",
                          "path-param")
                param["schema"] = {"type": "string"}
        return params

    def _scalar(self, schema: dict[str, Any]) -> bool:
        schema = self._referenced(schema)
        if "allOf" in schema or "properties" in schema:
            return False
        return schema.get("type") in SCALAR_TYPES or ("enum" in schema and "type" not in schema)

    def _is_array(self, schema: dict[str, Any]) -> bool:
        kind = self._referenced(schema).get("type")
        return kind == "array" or (isinstance(kind, list) and "array" in kind)  # 3.1: [array, "null"]

    def _referenced(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` (ours), or the document's schema its chain of `$ref`s ends at; {} where it leads nowhere."""
        for _ in range(20):
            if "$ref" not in schema:
                return schema
            source = next((k for k, v in self.names.items() if "#/schemas/" + v == schema["$ref"]), None)
            schema = self._mapping(self.source_schemas.get(source)) if source else {}
        return {}

    def _operation_security(self, security: Any, path: JsonPath) -> None:
        names = sorted({n for r in _list(security) if isinstance(r, dict) for n in r})
        default = sorted({n for r in _list(self.root.get("security")) if isinstance(r, dict) for n in r})
        if names != default:
            described = ", ".join(names) if names else "none"
            self.warn(path, f"per-operation security ({described}) cannot be expressed; the client's key is sent")

    def _rename_params(self, params: dict[str, Any], renames: dict[str, str], route: str, path: JsonPath,
                       key: str) -> tuple[dict[str, Any], str]:
        """Path and root body parameters can be renamed: neither name goes over the wire."""
        for old, new in renames.items():
            param = params.get(old)
            if param is None or not (param["in"] == "path" or param.get("root")):
                why = "not a parameter of this method" if param is None else \
                    "only path and root body parameters can be renamed (the others are wire names)"
                self.config_warn(("methods", key, "params", old), f"cannot rename parameter '{old}' of "
                                 f"{pointer(path)}: {why}")
                continue
            params = {new if name == old else name: value for name, value in params.items()}
            route = route.replace("{" + old + "}", "{" + new + "}")
        return params, route

    # parameters --------------------------------------------------------------------------------------------------

    def _params(self, operation: dict[str, Any], item: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        found: dict[tuple[str, str], tuple[dict[str, Any], JsonPath]] = {}
        sources = ((item.get("parameters"), path[:-1] + ("parameters",)),
                   (operation.get("parameters"), path + ("parameters",)))
        for listed, listed_path in sources:
            for index, raw in enumerate(_list(listed)):
                param, param_path = self._deref(raw, listed_path + (index,))
                if isinstance(param, dict) and isinstance(param.get("name"), str) and param["name"]:
                    found[(str(param["name"]), str(param.get("in")))] = (param, param_path)
        params: dict[str, Any] = {}
        for (name, where), (param, param_path) in found.items():
            converted = self._param(name, where, param, param_path)
            if converted is not None:
                params[name] = converted
        return params

    def _param(self, name: str, where: str, param: dict[str, Any], path: JsonPath) -> dict[str, Any] | None:
        if where not in ("path", "query", "header"):
            self.warn(path, f"{where} parameter '{name}' cannot be expressed; dropped")
            return None
        if where == "header" and name.lower() in ("authorization", "content-type", "accept"):
            self.warn(path, f"header parameter '{name}' is set by the SDK itself; dropped")
            return None
        schema_node, schema_path = param.get("schema"), path + ("schema",)
        if schema_node is None and isinstance(param.get("content"), dict):
            media_type, media = next(iter(param["content"].items()), ("", {}))
            self.warn(path + ("content",), f"parameter '{name}' serialized as {media_type} is sent as a plain value")
            schema_node, schema_path = self._mapping(media).get("schema"), path + ("content", str(media_type), "schema")
        schema = self.schema(schema_node if schema_node is not None else {}, schema_path)
        array_format = self._array_format(name, where, param, schema, path)
        out: dict[str, Any] = {"in": where}
        if param.get("required") is True and where != "path":
            out["required"] = True
        if array_format:
            out["array_format"] = array_format
        description = param.get("description") or schema.pop("description", None)
        if description:
            out["description"] = str(description).strip()
        example = _first_example(param)
        if example is not _NONE:
            out["example"] = example
        out["schema"] = schema
        return out

    def _array_format(self, name: str, where: str, param: dict[str, Any], schema: dict[str, Any],
                      path: JsonPath) -> str | None:
        """'comma' for a query array of style form that is not exploded (ids=a,b); None for the default, one entry
        per item (ids=a&ids=b). A style the spec format cannot say is a warning."""
        style = param.get("style", "form" if where == "query" else "simple")
        explode = param.get("explode", style == "form")
        for key in ("allowReserved", "allowEmptyValue"):
            if param.get(key):
                self.warn(path + (key,), f"'{key}' cannot be expressed; dropped")
        if (where == "query" and style != "form") or (where != "query" and style != "simple"):
            self.warn(path + ("style",), f"parameter style '{style}' cannot be expressed; sent as style "
                      f"{'form' if where == 'query' else 'simple'}", "param-style")
        elif where == "query" and _is_object(schema):
            self.warn(path, f"object query parameter '{name}' cannot be expressed exactly; sent as its string form",
                      "param-style")
        elif where == "query" and explode is False and self._is_array(schema):
            return "comma"
        return None

    def _body(self, operation: dict[str, Any], path: JsonPath, taken: dict[str, Any]) -> dict[str, Any]:
        if "requestBody" not in operation:
            return {}
        body, body_path = self._deref(operation["requestBody"], path + ("requestBody",))
        content = self._mapping(self._mapping(body).get("content"))
        media = self._json_media(content)
        if media is None:
            kinds = ", ".join(content) or "no content"
            self.warn(body_path, f"request body ({kinds}) is not JSON and cannot be expressed; dropped")
            return {}
        media_type, media_node = media
        for other in content:
            if other != media_type:
                self.warn(body_path + ("content", other), f"request body as {other} cannot be expressed; only JSON "
                          "is sent")
        media_path = body_path + ("content", media_type)
        required = self._mapping(body).get("required") is True
        schema = self.schema(self._mapping(media_node).get("schema", {}), media_path + ("schema",))
        fields = self._body_fields(schema, taken)
        if fields is None:
            param: dict[str, Any] = {"in": "body", "root": True}
            if required:
                param["required"] = True
            description = self._mapping(body).get("description")
            if description:
                param["description"] = str(description).strip()
            example = _first_example(self._mapping(media_node))
            if example is not _NONE:
                param["example"] = example
            param["schema"] = schema
            return {"body": param}
        return {name: self._body_param(prop, name in fields[1] and required) for name, prop in fields[0].items()}

    def _body_fields(self, schema: dict[str, Any], taken: dict[str, Any]) -> tuple[dict[str, Any], set[str]] | None:
        """An object body becomes one parameter per property, unless a name is taken or the body may be null."""
        resolved = schema
        for _ in range(20):
            if "$ref" not in resolved:
                break
            if resolved.get("nullable"):
                return None
            target = resolved["$ref"][len("#/schemas/"):]
            source = next((k for k, v in self.names.items() if v == target), None)
            if source is None:
                return None
            resolved = self.schema(self.source_schemas[source], ("components", "schemas", source))
        if resolved.get("nullable") and schema is not resolved:
            return None
        if set(resolved) & {"oneOf", "anyOf", "allOf"} or "properties" not in resolved:  # extras go in extra_body
            return None
        properties = resolved["properties"]
        if not properties or set(properties) & set(taken) or "body" in taken:
            return None
        return properties, set(resolved.get("required") or [])

    @staticmethod
    def _body_param(prop: dict[str, Any], required: bool) -> dict[str, Any]:
        param: dict[str, Any] = {"in": "body"}
        if required:
            param["required"] = True
        schema = dict(prop)
        description = schema.pop("description", None) if "$ref" not in schema else schema.get("description")
        if description:
            param["description"] = description
        if "example" in schema:
            param["example"] = schema["example"] if "$ref" in schema else schema.pop("example")
        param["schema"] = schema
        return param

    # responses ---------------------------------------------------------------------------------------------------

    def _response(self, operation: dict[str, Any], path: JsonPath) -> dict[str, Any] | None:
        """The method's `response`: the data schema of its JSON success responses; None when no success response
        has a body (the method returns None)."""
        responses = self._mapping(operation.get("responses"))
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        if not codes:
            self.warn(path + ("responses",), "no 2xx response; the method's data is read as 'any value'",
                      "no-response")
            return {}
        successes = []
        for code in codes:
            response, response_path = self._deref(responses[code], path + ("responses", code))
            successes.append((code, self._mapping(self._mapping(response).get("content")), response_path))
        if not any(content for _, content, _ in successes):
            return None
        chosen: dict[str, Any] | None = None
        for code, content, response_path in successes:
            media = self._json_media(content)
            if media is None:
                what = "no body" if not content else f"a {', '.join(content)} body"
                self.warn(response_path, f"a {code} response with {what} cannot be expressed: the SDK expects a "
                          "JSON envelope", "no-response")
                continue
            data = self._data(self._mapping(media[1]).get("schema"), response_path + ("content", media[0], "schema"))
            if chosen is None:
                chosen = data
            elif data != chosen:
                self.warn(response_path, f"the {code} response differs from the {codes[0]} response; the first "
                          "is used", "no-response")
        return chosen if chosen is not None else {}

    def _data(self, schema: Any, path: JsonPath) -> dict[str, Any]:
        found = self._wrapped(schema)
        if found and found[0] == self.envelope_name and found[1] == self.data_field:
            return self.schema(found[2], _data_path(self, schema, path))
        if self.envelope_name:
            self.warn(path, f"the response is not wrapped in the envelope '{self.envelope_name}'; the SDK reads it "
                      f"from the envelope's '{self.data_field}' field", "no-envelope")
        return self.schema(schema, path)

    def _unused_config(self) -> None:
        if self.config_doc is None:
            return
        for section in ("methods", "resources"):
            for key in self._mapping(self.config.get(section)):
                if (section, key) not in self.used_config:
                    known = [str(op.get("operationId")) for _, _, op in self._operations()] if section == "methods" \
                        else [str(t) for _, _, op in self._operations() for t in _list(op.get("tags"))]
                    self.config_warn((section, key), f"{section[:-1]} '{key}' matches nothing in the document"
                                     f"{did_you_mean(key, known)}")


# --- helpers -----------------------------------------------------------------------------------------------------

_NONE = object()


def _first_example(node: dict[str, Any]) -> Any:
    if "example" in node:
        return node["example"]
    examples = node.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    schema = node.get("schema")
    if isinstance(schema, dict) and "example" in schema:
        return schema["example"]
    return _NONE


def _data_path(importer: _Importer, schema: Any, path: JsonPath) -> JsonPath:
    """Where the data schema of a wrapped response sits in the document, for warnings."""
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(COMPONENT_SCHEMAS):
        name = _schema_name(schema["$ref"]) or ""
        schema, path = importer.source_schemas.get(name), ("components", "schemas", name)
    members = schema.get("allOf", []) if isinstance(schema, dict) else []
    for index, member in enumerate(members):
        if isinstance(member, dict) and "properties" in member:
            return path + ("allOf", index, "properties", importer.data_field)
    return path


def _any() -> dict[str, Any]:
    """The schema of any value: what a malformed schema is read as."""
    return {}


def _schema_name(ref: str) -> str | None:
    """'#/components/schemas/A~1B' -> 'A/B' (a JSON pointer); None for any other reference."""
    return _unpointer(ref)[-1] if ref.startswith(COMPONENT_SCHEMAS) and ref.count("/") == 3 else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _unpointer(ref: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")] if ref.startswith("#/") else []


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _ordered(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: schema[key] for key in SCHEMA_ORDER if key in schema}


def _derived_name(verb: str, route: str) -> str:
    """A method name when there is no operationId: GET /v1/orders/{id} -> get_orders_by_id."""
    parts = [verb]
    for segment in (s for s in route.split("/") if s and not VERSION.match(s)):
        parts.append("by_" + naming.snake(segment[1:-1]) if segment.startswith("{") else naming.snake(segment))
    return "_".join(p for p in parts if p)


# --- writing -----------------------------------------------------------------------------------------------------


# libyaml's emitter writes the same bytes four times faster; the pure-Python one where PyYAML lacks it.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):  # type: ignore[misc, valid-type]
    """Block style, keys in the order built; short mappings/lists of scalars in flow style; multi-line text as
    literal block scalars; a string YAML 1.2 would read as another type (1e3, 0o17) is quoted."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("tag:yaml.org,2002:int", r"^(?:0o[0-7]+|0x[0-9a-fA-F]+)$", "0"),
):
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    if "\n" in text.strip("\n") and all(line == line.rstrip() for line in text.splitlines()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


def _is_flat(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and not (isinstance(value, str) and ("\n" in value or len(value) > 60))


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and len(data) <= 4 and all(_is_flat(v) for v in data.values()) and \
        len(json.dumps(data, ensure_ascii=False)) <= 70
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(_is_flat(v) for v in data) and len(json.dumps(data, ensure_ascii=False)) <= 100
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


class _Block(dict):  # type: ignore[type-arg]
    """A mapping always written in block style (the top level)."""


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Block, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), False))
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def dump(spec: dict[str, Any], source: str) -> str:
    """The spec as YAML a person would keep in git: top-level sections separated by blank lines."""
    header = (f"# Imported from {source} by `clientgen import-openapi`.\n"
              "# Re-import rather than edit by hand: put renames and moves in an overrides file (--config).\n")
    sections = []
    for key, value in spec.items():
        text = yaml.dump(_Block({key: value}), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000,
                         indent=2)
        sections.append(text)
    return header + "\n".join(sections)


def write_spec(result: ImportResult, source: Path, output: Path) -> list[Diagnostic]:
    """Write the spec atomically and check it as `clientgen validate` would; returns the problems found in it."""
    import os
    import tempfile

    from .ir import build
    from .validate import validate

    text = dump(result.spec, source.name)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, output)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as exc:
        raise SpecError([Diagnostic(str(output), 1, 1, f"cannot write the spec: {exc.strerror or exc}", "io")]) from None
    # Checked as written, without reading it back (the dump round-trips); positions come from the file if needed.
    values, keys = lazy_positions(lambda: positions(output))
    doc = Document(str(output), result.spec, hashlib.sha256(text.encode()).hexdigest(), values, keys)
    try:
        validate(doc)
        build(doc)
    except SpecError as error:
        return list(error.diagnostics)
    return []
