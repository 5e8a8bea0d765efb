"""Schema conversion: an OpenAPI Schema Object -> a spec schema (types, nullable, enums, objects,
oneOf/anyOf/allOf, discriminator), and the names the document's schemas get."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from .. import naming
from ..diagnostics import did_you_mean
from ..load import JsonPath
from ..validate import RUNTIME_NAMES
from .documents import COMPONENT_SCHEMAS, DOC_ONLY, Context, _list, _schema_name

REF_SIBLINGS = ("description", "nullable", "example", "default", "title", "deprecated", "readOnly", "writeOnly")
SCHEMA_ORDER = ("$ref", "type", "format", "title", "nullable", "description", "const", "enum", "required",
                "properties", "additionalProperties", "items", "oneOf", "anyOf", "allOf", "discriminator", "readOnly",
                "writeOnly", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
                "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "pattern",
                "default", "deprecated", "example")
COPIED = ("format", "title", "description", "readOnly", "writeOnly", "minimum", "maximum", "multipleOf",
          "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "pattern",
          "default", "deprecated", "example")
NUMBER = (int, float)
KEYWORD_TYPES: dict[str, type | tuple[type, ...]] = {
    "format": str, "title": str, "description": str, "pattern": str, "deprecated": bool, "readOnly": bool,
    "writeOnly": bool, "uniqueItems": bool, "minimum": NUMBER, "maximum": NUMBER, "multipleOf": NUMBER,
    "minLength": int, "maxLength": int, "minItems": int, "maxItems": int, "minProperties": int, "maxProperties": int,
}
# JSON Schema keywords that only constrain values (the SDK checks none of them) or only name things: not carried
# over, not reported. References ($recursiveRef, $dynamicRef) and shapes (patternProperties) are not among them.
VALIDATION_ONLY = frozenset({"propertyNames", "contains", "minContains", "maxContains", "dependentRequired",
                             "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "not", "if", "then",
                             "else", "contentEncoding", "contentSchema", "$recursiveAnchor", "$dynamicAnchor", "$defs",
                             "definitions", "$vocabulary"})
HANDLED = frozenset(SCHEMA_ORDER) | {"const", "examples", "discriminator", "patternProperties"} | VALIDATION_ONLY
SCALAR_TYPES = ("string", "integer", "number", "boolean")
# Which keywords belong to which type, to split a schema of several types (3.1 `type: [string, integer]`).
TYPE_KEYWORDS = {
    "string": ("format", "minLength", "maxLength", "pattern", "enum"),
    "integer": ("format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"),
    "number": ("format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"),
    "boolean": ("enum",),
    "array": ("items", "minItems", "maxItems", "uniqueItems"),
    "object": ("properties", "required", "additionalProperties", "minProperties", "maxProperties"),
}


class Schemas(Context):
    """`schema()` converts one Schema Object; every other part of the import calls it."""

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

    def schema(self, node: Any, path: JsonPath) -> dict[str, Any]:
        """One OpenAPI Schema Object -> our schema (a new dict, keys in a fixed order)."""
        if node is True or node == {}:
            return {}
        if not isinstance(node, dict):
            self.warn(path, "a schema must be a mapping; read as 'any value'", "bad-schema")
            return {}
        recursive = node.get("$recursiveRef", node.get("$dynamicRef"))
        if recursive == "#" and len(path) >= 3 and path[:2] == ("components", "schemas") and "$ref" not in node:
            # 3.1: the schema this one is part of (OpenAI's CompoundFilter nests itself so).
            node = {**{k: v for k, v in node.items() if k not in ("$recursiveRef", "$dynamicRef")},
                    "$ref": COMPONENT_SCHEMAS + str(path[2]).replace("~", "~0").replace("/", "~1")}
        if "$ref" in node:
            return self._ref_schema(node, path)
        kinds = [k for k in (node["type"] if isinstance(node.get("type"), list) else []) if k != "null"]
        if len(kinds) > 1 and all(k in TYPE_KEYWORDS for k in kinds) and not node.get("oneOf") \
                and not node.get("anyOf") and not node.get("allOf"):
            return self._several_types(node, path, kinds)
        self._unknown_schema_keys(node, path)
        out = self._copied(node, path)
        self._exclusive_bounds(node, path, out)
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
        out = _ordered(out)
        if "discriminator" in out:  # by the discriminator's identity: the schema itself may be copied on its way
            self.discriminated[id(out["discriminator"])] = (out["discriminator"], path)
        return out

    def _several_types(self, node: dict[str, Any], path: JsonPath, kinds: list[str]) -> dict[str, Any]:
        """3.1 `type: [string, integer, ...]`: a union with one member per type, each with that type's keywords
        (`enum` values of its type); what describes the whole (description, default, ...) stays outside."""
        members = []
        for kind in kinds:
            part: dict[str, Any] = {key: node[key] for key in TYPE_KEYWORDS[kind] if key in node}
            part["type"] = kind
            if isinstance(part.get("enum"), list):
                part["enum"] = [v for v in part["enum"] if v is not None and (_type_of(v) == kind or (
                    kind == "number" and _type_of(v) == "integer"))]
                if not part["enum"]:
                    continue
            members.append(self.schema(part, path))
        whole = {key: value for key, value in node.items() if key not in ("type", "nullable", "const")
                 and not any(key in keys for keys in TYPE_KEYWORDS.values())}
        self._unknown_schema_keys(whole, path)
        out = self._copied(whole, path)
        out["anyOf"] = members
        if "null" in node["type"] or node.get("nullable") is True:
            out["nullable"] = True
        return _ordered(out)

    def _exclusive_bounds(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> None:
        """`exclusiveMinimum`/`exclusiveMaximum`: a number in 3.1; in 3.0 a boolean that makes `minimum`/`maximum`
        exclusive. Both become the 3.1 form (documentation: the SDK checks no bounds)."""
        for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = node.get(key)
            if isinstance(value, bool):
                if value and bound in out:
                    out[key] = out.pop(bound)
            elif isinstance(value, (int, float)):
                out[key] = value
            elif key in node:
                self.warn(path + (key,), f"'{key}' has a value of the wrong type; dropped", "bad-schema")

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
        if "format" not in out and isinstance(node.get("contentMediaType"), str) and "contentEncoding" not in node:
            out["format"] = "binary"  # 3.1's spelling of raw bytes (a file in a multipart body)
        return out

    def _ref_schema(self, node: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        ref = str(node["$ref"])
        name = _schema_name(ref)
        if name not in self.source_schemas:
            target, target_path = self._deref(node, path)
            return self.schema(target, target_path) if target else {}
        extra = [k for k in node if k not in REF_SIBLINGS and k != "$ref" and k not in DOC_ONLY
                 and not (k == "type" and node[k] == "object") and not k.startswith("x-") and k not in VALIDATION_ONLY]
        if extra:
            self.warn(path, f"{', '.join(extra)} beside $ref cannot be expressed; the referenced schema is used as "
                      "is", "ref-siblings")
        if name == self.envelope_name or name in self.wrappers:
            self.warn(path, f"a reference to the envelope '{name}' outside a response; its fields are copied here")
            return self.schema({k: v for k, v in self.source_schemas[name].items()}, ("components", "schemas", name))
        out = {"$ref": "#/schemas/" + self.names[name]}
        out.update((k, node[k]) for k in REF_SIBLINGS if k in node
                   and (k not in KEYWORD_TYPES or isinstance(node[k], KEYWORD_TYPES[k])))
        return out

    def _unknown_schema_keys(self, node: dict[str, Any], path: JsonPath) -> None:
        for key in node:
            if key in HANDLED or key in DOC_ONLY or key == "nullable" or str(key).startswith("x-"):
                continue
            self.warn(path + (key,), f"'{key}' cannot be expressed; dropped")

    def _types(self, node: dict[str, Any], path: JsonPath, out: dict[str, Any]) -> bool:
        """`type`, possibly a list with "null" (3.1); returns whether null is allowed."""
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind] if kind is not None else []
        nullable = "null" in kinds
        kinds = [k for k in kinds if k != "null"]
        if "const" in node:
            if node["const"] is None:
                return True
            if isinstance(node["const"], (dict, list)):
                self.warn(path + ("const",), "a const that is an object or a list cannot be expressed; dropped")
            else:
                out["const"] = node["const"]
        if len(kinds) == 1 and kinds[0] in SCALAR_TYPES + ("object", "array"):
            out["type"] = kinds[0]
        elif len(kinds) > 1:
            out["anyOf"] = [{"type": k} for k in kinds if k in SCALAR_TYPES + ("object", "array")]
        elif kinds:
            self.warn(path + ("type",), f"unknown type '{kinds[0]}'; read as 'any value'", "bad-schema")
        if "type" not in out and "const" in out and not kinds:
            out["type"] = _type_of(out["const"])
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
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and patterns and out.get("additionalProperties") is not True:
            # Keys matching a pattern hold these values (the patterns themselves are documentation).
            values = [self.schema(v, path + ("patternProperties", k)) for k, v in patterns.items()]
            if isinstance(out.get("additionalProperties"), dict):
                values.insert(0, out["additionalProperties"])
            out["additionalProperties"] = values[0] if len(values) == 1 else {"anyOf": values}
        if required and not _list(node.get("allOf")):
            declared = out.setdefault("properties", {})
            for name in out["required"]:  # required but not declared: a field of any type, not dropped
                declared.setdefault(name, {})

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
        self._undeclared_in_members(_list(node["allOf"]), members)
        # A member of annotations only (`- nullable: true`, `- description: ...`) adds no shape: it annotates
        # the schema, so `allOf: [{$ref: A}, {nullable: true}]` is A, nullable, whatever type A is.
        annotations = [m for m in members if m and "$ref" not in m and set(m) <= set(REF_SIBLINGS)]
        members = [m for m in members if not any(m is a for a in annotations)]
        for annotation in annotations:
            for key, value in annotation.items():
                out.setdefault(key, value)
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

    def _undeclared_in_members(self, raw: list[Any], members: list[dict[str, Any]]) -> None:
        """A member's `required` may name a property another member declares (OpenAI's InputMessageResource:
        `allOf: [{$ref: InputMessage}, {required: [id, type], properties: {id: ...}}]`): the any-value field the
        member got for it must not hide that declaration (`type: {enum: [message]}`) when the members merge: it
        takes the declaration's schema."""
        for index, (source, member) in enumerate(zip(raw, members)):
            declared = member.get("properties") or {}
            own = source.get("properties") if isinstance(source, dict) else None
            others = members[:index] + members[index + 1:]
            for name in [n for n in member.get("required") or [] if declared.get(n) == {} and n not in (own or {})]:
                found = self._member_property(others, name)
                if found is not None:
                    declared[name] = found

    def _allof_required(self, out: dict[str, Any], path: JsonPath) -> None:
        """`required` beside allOf may name properties of the members: copy their schemas here (the same type)."""
        declared = out.get("properties") or {}
        for name in [r for r in out.get("required") or [] if r not in declared]:
            found = self._member_property(out["allOf"], name)
            # Declared by no member: a field of any type, not dropped.
            out.setdefault("properties", {})[name] = {} if found is None else found

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
        """A discriminator beside oneOf/anyOf, its mapping in spec references. Without a mapping a member is also
        selected by its schema name: where the spec renamed a member, the mapping says the document's name. On a
        schema without oneOf/anyOf (the base of an allOf hierarchy) it selects nothing the spec can express."""
        given = self._mapping(node["discriminator"])
        members = {m.get("$ref") for m in out.get("oneOf") or out.get("anyOf") or []}
        if not isinstance(given.get("propertyName"), str):
            self.warn(path + ("discriminator",), "a discriminator without a 'propertyName'; dropped", "bad-schema")
            return
        if not (out.get("oneOf") or out.get("anyOf")):
            if path[:2] == ("components", "schemas") and len(path) == 3 and self._included(str(path[2])):
                self.warn(path + ("discriminator",), "a discriminator on the base of an allOf hierarchy cannot be "
                          "expressed: responses are read as this schema (the fields of the others are kept); "
                          "dropped", "discriminator")
            return  # anywhere else it selects nothing
        mapping: dict[str, str] = {}
        for value, target in self._mapping(given.get("mapping")).items():
            ref = str(target)
            spec_ref = "#/schemas/" + self.names.get(_schema_name(ref) or ref, "")
            if spec_ref not in members:
                self.warn(path + ("discriminator", "mapping", value),
                          f"discriminator mapping '{value}' -> '{ref}' names no member of oneOf/anyOf; dropped")
            else:
                mapping[str(value)] = spec_ref
        renamed = {source: name for source, name in self.names.items() if source != name}
        for source, name in renamed.items():
            if "#/schemas/" + name in members and "#/schemas/" + name not in mapping.values():
                mapping.setdefault(source, "#/schemas/" + name)
        out["discriminator"] = {"propertyName": given["propertyName"]}
        if mapping:
            out["discriminator"]["mapping"] = mapping


    def _included(self, name: str) -> bool:
        """Whether some schema of the document includes schema `name` through allOf."""
        ref = COMPONENT_SCHEMAS + name.replace("~", "~0").replace("/", "~1")
        return any(isinstance(m, dict) and m.get("$ref") == ref for schema in self.source_schemas.values()
                   if isinstance(schema, dict) for m in _list(schema.get("allOf")))

    def _check_discriminators(self, spec: dict[str, Any]) -> None:
        """Once the spec is complete: a member that is itself a union (of objects) is replaced by its members, so
        the property selects among them all; a discriminator whose members the spec still cannot tell apart (a
        member that is not an object, or does not declare the property) is dropped with a warning: the union
        stays, and responses are matched against its members in turn."""
        schemas = spec.get("schemas") or {}
        for out in list(_discriminated(spec)):
            path = self.discriminated.get(id(out["discriminator"]), ({}, ()))[1]
            prop = out["discriminator"]["propertyName"]
            key = "oneOf" if "oneOf" in out else "anyOf"
            out[key] = list(self._lifted(out[key], schemas))
            for index, member in enumerate(out[key]):
                target = _spec_target(member, schemas)
                if target is None or not _spec_object(target) or prop not in _spec_declared(target, schemas):
                    self.warn(path + ("discriminator",), f"member {index + 1} of the union does not declare the "
                              f"property '{prop}'; the discriminator is dropped and responses are matched against "
                              "each member in turn", "discriminator")
                    del out["discriminator"]
                    break

    @staticmethod
    def _lifted(members: list[dict[str, Any]], schemas: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
        seen: list[Any] = []
        for member in members:
            target = _spec_target(member, schemas)
            inner = (target.get("oneOf") or target.get("anyOf")) if target and not target.get("nullable") else None
            parts = list(Schemas._lifted(inner, schemas, depth + 1)) if inner and depth < 5 else [member]
            for part in parts:
                if part not in seen:
                    seen.append(part)
                    yield part

    def _referenced(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` (ours), or the document's schema its chain of `$ref`s ends at; {} where it leads nowhere."""
        for _ in range(20):
            if "$ref" not in schema:
                return schema
            source = next((k for k, v in self.names.items() if "#/schemas/" + v == schema["$ref"]), None)
            schema = self._mapping(self.source_schemas.get(source)) if source else {}
        return {}


def _discriminated(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema of a spec with a discriminator (not inside examples and defaults, which are data)."""
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict):
            yield node
        for key, value in node.items():
            if key not in ("example", "default"):
                yield from _discriminated(value)
    elif isinstance(node, list):
        for value in node:
            yield from _discriminated(value)


def _spec_target(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """A spec schema, or the one its chain of `$ref`s ends at; None where it leads nowhere."""
    for _ in range(20):
        if "$ref" not in schema:
            return schema
        found = schemas.get(schema["$ref"][len("#/schemas/"):])
        if not isinstance(found, dict):
            return None
        schema = found
    return None


def _spec_object(schema: dict[str, Any]) -> bool:
    """Whether the spec makes a class of it (as the IR decides)."""
    return "properties" in schema or "allOf" in schema or (
        schema.get("type") == "object" and "additionalProperties" not in schema)


def _spec_declared(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> set[str]:
    """The property names of a spec schema, with those its allOf members bring in."""
    target = _spec_target(schema, schemas)
    if target is None or depth > 20:
        return set()
    names = set(target.get("properties") or {})
    for member in target.get("allOf") or []:
        names |= _spec_declared(member, schemas, depth + 1)
    return names


def _any() -> dict[str, Any]:
    """The schema of any value: what a malformed schema is read as."""
    return {}


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
