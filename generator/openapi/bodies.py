"""Request bodies: the media type that is sent (`request_format`) and the body's parameters."""

from __future__ import annotations

import json
import re
from typing import Any

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
            return {"body": param}, keys
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
            return {"body": param}, keys
        encoding = self._mapping(media.get("encoding")) if request_format in ("form", "multipart") else {}
        # A property the body schema requires is a required parameter, even when the body itself is optional
        # (`requestBody.required` false): a body is sent whenever a body parameter is passed, and a body sent
        # without its required properties is one the server rejects.
        return {name: self._body_param(prop, name in fields[1],
                                       _encoding_style(self._mapping(encoding.get(name))))
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
    def _body_param(prop: dict[str, Any], required: bool, style: dict[str, Any] | None = None) -> dict[str, Any]:
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
