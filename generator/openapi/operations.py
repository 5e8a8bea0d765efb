"""Operations -> methods: the resources tree and method names; parameters, bodies and responses come from the
mixins of their own modules."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from .. import naming
from ..load import JsonPath
from .bodies import Bodies
from .documents import DOC_ONLY, VERBS
from .pagination import Pages
from .parameters import Parameters
from .responses import Responses
from .security import Security

VERSION = re.compile(r"^v[0-9]+([.][0-9]+)?((alpha|beta)[0-9]*)?$")


class Operations(Parameters, Bodies, Responses, Security, Pages):
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
        self._pages_and_keys(method, verb, operation, override, path)  # pagination.py
        return method


def _derived_name(verb: str, route: str) -> str:
    """A method name when there is no operationId: GET /v1/orders/{id} -> get_orders_by_id."""
    parts = [verb]
    for segment in (s for s in route.split("/") if s and not VERSION.match(s)):
        parts.append("by_" + naming.snake(segment[1:-1]) if segment.startswith("{") else naming.snake(segment))
    return "_".join(p for p in parts if p)
