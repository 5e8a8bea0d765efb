"""Stage 2, validate: structure against the shipped JSON Schema, then meaning (refs, paths, names, enums).

Every problem is collected before anything is reported, so one run shows the author all of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, ir, naming
from .diagnostics import Diagnostic, SpecError, did_you_mean
from .load import Document, JsonPath
from .render import cache_root

if TYPE_CHECKING:  # imported with the first structural check that runs: it takes longer to import than to use
    import jsonschema

REF_PREFIX = "#/schemas/"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# A server variable in a URL; doubled braces ({{x}}) and other text in braces stay as they are, as before variables.
URL_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_-]*)\}(?!\})")
REF_SIBLINGS = frozenset({"$ref", "description", "nullable", "example", "default", "title", "deprecated"})
# Python name -> where it was taken and by what ("schema 'Foo'"); the SDK's own names have no position.
Names = dict[str, tuple[JsonPath, str]]
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
PATH_STYLES = ("simple", "label", "matrix")  # OpenAPI's styles of path parameters
ACCESS_FLAGS = frozenset({"readOnly", "writeOnly"})  # may also stand beside $ref: they apply to the property
# What a value of these keys must look like, in words; the JSON Schema's regular expressions are no help to authors.
PATTERN_HINTS = {
    "$ref": "expected '#/schemas/Name'",
    "http": "expected a verb (GET, POST, PUT, PATCH or DELETE), one space and a path starting with '/'",
    "version": "expected a version such as 1.2.0",
    "package": "expected a lower-case Python package name such as clear_street",
    "client": "expected a class name in PascalCase such as ClearStreet",
    "cli": "expected a lower-case command name such as clear-street",
    "base_url": "expected an http:// or https:// URL without spaces (on a method, also a relative URL such as /v2 or ./v2)",
    "base_url_env": "expected an environment variable name such as CLEAR_STREET_BASE_URL",
    "env": "expected an environment variable name such as CLEAR_STREET_API_KEY",
    "username_env": "expected an environment variable name such as ACME_USERNAME",
    "password_env": "expected an environment variable name such as ACME_PASSWORD",
    "param": "expected a lower-case Python argument name such as api_key",
    "name": "expected a header, query parameter or cookie name such as X-API-Key",
    "header": "expected an HTTP header name such as X-API-Key",
    "singular": "expected a word of letters, digits and '_' such as position",
    "data": "expected a Python identifier such as data",
}
MEDIA_NAMES = {"binary": ("BinaryResponse", "AsyncBinaryResponse"), "event_stream": ("Stream", "AsyncStream")}
RUNTIME_NAMES = frozenset(
    {"BaseModel", "ClientError", "APIStatusError", "APIConnectionError", "APITimeoutError", "BadRequestError",
     "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
     "RateLimitError", "InternalServerError", "APIResponseValidationError", "Omit", "NotGiven"}
)


@lru_cache(maxsize=1)
def spec_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("generator").joinpath("spec.schema.json").read_text(encoding="utf-8")


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
    """The problems the JSON Schema finds; none at once when a spec of the same structure passed before."""
    known = _well_formed_marker(doc.data)
    if known is not None and known.exists():
        return
    validator = _validator_class()(spec_schema())
    problems = [problem for error in validator.iter_errors(doc.data) for problem in _describe(doc, error)]
    if not problems and known is not None:
        try:
            known.parent.mkdir(parents=True, exist_ok=True)
            known.touch()
        except OSError:
            pass  # no cache, no harm: the next run checks again
    yield from problems


# Keys of spec objects whose string values are free text: the schema gives every one of them #/$defs/text (a
# string of at most TEXT_LIMIT characters; tests/test_validate_cache.py holds the schema to that), so rewording one
# cannot change whether a spec is well-formed. Keys of the mappings of names below are the author's, not these.
TEXT_KEYS = frozenset({"description", "summary", "title"})
NAMED_MAPPINGS = frozenset({"schemas", "properties", "resources", "methods", "params", "mapping", "security_schemes",
                            "server_variables", "environments"})
TEXT_LIMIT = 100_000


def _well_formed_marker(data: Any) -> Path | None:
    """The cache file that says a spec like `data` (the same but for its free text) passed the JSON Schema: people
    edit descriptions far more often than anything else, and importing and running jsonschema is a third of such a
    regeneration. None when there is no cache directory."""
    digest = hashlib.sha256(f"{__version__}\0{_schema_text()}\0".encode())
    digest.update(repr(_without_text(data, named=False)).encode())
    try:
        return cache_root() / "well-formed" / digest.hexdigest()
    except RuntimeError:  # no home directory to find a cache in
        return None


def _without_text(value: Any, named: bool) -> Any:
    """`value` with the free text of spec objects blanked out; `named`: a mapping of names (schemas, params...)."""
    if isinstance(value, dict):
        return {key: "" if not named and key in TEXT_KEYS and isinstance(item, str) and len(item) <= TEXT_LIMIT
                else _without_text(item, not named and key in NAMED_MAPPINGS)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_without_text(item, False) for item in value]
    return value


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    """Draft 2020-12, with every '#/$defs/name' reference resolved by a lookup: the spec schema has no other kind,
    and resolving each one through its URI again on every use is a third of the time validation takes."""
    import jsonschema

    draft = jsonschema.Draft202012Validator
    defs = spec_schema()["$defs"]

    def ref(validator: Any, ref: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        target = defs.get(ref.removeprefix("#/$defs/")) if ref.startswith("#/$defs/") else None
        if target is None:
            yield from draft.VALIDATORS["$ref"](validator, ref, instance, schema)
        else:
            yield from validator.descend(instance, target)

    return jsonschema.validators.extend(draft, {"$ref": ref})  # type: ignore[no-untyped-call]


def _describe(doc: Document, error: jsonschema.ValidationError) -> Iterator[Diagnostic]:
    path: JsonPath = tuple(error.absolute_path)
    kind = str(error.validator)
    instance: Any = error.instance
    schema: Any = error.schema
    expected: Any = error.validator_value
    if "propertyNames" in error.absolute_schema_path:
        yield doc.error(path + (instance,), "bad-name", _name_problem(instance, kind, expected), key=True)
    elif kind == "additionalProperties" and isinstance(instance, dict):
        allowed = schema.get("properties", {})
        for key in instance:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                yield doc.error(path + (key,), "unknown-key", f"unknown key '{_short(key)}'{hint}", key=True)
    elif kind == "required" and isinstance(instance, dict):
        yield from _missing(doc, path, [key for key in expected if key not in instance])
    elif kind == "type":
        yield doc.error(path, "wrong-type", f"expected {_expected(expected)}, got {_kind(instance)}")
    elif kind == "const":
        yield doc.error(path, "bad-value", f"expected {expected!r}, got {_short(repr(instance))}")
    elif kind == "enum" and path[-1:] == ("type",) and isinstance(instance, list):  # OpenAPI 3.1's [string, 'null']
        yield doc.error(path, "bad-value", "expected one type name, got a list; to allow null, write 'nullable: true'")
    elif kind == "enum":
        hint = did_you_mean(str(instance), [str(o) for o in expected])
        listed = ", ".join(repr(o) for o in expected)
        yield doc.error(path, "bad-value", f"{_short(repr(instance))} is not one of {listed}{hint}")
    elif kind == "pattern":
        hint = _pattern_hint(doc, path, instance, schema.get("description") or f"must match {expected}")
        yield doc.error(path, "bad-value", f"invalid value {_short(repr(instance))}; {hint}")
    elif kind == "uniqueItems" and isinstance(instance, list):
        yield _duplicate_item(doc, path, instance)
    elif kind == "minItems":
        yield doc.error(path, "bad-value", f"expected at least {expected} item{'s' * (expected != 1)}, got none")
    elif kind == "minimum":
        yield doc.error(path, "bad-value", f"expected {expected} or more, got {instance!r}")
    elif kind == "anyOf" and isinstance(instance, dict):
        # additionalProperties: a boolean or a schema. A mapping is meant as a schema: report what is wrong in it.
        for inner in error.context or []:
            if inner.relative_schema_path[0] != 0:
                yield from _describe(doc, inner)
    elif kind == "anyOf":
        yield doc.error(path, "wrong-type", f"expected a boolean or a schema mapping, got {_kind(instance)}")
    else:
        yield doc.error(path, "invalid", error.message)


def _missing(doc: Document, path: JsonPath, keys: list[str]) -> Iterator[Diagnostic]:
    """One line for all of a mapping's missing keys (jsonschema repeats the error per key, identically), at the key
    that names the mapping: its first key may be any sibling."""
    owner = f" in '{path[-1]}'" if path and isinstance(path[-1], str) else ""
    listed = ", ".join(f"'{key}'" for key in keys[:-1]) + " and " * (len(keys) > 1) + f"'{keys[-1]}'"
    noun = "keys" if len(keys) > 1 else "key"
    yield doc.error(path, "missing-key", f"missing required {noun} {listed}{owner}", key=True)


def _name_problem(name: str, kind: str, limit: Any) -> str:
    if kind == "minLength":
        return "a name cannot be empty"
    if kind == "maxLength":  # jsonschema's own message would quote the whole over-long name
        return f"name '{_short(name)}' is longer than {limit} characters"
    return f"name '{_short(name)}' is not allowed"


def _duplicate_item(doc: Document, path: JsonPath, items: list[Any]) -> Diagnostic:
    """At the second occurrence, like duplicate keys and enum values."""
    index = next(i for i, item in enumerate(items) if item in items[:i])
    first = items.index(items[index]) + 1
    return doc.error(path + (index,), "duplicate-item", f"duplicate item {items[index]!r} (same as item {first})")


def _pattern_hint(doc: Document, path: JsonPath, value: Any, fallback: str) -> str:
    field = path[-1] if path else ""
    hint = PATTERN_HINTS.get(str(field), fallback)
    schemas = doc.data.get("schemas") if isinstance(doc.data, dict) else None
    if field == "$ref" and isinstance(schemas, dict) and isinstance(value, str):  # 'Side', '#/components/Side'
        hint += did_you_mean(REF_PREFIX + value.rsplit("/", 1)[-1], [REF_PREFIX + name for name in schemas])
    return hint


def _kind(value: Any) -> str:
    for python_type, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"), (str, "a string"),
                              (int, "an integer"), (float, "a number")):
        if isinstance(value, python_type):
            return name
    return "an empty value"


def _expected(json_types: str | list[str]) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
             "number": "a number", "boolean": "a boolean", "null": "null"}
    types = [names.get(t, t) for t in ([json_types] if isinstance(json_types, str) else json_types)]
    return ", ".join(types[:-1]) + " or " * (len(types) > 1) + types[-1]


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
        reported = self._check_allof_cycles()
        self._check_alias_cycles(reported)
        self._check_module_packages()
        self._check_envelope()
        self._check_security()
        self._check_servers()
        # Top-level resources write their method types into the package that holds the schemas.
        schema_types: Names = {naming.class_name(n): (("schemas", n), f"schema '{n}'") for n in self.schemas}
        self._check_inline_class_names(schema_types)
        self._check_resources(self.data.get("resources") or {}, ("resources",), schema_types)
        return self.errors

    # schemas

    def _check_schema_names(self) -> None:
        api = self.data.get("api", {})
        envelope = self.data.get("envelope")
        taken: Names = {name: ((), "") for name in RUNTIME_NAMES}
        formats = {method.get("response_format") for _, method in self._methods(self.data.get("resources") or {}, ())}
        for response_format, names in MEDIA_NAMES.items():
            if response_format in formats:  # what the resource modules import beside the schemas
                taken.update({name: ((), "") for name in names})
        self._claim(taken, api["client"], ("api", "client"), f"the client class '{api['client']}'")
        if envelope is not None:
            envelope_name = envelope.get("name", "BaseResponse")
            self._claim(taken, naming.class_name(envelope_name), ("envelope", "name"),
                        f"the envelope '{envelope_name}'")
        for name in self.schemas:
            self._claim(taken, naming.class_name(name), ("schemas", name), f"schema '{name}'")

    def _check_inline_class_names(self, taken: Names) -> None:
        """Inline objects become classes named after where they sit (Order.item -> OrderItem), exported from the
        same package as the schemas: a schema 'OrderItem' beside them would make two classes of one name."""
        for name, schema in self.schemas.items():
            if not isinstance(schema, dict):
                continue
            class_name = naming.class_name(name)
            path: JsonPath = ("schemas", name)
            if _is_object_schema(schema):
                found = self._inline_in_properties(schema, class_name, path, 0)
            else:  # as ir.Builder._schema_definition names the classes inside an alias
                hint = naming.alias_item_class(class_name, bool(_variants(schema)))
                found = self._inline_classes(schema, hint, path, 0)
            for inline_name, inline_path in found:
                self._claim(taken, inline_name, inline_path, f"the inline object at {'/'.join(map(str, inline_path))}")

    def _inline_classes(self, schema: Any, hint: str, path: JsonPath, depth: int) -> Iterator[tuple[str, JsonPath]]:
        """The classes the IR makes for inline objects in `schema`, named as ir.Builder._bare_type names them."""
        if not isinstance(schema, dict) or "$ref" in schema or depth > 20:
            return
        if "allOf" not in schema and "enum" in schema:
            return
        variants = _variants(schema)
        if "allOf" not in schema and variants:
            key = "oneOf" if schema.get("oneOf") else "anyOf"
            for index, variant in enumerate(variants):
                title = variant.get("title") if isinstance(variant, dict) else None
                yield from self._inline_classes(variant, naming.variant_class(hint, title, index),
                                                path + (key, index), depth + 1)
        elif schema.get("type") == "array":
            yield from self._inline_classes(schema.get("items"), hint, path + ("items",), depth + 1)
        elif _is_object_schema(schema):
            yield hint, path
            yield from self._inline_in_properties(schema, hint, path, depth + 1)
        else:
            extra = schema.get("additionalProperties")
            yield from self._inline_classes(extra, hint, path + ("additionalProperties",), depth + 1)

    def _inline_in_properties(self, schema: dict[str, Any], class_name: str, path: JsonPath,
                              depth: int) -> Iterator[tuple[str, JsonPath]]:
        for wire, (prop, prop_path) in self._merged_properties(schema, path, depth).items():
            yield from self._inline_classes(prop, naming.property_class(class_name, wire), prop_path, depth + 1)

    def _merged_properties(self, schema: Any, path: JsonPath, depth: int) -> dict[str, tuple[Any, JsonPath]]:
        """A class's properties as ir.Builder._flatten merges them (allOf members, later ones winning)."""
        if not isinstance(schema, dict) or depth > 20:
            return {}
        if "$ref" in schema:
            name = schema["$ref"][len(REF_PREFIX):]
            return self._merged_properties(self.schemas.get(name), ("schemas", name), depth + 1)
        merged: dict[str, tuple[Any, JsonPath]] = {}
        for index, member in enumerate(schema.get("allOf") or []):
            merged.update(self._merged_properties(member, path + ("allOf", index), depth + 1))
        for wire, prop in (schema.get("properties") or {}).items():
            merged[wire] = (prop, path + ("properties", wire))
        return merged

    def _claim(self, taken: Names, python_name: str, path: JsonPath, what: str) -> bool:
        """Record that `what` at `path` becomes `python_name`; report an empty name or a collision."""
        if not python_name:
            self.error(path, "bad-name", f"{what} has no letters or digits to make a Python name from", key=True)
            return False
        if python_name not in taken:
            taken[python_name] = (path, what)
            return True
        other, other_what = taken[python_name]
        if other:
            line = self.doc.position(other, key=True)[0]
            message = f"{what} and {other_what} (line {line}) both become '{python_name}' in Python"
        else:
            message = f"{what} would be '{python_name}' in Python, a name the generated SDK already uses"
        self.error(path, "name-collision", message, key=True)
        return False

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
        if "const" in schema:
            self._check_enum_types(path, schema, [schema["const"]], ("const",))
        if "discriminator" in schema:
            self._check_discriminator(path, schema)
        properties = schema.get("properties") or {}
        declared = self._declared(schema)
        for index, name in enumerate(schema.get("required") or []):
            if name not in declared:
                hint = did_you_mean(name, declared)
                self.error(path + ("required", index), "unknown-required",
                           f"required property '{name}' is not declared in 'properties'{hint}")
        taken: Names = {}
        for name in properties:
            self._claim(taken, naming.field_name(name), path + ("properties", name), f"property '{name}'")

    def _declared(self, schema: dict[str, Any], depth: int = 0) -> set[str]:
        """The property names of `schema`, including those its allOf members bring in (the IR merges them)."""
        if depth > 20:  # a cycle, reported on its own
            return set()
        if "$ref" in schema:
            return self._declared(self.schemas.get(schema["$ref"][len(REF_PREFIX):]) or {}, depth + 1)
        names = set(schema.get("properties") or {})
        for member in schema.get("allOf") or []:
            names |= self._declared(member, depth + 1)
        return names

    def _check_ref(self, path: JsonPath, schema: dict[str, Any]) -> None:
        target = schema["$ref"][len(REF_PREFIX):]
        if target not in self.schemas:
            hint = did_you_mean(target, self.schemas)
            self.error(path + ("$ref",), "unresolved-ref", f"unresolved reference '{schema['$ref']}'{hint}")
        allowed = REF_SIBLINGS | ACCESS_FLAGS
        extra = sorted(set(schema) - allowed)
        if extra:
            self.error(path + (extra[0],), "ref-siblings",
                       f"'{extra[0]}' cannot stand beside '$ref'; only {', '.join(sorted(allowed - {'$ref'}))} can",
                       key=True)

    def _check_enum(self, path: JsonPath, schema: dict[str, Any], enum: list[Any]) -> None:
        seen: dict[Any, int] = {}
        for index, value in enumerate(enum):
            marker = (type(value), value)
            if marker in seen:
                self.error(path + ("enum", index), "duplicate-enum",
                           f"duplicate enum value {value!r} (same as item {seen[marker] + 1})")
            seen.setdefault(marker, index)
        self._check_enum_types(path, schema, enum, ("enum",))

    def _check_enum_types(self, path: JsonPath, schema: dict[str, Any], values: list[Any], where: JsonPath) -> None:
        declared: str = schema.get("type", "")
        expected = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}.get(declared)
        for index, value in enumerate(values):
            bad_bool = isinstance(value, bool) and declared in ("integer", "number")
            if expected and (not isinstance(value, expected) or bad_bool):
                at = path + where + ((index,) if where == ("enum",) else ())
                self.error(at, "enum-type", f"{where[0]} value {value!r} is not of type '{declared}'")

    def _check_discriminator(self, path: JsonPath, schema: dict[str, Any]) -> None:
        """A discriminator picks one member of oneOf/anyOf by a property every member declares."""
        key = "oneOf" if "oneOf" in schema else "anyOf" if "anyOf" in schema else None
        here = path + ("discriminator",)
        if key is None:
            self.error(here, "bad-discriminator", "'discriminator' applies only beside 'oneOf' or 'anyOf'", key=True)
            return
        prop = schema["discriminator"]["propertyName"]
        members = schema[key]
        refs = {member.get("$ref") for member in members}
        for value, target in (schema["discriminator"].get("mapping") or {}).items():
            if target not in refs:
                self.error(here + ("mapping", value), "bad-discriminator",
                           f"mapping '{value}' -> '{target}' names no member of '{key}'")
        for index, member in enumerate(members):
            target = self._target(member)
            if target is None:
                continue  # a reference that leads nowhere is reported on its own
            what = f"member {index + 1}" + (f" ('{member['$ref'][len(REF_PREFIX):]}')" if "$ref" in member else "")
            if not _is_object_schema(target):
                self.error(path + (key, index), "bad-discriminator",
                           f"{what} is not an object schema, so it has no property '{prop}' to discriminate by")
            elif prop not in self._declared(target):
                self.error(path + (key, index), "bad-discriminator",
                           f"{what} does not declare the discriminator property '{prop}'"
                           + did_you_mean(prop, self._declared(target)))

    def _check_allof_cycles(self) -> set[str]:
        """allOf copies its members in and a bare $ref is an alias: neither may lead back to where it started."""
        edges = {name: _base_refs(schema) for name, schema in self.schemas.items()}
        reported: set[str] = set()
        for start in self.schemas:
            cycle = _find_cycle(start, edges)
            if cycle and start not in reported:
                reported.update(cycle)
                chain = " -> ".join(cycle + [cycle[0]])
                if all("$ref" in self.schemas[name] for name in cycle):
                    self.error(("schemas", start), "recursive-ref",
                               f"recursive $ref: {chain}; a chain of references must end at a type", key=True)
                else:
                    self.error(("schemas", start), "recursive-allof", f"recursive allOf: {chain}", key=True)
        return reported

    def _check_alias_cycles(self, reported: set[str]) -> None:
        """A schema that is not an object becomes a type alias, evaluated when its module is imported: an alias
        that contains itself through lists, maps or unions (`A = list[A]`) cannot be defined. Through an object it
        can: the class refers to the alias lazily."""
        aliases = {name for name, schema in self.schemas.items() if not _is_object_schema(schema)}
        edges = {name: [ref for ref in _alias_refs(self.schemas[name]) if ref in aliases] for name in aliases}
        for start in self.schemas:  # spec order, so the report is stable
            if start not in aliases or start in reported:
                continue
            cycle = _find_cycle(start, edges)
            if cycle:
                reported.update(cycle)
                chain = " -> ".join(cycle + [cycle[0]])
                self.error(("schemas", start), "recursive-ref",
                           f"recursive type alias: {chain}; a list, map or union cannot contain itself "
                           "unless an object (a schema with 'properties') stands in between", key=True)

    def _check_module_packages(self) -> None:
        """A schema's module (types/v1.py) must not have the name of a package of method types (types/v1/, made for
        the methods of the resources under v1), with the names the IR gives both."""
        packages: dict[str, JsonPath] = {}
        for path, parents in self._resource_parents(self.data.get("resources") or {}, ("resources",), ()):
            for depth in range(1, len(parents) + 1):
                packages.setdefault(ir.types_package(parents[:depth]), path[: 2 * depth])
        module_of = ir.schema_modules(self.schemas)
        modules = set(module_of.values())
        for name, module in module_of.items():
            # The request types' module: objects have one, and so may aliases that hold objects (their twins).
            schema = self.schemas[name]
            has_param = _is_object_schema(schema) or ir.reaches_object(self.schemas, schema, frozenset({name}))
            for candidate in (module, ir.param_module(module_of, name, modules)):
                if candidate in packages and (candidate == module or has_param):
                    resource = packages[candidate]
                    line = self.doc.position(resource, key=True)[0]
                    file = candidate.replace(".", "/")
                    self.error(("schemas", name), "name-collision",
                               f"schema '{name}' would be the module '{file}.py', but resource '{resource[-1]}' "
                               f"(line {line}) puts its methods' types in the package '{file}/'; rename one",
                               key=True)

    def _resource_parents(self, tree: dict[str, Any], path: JsonPath,
                          parents: tuple[str, ...]) -> Iterator[tuple[JsonPath, tuple[str, ...]]]:
        """(path of the resource, attribute names of its parents) for every resource that has methods."""
        for name, resource in tree.items():
            if resource.get("methods") and parents:
                yield path + (name,), parents
            yield from self._resource_parents(resource.get("resources") or {}, path + (name, "resources"),
                                              parents + (naming.member_name(name, not parents),))

    def _check_envelope(self) -> None:
        envelope = self.data.get("envelope") or {}
        data_field = envelope.get("data", "data")
        properties = envelope.get("properties") or {}
        if data_field in properties:
            self.error(("envelope", "properties", data_field), "envelope-data",
                       f"envelope property '{data_field}' clashes with the data field that carries each method's "
                       "response; remove it or rename the data field with 'data:'", key=True)
        taken: Names = {naming.field_name(data_field): (("envelope", "data"), f"the data field '{data_field}'")}
        for name in properties:
            if name != data_field:
                self._claim(taken, naming.field_name(name), ("envelope", "properties", name), f"property '{name}'")
        for index, name in enumerate(envelope.get("required") or []):
            if name not in properties:
                self.error(("envelope", "required", index), "unknown-required",
                           f"required property '{name}' is not declared in the envelope's 'properties'"
                           + did_you_mean(name, properties))

    # credentials and servers

    def _check_security(self) -> None:
        api = self.data.get("api", {})
        schemes: dict[str, Any] = api.get("security_schemes") or {}
        if "auth" in api and "security_schemes" in api:
            self.error(("api", "security_schemes"), "auth-conflict",
                       "'auth' and 'security_schemes' cannot both be given; 'security_schemes' describes every "
                       "scheme 'auth' can, so keep one", key=True)
        for name, scheme in schemes.items():
            self._check_scheme(("api", "security_schemes", name), scheme)
        taken: Names = {name: ((), "") for name in ir.CLIENT_ARGUMENTS}
        envs: dict[str, tuple[str, str, JsonPath]] = {}  # argument -> (env, scheme, where)
        for name, credentials in ir.scheme_credentials(api).items():
            path: JsonPath = ("api", "security_schemes", name)
            for argument, env in credentials:
                if argument in envs:
                    other_env, other, where = envs[argument]
                    if env != other_env:
                        line = self.doc.position(where, key=True)[0]
                        self.error(path, "bad-scheme",
                                   f"scheme '{name}' reads the client argument '{argument}' from ${env}, but scheme "
                                   f"'{other}' (line {line}) reads it from ${other_env}; use one variable", key=True)
                    continue
                envs[argument] = (env, name, path)
                self._claim(taken, argument, path, f"the credential argument '{argument}' of scheme '{name}'")
        for name in api.get("server_variables") or {}:
            self._claim(taken, naming.param_name(name), ("api", "server_variables", name), f"server variable '{name}'")
        if "security" in api:
            self._check_requirements(("api", "security"), api["security"], schemes)
        for path, method in self._methods(self.data.get("resources") or {}, ("resources",)):
            if "security" in method:
                self._check_requirements(path + ("security",), method["security"], schemes)

    def _check_scheme(self, path: JsonPath, scheme: dict[str, Any]) -> None:
        """Which keys each type of scheme takes: api_key needs 'in' and 'name'; basic has two variables."""
        kind = scheme["type"]
        allowed = {"bearer": {"param", "env"}, "basic": {"username_env", "password_env"},
                   "api_key": {"in", "name", "param", "env"}}[kind] | {"type", "description"}
        for key in scheme:
            if key not in allowed:
                self.error(path + (key,), "bad-scheme", f"'{key}' does not apply to a scheme of type '{kind}'", key=True)
        if kind == "api_key":
            missing = [key for key in ("in", "name") if key not in scheme]
            if missing:
                listed = " and ".join(f"'{key}'" for key in missing)
                self.error(path, "bad-scheme", f"a scheme of type 'api_key' needs {listed}: where the key goes and "
                           "under which name", key=True)

    def _check_requirements(self, path: JsonPath, security: list[list[str]], schemes: dict[str, Any]) -> None:
        for index, alternative in enumerate(security):
            for position, name in enumerate(alternative):
                if name not in schemes:
                    where = "is not declared in 'api.security_schemes'" if schemes else (
                        "cannot be used: the API declares no 'security_schemes'")
                    self.error(path + (index, position), "unknown-scheme",
                               f"security scheme '{name}' {where}{did_you_mean(name, schemes)}")

    def _check_servers(self) -> None:
        api = self.data.get("api", {})
        environments: dict[str, str] = api.get("environments") or {}
        variables: dict[str, Any] = api.get("server_variables") or {}
        if "base_url" not in api and not environments:
            self.error(("api",), "missing-key", "missing required key 'base_url' in 'api' (or give 'environments')",
                       key=True)
        first = next(iter(environments.values()), None)
        if first is not None and "base_url" in api and api["base_url"] != first:
            self.error(("api", "base_url"), "bad-environment",
                       f"'base_url' must be the first environment's URL ({first}), the default, or be left out")
        urls: list[tuple[JsonPath, str]] = [(("api", "base_url"), api["base_url"])] if "base_url" in api else []
        urls += [(("api", "environments", name), url) for name, url in environments.items()]
        urls += [(path + ("base_url",), method["base_url"])
                 for path, method in self._methods(self.data.get("resources") or {}, ("resources",))
                 if "base_url" in method]
        used: set[str] = set()
        for path, url in urls:
            for name in URL_PLACEHOLDER.findall(url):
                used.add(name)
                if name not in variables:
                    self.error(path, "undeclared-server-variable",
                               f"URL placeholder '{{{name}}}' is not declared in 'api.server_variables'"
                               + did_you_mean(name, variables))
        for name, variable in variables.items():
            if name not in used:
                self.error(("api", "server_variables", name), "unused-server-variable",
                           f"server variable '{name}' appears in no URL (base_url, environments or a method's "
                           "base_url)", key=True)
            enum = variable.get("enum")
            if enum and variable["default"] not in enum:
                self.error(("api", "server_variables", name, "default"), "bad-server-variable",
                           f"default {variable['default']!r} is not one of the variable's 'enum' values"
                           + did_you_mean(variable["default"], enum))

    # resources and methods

    def _methods(self, tree: dict[str, Any], path: JsonPath) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
        for name, resource in tree.items():
            for method_name, method in (resource.get("methods") or {}).items():
                yield path + (name, "methods", method_name), method
            yield from self._methods(resource.get("resources") or {}, path + (name, "resources"))

    def _check_resources(self, tree: dict[str, Any], path: JsonPath, type_names: Names) -> None:
        taken: Names = {}
        for name, resource in tree.items():
            self._claim(taken, naming.member_name(name, path == ("resources",)), path + (name,), f"resource '{name}'")
        for name, resource in tree.items():
            members: Names = {}
            singular = naming.resource_singular(name, resource.get("singular"))
            for child in resource.get("resources") or {}:
                members[naming.member_name(child)] = (path + (name, "resources", child), f"resource '{child}'")
            for method_name, method in (resource.get("methods") or {}).items():
                method_path = path + (name, "methods", method_name)
                # A method whose own name collides would repeat the report as a type-name collision.
                if self._claim(members, naming.member_name(method_name), method_path, f"method '{method_name}'"):
                    stem = naming.method_type_prefix(singular, method_name)
                    # The response's type: the envelope class, or an inline object's class ({Stem}Event for the
                    # events of a stream); claimed whenever there is a response, as the IR may need it.
                    suffix = "Event" if method.get("response_format") == "event_stream" else "Response"
                    needed = (stem + "Params", stem + suffix) if "response" in method else (stem + "Params",)
                    self._check_type_names(type_names, needed, method_path)
                self._check_method(method_path, method)
            self._check_resources(resource.get("resources") or {}, path + (name, "resources"), {})

    def _check_type_names(self, type_names: Names, needed: tuple[str, ...], path: JsonPath) -> None:
        """Sibling resources put their method types in one package: `positions.get` and `position.get` would both
        define PositionGetParams. A method without a response body has no Response type."""
        what = f"method '{path[-3]}.{path[-1]}'"
        for name in needed:
            if name in type_names:
                other, other_what = type_names[name]
                line = self.doc.position(other, key=True)[0]
                advice = "set 'singular' on one of their resources" if other_what.startswith("method") else "rename one"
                self.error(path, "name-collision",
                           f"{what} and {other_what} (line {line}) both need the type name '{name}'; {advice}",
                           key=True)
                return
            type_names[name] = (path, what)

    def _check_method(self, path: JsonPath, method: dict[str, Any]) -> None:
        verb, _, url = method["http"].partition(" ")
        params: dict[str, Any] = method.get("params") or {}
        placeholders = PLACEHOLDER.findall(url)
        if "{" in PLACEHOLDER.sub("", url) or "}" in PLACEHOLDER.sub("", url):
            self.error(path + ("http",), "bad-path", f"unbalanced braces in path '{url}'")
        for name in placeholders:
            if not name:
                self.error(path + ("http",), "bad-path", "empty path placeholder '{}'")
                continue
            if name in placeholders[:placeholders.index(name)]:
                continue  # the same parameter again (/a/{id}/b/{id}): its value goes in each place, checked once
            param = params.get(name)
            if param is None:
                hint = did_you_mean(name, [n for n, p in params.items() if p.get("in") == "path"])
                self.error(path + ("http",), "undeclared-path-param",
                           f"path placeholder '{{{name}}}' has no parameter with 'in: path'{hint}")
            elif param["in"] != "path":
                self.error(path + ("http",), "undeclared-path-param",
                           f"path placeholder '{{{name}}}' needs parameter '{name}' to be 'in: path', not "
                           f"'in: {param['in']}'")
        taken: Names = {}
        roots = [n for n, p in params.items() if p.get("root")]
        python_names = naming.param_names(list(params))  # distinct by construction: only empty names are errors
        for name, param in params.items():
            param_path = path + ("params", name)
            self._claim(taken, python_names[name], param_path, f"parameter '{name}'")
            self._check_param(param_path, name, param, placeholders, verb, len(roots))
        self._check_request_format(path, method, params)
        if "body_values" in method:
            self._check_body_values(path, method, params, verb)
        if "pagination" in method:
            self._check_pagination(path, method, params)
        if "response_format" in method and "response" in method:
            self._check_response_format(path, method)

    def _check_response_format(self, path: JsonPath, method: dict[str, Any]) -> None:
        """A text or binary response is a string: its 'response', if any, can only say so (and document it)."""
        response_format = method["response_format"]
        target = self._target(method["response"])
        if response_format in ("text", "binary") and target is not None and target.get("type") != "string":
            returned = "str" if response_format == "text" else "a BinaryResponse"
            self.error(path + ("response",), "bad-response-format",
                       f"a method with 'response_format: {response_format}' returns {returned}; its 'response' can "
                       "only be a string schema (type: string), or be left out")

    def _check_request_format(self, path: JsonPath, method: dict[str, Any], params: dict[str, Any]) -> None:
        """Form and multipart bodies are fields; binary and text bodies are one root parameter; `style` applies to
        query parameters and to the fields of form and multipart bodies."""
        request_format = method.get("request_format", "json")
        roots = [(n, p) for n, p in params.items() if p.get("in") == "body" and p.get("root")]
        if request_format in ("form", "multipart"):
            for name, _ in roots:
                self.error(path + ("params", name, "root"), "bad-request-format",
                           f"a '{request_format}' body is made of fields: declare them as body parameters, not "
                           f"one 'root' parameter")
        elif request_format in ("binary", "text") and not roots:
            self.error(path + ("request_format",), "bad-request-format",
                       f"a '{request_format}' body is one body parameter with 'root: true'")
        elif request_format == "text":
            name, root = roots[0]
            target = self._target(root["schema"])
            if target is not None and target.get("type") != "string":
                self.error(path + ("params", name, "schema"), "bad-request-format",
                           "the root parameter of a 'text' body must be a string (type: string)")
        if "content_type" in method and request_format not in ("binary", "text"):
            self.error(path + ("content_type",), "bad-request-format",
                       "'content_type' applies only to methods with 'request_format: binary' or 'text'")
        for name, param in params.items():
            for key in ("style", "explode"):
                if key not in param:
                    continue
                where = param.get("in")
                if where == "path":
                    if key == "style" and param[key] not in PATH_STYLES:
                        self.error(path + ("params", name, key), "bad-style",
                                   "the style of a path parameter is simple, label or matrix")
                    continue
                if not (where == "query" or (where == "body" and request_format in ("form", "multipart"))):
                    self.error(path + ("params", name, key), "bad-style",
                               f"'{key}' applies only to query and path parameters and to the body fields of "
                               f"'form' and 'multipart' methods")
                elif key == "style" and param[key] in PATH_STYLES:
                    self.error(path + ("params", name, key), "bad-style",
                               f"'{param[key]}' is a style of path parameters")
                elif "array_format" in param:
                    self.error(path + ("params", name, key), "bad-style",
                               f"'{key}' and 'array_format' cannot be combined; 'style: form, explode: false' is "
                               f"'array_format: comma'")

    def _check_body_values(self, path: JsonPath, method: dict[str, Any], params: dict[str, Any], verb: str) -> None:
        """Fixed body fields join the body's other fields: a body of fields (json, form, multipart), on a method that
        can carry a body, with names no body parameter has."""
        values_path = path + ("body_values",)
        request_format = method.get("request_format", "json")
        roots = [(n, p) for n, p in params.items() if p.get("in") == "body" and p.get("root")]
        target = self._target(roots[0][1]["schema"]) if roots and isinstance(roots[0][1].get("schema"), dict) else {}
        if verb == "GET":
            self.error(values_path, "bad-body-values", "GET requests cannot carry a body, nor 'body_values'")
        elif request_format in ("binary", "text"):
            self.error(values_path, "bad-body-values", f"'body_values' are fields of an object body (json, form or "
                       f"multipart); a '{request_format}' body is one value")
        elif target is not None and target and not (target.get("type") == "object" or
                                                     set(target) & {"properties", "allOf", "additionalProperties"}):
            self.error(values_path, "bad-body-values", f"'body_values' are fields of an object body; the 'root' body "
                       f"parameter '{roots[0][0]}' is not an object")
        for name in method["body_values"]:
            param = params.get(name)
            if param is not None and param.get("in") == "body":
                self.error(values_path + (name,), "bad-body-values",
                           f"'{name}' is both a body parameter and a fixed body value; keep one", key=True)

    def _check_pagination(self, path: JsonPath, method: dict[str, Any], params: dict[str, Any]) -> None:
        """A paginated method sends its page parameter as a declared query parameter, answers JSON, and the list of
        items is where `items` says (by default the envelope's data field, else `data`)."""
        options = method["pagination"]
        where = path + ("pagination",)
        style = options.get("style", "token")
        if style not in ir.PAGINATION_KEYS:
            return  # the schema reported it
        for key in options:
            owner = next((s for s, keys in ir.PAGINATION_KEYS.items() if key in keys), None)
            if owner is not None and owner != style:
                self.error(where + (key,), "bad-pagination",
                           f"'{key}' is a key of 'style: {owner}', not of 'style: {style}'", key=True)
        param_key = next((k for k in ir.PAGINATION_KEYS[style] if k in ir.PAGE_PARAMS), "")
        if param_key:
            token = options.get(param_key, ir.PAGE_PARAMS[param_key])
            param = params.get(token)
            if param is None or param.get("in") != "query":
                hint = did_you_mean(token, [n for n, p in params.items() if p.get("in") == "query"])
                self.error(where, "bad-pagination",
                           f"the page parameter '{token}' ({param_key}) must be declared in 'params' with 'in: query'"
                           f"{hint}")
        if method.get("response_format", "json") != "json":
            self.error(where, "bad-pagination",
                       f"a paginated method's response must be JSON, not '{method['response_format']}'")
            return
        if "response" not in method:
            self.error(where, "bad-pagination", "a paginated method needs a 'response' that holds the list of items")
            return
        response = self._target(method["response"])
        if response is None:
            return
        is_list = response.get("type") == "array"
        envelope = self.data.get("envelope")
        if isinstance(envelope, dict):
            data_wire = envelope.get("data", "data")
            items = str(options.get("items", data_wire if is_list else ""))
            if not items:
                self.error(where, "bad-pagination", "a paginated method's 'response' must be a list (type: array) of "
                           f"the items, or say in 'items' where the list is (a dotted path in the body, e.g. "
                           f"'{data_wire}.items')")
                return
            parts = items.split(".")
            found = self._at(method["response"], parts[1:]) if parts[0] == data_wire else None
            if parts[0] != data_wire:
                self.error(where + ("items",), "bad-pagination",
                           f"'items' is a path in the whole body: in the envelope, the response is at '{data_wire}' "
                           f"(e.g. '{data_wire}.{items}')")
                return
        else:
            if is_list and style not in ("page", "cursor"):
                self.error(where, "bad-pagination",
                           f"a '{style}' page reads the next page from the response body: without an 'envelope' the "
                           f"'response' must be an object holding the list (see 'items'), not the list itself")
                return
            items = str(options.get("items", "" if is_list else "data"))
            found = self._at(method["response"], items.split(".") if items else [])
        if found is None or found.get("type") != "array":
            self.error(where + (("items",) if "items" in options else ()), "bad-pagination",
                       f"the response has no list at '{items}': 'items' is the dotted path of the list of items in the "
                       f"body")

    def _at(self, schema: dict[str, Any], parts: list[str]) -> dict[str, Any] | None:
        """The (resolved) schema at a path of property names, through `allOf` members; None where there is none."""
        target = self._target(schema)
        for part in parts:
            if target is None:
                return None
            members = [target] + [m for m in target.get("allOf") or [] if isinstance(m, dict)]
            found = None
            for member in members:
                resolved = self._target(member)
                child = ((resolved or {}).get("properties") or {}).get(part)
                if isinstance(child, dict):
                    found = child
            target = self._target(found) if found is not None else None
        return target

    def _check_param(self, path: JsonPath, name: str, param: dict[str, Any], placeholders: list[str], verb: str,
                     root_count: int) -> None:
        where = param["in"]
        if where == "path":
            if name not in placeholders:
                self.error(path, "unused-path-param", f"path parameter '{name}' does not appear in the path", key=True)
            if param.get("required") is False:
                self.error(path + ("required",), "optional-path-param", "path parameters are always required")
            if not self._is_path_value(param["schema"]):
                self.error(path + ("schema",), "bad-path-param", "path parameters must be strings, numbers or "
                           "booleans, or arrays or objects of them")
        if where == "body" and verb == "GET":
            self.error(path + ("in",), "body-on-get", "GET requests cannot carry body parameters; use 'in: query'")
        if param.get("root") and where != "body":
            self.error(path + ("root",), "bad-root", "'root' applies only to 'in: body' parameters")
        if where == "body" and root_count and not param.get("root"):
            self.error(path, "bad-root", "a method whose body is a 'root' parameter cannot have other body parameters",
                       key=True)
        if param.get("root") and root_count > 1:
            self.error(path + ("root",), "bad-root", "only one body parameter can be the 'root' of the body")
        if "array_format" in param:
            self._check_array_format(path + ("array_format",), where, param["schema"])

    def _check_array_format(self, path: JsonPath, where: str, schema: dict[str, Any]) -> None:
        """How an array's items go into a query string: meaningless anywhere else."""
        if where != "query":
            self.error(path, "bad-array-format", "'array_format' applies only to 'in: query' parameters")
        elif not self._is_array(schema):
            self.error(path, "bad-array-format", "'array_format' applies only to array parameters (type: array)")

    # A reference that leads nowhere is reported on its own; these checks give it the benefit of the doubt.

    def _is_scalar(self, schema: dict[str, Any]) -> bool:
        target = self._target(schema)
        return target is None or target.get("type") in SCALAR_TYPES or (
            target.get("type") is None and bool(target.get("enum")))

    def _is_path_value(self, schema: dict[str, Any]) -> bool:
        """A scalar, an array of scalars (`a,b`) or an object of scalars (`k,v,k2,v2`): OpenAPI's `simple` style."""
        if self._is_scalar(schema):
            return True
        target = self._target(schema) or {}
        if target.get("type") == "array":
            return isinstance(target.get("items"), dict) and self._is_scalar(target["items"])
        properties = target.get("properties")
        return target.get("type") == "object" and isinstance(properties, dict) and bool(properties) and all(
            isinstance(p, dict) and self._is_scalar(p) for p in properties.values())

    def _is_array(self, schema: dict[str, Any]) -> bool:
        target = self._target(schema)
        return target is None or target.get("type") == "array"

    def _target(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        """The schema a chain of $refs ends at; None where it leads nowhere (a missing name, a cycle)."""
        for _ in range(20):
            if "$ref" not in schema:
                return schema
            found = self.schemas.get(schema["$ref"][len(REF_PREFIX):])
            if not isinstance(found, dict):
                return None
            schema = found
        return None


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


def _is_object_schema(schema: dict[str, Any]) -> bool:
    """Whether the IR makes a class of this reusable schema (else a type alias); as ir._is_object."""
    return "properties" in schema or "allOf" in schema or (
        schema.get("type") == "object" and "additionalProperties" not in schema
    )


def _variants(schema: dict[str, Any]) -> list[Any]:
    variants = schema.get("oneOf") or schema.get("anyOf")
    return variants if isinstance(variants, list) else []


def _alias_refs(schema: Any) -> Iterator[str]:
    """The schemas an alias mentions directly: through items, map values and union members, not inside objects."""
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        yield schema["$ref"][len(REF_PREFIX):]
        return
    if _is_object_schema(schema):
        return
    for key in ("items", "additionalProperties"):
        yield from _alias_refs(schema.get(key))
    for key in ("oneOf", "anyOf"):
        for member in schema.get(key) or []:
            yield from _alias_refs(member)


def _base_refs(schema: dict[str, Any]) -> list[str]:
    """The schemas this one is made of: its alias target, or its allOf members."""
    if "$ref" in schema:
        return [schema["$ref"][len(REF_PREFIX):]]
    return [ref for _, ref in _allof_refs((), schema)]


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

