"""The `api` section: names from `info`; `servers` -> `base_url` or `environments`, with `server_variables`;
`components/securitySchemes` and `security` -> `security_schemes` and `security`; an operation's (or its path's)
`servers` and `security` -> the method's `base_url` and `security`."""

from __future__ import annotations

import re
from typing import Any

from .. import ir, naming
from ..load import JsonPath
from .documents import Context, _list

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
ABSOLUTE_URL = re.compile(r"^(https?|\{[A-Za-z_][A-Za-z0-9_-]*\})://\S+$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
KEY_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
OAUTH_NOTE = "{kind}: the SDK sends an access token as a bearer token; it does not obtain one."


class Security(Context):
    """`api`: `_api` for the document; `_operation_security` and `_operation_base_url` for one operation."""

    # Set by _api: the spec's schemes (by OpenAPI name), the default alternatives, the variables of every server
    # URL (methods' too, so the importer adds those later), and whether an override gave a single key (`auth`).
    schemes: dict[str, dict[str, Any]]
    default_security: list[list[str]]
    server_variables: dict[str, dict[str, Any]]
    single_key: bool
    default_base_url: str

    def _api(self) -> dict[str, Any]:
        info = self._mapping(self.root.get("info"))
        given = self._mapping(self.config.get("api"))
        title = str(info.get("title") or "API").strip()
        if re.search(r"\S\s+API$", title):  # templates say "{name} API"
            title = title[:-3].rstrip()
        words = naming.words(title)
        stem = "_".join(words) or "api"
        stem = stem if stem[0].isalpha() else "api_" + stem
        api: dict[str, Any] = {"name": title}
        if info.get("description"):
            api["description"] = str(info["description"]).strip()
        api.update(package=stem, client=naming.pascal(stem), cli=stem.replace("_", "-"))
        self.server_variables = {}
        self.default_base_url = ""
        # An override of the base URL (or of the environments) replaces what the servers say.
        if not {"base_url", "environments"} & set(given):
            api.update(self._guard(("servers",), "'servers'", self._servers, {"base_url": "http://localhost"}))
            self.default_base_url = api.get("base_url") or next(iter(api["environments"].values()))
        # An override's `auth` (one key) or `security_schemes` replaces the document's schemes.
        self.single_key = "auth" in given
        self.schemes = {}
        self.default_security = []
        if not {"auth", "security_schemes"} & set(given):
            self.schemes = self._guard(("components", "securitySchemes"), "the security schemes", self._schemes, {})
            # Without a top-level `security`, OpenAPI requires no credentials but where an operation says so.
            self.default_security = self._requirements(self.root.get("security")) or []
            if self.schemes:
                api["security_schemes"] = self.schemes
                if self.default_security != [[name] for name in self.schemes]:
                    api["security"] = self.default_security
        api.update(given)
        return api

    # servers

    def _servers(self) -> dict[str, Any]:
        servers = [s for s in _list(self.root.get("servers")) if isinstance(s, dict)]
        if not servers:
            self.warn(("servers",) if "servers" in self.root else (), "no servers; base_url is http://localhost",
                      "no-server")
            return {"base_url": "http://localhost"}
        urls = [self._server_url(server, ("servers", index)) for index, server in enumerate(servers)]
        if len(set(urls)) == 1:
            return {"base_url": urls[0]}
        environments: dict[str, str] = {}
        for server, url in zip(servers, urls):
            if url in environments.values():
                continue
            name = _environment_name(server, url)
            unique = naming.numbered(name, environments)
            environments[unique] = url
        return {"environments": environments}

    def _server_url(self, server: dict[str, Any], path: JsonPath, relative: bool = False) -> str:
        """A server's URL with its variables declared in `self.server_variables` (the first server to declare a
        name gives it its default). A relative URL is read against http://localhost, with a warning, unless
        `relative` (a method's, which the SDK joins to the client's base URL)."""
        url = str(server.get("url", "")).strip()
        variables = self._mapping(server.get("variables"))
        for name in PLACEHOLDER.findall(url):
            variable = self._mapping(variables.get(name))
            default = str(variable.get("default", ""))
            if name not in variables and name in self.server_variables:  # declared by another server
                continue
            if not VARIABLE_NAME.match(name) or name not in variables:
                if name not in variables:
                    self.warn(path + ("url",), f"server URL placeholder '{{{name}}}' has no variable; left empty")
                url = url.replace("{" + name + "}", default)
                continue
            declared: dict[str, Any] = {"default": default}
            enum = list(dict.fromkeys(str(value) for value in _list(variable.get("enum"))))
            if enum:
                declared["enum"] = enum if default in enum else [default, *enum]
            if variable.get("description"):
                declared["description"] = str(variable["description"]).strip()
            self.server_variables.setdefault(name, declared)
        if relative and not ABSOLUTE_URL.match(url):  # 'v2' is relative to the base URL's path, '/v2' to its host
            url = url if url.startswith(("/", "./", "../")) else "./" + url
            return url.rstrip("/") or "/"
        if not ABSOLUTE_URL.match(url):
            relative_path = url if url.startswith("/") else ""
            self.warn(path + ("url",), f"server URL '{url}' is not an absolute http(s) URL; read as "
                      f"http://localhost{relative_path}", "no-server")
            url = "http://localhost" + relative_path
        return url.rstrip("/") or url

    def _operation_base_url(self, operation: dict[str, Any], item: dict[str, Any], path: JsonPath) -> str | None:
        """The method's own base URL from the operation's `servers`, else its path's; None when it has none or
        they name the API's own. The first server is used."""
        for node, where in ((operation, path + ("servers",)), (item, path[:-1] + ("servers",))):
            servers = [s for s in _list(node.get("servers")) if isinstance(s, dict)]
            if servers:
                if not re.match(r"^\S+$", str(servers[0].get("url", "")).strip()):
                    return None
                url = self._server_url(servers[0], where + (0,), relative=True)
                return None if url == self.default_base_url else url
        return None

    # security

    def _schemes(self) -> dict[str, dict[str, Any]]:
        """The schemes the SDK can send, with client arguments: `api_key` for the one the API uses by default,
        the scheme's name (less an `_auth` suffix) for the others."""
        found: dict[str, dict[str, Any]] = {}
        for name, raw in self._mapping(self.components.get("securitySchemes")).items():
            scheme = self._scheme(str(name), raw)
            if scheme is not None:
                found[str(name)] = scheme
        keyed = [name for name, scheme in found.items() if scheme["type"] != "basic"]
        if len(keyed) > 1:
            first = [n for r in _list(self.root.get("security")) if isinstance(r, dict) for n in r if n in keyed]
            primary = first[0] if first else keyed[0]
            taken = set(ir.CLIENT_ARGUMENTS) | {"username", "password", "api_key"}
            for name in keyed:
                param = "api_key" if name == primary else _param_name(name, taken)
                taken.add(param)
                found[name]["param"] = param
        return found

    def _scheme(self, name: str, scheme: Any) -> dict[str, Any] | None:
        scheme = self._mapping(self._deref(scheme, ("components", "securitySchemes", name))[0])
        kind = scheme.get("type")
        where = ("components", "securitySchemes", name)
        http = str(scheme.get("scheme", "")).lower()
        out: dict[str, Any] | None = None
        if kind == "http" and http in ("bearer", "basic"):
            out = {"type": http}
        elif kind in ("oauth2", "openIdConnect"):
            out = {"type": "bearer", "description": OAUTH_NOTE.format(kind=kind)}
        elif kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and KEY_NAME.match(
                str(scheme.get("name", ""))):
            out = {"type": "api_key", "in": scheme["in"], "name": str(scheme["name"])}
        elif scheme:
            self.warn(where, f"security scheme '{name}' ({kind} {scheme.get('scheme') or scheme.get('in') or ''})"
                      " cannot be expressed; dropped".replace(" )", ")"))
        if out is not None and scheme.get("description") and "description" not in out:
            out["description"] = str(scheme["description"]).strip()
        return out

    def _requirements(self, security: Any) -> list[list[str]] | None:
        """OpenAPI's alternatives (`[{A: [], B: []}, {C: []}]`) as lists of scheme names; an alternative that
        needs a scheme the SDK cannot send is left out. None when `security` is not a list."""
        if not isinstance(security, list):
            return None
        alternatives: list[list[str]] = []
        for requirement in security:
            if not isinstance(requirement, dict):
                continue
            names = [str(name) for name in requirement]
            if all(name in self.schemes for name in names) and names not in alternatives:
                alternatives.append(names)
        return alternatives

    def _operation_security(self, security: Any, path: JsonPath) -> list[list[str]] | None:
        """The method's `security`, or None when it is the API's default."""
        if self.single_key:  # one key for every call; only "none at all" can be said
            return [] if security == [] else None
        alternatives = self._requirements(security)
        if alternatives is None or alternatives == self.default_security:
            return None
        return alternatives


def _environment_name(server: dict[str, Any], url: str) -> str:
    """From the server's description ('Production API' -> production_api), else its host ('localhost_5001')."""
    described = naming.snake(str(server.get("description") or ""))
    if described:
        return "_".join(described.split("_")[:5])
    host = PLACEHOLDER.sub("", re.sub(r"^[^:]*://", "", url).split("/", 1)[0])
    return naming.snake(host) or "server"


def _param_name(scheme: str, taken: set[str]) -> str:
    """A scheme's client argument: its name in snake_case, less an `_auth` suffix (AdminApiKeyAuth ->
    admin_api_key), unique among `taken`."""
    base = naming.identifier(scheme) or "credential"
    stripped = base.removesuffix("_auth")
    name = stripped if stripped and stripped not in taken else base
    if not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in taken:
        name = naming.numbered(name, taken | {name})
    return name
