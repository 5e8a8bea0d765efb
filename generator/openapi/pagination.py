"""Automatic pagination and idempotency keys: the shapes of a list operation that say how its next page is asked
for (`pagination`, one of the spec's styles), and an `Idempotency-Key` header parameter (`idempotency_header`).

Detection reads a GET operation's query parameters and its first JSON success response (the document's schema,
through `$ref`s and `allOf`), and recognizes, in this order:

| shape | query parameter | response body | spec |
| --- | --- | --- | --- |
| cursor (OpenAI, Stripe) | `after` or `starting_after` | a list and a boolean `has_more` | `style: cursor` |
| iterator (Svix) | `iterator` | a list, `iterator`, and `done` or `prevIterator` | `style: iterator` |
| token | a string `page_token`, `pageToken`, `cursor` or `page` | a list and a string `next_page_token`, `nextPageToken`, `next_cursor`, `nextCursor` or `next_page` | `style: token` |
| next link | none needed | a list and a string `next`, `next_url` or `links.next` | `style: next_url` |
| page numbers | `page`, and `per_page` / `page_size` / `limit` | a list and an integer total | `style: page` |

In an envelope, a list response with a `page_token` query parameter and `next_page_token` one level down in the
envelope (`metadata.next_page_token`) is the token style of earlier versions (`pagination: {}`). The list is the
`data` property when there is one, else `items`, `results`, or the only array property. An overrides file's
method `pagination: false` turns detection off, a mapping declares the pagination itself, `true` means what was
detected, or `{}`.
"""

from __future__ import annotations

from typing import Any

from ..load import JsonPath
from .documents import _list
from .envelope import Envelope

CURSOR_PARAMS = ("after", "starting_after")
TOKEN_PARAMS = ("page_token", "pageToken", "cursor", "page")  # `page` when it is a string and the body has a token
NEXT_TOKENS = ("next_page_token", "nextPageToken", "next_cursor", "nextCursor", "next_page")
SIZE_PARAMS = ("per_page", "page_size", "pageSize", "limit", "size")
TOTALS = ("total", "total_count", "totalCount", "total_results", "totalResults", "count")
TOTAL_PAGES = ("total_pages", "totalPages", "pages")
NEXT_LINKS = (("next",), ("next_url",), ("nextUrl",), ("next_page_url",), ("links", "next"), ("_links", "next"))
LISTS = ("data", "items", "results")


