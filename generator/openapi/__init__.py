"""`clientgen import-openapi`: an OpenAPI 3.0/3.1 document (YAML or JSON) -> a clientgen spec (readable YAML).

What maps to what:

- `info` -> `api` (name, description); package, client and CLI names from the title; `servers` -> `base_url` (one
  server) or `environments` (several, named from their descriptions), their variables -> `server_variables`;
  `components/securitySchemes` -> `security_schemes` (HTTP bearer and basic, API keys in a header, query or cookie,
  OAuth2/OpenID tokens as bearer) and `security` -> `security`; an operation's `security` -> the method's, and its
  (or its path's) `servers` -> the method's `base_url`.
- `components/schemas` -> `schemas` (`#/components/schemas/X` -> `#/schemas/X`); both nullable styles
  (`nullable: true`, `type: [x, "null"]`, a `{type: "null"}` member of `oneOf`/`anyOf`, `null` in an `enum`) ->
  `nullable: true`; several types (`type: [string, integer]`) -> `anyOf` with one member per type; `const`,
  `readOnly`, `writeOnly`, `deprecated`, `uniqueItems` and the numeric bounds carry over (3.0's boolean
  `exclusiveMinimum` becomes 3.1's number); keywords that only validate (`not`, `propertyNames`, `contains`, ...)
  are left out silently; single-member `oneOf`/`anyOf`/`allOf` are unwrapped; `required` names no property
  declares become properties of any type; a `discriminator` beside `oneOf`/`anyOf` carries its `mapping` (members
  that are unions themselves are replaced by their members; a discriminator the members do not all declare is a
  warning, and the union stays); `$recursiveRef: "#"` is a reference to the enclosing schema.
- `$ref`s to other files (relative paths, YAML or JSON, with or without a JSON pointer) are brought into the
  document first (`bundle.py`): their schemas under their own names, anything else copied in place.
- Vendor extensions (`x-...`) are ignored without a warning.
- Success responses written as `allOf: [{$ref: Envelope}, {properties: {data: ...}}]` -> the spec's `envelope`
  (the schema most responses are wrapped in) and each method's `response` (the typed `data`); without such
  responses, no envelope, and each method's `response` is its success response's schema itself. An operation
  whose success responses have no body at all (or that has none) -> a method without `response` (it returns
  None). JSON (`application/json`, `*+json`) wins over other media types; without it, the first success media
  type gives `response_format`: `text/event-stream` -> `event_stream` (its schema, if any, types each event),
  `text/*` -> `text`, anything else (`application/octet-stream`, `image/*`, `application/pdf`...) -> `binary`.
  JSON beside `text/event-stream` -> the JSON method and `{name}_stream` (`event_stream`), which sends a boolean
  body field `stream` as the fixed `body_values: {stream: true}` instead of taking it as a parameter.
- Operations -> methods: resources from the paths' static segments (`/v1/accounts/{id}/orders` ->
  `v1.accounts.orders`), CRUD names (`list`, `create`, `retrieve`, `update`, `delete`), actions named after their
  segment, else the operationId without the resource's words; collisions fall back to fuller names (`names.py`,
  spec/README.md). With `naming: operation_id`: `/v1/...` -> resource `v1`, the first tag -> a resource under it
  (`Instrument Data` -> `instrument_data`), `operationId` -> the method name. Path- and operation-level parameters (path, query, header,
  cookie) -> `params` (a query array of `style: form, explode: false` -> `array_format: comma`, other query styles
  -> `style`/`explode`; path styles `label`/`matrix` written into the path); a JSON object request body -> one
  `in: body` parameter per property, any other body -> a `root` body parameter `body`. Of several request media
  types JSON wins; else `application/x-www-form-urlencoded` -> `request_format: form` and `multipart/form-data` ->
  `multipart` (fields as parameters, `encoding` styles as `style`/`explode`), `text/plain` -> `text`, any other
  type -> `binary` (with `content_type`).
- List operations whose query parameters and response have a known shape (cursor, iterator, token, next link,
  page numbers) -> `pagination` with its `style` (`pagination.py`); a header parameter `Idempotency-Key` (any
  casing) -> `idempotency_header` instead of a parameter.
- An overrides file (`--config`) renames types, methods, resources and path/body parameters, moves methods into
  (sub-)resources and declares or turns off pagination ([OVERRIDES] below).

Anything that cannot be expressed is a warning that names its JSON pointer in the OpenAPI document; nothing is
dropped without one. Documentation-only keys (`externalDocs`, `xml`, `$comment`, response `examples`, `info.contact`,
...) are not carried over and not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..load import Document
from .documents import DOC_ONLY, ROOT_KEYS, _read, _read_config, pointer
from .dump import dump, write_spec
from .operations import Operations

__all__ = ["ImportResult", "dump", "import_openapi", "pointer", "write_spec"]


@dataclass
class ImportResult:
    spec: dict[str, Any]
    warnings: list[Diagnostic] = field(default_factory=list)
    operations: int = 0


def import_openapi(path: str | Path, config: str | Path | None = None) -> ImportResult:
    """Read an OpenAPI document (and an overrides file); raise SpecError when either cannot be read."""
    doc = _read(Path(path))
    overrides = _read_config(Path(config)) if config else None
    return _Importer(doc, overrides).run()


class _Importer(Operations):
    """The parts in the order they depend on each other: schema names, the envelope, then everything else."""

    def __init__(self, doc: Document, overrides: Document | None) -> None:
        super().__init__(doc, overrides)
        self.names = self._schema_names()
        self.envelope_name, self.data_field = self._find_envelope()
        self.wrappers = self._wrapper_schemas()

    def run(self) -> ImportResult:
        version = str(self.root.get("openapi", ""))
        if not re.match(r"^3\.[01](\.|$)", version):
            self.warn(("openapi",), f"OpenAPI version '{version}' is not 3.0 or 3.1; importing as if it were 3.1",
                      "openapi-version")
        for key in self.root:
            if key not in ROOT_KEYS and key not in DOC_ONLY and self.root[key]:
                self.warn((key,), f"'{key}' cannot be expressed; dropped")
        api = self._api()
        schemas = self._schemas()
        envelope = self._envelope()
        resources, count = self._resources()
        if not count:
            self.warn(("paths",), "the document has no operations (GET, PUT, POST, DELETE, PATCH)", "no-operations")
        self._unused_config()
        if self.server_variables and "server_variables" not in api:  # the API's servers' and the methods'
            api["server_variables"] = self.server_variables
        spec: dict[str, Any] = {"clientgen": 1, "api": api}
        if envelope is not None:
            spec["envelope"] = envelope
        if schemas:
            spec["schemas"] = schemas
        spec["resources"] = resources
        self._check_discriminators(spec)
        return ImportResult(spec, sorted(set(self.warnings)), count)
