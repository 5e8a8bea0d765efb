"""Responses: what a method returns (`response`, `response_format`) and its event-stream twin."""

from __future__ import annotations

from typing import Any

from ..load import JsonPath
from .documents import COMPONENT_SCHEMAS, _list, _schema_name
from .envelope import Envelope


class Responses(Envelope):
    """`_response` reads an operation's success responses; `_stream_method` makes the `{name}_stream` twin."""

    def _stream_method(self, method: dict[str, Any], operation: dict[str, Any],
                       path: JsonPath) -> dict[str, Any] | None:
        """A success response that offers JSON and `text/event-stream` (the server streams when asked to, as
        OpenAI's do when the body says `"stream": true`): the JSON method stays as it is, and a second method with
        its parameters reads the event stream. A boolean body field `stream` is then no parameter but a fixed
        `body_values: {stream: true}`. None when the operation offers no such choice."""
        if method.get("response_format", "json") != "json":
            return None
        responses = self._mapping(operation.get("responses"))
        found: tuple[str, Any, JsonPath] | None = None
        for code in sorted(str(c) for c in responses if str(c).startswith("2")):
            response, response_path = self._deref(responses[code], path + ("responses", code))
            content = self._mapping(self._mapping(response).get("content"))
            media = next(((str(t), m) for t, m in content.items() if _response_format(str(t)) == "event_stream"), None)
            if media is not None and self._json_media(content) is not None:
                found = (media[0], media[1], response_path)
                break
        if found is None:
            return None
        media_type, media, response_path = found
        stream = {key: value for key, value in method.items() if key not in ("response", "pagination", "params")}
        params = dict(method.get("params") or {})
        field = params.get("stream")
        root = next((param for param in params.values() if param.get("in") == "body" and param.get("root")), None)
        if field is not None and field.get("in") == "body" and not field.get("root") and \
                self._boolean(field["schema"]):
            del params["stream"]
            stream["body_values"] = {"stream": True}
        elif root is not None and stream.get("request_format", "json") == "json" \
                and self._boolean_property(root["schema"], "stream"):
            stream["body_values"] = {"stream": True}
        if params:
            stream["params"] = params
        stream["response_format"] = "event_stream"
        schema = self._mapping(media).get("schema")
        if schema:
            stream["response"] = self.schema(schema, response_path + ("content", media_type, "schema"))
        return stream

    def _boolean(self, schema: dict[str, Any]) -> bool:
        """Whether a schema (ours) is a boolean, maybe nullable (`anyOf: [boolean, null]`)."""
        resolved = self._referenced(schema)
        kinds = resolved.get("type")
        if kinds == "boolean" or (isinstance(kinds, list) and "boolean" in kinds):
            return True
        members = _list(resolved.get("anyOf") or resolved.get("oneOf"))
        return bool(members) and any(self._boolean(m) for m in members if isinstance(m, dict)) and all(
            self._boolean(m) or self._referenced(m).get("type") == "null" for m in members if isinstance(m, dict))

    def _boolean_property(self, schema: dict[str, Any], name: str, depth: int = 0) -> bool:
        """Whether an object schema (ours, or the document's it refers to) has a boolean property `name`, itself or
        through the members of its `allOf`."""
        if depth > 16:
            return False
        resolved = self._referenced(schema) if "$ref" in schema else schema
        prop = self._mapping(resolved.get("properties")).get(name)
        if isinstance(prop, dict):
            return self._boolean(self._source_ref(prop))
        return any(self._boolean_property(self._source_ref(member), name, depth + 1)
                   for member in _list(resolved.get("allOf")) if isinstance(member, dict))

    def _source_ref(self, node: dict[str, Any]) -> dict[str, Any]:
        """A schema of the document (whose `$ref`s are the document's) as one of ours, for `_referenced`."""
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMAS):
            name = _schema_name(ref) or ""
            return {"$ref": "#/schemas/" + self.names[name]} if name in self.names else {}
        return node

    def _response(self, operation: dict[str, Any], path: JsonPath) -> tuple[dict[str, Any] | None, str]:
        """The method's `response` and `response_format`. JSON wins: the data schema of its JSON success responses
        (read through the envelope, when there is one); else the first success media type decides the format
        (text/event-stream, text/*, anything else binary). None when no success response has a body (or there is
        no success response at all): the method returns None."""
        responses = self._mapping(operation.get("responses"))
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        successes = []
        for code in codes:
            response, response_path = self._deref(responses[code], path + ("responses", code))
            successes.append((code, self._mapping(self._mapping(response).get("content")), response_path))
        chosen: dict[str, Any] | None = None
        chosen_code = ""
        for code, content, response_path in successes:
            media = self._json_media(content)
            if media is None:
                continue
            data = self._data(self._mapping(media[1]).get("schema"), response_path + ("content", media[0], "schema"))
            if chosen is None:
                chosen, chosen_code = data, code
            elif data != chosen:
                self.warn(response_path, f"the {code} response differs from the {chosen_code} response; the "
                          f"{chosen_code} response is used", "several-responses")
        if chosen is not None:
            for code, content, response_path in successes:
                if not content:
                    self.warn(response_path, f"a {code} response with no body cannot be expressed beside the "
                              f"{chosen_code} response's body: the SDK expects one", "no-response")
            return chosen, "json"
        for code, content, response_path in successes:
            for media_type, media in content.items():
                response_format = _response_format(str(media_type))
                if response_format != "event_stream":
                    return None, response_format
                schema = self._mapping(media).get("schema")
                if not schema:
                    return None, response_format
                schema_path = response_path + ("content", str(media_type), "schema")
                return self.schema(schema, schema_path), response_format
        return None, "json"


def _response_format(media_type: str) -> str:
    """How a success response of this (non-JSON) media type is read."""
    base = media_type.split(";")[0].strip().lower()
    if base == "text/event-stream":
        return "event_stream"
    return "text" if base.startswith("text/") else "binary"
