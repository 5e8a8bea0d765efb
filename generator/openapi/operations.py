"""Operations -> methods: the resources tree and method names; parameters, bodies and responses come from the
mixins of their own modules."""

from __future__ import annotations

from functools import partial
from typing import Any

from .. import naming
from ..load import JsonPath
from . import names
from .bodies import Bodies
from .documents import DOC_ONLY, VERBS
from .names import VERSION, Layout, Plan
from .pagination import Pages
from .parameters import Parameters
from .responses import Responses
from .security import Security


class Operations(Parameters, Bodies, Responses, Security, Pages):
    """`_resources` walks `paths` once; each operation becomes a method through `_add_method`."""

    # resources and methods ---------------------------------------------------------------------------------------

    def _resources(self) -> tuple[dict[str, Any], int]:
        tree: dict[str, Any] = {}
        self._streams: list[tuple[dict[str, Any], str, dict[str, Any], JsonPath]] = []
        entries: list[tuple[str, str, dict[str, Any], dict[str, Any], JsonPath]] = []
        for route, item in self._mapping(self.root.get("paths")).items():
            item, item_path = self._deref(item, ("paths", route))
            for verb, operation in self._mapping(item).items():
                where = item_path + (verb,)
                if verb in VERBS and isinstance(operation, dict):
                    entries.append((route, verb, operation, self._mapping(item), where))
                elif verb in ("head", "options", "trace"):
                    self.warn(where, f"{verb.upper()} operations cannot be expressed; skipped")
                elif verb not in ("parameters", "description", "summary", "$ref", "servers"):
                    self.warn(where, f"'{verb}' cannot be expressed; dropped")
        self.layout = Layout((route, verb, str(operation.get("operationId") or ""))
                             for route, verb, operation, _, _ in entries)
        planned = [(entry, self._guard(entry[4], "this operation", partial(self._plan, *entry[:3]), None))
                   for entry in entries]
        self._name_methods([p for _, p in planned if p is not None], [e[4] for e, p in planned if p is not None])
        count = 0
        for (route, verb, operation, item, where), plan in planned:
            if plan is not None:
                add = partial(self._add_method, tree, route, verb, operation, item, where, plan)
                count += self._guard(where, "this operation", add, 0)
        self._add_streams()
        if self.derived_names:
            _distinct_singulars(tree)
        return self._describe(tree), count

    @property
    def derived_names(self) -> bool:
        """The overrides file's `naming`: `derived` (the default) or `operation_id` (names as written)."""
        return bool(self.config.get("naming", "derived") != "operation_id")

    def _plan(self, route: str, verb: str, operation: dict[str, Any]) -> Plan:
        """Where an operation goes and the names it may take; `operation_id` naming takes one name, as written."""
        operation_id = str(operation.get("operationId") or "")
        override = self._method_override(operation_id or f"{verb.upper()} {route}")
        tags = operation.get("tags")
        tag = str(tags[0]) if isinstance(tags, list) and tags else None
        fixed = str(override.get("name") or "")
        if not self.derived_names:
            trail = self._trail(route, operation, override)
            name = fixed or naming.snake(operation_id) or _derived_name(verb, route)
            plan = Plan(trail, [name], fixed=True, operation_id=operation_id)
            plan.extra["describe"] = len(trail) if not override.get("resource") else None
        else:
            trail, shape, action = self.layout.trail(route, tag)
            mapped = self._tag_resource(tag) if not override.get("resource") else None
            if override.get("resource") or mapped:
                trail = self._trail(route, operation, override)
            plan = Plan(trail, [fixed], fixed=True, operation_id=operation_id) if fixed else \
                names.plan(trail, shape, action, verb, operation_id, _derived_name(verb, route))
            matching = [i for i, part in enumerate(trail) if tag and names.names_match(part, tag)]
            plan.extra["describe"] = (len(trail) if mapped else matching[-1] + 1 if matching else None) \
                if not override.get("resource") else None
        plan.extra["override"] = override
        plan.extra["tag"] = tag
        return plan

    def _name_methods(self, plans: list[Plan], paths: list[JsonPath]) -> None:
        """Every operation's method name, resource by resource, once all resources are known."""
        by_trail: dict[tuple[str, ...], list[tuple[Plan, JsonPath]]] = {}
        for plan, path in zip(plans, paths):
            by_trail.setdefault(tuple(plan.trail), []).append((plan, path))
        for trail, group in by_trail.items():
            if not self.derived_names:  # as written; a taken name gets a numeric suffix when the method is added
                for plan, _ in group:
                    plan.name = plan.candidates[0]
                continue
            children = {t[len(trail)] for t in by_trail if len(t) > len(trail) and t[:len(trail)] == trail}
            where = {id(plan): path for plan, path in group}
            for plan, wanted, given in names.resolve([plan for plan, _ in group], children):
                self.warn(where[id(plan)], f"method name '{wanted}' is taken in '{'.'.join(trail)}'; named '{given}'",
                          "renamed")

    def _add_streams(self) -> None:
        """Each `{name}_stream` method goes right after its JSON method, once every operation has its name, so an
        operation never loses its name to one: a taken name gets a numeric suffix (`{name}_stream_2`)."""
        for resource, json_name, stream, path in self._streams:
            methods = resource["methods"]
            taken = set(methods) | set(resource.get("resources") or {})
            name = f"{json_name}_stream"
            if name in taken:
                unique = naming.numbered(name, taken)
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
                    item: dict[str, Any], path: JsonPath, plan: Plan) -> int:
        override: dict[str, Any] = plan.extra["override"]
        trail, name, tag = plan.trail, plan.name, plan.extra["tag"]
        resource = self._resource_at(tree, trail)
        describe = plan.extra["describe"]
        if describe is not None and tag in self.tag_texts:
            self._resource_at(tree, trail[:describe]).setdefault("description", self.tag_texts[tag])
        methods = resource.setdefault("methods", {})
        if name in methods or name in (resource.get("resources") or {}):
            unique = naming.numbered(name, methods)
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
        """The resource of `naming: operation_id`, or of a `resource:` override or a tag `resources:` maps: the
        version prefix, then the (mapped) first tag, else the first literal segment."""
        if override.get("resource"):
            return [part for part in str(override["resource"]).split(".") if part]
        segments = [s for s in route.split("/") if s]
        trail = [segments.pop(0)] if segments and VERSION.match(segments[0]) else []
        tags = operation.get("tags")
        if isinstance(tags, list) and tags:
            tag = str(tags[0])
            mapped = self._tag_resource(tag)
            return trail + (mapped.split(".") if mapped else [naming.snake(tag) or "default"])
        literal = [s for s in segments if not s.startswith("{")]
        return trail + [naming.snake(literal[0]) if literal else "root"]

    def _tag_resource(self, tag: str | None) -> str | None:
        """The resource the overrides file's `resources:` gives a tag's operations."""
        mapped = self._mapping(self.config.get("resources")).get(tag) if tag is not None else None
        if mapped:
            self.used_config.add(("resources", str(tag)))
        return str(mapped) if mapped else None

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
            if node.get("singular"):
                resource["singular"] = node["singular"]
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


def _distinct_singulars(tree: dict[str, Any]) -> None:
    """Sibling resources put their method types in one package: of two whose singulars are one word (`pet` and
    `pets`), the later one keeps its name as its singular (`PetsListParams`)."""
    seen: set[str] = set()
    for name, node in tree.items():
        singular = naming.resource_singular(name, node.get("singular"))
        if singular in seen:
            node["singular"] = naming.snake(name)
        seen.add(naming.resource_singular(name, node.get("singular")))
        _distinct_singulars(node.get("resources") or {})
