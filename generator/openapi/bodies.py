"""Request bodies: the media type that is sent (`request_format`) and the body's parameters."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import naming
from ..load import JsonPath
from .documents import NO_EXAMPLE, first_example
from .schemas import Schemas

_MEDIA_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
# Media types of request bodies in the order they are preferred when a body offers several (JSON first).
_BODY_PREFERENCE = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


class Bodies(Schemas):
    """`_body`: the parameters of an operation's `requestBody` and the method keys that say how it is sent."""

    def _body(self, operation: dict[str, Any], path: JsonPath,
              taken: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The body's parameters, and the method keys that say how it is sent (`request_format`, `content_type`).
        Of several media types JSON wins, then a form, multipart, text, and any other type as binary; the others
        stay reachable through `extra_body`/`extra_headers` only, so they are noted (not a failure)."""
        if "requestBody" not in operation:
            return {}, {}
        body, body_path = self._deref(operation["requestBody"], path + ("requestBody",))
        if path[-1] == "get":
            self.warn(body_path, "a GET request cannot carry a body; dropped", "body-on-get")
            return {}, {}
        content = self._mapping(self._mapping(body).get("content"))
        if not content:
            self.warn(body_path, "request body has no content; dropped")
            return {}, {}
        media_type, media_node = self._json_media(content) or _preferred_media(content)
        request_format, content_type = _request_format(media_type)
        media_path = body_path + ("content", media_type)
        required = self._mapping(body).get("required") is True
        media = self._mapping(media_node)
        keys: dict[str, Any] = {}
        if request_format != "json":
            keys["request_format"] = request_format
        if content_type:
            keys["content_type"] = content_type
        if request_format in ("binary", "text"):
            schema = {"type": "string"} if request_format == "text" else {"type": "string", "format": "binary"}
            param: dict[str, Any] = {"in": "body", "root": True}
            if required:
                param["required"] = True
            description = self._mapping(body).get("description")
            if description:
                param["description"] = str(description).strip()
            param["schema"] = schema
            return {self._root_name({}, taken): param}, keys
        schema = self.schema(media.get("schema", {}), media_path + ("schema",))
        fields = self._body_fields(schema, taken)
        if fields is None and request_format in ("form", "multipart"):
            self.warn(media_path + ("schema",), f"a {media_type} body that is not an object with properties cannot "
                      "be expressed; sent as JSON", "body-format")
            keys = {}
        if fields is None:
            param = {"in": "body", "root": True}
            if required:
                param["required"] = True
            description = self._mapping(body).get("description")
            if description:
                param["description"] = str(description).strip()
            example = self._stringified(first_example(media), schema)
            if example is not NO_EXAMPLE:
                param["example"] = example
            param["schema"] = schema
            return {self._root_name(schema, taken): param}, keys
        example = self._stringified(first_example(media), schema)
        encoding = self._mapping(media.get("encoding")) if request_format in ("form", "multipart") else {}
        # A property the body schema requires is a required parameter, even when the body itself is optional
        # (`requestBody.required` false): a body is sent whenever a body parameter is passed, and a body sent
        # without its required properties is one the server rejects.
        # An example of the whole body gives each field its example, where the property has none of its own.
        examples = example if isinstance(example, dict) else {}
        return {name: self._body_param(prop, name in fields[1],
                                       _encoding_style(self._mapping(encoding.get(name))), examples.get(name, NO_EXAMPLE))
                for name, prop in fields[0].items()}, keys

    def _stringified(self, example: Any, schema: dict[str, Any]) -> Any:
        """A JSON body's example given as stringified JSON ("[{...}]") where the schema wants an object or array is
        that JSON; a string that is not JSON there is no example at all."""
        if not isinstance(example, str):
            return example
        resolved = schema
        for _ in range(20):
            if "$ref" not in resolved:
                break
            source = next((k for k, v in self.names.items() if v == resolved["$ref"][len("#/schemas/"):]), None)
            if source is None:
                return example
            resolved = self.schema(self.source_schemas[source], ("components", "schemas", source))
        if resolved.get("type") not in ("object", "array"):
            return example
        try:
            value = json.loads(example)
        except ValueError:
            return NO_EXAMPLE
        return value if isinstance(value, dict if resolved["type"] == "object" else list) else NO_EXAMPLE

    def _component(self, ref: str) -> dict[str, Any] | None:
        """The document's schema that a spec reference (`#/schemas/Name`) names, converted; None for no such."""
        sources = getattr(self, "_sources", None)
        if sources is None:
            sources = self._sources = {"#/schemas/" + v: k for k, v in self.names.items()}
        source = sources.get(ref)
        if source is None:
            return None
        return self.schema(self.source_schemas[source], ("components", "schemas", source))

    def _object_shape(self, schema: dict[str, Any], member: bool = False,
                      depth: int = 0) -> tuple[dict[str, Any], list[str], bool] | None:
        """(properties, required, nullable) of a schema that is an object with properties: directly, through
        `$ref`s, or as the allOf of such objects (the members' properties in order, a later declaration of a name
        winning unless it says nothing, `{}`). None for anything else: a union, an array, a primitive, a map, or
        an object without properties (an allOf member without properties adds only its `required`)."""
        if depth > 20:
            return None
        nullable = schema.get("nullable") is True
        if "$ref" in schema:
            target = self._component(str(schema["$ref"]))
            shape = None if target is None else self._object_shape(target, member, depth + 1)
            return None if shape is None else (shape[0], shape[1], shape[2] or nullable)
        if (schema.get("oneOf") or schema.get("anyOf")) and not _alternatives_only(schema) or \
                schema.get("type", "object") != "object" or \
                {"items", "enum", "const"} & set(schema):
            return None
        if "properties" not in schema and "allOf" not in schema and not member:
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        shapes = []
        for part in schema.get("allOf") or []:
            shape = self._object_shape(part, True, depth + 1) if isinstance(part, dict) else None
            if shape is None:
                return None
            shapes.append(shape[:2])
        shapes.append((schema.get("properties") or {}, list(schema.get("required") or [])))
        for declared, needed in shapes:
            for name, prop in declared.items():
                if prop or name not in properties:
                    properties[name] = prop
            required += needed
        return properties, list(dict.fromkeys(required)), nullable

    def _body_fields(self, schema: dict[str, Any], taken: dict[str, Any]) -> tuple[dict[str, Any], set[str]] | None:
        """An object body (inline, a `$ref`, an allOf of objects) becomes one parameter per property. Not when a
        property's Python name is that of a path, query, header or cookie parameter, nor when the body may be null
        and some property is required (then no argument could say `null`); a nullable body whose properties are
        all optional is flattened: no argument sends `{}`."""
        shape = self._object_shape(schema)
        if shape is None or not shape[0]:
            return None
        properties, required, nullable = shape
        if nullable and required:
            return None
        others = {naming.param_name(name) for name, param in taken.items() if param.get("in") != "body"}
        if set(properties) & set(taken) or {naming.param_name(name) for name in properties} & others:
            return None
        return properties, set(required)

    def _root_name(self, schema: dict[str, Any], taken: dict[str, Any]) -> str:
        """The name of a body that stays one argument, after what it holds: a `$ref` to `Order` (or an allOf of
        it) -> `order`, an array of `Order` -> `orders`; the last word of the schema's name once the words that
        only say "request" are dropped (`OrderSubmissionRequest` -> `order`); a list schema (`OrderList`,
        `Orders`) -> `orders`. `body` for anything else, and where the name is that of another parameter or not
        a plain Python name."""
        found = _held_name(schema, self._spec_names())
        others = {naming.param_name(name) for name in taken} | set(taken)
        for candidate in (found, "body"):
            if candidate and candidate not in others and naming.param_name(candidate) == candidate:
                return candidate
        return naming.numbered("body", others)

    def _spec_names(self) -> dict[str, dict[str, Any]]:
        """Spec schema name -> the document's schema (unconverted), for naming what a body holds."""
        return {name: self._mapping(self.source_schemas.get(source)) for source, name in self.names.items()}

    @staticmethod
    def _body_param(prop: dict[str, Any], required: bool, style: dict[str, Any] | None = None,
                    example: Any = NO_EXAMPLE) -> dict[str, Any]:
        param: dict[str, Any] = {"in": "body"}
        if required:
            param["required"] = True
        param.update(style or {})
        schema = dict(prop)
        description = schema.pop("description", None) if "$ref" not in schema else schema.get("description")
        if description:
            param["description"] = description
        if "example" in schema:
            param["example"] = schema["example"] if "$ref" in schema else schema.pop("example")
        elif example is not NO_EXAMPLE:
            param["example"] = example
        param["schema"] = schema
        return param


def _encoding_style(encoding: dict[str, Any]) -> dict[str, Any]:
    """A form or multipart field's `style`/`explode` from its OpenAPI `encoding` entry; {} for the default (form,
    exploded). Its `contentType` and `headers` are left to the SDK's defaults (a file's type from its name)."""
    style = encoding.get("style", "form")
    explode = encoding.get("explode", style == "form")
    if style not in ("form", "spaceDelimited", "pipeDelimited", "deepObject"):
        return {}
    if style == "form" and explode is not False:
        return {}
    return {"style": style} | ({"explode": bool(explode)} if explode != (style == "form") else {})


def _preferred_media(content: dict[str, Any]) -> tuple[str, Any]:
    bases = {str(media_type).split(";")[0].strip().lower(): str(media_type) for media_type in content}
    for preferred in _BODY_PREFERENCE:
        if preferred in bases:
            return bases[preferred], content[bases[preferred]]
    first = next(iter(content))
    return str(first), content[first]


def _request_format(media_type: str) -> tuple[str, str]:
    """The spec's `request_format` and `content_type` (when not the format's default) of a media type."""
    base = media_type.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json") or base == "*/*":
        return "json", ""
    if base == "application/x-www-form-urlencoded":
        return "form", ""
    if base.startswith("multipart/"):
        return "multipart", ""
    if base == "text/plain":
        return "text", ""
    if base.startswith("text/") and _MEDIA_TYPE.match(base):
        return "text", base
    if base == "application/octet-stream" or "*" in base or not _MEDIA_TYPE.match(base):
        return "binary", ""
    return "binary", base


# Words of a schema's name that only say it is sent, dropped when a body is named after its schema.
REQUEST_WORDS = frozenset({"request", "req", "body", "payload", "input", "params", "parameters", "param", "args",
                           "arguments", "dto", "submission"})
# Words that are their own plural.
UNCOUNTED = frozenset({"data", "metadata", "info", "information", "news", "series", "species", "feedback", "media"})
# Words that say a schema is a list of something, dropped before the plural is made (`OrderList` -> `orders`).
LIST_WORDS = frozenset({"list", "array", "collection"})


def _held_name(schema: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> str:
    """What a body that stays one argument holds, as a snake_case name; '' when it holds nothing named."""
    if "$ref" in schema:
        name = str(schema["$ref"])[len("#/schemas/"):]
        target = schemas.get(name, {})
        kind = target.get("type")
        listed = kind == "array" or (isinstance(kind, list) and "array" in kind)
        return _noun(name, plural=listed)
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict) and "$ref" in items:
        return _noun(str(items["$ref"])[len("#/schemas/"):], plural=True)
    members = [m for m in schema.get("allOf") or [] if isinstance(m, dict)]
    if len(members) == 1:
        return _held_name(members[0], schemas)
    return ""


def _noun(schema_name: str, plural: bool) -> str:
    parts = naming.words(schema_name)
    while len(parts) > 1 and parts[-1] in REQUEST_WORDS:
        parts.pop()
    if plural:
        while len(parts) > 1 and parts[-1] in LIST_WORDS:
            parts.pop()
        return _plural(parts[-1]) if parts else ""
    return parts[-1] if parts else ""


def _plural(word: str) -> str:
    """order -> orders, entry -> entries, address -> addresses, analysis -> analyses; a word that reads as a plural
    already (or has none: data, metadata, news, ...) is kept."""
    if naming.singular(word) != word or word in UNCOUNTED or word.endswith("thing"):
        return word
    if word.endswith("is") and len(word) > 3:
        return word[:-2] + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _alternatives_only(schema: dict[str, Any]) -> bool:
    """An object whose oneOf/anyOf members only say which of its own properties are required (OpenAI's
    `anyOf: [{required: [file_ids]}, {required: [files]}]`): its shape is its own properties, all as declared."""
    declared = schema.get("properties") or {}
    members = list(schema.get("oneOf") or []) + list(schema.get("anyOf") or [])
    return bool(declared) and all(
        isinstance(m, dict) and set(m) <= {"type", "required", "properties", "description", "title"}
        and m.get("type", "object") == "object"
        and all(name in declared and not prop for name, prop in (m.get("properties") or {}).items())
        for m in members)
