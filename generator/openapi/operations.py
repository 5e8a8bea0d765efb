"""Operations -> methods: the resources tree, method names, parameters, request bodies and responses."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from .. import naming
from ..load import JsonPath
from .documents import COMPONENT_SCHEMAS, DOC_ONLY, VERBS, _list, _schema_name, pointer
from .envelope import Envelope
from .schemas import SCALAR_TYPES
from .security import Security

_MEDIA_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
VERSION = re.compile(r"^v[0-9]+([.][0-9]+)?((alpha|beta)[0-9]*)?$")


class Operations(Envelope, Security):
    """`_resources` walks `paths` once; each operation becomes a method through `_add_method`."""

    # resources and methods ---------------------------------------------------------------------------------------

    def _resources(self) -> tuple[dict[str, Any], int]:
        tree: dict[str, Any] = {}
        count = 0
        self._streams: list[tuple[dict[str, Any], str, dict[str, Any], JsonPath]] = []
        for route, item in self._mapping(self.root.get("paths")).items():
            item, item_path = self._deref(item, ("paths", route))
            for verb, operation in self._mapping(item).items():
                where = item_path + (verb,)
                if verb in VERBS and isinstance(operation, dict):
                    add = partial(self._add_method, tree, route, verb, operation, self._mapping(item), where)
                    count += self._guard(where, "this operation", add, 0)
                elif verb in ("head", "options", "trace"):
                    self.warn(where, f"{verb.upper()} operations cannot be expressed; skipped")
                elif verb not in ("parameters", "description", "summary", "$ref", "servers"):
                    self.warn(where, f"'{verb}' cannot be expressed; dropped")
        self._add_streams()
        return self._describe(tree), count

    def _add_streams(self) -> None:
        """Each `{name}_stream` method goes right after its JSON method, once every operation has its name, so an
        operation never loses its name to one: a taken name gets a numeric suffix (`{name}_stream_2`)."""
        for resource, json_name, stream, path in self._streams:
            methods = resource["methods"]
            taken = set(methods) | set(resource.get("resources") or {})
            name = f"{json_name}_stream"
            if name in taken:
                unique = next(f"{name}_{n}" for n in range(2, 1000) if f"{name}_{n}" not in taken)
                self.warn(path, f"method name '{name}' is taken; the event-stream method of this operation is named "
                          f"'{unique}'", "renamed")
                name = unique
            ordered: dict[str, Any] = {}
            for key, value in methods.items():
                ordered[key] = value
                if key == json_name:
                    ordered[name] = stream
            resource["methods"] = ordered

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
        stream = self._stream_method(methods[name], operation, path)
        if stream is not None:
            self._streams.append((resource, name, stream, path))
        return 1

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
        if field is not None and field.get("in") == "body" and not field.get("root") and \
                self._boolean(field["schema"]):
            del params["stream"]
            stream["body_values"] = {"stream": True}
        elif "body" in params and params["body"].get("root") and stream.get("request_format", "json") == "json" \
                and self._boolean_property(params["body"]["schema"], "stream"):
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
        for key in operation:
            if key == "callbacks":
                self.warn(path + (key,), f"operation '{key}' cannot be expressed; dropped")
            elif key not in ("security", "servers", "tags", "summary", "description", "operationId", "parameters", "requestBody",
                             "responses", "deprecated") and key not in DOC_ONLY:
                self.warn(path + (key,), f"'{key}' cannot be expressed; dropped")
        renames = {str(k): str(v) for k, v in self._mapping(override.get("params")).items()}
        params = self._params(operation, item, path)
        body_params, body_keys = self._body(operation, path, params)
        params.update(body_params)
        params = self._path_params(params, route, path)
        route = self._styled_route(params, route)
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
        method.update(body_keys)
        if override.get("pagination") is True or isinstance(override.get("pagination"), dict):
            method["pagination"] = override["pagination"] if isinstance(override["pagination"], dict) else {}
        security = self._operation_security(operation.get("security"), path + ("security",))
        if security is not None:
            method["security"] = security
        base_url = self._operation_base_url(operation, item, path)
        if base_url:
            method["base_url"] = base_url
        if params:
            method["params"] = params
        response, response_format = self._response(operation, path)
        if response_format != "json":
            method["response_format"] = response_format
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
            elif param["in"] == "path" and not self._path_value(param["schema"]):
                self.warn(path, f"path parameter '{name}' is not a string, number or boolean, nor an array or "
                          "object of them; imported as a string", "path-param")
                param["schema"] = {"type": "string"}
        return params

    def _scalar(self, schema: dict[str, Any]) -> bool:
        schema = self._referenced(schema)
        if "allOf" in schema or "properties" in schema:
            return False
        return schema.get("type") in SCALAR_TYPES or ("enum" in schema and "type" not in schema)

    def _path_value(self, schema: dict[str, Any]) -> bool:
        """What a path parameter can be (simple style): a scalar, an array of scalars, an object of scalars."""
        if self._scalar(schema):
            return True
        resolved = self._referenced(schema)
        if resolved.get("type") == "array":
            return isinstance(resolved.get("items"), dict) and self._scalar(resolved["items"])
        properties = resolved.get("properties")
        return resolved.get("type") == "object" and "allOf" not in resolved and isinstance(properties, dict) and \
            bool(properties) and all(isinstance(p, dict) and self._scalar(p) for p in properties.values())

    def _is_array(self, schema: dict[str, Any]) -> bool:
        kind = self._referenced(schema).get("type")
        return kind == "array" or (isinstance(kind, list) and "array" in kind)  # 3.1: [array, "null"]

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
            if converted is not None and name in params:
                self.warn(param_path, f"{where} parameter '{name}' has the name of the {params[name]['in']} "
                          "parameter before it, and the spec names parameters by wire name; dropped", "param-name")
            elif converted is not None:
                params[name] = converted
        return params

    def _param(self, name: str, where: str, param: dict[str, Any], path: JsonPath) -> dict[str, Any] | None:
        if where not in ("path", "query", "header", "cookie"):
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
        style = self._style(where, param, schema, path)
        out: dict[str, Any] = {"in": where}
        if param.get("required") is True and where != "path":
            out["required"] = True
        out.update(style)
        description = param.get("description") or schema.pop("description", None)
        if description:
            out["description"] = str(description).strip()
        example = _first_example(param)
        if example is not _NONE:
            out["example"] = example
        out["schema"] = schema
        return out

    def _style(self, where: str, param: dict[str, Any], schema: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        """The spec's keys for a parameter's `style`/`explode`: a query array of style form, not exploded, is
        `array_format: comma` (ids=a,b); other query styles are `style` (and `explode` where it is not the
        style's default); path styles `label`/`matrix` are written into the path (see _styled_route)."""
        style = param.get("style", {"query": "form", "cookie": "form", "path": "simple"}.get(where, "simple"))
        explode = param.get("explode", style == "form")
        for key in ("allowReserved", "allowEmptyValue"):
            if param.get(key):
                self.warn(path + (key,), f"'{key}' cannot be expressed; dropped")
        if where == "query":
            if style == "form" and explode is False and self._is_array(schema):
                return {"array_format": "comma"}
            if style in ("spaceDelimited", "pipeDelimited", "deepObject") or (style == "form" and explode is False):
                return {"style": style} | ({"explode": bool(explode)} if explode != (style == "form") else {})
            if style != "form":
                self.warn(path + ("style",), f"query parameter style '{style}' is not an OpenAPI query style; "
                          "sent as style form", "param-style")
            return {}
        if where in ("path", "header") and explode is True and not self._scalar(schema):
            self.warn(path + ("explode",), f"an exploded {where} parameter that is an array or object cannot be "
                      "expressed; sent not exploded (a,b / k,v)", "param-style")
        if where == "path" and style in ("label", "matrix"):
            return {"_path_style": style}
        return {}

    def _styled_route(self, params: dict[str, Any], route: str) -> str:
        """Path parameters of style `label` (`/{id}` -> `/.{id}`) and `matrix` (`/;id={id}`): the prefix is
        literal text of the path, the value is encoded into it as for any path parameter."""
        for name, param in params.items():
            style = param.pop("_path_style", None)
            if style == "label":
                route = route.replace("{" + name + "}", ".{" + name + "}")
            elif style == "matrix":
                route = route.replace("{" + name + "}", ";" + name + "={" + name + "}")
        return route

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
            example = self._stringified(_first_example(media), schema)
            if example is not _NONE:
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
            return _NONE
        return value if isinstance(value, dict if resolved["type"] == "object" else list) else _NONE

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

    # responses ---------------------------------------------------------------------------------------------------

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


_NONE = object()
# Media types of request bodies in the order they are preferred when a body offers several (JSON first).
_BODY_PREFERENCE = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


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


def _derived_name(verb: str, route: str) -> str:
    """A method name when there is no operationId: GET /v1/orders/{id} -> get_orders_by_id."""
    parts = [verb]
    for segment in (s for s in route.split("/") if s and not VERSION.match(s)):
        parts.append("by_" + naming.snake(segment[1:-1]) if segment.startswith("{") else naming.snake(segment))
    return "_".join(p for p in parts if p)
