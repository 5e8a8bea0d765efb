"""The `api` section: names from `info`, `servers` -> `base_url`, security schemes -> `auth`."""

from __future__ import annotations

import re
from typing import Any

from .. import naming
from ..load import JsonPath
from .documents import Context, _list


class Security(Context):
    """`api`: `_api` for the document, `_operation_security` for one operation's `security`."""

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
        base_url = self._guard(("servers",), "'servers'", self._base_url, "http://localhost")
        auth = self._guard(("components", "securitySchemes"), "the security schemes", self._auth, {"type": "bearer"})
        api.update(package=stem, client=naming.pascal(stem), cli=stem.replace("_", "-"), base_url=base_url, auth=auth)
        for key, value in given.items():
            api[key] = {**api.get("auth", {}), **value} if key == "auth" and isinstance(value, dict) else value
        return api

    def _base_url(self) -> str:
        servers = self.root.get("servers")
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            self.warn(("servers",) if "servers" in self.root else (), "no servers; base_url is http://localhost",
                      "no-server")
            return "http://localhost"
        server = servers[0]
        url = str(server.get("url", ""))
        for name, variable in self._mapping(server.get("variables")).items():
            url = url.replace("{" + name + "}", str(self._mapping(variable).get("default", "")))
        if not re.match(r"^https?://\S+$", url):
            self.warn(("servers", 0, "url"), f"server URL '{url}' is not an absolute http(s) URL; base_url is "
                      f"http://localhost{url if url.startswith('/') else ''}", "no-server")
            url = "http://localhost" + (url if url.startswith("/") else "")
        return url.rstrip("/") or url

    def _auth(self) -> dict[str, Any]:
        schemes = self._mapping(self.components.get("securitySchemes"))
        used = [name for requirement in _list(self.root.get("security")) if isinstance(requirement, dict)
                for name in requirement]
        for name in used + [n for n in schemes if n not in used]:
            auth = self._scheme(name, schemes.get(name))
            if auth is not None:
                for other in used:
                    if other != name:
                        self.warn(("security",), f"security scheme '{other}' is not used: the SDK sends one key "
                                  f"('{name}')")
                return auth
        if schemes or used:
            self.warn(("components", "securitySchemes"), "no supported security scheme (HTTP bearer, OAuth2/OpenID "
                      "token, API key in a header); auth is bearer")
        else:
            self.warn((), "the document declares no security scheme; auth is bearer", "no-auth")
        return {"type": "bearer"}

    def _scheme(self, name: str, scheme: Any) -> dict[str, Any] | None:
        scheme = self._deref(scheme, ("components", "securitySchemes", name))[0]
        scheme = self._mapping(scheme)
        kind = scheme.get("type")
        where = ("components", "securitySchemes", name)
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return {"type": "bearer"}
        if kind in ("oauth2", "openIdConnect"):
            self.warn(where, f"{kind}: the SDK sends an access token as a bearer key but does not obtain one")
            return {"type": "bearer"}
        if kind == "apiKey" and scheme.get("in") == "header" and re.fullmatch(r"[A-Za-z0-9-]+",
                                                                              str(scheme.get("name"))):
            header = str(scheme["name"])
            return {"type": "header", "header": header} if header != "Authorization" else {"type": "header"}
        if scheme:
            self.warn(where, f"security scheme '{name}' ({kind} {scheme.get('scheme') or scheme.get('in') or ''})"
                      " cannot be expressed; only bearer tokens and API keys in a header".replace(" )", ")"))
        return None

    def _operation_security(self, security: Any, path: JsonPath) -> None:
        names = sorted({n for r in _list(security) if isinstance(r, dict) for n in r})
        default = sorted({n for r in _list(self.root.get("security")) if isinstance(r, dict) for n in r})
        if names != default:
            described = ", ".join(names) if names else "none"
            self.warn(path, f"per-operation security ({described}) cannot be expressed; the client's key is sent")
