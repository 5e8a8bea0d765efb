"""Parameters of an operation: path, query, header and cookie parameters with their styles, and their names."""

from __future__ import annotations

import re
from typing import Any

from ..load import JsonPath
from .documents import NO_EXAMPLE, _list, first_example, pointer
from .schemas import SCALAR_TYPES, Schemas


class Parameters(Schemas):
    """The parameters of one operation in the spec's form (`_params`), checked against its path (`_path_params`)."""

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
        """Path and root body parameters can be renamed: neither name goes over the wire. `body` names the root
        body whatever name the import gave it (the name it had before bodies were named after what they hold)."""
        for old, new in renames.items():
            if old == "body" and old not in params:
                old = next((name for name, p in params.items() if p["in"] == "body" and p.get("root")), old)
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
        example = first_example(param)
        if example is not NO_EXAMPLE:
            out["example"] = example
        out["schema"] = schema
        return out

    def _style(self, where: str, param: dict[str, Any], schema: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        """The spec's keys for a parameter's `style`/`explode`: a query array of style form, not exploded, is
        `array_format: comma` (ids=a,b); other query styles are `style` (and `explode` where it is not the
        style's default); path styles `label`/`matrix` are written into the path (see _styled_route), but for an
        exploded array or object path parameter, whose items each get the prefix, `style` and `explode: true`."""
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
        if where == "path" and explode is True and not self._scalar(schema) and style in ("simple", "label", "matrix"):
            return ({"style": style} if style != "simple" else {}) | {"explode": True}  # (`;k=v;k2=v2`...)
        if where == "header" and explode is True and not self._scalar(schema):
            self.warn(path + ("explode",), "an exploded header parameter that is an array or object cannot be "
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
