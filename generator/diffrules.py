"""The rules of `clientgen diff` (ids and levels in diff.RULES), part by part of the surface: the client, resources,
methods and their parameters and return types, named types."""

from __future__ import annotations

from typing import Any

from .diff import Change, change, finding_change
from .difftypes import Finding, Types, parse
from .surface import usage


class Comparison:
    def __init__(self, old: dict[str, Any], new: dict[str, Any], types: Types) -> None:
        self.old, self.new, self.types = old, new, types
        self.changes: list[Change] = []

    def add(self, rule: str, sdk_path: str, location: str, message: str) -> None:
        self.changes.append(change(rule, sdk_path, location, message))

    def run(self) -> list[Change]:
        self.client(self.old["api"], self.new["api"])
        self.resources()
        self.methods()
        self.unused: list[Change] = []
        self.named_types()
        # A type no method sends or returns is still importable (a webhook's or a realtime event's payload is parsed
        # with it): its changes count, but for those already reported at the same spec node: by a method (the
        # fields of a flattened body's schema are its keyword arguments) or by the type's twin that is used.
        reported = {c.location for c in self.changes if c.location}
        return self.changes + [c for c in self.unused if c.location not in reported]

    # the client ------------------------------------------------------------------------------------------------

    def client(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        where = new["location"]
        if old["package"] != new["package"]:
            self.add("package-renamed", "client", where, f"package {old['package']} -> {new['package']}")
        if old["client"] != new["client"]:
            self.add("client-renamed", "client", where, f"client class {old['client']} -> {new['client']}")
        if old["base_url"] != new["base_url"]:
            self.add("base-url-changed", "client(base_url)", new["location_base_url"],
                     f"default base URL {old['base_url']} -> {new['base_url']}")
        for name, url in old["environments"].items():
            if name not in new["environments"]:
                self.add("environment-removed", f"client(environment={name!r})", old["location_base_url"],
                         f"environment {name!r} removed")
            elif new["environments"][name] != url and url != old["base_url"]:
                self.add("base-url-changed", f"client(environment={name!r})", new["location_base_url"],
                         f"environment {name!r}: {url} -> {new['environments'][name]}")
        for name in new["environments"]:
            if name not in old["environments"]:
                self.add("environment-added", f"client(environment={name!r})", new["location_base_url"],
                         f"environment {name!r} added")
        for name, variable in old["server_variables"].items():
            now = new["server_variables"].get(name)
            if now is None:
                self.add("server-variable-removed", f"client({name})", old["location_base_url"],
                         f"server variable {name} removed")
            elif now["default"] != variable["default"]:
                self.add("base-url-changed", f"client({name})", new["location_base_url"],
                         f"default of {name}: {variable['default']!r} -> {now['default']!r}")
            elif set(variable["enum"]) - set(now["enum"]) and now["enum"]:
                self.add("enum-value-removed", f"client({name})", new["location_base_url"],
                         "values removed: " + ", ".join(sorted(set(variable["enum"]) - set(now["enum"]))))
        for name in new["server_variables"]:
            if name not in old["server_variables"]:
                self.add("server-variable-added", f"client({name})", new["location_base_url"],
                         f"server variable {name} added")
        self.auth(old, new)
        for name, env in old["env"].items():
            now = new["env"].get(name)
            if now is not None and now != env:
                self.add("env-var-changed", f"client({name})", where, f"read from ${now} instead of ${env}")
        if (old["name"], old.get("description")) != (new["name"], new.get("description")):
            self.add("description-changed", "client", where, "API name or description changed")

    def auth(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        where = new["location_auth"]
        if old["auth"] != new["auth"]:
            self.add("auth-changed", "client(auth)", where, f"auth {_auth_text(old['auth'])} -> {_auth_text(new['auth'])}")
        for name, scheme in old["schemes"].items():
            now = new["schemes"].get(name)
            if now is None:
                self.add("auth-changed", f"client(auth={name})", old["location_auth"], f"security scheme {name} removed")
            elif now != scheme:
                self.add("auth-changed", f"client(auth={name})", where,
                         f"security scheme {name}: {_scheme_text(scheme)} -> {_scheme_text(now)}")
        if old["security"] != new["security"]:
            self.add("auth-changed", "client(auth)", where,
                     f"credentials a call sends: {_security_text(old['security'])} -> {_security_text(new['security'])}")

    # resources -------------------------------------------------------------------------------------------------

    def resources(self) -> None:
        old, new = self.old["resources"], self.new["resources"]
        removed = [p for p in old if p not in new and not _under(p, old, new)]
        added = [p for p in new if p not in old and not _under(p, new, old)]
        self.gone = {p for p in old if p not in new}  # their methods are not reported one by one
        self.came = {p for p in new if p not in old}
        self.renamed: dict[str, str] = {}  # old resource path -> new
        for path in removed:
            twin = next((a for a in added if self._same_methods(path, a)), None)
            if twin is not None:
                added.remove(twin)
                self.renamed[path] = twin
                self.add("resource-renamed", path, new[twin]["location"], f"resource renamed to {twin}")
            else:
                self.add("resource-removed", path, old[path]["location"], "resource removed")
        for path in added:
            self.add("resource-added", path, new[path]["location"], "resource added")
        for path in old.keys() & new.keys():
            if old[path]["description"] != new[path]["description"]:
                self.add("description-changed", path, new[path]["location"], "description changed")

    def _same_methods(self, old_path: str, new_path: str) -> bool:
        def table(surface: dict[str, Any], path: str) -> set[tuple[str, str]]:
            return {(m[len(path) + 1:], spec["http"]) for m, spec in surface["methods"].items()
                    if m.startswith(path + ".")}

        found = table(self.old, old_path)
        return bool(found) and found == {(m.replace(new_path, old_path, 1), h) for m, h in table(self.new, new_path)}

    # methods ---------------------------------------------------------------------------------------------------

    def methods(self) -> None:
        old, new = self.old["methods"], self.new["methods"]
        removed = [p for p in old if p not in new]
        added = [p for p in new if p not in old]
        for path in removed:
            resource = path.rsplit(".", 1)[0]
            moved = next((self.renamed[r] + path[len(r):] for r in self.renamed if path.startswith(r + ".")), "")
            if moved in added:  # under a renamed resource: that rename is the change
                added.remove(moved)
                self.method(path, old[path], moved, new[moved])
                continue
            twin = self._same_endpoint(path, old[path], added, new)
            if twin is not None:
                added.remove(twin)
                self.add("method-renamed", path + "()", new[twin]["location"],
                         f"method {'renamed' if twin.rsplit('.', 1)[0] == resource else 'moved'} to {twin}()")
                self.method(path, old[path], twin, new[twin])
            elif resource not in self.gone:
                self.add("method-removed", path + "()", old[path]["location"], f"method removed ({old[path]['http']})")
        for path in added:
            if path.rsplit(".", 1)[0] not in self.came:
                self.add("method-added", path + "()", new[path]["location"], f"method added ({new[path]['http']})")
        for path in old.keys() & new.keys():
            self.method(path, old[path], path, new[path])

    @staticmethod
    def _same_endpoint(path: str, method: dict[str, Any], added: list[str], new: dict[str, Any]) -> str | None:
        """An added method with the verb and path of a removed one: in the same resource first, and a `_stream`
        twin for a `_stream` method (both call one endpoint)."""
        candidates = [a for a in added if new[a]["http"] == method["http"]]
        resource, stream = path.rsplit(".", 1)[0], path.endswith("_stream")
        candidates.sort(key=lambda a: (a.rsplit(".", 1)[0] != resource, a.endswith("_stream") != stream))
        return candidates[0] if candidates else None

    def method(self, old_path: str, old: dict[str, Any], path: str, new: dict[str, Any]) -> None:
        where = new["location"]
        call = path + "()"
        if old["http"] != new["http"]:
            self.add("endpoint-changed", call, where, f"{old['http']} -> {new['http']}")
        if old["base_url"] != new["base_url"]:
            self.add("base-url-changed", call, where,
                     f"base URL {old['base_url'] or '(the client’s)'} -> {new['base_url'] or '(the client’s)'}")
        old_security = old["security"] if old["security"] is not None else self.old["api"]["security"]
        new_security = new["security"] if new["security"] is not None else self.new["api"]["security"]
        if (old["security"], new["security"]) != (None, None) and old_security != new_security:
            self.add("auth-changed", call, where,
                     f"credentials sent: {_security_text(old_security)} -> {_security_text(new_security)}")
        if new["deprecated"] and not old["deprecated"]:
            self.add("method-deprecated", call, where, "method deprecated")
        if old["request_format"] != new["request_format"]:
            self.add("request-format-changed", call, where,
                     f"body sent as {old['request_format']} -> {new['request_format']}")
        if (old["summary"], old["description"]) != (new["summary"], new["description"]) and old_path == path:
            self.add("description-changed", call, where, "summary or description changed")
        self.params(path, old["params"], new["params"])
        self.returns(path, old, new)

    def params(self, path: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
        """Parameters are matched by wire name and place first (a changed Python name is a rename), then by Python
        name (the same argument sent elsewhere or under another wire name), then the positional one (a path
        parameter renamed: callers pass it by position)."""
        pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        left, right = list(old), list(new)
        for match in (lambda p: (p["wire_name"], p["in"]), lambda p: p["name"], lambda p: p["positional"] or None):
            found = {match(p): p for p in right}
            for param in list(left):
                twin = found.get(match(param))
                if twin is not None and twin in right and match(param) is not None:
                    pairs.append((param, twin))
                    left.remove(param)
                    right.remove(twin)
        for param in left:
            kind = "body field" if param["in"] == "body" and not param["root"] else f"{param['in']} parameter"
            self.add("param-removed", f"{path}({param['name']})", param["location"], f"{kind} removed")
        for param in right:
            if param["required"]:
                self.add("param-added-required", f"{path}({param['name']})", param["location"],
                         f"required {param['in']} parameter added")
            else:
                self.add("param-added", f"{path}({param['name']})", param["location"],
                         f"optional {param['in']} parameter added")
        for before, after in pairs:
            if before["name"] != after["name"]:
                self.add("param-renamed", f"{path}({before['name']})", after["location"],
                         f"parameter renamed to {after['name']}")
            self.param(path, before, after)

    def param(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        at, where = f"{path}({new['name']})", new["location"]
        if old["required"] != new["required"]:
            self.add("param-required" if new["required"] else "param-optional", at, where,
                     "parameter is now required" if new["required"] else "parameter is now optional")
        if old["positional"] != new["positional"]:
            self.add("param-positional-changed", at, where,
                     "now positional" if new["positional"] else "now keyword-only")
        if old["in"] != new["in"]:
            self.add("param-moved", at, where, f"sent in {old['in']} -> {new['in']}")
        for finding in self.types.compare(old["type"], new["type"], "request"):
            self.changes.append(finding_change(finding, at, where))
        if old["description"] != new["description"]:
            self.add("description-changed", at, where, "description changed")

    def returns(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        at, where = path + "()", new["location_response"]
        if old["pagination"] != new["pagination"]:
            self.add("pagination-changed", at, where, _pagination_text(old["pagination"], new["pagination"]))
            return  # the return type follows (SyncPage[X]); its changes are those of the pagination
        findings = self.types.compare(old["returns"], new["returns"], "response")
        for finding in findings:
            if not finding.where and _level(finding.rule) == "breaking":  # the whole value changed incompatibly
                self.add("return-type-changed", at, where, finding.message)
            else:
                self.changes.append(finding_change(finding, at, where))

    # named types -----------------------------------------------------------------------------------------------

    def named_types(self) -> None:
        old = {n: t for n, t in self.old["types"].items() if t["named"]}
        new = {n: t for n, t in self.new["types"].items() if t["named"]}
        sides = usage(self.old), usage(self.new)
        removed = [n for n in old if n not in new]
        added = [n for n in new if n not in old]
        shapes: dict[Any, str] = {}
        for name in added:  # a removed type whose shape an added one has was renamed
            shapes.setdefault(self.types.shape(parse(name), self.new["types"], 1), name)
        for name in removed:
            shape = self.types.shape(parse(name), self.old["types"], 1)
            twin = shapes.get(shape) if _distinctive(shape) else None
            if twin is not None and twin in added:
                added.remove(twin)
                self.add("model-renamed", f"types.{name}", new[twin]["location"], f"type renamed to {twin}")
            else:
                self.add("model-removed", f"types.{name}", old[name]["location"], "type removed")
        for name in added:
            self.add("model-added", f"types.{name}", new[name]["location"], "type added")
        for name in sorted(old.keys() & new.keys()):
            used = sides[0].get(name, set()) | sides[1].get(name, set())
            self.named_type(name, old[name], new[name], used)

    def named_type(self, name: str, old: dict[str, Any], new: dict[str, Any], used: set[str]) -> None:
        at, where = f"types.{name}", new["location"]
        if old["kind"] != new["kind"]:
            self.add("model-kind-changed", at, where, f"{old['kind']} -> {new['kind']}")
            return
        if old["description"] != new["description"]:
            self.add("description-changed", at, where, "description changed")
        if not used:  # no method sends or returns it (a flattened body's schema, a webhook's event)
            mine = len(self.changes)
            self.named_type(name, {**old, "description": ""}, {**new, "description": ""}, {new.get("side", "response")
                            if new.get("side") in ("request", "response") else "response"})
            self.unused += self.changes[mine:]
            del self.changes[mine:]
            return
        if old["kind"] == "alias":
            found = []
            for side in sorted(used):
                found += self.types.compare(old["type"], new["type"], side)
            picked: dict[tuple[str, str], Finding] = {}
            for finding in found:  # of one change seen from both sides, the breaking one, else the request's
                key = (finding.where, finding.message)
                if key not in picked or (_level(finding.rule) == "breaking" and _level(picked[key].rule) != "breaking"):
                    picked[key] = finding
            for finding in picked.values():
                self.changes.append(finding_change(finding, at, where))
            return
        old_fields = tuple(Types.fields(old, self.old["types"]))
        new_fields = tuple(Types.fields(new, self.new["types"]))
        for finding in self.types.fields_changes(old_fields, new_fields, new["side"], ""):
            self.changes.append(finding_change(finding, at, where))


def _distinctive(shape: Any) -> bool:
    """Whether a type's shape says enough to take another type of the same shape for it renamed: an object with
    fields or an enum, not `{}` or a plain `str`."""
    return bool(shape[0] == "literal" or (shape[0] == "object" and shape[1]))


def _level(rule: str) -> str:
    from .diff import RULES

    return RULES[rule][0]


def _under(path: str, here: dict[str, Any], there: dict[str, Any]) -> bool:
    """Whether a parent of resource `path` is also only on this side (then the parent alone is reported)."""
    parts = path.split(".")
    return any(".".join(parts[:end]) in here and ".".join(parts[:end]) not in there for end in range(2, len(parts)))


def _auth_text(auth: dict[str, Any] | None) -> str:
    return "none" if not auth else f"{auth.get('type')} in {auth.get('header')}"


def _scheme_text(scheme: dict[str, Any]) -> str:
    return f"{scheme['kind']} in {scheme['in']} {scheme['wire_name']} ({', '.join(scheme['credentials'])})"


def _security_text(security: list[list[str]]) -> str:
    return " or ".join("+".join(alternative) or "none" for alternative in security) or "none"


def _pagination_text(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    if old is None:
        return f"now paginated (returns a page of {new['item'] if new else '?'})"
    if new is None:
        return "no longer paginated"
    keys = [k for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
    return "pagination changed: " + ", ".join(f"{k} {old.get(k)!r} -> {new.get(k)!r}" for k in keys)