class Pages(Envelope):
    """`_pages_and_keys` completes a method made by `Operations._method`."""

    def _pages_and_keys(self, method: dict[str, Any], verb: str, operation: dict[str, Any],
                        override: dict[str, Any], path: JsonPath) -> None:
        self._idempotency_key(method)
        declared = override.get("pagination")
        if declared is False or method.get("response_format", "json") != "json" or "response" not in method:
            return
        if isinstance(declared, dict):
            _place(method, "pagination", declared)
            return
        found = None
        if verb == "get":  # a malformed part of the response loses the detection, never the method
            found = self._guard(path, "the list's shape", lambda: self._detect_pagination(method, operation), None)
        if found is not None or declared is True:
            _place(method, "pagination", found or {})

    @staticmethod
    def _idempotency_key(method: dict[str, Any]) -> None:
        """An `Idempotency-Key` header parameter (any casing) is sent by the SDK itself: one fresh key per call,
        the same on every retry (which it makes the POST safe to retry), so it is no parameter of the method."""
        params = method.get("params") or {}
        for wire, param in list(params.items()):
            if param.get("in") == "header" and wire.lower() == "idempotency-key":
                del params[wire]
                _place(method, "idempotency_header", wire)
        if "params" in method and not params:
            del method["params"]

    def _detect_pagination(self, method: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
        query = {name for name, p in (method.get("params") or {}).items() if p.get("in") == "query"}
        body = next(iter(self._success_schemas(operation)), None)
        if not isinstance(body, dict):
            return None
        if self.envelope_name:
            return self._enveloped_pagination(method, query)
        properties = self._properties(body)
        items = next((n for n in LISTS if self._kind(properties.get(n)) == "array"), None)
        if items is None:
            arrays = [n for n, p in properties.items() if self._kind(p) == "array"]
            items = arrays[0] if len(arrays) == 1 else None
        if items is None:
            return None
        found: dict[str, Any] = {}
        cursor = next((p for p in CURSOR_PARAMS if p in query), None)
        params = method.get("params") or {}
        token = next((p for p in TOKEN_PARAMS if p in query and self._kind(self._source(params[p]["schema"])) in
                      ("string", "")), None)
        next_token = next((n for n in NEXT_TOKENS if self._kind(properties.get(n)) == "string"), None)
        link = next((p for p in NEXT_LINKS if self._kind(self._at(properties, p)) == "string"), None)
        size = next((p for p in SIZE_PARAMS if p in query), None)
        total = next((n for n in TOTALS if self._kind(properties.get(n)) == "integer"), None)
        pages = next((n for n in TOTAL_PAGES if self._kind(properties.get(n)) == "integer"), None)
        if cursor and self._kind(properties.get("has_more")) == "boolean":
            found = {"style": "cursor"} | ({"cursor_param": cursor} if cursor != "after" else {})
        elif "iterator" in query and "iterator" in properties and \
                {"done", "prevIterator", "prev_iterator"} & set(properties):
            found = {"style": "iterator"}
        elif token and next_token:
            found = {"style": "token"} | ({"token_param": token} if token != "page_token" else {})
            found |= {"next_token": next_token} if next_token != "next_page_token" else {}
        elif link:
            found = {"style": "next_url"} | ({"next_url": ".".join(link)} if link != ("next",) else {})
        elif "page" in query and size and (total or pages):
            found = {"style": "page"} | ({"per_page_param": size} if size != "per_page" else {})
            found |= {"total": total} if total and total != "total" else {}
            found |= {"total_pages": pages} if pages and not total else {}
        else:
            return None
        return found | ({"items": items} if items != "data" else {})

    def _enveloped_pagination(self, method: dict[str, Any], query: set[str]) -> dict[str, Any] | None:
        """Today's token pages in an envelope: a list, `page_token`, and `next_page_token` in an envelope field."""
        if "page_token" not in query or self._kind(self._source(method["response"])) != "array":
            return None
        envelope = self._properties(self.source_schemas.get(self.envelope_name or "") or {})
        for name, prop in envelope.items():
            if "next_page_token" in self._properties(prop):
                return {} if name == "metadata" else {"next_token": f"{name}.next_page_token"}
        return None

    def _source(self, schema: dict[str, Any]) -> dict[str, Any]:
        """One of our schemas as the document's (a `$ref` of ours to the document's schema)."""
        return self._referenced(schema) if "$ref" in schema else schema

    def _resolve(self, schema: Any) -> dict[str, Any]:
        for _ in range(20):
            if not isinstance(schema, dict) or "$ref" not in schema:
                break
            schema = self._lookup(str(schema["$ref"]))
        return schema if isinstance(schema, dict) else {}

    def _properties(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        """An object schema's properties, its `allOf` members' included (later ones win)."""
        schema = self._resolve(schema)
        if depth > 8:
            return {}
        found: dict[str, Any] = {}
        for member in _list(schema.get("allOf")):
            found.update(self._properties(member, depth + 1))
        found.update(self._mapping(schema.get("properties")))
        return found

    def _at(self, properties: dict[str, Any], path: tuple[str, ...]) -> Any:
        value: Any = properties.get(path[0])
        for part in path[1:]:
            value = self._properties(value).get(part)
        return value

    def _kind(self, schema: Any, depth: int = 0) -> str:
        """`array`, `string`, `integer`, `boolean`, ... of a schema, nullable or not (3.1 type lists, `anyOf` with
        null, `allOf` of one); '' when it says none (or its members refer to each other too deep)."""
        schema = self._resolve(schema)
        if depth > 8:
            return ""
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "")
        if kind:
            return str(kind)
        for key in ("anyOf", "oneOf", "allOf"):
            members = [self._kind(m, depth + 1) for m in _list(schema.get(key))]
            members = [m for m in members if m and m != "null"]
            if len(set(members)) == 1:
                return members[0]
        return "array" if "items" in schema else ""


def _place(method: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` where the spec's methods have it: after the body's keys, before `security` and the parameters."""
    later = ("security", "base_url", "params", "response_format", "response")
    entries = [(k, v) for k, v in method.items() if k != key]
    at = next((i for i, (k, _) in enumerate(entries) if k in later), len(entries))
    entries.insert(at, (key, value))
    method.clear()
    method.update(entries)
