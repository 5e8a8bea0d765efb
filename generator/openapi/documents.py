"""Reading: the OpenAPI document and the overrides file (and its checks), JSON pointers, `$ref` lookup; `Context`,
the state one import shares (the document, the overrides, the warnings) and the walks over the document's parts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ..diagnostics import Diagnostic, SpecError, did_you_mean
from ..load import Document, JsonPath, load, load_json
from .bundle import Bundler, pointer_parts

T = TypeVar("T")
COMPONENT_SCHEMAS = "#/components/schemas/"
VERBS = ("get", "put", "post", "delete", "patch")
# Keys that only document and do not change a client: not carried over, not reported.
DOC_ONLY = frozenset({"externalDocs", "xml", "$comment", "examples", "contact", "license", "termsOfService",
                      "summary", "$schema", "$id", "$anchor", "contentMediaType"})
ROOT_KEYS = frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "jsonSchemaDialect"})
# [OVERRIDES] The keys of an overrides file.
CONFIG_KEYS = {
    "": ("api", "naming", "envelope", "types", "resources", "methods"),
    "envelope": ("schema", "data"),
    "method": ("name", "resource", "params", "pagination", "summary", "description"),
}

# [NAMING] How methods and resources are named: from paths and CRUD shapes, or as the operationIds are written.
NAMING = ("derived", "operation_id")


def _read(path: Path) -> Document:
    """JSON, or YAML 1.2 (dates and `on`/`no` stay strings) with positions."""
    return load_json(path) or load(path)


def _read_config(path: Path) -> Document:
    doc = load(path)
    errors = list(_config_errors(doc))
    if errors:
        raise SpecError(errors)
    return doc


def _config_errors(doc: Document) -> Iterator[Diagnostic]:
    data = doc.data
    if not isinstance(data, dict):
        yield doc.error((), "wrong-type", "an overrides file is a mapping (api, envelope, types, resources, methods)")
        return
    yield from _unknown_keys(doc, (), data, CONFIG_KEYS[""])
    for key in ("api", "envelope", "types", "resources", "methods"):
        if key in data and not isinstance(data[key], dict):
            yield doc.error((key,), "wrong-type", f"'{key}' must be a mapping")
    if data.get("naming", "derived") not in NAMING:
        yield doc.error(("naming",), "wrong-type", f"'naming' is one of {', '.join(NAMING)}, not {data['naming']!r}"
                        + did_you_mean(str(data["naming"]), NAMING))
    if isinstance(data.get("envelope"), dict):
        yield from _unknown_keys(doc, ("envelope",), data["envelope"], CONFIG_KEYS["envelope"])
    for name, method in (data.get("methods") or {}).items() if isinstance(data.get("methods"), dict) else ():
        if not isinstance(method, dict):
            yield doc.error(("methods", name), "wrong-type", f"method override '{name}' must be a mapping")
            continue
        yield from _unknown_keys(doc, ("methods", name), method, CONFIG_KEYS["method"])
        if not isinstance(method.get("params", {}), dict):
            yield doc.error(("methods", name, "params"), "wrong-type", "'params' maps old names to new names")
        if not isinstance(method.get("pagination", True), (bool, dict)):
            yield doc.error(("methods", name, "pagination"), "wrong-type", "'pagination' is false (not paginated), "
                            "true (as detected) or a mapping (the spec's pagination keys)")


def _unknown_keys(doc: Document, path: JsonPath, data: dict[str, Any], known: tuple[str, ...]) -> Iterator[Diagnostic]:
    for key in data:
        if key not in known:
            yield doc.error(path + (key,), "unknown-key", f"unknown key '{key}'{did_you_mean(key, known)}", key=True)


def pointer(path: JsonPath) -> str:
    """RFC 6901 JSON pointer, as a URI fragment: ('paths', '/v1/x', 'get') -> '#/paths/~1v1~1x/get'."""
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _unpointer(ref: str) -> list[str]:
    """'#/a/b~1c' -> ['a', 'b/c']; [] for a reference into another file."""
    return list(pointer_parts(ref[1:]) or ()) if ref.startswith("#/") else []


def _schema_name(ref: str) -> str | None:
    """'#/components/schemas/A~1B' -> 'A/B' (a JSON pointer); None for any other reference."""
    return _unpointer(ref)[-1] if ref.startswith(COMPONENT_SCHEMAS) and ref.count("/") == 3 else None


# Mappings whose keys are names the document chose (a property or a header may well be called x-something).
NAMED = frozenset({"properties", "schemas", "headers", "responses", "parameters", "securitySchemes", "requestBodies",
                   "examples", "links", "callbacks", "pathItems", "variables", "mapping", "encoding", "content",
                   "paths", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def _is_extension(path: JsonPath) -> bool:
    """Whether `path` ends at a vendor extension key (`x-...`), not at something a document named so."""
    last = path[-1]
    return isinstance(last, str) and last.startswith("x-") and (len(path) < 2 or path[-2] not in NAMED)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class Context:
    """One import's shared state; the per-concern mixins (schemas, envelope, security, operations) build on it."""

    # Set by the importer once the schemas and the envelope are known.
    names: dict[str, str]
    envelope_name: str | None
    data_field: str
    wrappers: set[str]

    def __init__(self, doc: Document, overrides: Document | None) -> None:
        self.doc = doc
        self.warnings: list[Diagnostic] = []
        bundler = Bundler(doc, self._warn_in)  # references to other files: brought into this document first
        bundler.run()
        self.origins = bundler.origins
        self.root: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.config: dict[str, Any] = overrides.data if overrides else {}
        self.config_doc = overrides
        self.used_config: set[tuple[str, str]] = set()
        self.tag_texts = {str(t.get("name")): str(t["description"]).strip() for t in _list(self.root.get("tags"))
                          if isinstance(t, dict) and t.get("description")}
        self.components: dict[str, Any] = self._mapping(self.root.get("components"))
        self.source_schemas: dict[str, Any] = self._mapping(self.components.get("schemas"))
        # id(discriminator) -> (the discriminator, its path): checked once the spec is complete.
        self.discriminated: dict[int, tuple[dict[str, Any], JsonPath]] = {}

    def warn(self, path: JsonPath, message: str, code: str = "unsupported") -> None:
        """A warning at `path`, with its position; never one about a vendor extension (`x-...`) itself, which
        is ignored unless the importer reads it."""
        if path and _is_extension(path):
            return
        self._warn_in(*self._located(path), message, code)

    def _warn_in(self, doc: Document, path: JsonPath, message: str, code: str) -> None:
        line, column = doc.position(path, key=bool(path) and isinstance(path[-1], str))
        self.warnings.append(Diagnostic(doc.file, line, column, f"{pointer(path)}: {message}", code, "warning"))

    def _located(self, path: JsonPath) -> tuple[Document, JsonPath]:
        """The file and the path there of what sits at `path` in the (bundled) document."""
        for end in range(len(path), 0, -1) if self.origins else ():
            found = self.origins.get(path[:end])
            if found:
                return found[0], found[1] + path[end:]
        return self.doc, path

    def config_warn(self, path: JsonPath, message: str) -> None:
        assert self.config_doc is not None
        line, column = self.config_doc.position(path, key=True)
        self.warnings.append(Diagnostic(self.config_doc.file, line, column, message, "unused-override", "warning"))

    def _guard(self, path: JsonPath, what: str, action: Callable[[], T], fallback: T) -> T:
        """Run one unit of the import (a schema, an operation); a malformed part is skipped with a warning."""
        try:
            return action()
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
            self.warn(path, f"{what} is malformed and was skipped ({type(exc).__name__}: {exc})", "malformed")
            return fallback

    @staticmethod
    def _mapping(value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    def _deref(self, node: Any, path: JsonPath) -> tuple[Any, JsonPath]:
        """Follow `$ref`s to components other than schemas (parameters, requestBodies, responses, ...)."""
        for _ in range(32):
            if not isinstance(node, dict) or "$ref" not in node:
                return node, path
            ref = str(node["$ref"])
            target = self._lookup(ref)
            if target is None:
                self.warn(path + ("$ref",), f"cannot resolve '{ref}' (only local references, '#/...')",
                          "unresolved-ref")
                return {}, path
            node, path = target, tuple(_unpointer(ref))
        return node, path

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for part in _unpointer(ref):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def _operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for route, item in self._mapping(self.root.get("paths")).items():
            item = self._deref(item, ("paths", route))[0]
            for verb, operation in self._mapping(item).items():
                if verb in VERBS and isinstance(operation, dict):
                    yield route, verb, operation

    @staticmethod
    def _json_media(content: dict[str, Any]) -> tuple[str, Any] | None:
        for media_type, media in content.items():
            base = str(media_type).split(";")[0].strip().lower()
            if base == "application/json" or base.endswith("+json") or base == "*/*":
                return str(media_type), media
        return None

    def _unused_config(self) -> None:
        if self.config_doc is None:
            return
        for section in ("methods", "resources"):
            for key in self._mapping(self.config.get(section)):
                if (section, key) not in self.used_config:
                    known = [str(op.get("operationId")) for _, _, op in self._operations()] if section == "methods" \
                        else [str(t) for _, _, op in self._operations() for t in _list(op.get("tags"))]
                    self.config_warn((section, key), f"{section[:-1]} '{key}' matches nothing in the document"
                                     f"{did_you_mean(key, known)}")


NO_EXAMPLE = object()  # first_example's answer when there is none (None is an example)


def first_example(node: dict[str, Any]) -> Any:
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
    return NO_EXAMPLE
