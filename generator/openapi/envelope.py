"""Envelope detection: the schema most success responses are wrapped in (`allOf: [{$ref: Envelope}, {properties:
{data: ...}}]`) -> the spec's `envelope`, and a response's data schema read through it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from ..load import JsonPath
from .documents import COMPONENT_SCHEMAS, _schema_name
from .schemas import Schemas, _any


class Envelope(Schemas):
    """Finds the envelope before anything is converted (`_find_envelope`), then writes it and unwraps responses."""

    def _find_envelope(self) -> tuple[str | None, str]:
        given = self._mapping(self.config.get("envelope"))
        counts: dict[tuple[str, str], int] = {}
        payloads: dict[tuple[str, str], set[str]] = {}
        total = 0
        for _, _, operation in self._operations():
            none: list[tuple[str, str, Any] | None] = []
            for found in self._guard((), "a response", partial(self._wrapped_responses, operation), none):
                total += 1
                if found:
                    counts[found[:2]] = counts.get(found[:2], 0) + 1
                    payloads.setdefault(found[:2], set()).add(json.dumps(found[2], sort_keys=True, default=str))
        if "schema" in given:
            data = str(given.get("data") or next((d for (e, d) in counts if e == given["schema"]), "data"))
            return str(given["schema"]), data
        # An envelope wraps most responses, around payloads of different types; a schema that some responses extend
        # (Pet: allOf: [{$ref: NewPet}, {properties: {id: ...}}]) is not one. Taken for one, every such response
        # would be misread; left out, the wrapped responses are still read whole, as the models they are.
        best = max(counts, key=lambda k: counts[k]) if counts else None
        if best is None or counts[best] * 2 <= total or (counts[best] > 1 and len(payloads[best]) < 2):
            return None, str(given.get("data", "data"))
        envelope, data = best
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

    def _envelope(self) -> dict[str, Any] | None:
        """The spec's envelope; None when no response is wrapped in one: methods then return their responses."""
        name = self.envelope_name
        if name is None:
            return None
        if name not in self.source_schemas:
            message = f"envelope schema '{name}' does not exist; importing without an envelope"
            if "schema" in self._mapping(self.config.get("envelope")):
                self.config_warn(("envelope", "schema"), message)
            else:
                self.warn(("components", "schemas"), message, "no-envelope")
            self.envelope_name = None
            return None
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

    def _success_schemas(self, operation: dict[str, Any]) -> Iterator[Any]:
        for code, response in self._mapping(operation.get("responses")).items():
            if str(code).startswith("2"):
                response = self._deref(response, ())[0]
                media = self._json_media(self._mapping(self._mapping(response).get("content")))
                if media is not None:
                    yield self._mapping(media[1]).get("schema")

    def _data(self, schema: Any, path: JsonPath) -> dict[str, Any]:
        found = self._wrapped(schema)
        if found and found[0] == self.envelope_name and found[1] == self.data_field:
            return self.schema(found[2], _data_path(self, schema, path))
        if self.envelope_name:
            self.warn(path, f"the response is not wrapped in the envelope '{self.envelope_name}'; the SDK reads it "
                      f"from the envelope's '{self.data_field}' field", "no-envelope")
        return self.schema(schema, path)


def _data_path(importer: Envelope, schema: Any, path: JsonPath) -> JsonPath:
    """Where the data schema of a wrapped response sits in the document, for warnings."""
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(COMPONENT_SCHEMAS):
        name = _schema_name(schema["$ref"]) or ""
        schema, path = importer.source_schemas.get(name), ("components", "schemas", name)
    members = schema.get("allOf", []) if isinstance(schema, dict) else []
    for index, member in enumerate(members):
        if isinstance(member, dict) and "properties" in member:
            return path + ("allOf", index, "properties", importer.data_field)
    return path
